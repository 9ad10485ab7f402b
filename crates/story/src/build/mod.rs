//! `story build SITE --out OUT --url SITE_URL`: a folder of bundles made a
//! whole static site. Each story's page is the viewer's own components
//! rendered to HTML (`story_viewer::publish`), at the folder of its bundle;
//! the catalog's pages, a page per tag, Atom and JSON feeds, a sitemap and
//! robots.txt are written beside them, with the viewer's files.
//!
//! Order of work, and why:
//! 1. Every file is checked as `story check` checks it, with its report
//!    lines; any error stops the build before anything is written.
//! 2. The site is built in a folder beside OUT (a fresh one, or the spare
//!    site the build before left there, updated in place: see
//!    `incremental`; stories rendered on every core, one at a time each:
//!    memory does not grow with their number), then swapped with OUT at
//!    the end. A failure, a crash or an interrupt at any point leaves OUT
//!    exactly as it was.
//!
//! The threat model (README, "Safety"): whoever can write SITE may be
//! hostile; OUT is the publisher's. So SITE is read only through a
//! [`Sandbox`] (no link leads out of it, only regular files, sizes counted
//! while reading), only what the stories use is published (their
//! `story.json`, the images the format names, and `SITE/static/` on
//! purpose), and OUT is replaced only when it is a real folder that is
//! empty or holds a previous build (its [`SITE_MARK`] file).

pub mod again;
mod catalogs;
pub mod changes;
pub mod embed;
pub mod entries;
pub mod feeds;
mod files;
pub mod head;
pub mod incremental;
mod kept_pages;
mod lists;
mod manifest;
mod memo;
mod phases;
pub mod pictures;
pub mod search;
mod search_runs;
mod search_state;
mod staging;
mod stories;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use entries::Entries;
use story_format::layout::{self, TagFolders};
use story_format::url::Url;
use story_viewer::publish::Place;

use crate::check;
use crate::images::Pipeline;
use crate::parallel::parallel;
use crate::report::Report;
use crate::sandbox::Sandbox;
use catalogs::{site_catalog, SiteCatalog};
use feeds::{SitemapUrl, FEED_ENTRIES};
use files::{
    below, check_viewer, cmp_parent, cmp_slashed, copy_file, copy_static, copy_viewer, local_path,
    parent_bytes, site_embed_js, StoryJsonOrder,
};
use head::{site_root, Site};
use phases::Phases;
use pictures::Images;
use staging::{check_out, Staging};
use stories::{feed_item, folder_of, render_stories, Changes, Pages, Summary, NOT_BUILT};

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
    /// The image cache (`None`: [`Pipeline::default_cache`]).
    pub cache: Option<PathBuf>,
    /// Where the list of files that a deploy must upload or delete goes
    /// (see [`changes::changes_between`]): `Some` has the build list them in
    /// [`Built::changes`], for the caller to write there.
    pub changes: Option<PathBuf>,
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
    /// Images encoded in this build, and taken whole from the cache.
    pub images: (usize, usize),
    /// Stories whose pages were taken from the previous build unchanged.
    pub reused: usize,
    /// Of those, the stories kept from what they gave the last build
    /// (their JSON unchanged), not parsed again (`memo`).
    pub remembered: usize,
    /// Of those, the stories not even read: their file's stamp vouched
    /// for their bytes ([`crate::memo::Stamp`]).
    pub unread: usize,
    /// The stories whose check was recalled ([`check::Recalled`]), not parsed.
    pub recalled: usize,
    /// The catalog's pages made from the bundles that were kept as the
    /// last build made them (`kept_pages`), and its pages in all.
    pub catalog_pages: (usize, usize),
    /// With `--changes`: the files added, changed and removed.
    pub changes: Option<Vec<changes::Change>>,
    /// The search index's files and bytes.
    pub search: search::SearchStats,
    /// What rendering a story again in this site needs ([`again::render_again`]).
    pub context: Context,
}

