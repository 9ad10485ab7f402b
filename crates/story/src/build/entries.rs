//! The catalog's entries while a site is built, kept on disk: the
//! catalog's pages are written to the new site first, and what a list
//! page, the search index or the sitemap needs is read back from them, a
//! few entries at a time, through the format's own parser. In memory, for
//! each entry: where its JSON is (16 bytes), its id's hash (for the
//! search index) and its number in each of its tags' lists. Held parsed,
//! the catalog cost about a kilobyte a story (an entry is 280 bytes inline,
//! plus its strings): a gigabyte at 1,000,000 stories.

use std::collections::HashMap;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

use serde_json::value::RawValue;
use story_format::url::{SafeUrl, Url};
use story_format::{parse_document, Catalog, Document, Entry, Image};

use super::Failure;

/// A page of the catalog, as written to the new site.
struct PageFile {
    /// The file, in the new site.
    path: PathBuf,
    /// Its address: its entries' relative addresses resolve against it.
    url: Url,
    /// Its `format` member, as written (an entry read again is read as
    /// one of a catalog of this format).
    format: String,
}

/// Where an entry's JSON is: its page, its bytes there, its place in the
/// page's `stories` (the entry's [`Entry::index`]).
#[derive(Clone, Copy)]
struct Spot {
    page: u32,
    start: u32,
    len: u32,
    index: u32,
}

/// An id's hash: 128 bits, so two ids of a million share one with a
/// chance of about 10^-27 (the search index numbers stories by it).
pub(super) type IdHash = [u8; 16];

/// `id`'s [`IdHash`].
pub(super) fn id_hash(id: &str) -> IdHash {
    crate::check::short_hash(id.as_bytes())
}

/// The catalog of every page together, newest first (its first page's
/// title and image), its entries on disk: see the module's documentation.
pub struct Entries {
    pub minor_version: u32,
    pub title: String,
    pub titled: bool,
    pub image: Option<Image>,
    pages: Vec<PageFile>,
    spots: Vec<Spot>,
    /// Every tag of the entries, once each, in first-seen order.
    tags: Vec<String>,
    /// Each tag's place in `tags` and in `lists`.
    tag_at: HashMap<String, usize>,
    /// Each tag's entries, by number (newest first).
    lists: Vec<Vec<u32>>,
    /// Each entry's number, by its id's hash, sorted by the hash (a
    /// repeated id: the last in the pages' order). 20 bytes an entry; a
    /// map took 44 MB at 1,000,000, and half as much again as it grew.
    by_id: Vec<(IdHash, u32)>,
    /// Each entry's [`entry_digest`], by number.
    digests: Vec<u64>,
    /// No two entries share an id.
    unique: bool,
    /// Each entry's thumbnail (its place in `thumbs`), by number;
    /// [`NO_THUMBNAIL`] for none.
    thumb_of: Vec<u32>,
    /// The thumbnails with an address: each one's `src` and `focus`,
    /// what its versions are made from (a list page's pictures).
    thumbs: Vec<Thumbnail>,
}

/// A thumbnail's address and the point its crops keep in view: what its
/// versions depend on ([`Entries::thumbnail`]).
pub(super) type Thumbnail = (SafeUrl, Option<(u8, u8)>);

/// [`Entries::thumb_of`] of an entry without a thumbnail (or whose
/// thumbnail has no address).
const NO_THUMBNAIL: u32 = u32::MAX;

/// What an entry's search terms are made from, as a number: its page's
/// format and its JSON as written (the first 8 bytes of their SHA-256).
fn entry_digest(format: &str, json: &str) -> u64 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update((format.len() as u64).to_le_bytes());
    h.update(format);
    h.update(json);
    u64::from_le_bytes(h.finalize()[..8].try_into().expect("eight bytes"))
}

