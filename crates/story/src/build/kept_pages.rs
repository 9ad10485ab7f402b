//! The catalog's pages made from the bundles, kept between builds: beside
//! OUT (`.NAME.pages`), one record a page (by its file's name), found by
//! the page's key ([`page_key`]: what the page is made from, without
//! reading a byte of its entries) and holding the page as written and
//! what gathering it gave ([`GatheredPage`]). A page whose key is the same
//! is neither made (its entries read back and written as JSON) nor parsed
//! again: at 100,000 stories those took a core each for half a second in
//! a build that changed nothing.
//!
//! A page's key covers everything its JSON is made from: the catalog's
//! title, its name and count of entries (so its neighbours and `total`),
//! and for each entry in order the bundle's path and the SHA-256 of its
//! `story.json` as checked (an entry is made from the story alone, read at
//! its path, within the memo's context: this version, the site and its
//! address). A page with an entry whose JSON the check did not hash, or a
//! `story.md` (imported, not read as it is), has no key and is made each
//! time. Any doubt when a record is read (cut short, a thumbnail that no
//! longer resolves) makes the page again.

use story_format::url::{Base, SafeUrl, Url};

use super::entries::{GatheredEntry, GatheredPage};
use crate::memo::{Dec, Enc};

/// The key of page `n` (from 1) of a catalog of `total` entries titled
/// `title`, named `name`, its entries `entries` (each bundle's path and
/// the first 16 bytes of its JSON's SHA-256, zeros when the check did not
/// hash it); `None` when an entry cannot vouch for its JSON.
pub(super) fn page_key<'a>(
    title: &str,
    name: &str,
    total: usize,
    entries: impl Iterator<Item = (&'a [u8], [u8; 16])>,
) -> Option<[u8; 32]> {
    use sha2::{Digest, Sha256};
    let mut key = Sha256::new();
    for part in [title.as_bytes(), name.as_bytes(), &(total as u64).to_le_bytes()] {
        key.update((part.len() as u64).to_le_bytes());
        key.update(part);
    }
    for (path, json) in entries {
        if json == [0; 16] || !path.ends_with(b"/story.json") {
            return None;
        }
        key.update((path.len() as u64).to_le_bytes());
        key.update(path);
        key.update(json);
    }
    Some(key.finalize().into())
}

/// A page's record: its key, what gathering it gave and the thumbnails'
/// addresses it names (each as short as resolves to it again against the
/// page's address: `a/thumb.jpg`), then the page as written.
pub(super) fn encode(
    key: &[u8; 32],
    url: &Url,
    page: &GatheredPage,
    assets: &[SafeUrl],
    bytes: &[u8],
) -> Vec<u8> {
    let base = Base::new(url);
    let dir = &url.as_str()[..url.as_str().rfind('/').map_or(0, |i| i + 1)];
    let short = |u: &SafeUrl| -> String {
        match u.as_str().strip_prefix(dir) {
            Some(rest) if base.resolve(rest).is_ok_and(|r| r.as_str() == u.as_str()) => rest.to_owned(),
            _ => u.as_str().to_owned(),
        }
    };
    let mut e = Enc(Vec::with_capacity(bytes.len() + 128 * page.entries.len()));
    e.0.extend_from_slice(key);
    e.bytes(page.format.as_bytes());
    e.u32(page.entries.len() as u32);
    for g in &page.entries {
        [g.start, g.len, g.index].iter().for_each(|&n| e.u32(n));
        e.0.extend_from_slice(&g.digest.to_le_bytes());
        e.0.extend_from_slice(&g.id);
        e.strs(&g.tags);
        let published =
            g.published.as_ref().map(|(unix, raw)| [&unix.to_le_bytes(), raw.as_bytes()].concat());
        e.opt(published.as_deref());
        e.opt(g.thumbnail.as_ref().map(|(src, _)| short(src)).as_deref().map(str::as_bytes));
        e.opt(g.thumbnail.as_ref().and_then(|(_, f)| *f).map(|(x, y)| [x, y]).as_ref().map(|f| &f[..]));
    }
    let assets: Vec<String> = assets.iter().map(short).collect();
    e.strs(&assets);
    e.bytes(bytes);
    e.0
}