/// What a good build knew that rendering one of its stories again, in
/// place, needs (`story serve`'s fast path: [`again::render_again`]): the
/// site's address, name and preview, every tag's folder, and which files
/// were its stories.
#[derive(Clone)]
pub struct Context {
    info: Site,
    folders: Arc<TagFolders>,
    /// Each bundle file's [`check::path_key`], sorted (a million paths
    /// held would be about 100 MB; a set of the keys 36 MB).
    bundles: Arc<Vec<check::PathKey>>,
}

/// Why a build stopped. Either way OUT is untouched.
#[derive(Debug)]
pub enum Failure {
    /// Errors in the input: the check's reports (exit status 1).
    Input { reports: Vec<Report>, files: usize },
    /// Could not run: bad arguments, unreadable folders, a full disk (exit 2).
    Run(String),
    /// A file changed while the build read it: it was checked, then read
    /// again different (an editor saving). `story build` stops as for
    /// [`Failure::Run`]; `story serve` waits for the save's own event and
    /// builds again, never showing this as the site's error.
    Changed(String),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Run(e.to_string())
    }
}

// `VIEWER_FILES`, in a file of its own: `build.rs` embeds the same list.
include!("viewer_files.rs");

/// The folder of SITE published whole, as it is, at the same place in OUT:
/// files a publisher adds on purpose (a PDF, a `humans.txt`). Nothing else
/// is published unless a story or the catalog names it.
pub const STATIC_DIR: &str = "static";

/// The memo being written, in the new site's folder until the stories are
/// rendered ([`memo`]).
const MEMO_NEW: &str = ".story-memo";
/// The check's memo being written ([`check::Recalled`]), until the check
/// is done.
const CHECKED_NEW: &str = ".story-checked";

/// The file that marks OUT as a site `story build` made, and so one it may
/// replace (the staging folder has it from the start).
pub const SITE_MARK: &str = ".story-site";

/// How many tags a list page offers in its filter: the most used (and the
/// page's own). More than that are all on the tags page (`tags/`), so a
/// page's size does not grow with the site's tags.
pub const TOP_TAGS: usize = 20;