impl Entries {
    /// Gathers the pages' entries: each page is parsed once, here, and
    /// nothing of its entries is kept but what [`Entries`] holds.
    pub(super) fn gather() -> Gathering {
        let entries = Entries {
            minor_version: 0,
            title: String::new(),
            titled: false,
            image: None,
            pages: Vec::new(),
            spots: Vec::new(),
            tags: Vec::new(),
            tag_at: HashMap::new(),
            lists: Vec::new(),
            by_id: Vec::new(),
            digests: Vec::new(),
            unique: true,
            thumb_of: Vec::new(),
            thumbs: Vec::new(),
        };
        Gathering { entries, last: None, sorted: true }
    }

    /// The catalog's page files, in the new site.
    pub(super) fn page_files(&self) -> impl Iterator<Item = &std::path::Path> + '_ {
        self.pages.iter().map(|p| p.path.as_path())
    }

    pub fn len(&self) -> usize {
        self.spots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spots.is_empty()
    }

    /// Every tag, once each, in the order the entries first name them.
    pub fn all_tags(&self) -> Vec<&str> {
        self.tags.iter().map(String::as_str).collect()
    }

    /// The numbers of the entries tagged `tag`, newest first.
    pub fn tagged(&self, tag: &str) -> &[u32] {
        self.tag_at.get(tag).map_or(&[], |&at| self.lists[at].as_slice())
    }

    /// The number of the entry with this id (the last, if it is repeated).
    pub(super) fn number_of(&self, id: &IdHash) -> Option<u32> {
        // As one big-endian number: the bytes' order, compared in one step
        // (a `memcmp` a step was 4 % of an incremental build at 100,000).
        let key = u128::from_be_bytes(*id);
        let at = self.by_id.binary_search_by_key(&key, |(h, _)| u128::from_be_bytes(*h)).ok()?;
        Some(self.by_id[at].1)
    }

    /// What entry `number`'s search terms are made from, as a number (its
    /// page's format and JSON as written: [`entry_digest`]).
    pub(super) fn digest(&self, number: u32) -> u64 {
        self.digests[number as usize]
    }

    /// Each entry's id's hash and number, when no two entries share an id.
    pub(super) fn ids(&self) -> Option<&[(IdHash, u32)]> {
        self.unique.then_some(self.by_id.as_slice())
    }

    /// Entry `number`'s thumbnail, when it has one with an address.
    pub(super) fn thumbnail(&self, number: u32) -> Option<&Thumbnail> {
        let at = *self.thumb_of.get(number as usize)?;
        self.thumbs.get(at as usize)
    }

    /// For each entry, by number, a digest of its tags' folders as
    /// `folder` names them (0 for none): with its JSON (which names its
    /// tags), what its tags' links on a list page are made from.
    pub(super) fn tag_digests(&self, folder: &dyn Fn(&str) -> String) -> Vec<u64> {
        let mut digests = vec![0u64; self.spots.len()];
        for (tag, list) in self.tags.iter().zip(&self.lists) {
            let path = folder(tag);
            let pair = [tag.len().to_le_bytes().as_slice(), tag.as_bytes(), path.as_bytes()].concat();
            let hash = crate::check::short_hash(&pair);
            let hash = u64::from_le_bytes(hash[..8].try_into().expect("eight bytes"));
            // A tag is in an entry's list once ([`Gathering::add`]).
            for &n in list {
                digests[n as usize] ^= hash;
            }
        }
        digests
    }

    /// A hash of what the entries numbered `numbers` are read from, and
    /// their tags' folders (`tag_digests`, [`Entries::tag_digests`]): each
    /// one's page address, its JSON as written with its page's format
    /// ([`entry_digest`]) and its place in its page. Two lists with the
    /// same hash read as the same entries, whose tags lead to the same
    /// folders, without a byte of them read or parsed (parsing every list
    /// page's entries was a fifth of a build that changed nothing).
    pub(super) fn list_hash(&self, numbers: &[u32], tag_digests: &[u64]) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        let mut page = None;
        for &n in numbers {
            let Some(spot) = self.spots.get(n as usize) else { continue };
            if page != Some(spot.page) {
                page = Some(spot.page);
                let url = self.pages[spot.page as usize].url.as_str();
                hash.update((url.len() as u64).to_le_bytes());
                hash.update(url);
            }
            hash.update(u64::from(spot.index).to_le_bytes());
            hash.update(self.digests[n as usize].to_le_bytes());
            hash.update(tag_digests.get(n as usize).copied().unwrap_or(0).to_le_bytes());
        }
        hash.finalize().into()
    }

    /// Whether no two entries share an id (an entry's story is then the
    /// one its own number names).
    pub(super) fn unique(&self) -> bool {
        self.unique
    }

    /// The entries numbered `range` (as far as there are), newest first,
    /// read again.
    pub fn read(&self, range: std::ops::Range<usize>) -> Result<Vec<Entry>, Failure> {
        self.read_spots(self.range(range))
    }

    /// The entries numbered `which` (ascending, as [`Entries::tagged`]
    /// gives them: newest first), read again.
    pub fn read_these(&self, which: &[u32]) -> Result<Vec<Entry>, Failure> {
        self.read_spots(&self.spots_of(which))
    }

    fn range(&self, range: std::ops::Range<usize>) -> &[Spot] {
        let end = range.end.min(self.spots.len());
        &self.spots[range.start.min(end)..end]
    }

    fn spots_of(&self, which: &[u32]) -> Vec<Spot> {
        debug_assert!(which.is_sorted());
        which.iter().filter_map(|&i| self.spots.get(i as usize).copied()).collect()
    }

    /// Reads each run of `spots` from one page as one small catalog of
    /// that page's format and address: the same entries its parse gave.
    fn read_spots(&self, spots: &[Spot]) -> Result<Vec<Entry>, Failure> {
        let mut out = Vec::with_capacity(spots.len());
        for run in spots.chunk_by(|a, b| a.page == b.page) {
            let page = &self.pages[run[0].page as usize];
            let changed = || {
                Failure::Run(format!(
                    "{}: the catalog's page changed while the site was built",
                    page.path.display()
                ))
            };
            let file = std::fs::File::open(&page.path).map_err(|e| super::run_err(&page.path, e))?;
            let mut json = format!("{{\"format\":{},\"stories\":[", page.format).into_bytes();
            for (k, s) in run.iter().enumerate() {
                if k > 0 {
                    json.push(b',');
                }
                let at = json.len();
                json.resize(at + s.len as usize, 0);
                file.read_exact_at(&mut json[at..], u64::from(s.start)).map_err(|e| match e.kind() {
                    std::io::ErrorKind::UnexpectedEof => changed(),
                    _ => super::run_err(&page.path, e),
                })?;
            }
            json.extend_from_slice(b"]}");
            let parsed = parse_document(&json, &page.url);
            let entries = match parsed.value {
                Some(Document::Catalog(c)) if c.entries.len() == run.len() => c.entries,
                _ => return Err(changed()),
            };
            // Each entry's place in its own page (here, its place in the run).
            for mut e in entries {
                e.index = run[e.index].index as usize;
                out.push(e);
            }
        }
        Ok(out)
    }
}

