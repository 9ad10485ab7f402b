//! `story check`: every `story.json`, `story.md` and `stories.json` given
//! (or found below a folder) through the one parser, plus what needs a file
//! system: local images exist, catalog entries agree with their stories.
//!
//! Order of the report: every story first (a story a catalog points at is
//! reported once, under its own file, even when only the catalog was
//! named), then every catalog. A catalog entry whose story has errors says
//! only that; it is not compared field by field with a broken story.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use story_format::limits::{file_too_large, MAX_FILE_BYTES};
use story_format::url::Url;
use story_format::{
    parse_document_with_assets, Catalog, Code, Diagnostic, Document, Entry, FieldPath, Location,
};

mod facts;
mod ids;
mod keeper;
mod recall;

pub use facts::{compare, Facts};
use ids::unique_ids;
pub use ids::{id_key, IdKey};
pub use keeper::{json_prefix, Keeper, Listed};
use recall::recalled;
pub use recall::Recalled;

use crate::markdown;
use crate::memo::Stamp;
use crate::paths::Paths;
use crate::report::{shown, Report};
use crate::sandbox::{Sandbox, Skipped};

/// A file read and parsed: its report and, when it could be read, the document.
pub struct Checked {
    pub report: Report,
    pub doc: Option<Document>,
}

/// What the check holds of a file while it runs: its report, and its
/// document (boxed: in a build, most files are stories held as
/// [`Listed`] instead) or what a [`Keeper`] kept of its story.
struct Held {
    /// Its report; none while a file read in the check's own list has
    /// nothing to say (made from its path when it does: at 1,000,000
    /// stories, the names of files with nothing to say took 120 MB).
    report: Option<Box<Report>>,
    doc: Option<Box<Document>>,
    listed: Option<Listed>,
}

/// Checks every file in `files`, reading nothing outside `sandbox`;
/// returns the reports of the files with something to say, in the order
/// they are printed (stories, then catalogs), and how many files it read
/// (a file reached by two paths is read once).
///
/// Each story's [`Facts`] are held on disk, in the system's temporary
/// folder, not its document in memory (where that folder cannot be
/// written, the documents are held).
pub fn check_files(sandbox: &Sandbox, files: &mut Paths) -> (Vec<Report>, usize) {
    let keeper = facts::FactsKeeper::new(&std::env::temp_dir()).ok();
    let (reports, docs) = check_files_and_docs(sandbox, files, keeper.as_ref().map(|k| k as &dyn Keeper));
    (reports, docs.files_read())
}

/// How many files the check reads (on every core) before it puts what
/// it found in their slots: a part of the walk's stamps.
const CHECK_PART: usize = crate::paths::STAMP_PART;

/// Every document [`check_files_and_docs`] read (stories without their
/// sections), one slot per file read: a file reached by two paths (a link
/// inside the site) is read and reported once.
pub struct Docs {
    /// The check's own slots, reports taken: each file's document, or what
    /// a [`Keeper`] kept of its story instead. (Split into two lists, both
    /// were made while the slots were still held: 72 bytes a file more at
    /// the check's peak, 72 MB at 1,000,000 stories.)
    slots: Vec<Option<Held>>,
    /// Each file given, in order: its slot (32 bits: the files given are
    /// fewer, as [`Paths`] holds at most 4 GiB of their names).
    of_file: Vec<u32>,
}

impl Docs {
    /// How many files were read (a file reached by two paths once).
    pub fn files_read(&self) -> usize {
        self.slots.len()
    }
    fn slot_of(&self, i: usize) -> Option<&Held> {
        self.slots.get(*self.of_file.get(i)? as usize)?.as_ref()
    }
    /// The document of the `i`th file given, when it parsed.
    pub fn of(&self, i: usize) -> Option<&Document> {
        self.slot_of(i)?.doc.as_deref()
    }
    /// Every document read, each once.
    pub fn all(&self) -> impl Iterator<Item = &Document> {
        self.slots.iter().flatten().filter_map(|h| h.doc.as_deref())
    }
    /// What the [`Keeper`] kept of the story of the `i`th file given.
    pub fn listed_of(&self, i: usize) -> Option<&Listed> {
        self.slot_of(i)?.listed.as_ref()
    }
}

