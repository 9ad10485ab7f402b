//! Ids across a site: each story is known by its id's hash, and two
//! stories with one id are an error on the second.

use story_format::{Code, Diagnostic, Document, Location};

use super::{short_hash, Cache, Held, Keeper};

/// A story's id's hash ([`id_key`]), if it has a valid id (`empty` is
/// the hash of no id, worked out once by the caller).
fn id_of(held: &Held, empty: &IdKey) -> Option<IdKey> {
    let key = match (held.doc.as_deref(), &held.listed) {
        (Some(Document::Story(s)), _) => id_key(&s.id),
        (_, Some(listed)) => listed.id,
        _ => return None,
    };
    // Not a valid id: that is its own error.
    (key != *empty).then_some(key)
}

/// The id of the story of `held`, as written.
fn id_text(held: &Held, keeper: Option<&dyn Keeper>) -> String {
    match (held.doc.as_deref(), &held.listed, keeper) {
        (Some(Document::Story(s)), _, _) => s.id.clone(),
        (_, Some(listed), Some(keeper)) => keeper.id(listed).unwrap_or_default(),
        _ => String::new(),
    }
}

/// A story's id as the check knows it: a 128-bit hash (`short_hash`),
/// 16 bytes where the id held was about 48 with its allocation.
pub type IdKey = [u8; 16];

/// `id`'s [`IdKey`].
pub fn id_key(id: &str) -> IdKey {
    short_hash(id.as_bytes())
}

/// Two stories of one site with one id: an error on each but the first
/// (in report order), naming the first. The stories are sorted by their
/// ids' hashes: 20 bytes a story while it runs (a map of the ids took 52
/// MB at 1,000,000, and a copy of each id with its file's name about 100
/// bytes a story).
pub(super) fn unique_ids(order: &[usize], cache: &mut Cache) {
    let empty = id_key("");
    let mut by_id: Vec<(IdKey, u32)> = (0..order.len() as u32)
        .filter_map(|k| Some((id_of(cache.slots[order[k as usize]].as_ref()?, &empty)?, k)))
        .collect();
    // Stable: one id's stories stay in report order, the first first.
    by_id.sort_by_key(|a| a.0);
    let mut repeated = Vec::new();
    for run in by_id.chunk_by(|a, b| a.0 == b.0) {
        repeated.extend(run[1..].iter().map(|&(_, k)| (order[k as usize], order[run[0].1 as usize])));
    }
    drop(by_id);
    for (slot, was) in repeated {
        let was = cache.name(was);
        let Some(held) = &cache.slots[slot] else { continue };
        let id = id_text(held, cache.keeper);
        let msg = format!("the id \"{id}\" is also the id of {was}; ids must be unique across a site");
        cache.report_mut(slot).diagnostics.push(Diagnostic::error(Code::Mismatch, Location::top("id"), msg));
    }
}
