//! The manifest of a built site (`.story-build`): each story's folder and
//! the key of its pages, each list page's, each keyed file's (a catalog
//! page made from the bundles, a list of stories of the search), and every
//! other file the site holds. It is read as a stream (it is 118 MB at
//! 1,000,000 stories), and the stories' part is held as [`Keys`]: a table
//! of the folders' hashes and keys, 25 bytes a story where a map of the
//! folders' names took about 160. The names themselves are read again
//! from the file by whoever needs them ([`each`]): clearing the spare,
//! listing a deploy's changes.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::io;
use std::path::Path;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Serialize;

/// Changes whenever what a page is made from could change without its
/// inputs changing: this program's version. A manifest of another is not
/// used (a full build).
pub(super) const VERSION: &str = concat!("story ", env!("CARGO_PKG_VERSION"), " build/4");

/// The file in a built site that holds each story's key (JSON:
/// `{"version": V, "stories": {"a/b/": "hex", ...}, "lists": {...},
/// "files": {"search/docs-0.json": "hex", ...}, "others": [...]}`,
/// `version` first; `files` may be missing, as from an older build).
pub const MANIFEST: &str = ".story-build";

/// What a page was made from, hashed: the first 16 bytes of its inputs'
/// SHA-256, held for every story and list page (as 64 hex digits it took
/// 104 bytes and an allocation each; the whole digest, 32). Two different
/// pages of a million share a key with a chance of about 10^-27, and
/// making two on purpose takes about 2^64 hashes. Written in the
/// manifest as hex.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PageKey([u8; KEY_BYTES]);

/// A [`PageKey`]'s length in bytes.
pub(super) const KEY_BYTES: usize = 16;

impl PageKey {
    pub(super) fn as_bytes(&self) -> &[u8; KEY_BYTES] {
        &self.0
    }
    pub(super) fn from_bytes(bytes: [u8; KEY_BYTES]) -> PageKey {
        PageKey(bytes)
    }
    /// The key of a page whose inputs hash to `digest` (SHA-256).
    pub(super) fn of_digest(digest: &[u8; 32]) -> PageKey {
        let mut key = [0; KEY_BYTES];
        key.copy_from_slice(&digest[..KEY_BYTES]);
        PageKey(key)
    }
    /// As 32 hex digits, made by table (a digit at a time through
    /// `write!`, the keys were a third of writing a manifest).
    fn hex(&self) -> [u8; 2 * KEY_BYTES] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0u8; 2 * KEY_BYTES];
        for (pair, b) in text.chunks_exact_mut(2).zip(self.0) {
            pair.copy_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
        text
    }
}

impl std::fmt::Display for PageKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(std::str::from_utf8(&self.hex()).map_err(|_| std::fmt::Error)?)
    }
}

impl std::fmt::Debug for PageKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PageKey({self})")
    }
}

impl Serialize for PageKey {
    /// As 32 hex digits ([`PageKey::hex`]).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(std::str::from_utf8(&self.hex()).map_err(serde::ser::Error::custom)?)
    }
}

impl<'de> serde::Deserialize<'de> for PageKey {
    /// 32 hex digits; anything else makes the manifest unusable (a full
    /// build). Read from the text as it is, never copied into a string.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Hex;
        impl Visitor<'_> for Hex {
            type Value = PageKey;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("32 hex digits")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<PageKey, E> {
                let digit = |c: u8| (c as char).to_digit(16).map(|v| v as u8);
                let bytes = text.as_bytes();
                let mut key = [0u8; KEY_BYTES];
                if bytes.len() != 2 * KEY_BYTES {
                    return Err(E::custom("a key is 32 hex digits"));
                }
                for (i, pair) in bytes.chunks(2).enumerate() {
                    match (digit(pair[0]), digit(pair[1])) {
                        (Some(hi), Some(lo)) => key[i] = hi << 4 | lo,
                        _ => return Err(E::custom("a key is 32 hex digits")),
                    }
                }
                Ok(PageKey(key))
            }
        }
        d.deserialize_str(Hex)
    }
}

/// The manifest's key of a file whose bytes are all made from what
/// `key` (a SHA-256) hashes within a memo's `context` (this version, the
/// site, its address): a catalog page or list of stories kept between
/// builds by that key. A deploy's changes compare such files by key.
pub(super) fn file_key(context: &[u8], key: &[u8; 32]) -> PageKey {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update((context.len() as u64).to_le_bytes());
    hash.update(context);
    hash.update(key);
    PageKey::of_digest(&hash.finalize().into())
}

/// A keyed file: its path in the site and its key ([`file_key`]).
pub type Keyed = (String, PageKey);