/// [`check_files`], and every document read (see [`Docs`]). Two stories
/// with one id are an error on the second.
///
/// What is held per file is one slot in a list, in the order read: the
/// reports go out from it and the documents stay in it. (A map of the
/// files' results, about a kilobyte each inline, cost 124 MB at 30,000
/// stories, most of it the map's empty room and its copies as it grew.)
///
/// With a [`Keeper`] (the files hold no catalog), each story's document
/// is not kept: what the build's catalog needs of it goes to the keeper.
pub fn check_files_and_docs(
    sandbox: &Sandbox,
    files: &mut Paths,
    keeper: Option<&dyn Keeper>,
) -> (Vec<Report>, Docs) {
    // The walk's stamps, each part's let go once its files are read (64
    // MB at 1,000,000 files: held to the check's end, they were in its
    // peak).
    let mut stamps = files.take_stamps();
    let files = &*files;
    let mut cache = Cache {
        sandbox: sandbox.clone(),
        keeper,
        files,
        name_of: Vec::with_capacity(files.len()),
        index: HashMap::with_capacity(files.len()),
        catalog_paths: HashMap::new(),
        slots: Vec::with_capacity(files.len()),
        order: Vec::new(),
        queued: Vec::with_capacity(files.len()),
    };
    let mut catalogs = Vec::new();
    let mut of_file = Vec::with_capacity(files.len());
    // Every file read and parsed on every core (each on its own: nothing
    // here depends on another file), a part of the list at a time, each
    // part's results then put in their slots in order. (All at once, the
    // results and their slots were both held: 160 MB more at 1,000,000.)
    for p in 0..files.len().div_ceil(CHECK_PART) {
        let part: Vec<usize> = (p * CHECK_PART..files.len().min((p + 1) * CHECK_PART)).collect();
        let loaded = crate::parallel::parallel_io(&part, |&i| {
            let walked = files.walked().then(|| crate::paths::stamp_in(&stamps, i));
            Ok::<_, std::convert::Infallible>(Cache::read(sandbox, &files[i], keeper, false, walked))
        });
        if let Some(part) = stamps.get_mut(p) {
            *part = Vec::new();
        }
        for (i, (key, checked)) in loaded.unwrap_or_else(|never| match never {}).into_iter().enumerate() {
            let (slot, new) = cache.slot(key, checked, (p * CHECK_PART + i) as u32);
            of_file.push(slot as u32);
            if !new {
                continue;
            }
            cache.queued[slot] = true;
            if matches!(cache.get(slot).doc.as_deref(), Some(Document::Catalog(_))) {
                catalogs.push(slot);
            } else {
                cache.order.push(slot);
            }
        }
    }
    let mut catalog_reports = Vec::new();
    let mut at = 0;
    // The pages of one catalog (a chain of `next`s): each story on one page.
    let mut chain_of: HashMap<usize, usize> = HashMap::new();
    // Each chain's stories: by their ids' hashes, the page they are on
    // (its number in `page_files`). With the ids and pages' names as text
    // this map took about 200 MB at 1,000,000 stories.
    let mut listed: Vec<HashMap<IdKey, u32>> = Vec::new();
    let mut page_files: Vec<String> = Vec::new();
    while let Some(slot) = catalogs.get(at).copied() {
        at += 1;
        let mut report = cache.take_report(slot);
        let Held { doc, .. } = cache.take(slot);
        if let Some(Document::Catalog(catalog)) = doc.as_deref() {
            let chain = *chain_of.entry(slot).or_insert_with(|| {
                listed.push(HashMap::new());
                listed.len() - 1
            });
            for entry in &catalog.entries {
                check_entry(entry, &mut cache, &mut report.diagnostics);
                if catalog.next.is_some() || catalog.prev.is_some() {
                    let page = page_files.len() as u32;
                    let on = *listed[chain].entry(id_key(&entry.id)).or_insert(page);
                    if on != page {
                        let on = &page_files[on as usize];
                        let msg = format!("the story \"{}\" is also listed on {on}; a story belongs on one page of a catalog", entry.id);
                        let path = FieldPath::root().field("stories").index(entry.index).field("id");
                        report.diagnostics.push(Diagnostic::warning(Code::Mismatch, path, msg));
                    }
                }
            }
            page_files.push(report.file.clone());
            // A catalog in pages: its next page is checked too, once.
            if let Some(next) = check_next_page(catalog, slot, &mut cache, &mut report.diagnostics) {
                chain_of.entry(next).or_insert(chain);
                if !std::mem::replace(&mut cache.queued[next], true) {
                    catalogs.push(next);
                }
            }
        }
        catalog_reports.push(report);
    }
    // No file is read after the catalogs: the index of every path goes
    // before the ids' sort (52 MB at 1,000,000 files, in the check's peak).
    cache.index = HashMap::new();
    let order = std::mem::take(&mut cache.order);
    unique_ids(&order, &mut cache);
    // The reports with something to say go out; the documents stay in their slots.
    let mut out: Vec<Report> =
        order.iter().filter_map(|&slot| cache.slots[slot].as_mut()?.report.take()).map(|r| *r).collect();
    out.extend(catalog_reports);
    out.retain(|r| !r.diagnostics.is_empty());
    // The slots stay as they are; the rest of the cache goes now.
    let slots = std::mem::take(&mut cache.slots);
    drop(cache);
    (out, Docs { slots, of_file })
}

