//! `story index SITE`: the catalog of every bundle below SITE, written from
//! the stories themselves (newest first), so nobody copies a title, date or
//! tag by hand. A `stories.json` already there keeps its title.

use std::path::{Path, PathBuf};

use story_format::layout;
use story_format::url::Url;
use story_format::{Document, SafeUrl, Story};

use std::collections::BTreeSet;
use std::sync::Mutex;

use crate::check::{self, file_url, Listed};
use crate::out::{CatalogOut, EntryOut, ImageOut, SourceOut};
use crate::paths::Paths;
use crate::report::Report;
use crate::sandbox::Sandbox;
use crate::spill::Spill;

/// Why `story index` wrote nothing.
pub enum Unwritten {
    /// Stories with errors, or a page that would not pass `story check`.
    Reports(Vec<Report>),
    /// A file could not be written (its path, why).
    Io(PathBuf, std::io::Error),
}

/// What `story index` wrote: how many pages, how many stories.
pub struct Written {
    pub pages: usize,
    pub stories: usize,
}

/// Writes the catalog of every bundle below `site` (its `story.json`s) as
/// `target` and, past [`layout::CATALOG_PAGE`] stories, its later pages
/// beside it (see [`each_page`]); or nothing, with the reports of the
/// stories that have errors. Nothing outside `site` is read, and each
/// page is parsed as the checker parses it before any replaces the old
/// catalog.
///
/// Memory does not grow with the stories' text: the check keeps each
/// story's entry on disk ([`Listing`], in a spill beside `target`) and
/// only its date and id's hash in memory; each page is written to a
/// temporary file as it is made. Only when every page is made are they renamed into place, the
/// last page first, so a reader never meets a page that names one not
/// there yet. A later page left from an earlier, longer catalog is
/// removed when it is a catalog (anything else by that name is left).
pub fn write(site: &Path, target: &Path) -> Result<Written, Unwritten> {
    let reports = |path: &Path, e: std::io::Error| Unwritten::Reports(vec![io_report(path, &e)]);
    let sandbox = Sandbox::new(site).map_err(|e| reports(site, e))?;
    let (mut files, mut notes) = (Paths::new(), Vec::new());
    crate::check::collect(&sandbox, site, &mut files, &mut notes).map_err(|e| reports(site, e))?;
    // The published bundles: their story.json (not a story.md alone, nor catalogs).
    let mut files = files
        .filtered(|f| f.file_name().is_some_and(|n| n == "story.json"))
        .and_then(|f| f.sorted())
        .map_err(|e| reports(site, e))?;
    let dir = crate::sandbox::parent_dir(target);
    let hrefs = Hrefs::new(site).ok_or_else(|| reports(site, std::io::Error::other(NO_FILE_URL)))?;
    let listing = Listing::new(dir, hrefs.base().clone()).map_err(|e| Unwritten::Io(dir.to_owned(), e))?;
    let (checked, docs) = check::check_files_and_docs(&sandbox, &mut files, Some(&listing));
    let failed: Vec<Report> = checked.into_iter().filter(Report::has_errors).collect();
    if !failed.is_empty() {
        return Err(Unwritten::Reports(failed));
    }
    // Newest first, the same date in path order (the files are sorted).
    let mut order: Vec<u32> =
        (0..files.len() as u32).filter(|&i| docs.listed_of(i as usize).is_some()).collect();
    let published = |i: u32| docs.listed_of(i as usize).and_then(|l| l.published);
    order.sort_by(|&a, &b| newest_first(published(a), published(b)));
    let entries = order.iter().filter_map(|&i| docs.listed_of(i as usize).map(|l| (i, l))).map(|(i, l)| {
        listing.entry(l, hrefs.of(&files[i as usize])).map_err(|e| Unwritten::Io(target.to_owned(), e))
    });
    let stem = target.file_stem().map_or_else(|| CATALOG_STEM.into(), |s| s.to_string_lossy().into_owned());
    let base = hrefs.base().clone();
    // Each page made: checked, then written beside where it goes.
    let mut made: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = each_page(&title_of(site), order.len(), entries, &stem, |name, json| {
        let path = if made.is_empty() { target.to_owned() } else { dir.join(&name) };
        let url = base.join(&name).unwrap_or_else(|_| base.clone());
        let parsed = story_format::parse_document(json.as_bytes(), &url);
        if parsed.diagnostics.iter().any(|d| d.is_error()) || parsed.value.is_none() {
            let file = format!("{} (the catalog it would write)", path.display());
            return Err(Unwritten::Reports(vec![Report { file, diagnostics: parsed.diagnostics }]));
        }
        let tmp = crate::out::temp_beside(&path);
        made.push((tmp.clone(), path));
        crate::out::write_synced(&tmp, json.as_bytes()).map_err(|e| Unwritten::Io(tmp, e))
    })
    .and_then(|()| {
        for (tmp, path) in made.iter().rev() {
            std::fs::rename(tmp, path).map_err(|e| Unwritten::Io(path.clone(), e))?;
        }
        remove_stale_pages(dir, &stem, made.len() + 1).map_err(|e| Unwritten::Io(dir.to_owned(), e))
    });
    if result.is_err() {
        for (tmp, _) in &made {
            let _ = std::fs::remove_file(tmp);
        }
    }
    result.map(|()| Written { pages: made.len(), stories: order.len() })
}