/// [`Entries`] as its pages are added.
pub(super) struct Gathering {
    entries: Entries,
    /// The last entry's date so far (as it is ordered: its seconds, then
    /// its text), and whether every page so far follows the one before
    /// (each is newest first, as parsed).
    last: Option<Option<(i64, String)>>,
    sorted: bool,
}

/// What one page gives [`Entries`] besides the catalog's own fields (its
/// first page's): its `format` as written, and each entry's place in it
/// and what the lists and the search index need of it. A page's is kept
/// between builds ([`super::kept_pages`]), so an unchanged page is
/// neither made nor parsed again.
#[derive(Debug, PartialEq)]
pub(super) struct GatheredPage {
    pub(super) format: String,
    pub(super) entries: Vec<GatheredEntry>,
}

/// An entry of a [`GatheredPage`].
#[derive(Debug, PartialEq)]
pub(super) struct GatheredEntry {
    /// Its JSON's bytes in the page, and its place in the page's `stories`.
    pub(super) start: u32,
    pub(super) len: u32,
    pub(super) index: u32,
    pub(super) thumbnail: Option<Thumbnail>,
    /// Its [`entry_digest`].
    pub(super) digest: u64,
    pub(super) id: IdHash,
    pub(super) tags: Vec<String>,
    /// Its `published`: the seconds, and the text (what orders two).
    pub(super) published: Option<(i64, String)>,
}