/// A catalog page's `next`, when it is a local file: it must be a catalog
/// page that names this one as its `prev`. Returns its key, to be checked
/// in turn.
fn check_next_page(
    catalog: &Catalog,
    slot: usize,
    cache: &mut Cache,
    out: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let next = catalog.next.as_ref()?;
    let path = next.to_url().to_file_path().ok()?;
    let mut problem =
        |message: String| out.push(Diagnostic::error(Code::Mismatch, Location::top("next"), message));
    if let Err(why) = local_file(&cache.sandbox, &path) {
        problem(format!("the next page {} {why}", path.display()));
        return None;
    }
    let next = cache.load(&path);
    let back = match cache.get(next).doc.as_deref() {
        Some(Document::Catalog(c)) => c.prev.as_ref().and_then(|p| p.to_url().to_file_path().ok()),
        _ => {
            problem(format!("the next page {} is not a catalog", path.display()));
            return None;
        }
    };
    if back.and_then(|b| std::fs::canonicalize(b).ok()).as_ref() != cache.catalog_paths.get(&slot) {
        problem(format!(
            "the next page {} does not name this file as its \"prev\"; a catalog's pages link both ways",
            path.display()
        ));
    }
    Some(next)
}

/// A file's key: a 128-bit hash of its canonical path (two paths of a
/// million share one with a chance of about 10^-27), 16 bytes where the
/// path held was about a hundred.
pub(crate) type PathKey = [u8; 16];

/// A file's report, kept when it has something to say or `named`.
fn kept(report: Report, named: bool) -> Option<Box<Report>> {
    (named || !report.diagnostics.is_empty()).then(|| Box::new(report))
}

/// `real`'s [`PathKey`].
pub(crate) fn path_key(real: &Path) -> PathKey {
    short_hash(real.as_os_str().as_encoded_bytes())
}

/// A 128-bit hash of `bytes` (the first half of their SHA-256): what the
/// check and the build match paths and ids by instead of holding them.
pub(crate) fn short_hash(bytes: &[u8]) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let full = Sha256::digest(bytes);
    let mut key = [0; 16];
    key.copy_from_slice(&full[..16]);
    key
}