const NO_FILE_URL: &str = "cannot turn the path into a file URL";

/// The name every page of the site's catalog starts with (`stories.json`,
/// `stories-2.json`...).
pub const CATALOG_STEM: &str = "stories";

/// The file name of page `n` (from 1) of a catalog whose first page is
/// `STEM.json`.
pub fn page_name(stem: &str, n: usize) -> String {
    if n <= 1 {
        format!("{stem}.json")
    } else {
        format!("{stem}-{n}.json")
    }
}

/// The pages of a catalog of `total` entries, given newest first: one
/// page while they fit in [`layout::CATALOG_PAGE`], else pages of that
/// many, each naming the next and the previous (`STEM-2.json`...) and the
/// total; each page is handed to
/// `page` (name, JSON) as soon as it is made, so no more than one page's
/// entries are held.
pub fn each_page<E>(
    title: &str,
    total: usize,
    mut entries: impl Iterator<Item = Result<EntryOut, E>>,
    stem: &str,
    mut page: impl FnMut(String, String) -> Result<(), E>,
) -> Result<(), E> {
    for n in 1..=page_count(total) {
        let stories = entries.by_ref().take(layout::CATALOG_PAGE).collect::<Result<Vec<EntryOut>, E>>()?;
        page(page_name(stem, n), page_json(title, total, n, stem, stories))?;
    }
    Ok(())
}

/// How many pages a catalog of `total` entries has ([`each_page`]).
pub fn page_count(total: usize) -> usize {
    total.div_ceil(layout::CATALOG_PAGE).max(1)
}

/// Which of a catalog's entries (newest first, from 0) page `n` (from 1)
/// holds.
pub fn page_range(total: usize, n: usize) -> std::ops::Range<usize> {
    let start = (n.saturating_sub(1) * layout::CATALOG_PAGE).min(total);
    start..(start + layout::CATALOG_PAGE).min(total)
}

/// Page `n` (from 1) of a catalog of `total` entries titled `title`, its
/// entries `stories`, as JSON ([`each_page`]).
pub fn page_json(title: &str, total: usize, n: usize, stem: &str, stories: Vec<EntryOut>) -> String {
    let count = page_count(total);
    let out = CatalogOut {
        format: FORMAT,
        title: title.to_owned(),
        total: (count > 1).then_some(total),
        prev: (n > 1).then(|| page_name(stem, n - 1)),
        next: (n < count).then(|| page_name(stem, n + 1)),
        stories,
    };
    crate::out::to_json(&out)
}

/// The catalog's order by `published` (in seconds): newest first,
/// stories without a date last. The same date goes in path order.
pub fn newest_first(a: Option<i64>, b: Option<i64>) -> std::cmp::Ordering {
    b.cmp(&a)
}