impl GatheredPage {
    /// What the page `bytes` gives, `catalog`'s entries as the parser read
    /// them (each one's `index` its place in the file's `stories`);
    /// `bad` says what is wrong with the file.
    pub(super) fn of(
        bytes: &[u8],
        entries: Vec<Entry>,
        bad: &dyn Fn(String) -> Failure,
    ) -> Result<GatheredPage, Failure> {
        #[derive(serde::Deserialize)]
        struct Raw<'a> {
            #[serde(borrow)]
            format: &'a RawValue,
            #[serde(borrow)]
            stories: Vec<&'a RawValue>,
        }
        let raw: Raw<'_> = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        let offset = |v: &RawValue| v.get().as_ptr() as usize - bytes.as_ptr() as usize;
        let mut out = Vec::with_capacity(entries.len());
        for entry in entries {
            let value = raw.stories.get(entry.index).ok_or_else(|| bad("an entry out of place".into()))?;
            let (start, len) = (offset(value), value.get().len());
            let (Ok(start), Ok(len), Ok(index)) =
                (u32::try_from(start), u32::try_from(len), u32::try_from(entry.index))
            else {
                return Err(bad("too large to index".into()));
            };
            out.push(GatheredEntry {
                start,
                len,
                index,
                thumbnail: entry.thumbnail.as_deref().and_then(|t| Some((t.src.clone()?, t.focus))),
                digest: entry_digest(raw.format.get(), value.get()),
                id: id_hash(&entry.id),
                tags: entry.tags,
                published: entry.published.map(|t| (t.unix, t.raw)),
            });
        }
        Ok(GatheredPage { format: raw.format.get().to_owned(), entries: out })
    }
}

impl Gathering {
    /// Adds the next page: `bytes` as written to `path`, its address
    /// `url`, and `catalog` as the parser read it (its entries newest
    /// first; each one's `index` its place in the file's `stories`).
    /// `keep` is shown what the page gave, before it is added.
    pub(super) fn add(
        &mut self,
        path: PathBuf,
        url: Url,
        bytes: &[u8],
        catalog: Catalog,
        keep: impl FnOnce(&GatheredPage),
    ) -> Result<(), Failure> {
        let bad = |why: String| Failure::Run(format!("{}: {why}", path.display()));
        let page = GatheredPage::of(bytes, catalog.entries, &bad)?;
        keep(&page);
        let e = &mut self.entries;
        if e.pages.is_empty() {
            e.minor_version = catalog.minor_version;
            e.title = catalog.title;
            e.titled = catalog.titled;
            e.image = catalog.image;
        }
        self.add_gathered(path, url, page)
    }

    /// Adds the next page as it was gathered before ([`GatheredPage`]),
    /// unparsed: never the first, which also gives the catalog's title
    /// and image.
    pub(super) fn add_kept(&mut self, path: PathBuf, url: Url, page: GatheredPage) -> Result<(), Failure> {
        if self.entries.pages.is_empty() {
            return Err(Failure::Run(format!("{}: a catalog's first page is parsed", path.display())));
        }
        self.add_gathered(path, url, page)
    }