/// Files read so far, each in a slot of its own, and the order their
/// reports go out.
struct Cache<'a> {
    sandbox: Sandbox,
    /// What keeps the stories of the files given, when one does.
    keeper: Option<&'a dyn Keeper>,
    /// The files the check was given.
    files: &'a Paths,
    /// For each slot, the place in `files` of the file that made it
    /// ([`LOADED`]: one a catalog named, which always has its report).
    name_of: Vec<u32>,
    /// Each file's slot, by its key ([`path_key`] of its canonical path).
    index: HashMap<PathKey, usize>,
    /// The canonical path of each slot that holds a catalog (its pages'
    /// links are checked against it); a story's is not kept.
    catalog_paths: HashMap<usize, PathBuf>,
    /// What the check found of each file (`None` once taken).
    slots: Vec<Option<Held>>,
    /// The slots whose reports go out, in order (catalogs' go after them).
    order: Vec<usize>,
    /// The slots in `order` or among the catalogs: each file is reported once.
    queued: Vec<bool>,
}

/// A slot made by a file a catalog named, not one of the files given.
const LOADED: u32 = u32::MAX;

impl Cache<'_> {
    /// Reads and checks `path` once; returns its slot.
    fn load(&mut self, path: &Path) -> usize {
        let key = path_key(&crate::sandbox::canonical(path).unwrap_or_else(|_| path.to_owned()));
        match self.index.get(&key) {
            Some(&slot) => slot,
            None => {
                let (key, checked) = Cache::read(&self.sandbox, path, None, true, None);
                self.slot(key, checked, LOADED).0
            }
        }
    }
    /// The slot of `key`, given `checked` when it has none yet; and
    /// whether it is new.
    fn slot(&mut self, (key, real): (PathKey, Option<PathBuf>), checked: Held, name: u32) -> (usize, bool) {
        if let Some(&slot) = self.index.get(&key) {
            return (slot, false);
        }
        let slot = self.slots.len();
        self.index.insert(key, slot);
        if let Some(real) = real {
            self.catalog_paths.insert(slot, real);
        }
        self.slots.push(Some(checked));
        self.name_of.push(name);
        self.queued.push(false);
        (slot, true)
    }
    /// Reads and checks `path`: its key ([`path_key`] of its canonical
    /// path, and that path when it is a catalog) and what the check found
    /// (a story's document, or what `keeper` keeps of it). Its report is
    /// kept when it has something to say, it is a catalog's, or `named`.
    /// `walked`: `path` is of a walk's list ([`Paths::walked`]), with
    /// its stamp when the walk saw it ([`Paths::stamp`]).
    fn read(
        sandbox: &Sandbox,
        path: &Path,
        keeper: Option<&dyn Keeper>,
        named: bool,
        walked: Option<Option<Stamp>>,
    ) -> ((PathKey, Option<PathBuf>), Held) {
        let real_and_meta = match walked {
            Some(stamp) => sandbox.walked_and_lstat(path, stamp),
            None => sandbox.canonical_and_lstat(path),
        };
        let (real, meta) = match real_and_meta {
            Ok((real, meta)) => (Some(real), meta),
            Err(_) => (None, None),
        };
        // A `story.json` the keeper remembers: kept again unparsed when its
        // JSON is the same (its stamp vouching for that, unread, or its
        // bytes hashing the same); else checked from the bytes read for the
        // hash. The stamp is taken before the bytes are read.
        let recalling = keeper.filter(|k| k.recalls() && path.file_name().is_some_and(|n| n == "story.json"));
        // The file's own metadata, read on the way to its canonical path,
        // when it was (not a link): no second `lstat`.
        let stamp_of = |r: &Path| meta.map_or_else(|| sandbox.stamp(r), |m| m.stamp);
        let recalling = recalling.zip(real.as_deref()).map(|(k, r)| (k, r, stamp_of(r)));
        let vouched = recalling.and_then(|(k, r, stamp)| k.recall_by_stamp(r, stamp.as_ref()?));
        let vouched = match (recalling, vouched) {
            (Some((k, r, stamp)), Some((hash, found))) => {
                if let Some(held) = recalled(sandbox, k, r, &hash, stamp.as_ref(), path, named, Some(found)) {
                    return ((path_key(r), None), held);
                }
                Some(hash)
            }
            _ => None,
        };
        let recalling = recalling.map(|(k, r, stamp)| (k, r, stamp, read_limited(sandbox, path)));
        let (checked, remember) = match recalling {
            Some((k, r, stamp, Ok(bytes))) => {
                let hash = crate::memo::content_hash(&bytes);
                // The same bytes as vouched for: their record was just tried.
                let again = vouched != Some(hash);
                if let Some(held) =
                    again.then(|| recalled(sandbox, k, r, &hash, stamp.as_ref(), path, named, None)).flatten()
                {
                    return ((path_key(r), None), held);
                }
                let (checked, local) = check_bytes(sandbox, path, Some(r), bytes);
                (checked, Some((hash, stamp, local)))
            }
            _ => (check_file_at(sandbox, path, real.as_deref()), None),
        };
        let Checked { mut report, doc } = checked;
        let real = real.unwrap_or_else(|| path.to_owned());
        let catalog = matches!(doc, Some(Document::Catalog(_)));
        let key = (path_key(&real), catalog.then(|| real.clone()));
        let named = named || catalog;
        let held = match (doc, keeper) {
            (Some(Document::Story(s)), Some(keeper)) => match keeper.keep(&s) {
                Ok(mut listed) => {
                    if let Some((hash, ..)) = &remember {
                        listed.json = json_prefix(hash);
                    }
                    if let Some((hash, stamp, local)) = remember.filter(|_| report.diagnostics.is_empty()) {
                        keeper.remember(&real, &hash, stamp.as_ref(), &listed, &s, &local);
                    }
                    Held { report: kept(report, named), doc: None, listed: Some(listed) }
                }
                Err(e) => {
                    let msg = format!("could not be kept for the catalog: {e}");
                    report.diagnostics.push(Diagnostic::error(Code::Io, Location::document(), msg));
                    Held { report: kept(report, named), doc: None, listed: None }
                }
            },
            // Kept only to compare with catalog entries and to make the
            // build's catalog, which look at none of these.
            (Some(Document::Story(mut s)), None) => {
                s.sections = Vec::new();
                s.authors = Vec::new();
                s.corrections = Vec::new();
                s.byline = None;
                Held { report: kept(report, named), doc: Some(Box::new(Document::Story(s))), listed: None }
            }
            (doc, _) => Held { report: kept(report, named), doc: doc.map(Box::new), listed: None },
        };
        (key, held)
    }
    fn get(&self, slot: usize) -> &Held {
        self.slots[slot].as_ref().expect("not taken yet")
    }
    /// The slot's report and document, taken.
    fn take(&mut self, slot: usize) -> Held {
        self.slots[slot].take().expect("taken once")
    }
    /// The name of the file of `slot`, as its report gives it.
    fn name(&self, slot: usize) -> String {
        match self.slots[slot].as_ref().and_then(|h| h.report.as_ref()) {
            Some(r) => r.file.clone(),
            None => self
                .files
                .get(self.name_of[slot] as usize)
                .map(|f| f.display().to_string())
                .unwrap_or_default(),
        }
    }
    /// The report of `slot`, made when it had none.
    fn report_mut(&mut self, slot: usize) -> &mut Report {
        if self.slots[slot].as_ref().is_some_and(|h| h.report.is_none()) {
            let file = self.name(slot);
            let held = self.slots[slot].as_mut().expect("checked just above");
            held.report = Some(Box::new(Report { file, diagnostics: Vec::new() }));
        }
        self.slots[slot].as_mut().and_then(|h| h.report.as_deref_mut()).expect("not taken yet")
    }
    /// The slot's report (made when it had none), taken; its document stays.
    fn take_report(&mut self, slot: usize) -> Report {
        match self.slots[slot].as_mut().and_then(|h| h.report.take()) {
            Some(r) => *r,
            None => Report { file: self.name(slot), diagnostics: Vec::new() },
        }
    }
}

