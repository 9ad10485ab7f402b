//! What each story gave the last build, so that the next need not parse it
//! again: kept beside OUT (`.NAME.memo`), one record a story, found by its
//! file's path and used only when the file's bytes hash to what the record
//! was made from. A story whose JSON did not change is then read and
//! hashed, but neither parsed nor cut into search terms: at 100,000
//! stories those were most of an incremental build's stories phase.
//!
//! A record holds what the build needs of a story besides its pages:
//! its id, dates, tags, images (what their versions and the preview are
//! worked out from), the local files it uses and its search terms. Its
//! pages' key is worked out from these as from the parsed story
//! ([`super::incremental::story_key`] takes the JSON's hash), so a page
//! is kept or made again exactly as without the memo. Records are kept
//! only for `story.json` bundles (a `story.md` is imported each time).
//! Any doubt (another version, site or address; a record cut short; a
//! URL that no longer resolves) is a miss: the story is parsed as before.

use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use story_format::url::{resolve, Url};
use story_format::Image;

use crate::check::{path_key, PathKey};

/// The start of a memo file, then its context (the version, site and
/// address it was made for).
const MAGIC: &[u8; 8] = b"storymm1";

/// Where the memo of the site at `out` is kept.
pub(super) fn memo_path(out: &Path) -> PathBuf {
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("site");
    crate::sandbox::parent_dir(out).join(format!(".{name}.memo"))
}

/// An image as the memo keeps it: `(src, alt, size, focus)`, what its
/// versions and a preview are worked out from.
pub(super) type Pic = (Option<String>, String, Option<(u32, u32)>, Option<(u8, u8)>);

/// What a story gave: see the module's documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Remembered {
    /// SHA-256 of its JSON as published.
    pub(super) json_hash: [u8; 32],
    pub(super) id: super::entries::IdHash,
    pub(super) published: Option<i64>,
    /// Its `updated`, else its `published`, as written.
    pub(super) modified: Option<String>,
    pub(super) tags: Vec<String>,
    /// The hero (when `hero`) then every other image pages show, as
    /// `story_images` gives them: `(src, alt, size, focus)`.
    pub(super) images: Vec<Pic>,
    pub(super) hero: bool,
    /// The local files it uses, below the site's root.
    pub(super) assets: Vec<String>,
    /// Its own text's search terms, each once.
    pub(super) terms: Vec<String>,
}

impl Remembered {
    /// The images again, each `src` resolved as any URL of the format is
    /// (`None`: one no longer resolves, and the record is not used).
    pub(super) fn images(&self, base: &Url) -> Option<Vec<Image>> {
        self.images
            .iter()
            .map(|(src, alt, size, focus)| {
                let src = match src {
                    Some(s) => Some(resolve(s, base).ok()?),
                    None => None,
                };
                Some(Image {
                    src,
                    alt: alt.clone(),
                    size: *size,
                    srcset: Vec::new(),
                    caption: None,
                    credit: None,
                    link: None,
                    focus: *focus,
                })
            })
            .collect()
    }

    fn encode(&self) -> Vec<u8> {
        let mut e = Enc(Vec::with_capacity(256 + self.terms.len() * 10));
        e.0.extend_from_slice(&self.json_hash);
        e.0.extend_from_slice(&self.id);
        e.opt(self.published.map(|p| p.to_le_bytes().to_vec()).as_deref());
        e.opt(self.modified.as_deref().map(str::as_bytes));
        e.strs(&self.tags);
        e.u32(self.images.len() as u32);
        for (src, alt, size, focus) in &self.images {
            e.opt(src.as_deref().map(str::as_bytes));
            e.bytes(alt.as_bytes());
            let size = size.map(|(w, h)| [w.to_le_bytes(), h.to_le_bytes()].concat());
            e.opt(size.as_deref());
            e.opt(focus.map(|(x, y)| [x, y]).as_ref().map(|f| &f[..]));
        }
        e.0.push(u8::from(self.hero));
        e.strs(&self.assets);
        e.strs(&self.terms);
        e.0
    }

    fn decode(bytes: &[u8]) -> Option<Remembered> {
        let mut d = Dec(bytes);
        let json_hash = d.take(32)?.try_into().ok()?;
        let id = d.take(16)?.try_into().ok()?;
        let published = match d.opt()? {
            Some(b) => Some(i64::from_le_bytes(b.try_into().ok()?)),
            None => None,
        };
        let modified = d.opt()?.map(|b| String::from_utf8(b.to_vec())).transpose().ok()?;
        let tags = d.strs()?;
        let mut images = Vec::new();
        for _ in 0..d.u32()? {
            let src = d.opt()?.map(|b| String::from_utf8(b.to_vec())).transpose().ok()?;
            let alt = String::from_utf8(d.bytes()?.to_vec()).ok()?;
            let size = match d.opt()? {
                Some(b) if b.len() == 8 => Some((
                    u32::from_le_bytes(b[..4].try_into().ok()?),
                    u32::from_le_bytes(b[4..].try_into().ok()?),
                )),
                Some(_) => return None,
                None => None,
            };
            let focus = match d.opt()? {
                Some(&[x, y]) => Some((x, y)),
                Some(_) => return None,
                None => None,
            };
            images.push((src, alt, size, focus));
        }
        let hero = d.take(1)?[0] == 1;
        let assets = d.strs()?;
        let terms = d.strs()?;
        d.0.is_empty().then_some(Remembered {
            json_hash,
            id,
            published,
            modified,
            tags,
            images,
            hero,
            assets,
            terms,
        })
    }
}

