//! Records of what a file gave, kept between runs and found again by the
//! file's path: used only when the file's bytes hash as they did when the
//! record was made (SHA-256, the first 32 bytes of every record), so an
//! edit can never leave a record in use. A memo file is its records, then
//! an index sorted by path key, then where that index starts; it is made
//! for one context (the program's version, the site, its address), and a
//! memo of another is not read. What a record holds is its user's: the
//! build's stories (`build::memo`) and the check's (`check::Recalled`).

use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A file's key: the first 16 bytes of its canonical path's SHA-256.
type PathKey = [u8; 16];

fn path_key(file: &Path) -> PathKey {
    let full = content_hash(file.as_os_str().as_encoded_bytes());
    let mut key = [0; 16];
    key.copy_from_slice(&full[..16]);
    key
}

/// The start of a memo file, then its context.
const MAGIC: &[u8; 8] = b"storymm1";

/// The SHA-256 of `bytes`: what a record is checked against.
pub fn content_hash(bytes: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).into()
}

/// A record being written: counts and byte strings, little-endian.
pub struct Enc(pub Vec<u8>);

impl Enc {
    pub fn u32(&mut self, n: u32) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }
    pub fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.0.extend_from_slice(b);
    }
    pub fn opt(&mut self, b: Option<&[u8]>) {
        match b {
            Some(b) => {
                self.0.push(1);
                self.bytes(b);
            }
            None => self.0.push(0),
        }
    }
    pub fn strs(&mut self, list: &[String]) {
        self.u32(list.len() as u32);
        list.iter().for_each(|s| self.bytes(s.as_bytes()));
    }
}

/// A record being read; every read is `None` past its end.
pub struct Dec<'a>(pub &'a [u8]);

impl<'a> Dec<'a> {
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(head)
    }
    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    pub fn opt(&mut self) -> Option<Option<&'a [u8]>> {
        match self.take(1)?[0] {
            0 => Some(None),
            1 => Some(Some(self.bytes()?)),
            _ => None,
        }
    }
    pub fn strs(&mut self) -> Option<Vec<String>> {
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

/// A memo, read: its index in memory (28 bytes a record), its records
/// read when asked for.
pub struct Memo {
    file: File,
    index: Vec<Place>,
}

/// A memo's context from its parts (each one's length, then its bytes).
pub fn context(parts: &[&[u8]]) -> Vec<u8> {
    let mut c = Enc(Vec::new());
    parts.iter().for_each(|p| c.bytes(p));
    c.0
}

impl Memo {
    /// The memo at `path` when it was made for `want` ([`context`]);
    /// `None` otherwise (every file is then read as if new).
    pub fn open(path: &Path, want: &[u8]) -> Option<Memo> {
        let file = File::open(path).ok()?;
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        let len = file.metadata().ok()?.len();
        let mut head = vec![0; MAGIC.len() + want.len()];
        file.read_exact_at(&mut head, 0).ok()?;
        if &head[..MAGIC.len()] != MAGIC || &head[MAGIC.len()..] != want {
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

    /// The record of `file` (its canonical path), when its bytes hash to
    /// `hash` as they did then.
    pub fn get(&self, file: &Path, hash: &[u8; 32]) -> Option<Vec<u8>> {
        let key = path_key(file);
        let at = self.index.binary_search_by(|p| p.0.cmp(&key)).ok()?;
        let (_, start, len) = self.index[at];
        let mut bytes = vec![0; len as usize];
        self.file.read_exact_at(&mut bytes, start).ok()?;
        // The hash first: a changed story's record is not decoded at all.
        (bytes.get(..32)? == hash).then_some(bytes)
    }
}

const PLACE_BYTES: u64 = 28;

/// A memo being written, in a folder of the build's own until it is done
/// ([`Writer::finish`]).
pub struct Writer {
    file: Mutex<(File, u64)>,
    path: PathBuf,
    index: Mutex<Vec<Place>>,
}

impl Writer {
    /// A new memo at `path` for the context `c` ([`context`]).
    pub fn new(path: &Path, c: &[u8]) -> io::Result<Writer> {
        let mut file = File::create(path)?;
        file.write_all(MAGIC)?;
        file.write_all(c)?;
        let end = (MAGIC.len() + c.len()) as u64;
        Ok(Writer { file: Mutex::new((file, end)), path: path.to_owned(), index: Mutex::default() })
    }

    /// Keeps the record `bytes` (its first 32 bytes the hash of the file's
    /// bytes) of `file` (its canonical path).
    pub fn put(&self, file: &Path, bytes: &[u8]) -> io::Result<()> {
        let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("a memo record over 4 GiB"))?;
        let start = {
            let mut f = self.file.lock().expect("no panics while locked");
            let start = f.1;
            f.0.write_all_at(bytes, start)?;
            f.1 += u64::from(len);
            start
        };
        self.index.lock().expect("no panics while locked").push((path_key(file), start, len));
        Ok(())
    }

    /// Writes the index and moves the memo to `to`, replacing the last
    /// (an open reader of that one reads on undisturbed). Nothing may be
    /// put after.
    pub fn finish(&self, to: &Path) -> io::Result<()> {
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

    /// A record comes back as it was put, found by its file's path and
    /// only while the file's bytes hash the same; a memo of another
    /// context, or cut short, is not read at all.
    #[test]
    fn a_record_comes_back_only_for_the_same_file_and_bytes() {
        let dir = std::env::temp_dir().join(format!("story-memo-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (site, c) = (Path::new("/site"), context(&[b"v1", b"/site"]));
        let record = |n: u8| [vec![n; 32], format!("record {n}").into_bytes()].concat();
        let w = Writer::new(&dir.join("new"), &c).unwrap();
        for n in 0..50u8 {
            w.put(&site.join(format!("s{n}/story.json")), &record(n)).unwrap();
        }
        let at = dir.join("memo");
        w.finish(&at).unwrap();
        let memo = Memo::open(&at, &c).unwrap();
        for n in 0..50u8 {
            let file = site.join(format!("s{n}/story.json"));
            assert_eq!(memo.get(&file, &[n; 32]), Some(record(n)));
            assert_eq!(memo.get(&file, &[n.wrapping_add(1); 32]), None, "other bytes");
        }
        assert_eq!(memo.get(&site.join("s99/story.json"), &[1; 32]), None);
        assert!(Memo::open(&at, &context(&[b"v2", b"/site"])).is_none());
        assert!(Memo::open(&at, &context(&[b"v1", b"/other"])).is_none());
        let bytes = std::fs::read(&at).unwrap();
        std::fs::write(&at, &bytes[..bytes.len() - 3]).unwrap();
        assert!(Memo::open(&at, &c).is_none(), "cut short");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