/// Each story's folder, hashed (8 bytes), beside its pages' key: sorted by
/// the hash, with where each run of about four hashes starts, so a lookup
/// reads one or two cache lines. Two folders with one hash are both kept
/// and the first found answers for both: harmless, as a page's key covers
/// its address, so the other folder's key does not match it and its story
/// is rendered again.
#[derive(Default)]
pub struct Keys {
    rows: Vec<(u64, PageKey)>,
    /// `starts[b]`: the first row of bucket `b` ([`bucket`]); one more at the end.
    starts: Vec<u32>,
}

/// The hash a folder is found by (the same in one process).
fn folder_hash(folder: &str) -> u64 {
    std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(folder)
}

/// The bucket of `hash` among `buckets`: its top bits, scaled.
fn bucket(hash: u64, buckets: usize) -> usize {
    ((hash as u128 * buckets as u128) >> 64) as usize
}

impl Keys {
    /// The table of `rows` (a folder's hash, its key), in any order.
    fn new(mut rows: Vec<(u64, PageKey)>) -> Keys {
        rows.sort_unstable_by_key(|r| r.0);
        rows.shrink_to_fit();
        let buckets = rows.len() / 4 + 1;
        let mut starts = Vec::with_capacity(buckets + 1);
        let mut at = 0;
        for b in 0..=buckets {
            while at < rows.len() && bucket(rows[at].0, buckets) < b {
                at += 1;
            }
            starts.push(at as u32);
        }
        Keys { rows, starts }
    }

    /// The key of the story in `folder` (`a/b/`), when the table has it.
    pub fn get(&self, folder: &str) -> Option<&PageKey> {
        let buckets = self.starts.len().checked_sub(1).filter(|&b| b > 0)?;
        let hash = folder_hash(folder);
        let b = bucket(hash, buckets);
        let run = &self.rows[self.starts[b] as usize..self.starts[b + 1] as usize];
        run.iter().find(|r| r.0 == hash).map(|r| &r.1)
    }

    /// How many stories the table holds.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.rows.len()
    }
}

/// Which of the manifest's maps a name is in: a story's folder, a list
/// page's, or a keyed file's.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Story,
    List,
    File,
}

/// A manifest read whole: the stories' table, the list pages' map (a
/// few thousand at most), every other file (when it lists them), and
/// whether every name in it is plainly below the site (no `..`, not
/// absolute: the build removes files by these names).
#[derive(Default)]
pub struct Manifest {
    pub stories: Keys,
    pub lists: HashMap<String, PageKey>,
    pub others: Option<Vec<String>>,
    pub plain: bool,
}

/// The manifest at `path`, read: `None` when it is not a regular file
/// under 1 GiB, not a manifest, or one of another version.
pub fn read(path: &Path) -> Option<Manifest> {
    let mut rows = Vec::new();
    let mut lists = HashMap::new();
    let mut plain = true;
    let others = each(path, |kind, folder, key| {
        plain &= is_plain(folder);
        match kind {
            Kind::Story => rows.push((folder_hash(folder), key)),
            Kind::List => drop(lists.insert(folder.to_owned(), key)),
            Kind::File => {} // only a deploy's changes compare them
        }
    })?;
    plain &= others.iter().flatten().all(|o| is_plain(o));
    Some(Manifest { stories: Keys::new(rows), lists, others, plain })
}

/// Whether `rel` (a file, or a folder ending in `/`) is plainly below the
/// site: no `..`, `.`, or root in it, no NUL.
pub fn is_plain(rel: &str) -> bool {
    // As bytes: each name between slashes (a manifest holds 100,000 and
    // more; through `Path::components`, 3 % of a build that changed
    // nothing). Empty names (`a//b`) are no step anywhere.
    let trimmed = rel.trim_end_matches('/').as_bytes();
    !rel.contains('\0')
        && !trimmed.starts_with(b"/")
        && trimmed.split(|&b| b == b'/').all(|name| name != b"." && name != b"..")
}

/// Reads the manifest at `path` as a stream, giving `each` every folder
/// and key in it as they come (the stories in their folders' order, then
/// the list pages', then the keyed files'), and returns its list of other
/// files (`Some(None)`: it has none). `None`: as [`read`]; `each` is then
/// given nothing past a wrong version (it is the first thing in the file),
/// but may have been given some folders before the file turned out not to
/// be JSON.
pub fn each(path: &Path, each: impl FnMut(Kind, &str, PageKey)) -> Option<Option<Vec<String>>> {
    each_within(path, each, READ_WHOLE)
}

/// A manifest up to this size is read whole and parsed from memory (8 MB
/// at 100,000 stories): parsed from a reader, a byte at a time, the
/// manifests a build reads took about half a second of it. A larger one
/// (past about 800,000 stories) is parsed as it is read, in bounded memory.
const READ_WHOLE: u64 = 64 << 20;