/// The URL of a local file, against which its references resolve.
pub fn file_url(path: &Path) -> Option<Url> {
    Url::from_file_path(std::fs::canonicalize(path).ok()?).ok()
}

/// Reads a regular file inside `sandbox`, at most the format's size limit
/// (counted while reading: a file that reports a small size and keeps
/// going, as `/dev/zero` would, is cut off at the limit and refused).
pub fn read_limited(sandbox: &Sandbox, path: &Path) -> Result<Vec<u8>, Diagnostic> {
    sandbox.read(path, MAX_FILE_BYTES).map_err(|e| match e {
        Ok(len) => Diagnostic::error(Code::Limit, Location::document(), file_too_large(len)),
        Err(refused) => Diagnostic::error(Code::Io, Location::document(), format!("the file {refused}")),
    })
}

/// Reads and parses one file inside `sandbox`: JSON through the parser,
/// Markdown through the importer (and then the parser); then checks that
/// its local images are files inside the sandbox.
pub fn check_file(sandbox: &Sandbox, path: &Path) -> Checked {
    check_file_at(sandbox, path, std::fs::canonicalize(path).ok().as_deref())
}

/// [`check_file`] of `path`, which is really at `real` (canonical).
fn check_file_at(sandbox: &Sandbox, path: &Path, real: Option<&Path>) -> Checked {
    let file = path.display().to_string();
    match read_limited(sandbox, path) {
        Ok(bytes) => check_bytes(sandbox, path, real, bytes).0,
        Err(d) => Checked { report: Report { file, diagnostics: vec![d] }, doc: None },
    }
}

