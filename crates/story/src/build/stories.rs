//! Each story's pages: its bundle read as it will be served, its images,
//! then its page, embed page, oEmbed response and snippet written (or, when
//! nothing they are made from changed, the previous build's kept: see
//! `incremental`); and its feed entry.

use std::path::Path;

use story_format::date::Timestamp;
use story_format::layout;
use story_format::url::Url;
use story_format::{parse_document_with_assets, Document, Story};
use story_viewer::publish::{self, Place};

use super::entries::Entries;
use super::feeds::FeedItem;
use super::files::below;
use super::head::{self, Kind, Site};
use super::manifest::KEY_BYTES;
use super::memo::Remembered;
use super::pictures::Images;
use super::{embed, incremental, Failure};
use crate::check;
use crate::memo::Stamp;
use crate::parallel::parallel_numbered_io;
use crate::sandbox::Sandbox;
use crate::spill::{At, Spill};
use std::sync::atomic::{AtomicU32, Ordering};

/// What rendering a story gives: where it is, its id and dates, and
/// what its pages were made from.
pub(super) struct Rendered {
    /// The bundle's folder below the site, ending in `/` (`a/b/`).
    pub(super) folder: String,
    /// Its id's hash (what the catalog knows its entry by).
    pub(super) id: super::entries::IdHash,
    /// Its `published`, in seconds (the catalog's order).
    pub(super) published: Option<i64>,
    /// When it last changed: its `updated`, else its `published`.
    pub(super) modified: Option<Timestamp>,
    /// What its pages were made from ([`incremental::story_key`]).
    pub(super) key: incremental::PageKey,
    /// Its pages were taken from the previous build.
    pub(super) reused: bool,
    /// And it was not parsed: kept from what it gave the last build.
    pub(super) remembered: bool,
    /// Nor read: its stamp vouched that it was as then ([`crate::memo::Stamp`]).
    pub(super) unread: bool,
}

/// What the rest of the build holds of a rendered story, for every story
/// until the end: 40 bytes. Its folder and file are its bundle's path,
/// and its key and last change as written are in its record
/// ([`Records`]). (Held whole, with its folder and dates, a story's
/// summary took about 220 bytes: 220 MB at 1,000,000.)
pub(super) struct Summary {
    /// Its `published`, in seconds (the catalog's order); [`NO_DATE`]
    /// without one.
    pub(super) published: i64,
    /// When it last changed (its `updated`, else its `published`), in
    /// seconds; [`NO_DATE`] without either.
    pub(super) modified: i64,
    /// Its record.
    pub(super) record: At,
    /// Its bundle's number in the build's list of bundles.
    pub(super) bundle: u32,
    /// Its pages were taken from the previous build.
    pub(super) reused: bool,
    /// It was not parsed ([`Rendered::remembered`]).
    pub(super) remembered: bool,
    /// Nor read ([`Rendered::unread`]).
    pub(super) unread: bool,
}

/// A date a story does not have: before every date it could have (a
/// year has four digits), as `None` is before `Some`.
pub(super) const NO_DATE: i64 = i64::MIN;

/// What [`Records`] holds in memory: every record of 400,000 stories
/// (about 42 bytes each, read back three times a story), the rest on disk.
const RECORDS_HELD: usize = 16 << 20;

/// Each story's record, on disk: its key, then its last change as
/// written (nothing when it has none).
pub(super) struct Records(Spill);

impl Records {
    pub(super) fn new(dir: &Path) -> Result<Records, Failure> {
        Ok(Records(Spill::held(dir, RECORDS_HELD)?))
    }

    fn push(&self, r: &Rendered) -> Result<At, Failure> {
        let mut bytes = r.key.as_bytes().to_vec();
        bytes.extend_from_slice(r.modified.as_ref().map_or("", |m| &m.raw).as_bytes());
        Ok(self.0.push(&bytes)?)
    }

    fn read(&self, s: &Summary) -> Result<Vec<u8>, Failure> {
        let bytes = self.0.read(s.record)?;
        match bytes.len() >= KEY_BYTES {
            true => Ok(bytes),
            false => Err(Failure::Run("a story's record is cut short".into())),
        }
    }

