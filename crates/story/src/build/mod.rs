//! `story build SITE --out OUT --url SITE_URL`: a folder of bundles made a
//! whole static site. Each story's page is the viewer's own components
//! rendered to HTML (`story_viewer::publish`), at the folder of its bundle;
//! the catalog's pages, a page per tag, Atom and JSON feeds, a sitemap and
//! robots.txt are written beside them, with the viewer's files.
//!
//! Order of work, and why:
//! 1. Every file is checked as `story check` checks it, with its report
//!    lines; any error stops the build before anything is written.
//! 2. The site is built in a fresh folder beside OUT (stories rendered on
//!    every core, one at a time each: memory does not grow with their
//!    number), then swapped with OUT at the end. A failure, a crash or an
//!    interrupt at any point leaves OUT exactly as it was.
//!
//! The threat model (README, "Safety"): whoever can write SITE may be
//! hostile; OUT is the publisher's. So SITE is read only through a
//! [`Sandbox`] (no link leads out of it, only regular files, sizes counted
//! while reading), only what the stories use is published (their
//! `story.json`, the images the format names, and `SITE/static/` on
//! purpose), and OUT is replaced only when it is a real folder that is
//! empty or holds a previous build (its [`SITE_MARK`] file).

pub mod feeds;
pub mod head;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use story_format::layout::{self, TagFolders};
use story_format::url::Url;
use story_format::{parse_document_with_assets, Catalog, Document, Story};
use story_viewer::publish::{self, CatalogPage, Place};

use crate::check::{self, Report};
use crate::sandbox::Sandbox;
use feeds::{FeedItem, SitemapUrl, FEED_ENTRIES};
use head::{Kind, Site};

/// What to build.
pub struct Options {
    /// The folder of bundles (and, optionally, its `stories.json`).
    pub site: PathBuf,
    /// Where the site goes; replaced whole at the end of a good build.
    pub out: PathBuf,
    /// The address OUT will be served at (`https://news.example/section/`).
    pub url: String,
    /// The viewer's release files (`dist/`, from `./dev build`).
    pub viewer: PathBuf,
}

/// What a good build made.
pub struct Built {
    pub stories: usize,
    pub pages: usize,
    /// Every report of the check (warnings only: errors stop the build).
    pub reports: Vec<Report>,
    /// How many files the check read.
    pub files: usize,
    /// The new site is in OUT, but the old one could not be removed whole:
    /// where it is, and why (for the publisher to delete).
    pub leftover: Option<String>,
}

/// Why a build stopped. Either way OUT is untouched.
pub enum Failure {
    /// Errors in the input: the check's reports (exit status 1).
    Input { reports: Vec<Report>, files: usize },
    /// Could not run: bad arguments, unreadable folders, a full disk (exit 2).
    Run(String),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Run(e.to_string())
    }
}

/// The files of the viewer a site needs (with their `.br`/`.gz` twins when present).
const VIEWER_FILES: [&str; 6] =
    ["story-viewer.js", "story-viewer_bg.wasm", "embed.js", "reading.js", "viewer.css", "favicon.svg"];

/// Names at OUT's top level that the build writes itself.
const RESERVED: [&str; 8] =
    ["index.html", "page", "tags", "feed.xml", "feed.json", "sitemap.xml", "robots.txt", "snippets"];

/// The folder of SITE published whole, as it is, at the same place in OUT:
/// files a publisher adds on purpose (a PDF, a `humans.txt`). Nothing else
/// is published unless a story or the catalog names it.
pub const STATIC_DIR: &str = "static";

/// The file that marks OUT as a site `story build` made, and so one it may
/// replace (the staging folder has it from the start).
pub const SITE_MARK: &str = ".story-site";

/// How many tags a list page offers in its filter: the most used (and the
/// page's own). More than that are all on the tags page (`tags/`), so a
/// page's size does not grow with the site's tags.
pub const TOP_TAGS: usize = 20;

