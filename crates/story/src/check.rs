//! `story check`: every `story.json`, `story.md` and `stories.json` given
//! (or found below a folder) through the one parser, plus what needs a file
//! system: local images exist, catalog entries agree with their stories.
//!
//! Order of the report: every story first (a story a catalog points at is
//! reported once, under its own file, even when only the catalog was
//! named), then every catalog. A catalog entry whose story has errors says
//! only that; it is not compared field by field with a broken story.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

use story_format::limits::{file_too_large, MAX_FILE_BYTES};
use story_format::url::Url;
use story_format::{
    parse_document_with_assets, Catalog, Code, Diagnostic, Document, Entry, FieldPath, Location, Severity,
    Story,
};

use crate::markdown;
use crate::report::{shown, Report};
use crate::sandbox::{Sandbox, Skipped};

/// A file read and parsed: its report and, when it could be read, the document.
pub struct Checked {
    pub report: Report,
    pub doc: Option<Document>,
}

/// Checks every file in `files`, reading nothing outside `sandbox`;
/// returns the reports in the order they are printed (stories, then
/// catalogs).
pub fn check_files(sandbox: &Sandbox, files: &[PathBuf]) -> Vec<Report> {
    check_files_and_docs(sandbox, files).0
}

/// Every document [`check_files_and_docs`] read, by canonical path, and
/// that path for each file it was given, in the same order (`None`: the
/// path as given, as a walk of the sandbox finds it).
pub type Docs = (HashMap<PathBuf, Document>, Vec<Option<PathBuf>>);

/// [`check_files`], and every document read, by canonical path (stories
/// without their sections: see `Cache::load`). A file named twice (or
/// reached twice through a link) is checked and reported once; two stories
/// with one id are an error on the second.
pub fn check_files_and_docs(sandbox: &Sandbox, files: &[PathBuf]) -> (Vec<Report>, Docs) {
    let mut cache =
        Cache { sandbox: sandbox.clone(), files: HashMap::new(), order: Vec::new(), queued: HashSet::new() };
    // Every file read and parsed on every core (each on its own: nothing
    // here depends on another file); the reports then go in order below.
    let loaded =
        crate::parallel::parallel(files, |f| Ok::<_, std::convert::Infallible>(Cache::read(sandbox, f)));
    let mut catalogs = Vec::new();
    let mut keys = Vec::with_capacity(files.len());
    for ((key, checked), file) in loaded.unwrap_or_else(|never| match never {}).into_iter().zip(files) {
        keys.push((key != *file).then(|| key.clone()));
        cache.files.entry(key.clone()).or_insert(Some(checked));
        if !cache.queued.insert(key.clone()) {
            continue;
        }
        if matches!(cache.get(&key).doc, Some(Document::Catalog(_))) {
            catalogs.push(key);
        } else {
            cache.order.push(key);
        }
    }
    let mut catalog_reports = Vec::new();
    let mut at = 0;
    // The pages of one catalog (a chain of `next`s): each story on one page.
    let mut chain_of: HashMap<PathBuf, usize> = HashMap::new();
    let mut listed: Vec<HashMap<String, String>> = Vec::new();
    while let Some(key) = catalogs.get(at).cloned() {
        at += 1;
        let Checked { mut report, doc } = cache.take(&key);
        if let Some(Document::Catalog(catalog)) = &doc {
            let chain = *chain_of.entry(key.clone()).or_insert_with(|| {
                listed.push(HashMap::new());
                listed.len() - 1
            });
            for entry in &catalog.entries {
                check_entry(entry, &mut cache, &mut report.diagnostics);
                if catalog.next.is_some() || catalog.prev.is_some() {
                    match listed[chain].get(&entry.id) {
                        Some(page) if *page != report.file => {
                            let msg = format!("the story \"{}\" is also listed on {page}; a story belongs on one page of a catalog", entry.id);
                            let path = FieldPath::root().field("stories").index(entry.index).field("id");
                            report.diagnostics.push(Diagnostic::warning(Code::Mismatch, path, msg));
                        }
                        Some(_) => {}
                        None => {
                            listed[chain].insert(entry.id.clone(), report.file.clone());
                        }
                    }
                }
            }
            // A catalog in pages: its next page is checked too, once.
            if let Some(next) = check_next_page(catalog, &key, &mut cache, &mut report.diagnostics) {
                chain_of.entry(next.clone()).or_insert(chain);
                if cache.queued.insert(next.clone()) {
                    catalogs.push(next);
                }
            }
        }
        catalog_reports.push(report);
    }
    let order = std::mem::take(&mut cache.order);
    unique_ids(&order, &mut cache);
    let mut docs = HashMap::new();
    let mut out: Vec<Report> = order
        .iter()
        .map(|k| {
            let Checked { report, doc } = cache.take(k);
            if let Some(d) = doc {
                docs.insert(k.clone(), d);
            }
            report
        })
        .collect();
    out.extend(catalog_reports);
    (out, (docs, keys))
}