    fn add_gathered(&mut self, path: PathBuf, url: Url, page: GatheredPage) -> Result<(), Failure> {
        let bad = |why: &str| Failure::Run(format!("{}: {why}", path.display()));
        let e = &mut self.entries;
        let page_number = u32::try_from(e.pages.len()).map_err(|_| bad("too many pages"))?;
        for entry in page.entries {
            let number = u32::try_from(e.spots.len()).map_err(|_| bad("too large to index"))?;
            e.spots.push(Spot { page: page_number, start: entry.start, len: entry.len, index: entry.index });
            e.thumb_of.push(match entry.thumbnail {
                Some(t) => {
                    e.thumbs.push(t);
                    u32::try_from(e.thumbs.len() - 1).map_err(|_| bad("too many thumbnails"))?
                }
                None => NO_THUMBNAIL,
            });
            e.digests.push(entry.digest);
            e.by_id.push((entry.id, number));
            for t in entry.tags {
                let at = match e.tag_at.get(t.as_str()) {
                    Some(&at) => at,
                    None => {
                        e.tag_at.insert(t.clone(), e.tags.len());
                        e.tags.push(t);
                        e.lists.push(Vec::new());
                        e.tags.len() - 1
                    }
                };
                // A tag named twice by one entry lists it once.
                if e.lists[at].last() != Some(&number) {
                    e.lists[at].push(number);
                }
            }
            if let (true, Some(last)) = (self.sorted, &self.last) {
                self.sorted = newer_first(last, &entry.published);
            }
            self.last = Some(entry.published);
        }
        e.pages.push(PageFile { path, url, format: page.format });
        Ok(())
    }

    /// The entries of every page, newest first across the pages too, as
    /// one file's entries are (a stable sort, as the parser's; only when
    /// the pages are out of order, which costs a second read of them all).
    pub(super) fn done(self) -> Result<Entries, Failure> {
        let mut e = self.entries;
        if !self.sorted {
            let mut dates = Vec::with_capacity(e.spots.len());
            for first in (0..e.spots.len()).step_by(story_format::layout::CATALOG_PAGE) {
                dates.extend(
                    e.read(first..first + story_format::layout::CATALOG_PAGE)?
                        .into_iter()
                        .map(|x| x.published),
                );
            }
            let mut order: Vec<u32> = (0..e.spots.len() as u32).collect();
            order.sort_by(|&a, &b| dates[b as usize].cmp(&dates[a as usize]));
            let mut new_number = vec![0u32; order.len()];
            for (new, &old) in order.iter().enumerate() {
                new_number[old as usize] = new as u32;
            }
            e.spots = order.iter().map(|&old| e.spots[old as usize]).collect();
            e.digests = order.iter().map(|&old| e.digests[old as usize]).collect();
            e.thumb_of = order.iter().map(|&old| e.thumb_of[old as usize]).collect();
            for (_, n) in &mut e.by_id {
                *n = new_number[*n as usize];
            }
            for list in &mut e.lists {
                for n in list.iter_mut() {
                    *n = new_number[*n as usize];
                }
                list.sort_unstable();
            }
        }
        // By hash; stable, so one id's entries stay in the pages' order,
        // and the last of them is the one kept.
        e.by_id.sort_by_key(|(h, _)| *h);
        let all = e.by_id.len();
        e.by_id.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 = later.1;
            }
            same
        });
        e.unique = e.by_id.len() == all;
        e.by_id.shrink_to_fit();
        e.thumbs.shrink_to_fit();
        Ok(e)
    }
}