/// Builds the site; see the module's documentation.
pub fn build(opts: &Options) -> Result<Built, Failure> {
    let root = site_root(&opts.url)?;
    let sandbox = Sandbox::new(&opts.site).map_err(|e| run_err(&opts.site, e))?;
    let site = sandbox.root().to_owned();
    check_viewer(&opts.viewer)?;
    check_out(&site, &opts.out)?;

    // 1. The check, as `story check SITE` does it.
    let (mut files, mut notes) = (Vec::new(), Vec::new());
    check::collect(&sandbox, &site, &mut files, &mut notes).map_err(|e| run_err(&opts.site, e))?;
    let (checked, docs) = check::check_files_and_docs(&sandbox, &files);
    let mut reports = notes;
    reports.extend(checked);
    if reports.iter().any(Report::has_errors) {
        return Err(Failure::Input { reports, files: files.len() });
    }
    let bundles: Vec<PathBuf> = files
        .iter()
        .filter(|f| f.file_name().is_some_and(|n| n == "story.json" || n == "story.md"))
        .cloned()
        .collect();
    for b in &bundles {
        if b.parent() == Some(site.as_path()) {
            return Err(Failure::Run(format!(
                "{}: a story at the site's top would take the catalog's place; move it into a folder of its own",
                b.display()
            )));
        }
    }

    for e in std::fs::read_dir(&site).map_err(|e| run_err(&site, e))?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if RESERVED.contains(&name.as_str()) || VIEWER_FILES.iter().any(|v| name.starts_with(v)) {
            return Err(Failure::Run(format!(
                "{}: the built site writes its own {name}; rename it",
                e.path().display()
            )));
        }
    }

    // 2. A fresh folder beside OUT.
    let tmp = Staging::new(&opts.out)?;
    let mut viewer_copies = Vec::new();
    copy_viewer(&opts.viewer, tmp.path(), &mut viewer_copies)?;
    parallel(&viewer_copies, |(from, to)| {
        std::fs::create_dir_all(crate::out::parent_dir(to))?;
        std::fs::copy(from, to).map(drop).map_err(|e| run_err(from, e))
    })?;
    // What SITE publishes: `static/`, then what the stories and the catalog use.
    let mut copies = Vec::new();
    copy_static(&sandbox, tmp.path(), &mut copies)?;

    let has_catalog = std::fs::symlink_metadata(site.join("stories.json")).is_ok();
    // The catalog: the site's own, or one made from the stories, as `story index` makes it.
    let catalog_url = root.join("stories.json").map_err(|e| Failure::Run(e.to_string()))?;
    let catalog_json = if has_catalog {
        let bytes = check::read_limited(&sandbox, &site.join("stories.json"))
            .map_err(|d| Failure::Run(format!("{}: {}", site.join("stories.json").display(), d.message)))?;
        std::fs::write(tmp.path().join("stories.json"), &bytes)?;
        bytes
    } else {
        let stories = bundles
            .iter()
            .filter_map(|b| match docs.get(&std::fs::canonicalize(b).unwrap_or_else(|_| b.clone())) {
                // A story.md is published as story.json beside it.
                Some(Document::Story(s)) => Some((b.with_file_name("story.json"), s)),
                _ => None,
            })
            .collect();
        let json = crate::index::from_stories(&site, stories).ok_or_else(|| {
            Failure::Run(format!("{}: cannot turn the path into a file URL", site.display()))
        })?;
        std::fs::write(tmp.path().join("stories.json"), &json)?;
        json.into_bytes()
    };
    // Checked already when it is the site's own; one made from the bundles
    // can still break a limit (more stories than a catalog may list).
    let (parsed, thumbnails) = parse_document_with_assets(&catalog_json, &catalog_url);
    let catalog = match parsed.value {
        Some(Document::Catalog(c)) if parsed.diagnostics.iter().all(|d| !d.is_error()) => c,
        _ => {
            let file = if has_catalog {
                check::shown(&site.join("stories.json"))
            } else {
                "stories.json (made from the bundles)".to_owned()
            };
            let report = Report { file, diagnostics: parsed.diagnostics };
            return Err(Failure::Input { reports: vec![report], files: files.len() });
        }
    };
    let site_name = catalog.title.clone();
    let info = Site { root: root.clone(), name: site_name.clone() };
    // Every tag gets a page, also one a story has and the catalog lacks
    // (a hand-written catalog that disagrees; `story check` warns).
    let (all_tags, tag_path) = tag_paths(&catalog, &docs);
    drop(docs); // what follows streams the stories again, one at a time
    let place = |page: Url| Place { page, root: root.clone(), tag_path: tag_path.clone() };

    // Stories, on every core; then the files they and the catalog use.
    let rendered = render_stories(&sandbox, &bundles, tmp.path(), &info, &place)?;
    let mut used: std::collections::BTreeSet<String> = BTreeSet::new();
    for s in &rendered {
        used.extend(s.assets.iter().cloned());
    }
    used.extend(thumbnails.iter().filter_map(|a| below(&root, a.url.as_str())));
    for rel in used {
        let from = local_path(&site, &rel)?;
        let real = sandbox.file(&from).map_err(|why| Failure::Run(format!("{} {why}", from.display())))?;
        copies.push((real, tmp.path().join(&rel)));
    }
    parallel(&copies, |(from, to)| copy_file(&sandbox, from, to))?;
    let mut summaries: Vec<Summary> = rendered;
    // Newest first; the same date in folder order (as `story index`).
    summaries.sort_by(|a, b| {
        let key = |s: &Summary| s.story.published.as_ref().map(|t| t.unix);
        key(b).cmp(&key(a)).then_with(|| a.folder.cmp(&b.folder))
    });

    let mut sitemap: Vec<SitemapUrl> = Vec::new();
    let pages = catalog_pages(&catalog, &all_tags, tmp.path(), &info, &place, &tag_path, &mut sitemap)?;
    for s in &summaries {
        let modified = s.story.updated.clone().or_else(|| s.story.published.clone());
        sitemap.push(SitemapUrl { url: s.page.clone(), modified });
    }

    // Feeds: the newest stories, their text rendered again (only these few
    // are read twice).
    let mut items = Vec::new();
    for s in summaries.iter().take(FEED_ENTRIES) {
        items.push(feed_item(s, &sandbox, &root)?);
    }
    let write = |name: &str, text: String| std::fs::write(tmp.path().join(name), text);
    write("feed.xml", feeds::atom(&root, &site_name, &items))?;
    write("feed.json", feeds::json_feed(&root, &site_name, &items))?;
    write("sitemap.xml", feeds::sitemap(&sitemap))?;
    write("robots.txt", feeds::robots(&root))?;

    let leftover = tmp.replace(&opts.out)?;
    Ok(Built {
        stories: summaries.len(),
        pages: pages + summaries.len(),
        reports,
        files: files.len(),
        leftover,
    })
}