/// What the check keeps of each story for the build's catalog, instead
/// of the story ([`check::Keeper`]): in a [`Spill`] (on disk), its entry
/// and what a catalog's entry is compared with ([`check::Facts`]), one
/// record (the entry's length, 4 bytes, then the two as JSON); in
/// memory, its date and its id's hash. (Each story's document held cost
/// about 1.7 KB a story at 100,000.)
pub struct Listing {
    spill: Spill,
    /// The catalog's address (`SITE/stories.json`), as [`entry`] has it.
    base: Url,
    /// Every tag of every story.
    tags: Mutex<BTreeSet<String>>,
    /// What the last build's check kept ([`check::Recalled`]), and this
    /// one's record of it (a build's; `story index` remembers nothing).
    memo: Option<(Option<crate::memo::Memo>, crate::memo::Writer)>,
    /// How many stories were kept again as recalled.
    recalled: std::sync::atomic::AtomicUsize,
}

/// What a [`Listing`] holds of its records in memory: about 12,000
/// stories' (each is read back twice; most of a build's peak is the check,
/// while the listing is whole).
const LISTING_HELD: usize = 8 << 20;

impl Listing {
    /// A listing whose spill is in `dir` (a folder of the build's own),
    /// for the catalog at `base`.
    pub fn new(dir: &Path, base: Url) -> std::io::Result<Listing> {
        Ok(Listing {
            spill: Spill::held(dir, LISTING_HELD)?,
            base,
            tags: Mutex::default(),
            memo: None,
            recalled: 0.into(),
        })
    }

    /// This listing recalls what `last` remembers, and remembers in `new`.
    pub fn with_memo(mut self, last: Option<crate::memo::Memo>, new: crate::memo::Writer) -> Listing {
        self.memo = Some((last, new));
        self
    }