    /// The story's key ([`incremental::story_key`]).
    pub(super) fn key(&self, s: &Summary) -> Result<incremental::PageKey, Failure> {
        let bytes = self.read(s)?;
        let mut key = [0; KEY_BYTES];
        key.copy_from_slice(&bytes[..KEY_BYTES]);
        Ok(incremental::PageKey::from_bytes(key))
    }

    /// When the story last changed, as written.
    pub(super) fn modified(&self, s: &Summary) -> Result<Option<Timestamp>, Failure> {
        if s.modified == NO_DATE {
            return Ok(None);
        }
        let bytes = self.read(s)?;
        let raw = std::str::from_utf8(&bytes[KEY_BYTES..]).ok();
        let parsed = raw.and_then(|r| story_format::date::parse(r).ok());
        parsed.map(Some).ok_or_else(|| Failure::Run("a story's record does not hold its date".into()))
    }
}

/// When each story last changed, for the pages that list it.
pub(super) struct Changes<'a> {
    pub(super) catalog: &'a Entries,
    /// The summaries, newest first.
    pub(super) summaries: &'a [Summary],
    /// For each entry of the catalog, its story's place in `summaries`
    /// ([`NOT_BUILT`]: none).
    pub(super) story_of: Vec<u32>,
    pub(super) records: &'a Records,
}

impl Changes<'_> {
    /// [`Changes::list_modified`] of the entries numbered `numbers`, from
    /// their stories alone, unread; `None` when one of them has no story
    /// with a date, or two entries share an id (its entry is then read).
    pub(super) fn list_modified_of(&self, numbers: &[u32]) -> Result<Option<Option<Timestamp>>, Failure> {
        if !self.catalog.unique() {
            return Ok(None);
        }
        let mut stories = Vec::with_capacity(numbers.len());
        for &n in numbers {
            let s = self.story_of.get(n as usize).and_then(|&at| self.summaries.get(at as usize));
            match s {
                Some(s) if s.modified != NO_DATE => stories.push(s),
                _ => return Ok(None),
            }
        }
        newest(&stories, |s| Some(s.modified), |s| self.records.modified(s)).map(Some)
    }

    /// When a list of these entries last changed: the newest change of a
    /// story it lists (the story with the entry's id; the catalog's
    /// `published` for a story not built here).
    pub(super) fn list_modified(
        &self,
        entries: &[story_format::Entry],
    ) -> Result<Option<Timestamp>, Failure> {
        let story = |e: &story_format::Entry| {
            let n = self.catalog.number_of(&super::entries::id_hash(&e.id))?;
            let at = *self.story_of.get(n as usize)?;
            let s = self.summaries.get(at as usize)?;
            (s.modified != NO_DATE).then_some(s)
        };
        let seconds = |e: &story_format::Entry| match story(e) {
            Some(s) => Some(s.modified),
            None => e.published.as_ref().map(|t| t.unix),
        };
        newest(entries, seconds, |e| match story(e) {
            Some(s) => self.records.modified(s),
            None => Ok(e.published.clone()),
        })
    }
}

/// The newest date of `items`: of those whose `seconds` are the most, the
/// date that sorts last as written (as dates compare), as `date` reads it.
fn newest<T>(
    items: &[T],
    seconds: impl Fn(&T) -> Option<i64>,
    date: impl Fn(&T) -> Result<Option<Timestamp>, Failure>,
) -> Result<Option<Timestamp>, Failure> {
    let Some(most) = items.iter().filter_map(&seconds).max() else { return Ok(None) };
    let mut last: Option<Timestamp> = None;
    for item in items.iter().filter(|&i| seconds(i) == Some(most)) {
        if let Some(t) = date(item)? {
            if last.as_ref().is_none_or(|l| *l < t) {
                last = Some(t);
            }
        }
    }
    Ok(last)
}

/// Reads, renders and writes every story, on every core; returns their summaries.
/// What rendering any page needs: the site, where a page is, its images.
pub(super) struct Pages<'a> {
    pub(super) info: &'a Site,
    pub(super) place: &'a (dyn Fn(Url) -> Place + Sync),
    pub(super) images: &'a Images<'a>,
    /// The previous build, whose unchanged pages are reused.
    pub(super) previous: &'a incremental::Previous,
    /// The search index, which each story's text goes into.
    pub(super) index: Option<&'a super::search::Index<'a>>,
    /// The local files the stories use, below the site's root, each once
    /// (each story's go in as it is rendered).
    pub(super) used: &'a std::sync::Mutex<std::collections::BTreeSet<String>>,
    /// What each story gave the last build, and this build's record of
    /// it ([`memo`]).
    pub(super) memo: Option<&'a crate::memo::Memo>,
    pub(super) remember: Option<&'a crate::memo::Writer>,
}