/// Builds the site; see the module's documentation.
pub fn build(opts: &Options) -> Result<Built, Failure> {
    let mut phase = Phases::from_env();
    let root = site_root(&opts.url)?;
    let sandbox = Sandbox::new(&opts.site).map_err(|e| run_err(&opts.site, e))?;
    let site = sandbox.root().to_owned();
    check_viewer(&opts.viewer)?;
    check_out(&site, &opts.out)?;

    // 1. The check, as `story check SITE` does it. Each story's catalog
    // entry and what a catalog's entry is compared with are kept on disk,
    // in the staging folder, instead of its document in memory.
    let (mut files, mut notes) = (crate::paths::Paths::new(), Vec::new());
    check::collect(&sandbox, &site, &mut files, &mut notes).map_err(|e| run_err(&opts.site, e))?;
    let mut tmp = Staging::new(&opts.out)?;
    let hrefs = crate::index::Hrefs::new(&site)
        .ok_or_else(|| Failure::Run(format!("{}: cannot turn the path into a file URL", site.display())))?;
    // What the last build's check kept of each story, recalled for a story
    // whose JSON is the same (not parsed), and this check's record.
    let (checked_at, context) = (memo::memo_path(&opts.out, "checked"), memo::context(&site, &root));
    let checked_new = tmp.path().join(CHECKED_NEW);
    let last_checked = crate::memo::Memo::open(&checked_at, &context);
    let remember = crate::memo::Writer::after(last_checked.as_ref(), &checked_new, &context)
        .map_err(|e| run_err(&checked_new, e))?;
    let mut listing =
        crate::index::Listing::new(tmp.path(), hrefs.base().clone())?.with_memo(last_checked, remember);
    let (checked, docs) = check::check_files_and_docs(&sandbox, &mut files, Some(&listing));
    // Moved out at once: the folder is to hold nothing else ([`Staging::adopt_spare`]).
    listing.finish_memo(&checked_at).map_err(|e| run_err(&checked_at, e))?;
    let recalled = listing.recalled();
    phase.end("check");
    let mut reports = notes;
    // A file without a warning has no report to keep.
    reports.extend(checked.into_iter().filter(|r| !r.diagnostics.is_empty()));
    if reports.iter().any(Report::has_errors) {
        return Err(Failure::Input { reports, files: files.len() });
    }
    // Each bundle: which of the files checked it is (its document in
    // `docs`), and its path (borrowed: a copy cost 100 bytes a story). In
    // the order of their folders as text (`a/b/`): the order of stories of
    // one date in the lists, and of the manifest.
    let mut bundle_files: Vec<(usize, &[u8])> = (0..files.len())
        .filter(|&i| files[i].file_name().is_some_and(|n| n == "story.json" || n == "story.md"))
        .map(|i| (i, parent_bytes(&files[i])))
        .collect();
    bundle_files.sort_by(|a, b| cmp_slashed(a.1, b.1));
    // Collected anew, not in place: in place it kept the pairs' room (16
    // bytes a story more).
    let bundle_files: Vec<usize> = bundle_files.iter().map(|&(i, _)| i).collect();
    let bundles: Vec<&Path> = bundle_files.iter().map(|&i| &files[i]).collect();
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
        if layout::RESERVED.contains(&name.as_str())
            || name.starts_with(layout::SITEMAP_PART)
            || (name.starts_with(layout::CATALOG_PART)
                && std::fs::symlink_metadata(site.join(layout::CATALOG_FILE)).is_err())
            || VIEWER_FILES.iter().any(|v| name.starts_with(v))
        {
            return Err(Failure::Run(format!(
                "{}: the built site writes its own {name}; rename it",
                e.path().display()
            )));
        }
    }

    // OUT is empty or a previous build (`check_out`): its pages may be
    // reused. Read after the check, which does not need it (its stories'
    // keys are 25 MB at 1,000,000, on top of the check's own peak).
    let previous = incremental::Previous::read(&opts.out);
    // Its manifest lists every file it holds: kept as the next build's spare.
    let keep_spare = previous.can_be_spare();

    // 2. A fresh folder beside OUT (made before the check), or the spare
    // site a build left there, cleared of what this build does not keep:
    // its other stories and every file that is not a page.
    let spare = tmp.adopt_spare(&opts.out);
    let mut previous = previous.with_spare(spare);
    // A folder (`a/b/`) is a story's when a bundle's folder, as text, is
    // the site's and it: the bundles are in that order (no set of folders).
    {
        let site_text = [site.as_os_str().as_encoded_bytes(), b"/"].concat();
        // Dropped at once (16 bytes a story, held to the end otherwise).
        // Compared without the site's path, which they all begin with (a
        // walk of it found them; a bundle at its top was refused above):
        // still in order.
        let parents: Vec<&[u8]> =
            bundles.iter().filter_map(|b| parent_bytes(b).strip_prefix(&site_text[..])).collect();
        let is_story = |f: &str| parents.binary_search_by(|p| cmp_parent(p, f.as_bytes())).is_ok();
        previous.clear_spare(tmp.path(), is_story).map_err(|e| run_err(tmp.path(), e))?;
    }
    // Every file written that is not a story's or a list's page, for the
    // manifest (what the next build clears from this site as its spare).
    let mut others: Vec<String> = Vec::new();
    let rel = |to: &Path| to.strip_prefix(tmp.path()).ok().map(|r| r.to_string_lossy().into_owned());
    let mut viewer_copies = Vec::new();
    copy_viewer(&opts.viewer, tmp.path(), &mut viewer_copies)?;
    site_embed_js(&opts.viewer, tmp.path())?;
    others.extend([files::EMBED_JS.to_owned(), format!("{}.gz", files::EMBED_JS)]);
    others.extend(viewer_copies.iter().filter_map(|(_, to)| rel(to)));
    parallel(&viewer_copies, |(from, to)| {
        std::fs::create_dir_all(crate::sandbox::parent_dir(to))?;
        std::fs::copy(from, to).map(drop).map_err(|e| run_err(from, e))
    })?;
    // What SITE publishes: `static/`, then what the stories and the catalog use.
    let mut copies = Vec::new();
    copy_static(&sandbox, tmp.path(), &mut copies)?;

    // Every tag a story has (each once), for the tags' folders below.
    let story_tags: Vec<String> = listing.tags().into_iter().collect();
    // The catalog: the site's own (every page), or one made from the
    // stories, as `story index` makes it, a page at a time. What follows
    // streams the stories again, one at a time, and reads the catalog's
    // entries from its pages.
    // The hash the check found of the `i`th file's JSON (zeros when unknown).
    let checked_of = |i: usize| docs.listed_of(i).map_or([0; 16], |l| l.json);
    let made_pages = |page: &mut catalogs::PageSink<'_>| {
        let stem = crate::index::CATALOG_STEM;
        let title = crate::index::title_of(&site);
        // The bundles kept, by number, each with its date (16 bytes each:
        // a sorted copy of what was kept of them took 88 bytes a story;
        // the date looked up at each comparison, 0.25 s at 100,000). No
        // two bundles are one: an unstable sort gives the one order.
        let listed = |j: u32| docs.listed_of(bundle_files[j as usize]);
        let by_path = StoryJsonOrder::new(&bundles);
        let mut dated: Vec<(Option<i64>, u32)> =
            (0..bundles.len() as u32).filter_map(|j| Some((listed(j)?.published, j))).collect();
        dated.sort_unstable_by(|&(da, a), &(db, b)| {
            crate::index::newest_first(da, db).then_with(|| by_path.cmp(a as usize, b as usize))
        });
        let order: Vec<u32> = dated.into_iter().map(|(_, j)| j).collect();
        let total = order.len();
        for n in 1..=crate::index::page_count(total) {
            let these = &order[crate::index::page_range(total, n)];
            let name = crate::index::page_name(stem, n);
            let json_of = |j: u32| checked_of(bundle_files[j as usize]);
            let path_of = |j: u32| bundles[j as usize].as_os_str().as_encoded_bytes();
            let key =
                kept_pages::page_key(&title, &name, total, these.iter().map(|&j| (path_of(j), json_of(j))));
            page(name, key, &mut || {
                let entries = these.iter().filter_map(|&j| Some((j, listed(j)?))).map(|(j, l)| {
                    let href = hrefs.of(&bundles[j as usize].with_file_name("story.json"));
                    listing.entry(l, href).map_err(|e| Failure::Run(format!("the catalog's entries: {e}")))
                });
                Ok(crate::index::page_json(&title, total, n, stem, entries.collect::<Result<_, _>>()?))
            })?;
        }
        Ok(())
    };
    let kept_at = memo::memo_path(&opts.out, "pages");
    let kept = (kept_at.as_path(), memo::context(&site, &root));
    let SiteCatalog { catalog, thumbnails, own: has_catalog, keyed: catalog_keyed, kept: kept_pages } =
        site_catalog(&sandbox, &site, &root, tmp.path(), made_pages, files.len(), (kept.0, &kept.1))?;
    others.extend(catalog.page_files().filter_map(rel));
    // The listing's spill let go, and of the check only what the stories
    // need from here: the hash it found of each bundle's JSON, 16 bytes a
    // story (its slots, held to here, are 80 and the bundles' list 8).
    drop(listing);
    let checked_json: Vec<[u8; 16]> = bundle_files.iter().map(|&i| checked_of(i)).collect();
    drop((docs, bundle_files));
    // The site's name: its catalog's own title, else its address's host
    // (never the list heading's default, "Stories").
    let site_name = if has_catalog && catalog.titled {
        catalog.title.clone()
    } else {
        root.host_str().unwrap_or(root.as_str()).to_owned()
    };
    let pipeline = Pipeline::new(opts.cache.clone().unwrap_or_else(Pipeline::default_cache));
    let images = Images { sandbox: &sandbox, root: &root, pipeline: &pipeline };
    let preview = match &catalog.image {
        Some(img) => images.preview(img)?,
        None => None,
    };
    let info = Site { root: root.clone(), name: site_name.clone(), preview };
    // Every tag gets a page, also one a story has and the catalog lacks
    // (a hand-written catalog that disagrees; `story check` warns).
    let (all_tags, folders) = tag_folders(&catalog, &story_tags);
    let tag_path = tag_path_of(folders.clone());
    let place = |page: Url| Place {
        page,
        root: root.clone(),
        tag_path: tag_path.clone(),
        pictures: Default::default(),
    };
    let tags: Vec<(String, String)> = all_tags.iter().map(|t| (t.clone(), tag_path(t))).collect();
    let carried = (memo::memo_path(&opts.out, "search"), memo::context(&site, &root));
    let index = search::Index::new(&catalog, &tags, tmp.path(), carried)?;
    phase.end("catalog and tags");
    let used = std::sync::Mutex::default();
    // What every page needs; the stories also the last build's keys and the memo.
    let no_previous = incremental::Previous::default();
    let base = Pages {
        info: &info,
        place: &place,
        images: &images,
        previous: &no_previous,
        index: Some(&index),
        used: &used,
        memo: None,
        remember: None,
    };
    // What each story gave the last build, and this build's record.
    let memo_at = memo::memo_path(&opts.out, "memo");
    let memo = crate::memo::Memo::open(&memo_at, &memo::context(&site, &root));
    let memo_new = tmp.path().join(MEMO_NEW);
    let remember = crate::memo::Writer::after(memo.as_ref(), &memo_new, &memo::context(&site, &root))
        .map_err(|e| run_err(&memo_new, e))?;
    let pages = Pages { previous: &previous, memo: memo.as_ref(), remember: Some(&remember), ..base };

    // Stories, on every core (each page's images with it).
    let records = stories::Records::new(tmp.path())?;
    let (mut summaries, bundle_of) =
        render_stories(&sandbox, &bundles, tmp.path(), &pages, &records, &catalog, &|b| checked_json[b])?;
    // The memo is whole: it replaces the last at once (its records hold
    // for their stories' bytes whichever site is OUT, so it need not wait
    // for the swap).
    remember.finish(&memo_at, memo.as_ref()).map_err(|e| run_err(&memo_at, e))?;
    // What only the stories used, let go: the memo's index, the last
    // sites' keys of the stories and the check's hash of each (about 90
    // bytes a story in all).
    drop((remember, memo, checked_json));
    previous.forget_stories();
    let pages = Pages { previous: &previous, ..base };
    phase.end("stories");
    let mut used: BTreeSet<String> = std::mem::take(&mut *used.lock().expect("no panics while locked"));
    // A file a story uses cannot take the place of a page the build writes.
    if let Some(clash) = used.iter().find(|u| {
        let name = u.rsplit('/').next().unwrap_or(u);
        layout::STORY_OUTPUTS.contains(&name)
    }) {
        let name = clash.rsplit('/').next().unwrap_or(clash);
        return Err(Failure::Run(format!(
            "{}: a story uses this file, but the built site writes its own {name} in story folders; rename it",
            site.join(clash).display()
        )));
    }
    used.extend(thumbnails.iter().filter_map(|a| below(&root, a.as_str())));
    // Newest first; the same date in folder order (the bundles' order).
    // No two stories share a bundle, so the order is total and an
    // unstable sort (no copy of the list) gives it.
    summaries.sort_unstable_by_key(|s: &Summary| (std::cmp::Reverse(s.published), s.bundle));
    // Each bundle's summary (its place in `summaries`), and each entry's.
    let mut summary_of = vec![0u32; summaries.len()];
    for (at, s) in summaries.iter().enumerate() {
        summary_of[s.bundle as usize] = at as u32;
    }
    let story_of =
        bundle_of.into_iter().map(|b| summary_of.get(b as usize).copied().unwrap_or(NOT_BUILT)).collect();
    let changes = Changes { catalog: &catalog, summaries: &summaries, story_of, records: &records };
    let mut sitemap = Vec::new();
    let mut list_keys = BTreeMap::new();
    let list_pages = lists::catalog_pages(
        &all_tags,
        tmp.path(),
        &pages,
        &tag_path,
        &changes,
        &mut sitemap,
        &mut list_keys,
    )?;
    // A page more than the lists' own: the tags page.
    if list_pages > list_keys.len() {
        others.push(format!("{}{}", layout::TAGS_FOLDER, layout::PAGE_FILE));
    }
    drop(changes);
    phase.end("list pages");

    // Feeds: the newest stories, their text rendered again (only these few
    // are read twice).
    let mut items = Vec::new();
    for s in summaries.iter().take(FEED_ENTRIES) {
        items.push(feed_item(bundles[s.bundle as usize], &sandbox, &images)?);
    }

    // The files the pages use: images through the pipeline (cleaned, with
    // their versions), anything else as it is.
    let mut plain = Vec::new();
    for rel in used {
        let from = local_path(&site, &rel)?;
        let real = sandbox.file(&from).map_err(|why| Failure::Run(format!("{} {why}", from.display())))?;
        plain.push((rel, real));
    }
    let published = parallel(&plain, |(rel, real)| images.published(rel, real))?;
    let mut made = Vec::new();
    for ((rel, real), files) in plain.into_iter().zip(published) {
        match files {
            Some(files) => made.extend(files.into_iter().map(|(from, to)| (from, tmp.path().join(to)))),
            None => copies.push((real, tmp.path().join(&rel))),
        }
    }
    others.extend(copies.iter().chain(&made).filter_map(|(_, to)| rel(to)));
    parallel(&copies, |(from, to)| copy_file(&sandbox, from, to))?;
    // From the image cache, hard-linked where it can be: no bytes copied,
    // and a file unchanged since the last build is the same file.
    parallel(&made, |(from, to)| {
        std::fs::create_dir_all(crate::sandbox::parent_dir(to))?;
        std::fs::hard_link(from, to)
            .or_else(|_| std::fs::copy(from, to).map(drop))
            .map_err(|e| run_err(from, e))
    })?;
    phase.end("feed entries and published files");
    let mut written = Vec::new();
    let write = |written: &mut Vec<String>, name: &str, text: String| {
        written.push(name.to_owned());
        std::fs::write(tmp.path().join(name), text)
    };
    write(&mut written, layout::ATOM_FEED, feeds::atom(&root, &site_name, &items))?;
    write(&mut written, layout::JSON_FEED, feeds::json_feed(&root, &site_name, &items))?;
    // The sitemaps on a thread of their own, beside the search index: each
    // held one core for a quarter of a second at 100,000 stories while the
    // other waited.
    let (maps, search) = std::thread::scope(|s| {
        let maps = s.spawn(|| {
            let mut written = Vec::new();
            // The list pages, then every story (its address worked out again).
            let urls = || {
                let stories = summaries.iter().map(|s| {
                    let url = stories::page_of(&root, &folder_of(&site, bundles[s.bundle as usize])?)?;
                    Ok(SitemapUrl { url: Cow::Owned(url), modified: records.modified(s)?.map(Cow::Owned) })
                });
                sitemap.iter().cloned().map(Ok).chain(stories)
            };
            feeds::write_sitemaps(&root, urls, |name, text| {
                write(&mut written, name, text).map_err(Failure::from)
            })?;
            write(&mut written, layout::ROBOTS, feeds::robots(&root))?;
            Ok::<_, Failure>(written)
        });
        // The search index, over the catalog with each story's own text.
        let docs_at = memo::memo_path(&opts.out, "docs");
        let search = search::write_index(tmp.path(), &root, &catalog, index, &tags, (&docs_at, &context));
        let maps = maps.join().map_err(|_| Failure::Run("the sitemaps were not written".into()));
        (maps, search)
    });
    written.extend(maps??);
    let (search, docs_keyed) = search?;
    let keyed_files: BTreeMap<String, manifest::PageKey> =
        docs_keyed.into_iter().chain(catalog_keyed).collect();
    others.extend(written);
    others.push(story_format::search::FOLDER.to_owned());
    others.sort_unstable();
    others.dedup();
    phase.end("feeds, sitemaps, robots.txt and search index");
    // In the bundles' order: their folders' as text, the manifest's.
    let keys = summary_of.iter().map(|&at| {
        let s = &summaries[at as usize];
        let folder = folder_of(&site, bundles[s.bundle as usize]);
        let message = |f: Failure| match f {
            Failure::Run(m) | Failure::Changed(m) => m,
            Failure::Input { .. } => "a story's folder".into(),
        };
        Ok((folder.map_err(message)?, records.key(s).map_err(message)?))
    });
    manifest::write(tmp.path(), keys, (&list_keys, &keyed_files), &others)?;
    let changes = match &opts.changes {
        Some(_) => Some(changes::changes_between(&opts.out, tmp.path()).map_err(|e| run_err(&opts.out, e))?),
        None => None,
    };
    phase.end("manifest and changes");
    let leftover = tmp.replace(&opts.out, keep_spare)?;
    phase.end("swap and old site removed");
    phase.done();
    Ok(Built {
        stories: summaries.len(),
        pages: list_pages + summaries.len(),
        reports,
        files: files.len(),
        leftover,
        images: (pipeline.encoded.into_inner(), pipeline.cached.into_inner()),
        reused: summaries.iter().filter(|s| s.reused).count(),
        remembered: summaries.iter().filter(|s| s.remembered).count(),
        unread: summaries.iter().filter(|s| s.unread).count(),
        recalled,
        catalog_pages: (kept_pages, catalog.page_files().count()),
        changes,
        search,
        context: Context { info, folders, bundles: Arc::new(bundle_keys(&bundles)) },
    })
}

