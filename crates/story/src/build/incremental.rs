//! Incremental builds: a build remembers what each story's pages were made
//! from, and the next build keeps those pages when nothing they were made
//! from changed: already in place in the spare site it updates ([`Spare`]:
//! the site before OUT), else hard-linked from OUT. The site is still
//! made whole beside OUT and swapped in at once, so a build that stops
//! leaves the old site as it was; and a build with nothing to reuse (a new
//! OUT, a manifest from another version) is a full build.
//!
//! What a story's pages are made from, all in its key ([`story_key`]): the
//! hash of the story's JSON as published, its address, the site's address, name and
//! preview image, the versions of its images (named by their content's
//! hash, so an edited photo changes them), the folders of its tags, and
//! this program's version. A list page (the catalog's, a tag's) is kept the
//! same way when its entries, its place among the pages, the site, its
//! thumbnails and its tags' folders are the same ([`list_key`]). Feeds,
//! sitemaps and the catalog's files are written every time (the catalog's
//! pages and the search's lists of stories from their memos when what
//! they are made from is the same).
//!
//! After a build, [`super::changes`] compares the new site with the old one file by
//! file (a reused page is the same inode; anything else is compared byte
//! for byte), so `--changes FILE` lists exactly what a deploy must upload
//! and delete.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use story_format::layout;
use story_format::url::Url;

use super::head::Site;
pub(super) use super::manifest::VERSION;
use super::manifest::{self, Keys, Kind, Manifest};
pub use super::manifest::{PageKey, MANIFEST};
use super::pictures::Preview;
use story_viewer::publish::Pictures;

/// The previous build's keys (each story's pages, each list page), and
/// where its site is; with the spare site the build is updating in place,
/// when it has one ([`Spare`]).
#[derive(Default)]
pub struct Previous {
    dir: PathBuf,
    /// Its manifest: the stories' keys by their folders' hashes (the
    /// names are read again from the file when they are needed:
    /// [`Previous::clear_spare`]), and `others: None` for a manifest from
    /// before every file was listed, whose site cannot be a spare.
    manifest: Manifest,
    spare: Option<Box<Previous>>,
}

/// The site before the previous one, kept beside OUT after a build (see
/// `Staging::adopt_spare`) and brought up to date in
/// place by the next: only the pages whose key changed since it was built
/// are written, so an unchanged story costs no file operation at all
/// (linking its five files into a fresh folder cost about 3 s at 100,000
/// stories, and removing the old site 1.5 s more). Its own manifest says
/// what each of its pages was made from, and every other file it holds.
pub type Spare = Previous;

/// The spare's manifest once the spare is the folder being built: kept
/// under this name until [`Previous::clear_spare`] has read the names of
/// its stories from it, then removed.
pub const SPARE_MANIFEST: &str = ".story-build.spare";

impl Previous {
    /// The keys of the site at `out`, a folder `story build` made (checked
    /// before); none when it has no manifest, or one of another version.
    pub fn read(out: &Path) -> Previous {
        match manifest::read(&out.join(MANIFEST)) {
            Some(manifest) => Previous { dir: out.to_owned(), manifest, spare: None },
            None => Previous::default(),
        }
    }

    /// Whether this site can be kept as the next build's spare: its
    /// manifest lists every file it holds.
    pub fn can_be_spare(&self) -> bool {
        self.manifest.others.is_some()
    }

    /// The spare site at `dir`, read from its manifest: `None` when it has
    /// none of this version that lists every file, or one that names a
    /// path which is not plainly below the site (`..`, an absolute path):
    /// the build removes files by these names.
    pub fn read_spare(dir: &Path) -> Option<Spare> {
        let spare = Previous::read(dir);
        (spare.can_be_spare() && spare.manifest.plain).then_some(spare)
    }

    /// Lets the stories' keys go (25 bytes a story, each site's): once the
    /// stories are made, only the list pages' are looked up.
    pub fn forget_stories(&mut self) {
        self.manifest.stories = Keys::default();
        if let Some(spare) = &mut self.spare {
            spare.forget_stories();
        }
    }

    /// Updates the spare in place rather than filling a fresh folder.
    pub fn with_spare(mut self, spare: Option<Spare>) -> Previous {
        self.spare = spare.map(Box::new);
        self
    }