/// Renders every story of `bundles` (on every core); returns their
/// summaries in the same order, and for each entry of `catalog` the
/// number of its story's bundle ([`NOT_BUILT`] for none). `checked`
/// gives each bundle's [`check::Listed::json`].
pub(super) fn render_stories(
    sandbox: &Sandbox,
    bundles: &[&Path],
    out: &Path,
    pages: &Pages<'_>,
    records: &Records,
    catalog: &Entries,
    checked: &(dyn Fn(usize) -> [u8; 16] + Sync),
) -> Result<(Vec<Summary>, Vec<u32>), Failure> {
    let bundle_of: Vec<AtomicU32> = (0..catalog.len()).map(|_| AtomicU32::new(NOT_BUILT)).collect();
    let summaries = parallel_numbered_io(bundles, |b, file| {
        let r = render_story(sandbox, file, out, pages, checked(b))?;
        let bundle = u32::try_from(b).map_err(|_| Failure::Run("too many stories".into()))?;
        if let Some(n) = catalog.number_of(&r.id) {
            bundle_of[n as usize].store(bundle, Ordering::Relaxed);
        }
        Ok::<_, Failure>(Summary {
            published: r.published.unwrap_or(NO_DATE),
            modified: r.modified.as_ref().map_or(NO_DATE, |m| m.unix),
            record: records.push(&r)?,
            bundle,
            reused: r.reused,
            remembered: r.remembered,
            unread: r.unread,
        })
    })?;
    Ok((summaries, bundle_of.into_iter().map(AtomicU32::into_inner).collect()))
}

/// No story's number: an entry of the catalog whose story is not built here.
pub(super) const NOT_BUILT: u32 = u32::MAX;

/// The folder of `file`'s bundle below `site`, on disk (`a/b/`).
pub(super) fn folder_of(site: &Path, file: &Path) -> Result<String, Failure> {
    // A plain path (as a walk gives it) as bytes: what its components
    // give, without parsing them (three times over, in `strip_prefix`:
    // 0.3 s of CPU a build at 100,000 stories).
    let (site_bytes, bytes) = (site.as_os_str().as_encoded_bytes(), file.as_os_str().as_encoded_bytes());
    if let Some(rest) = bytes.strip_prefix(site_bytes).and_then(|r| r.strip_prefix(b"/")) {
        if let Some(end) = rest.iter().rposition(|&b| b == b'/') {
            let (slashed, dir) = (&bytes[site_bytes.len()..site_bytes.len() + 1 + end], &rest[..end]);
            let plain = !site_bytes.is_empty() && super::files::plain(slashed);
            if let (true, Ok(dir)) = (plain, std::str::from_utf8(dir)) {
                return Ok(format!("{dir}/"));
            }
        }
    }
    let dir = file.parent().and_then(|d| d.strip_prefix(site).ok());
    let dir = dir.ok_or_else(|| Failure::Run(format!("{}: outside the site", file.display())))?;
    let mut folder = String::new();
    for c in dir.components() {
        let part = c.as_os_str().to_str().ok_or_else(|| {
            Failure::Run(format!("{}: a folder name that is not UTF-8 cannot be an address", dir.display()))
        })?;
        folder.push_str(part);
        folder.push('/');
    }
    Ok(folder)
}

/// The address of the story in `folder` (`a/b/`, from [`folder_of`]):
/// each name percent-encoded (`a%3Fb/`, `%252e%252e/`), below `root`.
/// Worked out again where needed rather than kept for every story.
pub(super) fn page_of(root: &Url, folder: &str) -> Result<Url, Failure> {
    let address = layout::story_folder(folder.split_terminator('/'));
    let page = root.join(&address).map_err(|e| Failure::Run(format!("{folder}: {e}")))?;
    // Encoded, a folder's address cannot leave the site; checked all the same.
    if !page.as_str().starts_with(root.as_str()) {
        return Err(Failure::Run(format!("{folder}: its address {page} is outside --url")));
    }
    Ok(page)
}

