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

pub mod feeds;
pub mod head;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use story_format::url::Url;
use story_format::{parse_document, Catalog, Document, Story};
use story_viewer::publish::{self, CatalogPage, Place};

use crate::check::{self, Report};
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

/// Builds the site; see the module's documentation.
pub fn build(opts: &Options) -> Result<Built, Failure> {
    let root = site_root(&opts.url)?;
    let site = std::fs::canonicalize(&opts.site).map_err(|e| run_err(&opts.site, e))?;
    if !site.is_dir() {
        return Err(Failure::Run(format!("{}: not a folder", opts.site.display())));
    }
    check_viewer(&opts.viewer)?;
    check_out(&site, &opts.out)?;

    // 1. The check, as `story check SITE` does it.
    let mut files = Vec::new();
    check::collect(&site, &mut files).map_err(|e| run_err(&opts.site, e))?;
    let (reports, docs) = check::check_files_and_docs(&files);
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

    // 2. A fresh folder beside OUT.
    let tmp = Staging::new(&opts.out)?;
    let mut copies = Vec::new();
    mirror(&site, tmp.path(), &site, &mut copies)?;
    copy_viewer(&opts.viewer, tmp.path(), &mut copies)?;
    parallel(&copies, |(from, to)| std::fs::copy(from, to).map_err(|e| run_err(from, e)))?;

    let has_catalog = site.join("stories.json").is_file();
    // The catalog: the site's own, or one made from the stories, as `story index` makes it.
    let catalog_url = root.join("stories.json").map_err(|e| Failure::Run(e.to_string()))?;
    let catalog_json = if has_catalog {
        std::fs::read(site.join("stories.json"))?
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
    let parsed = parse_document(&catalog_json, &catalog_url);
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

    // Stories, on every core.
    let rendered = render_stories(&site, &bundles, tmp.path(), &info, &place)?;
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
        items.push(feed_item(s, &site, &root)?);
    }
    let write = |name: &str, text: String| std::fs::write(tmp.path().join(name), text);
    write("feed.xml", feeds::atom(&root, &site_name, &items))?;
    write("feed.json", feeds::json_feed(&root, &site_name, &items))?;
    write("sitemap.xml", feeds::sitemap(&sitemap))?;
    write("robots.txt", feeds::robots(&root))?;

    tmp.replace(&opts.out)?;
    Ok(Built { stories: summaries.len(), pages: pages + summaries.len(), reports, files: files.len() })
}

fn run_err(path: &Path, e: std::io::Error) -> Failure {
    Failure::Run(format!("{}: {e}", path.display()))
}

/// `--url`: an absolute http(s) address, made to end in `/`.
fn site_root(url: &str) -> Result<Url, Failure> {
    let bad = |why: &str| Failure::Run(format!("--url {url}: {why}"));
    let mut u = Url::parse(url).map_err(|e| bad(&format!("not an absolute address ({e})")))?;
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

/// OUT must be neither SITE nor inside it (the site is copied into OUT),
/// and, when it exists, a folder.
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
    if out.exists() && !out.is_dir() {
        return Err(Failure::Run(format!("--out {}: exists and is not a folder", out.display())));
    }
    Ok(())
}

/// A folder beside OUT that becomes OUT at the end; removed if the build
/// stops first. Leftovers of an interrupted build are removed by the next.
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
                if let Some(pid) = n.strip_prefix(&prefix) {
                    if !Path::new(&format!("/proc/{pid}")).exists() && e.path().join(MARK).is_file() {
                        let _ = std::fs::remove_dir_all(e.path());
                    }
                }
            }
        }
        let path = parent.join(format!("{prefix}{}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path)?;
        }
        std::fs::create_dir_all(&path)?;
        std::fs::write(path.join(MARK), "a story build in progress; safe to delete\n")?;
        Ok(Staging { path, done: false })
    }
    fn path(&self) -> &Path {
        &self.path
    }
    /// Makes this folder OUT; the old OUT is removed after.
    fn replace(mut self, out: &Path) -> Result<(), Failure> {
        std::fs::remove_file(self.path.join(MARK))?;
        let old = crate::out::exchange_dir(&self.path, out)?;
        self.done = true;
        if let Some(old) = old {
            remove_tree(&old)?;
        }
        Ok(())
    }
}

/// Removes a folder and everything below it, its files on every core (a
/// site of 10,000 stories has 20,000 of them).
fn remove_tree(dir: &Path) -> Result<(), Failure> {
    let (mut files, mut dirs) = (Vec::new(), vec![dir.to_owned()]);
    let mut i = 0;
    while let Some(d) = dirs.get(i).cloned() {
        for e in std::fs::read_dir(&d)?.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                dirs.push(e.path());
            } else {
                files.push(e.path());
            }
        }
        i += 1;
    }
    parallel(&files, |f| std::fs::remove_file(f).map_err(|e| run_err(f, e)))?;
    for d in dirs.iter().rev() {
        std::fs::remove_dir(d).map_err(|e| run_err(d, e))?;
    }
    Ok(())
}

