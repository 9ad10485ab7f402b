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
//! sitemaps and the catalog's files are written every time.
//!
//! After a build, [`changes`] compares the new site with the old one file by
//! file (a reused page is the same inode; anything else is compared byte
//! for byte), so `--changes FILE` lists exactly what a deploy must upload
//! and delete.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};
use story_format::layout;
use story_format::url::Url;

use super::head::Site;
use super::pictures::Preview;
use story_viewer::publish::Pictures;

/// The file in a built site that holds each story's key (JSON:
/// `{"version": V, "stories": {"a/b/": "hex", ...}}`).
pub const MANIFEST: &str = ".story-build";

/// Changes whenever what a page is made from could change without its
/// inputs changing: this program's version.
pub(super) const VERSION: &str = concat!("story ", env!("CARGO_PKG_VERSION"), " build/3");

/// The previous build's keys (each story's pages, each list page), and
/// where its site is; with the spare site the build is updating in place,
/// when it has one ([`Spare`]).
#[derive(Default)]
pub struct Previous {
    dir: PathBuf,
    keys: HashMap<String, PageKey>,
    lists: HashMap<String, PageKey>,
    /// Every other file of the site (`None`: a manifest from before they
    /// were listed, whose site cannot be a spare).
    others: Option<Vec<String>>,
    spare: Option<Box<Previous>>,
}

/// The site before the previous one, kept beside OUT after a build (see
/// [`super::staging::Staging::adopt_spare`]) and brought up to date in
/// place by the next: only the pages whose key changed since it was built
/// are written, so an unchanged story costs no file operation at all
/// (linking its five files into a fresh folder cost about 3 s at 100,000
/// stories, and removing the old site 1.5 s more). Its own manifest says
/// what each of its pages was made from, and every other file it holds.
pub type Spare = Previous;

/// What a page was made from, hashed (SHA-256): 32 bytes, held for every
/// story and list page (as 64 hex digits it took 104 bytes and an
/// allocation each). Written in the manifest as hex.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PageKey([u8; 32]);

impl PageKey {
    pub(super) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
    pub(super) fn from_bytes(bytes: [u8; 32]) -> PageKey {
        PageKey(bytes)
    }
}

impl std::fmt::Display for PageKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl std::fmt::Debug for PageKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PageKey({self})")
    }
}

impl Serialize for PageKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for PageKey {
    /// 64 hex digits; anything else makes the manifest unusable (a full build).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        let digit = |c: u8| (c as char).to_digit(16).map(|v| v as u8);
        let bytes = text.as_bytes();
        let mut key = [0u8; 32];
        if bytes.len() != 64 {
            return Err(serde::de::Error::custom("a key is 64 hex digits"));
        }
        for (i, pair) in bytes.chunks(2).enumerate() {
            match (digit(pair[0]), digit(pair[1])) {
                (Some(hi), Some(lo)) => key[i] = hi << 4 | lo,
                _ => return Err(serde::de::Error::custom("a key is 64 hex digits")),
            }
        }
        Ok(PageKey(key))
    }
}