fn run_err(path: &Path, e: std::io::Error) -> Failure {
    Failure::Run(format!("{}: {e}", path.display()))
}

/// Each bundle file's [`check::path_key`], sorted: what
/// [`Context::is_bundle`] looks in.
fn bundle_keys(bundles: &[&Path]) -> Vec<check::PathKey> {
    let mut keys: Vec<check::PathKey> = bundles.iter().map(|b| check::path_key(b)).collect();
    keys.sort_unstable();
    keys
}

impl Context {
    /// `real` (a file's canonical path) is one of the site's bundle files.
    pub(super) fn is_bundle(&self, real: &Path) -> bool {
        self.bundles.binary_search(&check::path_key(real)).is_ok()
    }
}

/// Each tag's folder below the site (`tags/energy/`), named by the one
/// [`TagFolders`] map: the catalog's tags as the viewer's search names them
/// on a built page, then the tags only stories have.
fn tag_folders(catalog: &Entries, story_tags: &[String]) -> (Vec<String>, Arc<TagFolders>) {
    let folders = TagFolders::of_tags(catalog.all_tags(), story_tags.iter().map(String::as_str));
    (folders.tags().to_vec(), Arc::new(folders))
}

/// A tag's folder, as [`TagFolders`] names it.
fn tag_path_of(folders: Arc<TagFolders>) -> TagPath {
    Arc::new(move |t: &str| folders.path(t).unwrap_or("tags/tag/").to_owned())
}

/// A tag's folder below the site's root (`tags/energy/`).
type TagPath = Arc<dyn Fn(&str) -> String + Send + Sync>;