/// A page's record read again ([`encode`]) for the page at `url`: what
/// gathering it gave, the thumbnails it names (each resolved again, as
/// any address of the format is), and its bytes; `None` for a record cut
/// short or an address that no longer resolves.
pub(super) fn decode(record: &[u8], url: &Url) -> Option<(GatheredPage, Vec<SafeUrl>, Vec<u8>)> {
    let base = Base::new(url);
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).ok();
    let mut d = Dec(record.get(32..)?);
    let format = text(d.bytes()?)?;
    let n = d.u32()? as usize;
    // Each entry takes over 40 bytes: a count past that is a bad record.
    if n > d.0.len() / 40 {
        return None;
    }
    let mut entries = Vec::with_capacity(n);
    for _ in 0..n {
        let [start, len, index] = [d.u32()?, d.u32()?, d.u32()?];
        let digest = u64::from_le_bytes(d.take(8)?.try_into().ok()?);
        let id = d.take(16)?.try_into().ok()?;
        let tags = d.strs()?;
        let published = match d.opt()? {
            Some(b) if b.len() >= 8 => Some((i64::from_le_bytes(b[..8].try_into().ok()?), text(&b[8..])?)),
            Some(_) => return None,
            None => None,
        };
        let src = match d.opt()? {
            Some(s) => Some(base.resolve(std::str::from_utf8(s).ok()?).ok()?),
            None => None,
        };
        let focus = match d.opt()? {
            Some(&[x, y]) => Some((x, y)),
            Some(_) => return None,
            None => None,
        };
        let thumbnail = src.map(|s| (s, focus));
        entries.push(GatheredEntry { start, len, index, thumbnail, digest, id, tags, published });
    }
    let assets = d.strs()?.iter().map(|a| base.resolve(a).ok()).collect::<Option<Vec<_>>>()?;
    let bytes = d.bytes()?.to_vec();
    d.0.is_empty().then_some((GatheredPage { format, entries }, assets, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> (Url, GatheredPage, Vec<SafeUrl>) {
        let url = Url::parse("https://news.example/site/stories-2.json").unwrap();
        let base = Base::new(&url);
        let entry = |n: u32, thumb: Option<&str>| GatheredEntry {
            start: 10 * n,
            len: 9,
            index: n,
            thumbnail: thumb.map(|t| (base.resolve(t).unwrap(), (n % 2 == 0).then_some((20, 80)))),
            digest: u64::from(n) << 40,
            id: [n as u8; 16],
            tags: vec!["Ports".into(), "科技".into()],
            published: (n != 1).then(|| (1_700_000_000 + i64::from(n), "2026-12-07".into())),
        };
        let entries = vec![
            entry(0, Some("a/thumb.jpg")),
            entry(1, None),
            entry(2, Some("https://cdn.example/t.jpg?w=1")),
            // Resolved, then written as the page has it: not shortened.
            entry(3, Some("./x:y.jpg")),
        ];
        let assets = vec![base.resolve("a/thumb.jpg").unwrap(), base.resolve("b/c.png").unwrap()];
        (url, GatheredPage { format: "\"story-index/1\"".into(), entries }, assets)
    }

    /// A page's record comes back as it was made, each address resolved
    /// again to the same; one cut short, or with an address that does not
    /// resolve, is no record.
    #[test]
    fn a_page_comes_back_as_it_was_gathered() {
        let (url, page, assets) = page();
        let record = encode(&[7; 32], &url, &page, &assets, b"{\"the\":\"page\"}");
        let (again, assets_again, bytes) = decode(&record, &url).expect("a whole record");
        assert_eq!((again, assets_again, bytes), (page, assets, b"{\"the\":\"page\"}".to_vec()));
        for cut in 0..record.len() {
            assert!(decode(&record[..cut], &url).is_none(), "cut at {cut}");
        }
        let (cdn, bad) = ("https://cdn.example/t.jpg?w=1", format!("javascript:{}", "x".repeat(18)));
        assert_eq!(cdn.len(), bad.len());
        let at = record.windows(cdn.len()).position(|w| w == cdn.as_bytes()).expect("written in full");
        let mut broken = record.clone();
        broken[at..at + cdn.len()].copy_from_slice(bad.as_bytes());
        assert!(decode(&broken, &url).is_none(), "a thumbnail that does not resolve");
    }

    /// A key changes with every part a page is made from, and a page with
    /// an entry whose JSON was not hashed, or a `story.md`, has none.
    #[test]
    fn a_page_key_covers_what_the_page_is_made_from() {
        let a: &[u8] = b"/s/a/story.json";
        let b: &[u8] = b"/s/b/story.json";
        let key = |title: &str, name: &str, total: usize, e: &[(&[u8], [u8; 16])]| {
            page_key(title, name, total, e.iter().copied())
        };
        let base = key("T", "stories-2.json", 9, &[(a, [1; 16]), (b, [2; 16])]).unwrap();
        let others = [
            key("U", "stories-2.json", 9, &[(a, [1; 16]), (b, [2; 16])]),
            key("T", "stories-3.json", 9, &[(a, [1; 16]), (b, [2; 16])]),
            key("T", "stories-2.json", 10, &[(a, [1; 16]), (b, [2; 16])]),
            key("T", "stories-2.json", 9, &[(b, [2; 16]), (a, [1; 16])]),
            key("T", "stories-2.json", 9, &[(a, [1; 16]), (b, [3; 16])]),
            key("T", "stories-2.json", 9, &[(a, [1; 16])]),
        ];
        for (i, other) in others.iter().enumerate() {
            assert_ne!(other.unwrap(), base, "change {i}");
        }
        assert!(key("T", "stories-2.json", 9, &[(a, [1; 16]), (b, [0; 16])]).is_none());
        assert!(key("T", "stories-2.json", 9, &[(b"/s/a/story.md", [1; 16])]).is_none());
    }
}