/// `a` then `b` is newest first (entries without a date last), as the
/// parser and [`Gathering::done`] order them (a date's seconds, then its
/// text, as a `Timestamp` is ordered).
fn newer_first(a: &Option<(i64, String)>, b: &Option<(i64, String)>) -> bool {
    b <= a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, date: &str, tags: &[&str]) -> String {
        let tags: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
        format!(
            r#"{{"id":"{id}","title":"T {id}","published":"{date}","href":"{id}/story.json","tags":[{}],
               "thumbnail":{{"src":"{id}/a.jpg","alt":""}}}}"#,
            tags.join(",")
        )
    }

    fn page(entries: &[String]) -> String {
        format!(
            "{{\n  \"format\": \"story-index/1\",\n  \"title\": \"News\",\n  \"stories\": [\n    {}\n  ]\n}}",
            entries.join(",\n    ")
        )
    }

    /// Pages written to `dir` and gathered, as the build does; also every
    /// page's entries as the parser gave them, all together.
    fn gathered(dir: &std::path::Path, pages: &[(&str, String)]) -> (Entries, Vec<Entry>) {
        let root = Url::parse("https://n.example/").unwrap();
        let mut g = Entries::gather();
        let mut all = Vec::new();
        for (rel, json) in pages {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, json).unwrap();
            let url = root.join(rel).unwrap();
            let Some(Document::Catalog(c)) = parse_document(json.as_bytes(), &url).value else {
                panic!("{rel}")
            };
            all.extend(c.entries.iter().cloned());
            g.add(path, url, json.as_bytes(), c, |_| ()).unwrap();
        }
        (g.done().unwrap(), all)
    }

    #[test]
    fn entries_read_again_are_the_entries_parsed_in_catalog_order() {
        let dir = std::env::temp_dir().join(format!("story-entries-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        // The second page (in a folder of its own: its addresses resolve
        // there) holds a story newer than the first page's oldest, and
        // its own entries out of order; one entry names a tag twice.
        let first = page(&[
            entry("c", "2026-03-01", &["energy", "ports"]),
            entry("a", "2026-01-01", &["energy"]),
            entry("b", "2026-02-01", &["ports", "ports"]),
        ]);
        let second = page(&[entry("d", "2025-12-01", &["energy"]), entry("e", "2026-02-15", &[])]);
        let (entries, mut all) = gathered(&dir, &[("stories.json", first), ("archive/2025.json", second)]);
        all.sort_by(|a, b| b.published.cmp(&a.published));
        let ids = |v: &[Entry]| v.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&all), ["c", "e", "b", "a", "d"]);

        assert_eq!((entries.len(), entries.title.as_str(), entries.titled), (5, "News", true));
        assert_eq!(entries.read(0..5).unwrap(), all, "the same entries, each with its own index");
        assert_eq!(entries.read(1..3).unwrap(), all[1..3]);
        assert_eq!(entries.read(4..9).unwrap(), all[4..], "a range past the end stops at it");
        assert_eq!(
            entries.read(1..2).unwrap()[0].href.as_ref().unwrap().as_str(),
            "https://n.example/archive/e/story.json"
        );
        assert_eq!(entries.all_tags(), ["energy", "ports"]);
        assert_eq!(entries.tagged("energy"), [0, 3, 4]);
        assert_eq!(entries.tagged("ports"), [0, 2], "once each, also when an entry names it twice");
        assert!(entries.tagged("nothing").is_empty());
        assert_eq!(ids(&entries.read_these(entries.tagged("energy")).unwrap()), ["c", "a", "d"]);
        assert_eq!(entries.read_these(&[0, 3]).unwrap(), [all[0].clone(), all[3].clone()]);
        assert_eq!(entries.number_of(&id_hash("b")), Some(2));
        assert_eq!(entries.number_of(&id_hash("z")), None);

        // A page that changed under the build is an error, not other entries.
        std::fs::write(dir.join("stories.json"), page(&[entry("x", "2026-01-01", &[])])).unwrap();
        let why = match entries.read(0..5) {
            Err(Failure::Run(why)) => why,
            _ => panic!("a changed page was read"),
        };
        assert!(why.ends_with("stories.json: the catalog's page changed while the site was built"), "{why}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
