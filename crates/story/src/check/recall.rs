//! A story's check recalled from the last build's, not parsed: what the
//! [`Keeper`] remembered of a story checked with nothing to say, used when
//! the story's JSON is the same and the files it names are still there.

use std::path::Path;

use super::{kept, local_file, Held, IdKey, Keeper};
use crate::memo::Stamp;
use crate::report::Report;
use crate::sandbox::Sandbox;

/// What a [`Keeper`] remembers of a story checked with nothing to say:
/// what it kept (its record, as [`Keeper::keep`] made it), its date, id
/// and tags, and the local files it names. Recalled when the story's JSON
/// is the same, it stands for the story's check: the story is neither
/// parsed nor kept again from its document, and only its files are looked
/// for again (an image removed since is an error, as when it is parsed).
#[derive(Debug, Clone, PartialEq)]
pub struct Recalled {
    pub record: Vec<u8>,
    pub published: Option<i64>,
    pub id: IdKey,
    pub tags: Vec<String>,
    /// The local files it names, as paths.
    pub checked: Vec<String>,
}

impl Recalled {
    /// As a memo's record: the JSON's `hash` first ([`crate::memo`]).
    pub fn encode(&self, hash: &[u8; 32]) -> Vec<u8> {
        let mut e = crate::memo::Enc(hash.to_vec());
        e.bytes(&self.record);
        e.opt(self.published.map(i64::to_le_bytes).as_ref().map(|b| &b[..]));
        e.0.extend_from_slice(&self.id);
        e.strs(&self.tags);
        e.strs(&self.checked);
        e.0
    }

    /// A memo's record read back (`None`: not one of these).
    pub fn decode(bytes: &[u8]) -> Option<Recalled> {
        let mut d = crate::memo::Dec(bytes);
        d.take(32)?;
        let record = d.bytes()?.to_vec();
        let published = match d.opt()? {
            Some(b) => Some(i64::from_le_bytes(b.try_into().ok()?)),
            None => None,
        };
        let id = d.take(16)?.try_into().ok()?;
        let (tags, checked) = (d.strs()?, d.strs()?);
        d.0.is_empty().then_some(Recalled { record, published, id, tags, checked })
    }
}

/// What `keeper` recalls of the `story.json` at `path` (really at
/// `real`), whose bytes hash to `hash` (its stamp before it was read:
/// `stamp`), kept again: when the files it names are all still there.
/// `vouched`: what its stamp recalled ([`Keeper::recall_by_stamp`]),
/// else it is recalled by its hash.
#[allow(clippy::too_many_arguments)]
pub(super) fn recalled(
    sandbox: &Sandbox,
    keeper: &dyn Keeper,
    real: &Path,
    hash: &[u8; 32],
    stamp: Option<&Stamp>,
    path: &Path,
    named: bool,
    vouched: Option<Recalled>,
) -> Option<Held> {
    let by_stamp = vouched.is_some();
    let r = vouched.or_else(|| keeper.recall(real, hash))?;
    if !r.checked.iter().all(|p| local_file(sandbox, Path::new(p)).is_ok()) {
        return None;
    }
    let listed = keeper.keep_recalled(real, hash, stamp, &r, by_stamp).ok()?;
    let report = Report { file: path.display().to_string(), diagnostics: Vec::new() };
    Some(Held { report: kept(report, named), doc: None, listed: Some(listed) })
}