/// A catalog page's `next`, when it is a local file: it must be a catalog
/// page that names this one as its `prev`. Returns its key, to be checked
/// in turn.
fn check_next_page(
    catalog: &Catalog,
    key: &Path,
    cache: &mut Cache,
    out: &mut Vec<Diagnostic>,
) -> Option<PathBuf> {
    let next = catalog.next.as_ref()?;
    let path = next.to_url().to_file_path().ok()?;
    let mut problem =
        |message: String| out.push(Diagnostic::error(Code::Mismatch, Location::top("next"), message));
    if let Err(why) = local_file(&cache.sandbox, &path) {
        problem(format!("the next page {} {why}", path.display()));
        return None;
    }
    let next_key = cache.load(&path);
    let back = match &cache.get(&next_key).doc {
        Some(Document::Catalog(c)) => c.prev.as_ref().and_then(|p| p.to_url().to_file_path().ok()),
        _ => {
            problem(format!("the next page {} is not a catalog", path.display()));
            return None;
        }
    };
    if back.and_then(|b| std::fs::canonicalize(b).ok()).as_deref() != Some(key) {
        problem(format!(
            "the next page {} does not name this file as its \"prev\"; a catalog's pages link both ways",
            path.display()
        ));
    }
    Some(next_key)
}

/// Two stories of one site with one id: an error on each but the first
/// (in report order), naming the first.
fn unique_ids(order: &[PathBuf], cache: &mut Cache) {
    let mut seen: HashMap<String, String> = HashMap::new();
    for key in order {
        let Some(Some(checked)) = cache.files.get_mut(key) else { continue };
        let Some(Document::Story(s)) = &checked.doc else { continue };
        match seen.get(&s.id) {
            Some(first) => {
                let msg = format!(
                    "the id \"{}\" is also the id of {first}; ids must be unique across a site",
                    s.id
                );
                checked.report.diagnostics.push(Diagnostic::error(Code::Mismatch, Location::top("id"), msg));
            }
            None => {
                seen.insert(s.id.clone(), checked.report.file.clone());
            }
        }
    }
}

/// Files read so far, by canonical path, and the order their reports go out.
struct Cache {
    sandbox: Sandbox,
    files: HashMap<PathBuf, Option<Checked>>,
    order: Vec<PathBuf>,
    /// Every key in `order` or among the catalogs: each file is reported once.
    queued: HashSet<PathBuf>,
}

impl Cache {
    /// Reads and checks `path` once; returns its key.
    fn load(&mut self, path: &Path) -> PathBuf {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        if !self.files.contains_key(&key) {
            let (key, checked) = Cache::read(&self.sandbox, path);
            self.files.insert(key, Some(checked));
        }
        key
    }
    /// Reads and checks `path`: its key (its canonical path) and what the
    /// check found.
    fn read(sandbox: &Sandbox, path: &Path) -> (PathBuf, Checked) {
        let real = std::fs::canonicalize(path).ok();
        let mut checked = check_file_at(sandbox, path, real.as_deref());
        let key = real.unwrap_or_else(|| path.to_owned());
        // Kept only to compare with catalog entries, which never look at
        // the sections: memory stays small for a site of 10,000 stories.
        if let Some(Document::Story(s)) = &mut checked.doc {
            s.sections = Vec::new();
        }
        (key, checked)
    }
    fn get(&self, key: &Path) -> &Checked {
        self.files[key].as_ref().expect("not taken yet")
    }
    fn take(&mut self, key: &Path) -> Checked {
        self.files.get_mut(key).and_then(Option::take).unwrap_or_else(|| Checked {
            report: Report { file: shown(key), diagnostics: Vec::new() },
            doc: None,
        })
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
    let failed =
        |d: Diagnostic| Checked { report: Report { file: file.clone(), diagnostics: vec![d] }, doc: None };
    let bytes = match read_limited(sandbox, path) {
        Ok(b) => b,
        Err(d) => return failed(d),
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
                return Checked { report: Report { file, diagnostics }, doc: None };
            }
        }
    } else {
        bytes
    };
    let (parsed, assets) = parse_document_with_assets(&json, &base);
    let mut diagnostics = parsed.diagnostics;
    for a in &assets {
        if let Ok(p) = a.url.to_url().to_file_path() {
            if let Err(why) = local_file(sandbox, &p) {
                let msg = format!("the image {} {why}", p.display());
                diagnostics.push(Diagnostic::error(Code::MissingAsset, a.path.clone(), msg));
            }
        }
    }
    Checked { report: Report { file, diagnostics }, doc: parsed.value }
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
    let key = cache.load(&PathBuf::from(shown(&path)));
    if cache.queued.insert(key.clone()) {
        cache.order.push(key.clone()); // reported under its own file, once
    }
    let checked = cache.get(&key);
    let story = match &checked.doc {
        Some(Document::Story(s)) if !checked.report.has_errors() => s,
        Some(Document::Catalog(_)) => {
            let msg = format!("{} is a catalog, not a story", path.display());
            out.push(Diagnostic::error(Code::Mismatch, at("href"), msg));
            return;
        }
        _ => {
            let msg = format!("points at {}, a story with errors (listed under that file)", shown(&path));
            out.push(Diagnostic::warning(Code::Mismatch, at("href"), msg));
            return;
        }
    };
    for d in compare(entry, story) {
        let at = match &d.at {
            Location::Field(p) => Location::Field(entry_path.clone().join(p)),
            other => other.clone(),
        };
        out.push(Diagnostic { at, ..d });
    }
}