/// [`each`], reading the file whole when it is at most `whole` bytes.
fn each_within(
    path: &Path,
    mut each: impl FnMut(Kind, &str, PageKey),
    whole: u64,
) -> Option<Option<Vec<String>>> {
    fn parse<'de, R: serde_json::de::Read<'de>>(
        mut json: serde_json::Deserializer<R>,
        each: &mut impl FnMut(Kind, &str, PageKey),
    ) -> Option<Option<Vec<String>>> {
        let others = Whole { each }.deserialize(&mut json).ok()?;
        json.end().ok()?;
        Some(others)
    }
    let len = std::fs::symlink_metadata(path).ok().filter(|m| m.is_file() && m.len() < 1 << 30)?.len();
    let file = std::fs::File::open(path).ok()?;
    if len > whole {
        let reader = io::BufReader::with_capacity(1 << 16, file);
        return parse(serde_json::Deserializer::from_reader(reader), &mut each);
    }
    let mut bytes = Vec::with_capacity(len as usize);
    io::Read::read_to_end(&mut io::Read::take(file, whole + 1), &mut bytes).ok()?;
    parse(serde_json::Deserializer::from_slice(&bytes), &mut each)
}

/// The manifest's top object, `version` first.
struct Whole<'e, F> {
    each: &'e mut F,
}

impl<'de, F: FnMut(Kind, &str, PageKey)> DeserializeSeed<'de> for Whole<'_, F> {
    type Value = Option<Vec<String>>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(Kind, &str, PageKey)> Visitor<'de> for Whole<'_, F> {
    type Value = Option<Vec<String>>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a build's manifest")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let first: Option<Cow<str>> = map.next_key()?;
        let version: Cow<str> = match first.as_deref() {
            Some("version") => map.next_value()?,
            _ => return Err(de::Error::custom("the manifest's version is not first")),
        };
        if version != VERSION {
            return Err(de::Error::custom("a manifest of another version"));
        }
        let mut others = None;
        while let Some(name) = map.next_key::<Cow<str>>()? {
            match name.as_ref() {
                "stories" => map.next_value_seed(Folders { kind: Kind::Story, each: &mut *self.each })?,
                "lists" => map.next_value_seed(Folders { kind: Kind::List, each: &mut *self.each })?,
                "files" => map.next_value_seed(Folders { kind: Kind::File, each: &mut *self.each })?,
                "others" => others = map.next_value()?,
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        Ok(others)
    }
}

/// One of the manifest's maps of folders, each given to `each`.
struct Folders<'e, F> {
    kind: Kind,
    each: &'e mut F,
}

impl<'de, F: FnMut(Kind, &str, PageKey)> DeserializeSeed<'de> for Folders<'_, F> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(Kind, &str, PageKey)> Visitor<'de> for Folders<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("folders and their keys")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // One buffer for every name: no allocation a folder.
        let mut name = String::new();
        while map.next_key_seed(Buffered(&mut name))?.is_some() {
            let key: PageKey = map.next_value()?;
            (self.each)(self.kind, &name, key);
        }
        Ok(())
    }
}

/// A string read into a buffer kept from one name to the next.
struct Buffered<'b>(&'b mut String);