    /// How many stories the check kept as recalled, not parsed.
    pub fn recalled(&self) -> usize {
        self.recalled.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The memo this listing wrote, finished and moved to `to`; both
    /// memos' indexes are let go (28 bytes a story each).
    pub fn finish_memo(&mut self, to: &Path) -> std::io::Result<()> {
        match self.memo.take() {
            Some((last, new)) => new.finish(to, last.as_ref()),
            None => Ok(()),
        }
    }

    /// A story's record, as its entry's JSON and its facts' JSON.
    fn record(&self, listed: &Listed) -> std::io::Result<(Vec<u8>, usize)> {
        let bytes = self.spill.read(listed.at)?;
        let len = bytes.first_chunk::<4>().map(|n| u32::from_le_bytes(*n) as usize);
        match len.filter(|&n| 4 + n <= bytes.len()) {
            Some(n) => Ok((bytes, 4 + n)),
            None => Err(std::io::Error::other("a story's record is cut short")),
        }
    }

    /// The catalog entry of a story kept, given its `href` (which depends
    /// on the path the story was reached by: see `check::Docs::listed`).
    pub fn entry(&self, listed: &Listed, href: String) -> std::io::Result<EntryOut> {
        let (bytes, end) = self.record(listed)?;
        let mut entry: EntryOut = serde_json::from_slice(&bytes[4..end]).map_err(std::io::Error::other)?;
        entry.href = href;
        Ok(entry)
    }

    /// Every tag of the stories kept.
    pub fn tags(&self) -> BTreeSet<String> {
        self.tags.lock().expect("no panics while locked").clone()
    }

    /// Adds a story's tags to [`Listing::tags`], each copied only when it
    /// is new (most are not: of three copies a story at 100,000, all but
    /// a few thousand were thrown away).
    fn add_tags(&self, tags: &[String]) {
        let mut all = self.tags.lock().expect("no panics while locked");
        for t in tags {
            if !all.contains(t) {
                all.insert(t.clone());
            }
        }
    }
}

impl check::Keeper for Listing {
    fn keep(&self, s: &Story) -> std::io::Result<Listed> {
        let mut record = vec![0; 4];
        serde_json::to_writer(&mut record, &entry(String::new(), s, &self.base))
            .map_err(std::io::Error::other)?;
        let len =
            u32::try_from(record.len() - 4).map_err(|_| std::io::Error::other("an entry over 4 GiB"))?;
        record[..4].copy_from_slice(&len.to_le_bytes());
        serde_json::to_writer(&mut record, &check::Facts::of(s)).map_err(std::io::Error::other)?;
        self.add_tags(&s.tags);
        let published = s.published.as_ref().map(|t| t.unix);
        Ok(Listed { at: self.spill.push(&record)?, published, id: check::id_key(&s.id), json: [0; 16] })
    }
    fn facts(&self, listed: &Listed) -> std::io::Result<Option<check::Facts>> {
        let (bytes, end) = self.record(listed)?;
        serde_json::from_slice(&bytes[end..]).map(Some).map_err(std::io::Error::other)
    }
    fn id(&self, listed: &Listed) -> std::io::Result<String> {
        Ok(self.facts(listed)?.map(|f| f.id).unwrap_or_default())
    }
    fn recalls(&self) -> bool {
        self.memo.is_some()
    }
    fn recall_by_stamp(
        &self,
        real: &Path,
        stamp: &crate::memo::Stamp,
    ) -> Option<([u8; 32], check::Recalled)> {
        let (Some(last), _) = self.memo.as_ref()? else { return None };
        let (hash, record) = last.get_by_stamp(real, stamp)?;
        Some((hash, check::Recalled::decode(&record)?))
    }
    fn recall(&self, real: &Path, hash: &[u8; 32]) -> Option<check::Recalled> {
        let (Some(last), _) = self.memo.as_ref()? else { return None };
        check::Recalled::decode(&last.get(real, hash)?)
    }
    fn keep_recalled(
        &self,
        real: &Path,
        hash: &[u8; 32],
        stamp: Option<&crate::memo::Stamp>,
        r: &check::Recalled,
        vouched: bool,
    ) -> std::io::Result<Listed> {
        self.add_tags(&r.tags);
        let listed = Listed {
            at: self.spill.push(&r.record)?,
            published: r.published,
            id: r.id,
            json: check::json_prefix(hash),
        };
        // A record not written is only a story parsed again next time.
        let _ = match &self.memo {
            Some((Some(last), new)) if vouched => new.carry(real, last),
            Some((_, new)) => new.put(real, stamp, &r.encode(hash)),
            None => Ok(()),
        };
        self.recalled.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(listed)
    }
    fn remember(
        &self,
        real: &Path,
        hash: &[u8; 32],
        stamp: Option<&crate::memo::Stamp>,
        listed: &Listed,
        story: &Story,
        checked: &[PathBuf],
    ) {
        let Some((_, new)) = &self.memo else { return };
        let Ok(record) = self.spill.read(listed.at) else { return };
        let checked = checked.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        let r = check::Recalled {
            record,
            published: listed.published,
            id: listed.id,
            tags: story.tags.clone(),
            checked,
        };
        // A record not written is only a story parsed again next time.
        let _ = new.put(real, stamp, &r.encode(hash));
    }
}

/// Each story's `href` in a catalog of `site` (its `stories.json`): its
/// `story.json`'s address relative to that file.
pub struct Hrefs {
    site: PathBuf,
    site_dir: PathBuf,
    base: Url,
}

impl Hrefs {
    /// `None`: `site` has no file URL.
    pub fn new(site: &Path) -> Option<Hrefs> {
        // The file need not exist yet (a story.md's story.json, written by `story build`).
        let site_dir = std::fs::canonicalize(site).ok()?;
        Some(Hrefs { site: site.to_owned(), base: site_url(site)?, site_dir })
    }

