//! `story index SITE`: the catalog of every bundle below SITE, written from
//! the stories themselves (newest first), so nobody copies a title, date or
//! tag by hand. A `stories.json` already there keeps its title.

use std::borrow::Borrow;
use std::path::{Path, PathBuf};

use story_format::layout;
use story_format::url::Url;
use story_format::{Document, SafeUrl, Story};

use crate::check::{check_file, file_url};
use crate::out::{CatalogOut, EntryOut, ImageOut, SourceOut};
use crate::report::Report;
use crate::sandbox::Sandbox;

/// The catalog for `site` as its files (name, JSON; see
/// [`pages_from_stories`]; its first page `STEM.json`), or the reports of the stories that have
/// errors (then nothing is written). Nothing outside `site` is read, and
/// the catalog written is one `story check` accepts: it is parsed as the
/// checker parses it before it is returned.
pub fn build(site: &Path, stem: &str) -> Result<Vec<(String, String)>, Vec<Report>> {
    let sandbox = Sandbox::new(site).map_err(|e| vec![io_report(site, &e)])?;
    let (mut files, mut notes) = (Vec::new(), Vec::new());
    crate::check::collect(&sandbox, site, &mut files, &mut notes).map_err(|e| vec![io_report(site, &e)])?;
    // The published bundles: their story.json (not a story.md alone, nor catalogs).
    files.retain(|f| f.file_name().is_some_and(|n| n == "story.json"));
    let mut stories = Vec::new();
    let mut failed = Vec::new();
    for f in &files {
        let checked = check_file(&sandbox, f);
        match checked.doc {
            Some(Document::Story(s)) if !checked.report.has_errors() => stories.push((f.clone(), s)),
            _ => failed.push(checked.report),
        }
    }
    if !failed.is_empty() {
        return Err(failed);
    }
    let refs: Vec<(PathBuf, &Story)> = stories.iter().map(|(p, s)| (p.clone(), s)).collect();
    let pages = pages_from_stories(site, refs, stem).ok_or_else(|| {
        vec![io_report(site, &std::io::Error::other("cannot turn the path into a file URL"))]
    })?;
    let base = site_url(site).expect("pages_from_stories had one");
    for (name, json) in &pages {
        let url = base.join(name).unwrap_or_else(|_| base.clone());
        let parsed = story_format::parse_document(json.as_bytes(), &url);
        if parsed.diagnostics.iter().any(|d| d.is_error()) || parsed.value.is_none() {
            let file = format!("{} (the catalog it would write)", site.join(name).display());
            return Err(vec![Report { file, diagnostics: parsed.diagnostics }]);
        }
    }
    Ok(pages)
}

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

/// The catalog of `stories` as its files (name, JSON), the first page
/// first: one file while they fit in [`layout::CATALOG_PAGE`], else pages
/// of that many, newest first, each naming the next and the previous
/// (`STEM-2.json`...) and the total. `None`: `site` has no file URL.
pub fn pages_from_stories<S: Borrow<Story>>(
    site: &Path,
    stories: Vec<(PathBuf, S)>,
    stem: &str,
) -> Option<Vec<(String, String)>> {
    let CatalogOut { title, stories: entries, .. } = from_stories(site, stories)?;
    let total = entries.len();
    let count = total.div_ceil(layout::CATALOG_PAGE).max(1);
    let mut entries = entries.into_iter();
    let pages = (1..=count)
        .map(|n| {
            let stories: Vec<EntryOut> = entries.by_ref().take(layout::CATALOG_PAGE).collect();
            let paged = count > 1;
            let page = CatalogOut {
                format: FORMAT,
                title: title.clone(),
                total: paged.then_some(total),
                prev: (n > 1).then(|| page_name(stem, n - 1)),
                next: (n < count).then(|| page_name(stem, n + 1)),
                stories,
            };
            (page_name(stem, n), crate::out::to_json(&page))
        })
        .collect();
    Some(pages)
}

const FORMAT: &str = "story-index/1";

/// Writes `pages` (from [`build`], named after `target`) as `target` and,
/// beside it, its later pages (`news.json`, `news-2.json`...), each atomically,
/// the last page first: a reader never meets a page that names one not
/// written yet. A later page left from an earlier, longer catalog is
/// removed when it is a catalog (anything else by that name is left).
pub fn write_pages(target: &Path, pages: &[(String, String)]) -> std::io::Result<()> {
    let dir = crate::sandbox::parent_dir(target);
    let stem = target.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    for (n, (_, json)) in pages.iter().enumerate().rev() {
        let path = if n == 0 { target.to_owned() } else { dir.join(page_name(&stem, n + 1)) };
        crate::out::write_atomic(&path, json.as_bytes())?;
    }
    for n in pages.len() + 1.. {
        let stale = dir.join(page_name(&stem, n));
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

/// The catalog of `stories` (checked, each with its `story.json`'s path
/// below `site`), whole: newest first, the same date in path order, its
/// addresses relative to `site/stories.json`. `None`: `site` has no file URL.
/// Stories given owned are dropped as their entries are made.
fn from_stories<S: Borrow<Story>>(site: &Path, mut stories: Vec<(PathBuf, S)>) -> Option<CatalogOut> {
    let title = title_of(site);
    let base = site_url(site)?;
    stories.sort_by(|(pa, a), (pb, b)| {
        let key = |s: &S| s.borrow().published.as_ref().map(|t| t.unix);
        key(b).cmp(&key(a)).then_with(|| pa.cmp(pb))
    });
    // The file need not exist yet (a story.md's story.json, written by `story build`).
    let site_dir = std::fs::canonicalize(site).ok()?;
    let entries = stories
        .into_iter()
        .map(|(path, s)| {
            let abs = path.strip_prefix(site).map_or_else(|_| path.clone(), |rel| site_dir.join(rel));
            let href = Url::from_file_path(&abs)
                .map_or_else(|()| path.display().to_string(), |u| relative(&base, &u));
            entry(href, s.borrow(), &base)
        })
        .collect();
    Some(CatalogOut { format: FORMAT, title, total: None, prev: None, next: None, stories: entries })
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