/// [`check_file_at`] of the bytes read from `path`; also the local files
/// its document names that were looked for.
fn check_bytes(
    sandbox: &Sandbox,
    path: &Path,
    real: Option<&Path>,
    bytes: Vec<u8>,
) -> (Checked, Vec<PathBuf>) {
    let file = path.display().to_string();
    let failed = |d: Diagnostic| {
        (Checked { report: Report { file: file.clone(), diagnostics: vec![d] }, doc: None }, Vec::new())
    };
    let Some(base) = real.and_then(|r| Url::from_file_path(r).ok()) else {
        return failed(Diagnostic::error(
            Code::Io,
            Location::document(),
            "cannot turn the path into a file URL",
        ));
    };
    let json = if path.extension().is_some_and(|e| e == "md") {
        match markdown::import_bytes(&bytes, path, sandbox) {
            Ok(imported) => imported.json.into_bytes(),
            Err(problems) => {
                let diagnostics = problems.into_iter().map(|p| p.to_diagnostic()).collect();
                return (Checked { report: Report { file, diagnostics }, doc: None }, Vec::new());
            }
        }
    } else {
        bytes
    };
    let (parsed, assets) = parse_document_with_assets(&json, &base);
    let mut diagnostics = parsed.diagnostics;
    let mut local = Vec::new();
    for a in &assets {
        if let Ok(p) = a.url.to_url().to_file_path() {
            if let Err(why) = local_file(sandbox, &p) {
                let msg = format!("the image {} {why}", p.display());
                diagnostics.push(Diagnostic::error(Code::MissingAsset, a.path.clone(), msg));
            }
            local.push(p);
        }
    }
    (Checked { report: Report { file, diagnostics }, doc: parsed.value }, local)
}

/// A local file a document names: a regular file inside the sandbox, else
/// why not ("does not exist", "leads outside the site's folder ...").
pub fn local_file(sandbox: &Sandbox, path: &Path) -> Result<PathBuf, String> {
    sandbox.file(path).map_err(|r| r.0)
}