impl<'de> DeserializeSeed<'de> for Buffered<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for Buffered<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a folder")
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        self.0.clear();
        self.0.push_str(text);
        Ok(())
    }
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
    files: &'a BTreeMap<String, PageKey>,
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
/// page's, `files` each file whose bytes its key stands for (they are also
/// in `others`, in their folder or by name), `others` every other file of
/// the site (a folder, ending in `/`, is the build's whole), sorted.
pub fn write(
    dir: &Path,
    stories: impl Iterator<Item = Result<(String, PageKey), String>>,
    (lists, files): (&BTreeMap<String, PageKey>, &BTreeMap<String, PageKey>),
    others: &[String],
) -> io::Result<()> {
    let stories = InOrder(Some(stories).into());
    let manifest = ManifestOut { version: VERSION, stories, lists, files, others };
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

    /// A key goes into the manifest as 32 hex digits and comes back the
    /// same; anything else in its place makes the manifest unusable.
    #[test]
    fn a_key_is_written_as_hex_and_read_back() {
        let mut bytes = [0u8; KEY_BYTES];
        bytes.iter_mut().enumerate().for_each(|(i, b)| *b = (i * 37 + 5) as u8);
        let key = PageKey(bytes);
        let json = serde_json::to_string(&key).unwrap();
        assert_eq!(json.len(), 34);
        assert!(json.starts_with("\"052a4f"), "{json}");
        assert_eq!(serde_json::from_str::<PageKey>(&json).unwrap(), key);
        assert_eq!(serde_json::from_str::<PageKey>(&json.to_uppercase()).unwrap(), key);
        for bad in ["\"\"", "\"052a\"", &json.replacen('0', "g", 1), &json.replacen('"', "\"00", 1)] {
            assert!(serde_json::from_str::<PageKey>(bad).is_err(), "{bad}");
        }
    }

    /// A name is plain when no step of it leaves the site or stays put:
    /// a path the build may remove files by.
    #[test]
    fn only_names_below_the_site_are_plain() {
        for plain in ["", "/", "a/", "a/b/", "feed.xml", "search/docs-1.json", "a//b/", "a.b/..c/"] {
            assert!(is_plain(plain), "{plain:?}");
        }
        for not in ["..", "../a/", "a/../b", "a/..", "/etc/", "//a", "./a", "a/./b", ".", "a\0b"] {
            assert!(!is_plain(not), "{not:?}");
        }
    }

    /// Every folder of a table is found with its own key, whatever the
    /// table's size (an empty one, one story, buckets of every fill), and
    /// a folder it lacks is not.
    #[test]
    fn a_table_finds_each_folder_it_holds_and_no_other() {
        for n in [0usize, 1, 2, 3, 5, 17, 1000, 10_007] {
            let folder = |i: usize| format!("{}/{i}/", i % 7);
            let key = |i: usize| PageKey([(i % 251) as u8; KEY_BYTES]);
            let keys = Keys::new((0..n).rev().map(|i| (folder_hash(&folder(i)), key(i))).collect());
            assert_eq!(keys.len(), n);
            for i in 0..n {
                assert_eq!(keys.get(&folder(i)), Some(&key(i)), "{n}: {i}");
            }
            assert_eq!(keys.get(&folder(n)), None, "{n}");
            assert_eq!(keys.get(""), None, "{n}");
        }
    }

    /// A manifest written is read back the same, every folder given in
    /// order; one of another version, with its version not first, or cut
    /// short is not used, and a name that climbs out of the site is flagged.
    #[test]
    fn a_manifest_is_read_back_as_a_stream() {
        let dir = std::env::temp_dir().join(format!("story-manifest-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let stories = ["a/", "b/c/", "d/"].map(|f| Ok((f.to_owned(), PageKey([f.len() as u8; KEY_BYTES]))));
        let lists = BTreeMap::from([
            (String::new(), PageKey([9; KEY_BYTES])),
            ("tags/x/".into(), PageKey([8; KEY_BYTES])),
        ]);
        let files = BTreeMap::from([("search/docs-0.json".into(), PageKey([7; KEY_BYTES]))]);
        write(&dir, stories.clone().into_iter(), (&lists, &files), &["feed.xml".into(), "search/".into()])
            .unwrap();
        let path = dir.join(MANIFEST);
        // Read whole, and as a stream (a file past the size read whole).
        for whole in [READ_WHOLE, 0] {
            let mut seen = Vec::new();
            let others = each_within(&path, |kind, f, k| seen.push((kind, f.to_owned(), k)), whole).unwrap();
            assert_eq!(others, Some(vec!["feed.xml".to_owned(), "search/".to_owned()]));
            let story = |f: &str| (Kind::Story, f.to_owned(), PageKey([f.len() as u8; KEY_BYTES]));
            let list = |f: &str, n| (Kind::List, f.to_owned(), PageKey([n; KEY_BYTES]));
            let file = (Kind::File, "search/docs-0.json".to_owned(), PageKey([7; KEY_BYTES]));
            assert_eq!(
                seen,
                [story("a/"), story("b/c/"), story("d/"), list("", 9), list("tags/x/", 8), file]
            );
        }
        let read = read(&path).unwrap();
        assert!(read.plain);
        assert_eq!(
            (read.stories.get("b/c/"), read.stories.get("c/")),
            (Some(&PageKey([4; KEY_BYTES])), None)
        );
        assert_eq!(read.lists.len(), 2);

        let text = std::fs::read_to_string(&path).unwrap();
        let other_version = text.replace(VERSION, "story 0.0.0 build/1");
        let version_last = format!("{{\"stories\":{{}},\"version\":\"{VERSION}\"}}");
        for bad in [other_version.as_str(), &version_last, &text[..text.len() / 2], "[]"] {
            std::fs::write(&path, bad).unwrap();
            assert!(super::read(&path).is_none(), "{bad}");
            assert!(each_within(&path, |_, _, _| (), 0).is_none(), "{bad}, as a stream");
        }
        std::fs::write(&path, text.replace("\"d/\"", "\"../d/\"")).unwrap();
        assert!(!super::read(&path).unwrap().plain);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