/// A bundle's story parsed as it will be served: against its address on
/// the site, so every URL in it is where the reader will find it.
/// A story as it is published: where, what, and from which bytes.
pub(super) struct Published {
    /// The bundle's folder below the site on disk (`a/b/`).
    pub(super) folder: String,
    pub(super) page: Url,
    pub(super) story: Story,
    /// Its `story.json` as published (the file, or what its `story.md` became).
    json: Vec<u8>,
    /// The local files it uses, below the site's root (`a/b/hero.png`).
    pub(super) assets: Vec<String>,
}

pub(super) fn published_story(sandbox: &Sandbox, file: &Path, root: &Url) -> Result<Published, Failure> {
    let (folder, page, json) = published_json(sandbox, file, root)?;
    parse_published(file, folder, page, json, root)
}

/// A bundle's folder, address and JSON as published (not parsed).
fn published_json(sandbox: &Sandbox, file: &Path, root: &Url) -> Result<(String, Url, Vec<u8>), Failure> {
    let folder = folder_of(sandbox.root(), file)?;
    let page = page_of(root, &folder)?;
    Ok((folder, page, published_bytes(sandbox, file)?))
}

/// A bundle's JSON as published: its `story.json`, or its `story.md`
/// imported.
fn published_bytes(sandbox: &Sandbox, file: &Path) -> Result<Vec<u8>, Failure> {
    let bytes = check::read_limited(sandbox, file)
        .map_err(|d| Failure::Run(format!("{}: {}", file.display(), d.message)))?;
    Ok(if is_markdown(file) {
        let imported = crate::markdown::import_bytes(&bytes, file, sandbox).map_err(|_| {
            Failure::Changed(format!("{}: does not import (it did when checked)", file.display()))
        })?;
        imported.json.into_bytes()
    } else {
        bytes
    })
}

fn is_markdown(file: &Path) -> bool {
    file.extension().is_some_and(|e| e == "md")
}

/// The story of `json`, parsed against its address.
fn parse_published(
    file: &Path,
    folder: String,
    page: Url,
    json: Vec<u8>,
    root: &Url,
) -> Result<Published, Failure> {
    let json_url = page.join("story.json").map_err(|e| Failure::Run(e.to_string()))?;
    let (parsed, assets) = parse_document_with_assets(&json, &json_url);
    match parsed.value {
        Some(Document::Story(story)) => {
            let assets = assets.iter().filter_map(|a| below(root, a.url.as_str())).collect();
            Ok(Published { folder, page, story, json, assets })
        }
        _ => Err(Failure::Changed(format!("{}: does not parse (it did when checked)", file.display()))),
    }
}