/// A catalog entry's local `href` must name a readable story whose id,
/// title and date agree with the entry (errors) and whose dek, tags and hero
/// agree with its dek, tags and thumbnail (warnings).
fn check_entry(entry: &Entry, cache: &mut Cache, out: &mut Vec<Diagnostic>) {
    let Some(href) = &entry.href else { return };
    let Ok(path) = href.to_url().to_file_path() else { return }; // remote: not checked offline
    let entry_path = FieldPath::root().field("stories").index(entry.index);
    let at = |field: &str| entry_path.clone().field(field);
    if let Err(why) = local_file(&cache.sandbox, &path) {
        let msg = format!("the story {} {why}", path.display());
        out.push(Diagnostic::error(Code::MissingAsset, at("href"), msg));
        return;
    }
    let slot = cache.load(&PathBuf::from(shown(&path)));
    if !std::mem::replace(&mut cache.queued[slot], true) {
        cache.order.push(slot); // reported under its own file, once
    }
    let checked = cache.get(slot);
    let errors = checked.report.as_ref().is_some_and(|r| r.has_errors());
    let story = match (checked.doc.as_deref(), &checked.listed) {
        (Some(Document::Story(s)), _) if !errors => Facts::of(s),
        (Some(Document::Catalog(_)), _) => {
            let msg = format!("{} is a catalog, not a story", path.display());
            out.push(Diagnostic::error(Code::Mismatch, at("href"), msg));
            return;
        }
        (None, Some(listed)) if !errors => match kept_facts(cache, listed, &path) {
            Ok(facts) => facts,
            Err(why) => {
                let msg = format!("the story {} could not be read again: {why}", shown(&path));
                out.push(Diagnostic::error(Code::Io, at("href"), msg));
                return;
            }
        },
        _ => {
            let msg = format!("points at {}, a story with errors (listed under that file)", shown(&path));
            out.push(Diagnostic::warning(Code::Mismatch, at("href"), msg));
            return;
        }
    };
    for d in compare(entry, &story) {
        let at = match &d.at {
            Location::Field(p) => Location::Field(entry_path.clone().join(p)),
            other => other.clone(),
        };
        out.push(Diagnostic { at, ..d });
    }
}

/// The facts of a story its keeper kept (`listed`): from the keeper, or
/// else read from its file at `path` again.
fn kept_facts(cache: &Cache, listed: &Listed, path: &Path) -> Result<Facts, String> {
    if let Some(keeper) = cache.keeper {
        if let Some(facts) = keeper.facts(listed).map_err(|e| e.to_string())? {
            return Ok(facts);
        }
    }
    match check_file(&cache.sandbox, path).doc {
        Some(Document::Story(s)) => Ok(Facts::of(&s)),
        _ => Err("it no longer parses as a story".into()),
    }
}

/// A file is checked whatever its name; a folder contributes every
/// `story.json`, `story.md` and `stories.json` below it, in sorted order
/// (a `story.md` only where no `story.json` stands beside it: that one is
/// what is published). Links to folders are not followed: each is a
/// warning report instead.
pub fn collect(sandbox: &Sandbox, path: &Path, out: &mut Paths, notes: &mut Vec<Report>) -> io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_dir() {
        return out.push(path);
    }
    let mut skipped = Vec::new();
    let found = sandbox.walk(
        path,
        &|e| match e.file_name().and_then(|n| n.to_str()) {
            Some("story.json" | "stories.json") => true,
            Some("story.md") => std::fs::symlink_metadata(e.with_file_name("story.json")).is_err(),
            _ => false,
        },
        &mut skipped,
    )?;
    // The walk's list is already one buffer of the right size: taken as
    // it is when it is the first (a build's one folder), not copied.
    match out.is_empty() {
        true => *out = found,
        false => out.append(&found)?,
    }
    notes.extend(skipped.into_iter().map(|Skipped { path, why }| Report {
        file: path.display().to_string(),
        diagnostics: vec![Diagnostic::warning(Code::Io, Location::document(), why)],
    }));
    Ok(())
}

/// A small story's JSON with this id, for tests here and in `index.rs`.
#[cfg(test)]
pub(crate) fn test_story(id: &str) -> String {
    format!(
        r#"{{"format": "story/1.1", "id": "{id}", "lang": "en", "title": "Story {id}",
            "published": "2026-01-02", "source": {{"name": "Wire"}}, "byline": "By A. Writer",
            "sections": [{{"blocks": ["The text of {id}."]}}]}}"#
    )
}

#[cfg(test)]
mod tests;