/// What an entry says that its story does not, as diagnostics whose path is
/// the entry's field.
pub fn compare(entry: &Entry, story: &Story) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut differ = |severity: Severity, field: &str, entry_says: String, story_says: String| {
        let message = match field {
            "published" => format!("the entry says {entry_says} but the story was published {story_says}"),
            "tags" => format!("the entry says {entry_says} but the story's tags are {story_says}"),
            _ => format!("the entry says {entry_says} but the story's {field} is {story_says}"),
        };
        out.push(Diagnostic { severity, code: Code::Mismatch, at: Location::top(field), message });
    };
    let quoted = |s: &str| format!("\"{s}\"");
    let or_none = |s: Option<&str>| s.map_or_else(|| "absent".to_owned(), quoted);
    if story.id != entry.id {
        differ(Severity::Error, "id", quoted(&entry.id), quoted(&story.id));
    }
    if story.title != entry.title {
        differ(Severity::Error, "title", quoted(&entry.title), quoted(&story.title));
    }
    fn date(t: &Option<story_format::date::Timestamp>) -> Option<&str> {
        t.as_ref().map(|t| t.raw.as_str())
    }
    if story.published.as_ref().map(|t| t.unix) != entry.published.as_ref().map(|t| t.unix) {
        differ(
            Severity::Error,
            "published",
            or_none(date(&entry.published)),
            or_none(date(&story.published)),
        );
    }
    if story.dek != entry.dek {
        differ(Severity::Warning, "dek", or_none(entry.dek.as_deref()), or_none(story.dek.as_deref()));
    }
    let sorted = |t: &[String]| {
        let mut t = t.to_vec();
        t.sort();
        t
    };
    if sorted(&entry.tags) != sorted(&story.tags) {
        let list = |t: &[String]| format!("[{}]", t.iter().map(|s| quoted(s)).collect::<Vec<_>>().join(", "));
        differ(Severity::Warning, "tags", list(&entry.tags), list(&story.tags));
    }
    if let Some(thumb) = entry.thumbnail.as_ref().and_then(|t| t.src.as_ref()) {
        let hero = story.hero.as_ref();
        let is_hero =
            hero.is_some_and(|h| h.src.as_ref() == Some(thumb) || h.srcset.iter().any(|(u, _)| u == thumb));
        if !is_hero {
            let hero_src = hero.and_then(|h| h.src.as_ref()).map(|u| u.to_string());
            let message = match hero_src {
                Some(h) => {
                    format!("the thumbnail {thumb} is not the story's hero image ({h}) nor in its srcset")
                }
                None => format!("the thumbnail {thumb} is shown for a story that has no hero image"),
            };
            out.push(Diagnostic::warning(Code::Mismatch, Location::top("thumbnail"), message));
        }
    }
    out
}

/// A file is checked whatever its name; a folder contributes every
/// `story.json`, `story.md` and `stories.json` below it, in sorted order
/// (a `story.md` only where no `story.json` stands beside it: that one is
/// what is published). Links to folders are not followed: each is a
/// warning report instead.
pub fn collect(
    sandbox: &Sandbox,
    path: &Path,
    out: &mut Vec<PathBuf>,
    notes: &mut Vec<Report>,
) -> io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_dir() {
        out.push(path.to_owned());
        return Ok(());
    }
    let mut skipped = Vec::new();
    let found = sandbox.walk(
        path,
        &mut |e| match e.file_name().and_then(|n| n.to_str()) {
            Some("story.json" | "stories.json") => true,
            Some("story.md") => std::fs::symlink_metadata(e.with_file_name("story.json")).is_err(),
            _ => false,
        },
        &mut skipped,
    )?;
    out.extend(found);
    notes.extend(skipped.into_iter().map(|Skipped { path, why }| Report {
        file: path.display().to_string(),
        diagnostics: vec![Diagnostic::warning(Code::Io, Location::document(), why)],
    }));
    Ok(())
}