    /// The pages of the story in `folder` are in `to` (the folder the
    /// build writes), made from `key`: already there (the spare's, made
    /// from the same key), or linked from the previous site when they were
    /// made from the same `key` and are all there as regular files. `false`:
    /// the story is to be rendered, and none of its pages is left in `to`.
    pub fn reuse(&self, folder: &str, key: &PageKey, to: &Path) -> io::Result<bool> {
        self.reuse_in(folder, key, to, |p, f| p.manifest.stories.get(f), &layout::STORY_OUTPUTS)
    }

    /// As [`Previous::reuse`], for the list page in `folder` (its `index.html`).
    pub fn reuse_list(&self, folder: &str, key: &PageKey, to: &Path) -> io::Result<bool> {
        self.reuse_in(folder, key, to, |p, f| p.manifest.lists.get(f), &[layout::PAGE_FILE])
    }

    fn reuse_in(
        &self,
        folder: &str,
        key: &PageKey,
        to: &Path,
        key_of: for<'p> fn(&'p Previous, &str) -> Option<&'p PageKey>,
        names: &[&str],
    ) -> io::Result<bool> {
        if let Some(spare) = &self.spare {
            match key_of(spare, folder) {
                Some(k) if k == key => return Ok(true),
                // Removed, never written through: the spare's files may be
                // the previous site's (or the image cache's) too.
                Some(_) => remove_files(to, names)?,
                None => {}
            }
        }
        Ok(key_of(self, folder) == Some(key) && self.link(folder, names, to))
    }

    /// The spare's stories this build does not make (`stories`: whether
    /// it makes the story in a folder), and every file it holds that is not
    /// a page, removed with the folders they leave empty: what is left in
    /// `dir` is only pages the build may keep, so nothing else it writes
    /// lands on a file of the spare. The stories' folders are read from
    /// the spare's manifest, [`SPARE_MANIFEST`] in `dir`, which goes then.
    /// (Its list pages are cleared when the build knows its lists:
    /// [`Previous::clear_spare_lists`].)
    pub fn clear_spare(&self, dir: &Path, stories: impl Fn(&str) -> bool) -> io::Result<()> {
        let Some(spare) = &self.spare else { return Ok(()) };
        let manifest = dir.join(SPARE_MANIFEST);
        let mut failed = Ok(());
        let read = manifest::each(&manifest, |kind, folder, _| {
            // Checked again: this is a second reading of the file.
            if kind == Kind::Story && failed.is_ok() && manifest::is_plain(folder) && !stories(folder) {
                failed = remove_page(dir, folder, &layout::STORY_OUTPUTS);
            }
        });
        failed?;
        if read.is_none() {
            // Read whole when the spare was adopted, and not now: changed
            // since, so its stories are not known and it cannot be kept.
            return Err(io::Error::other(format!("{}: changed while the build read it", manifest.display())));
        }
        std::fs::remove_file(&manifest)?;
        for rel in spare.manifest.others.iter().flatten() {
            let path = dir.join(rel);
            match rel.strip_suffix('/') {
                Some(_) => std::fs::remove_dir_all(&path),
                None => std::fs::remove_file(&path),
            }
            .or_else(|e| if e.kind() == io::ErrorKind::NotFound { Ok(()) } else { Err(e) })?;
            remove_empty(dir, rel.trim_end_matches('/'))?;
        }
        Ok(())
    }

    /// As [`Previous::clear_spare`], for the list pages: those the build
    /// does not make (`lists`: whether it makes the list page in a folder)
    /// removed, before any list page is written.
    pub fn clear_spare_lists(&self, dir: &Path, lists: impl Fn(&str) -> bool) -> io::Result<()> {
        let Some(spare) = &self.spare else { return Ok(()) };
        let mut gone = spare.manifest.lists.keys().filter(|f| !lists(f));
        gone.try_for_each(|folder| remove_page(dir, folder, &[layout::PAGE_FILE]))
    }

    /// Links `names` from `folder` of the previous site into `to`, all or none.
    fn link(&self, folder: &str, names: &[&str], to: &Path) -> bool {
        let from = self.dir.join(folder);
        let all_there =
            names.iter().all(|name| std::fs::symlink_metadata(from.join(name)).is_ok_and(|m| m.is_file()));
        if !all_there || std::fs::create_dir_all(to).is_err() {
            return false;
        }
        for name in names {
            let linked = std::fs::hard_link(from.join(name), to.join(name))
                .or_else(|_| std::fs::copy(from.join(name), to.join(name)).map(drop));
            if linked.is_err() {
                for name in names {
                    let _ = std::fs::remove_file(to.join(name));
                }
                return false;
            }
        }
        true
    }
}