impl Previous {
    /// The keys of the site at `out`, a folder `story build` made (checked
    /// before); none when it has no manifest, or one of another version.
    pub fn read(out: &Path) -> Previous {
        let path = out.join(MANIFEST);
        let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() < 1 << 30);
        // Read into its maps directly: as a JSON value first it held every
        // key twice (about 70 MB more at 100,000 stories).
        let Some(manifest) = regular
            .then(|| std::fs::read(&path).ok())
            .flatten()
            .and_then(|b| serde_json::from_slice::<ManifestIn>(&b).ok())
            .filter(|m| m.version == VERSION)
        else {
            return Previous::default();
        };
        let others = manifest.others;
        Previous { dir: out.to_owned(), keys: manifest.stories, lists: manifest.lists, others, spare: None }
    }

    /// Whether this site can be kept as the next build's spare: its
    /// manifest lists every file it holds.
    pub fn can_be_spare(&self) -> bool {
        self.others.is_some()
    }

    /// The spare site at `dir`, read from its manifest: `None` when it has
    /// none of this version that lists every file, or one that names a
    /// path which is not plainly below the site (`..`, an absolute path):
    /// the build removes files by these names.
    pub fn read_spare(dir: &Path) -> Option<Spare> {
        let spare = Previous::read(dir);
        let plain = |rel: &String| {
            let path = Path::new(rel.trim_end_matches('/'));
            !rel.contains('\0') && path.components().all(|c| matches!(c, std::path::Component::Normal(_)))
        };
        let names = spare.keys.keys().chain(spare.lists.keys().filter(|l| !l.is_empty()));
        let all_plain = names.chain(spare.others.iter().flatten()).all(plain);
        (spare.can_be_spare() && all_plain).then_some(spare)
    }

    /// Each story's folder and its pages' key.
    pub fn keys(&self) -> &HashMap<String, PageKey> {
        &self.keys
    }

    /// Each list page's folder and its key.
    pub fn list_keys(&self) -> &HashMap<String, PageKey> {
        &self.lists
    }

    /// Every file of the site that is not a page's (a folder ends in `/`),
    /// when its manifest lists them.
    pub fn others(&self) -> Option<&[String]> {
        self.others.as_deref()
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
        self.reuse_in(folder, key, to, |p| &p.keys, &layout::STORY_OUTPUTS)
    }

    /// As [`Previous::reuse`], for the list page in `folder` (its `index.html`).
    pub fn reuse_list(&self, folder: &str, key: &PageKey, to: &Path) -> io::Result<bool> {
        self.reuse_in(folder, key, to, |p| &p.lists, &[layout::PAGE_FILE])
    }

    fn reuse_in(
        &self,
        folder: &str,
        key: &PageKey,
        to: &Path,
        keys: fn(&Previous) -> &HashMap<String, PageKey>,
        names: &[&str],
    ) -> io::Result<bool> {
        if let Some(spare) = &self.spare {
            match keys(spare).get(folder) {
                Some(k) if k == key => return Ok(true),
                // Removed, never written through: the spare's files may be
                // the previous site's (or the image cache's) too.
                Some(_) => remove_files(to, names)?,
                None => {}
            }
        }
        Ok(keys(self).get(folder) == Some(key) && self.link(folder, names, to))
    }

    /// The spare's stories this build does not make (`stories`: whether
    /// it makes the story in a folder), and every file it holds that is not
    /// a page, removed with the folders they leave empty: what is left in
    /// `dir` is only pages the build may keep, so nothing else it writes
    /// lands on a file of the spare. (Its list pages are cleared when the
    /// build knows its lists: [`Previous::clear_spare_lists`].)
    pub fn clear_spare(&self, dir: &Path, stories: impl Fn(&str) -> bool) -> io::Result<()> {
        let Some(spare) = &self.spare else { return Ok(()) };
        gone(dir, &spare.keys, &stories, &layout::STORY_OUTPUTS)?;
        for rel in spare.others.iter().flatten() {
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
        match &self.spare {
            Some(spare) => gone(dir, &spare.lists, &lists, &[layout::PAGE_FILE]),
            None => Ok(()),
        }
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

/// The pages (`names`) in `dir` of each folder of `keys` that `made` says
/// this build does not make, removed with the folders they leave empty.
fn gone(
    dir: &Path,
    keys: &HashMap<String, PageKey>,
    made: &dyn Fn(&str) -> bool,
    names: &[&str],
) -> io::Result<()> {
    for folder in keys.keys().filter(|f| !made(f)) {
        remove_files(&dir.join(folder), names)?;
        remove_empty(dir, folder)?;
    }
    Ok(())
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
        PageKey(self.0.finalize().into())
    }
}

/// The manifest as it is read: anything else in it is ignored, and a
/// manifest of another version is not used.
#[derive(serde::Deserialize)]
struct ManifestIn {
    version: String,
    #[serde(default)]
    stories: HashMap<String, PageKey>,
    #[serde(default)]
    lists: HashMap<String, PageKey>,
    #[serde(default)]
    others: Option<Vec<String>>,
}

/// The manifest as it is written: each story's folder and key, each list
/// page's, in order. The stories are written as they are listed, not
/// gathered first (a map of them took 40 MB at 1,000,000).
#[derive(serde::Serialize)]
#[serde(bound = "InOrder<I>: Serialize")]
struct ManifestOut<'a, I> {
    version: &'a str,
    stories: InOrder<I>,
    lists: &'a BTreeMap<String, PageKey>,
    others: &'a [String],
}

/// A map written from a list of its members, already in order.
struct InOrder<I>(std::cell::RefCell<Option<I>>);

impl<I: Iterator<Item = Result<(String, PageKey), String>>> Serialize for InOrder<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeMap};
        let mut map = s.serialize_map(None)?;
        for member in self.0.borrow_mut().take().into_iter().flatten() {
            let (folder, key) = member.map_err(S::Error::custom)?;
            map.serialize_entry(&folder, &key)?;
        }
        map.end()
    }
}

/// Writes the manifest of the site being built in `dir`: `stories` are
/// each story's folder and key, in the folders' order as text (each once;
/// the first failure to list one stops the writing), `lists` each list
/// page's, `others` every other file of the site (a folder, ending in `/`,
/// is the build's whole), sorted.
pub fn write_manifest(
    dir: &Path,
    stories: impl Iterator<Item = Result<(String, PageKey), String>>,
    lists: &BTreeMap<String, PageKey>,
    others: &[String],
) -> io::Result<()> {
    let stories = InOrder(Some(stories).into());
    let manifest = ManifestOut { version: VERSION, stories, lists, others };
    let file = io::BufWriter::new(std::fs::File::create(dir.join(MANIFEST))?);
    let mut file = serde_json::Serializer::pretty(file);
    manifest.serialize(&mut file).map_err(io::Error::other)?;
    let mut file = file.into_inner();
    io::Write::write_all(&mut file, b"\n")?;
    io::Write::flush(&mut file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key goes into the manifest as 64 hex digits and comes back the
    /// same; anything else in its place makes the manifest unusable.
    #[test]
    fn a_key_is_written_as_hex_and_read_back() {
        let mut bytes = [0u8; 32];
        bytes.iter_mut().enumerate().for_each(|(i, b)| *b = (i * 37 + 5) as u8);
        let key = PageKey(bytes);
        let json = serde_json::to_string(&key).unwrap();
        assert_eq!(json.len(), 66);
        assert!(json.starts_with("\"052a4f"), "{json}");
        assert_eq!(serde_json::from_str::<PageKey>(&json).unwrap(), key);
        assert_eq!(serde_json::from_str::<PageKey>(&json.to_uppercase()).unwrap(), key);
        for bad in ["\"\"", "\"052a\"", &json.replacen('0', "g", 1), &json.replacen('"', "\"00", 1)] {
            assert!(serde_json::from_str::<PageKey>(bad).is_err(), "{bad}");
        }
    }
}