/// `checked`: the first 16 bytes of the SHA-256 of the story's JSON as
/// the check found it ([`check::Listed::json`]; zeros when unknown).
pub(super) fn render_story(
    sandbox: &Sandbox,
    file: &Path,
    out: &Path,
    pages: &Pages<'_>,
    checked: [u8; 16],
) -> Result<Rendered, Failure> {
    let info = pages.info;
    let folder = folder_of(sandbox.root(), file)?;
    let page = page_of(&info.root, &folder)?;
    let dir = out.join(&folder);
    // What the story gave the last build, when its JSON is the same: its
    // pages kept without parsing it, when they can be; without reading it
    // when the check found its bytes (read, or vouched for by its stamp)
    // to hash as the record says, or when its own stamp (taken before it
    // is read) vouches for them.
    let memo = pages.memo.filter(|_| !is_markdown(file));
    // A record vouched for is carried over as it is, unread
    // ([`crate::memo::Writer::carry`]).
    let kept_by = |hash: &[u8; 32], vouched: Option<Vec<u8>>, stamp: Option<&Stamp>| {
        let carried = vouched.is_some();
        let record = vouched.or_else(|| memo.and_then(|m| m.get(file, hash)));
        match record.and_then(|b| Remembered::decode(&b)) {
            Some(r) => {
                let how = (hash, stamp, carried);
                kept_as_remembered(r, file, (&folder, &page, &dir), how, pages)
            }
            None => Ok(None),
        }
    };
    let known = memo.filter(|_| checked != [0; 16] && pages.remember.is_some());
    if let Some((hash, record)) = known.and_then(|m| m.get_by_prefix(file, &checked)) {
        if let Some(kept) = kept_by(&hash, Some(record), None)? {
            return Ok(Rendered { unread: true, ..kept });
        }
    }
    let stamp = pages.remember.filter(|_| !is_markdown(file)).and_then(|_| sandbox.stamp(file));
    let vouched = memo.zip(stamp.as_ref()).and_then(|(m, s)| m.get_by_stamp(file, s));
    let vouched_hash = vouched.as_ref().map(|v| v.0);
    if let Some((hash, record)) = vouched {
        if let Some(kept) = kept_by(&hash, Some(record), stamp.as_ref())? {
            return Ok(Rendered { unread: true, ..kept });
        }
    }
    let json = published_bytes(sandbox, file)?;
    let json_hash = crate::memo::content_hash(&json);
    // The same bytes as vouched for: their record was just tried.
    if vouched_hash != Some(json_hash) {
        if let Some(kept) = kept_by(&json_hash, None, stamp.as_ref())? {
            return Ok(kept);
        }
    }
    let Published { folder, page, story, json, assets } =
        parse_published(file, folder, page, json, &info.root)?;
    let id = super::entries::id_hash(&story.id);
    // Its search terms, when the build has an index (else none).
    let terms = pages.index.map(|_| super::search::story_terms(&story)).unwrap_or_default().into_bytes();
    let (key, place, hero) =
        keyed(pages, &page, &json_hash, story_images(&story), story.hero.as_ref(), &story.tags)?;
    let modified = story.updated.as_ref().or(story.published.as_ref()).cloned();
    let r = Remembered {
        json_hash,
        id,
        published: story.published.as_ref().map(|t| t.unix),
        modified: modified.as_ref().map(|m| m.raw.clone()),
        tags: story.tags.clone(),
        images: story_images(&story)
            .map(|i| (i.src.as_ref().map(|s| s.as_str().to_owned()), i.alt.clone(), i.size, i.focus))
            .collect(),
        hero: story.hero.is_some(),
        assets,
        terms,
    };
    let reused = pages.previous.reuse(&folder, &key, &dir)?;
    let summary = Rendered {
        folder: folder.clone(),
        id,
        published: r.published,
        modified,
        key,
        reused,
        remembered: false,
        unread: false,
    };
    remember(pages, file, stamp.as_ref(), r, false)?;
    if reused {
        return Ok(summary);
    }
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("story.json"), json)?;
    // The head first (its description may read the first paragraph). The
    // page's render and the embed's share the story, uncopied, and with it
    // its reading time, worked out once.
    let story = std::rc::Rc::new(story);
    let preview = hero.as_ref().or(info.preview.as_ref());
    let mut html = head::open(info, &page, &Kind::Story(&story), preview);
    // The story alone, for other pages: its embed page, oEmbed response and snippet.
    let alone = publish::embed_html(story.clone(), place.clone(), &info.name);
    std::fs::write(dir.join(layout::EMBED_PAGE), embed::page(info, &page, &story, &alone))?;
    std::fs::write(dir.join(layout::EMBED_SNIPPET), embed::snippet(info, &page, &story, &alone))?;
    std::fs::write(dir.join(layout::OEMBED_FILE), embed::oembed(info, &page, &story, preview))?;
    html.push_str(&publish::story_html(story, place));
    html.push_str(head::CLOSE);
    std::fs::write(dir.join(layout::PAGE_FILE), html)?;
    Ok(summary)
}

/// What a rendered story gives the rest of the build that is not its
/// pages (the files it uses, its search terms), and the memo's record of it
/// (with `stamp`, the file's before it was read; `carried`: the last
/// memo's record, which that stamp vouched for, kept as it is).
fn remember(
    pages: &Pages<'_>,
    file: &Path,
    stamp: Option<&Stamp>,
    r: Remembered,
    carried: bool,
) -> Result<(), Failure> {
    pages.used.lock().expect("no panics while locked").extend(r.assets.iter().cloned());
    if let Some(index) = pages.index {
        index.add_story(&r.id, &r.json_hash, &r.terms)?;
    }
    if let Some(w) = pages.remember.filter(|_| !is_markdown(file) && pages.index.is_some()) {
        match pages.memo.filter(|_| carried) {
            Some(last) => w.carry(file, last)?,
            None => w.put(file, stamp, &r.encode())?,
        }
    }
    Ok(())
}