/// Removes the page's files (`names`) from `folder` below `dir`, and the
/// folders that leaves empty.
fn remove_page(dir: &Path, folder: &str, names: &[&str]) -> io::Result<()> {
    remove_files(&dir.join(folder), names)?;
    remove_empty(dir, folder)
}

/// Removes `names` from the folder `dir`, those that are there.
fn remove_files(dir: &Path, names: &[&str]) -> io::Result<()> {
    for name in names {
        match std::fs::remove_file(dir.join(name)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Removes `rel`'s folders below `root` that are left empty, deepest first
/// (`rel` a folder or a file's path below `root`): a full build leaves no
/// empty folder, and neither may an update.
fn remove_empty(root: &Path, rel: &str) -> io::Result<()> {
    let mut at = Path::new(rel.trim_end_matches('/'));
    if !rel.ends_with('/') {
        at = at.parent().unwrap_or(Path::new(""));
    }
    while !at.as_os_str().is_empty() {
        match std::fs::remove_dir(root.join(at)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(_) => return Ok(()), // not empty (or not a folder): kept
        }
        at = at.parent().unwrap_or(Path::new(""));
    }
    Ok(())
}

/// The key of a story's pages: a hash of everything they are made from
/// (see the module's documentation).
pub fn story_key<'t>(
    json_hash: &[u8; 32],
    page: &Url,
    site: &Site,
    pictures: &Pictures,
    hero: Option<&Preview>,
    tag_folders: impl Iterator<Item = String> + 't,
) -> PageKey {
    let mut key = Key::new();
    key.part(json_hash);
    key.site(page, site);
    key.pictures(pictures);
    key.debug(&hero);
    key.finish(tag_folders)
}

/// The key of a list page: a hash of what it is made from (its entries as
/// the catalog has them, where it sits among the list's pages, the site,
/// its thumbnails' versions, the folders of the tags it links to).
pub fn list_key<'t>(
    page: &Url,
    site: &Site,
    parts: &[&dyn std::fmt::Debug],
    pictures: &Pictures,
    tag_folders: impl Iterator<Item = String> + 't,
) -> PageKey {
    let mut key = Key::new();
    key.site(page, site);
    for p in parts {
        key.debug(p);
    }
    key.pictures(pictures);
    key.finish(tag_folders)
}

/// A key being worked out: each part hashed, then its length, so that two
/// different lists of parts never run together into the same bytes (read
/// from the end, the lengths split the bytes back into their parts).
struct Key(Sha256);

/// Counts what a `Debug` implementation writes into the hash, with no
/// string in between (a list page's entries are kilobytes of it).
struct Counted<'k>(&'k mut Sha256, u64);

impl std::fmt::Write for Counted<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        self.1 += s.len() as u64;
        Ok(())
    }
}

impl Key {
    /// Starts with this program's version.
    fn new() -> Key {
        let mut key = Key(Sha256::new());
        key.part(VERSION.as_bytes());
        key
    }
    fn part(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
        self.0.update((bytes.len() as u64).to_le_bytes());
    }
    /// A part written by `value`'s `Debug` implementation.
    fn debug(&mut self, value: &dyn std::fmt::Debug) {
        let mut out = Counted(&mut self.0, 0);
        // Writing into a hash cannot fail; a `Debug` that fails is a bug
        // in it, and the key then covers what it wrote.
        let _ = std::fmt::write(&mut out, format_args!("{value:?}"));
        let len = out.1;
        self.0.update(len.to_le_bytes());
    }
    /// The page's address, and the site's address, name and preview.
    fn site(&mut self, page: &Url, site: &Site) {
        self.part(page.as_str().as_bytes());
        self.part(site.root.as_str().as_bytes());
        self.part(site.name.as_bytes());
        self.debug(&site.preview);
    }
    /// The images' versions, in a fixed order.
    fn pictures(&mut self, pictures: &Pictures) {
        let sorted: BTreeMap<&String, String> =
            pictures.0.iter().map(|(k, v)| (k, format!("{v:?}"))).collect();
        self.debug(&sorted);
    }
    /// The folders of the tags the page links to, then the hash.
    fn finish(mut self, tag_folders: impl Iterator<Item = String>) -> PageKey {
        for folder in tag_folders {
            self.part(folder.as_bytes());
        }
        PageKey::of_digest(&self.0.finalize().into())
    }
}