/// `url` as a path below the site's `root` (`a/b/hero.png`, decoded), when
/// it is under it and names a file.
fn below(root: &Url, url: &str) -> Option<String> {
    let rest = url.strip_prefix(root.as_str())?;
    let rest = rest.split(['?', '#']).next()?;
    if rest.is_empty() || rest.ends_with('/') {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(rest).decode_utf8().ok()?;
    Some(decoded.into_owned())
}

/// The file below `site` at the decoded path `rel`, refused when a part of
/// it could step out (`..`, an absolute part, a NUL).
fn local_path(site: &Path, rel: &str) -> Result<PathBuf, Failure> {
    let path = Path::new(rel);
    let plain =
        path.components().all(|c| matches!(c, std::path::Component::Normal(_))) && !rel.contains('\0');
    if !plain {
        return Err(Failure::Run(format!("{rel}: not a path inside the site")));
    }
    Ok(site.join(path))
}

/// Copies one published file, opened through the sandbox (so a link or a
/// FIFO swapped in since the check is still refused), into its folder.
fn copy_file(sandbox: &Sandbox, from: &Path, to: &Path) -> Result<(), Failure> {
    let mut src = sandbox.open(from).map_err(|why| Failure::Run(format!("{} {why}", from.display())))?;
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut dst = std::fs::File::create(to).map_err(|e| run_err(to, e))?;
    std::io::copy(&mut src, &mut dst).map_err(|e| run_err(from, e))?;
    Ok(())
}

fn run_err(path: &Path, e: std::io::Error) -> Failure {
    Failure::Run(format!("{}: {e}", path.display()))
}

/// `--url`: an absolute http(s) address without credentials, made to end in `/`.
fn site_root(url: &str) -> Result<Url, Failure> {
    let mut u = Url::parse(url).map_err(|e| {
        let shown = if url.contains('@') { "(an address with credentials)" } else { url };
        Failure::Run(format!("--url {shown}: not an absolute address ({e})"))
    })?;
    if !u.username().is_empty() || u.password().is_some() {
        return Err(Failure::Run(
            "--url: the address holds a user name or password, which every page would publish; \
             give the public address only"
                .into(),
        ));
    }
    let bad = |why: &str| Failure::Run(format!("--url {url}: {why}"));
    if !matches!(u.scheme(), "http" | "https") {
        return Err(bad("use an http: or https: address"));
    }
    if u.query().is_some() || u.fragment().is_some() {
        return Err(bad("the site's address cannot have a ?query or #fragment"));
    }
    if !u.path().ends_with('/') {
        u.set_path(&format!("{}/", u.path()));
    }
    Ok(u)
}

fn check_viewer(dir: &Path) -> Result<(), Failure> {
    let missing: Vec<&str> = VIEWER_FILES.iter().copied().filter(|f| !dir.join(f).is_file()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Failure::Run(format!(
        "{}: the viewer's files are missing ({}); run `./dev build` first, or name them with --viewer DIR",
        dir.display(),
        missing.join(", ")
    )))
}

/// OUT must be neither SITE nor inside it nor around it, never a link, and,
/// when it exists, a folder that is empty or holds a previous build (its
/// [`SITE_MARK`]): a home folder named by mistake is refused, not replaced.
fn check_out(site: &Path, out: &Path) -> Result<(), Failure> {
    let parent = crate::out::parent_dir(out);
    let parent = std::fs::canonicalize(parent).map_err(|e| run_err(parent, e))?;
    let name =
        out.file_name().ok_or_else(|| Failure::Run(format!("--out {}: not a folder name", out.display())))?;
    let full = parent.join(name);
    if full.starts_with(site) || site.starts_with(&full) {
        return Err(Failure::Run(format!(
            "--out {}: the output cannot be the site's folder, inside it or around it",
            out.display()
        )));
    }
    let Ok(meta) = std::fs::symlink_metadata(out) else { return Ok(()) };
    if meta.file_type().is_symlink() {
        return Err(Failure::Run(format!(
            "--out {}: is a link; name the real folder (a link would be replaced, or what it points to removed)",
            out.display()
        )));
    }
    if !meta.is_dir() {
        return Err(Failure::Run(format!("--out {}: exists and is not a folder", out.display())));
    }
    let empty = std::fs::read_dir(out).map_err(|e| run_err(out, e))?.next().is_none();
    let marked = std::fs::symlink_metadata(out.join(SITE_MARK)).is_ok_and(|m| m.is_file());
    if !empty && !marked {
        return Err(Failure::Run(format!(
            "--out {}: holds files that story build did not write (no {SITE_MARK} file); \
             name a new or empty folder, or one a previous build wrote",
            out.display()
        )));
    }
    Ok(())
}

/// A folder beside OUT that becomes OUT at the end; removed if the build
/// stops first. It holds [`SITE_MARK`] from its first moment to its last
/// (the file is removed after everything else), so a folder left by a
/// killed build, or by one killed while removing the old site, is known as
/// ours and removed by the next build.
struct Staging {
    path: PathBuf,
    done: bool,
}

impl Staging {
    fn new(out: &Path) -> Result<Staging, Failure> {
        let parent = crate::out::parent_dir(out);
        let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("site");
        let prefix = format!(".{name}.building-");
        // An interrupted build's folder (its process is gone).
        if let Ok(entries) = std::fs::read_dir(parent) {
            for e in entries.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                let Some(pid) = n.strip_prefix(&prefix) else { continue };
                let gone = !Path::new(&format!("/proc/{pid}")).exists();
                if gone && e.file_type().is_ok_and(|t| t.is_dir()) && is_ours(&e.path()) {
                    let _ = remove_tree(&e.path());
                }
            }
        }
        let path = parent.join(format!("{prefix}{}", std::process::id()));
        if std::fs::symlink_metadata(&path).is_ok() {
            remove_tree(&path)?;
        }
        std::fs::create_dir(&path)?;
        std::fs::write(path.join(SITE_MARK), "a site made by `story build`; it may replace this folder\n")?;
        Ok(Staging { path, done: false })
    }
    fn path(&self) -> &Path {
        &self.path
    }
    /// Makes this folder OUT; the old OUT is removed after. `Ok(Some(why))`:
    /// the new site is in place but the old one could not be removed whole.
    fn replace(mut self, out: &Path) -> Result<Option<String>, Failure> {
        let old = crate::out::exchange_dir(&self.path, out)?;
        self.done = true;
        let Some(old) = old else { return Ok(None) };
        Ok(remove_tree(&old).err().map(|e| {
            let why = match e {
                Failure::Run(m) => m,
                Failure::Input { .. } => "a file could not be read".into(),
            };
            format!("the old site is left at {} ({why}); delete it", old.display())
        }))
    }
}