struct Enc(Vec<u8>);

impl Enc {
    fn u32(&mut self, n: u32) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.0.extend_from_slice(b);
    }
    fn opt(&mut self, b: Option<&[u8]>) {
        match b {
            Some(b) => {
                self.0.push(1);
                self.bytes(b);
            }
            None => self.0.push(0),
        }
    }
    fn strs(&mut self, list: &[String]) {
        self.u32(list.len() as u32);
        list.iter().for_each(|s| self.bytes(s.as_bytes()));
    }
}

struct Dec<'a>(&'a [u8]);

impl<'a> Dec<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(head)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn opt(&mut self) -> Option<Option<&'a [u8]>> {
        match self.take(1)?[0] {
            0 => Some(None),
            1 => Some(Some(self.bytes()?)),
            _ => None,
        }
    }
    fn strs(&mut self) -> Option<Vec<String>> {
        let n = self.u32()? as usize;
        // Each string takes 4 bytes at least: a count past that is a bad record.
        if n > self.0.len() / 4 {
            return None;
        }
        (0..n).map(|_| String::from_utf8(self.bytes()?.to_vec()).ok()).collect()
    }
}

/// Each record's place: its file's path key, where it starts, its length.
type Place = (PathKey, u64, u32);

/// The last build's memo, read: its index in memory (28 bytes a story),
/// its records read when asked for.
pub(super) struct Memo {
    file: File,
    index: Vec<Place>,
}

/// The memo's context: what its records were made for.
fn context(version: &str, site: &Path, root: &Url) -> Vec<u8> {
    let mut c = Enc(Vec::new());
    c.bytes(version.as_bytes());
    c.bytes(site.as_os_str().as_encoded_bytes());
    c.bytes(root.as_str().as_bytes());
    c.0
}

impl Memo {
    /// The memo at `path` when it was made for this version, site and
    /// address; `None` otherwise (every story is then parsed).
    pub(super) fn open(path: &Path, version: &str, site: &Path, root: &Url) -> Option<Memo> {
        let file = File::open(path).ok()?;
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        let len = file.metadata().ok()?.len();
        let want = context(version, site, root);
        let mut head = vec![0; MAGIC.len() + want.len()];
        file.read_exact_at(&mut head, 0).ok()?;
        if &head[..MAGIC.len()] != MAGIC || head[MAGIC.len()..] != want[..] {
            return None;
        }
        // The index is at the end: its places, then where it starts.
        let mut tail = [0; 8];
        file.read_exact_at(&mut tail, len.checked_sub(8)?).ok()?;
        let start = u64::from_le_bytes(tail);
        let bytes = len.checked_sub(8)?.checked_sub(start)?;
        if bytes % PLACE_BYTES != 0 || start < head.len() as u64 {
            return None;
        }
        let mut raw = vec![0; usize::try_from(bytes).ok()?];
        file.read_exact_at(&mut raw, start).ok()?;
        let index = raw
            .chunks_exact(PLACE_BYTES as usize)
            .map(|c| {
                let key: PathKey = c[..16].try_into().expect("16 bytes");
                let at = u64::from_le_bytes(c[16..24].try_into().expect("8 bytes"));
                let len = u32::from_le_bytes(c[24..28].try_into().expect("4 bytes"));
                (key, at, len)
            })
            .collect::<Vec<_>>();
        let sorted = index.windows(2).all(|w| w[0].0 < w[1].0);
        let inside =
            index.iter().all(|&(_, at, len)| at.checked_add(u64::from(len)).is_some_and(|e| e <= start));
        (sorted && inside).then_some(Memo { file, index })
    }

    /// What the story in `file` (its canonical path) gave, when its JSON
    /// hashes to `json_hash` as it did then.
    pub(super) fn get(&self, file: &Path, json_hash: &[u8; 32]) -> Option<Remembered> {
        let key = path_key(file);
        let at = self.index.binary_search_by(|p| p.0.cmp(&key)).ok()?;
        let (_, start, len) = self.index[at];
        let mut bytes = vec![0; len as usize];
        self.file.read_exact_at(&mut bytes, start).ok()?;
        // The hash first: a changed story's record is not decoded at all.
        if bytes.get(..32)? != json_hash {
            return None;
        }
        Remembered::decode(&bytes)
    }
}

const PLACE_BYTES: u64 = 28;

/// The memo this build writes, in the build's own folder until it is
/// done ([`Writer::finish`]).
pub(super) struct Writer {
    file: Mutex<(File, u64)>,
    path: PathBuf,
    index: Mutex<Vec<Place>>,
}