/// A story's key ([`incremental::story_key`]), the place its pages are
/// drawn in (its images' versions) and its hero's preview, from its JSON's
/// hash, its images (the hero among them), its hero and its tags: the one
/// way both a parsed story and a remembered one get their key.
fn keyed<'i>(
    pages: &Pages<'_>,
    page: &Url,
    json_hash: &[u8; 32],
    images: impl IntoIterator<Item = &'i story_format::Image>,
    hero: Option<&story_format::Image>,
    tags: &[String],
) -> Result<(incremental::PageKey, Place, Option<super::pictures::Preview>), Failure> {
    // The images first: the head shows the hero's preview.
    let pictures = pages.images.pictures(images)?;
    let hero = match hero {
        Some(h) => pages.images.preview(h)?,
        None => None,
    };
    let place = Place { pictures, ..(pages.place)(page.clone()) };
    let tag_folders = tags.iter().map(|t| (place.tag_path)(t));
    let key =
        incremental::story_key(json_hash, page, pages.info, &place.pictures, hero.as_ref(), tag_folders);
    Ok((key, place, hero))
}

/// A story kept from what it gave the last build (its JSON unchanged):
/// its key worked out from the record as [`render_story`] works it out
/// from the parsed story, and its pages kept when they were made from that
/// key. `None`: they were not (the site, its tags' folders or its images
/// changed), and the story is parsed and rendered.
/// `(folder, page, dir)`: its bundle's folder, its page's address, and its
/// folder in the new site; `(json_hash, stamp, carried)`: its JSON's hash,
/// its stamp, and whether that stamp vouched for its record ([`remember`]).
fn kept_as_remembered(
    r: Remembered,
    file: &Path,
    (folder, page, dir): (&str, &Url, &Path),
    (json_hash, stamp, carried): (&[u8; 32], Option<&Stamp>, bool),
    pages: &Pages<'_>,
) -> Result<Option<Rendered>, Failure> {
    let json_url = page.join("story.json").map_err(|e| Failure::Run(e.to_string()))?;
    let Some(images) = r.images(&json_url) else { return Ok(None) };
    let modified = match &r.modified {
        Some(raw) => match story_format::date::parse(raw) {
            Ok(t) => Some(t),
            Err(_) => return Ok(None),
        },
        None => None,
    };
    // Its terms are read as text only when the index takes them.
    if pages.index.is_some_and(|i| i.wants_terms(&r.id, json_hash)) && r.terms().is_none() {
        return Ok(None);
    }
    let hero = images.first().filter(|_| r.hero);
    let (key, ..) = keyed(pages, page, json_hash, images.iter(), hero, &r.tags)?;
    if !pages.previous.reuse(folder, &key, dir)? {
        return Ok(None);
    }
    let kept = Rendered {
        folder: folder.to_owned(),
        id: r.id,
        published: r.published,
        modified,
        key,
        reused: true,
        remembered: true,
        unread: false,
    };
    remember(pages, file, stamp, r, carried)?;
    Ok(Some(kept))
}

/// The feed's entry of the story of `file` (its bundle file).
pub(super) fn feed_item(file: &Path, sandbox: &Sandbox, images: &Images<'_>) -> Result<FeedItem, Failure> {
    let Published { story, page, .. } = published_story(sandbox, file, images.root)?;
    let pictures = images.pictures(story_images(&story))?;
    let image = match &story.hero {
        Some(h) => images.preview(h)?.map(|p| p.url.to_string()),
        None => None,
    };
    let mut st = story.clone();
    st.sections = Vec::new();
    let content_html = publish::story_content_html(story, page.as_str(), pictures);
    Ok(FeedItem {
        url: page,
        title: st.title.clone(),
        summary: st.summary(head::DESCRIPTION_CHARS),
        published: st.published.clone(),
        updated: st.updated.clone(),
        // The authors as data (with their pages), else the byline as one name.
        authors: if st.authors.is_empty() {
            st.author_names().into_iter().map(|n| (n.to_owned(), None)).collect()
        } else {
            st.authors.iter().map(|a| (a.name.clone(), a.url.as_ref().map(|u| u.to_string()))).collect()
        },
        tags: st.tags.clone(),
        lang: st.lang.clone(),
        image,
        content_html,
    })
}