/// Whether a leftover folder is a build's: it holds [`SITE_MARK`], or
/// nothing but empty folders (a removal that got that far).
fn is_ours(dir: &Path) -> bool {
    if std::fs::symlink_metadata(dir.join(SITE_MARK)).is_ok_and(|m| m.is_file()) {
        return true;
    }
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { return false };
        for e in entries.flatten() {
            if !e.file_type().is_ok_and(|t| t.is_dir()) {
                return false;
            }
            stack.push(e.path());
        }
    }
    true
}

/// Removes a folder and everything below it, its files on every core (a
/// site of 10,000 stories has 20,000 of them), [`SITE_MARK`] last. Links
/// are removed, never followed.
fn remove_tree(dir: &Path) -> Result<(), Failure> {
    let (mut files, mut dirs) = (Vec::new(), vec![dir.to_owned()]);
    let mut i = 0;
    while let Some(d) = dirs.get(i).cloned() {
        for e in std::fs::read_dir(&d)?.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                dirs.push(e.path());
            } else if !(i == 0 && e.file_name() == SITE_MARK) {
                files.push(e.path());
            }
        }
        i += 1;
    }
    parallel(&files, |f| std::fs::remove_file(f).map_err(|e| run_err(f, e)))?;
    let mark = dir.join(SITE_MARK);
    if std::fs::symlink_metadata(&mark).is_ok() {
        std::fs::remove_file(&mark).map_err(|e| run_err(&mark, e))?;
    }
    for d in dirs.iter().rev() {
        std::fs::remove_dir(d).map_err(|e| run_err(d, e))?;
    }
    Ok(())
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = remove_tree(&self.path);
        }
    }
}

