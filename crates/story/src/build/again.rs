//! `story serve`'s fast path: when an author saves a story, its own pages
//! are rendered again in place in the site the last good build made, and
//! open pages reload at once; the whole site is built after (lists, tags,
//! feeds, search), as `story build` builds it.
//!
//! The pages are the ones a full build writes, byte for byte, as long as
//! nothing but the story changed: its pages are made from its JSON, its
//! images, the site's address, name and preview, and its tags' folders
//! (see `incremental`). So the fast path is taken only when every changed
//! file is the bundle file of a story the last build had, the story
//! checks without errors, and each of its tags already has a folder;
//! anything else (a new story, an image, the catalog, a new tag) waits for
//! the whole build. A check that finds errors stops here with its reports,
//! as the whole build would.

use std::path::{Path, PathBuf};

use story_viewer::publish::Place;

use super::files::{copy_file, local_path};
use super::pictures::Images;
use super::stories::{published_story, render_story, Pages};
use super::{incremental, run_err, tag_path_of, Context, Failure, Options};
use crate::check;
use crate::images::Pipeline;
use crate::report::Report;
use crate::sandbox::Sandbox;

/// Renders the stories whose bundle files are `files` again, in place in
/// `opts.out`, the site whose build gave `ctx`. `Ok(Some(paths))`: the
/// files written, relative to OUT (`a/b/index.html`); `Ok(None)`: the
/// change may reach beyond these pages, so only a whole build will do
/// (nothing was written); `Err(Failure::Input)`: the check's reports.
pub fn render_again(
    opts: &Options,
    ctx: &Context,
    files: &[PathBuf],
) -> Result<Option<Vec<String>>, Failure> {
    let sandbox = Sandbox::new(&opts.site).map_err(|e| run_err(&opts.site, e))?;
    let site = sandbox.root().to_owned();
    // Each changed file as the build named it: SITE's real folder, then the
    // path below it (the file itself is read through the sandbox). An
    // editor's files are passed over: one already gone (a save's temporary
    // file), a hidden one (a swap file), a backup (`story.json~`); the whole
    // build that follows sees everything anyway.
    let mut bundles = Vec::new();
    for f in files {
        let (Some(dir), Some(name)) = (f.parent(), f.file_name()) else { return Ok(None) };
        let shown = name.to_string_lossy();
        if shown.starts_with('.') || shown.ends_with('~') || std::fs::symlink_metadata(f).is_err() {
            continue;
        }
        let Ok(dir) = std::fs::canonicalize(dir) else { return Ok(None) };
        let file = dir.join(name);
        if !ctx.is_bundle(&file) {
            return Ok(None);
        }
        if !bundles.contains(&file) {
            bundles.push(file);
        }
    }
    if bundles.is_empty() {
        return Ok(None);
    }
    let (reports, _) = check::check_files(&sandbox, &mut bundles.iter().collect());
    if reports.iter().any(Report::has_errors) {
        return Err(Failure::Input { reports, files: bundles.len() });
    }

    let info = &ctx.info;
    let pipeline = Pipeline::new(opts.cache.clone().unwrap_or_else(Pipeline::default_cache));
    let images = Images { sandbox: &sandbox, root: &info.root, pipeline: &pipeline };
    let tag_path = tag_path_of(ctx.folders.clone());
    let place = |page| Place {
        page,
        root: info.root.clone(),
        tag_path: tag_path.clone(),
        pictures: Default::default(),
    };
    let previous = incremental::Previous::default();
    let used = std::sync::Mutex::default();
    let pages = Pages {
        info,
        place: &place,
        images: &images,
        previous: &previous,
        index: None,
        used: &used,
        memo: None,
        remember: None,
    };

    // Rendered beside OUT first, then each file moved into place, so a page
    // is never served half written.
    let scratch = Scratch::new(&opts.out)?;
    let mut written = Vec::new();
    for file in &bundles {
        let tags = published_story(&sandbox, file, &info.root)?.story.tags;
        if tags.iter().any(|t| ctx.folders.path(t).is_none()) {
            return Ok(None);
        }
        let s = render_story(&sandbox, file, scratch.path(), &pages, [0; 16])?;
        // The files the story uses, as the build publishes them (an image's
        // versions from the cache; a file already there is the same file,
        // its name holding its content's hash).
        let assets = std::mem::take(&mut *used.lock().expect("no panics while locked"));
        for rel in &assets {
            let from = local_path(&site, rel)?;
            let real =
                sandbox.file(&from).map_err(|why| Failure::Run(format!("{} {why}", from.display())))?;
            match images.published(rel, &real)? {
                Some(made) => {
                    for (from, to) in made {
                        let to = opts.out.join(to);
                        if std::fs::symlink_metadata(&to).is_err() {
                            std::fs::create_dir_all(crate::sandbox::parent_dir(&to))?;
                            std::fs::hard_link(&from, &to)
                                .or_else(|_| std::fs::copy(&from, &to).map(drop))
                                .map_err(|e| run_err(&from, e))?;
                        }
                    }
                }
                None => {
                    let at = scratch.path().join(rel);
                    copy_file(&sandbox, &real, &at)?;
                    written.push(rel.clone());
                }
            }
        }
        for e in std::fs::read_dir(scratch.path().join(&s.folder))?.flatten() {
            if e.file_type().is_ok_and(|t| t.is_file()) {
                written.push(format!("{}{}", s.folder, e.file_name().to_string_lossy()));
            }
        }
    }
    for rel in &written {
        let to = opts.out.join(rel);
        std::fs::create_dir_all(crate::sandbox::parent_dir(&to))?;
        std::fs::rename(scratch.path().join(rel), &to).map_err(|e| run_err(&to, e))?;
    }
    Ok(Some(written))
}

/// A folder beside OUT for one fast render, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(out: &Path) -> Result<Scratch, Failure> {
        let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("site");
        let path = crate::sandbox::parent_dir(out).join(format!(".{name}.again-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir(&path).map_err(|e| run_err(&path, e))?;
        Ok(Scratch(path))
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