impl Writer {
    /// A new memo at `path` for this version, site and address.
    pub(super) fn new(path: &Path, version: &str, site: &Path, root: &Url) -> io::Result<Writer> {
        let mut file = File::create(path)?;
        file.write_all(MAGIC)?;
        let c = context(version, site, root);
        file.write_all(&c)?;
        let end = (MAGIC.len() + c.len()) as u64;
        Ok(Writer { file: Mutex::new((file, end)), path: path.to_owned(), index: Mutex::default() })
    }

    /// Keeps what the story in `file` (its canonical path) gave.
    pub(super) fn put(&self, file: &Path, r: &Remembered) -> io::Result<()> {
        let bytes = r.encode();
        let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("a memo record over 4 GiB"))?;
        let start = {
            let mut f = self.file.lock().expect("no panics while locked");
            let start = f.1;
            f.0.write_all_at(&bytes, start)?;
            f.1 += u64::from(len);
            start
        };
        self.index.lock().expect("no panics while locked").push((path_key(file), start, len));
        Ok(())
    }

    /// Writes the index and moves the memo to `to`, replacing the last
    /// (an open reader of that one reads on undisturbed). Nothing may be
    /// put after.
    pub(super) fn finish(&self, to: &Path) -> io::Result<()> {
        let (file, end) = &*self.file.lock().expect("no panics while locked");
        let mut index = std::mem::take(&mut *self.index.lock().expect("no panics while locked"));
        index.sort_unstable_by_key(|p| p.0);
        index.dedup_by(|a, b| a.0 == b.0);
        let mut tail = Vec::with_capacity(index.len() * PLACE_BYTES as usize + 8);
        for (key, at, len) in &index {
            tail.extend_from_slice(key);
            tail.extend_from_slice(&at.to_le_bytes());
            tail.extend_from_slice(&len.to_le_bytes());
        }
        tail.extend_from_slice(&end.to_le_bytes());
        file.write_all_at(&tail, *end)?;
        std::fs::rename(&self.path, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: u8) -> Remembered {
        Remembered {
            json_hash: [n; 32],
            id: [n; 16],
            published: (n % 2 == 0).then_some(1_700_000_000 + i64::from(n)),
            modified: Some(format!("2026-03-{:02}T09:30:00.5+05:30", 1 + n)),
            tags: vec!["Ports".into(), "科技".into()],
            images: vec![
                (
                    Some("https://news.example/a/hero.png".into()),
                    "A crane".into(),
                    Some((640, 480)),
                    Some((30, 70)),
                ),
                (None, "".into(), None, None),
            ],
            hero: n % 3 == 0,
            assets: vec!["a/hero.png".into()],
            terms: vec!["crane".into(), "港口".into(), "#ports".into()],
        }
    }

    /// A record comes back as it was put, found by its file's path and
    /// only while the file's JSON hashes the same; a memo of another
    /// version, site or address, or cut short, is not read at all.
    #[test]
    fn a_record_comes_back_only_for_the_same_file_and_bytes() {
        let dir = std::env::temp_dir().join(format!("story-memo-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (site, root) = (Path::new("/site"), Url::parse("https://news.example/").unwrap());
        let w = Writer::new(&dir.join("new"), "v1", site, &root).unwrap();
        for n in 0..50u8 {
            w.put(&site.join(format!("s{n}/story.json")), &sample(n)).unwrap();
        }
        let at = dir.join("memo");
        w.finish(&at).unwrap();
        let memo = Memo::open(&at, "v1", site, &root).unwrap();
        for n in 0..50u8 {
            let file = site.join(format!("s{n}/story.json"));
            assert_eq!(memo.get(&file, &[n; 32]), Some(sample(n)));
            assert_eq!(memo.get(&file, &[n.wrapping_add(1); 32]), None, "another JSON");
        }
        assert_eq!(memo.get(&site.join("s99/story.json"), &[1; 32]), None);
        let img = sample(0).images;
        let r = Remembered { images: img, ..sample(0) };
        let images = r.images(&root).unwrap();
        assert_eq!(images[0].src.as_ref().unwrap().as_str(), "https://news.example/a/hero.png");
        assert_eq!((images[0].size, images[0].focus), (Some((640, 480)), Some((30, 70))));
        assert!(images[1].src.is_none());

        assert!(Memo::open(&at, "v2", site, &root).is_none());
        assert!(Memo::open(&at, "v1", Path::new("/other"), &root).is_none());
        assert!(Memo::open(&at, "v1", site, &Url::parse("https://news.example/b/").unwrap()).is_none());
        let bytes = std::fs::read(&at).unwrap();
        std::fs::write(&at, &bytes[..bytes.len() - 3]).unwrap();
        assert!(Memo::open(&at, "v1", site, &root).is_none(), "cut short");
        for cut in 0..sample(1).encode().len() {
            assert!(Remembered::decode(&sample(1).encode()[..cut]).is_none());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