/// `SITE/static/`, published whole at the same place: every regular file
/// below it (hidden ones aside) inside SITE. A link in it that leads out
/// of SITE, or a FIFO, stops the build by name.
fn copy_static(sandbox: &Sandbox, to: &Path, copies: &mut Vec<(PathBuf, PathBuf)>) -> Result<(), Failure> {
    let dir = sandbox.root().join(STATIC_DIR);
    if !std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    let mut skipped = Vec::new();
    let files = sandbox.walk(&dir, &mut |_| true, &mut skipped).map_err(|e| run_err(&dir, e))?;
    if let Some(s) = skipped.first() {
        return Err(Failure::Run(format!("{}: {}", s.path.display(), s.why)));
    }
    for f in files {
        let real = sandbox.file(&f).map_err(|why| Failure::Run(format!("{} {why}", f.display())))?;
        let rel = f.strip_prefix(sandbox.root()).expect("walked below the root");
        copies.push((real, to.join(rel)));
    }
    Ok(())
}

/// The viewer's files, with their precompressed twins and the
/// wasm-bindgen `snippets/` folder when there is one.
fn copy_viewer(dir: &Path, to: &Path, copies: &mut Vec<(PathBuf, PathBuf)>) -> Result<(), Failure> {
    for f in VIEWER_FILES {
        for name in [f.to_owned(), format!("{f}.br"), format!("{f}.gz")] {
            let from = dir.join(&name);
            if from.is_file() {
                copies.push((from, to.join(&name)));
            }
        }
    }
    let snippets = dir.join("snippets");
    if snippets.is_dir() {
        let viewer = Sandbox::new(dir).map_err(|e| run_err(dir, e))?;
        let (mut skipped, root) = (Vec::new(), viewer.root().to_owned());
        for f in
            viewer.walk(&root.join("snippets"), &mut |_| true, &mut skipped).map_err(|e| run_err(dir, e))?
        {
            let rel = f.strip_prefix(&root).expect("walked below the root").to_owned();
            copies.push((f, to.join(rel)));
        }
    }
    Ok(())
}