/// A story's images that pages show: the hero, image blocks, galleries'
/// images and social posts' pictures.
fn story_images(story: &Story) -> impl Iterator<Item = &story_format::Image> {
    use story_format::Block;
    let blocks = story.sections.iter().flat_map(|s| &s.blocks).flat_map(|b| {
        let images: &[story_format::Image] = match b {
            Block::Image(img) => std::slice::from_ref(&**img),
            Block::Gallery(g) => &g.images,
            Block::Social(p) => p.image.as_slice(),
            _ => &[],
        };
        images
    });
    story.hero.iter().chain(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A bundle's folder, read from the path's bytes, is what the
        /// path's components give: also with `.`, `..`, doubled or
        /// trailing slashes, a site of `/`, and outside the site.
        #[test]
        fn a_folder_from_bytes_is_the_folder_from_components(
            site in "(/[a-c.]{1,2}){0,2}",
            rest in "(/{1,2}[a-c.]{1,2}){0,4}/?story.json",
        ) {
            let (site, file) = (Path::new(if site.is_empty() { "/" } else { &site }), format!("{site}{rest}"));
            let file = Path::new(&file);
            let slow = file.parent().and_then(|d| d.strip_prefix(site).ok()).map(|dir| {
                dir.components().map(|c| format!("{}/", c.as_os_str().to_str().unwrap())).collect::<String>()
            });
            prop_assert_eq!(folder_of(site, file).ok(), slow);
        }
    }

    /// A story's record gives back its key and its last change as written
    /// (a fraction of a second and an offset kept), or no date.
    #[test]
    fn a_record_keeps_a_story_key_and_its_date_as_written() {
        let dir = std::env::temp_dir().join(format!("story-records-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let records = Records::new(&dir).unwrap();
        let rendered = |n: u8, date: Option<&str>| Rendered {
            folder: format!("s{n}/"),
            id: [n; 16],
            published: None,
            modified: date.map(|d| story_format::date::parse(d).unwrap()),
            key: incremental::PageKey::from_bytes([n; KEY_BYTES]),
            reused: false,
            remembered: false,
            unread: false,
        };
        let dates = [Some("2026-03-14T09:30:00.123456789+05:30"), None, Some("2026-03-14")];
        let summaries: Vec<Summary> = (0..3u8)
            .map(|n| {
                let r = rendered(n, dates[n as usize]);
                Summary {
                    published: NO_DATE,
                    modified: r.modified.as_ref().map_or(NO_DATE, |m| m.unix),
                    record: records.push(&r).unwrap(),
                    bundle: u32::from(n),
                    reused: false,
                    remembered: false,
                    unread: false,
                }
            })
            .collect();
        for (n, s) in summaries.iter().enumerate() {
            assert_eq!(records.key(s).unwrap(), incremental::PageKey::from_bytes([n as u8; KEY_BYTES]));
            let modified = records.modified(s).unwrap();
            assert_eq!(modified.as_ref().map(|m| m.raw.as_str()), dates[n]);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A story that no longer parses when the build reads it to publish it
    /// (it did when checked: an editor saved in between) is `Changed`, which
    /// `story serve` builds again instead of showing as the site's error.
    #[test]
    fn a_story_changed_after_its_check_is_a_change_not_a_failure_to_run() {
        let root = std::env::temp_dir().join(format!("story-changed-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("s1")).unwrap();
        let file = root.join("s1").join("story.json");
        std::fs::write(&file, r#"{ "format": "story/1", "title": "#).unwrap();
        let sandbox = Sandbox::new(&root).unwrap();
        let site = Url::parse("https://news.example/").unwrap();
        let file = sandbox.root().join("s1").join("story.json");
        match published_story(&sandbox, &file, &site) {
            Err(Failure::Changed(msg)) => {
                assert!(msg.ends_with("does not parse (it did when checked)"), "{msg}")
            }
            Err(Failure::Run(msg)) => panic!("a failure to run: {msg}"),
            Err(Failure::Input { .. }) => panic!("input errors"),
            Ok(_) => panic!("published"),
        }
        std::fs::remove_dir_all(&root).unwrap();
    }
}