    /// The catalog's own address (what entries' other addresses are relative to).
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The `href` of the story whose `story.json` is `path`.
    pub fn of(&self, path: &Path) -> String {
        // Below the site by names of letters, digits and `-._~` (those a
        // URL never encodes), the address is the path itself: no URL is
        // made and compared (0.25 s of a build at 100,000 stories).
        if let Some(rel) = path.strip_prefix(&self.site).ok().and_then(|r| r.to_str()) {
            let unreserved = |c: u8| c.is_ascii_alphanumeric() || b"-._~".contains(&c);
            let plain =
                |name: &str| !name.is_empty() && name != "." && name != ".." && name.bytes().all(unreserved);
            if rel.split('/').all(plain) {
                return rel.to_owned();
            }
        }
        let abs =
            path.strip_prefix(&self.site).map_or_else(|_| path.to_owned(), |rel| self.site_dir.join(rel));
        Url::from_file_path(&abs).map_or_else(|()| path.display().to_string(), |u| relative(&self.base, &u))
    }
}

const FORMAT: &str = "story-index/1";

/// Removes the pages of a catalog `STEM.json` in `dir` from page `from`
/// on, while each is a catalog (anything else by that name is left).
fn remove_stale_pages(dir: &Path, stem: &str, from: usize) -> std::io::Result<()> {
    for n in from.max(2).. {
        let stale = dir.join(page_name(stem, n));
        let is_catalog = std::fs::symlink_metadata(&stale).is_ok_and(|m| m.is_file())
            && file_url(&stale).is_some_and(|url| {
                std::fs::read(&stale).is_ok_and(|bytes| {
                    matches!(story_format::parse_document(&bytes, &url).value, Some(Document::Catalog(_)))
                })
            });
        if !is_catalog {
            break;
        }
        std::fs::remove_file(&stale)?;
    }
    Ok(())
}

/// The title of `site/stories.json`, if there is one that parses ("Stories" else).
pub fn title_of(site: &Path) -> String {
    existing_title(&site.join("stories.json")).unwrap_or_else(|| "Stories".to_owned())
}

/// The file URL of `site/stories.json`, which the catalog's references are relative to.
fn site_url(site: &Path) -> Option<Url> {
    let dir = std::fs::canonicalize(site).ok()?;
    Url::from_file_path(dir.join("stories.json")).ok()
}

/// The catalog entry of story `s`, at `href`; its other addresses written
/// relative to `base` (the catalog's URL) where they can be.
pub fn entry(href: String, s: &Story, base: &Url) -> EntryOut {
    let rel = |u: &SafeUrl| relative(base, &u.to_url());
    EntryOut {
        id: s.id.clone(),
        title: s.title.clone(),
        lang: Some(s.lang.clone()),
        published: s.published.as_ref().map(|t| t.raw.clone()).unwrap_or_default(),
        source: (!s.source.name.is_empty()).then(|| SourceOut {
            name: s.source.name.clone(),
            lang: s.source.lang.clone(),
            url: s.source.url.as_ref().map(rel),
        }),
        href,
        dek: s.dek.clone(),
        thumbnail: s.hero.as_ref().and_then(|h| {
            let src = h.src.as_ref()?;
            Some(ImageOut {
                src: rel(src),
                alt: h.alt.clone(),
                width: h.size.map(|(w, _)| w),
                height: h.size.map(|(_, h)| h),
                ..ImageOut::default()
            })
        }),
        tags: s.tags.clone(),
    }
}

/// `url` relative to `base` when both are local files or `url` is in
/// `base`'s folder of the same web site; else absolute. Written so that it
/// reads back as the same address: a first segment with a `:` (a folder
/// `a:b`) gets `./`, and a file URL with a host (what `//host/x.png` in a
/// story became against a file) is written as the `//host/x.png` it was.
fn relative(base: &Url, url: &Url) -> String {
    if url.scheme() == "file" && url.host_str().is_some_and(|h| !h.is_empty() && h != "localhost") {
        return url.as_str().trim_start_matches("file:").to_owned();
    }
    let dir = base.join("./").map(String::from).unwrap_or_default();
    if url.scheme() == "file" || url.as_str().starts_with(&dir) {
        if let Some(r) = base.make_relative(url) {
            let r = match r {
                r if r.split(['/', '?', '#']).next().is_some_and(|first| first.contains(':')) => {
                    format!("./{r}")
                }
                r => r,
            };
            if base.join(&r).is_ok_and(|u| u == *url) {
                return r;
            }
        }
    }
    url.to_string()
}

fn existing_title(catalog: &Path) -> Option<String> {
    let sandbox = Sandbox::new(crate::sandbox::parent_dir(catalog)).ok()?;
    let bytes = crate::check::read_limited(&sandbox, catalog).ok()?;
    let base = file_url(catalog)?;
    match story_format::parse_document(&bytes, &base).value? {
        Document::Catalog(c) => Some(c.title),
        Document::Story(_) => None,
    }
}

fn io_report(path: &Path, e: &std::io::Error) -> Report {
    let d = story_format::Diagnostic::error(
        story_format::Code::Io,
        story_format::Location::document(),
        format!("cannot read the folder: {e}"),
    );
    Report { file: path.display().to_string(), diagnostics: vec![d] }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// A story's `href` read from its path is the one its file URL
        /// made relative gives, whatever its names hold.
        #[test]
        fn an_href_from_the_path_is_the_relative_url(names in proptest::collection::vec("[a-c.~%:# é?_-]{1,3}", 1..4)) {
            let site = std::env::temp_dir().join("story-hrefs-test");
            let hrefs = super::Hrefs {
                site: site.clone(),
                site_dir: site.clone(),
                base: url::Url::from_file_path(site.join("stories.json")).unwrap(),
            };
            let path = names.iter().fold(site.clone(), |p, n| p.join(n)).join("story.json");
            let slow = url::Url::from_file_path(&path).map_or_else(
                |()| path.display().to_string(),
                |u| super::relative(&hrefs.base, &u),
            );
            prop_assert_eq!(hrefs.of(&path), slow);
        }
    }