/// Each tag's folder below the site (`tags/energy/`), named by the one
/// [`TagFolders`] map: the catalog's tags as the viewer's search names them
/// on a built page, then the tags only stories have.
fn tag_paths(catalog: &Catalog, docs: &HashMap<PathBuf, Document>) -> (Vec<String>, TagPath) {
    let story_tags = docs.values().flat_map(|d| match d {
        Document::Story(s) => s.tags.as_slice(),
        Document::Catalog(_) => &[],
    });
    let folders = TagFolders::new(catalog, story_tags.map(String::as_str));
    let tags = folders.tags().to_vec();
    (tags, Arc::new(move |t: &str| folders.path(t).unwrap_or("tags/tag/").to_owned()))
}

/// A tag's folder below the site's root (`tags/energy/`).
type TagPath = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// What the rest of the build needs of a rendered story: its metadata
/// (sections dropped) and where it is.
struct Summary {
    /// The bundle's folder below the site, ending in `/` (`a/b/`).
    folder: String,
    page: Url,
    /// The bundle file, to read again for a feed.
    file: PathBuf,
    story: Story,
    /// The local files it uses, below the site's root.
    assets: Vec<String>,
}

/// Reads, renders and writes every story, on every core; returns their summaries.
fn render_stories(
    sandbox: &Sandbox,
    bundles: &[PathBuf],
    out: &Path,
    info: &Site,
    place: &(dyn Fn(Url) -> Place + Sync),
) -> Result<Vec<Summary>, Failure> {
    parallel(bundles, |file| render_story(sandbox, file, out, info, place))
}

/// `f` over every item, on every core, each item once; the results in the
/// items' order. The first failure stops the rest and is returned.
fn parallel<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R, Failure> + Sync,
) -> Result<Vec<R>, Failure> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(items.len()));
    let failure = Mutex::new(None::<Failure>);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(items.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                match f(item) {
                    Ok(r) => results.lock().expect("no panics while locked").push((i, r)),
                    Err(e) => {
                        *failure.lock().expect("no panics while locked") = Some(e);
                        next.store(items.len(), Ordering::Relaxed);
                        break;
                    }
                }
            });
        }
    });
    if let Some(f) = failure.into_inner().expect("threads are done") {
        return Err(f);
    }
    let mut results = results.into_inner().expect("threads are done");
    results.sort_unstable_by_key(|(i, _)| *i);
    Ok(results.into_iter().map(|(_, r)| r).collect())
}

/// The folder of `file`'s bundle below `site`, on disk (`a/b/`) and as a
/// URL path, each name percent-encoded (`a%3Fb/`, `%252e%252e/`).
fn folder_of(site: &Path, file: &Path) -> Result<(String, String), Failure> {
    let dir = file.parent().and_then(|d| d.strip_prefix(site).ok());
    let dir = dir.ok_or_else(|| Failure::Run(format!("{}: outside the site", file.display())))?;
    let (mut folder, mut address) = (String::new(), String::new());
    for c in dir.components() {
        let part = c.as_os_str().to_str().ok_or_else(|| {
            Failure::Run(format!("{}: a folder name that is not UTF-8 cannot be an address", dir.display()))
        })?;
        folder.push_str(part);
        folder.push('/');
        address.push_str(&layout::story_folder([part]));
    }
    Ok((folder, address))
}

/// A bundle's story parsed as it will be served: against its address on
/// the site, so every URL in it is where the reader will find it.
/// A story as it is published: where, what, and from which bytes.
struct Published {
    /// The bundle's folder below the site on disk (`a/b/`).
    folder: String,
    page: Url,
    story: Story,
    /// Its `story.json` as published (the file, or what its `story.md` became).
    json: Vec<u8>,
    /// The local files it uses, below the site's root (`a/b/hero.png`).
    assets: Vec<String>,
}