/// Marks a staging folder as the build's own, so only such folders are cleaned up.
const MARK: &str = ".story-build";

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Makes `to` a copy of the folders below `from`, and lists the files to
/// copy into them in `copies` (hidden files aside; `story.md` too, so the
/// source stays beside what it became).
fn mirror(from: &Path, to: &Path, site: &Path, copies: &mut Vec<(PathBuf, PathBuf)>) -> Result<(), Failure> {
    let mut names: Vec<_> = std::fs::read_dir(from).map_err(|e| run_err(from, e))?.flatten().collect();
    names.sort_by_key(std::fs::DirEntry::file_name);
    for e in names {
        let name = e.file_name();
        let name_str = name.to_string_lossy();
        if name_str.starts_with('.') {
            continue;
        }
        if from == site
            && (RESERVED.contains(&name_str.as_ref()) || VIEWER_FILES.iter().any(|v| name_str.starts_with(v)))
        {
            return Err(Failure::Run(format!(
                "{}: the built site writes its own {name_str}; rename it",
                e.path().display()
            )));
        }
        let target = to.join(&name);
        let kind = e.file_type().map_err(|err| run_err(&e.path(), err))?;
        if kind.is_dir() {
            std::fs::create_dir_all(&target)?;
            mirror(&e.path(), &target, site, copies)?;
        } else if kind.is_file() || std::fs::metadata(e.path()).is_ok_and(|m| m.is_file()) {
            copies.push((e.path(), target));
        }
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
        std::fs::create_dir_all(to.join("snippets"))?;
        mirror(&snippets, &to.join("snippets"), dir, copies)?;
    }
    Ok(())
}

/// Each tag's folder below the site (`tags/energy/`): `tag_folders` over
/// every tag of the catalog and the stories, sorted, so that the viewer's
/// search on a built page (which has only the catalog, and sorts its tags
/// the same way) names the same folders.
fn tag_paths(catalog: &Catalog, docs: &HashMap<PathBuf, Document>) -> (Vec<String>, TagPath) {
    let mut tags: std::collections::BTreeSet<String> =
        catalog.all_tags().into_iter().map(str::to_owned).collect();
    for doc in docs.values() {
        if let Document::Story(s) = doc {
            tags.extend(s.tags.iter().cloned());
        }
    }
    let tags: Vec<String> = tags.into_iter().collect();
    let refs: Vec<&str> = tags.iter().map(String::as_str).collect();
    let folders = story_format::text::tag_folders(&refs);
    let map: HashMap<String, String> =
        tags.iter().cloned().zip(folders).map(|(t, f)| (t, format!("tags/{f}/"))).collect();
    (tags, Arc::new(move |t: &str| map.get(t).cloned().unwrap_or_else(|| "tags/tag/".into())))
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
}

/// Reads, renders and writes every story, on every core; returns their summaries.
fn render_stories(
    site: &Path,
    bundles: &[PathBuf],
    out: &Path,
    info: &Site,
    place: &(dyn Fn(Url) -> Place + Sync),
) -> Result<Vec<Summary>, Failure> {
    parallel(bundles, |file| render_story(site, file, out, info, place))
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

/// The folder of `file`'s bundle below `site`, as a URL path (`a/b/`).
fn folder_of(site: &Path, file: &Path) -> Result<String, Failure> {
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

/// A bundle's story parsed as it will be served: against its address on
/// the site, so every URL in it is where the reader will find it.
fn published_story(
    site: &Path,
    file: &Path,
    root: &Url,
) -> Result<(String, Url, Story, Option<String>), Failure> {
    let folder = folder_of(site, file)?;
    let page = root.join(&folder).map_err(|e| Failure::Run(format!("{folder}: {e}")))?;
    let json_url = page.join("story.json").map_err(|e| Failure::Run(e.to_string()))?;
    let bytes =
        check::read_limited(file).map_err(|d| Failure::Run(format!("{}: {}", file.display(), d.message)))?;
    let (bytes, imported) = if file.extension().is_some_and(|e| e == "md") {
        let imported = crate::markdown::import_bytes(&bytes, file).map_err(|_| {
            Failure::Run(format!("{}: does not import (it did when checked)", file.display()))
        })?;
        (imported.json.clone().into_bytes(), Some(imported.json))
    } else {
        (bytes, None)
    };
    match parse_document(&bytes, &json_url).value {
        Some(Document::Story(s)) => Ok((folder, page, s, imported)),
        _ => Err(Failure::Run(format!("{}: does not parse (it did when checked)", file.display()))),
    }
}

fn render_story(
    site: &Path,
    file: &Path,
    out: &Path,
    info: &Site,
    place: &(dyn Fn(Url) -> Place + Sync),
) -> Result<Summary, Failure> {
    let (folder, page, story, imported) = published_story(site, file, &info.root)?;
    let dir = out.join(&folder);
    std::fs::create_dir_all(&dir)?;
    if let Some(json) = imported {
        std::fs::write(dir.join("story.json"), json)?;
    }
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
    Ok(Summary { folder, page, file: file.to_owned(), story: meta })
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
    let others = all_tags.iter().filter(|t| !tags.contains(t)).cloned();
    let per = story_viewer::pages::catalog::PAGE;
    // Every page of every list: (the list's entries, the page).
    let mut jobs = Vec::new();
    for tag in std::iter::once(None).chain(tags.iter().cloned().chain(others).map(Some)) {
        let entries: Arc<Vec<&story_format::Entry>> = Arc::new(
            catalog.entries.iter().filter(|e| tag.as_ref().is_none_or(|t| e.tags.contains(t))).collect(),
        );
        let pages = entries.len().div_ceil(per).max(1);
        for index in 0..pages {
            let at = CatalogPage { tag: tag.clone(), index, pages, total: entries.len(), tags: tags.clone() };
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
    let n = written.len();
    sitemap.extend(written);
    Ok(n)
}

fn feed_item(s: &Summary, site: &Path, root: &Url) -> Result<FeedItem, Failure> {
    let (_, _, story, _) = published_story(site, &s.file, root)?;
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