    use super::*;
    use crate::check::test_story as story;
    use story_format::parse_document_with_assets;

    /// With a listing, the check keeps no story's document: each story's
    /// catalog entry goes to disk (and comes back as `story index` would
    /// write it, given its href), with its date and id; ids are still
    /// checked to be unique, and every tag is gathered.
    #[test]
    fn a_listing_keeps_each_story_as_its_entry_on_disk() {
        let root = std::env::temp_dir().join(format!("story-listing-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let tagged = |id: &str, tags: &str| {
            let more = format!(
                r#""tags": [{tags}], "dek": "A \"dek\" — ü", "hero": {{"src": "https://img.example/{id}.jpg",
                   "alt": "Alt", "width": 1200, "height": 800}}, "lang""#
            );
            story(id).replacen("\"lang\"", &more, 1)
        };
        for (dir, text) in [
            ("s1", tagged("a", r#""Energy", "Ports""#)),
            ("s2", tagged("b", r#""Ports""#)),
            ("s3", story("a")),
        ] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
            std::fs::write(root.join(dir).join("story.json"), text).unwrap();
        }
        let spill_dir = root.join("spill");
        std::fs::create_dir_all(&spill_dir).unwrap();
        let sandbox = Sandbox::new(&root).unwrap();
        let mut files: Paths =
            ["s1", "s2", "s3"].iter().map(|d| sandbox.root().join(d).join("story.json")).collect();
        let base = Url::from_file_path(sandbox.root().join("stories.json")).unwrap();
        let listing = Listing::new(&spill_dir, base.clone()).unwrap();
        let (reports, docs) = check::check_files_and_docs(&sandbox, &mut files, Some(&listing));
        assert_eq!(docs.all().count(), 0, "no documents held");
        let errors: Vec<&str> =
            reports.iter().flat_map(|r| &r.diagnostics).map(|d| d.message.as_str()).collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("the id \"a\" is also the id of "), "{errors:?}");
        assert_eq!(listing.tags().into_iter().collect::<Vec<_>>(), ["Energy", "Ports"]);
        let listed: Vec<&check::Listed> = (0..3).filter_map(|i| docs.listed_of(i)).collect();
        assert_eq!(listed.len(), 3, "each story kept");
        let Document::Story(whole) =
            parse_document_with_assets(tagged("a", r#""Energy", "Ports""#).as_bytes(), &base)
                .0
                .value
                .unwrap()
        else {
            panic!()
        };
        let kept = listing.entry(listed[0], "s1/story.json".into()).unwrap();
        let expected = entry("s1/story.json".into(), &whole, &base);
        assert_eq!(serde_json::to_string(&kept).unwrap(), serde_json::to_string(&expected).unwrap());
        assert_eq!(listed[0].published, whole.published.as_ref().map(|t| t.unix));
        assert_eq!(std::fs::read_dir(&spill_dir).unwrap().count(), 0, "the spill has no name");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