fn published_story(sandbox: &Sandbox, file: &Path, root: &Url) -> Result<Published, Failure> {
    let (folder, address) = folder_of(sandbox.root(), file)?;
    let page = root.join(&address).map_err(|e| Failure::Run(format!("{folder}: {e}")))?;
    // Encoded, a folder's address cannot leave the site; checked all the same.
    if !page.as_str().starts_with(root.as_str()) {
        return Err(Failure::Run(format!("{}: its address {page} is outside --url", file.display())));
    }
    let json_url = page.join("story.json").map_err(|e| Failure::Run(e.to_string()))?;
    let bytes = check::read_limited(sandbox, file)
        .map_err(|d| Failure::Run(format!("{}: {}", file.display(), d.message)))?;
    let json = if file.extension().is_some_and(|e| e == "md") {
        let imported = crate::markdown::import_bytes(&bytes, file, sandbox).map_err(|_| {
            Failure::Run(format!("{}: does not import (it did when checked)", file.display()))
        })?;
        imported.json.into_bytes()
    } else {
        bytes
    };
    let (parsed, assets) = parse_document_with_assets(&json, &json_url);
    match parsed.value {
        Some(Document::Story(story)) => {
            let assets = assets.iter().filter_map(|a| below(root, a.url.as_str())).collect();
            Ok(Published { folder, page, story, json, assets })
        }
        _ => Err(Failure::Run(format!("{}: does not parse (it did when checked)", file.display()))),
    }
}

fn render_story(
    sandbox: &Sandbox,
    file: &Path,
    out: &Path,
    info: &Site,
    place: &(dyn Fn(Url) -> Place + Sync),
) -> Result<Summary, Failure> {
    let Published { folder, page, story, json, assets } = published_story(sandbox, file, &info.root)?;
    let dir = out.join(&folder);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("story.json"), json)?;
    // The head first (its description may read the first paragraph); the
    // story then moves into the renderer, keeping only its metadata here.
    let mut html = head::open(info, &page, &Kind::Story(&story));
    let mut story = story;
    let sections = std::mem::take(&mut story.sections);
    let meta = story.clone();
    story.sections = sections;
    html.push_str(&publish::story_html(story, place(page.clone())));
    html.push_str(head::CLOSE);
    std::fs::write(dir.join("index.html"), html)?;
    Ok(Summary { folder, page, file: file.to_owned(), story: meta, assets })
}

/// The catalog's pages and each tag's; returns how many were written.
fn catalog_pages(
    catalog: &Catalog,
    all_tags: &[String],
    out: &Path,
    info: &Site,
    place: &(dyn Fn(Url) -> Place + Sync),
    tag_path: &TagPath,
    sitemap: &mut Vec<SitemapUrl>,
) -> Result<usize, Failure> {
    let tags: Vec<String> = catalog.all_tags().into_iter().map(str::to_owned).collect();
    let known: std::collections::HashSet<&str> = tags.iter().map(String::as_str).collect();
    let others: Vec<String> = all_tags.iter().filter(|t| !known.contains(t.as_str())).cloned().collect();
    let per = story_viewer::pages::catalog::PAGE;
    // Each tag's entries, in one pass over the catalog (not one per tag).
    let mut by_tag: HashMap<&str, Vec<&story_format::Entry>> = HashMap::new();
    for e in &catalog.entries {
        for t in &e.tags {
            let list = by_tag.entry(t.as_str()).or_default();
            if !list.last().is_some_and(|last| std::ptr::eq(*last, e)) {
                list.push(e);
            }
        }
    }
    let count = |t: &str| by_tag.get(t).map_or(0, Vec::len);
    let top = Arc::new(top_tags(&tags, &count));
    let every = tags.len() + others.len();
    let all_tags_page = (every > top.len()).then_some(every);
    // Every page of every list: (the list's entries, the page).
    let mut jobs = Vec::new();
    for tag in std::iter::once(None).chain(tags.iter().chain(&others).cloned().map(Some)) {
        let entries: Arc<Vec<&story_format::Entry>> = Arc::new(match &tag {
            None => catalog.entries.iter().collect(),
            Some(t) => by_tag.get(t.as_str()).cloned().unwrap_or_default(),
        });
        // The filter offers the top tags, and the page's own.
        let shown = match &tag {
            Some(t) if !top.contains(t) => Arc::new(top.iter().chain([t]).cloned().collect()),
            _ => top.clone(),
        };
        let pages = entries.len().div_ceil(per).max(1);
        for index in 0..pages {
            let at = CatalogPage {
                tag: tag.clone(),
                index,
                pages,
                total: entries.len(),
                tags: shown.clone(),
                all_tags: all_tags_page,
            };
            jobs.push((entries.clone(), at));
        }
    }
    let written = parallel(&jobs, |(entries, at)| {
        let (tag, index) = (&at.tag, at.index);
        let folder = at.folder(index, &**tag_path);
        let page = info.root.join(&folder).map_err(|e| Failure::Run(e.to_string()))?;
        let slice = &entries[(index * per).min(entries.len())..((index + 1) * per).min(entries.len())];
        let one = Catalog {
            minor_version: catalog.minor_version,
            title: catalog.title.clone(),
            entries: slice.iter().map(|e| (*e).clone()).collect(),
        };
        let title = match (&tag, index) {
            (None, 0) => catalog.title.clone(),
            (None, i) => format!("{} (page {})", catalog.title, i + 1),
            (Some(t), 0) => format!("{t}: {}", catalog.title),
            (Some(t), i) => format!("{t}: {} (page {})", catalog.title, i + 1),
        };
        let description = crate::check::count_as(entries.len(), "story", "stories")
            + &tag.as_ref().map(|t| format!(" tagged “{t}”")).unwrap_or_default()
            + &format!(" from {}", catalog.title);
        let body = publish::catalog_html(one, at.clone(), place(page.clone()));
        let html = head::document(info, &page, &Kind::List { title, description, tag: tag.clone() }, &body);
        let dir = out.join(&folder);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("index.html"), html)?;
        let modified = slice.iter().filter_map(|e| e.published.clone()).max();
        Ok(SitemapUrl { url: page, modified })
    })?;
    let mut n = written.len();
    sitemap.extend(written);
    if all_tags_page.is_some() {
        // The tags page: every tag once, with its count (linear in the tags).
        let list = tags.iter().chain(&others).map(|t| (t.clone(), count(t))).collect();
        let page = info.root.join(layout::TAGS_FOLDER).map_err(|e| Failure::Run(e.to_string()))?;
        let body = publish::tags_html(list, place(page.clone()));
        let title = format!("{}: {}", story_viewer::labels::ui::TAGS, catalog.title);
        let description = crate::check::count_as(every, "tag", "tags") + &format!(" of {}", catalog.title);
        let html = head::document(info, &page, &Kind::List { title, description, tag: None }, &body);
        let dir = out.join(layout::TAGS_FOLDER);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("index.html"), html)?;
        sitemap.push(SitemapUrl { url: page, modified: None });
        n += 1;
    }
    Ok(n)
}

/// The [`TOP_TAGS`] tags with the most entries (ties: the catalog's
/// order), in the catalog's order.
fn top_tags(tags: &[String], count: &dyn Fn(&str) -> usize) -> Vec<String> {
    if tags.len() <= TOP_TAGS {
        return tags.to_vec();
    }
    let mut ranked: Vec<usize> = (0..tags.len()).collect();
    ranked.sort_by_key(|&i| (std::cmp::Reverse(count(&tags[i])), i));
    ranked.truncate(TOP_TAGS);
    ranked.sort_unstable();
    ranked.into_iter().map(|i| tags[i].clone()).collect()
}

fn feed_item(s: &Summary, sandbox: &Sandbox, root: &Url) -> Result<FeedItem, Failure> {
    let story = published_story(sandbox, &s.file, root)?.story;
    let content_html = publish::story_content_html(story);
    let st = &s.story;
    Ok(FeedItem {
        url: s.page.clone(),
        title: st.title.clone(),
        summary: st.summary(head::DESCRIPTION_CHARS),
        published: st.published.clone(),
        updated: st.updated.clone(),
        authors: st.byline.iter().cloned().collect(),
        tags: st.tags.clone(),
        lang: st.lang.clone(),
        image: st.hero.as_ref().and_then(|h| h.src.as_ref()).map(|u| u.to_string()),
        content_html,
    })
}
