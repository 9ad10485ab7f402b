//! Records of what a file gave, kept between runs and found again by the
//! file's path: used only when the file's bytes hash as they did when the
//! record was made (SHA-256, the first 32 bytes of every record), so an
//! edit can never leave a record in use. A memo file is its records, then
//! an index sorted by path key, then where that index starts; it is made
//! for one context (the program's version, the site, its address), and a
//! memo of another is not read. What a record holds is its user's: the
//! build's stories (`build::memo`) and the check's (`check::Recalled`).
//!
//! Reading and hashing every file to find it unchanged costs most of an
//! incremental build at 100,000 stories, so a record also keeps the file's
//! [`Stamp`] (device, inode, size, and the nanoseconds its bytes and its
//! metadata last changed) when that stamp can vouch for the bytes: a file
//! whose stamp is the same is taken to hash the same, unread, as `git` and
//! `rsync` take it. Any write to a file moves its change time (`ctime`) to
//! the clock's now, which no program can set back; so a stamp is kept only
//! when both its times are over [`MARGIN`] older than the moment the memo
//! was begun (before the file was read): a write after that reading is
//! then always a different stamp, even on a file system whose clock is
//! coarse. A file changed within the margin is read and hashed each time
//! until it is older.
//!
//! A build finds most files unchanged, and their records as they were: it
//! appends what changed to the last memo and a new index after it
//! ([`Writer::after`]), pointing at the records it carries over
//! ([`Writer::carry`]) where they are (rewriting 216 MB of records at
//! 100,000 stories cost more than all the rest of the memos' work). A
//! build that fails cuts the file back to what it was; one killed leaves
//! no end mark, and the memo is not read (every file is read as if new).
//! Once what no index points at is over a quarter of the file, the next
//! build writes a new memo whole.

use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

mod codec;
pub use codec::{Dec, Enc};

/// A file's key: the first 16 bytes of its canonical path's SHA-256.
type PathKey = [u8; 16];

fn path_key(file: &Path) -> PathKey {
    let full = content_hash(file.as_os_str().as_encoded_bytes());
    let mut key = [0; 16];
    key.copy_from_slice(&full[..16]);
    key
}

/// The start of a memo file, then its context (`storymm1` records had no
/// stamp; `storymm2` memos had no end mark; neither is read).
const MAGIC: &[u8; 8] = b"storymm3";
/// The end of a memo whose last index was written whole.
const END: &[u8; 8] = b"storyend";

/// The SHA-256 of `bytes`: what a record is checked against.
pub fn content_hash(bytes: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).into()
}

/// How much older than the memo's beginning a file's times must be for
/// its [`Stamp`] to vouch for its bytes (file systems keep times to 2 s at
/// the coarsest, FAT; most to the nanosecond, or to a clock tick).
pub const MARGIN: std::time::Duration = std::time::Duration::from_secs(2);

/// A file as its metadata shows it: which file (device, inode), its size,
/// and when its bytes and its metadata last changed (seconds and
/// nanoseconds). See the module's documentation for when it vouches for
/// the file's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    modified: (i64, u32),
    changed: (i64, u32),
}

/// A record's head: whether it holds a stamp, the stamp (zeros when not).
const STAMP_BYTES: usize = 1 + 48;

impl Stamp {
    /// The stamp of the regular file at `path` (a link is not followed:
    /// `None`, as for a file that is not there).
    pub fn of(path: &Path) -> Option<Stamp> {
        Stamp::of_meta(&std::fs::symlink_metadata(path).ok()?)
    }

    /// The stamp of a file whose metadata (not following a link) is `m`;
    /// `None` when it is not a regular file.
    pub fn of_meta(m: &std::fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        m.is_file().then(|| Stamp {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            modified: (m.mtime(), m.mtime_nsec() as u32),
            changed: (m.ctime(), m.ctime_nsec() as u32),
        })
    }

    /// The stamp of a file whose `lstat` record is `st` (as
    /// [`Stamp::of_meta`] gives it from `std`'s metadata).
    // The fields' types differ from one system to another (`u64` here).
    #[allow(clippy::unnecessary_cast)]
    pub fn of_stat(st: &libc::stat) -> Option<Stamp> {
        (st.st_mode & libc::S_IFMT == libc::S_IFREG).then_some(Stamp {
            dev: st.st_dev as u64,
            ino: st.st_ino as u64,
            size: st.st_size as u64,
            modified: (st.st_mtime as i64, st.st_mtime_nsec as u32),
            changed: (st.st_ctime as i64, st.st_ctime_nsec as u32),
        })
    }

    /// Whether both its times are over [`MARGIN`] before `since`.
    fn older_than(&self, since: std::time::SystemTime) -> bool {
        let Ok(since) = since.duration_since(std::time::UNIX_EPOCH) else { return false };
        let Some(limit) = since.checked_sub(MARGIN) else { return false };
        let before = |(s, ns): (i64, u32)| {
            u64::try_from(s).is_ok_and(|s| std::time::Duration::new(s, ns.min(999_999_999)) < limit)
        };
        before(self.modified) && before(self.changed)
    }

    fn encode(stamp: Option<&Stamp>) -> [u8; STAMP_BYTES] {
        let mut b = [0; STAMP_BYTES];
        if let Some(s) = stamp {
            b[0] = 1;
            b[1..9].copy_from_slice(&s.dev.to_le_bytes());
            b[9..17].copy_from_slice(&s.ino.to_le_bytes());
            b[17..25].copy_from_slice(&s.size.to_le_bytes());
            b[25..33].copy_from_slice(&s.modified.0.to_le_bytes());
            b[33..37].copy_from_slice(&s.modified.1.to_le_bytes());
            b[37..45].copy_from_slice(&s.changed.0.to_le_bytes());
            b[45..49].copy_from_slice(&s.changed.1.to_le_bytes());
        }
        b
    }
}

/// Each record's place: its file's path key, where it starts, its length.
type Place = (PathKey, u64, u32);

/// A memo, read: its index in memory (28 bytes a record), its records
/// read when asked for.
pub struct Memo {
    file: File,
    path: PathBuf,
    index: Vec<Place>,
    /// Its length in bytes, and how many of them no index points at
    /// (records replaced, earlier indexes).
    len: u64,
    unused: u64,
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
        // The index is at the end: its places, where it starts, the end mark.
        let mut tail = [0; 16];
        file.read_exact_at(&mut tail, len.checked_sub(16)?).ok()?;
        if &tail[8..] != END {
            return None;
        }
        let start = u64::from_le_bytes(tail[..8].try_into().expect("8 bytes"));
        let bytes = len.checked_sub(16)?.checked_sub(start)?;
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
        let inside = index.iter().all(|&(_, at, n)| {
            at >= head.len() as u64 && at.checked_add(u64::from(n)).is_some_and(|e| e <= start)
        });
        let used = head.len() as u64 + bytes + 16 + index.iter().map(|p| u64::from(p.2)).sum::<u64>();
        let unused = len.saturating_sub(used);
        (sorted && inside).then(|| Memo { file, path: path.to_owned(), index, len, unused })
    }

    /// Where the record of `file` is: its start and length.
    fn place(&self, file: &Path) -> Option<(u64, u32)> {
        self.place_of(path_key(file))
    }

    /// Where the record of the file whose path key is `key` is.
    fn place_of(&self, key: PathKey) -> Option<(u64, u32)> {
        let (_, start, len) = self.index[self.number_of(key)?];
        Some((start, len))
    }

    /// The record's number in the index, by its file's path key.
    fn number_of(&self, key: PathKey) -> Option<usize> {
        // As one big-endian number: the bytes' order, compared in one step.
        let key = u128::from_be_bytes(key);
        self.index.binary_search_by_key(&key, |p| u128::from_be_bytes(p.0)).ok()
    }

    /// The record of `file` (its canonical path), when its bytes hash to
    /// `hash` as they did then.
    pub fn get(&self, file: &Path, hash: &[u8; 32]) -> Option<Vec<u8>> {
        // The hash first: a changed story's record is not decoded at all.
        self.get_by_prefix(file, hash[..16].try_into().expect("16 bytes"))
            .and_then(|(h, record)| (h == *hash).then_some(record))
    }

    /// `file`'s record as written: its stamp's bytes, then the record.
    fn stamped(&self, file: &Path) -> Option<Vec<u8>> {
        let (start, len) = self.place(file)?;
        let mut bytes = vec![0; len as usize];
        self.file.read_exact_at(&mut bytes, start).ok()?;
        Some(bytes)
    }

    /// What `file`'s bytes hash to and its record, when they hash to what
    /// begins with `prefix` (the first 16 bytes of a hash another reader
    /// worked out, or a record of its own vouched for): as [`Memo::get`]
    /// gives it, and can be carried over as it is ([`Writer::carry`]).
    pub fn get_by_prefix(&self, file: &Path, prefix: &[u8; 16]) -> Option<([u8; 32], Vec<u8>)> {
        let mut bytes = self.stamped(file)?;
        let hash: [u8; 32] = bytes.get(STAMP_BYTES..STAMP_BYTES + 32)?.try_into().ok()?;
        (hash[..16] == prefix[..]).then(|| (hash, bytes.split_off(STAMP_BYTES)))
    }

    /// What `file`'s bytes hash to, unread, and its record: when the
    /// record's stamp vouches for the bytes and `now` (the file's stamp
    /// now) is that stamp. The record is then as [`Memo::get`] gives it,
    /// and can be carried over as it is ([`Writer::carry`]).
    pub fn get_by_stamp(&self, file: &Path, now: &Stamp) -> Option<([u8; 32], Vec<u8>)> {
        let mut bytes = self.stamped(file)?;
        if bytes.get(..STAMP_BYTES)? != Stamp::encode(Some(now)) {
            return None;
        }
        let hash = bytes.get(STAMP_BYTES..STAMP_BYTES + 32)?.try_into().ok()?;
        Some((hash, bytes.split_off(STAMP_BYTES)))
    }

    /// Whether a build may append to it rather than write a new one: what
    /// no index points at is at most a quarter of it.
    fn can_grow(&self) -> bool {
        self.unused <= self.len / 4
    }
}

const PLACE_BYTES: u64 = 28;

/// A memo being written: a new one, in a folder of the build's own until
/// it is done ([`Writer::finish`]), or the last one grown in place.
pub struct Writer {
    file: Mutex<(File, u64)>,
    path: PathBuf,
    index: Mutex<Vec<Place>>,
    /// Growing the last memo: which of its records are carried, a bit
    /// each by its number in that memo's index (a place each, 32 bytes a
    /// story, was held twice: by the last memo and here).
    carried: Vec<AtomicU64>,
    /// When it was begun: a stamp vouches only for files older ([`MARGIN`]).
    since: std::time::SystemTime,
    /// Growing the last memo: its length before (what a build that fails
    /// cuts it back to), and it, whose records are carried where they are.
    grows: Option<u64>,
    done: std::sync::atomic::AtomicBool,
}

impl Writer {
    /// A new memo at `path` for the context `c` ([`context`]).
    pub fn new(path: &Path, c: &[u8]) -> io::Result<Writer> {
        let mut file = File::create(path)?;
        file.write_all(MAGIC)?;
        file.write_all(c)?;
        let end = (MAGIC.len() + c.len()) as u64;
        Ok(Writer::of(file, end, path, None))
    }

    /// The memo after `last` (read for the same context `c`): `last`
    /// itself, grown, when it can be (`Memo::can_grow`) and no other
    /// program is writing it; else a new one at `path`.
    pub fn after(last: Option<&Memo>, path: &Path, c: &[u8]) -> io::Result<Writer> {
        let Some(last) = last.filter(|m| m.can_grow()) else { return Writer::new(path, c) };
        let grown = std::fs::OpenOptions::new().write(true).open(&last.path).ok().filter(|f| {
            use std::os::fd::AsRawFd;
            // SAFETY: flock on an open file; the lock goes with the file.
            let locked = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
            locked && f.metadata().is_ok_and(|m| m.len() == last.len) && same_file(f, &last.file)
        });
        match grown {
            Some(file) => {
                let mut w = Writer::of(file, last.len, &last.path, Some(last.len));
                w.carried = (0..last.index.len().div_ceil(64)).map(|_| AtomicU64::new(0)).collect();
                Ok(w)
            }
            None => Writer::new(path, c),
        }
    }

    fn of(file: File, end: u64, path: &Path, grows: Option<u64>) -> Writer {
        let since = std::time::SystemTime::now();
        Writer {
            file: Mutex::new((file, end)),
            path: path.to_owned(),
            index: Mutex::default(),
            carried: Vec::new(),
            since,
            grows,
            done: false.into(),
        }
    }

    /// Keeps the record `bytes` (its first 32 bytes the hash of the file's
    /// bytes) of `file` (its canonical path), with the file's `stamp` as it
    /// was before its bytes were read, kept when it can vouch for them.
    pub fn put(&self, file: &Path, stamp: Option<&Stamp>, bytes: &[u8]) -> io::Result<()> {
        let stamp = Stamp::encode(stamp.filter(|s| s.older_than(self.since)));
        self.write(path_key(file), &[&stamp[..], bytes].concat())
    }

    fn write(&self, key: PathKey, record: &[u8]) -> io::Result<()> {
        let len = u32::try_from(record.len()).map_err(|_| io::Error::other("a memo record over 4 GiB"))?;
        let start = {
            let mut f = self.file.lock().expect("no panics while locked");
            let start = f.1;
            f.0.write_all_at(record, start)?;
            f.1 += u64::from(len);
            start
        };
        self.index.lock().expect("no panics while locked").push((key, start, len));
        Ok(())
    }

    /// Keeps `file`'s record in `last` as it is, stamp and all: what
    /// [`Writer::put`] would write again when the file's stamp vouched
    /// for it ([`Memo::get_by_stamp`]) and what was kept of it is the
    /// same. Growing `last`, the record stays where it is, unread.
    pub fn carry(&self, file: &Path, last: &Memo) -> io::Result<()> {
        let key = path_key(file);
        let Some(number) = last.number_of(key) else { return Ok(()) };
        if self.grows_from(last) {
            self.carried[number / 64].fetch_or(1 << (number % 64), Ordering::Relaxed);
            return Ok(());
        }
        let (_, start, len) = last.index[number];
        let mut bytes = vec![0; len as usize];
        last.file.read_exact_at(&mut bytes, start)?;
        self.write(key, &bytes)
    }

    /// Whether this writer grows `last` in place (its records carried are
    /// then bits in `carried`).
    fn grows_from(&self, last: &Memo) -> bool {
        self.grows.is_some() && self.path == last.path && self.carried.len() == last.index.len().div_ceil(64)
    }

    /// Writes the index and the end mark, and moves the memo to `to`,
    /// replacing the last (an open reader of that one reads on
    /// undisturbed); a memo grown in place is already there. `last` is
    /// the memo this one was begun after ([`Writer::after`]). Nothing may
    /// be put after.
    pub fn finish(&self, to: &Path, last: Option<&Memo>) -> io::Result<()> {
        let (file, end) = &*self.file.lock().expect("no panics while locked");
        let mut index = std::mem::take(&mut *self.index.lock().expect("no panics while locked"));
        index.sort_unstable_by_key(|p| p.0);
        index.dedup_by(|a, b| a.0 == b.0);
        let carried: &[Place] = match last {
            Some(last) if self.grows_from(last) => &last.index,
            _ if self.carried.is_empty() => &[],
            _ => return Err(io::Error::other("a memo finished after another than it was begun after")),
        };
        let carried = carried
            .iter()
            .enumerate()
            .filter(|(n, _)| self.carried[n / 64].load(Ordering::Relaxed) & (1 << (n % 64)) != 0);
        // Both sorted by key: merged, a record put again over the one carried.
        let mut carried = carried.map(|(_, p)| p).peekable();
        let mut put = index.iter().peekable();
        let mut tail = TailWriter { file, at: *end, buf: Vec::with_capacity(TAIL_BUFFER) };
        loop {
            let next = match (carried.peek(), put.peek()) {
                (Some(c), Some(p)) if c.0 < p.0 => carried.next(),
                (Some(c), Some(p)) if c.0 == p.0 => {
                    carried.next();
                    put.next()
                }
                (_, Some(_)) => put.next(),
                (Some(_), None) => carried.next(),
                (None, None) => break,
            };
            let (key, at, len) = next.expect("peeked");
            tail.add(&[key, &at.to_le_bytes()[..], &len.to_le_bytes()].concat())?;
        }
        tail.add(&end.to_le_bytes())?;
        tail.add(END)?;
        tail.flush()?;
        self.done.store(true, Ordering::Relaxed);
        if self.path != to {
            std::fs::rename(&self.path, to)?;
        }
        Ok(())
    }
}

/// How much of an index [`Writer::finish`] writes at a time (it was
/// one buffer of 28 bytes a record: 28 MB at 1,000,000 stories).
const TAIL_BUFFER: usize = 1 << 16;

/// A memo's tail, written at `at` a buffer at a time.
struct TailWriter<'f> {
    file: &'f File,
    at: u64,
    buf: Vec<u8>,
}

impl TailWriter<'_> {
    fn add(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= TAIL_BUFFER {
            self.flush()?;
        }
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.write_all_at(&self.buf, self.at)?;
        self.at += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }
}

impl Drop for Writer {
    /// A memo grown in place and not finished (the build failed) is cut
    /// back to what it was, its last index and end mark at its end again.
    fn drop(&mut self) {
        if let (Some(len), false) = (self.grows, *self.done.get_mut()) {
            if let Ok((file, _)) = self.file.get_mut() {
                let _ = file.set_len(len);
            }
        }
    }
}

/// Whether two open files are the same file.
fn same_file(a: &File, b: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (a.metadata(), b.metadata()) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
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
            w.put(&site.join(format!("s{n}/story.json")), None, &record(n)).unwrap();
        }
        let at = dir.join("memo");
        w.finish(&at, None).unwrap();
        let memo = Memo::open(&at, &c).unwrap();
        for n in 0..50u8 {
            let file = site.join(format!("s{n}/story.json"));
            assert_eq!(memo.get(&file, &[n; 32]), Some(record(n)));
            assert_eq!(memo.get(&file, &[n.wrapping_add(1); 32]), None, "other bytes");
            // By the first half of the hash, as the check hands it on.
            assert_eq!(memo.get_by_prefix(&file, &[n; 16]), Some(([n; 32], record(n))));
            assert_eq!(memo.get_by_prefix(&file, &[n.wrapping_add(1); 16]), None);
        }
        assert_eq!(memo.get(&site.join("s99/story.json"), &[1; 32]), None);
        assert!(Memo::open(&at, &context(&[b"v2", b"/site"])).is_none());
        assert!(Memo::open(&at, &context(&[b"v1", b"/other"])).is_none());
        let bytes = std::fs::read(&at).unwrap();
        std::fs::write(&at, &bytes[..bytes.len() - 3]).unwrap();
        assert!(Memo::open(&at, &c).is_none(), "cut short");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn hash_by_stamp(memo: &Memo, file: &Path, now: &Stamp) -> Option<[u8; 32]> {
        memo.get_by_stamp(file, now).map(|(hash, record)| {
            assert_eq!(memo.get(file, &hash), Some(record), "the record as get gives it");
            hash
        })
    }

    /// A record's stamp gives the file's hash unread only when the file's
    /// stamp now is the same, and only when it was kept: a stamp whose
    /// times are within the margin of the memo's beginning is not.
    #[test]
    fn a_stamp_vouches_only_for_a_file_older_than_the_memo() {
        let dir = std::env::temp_dir().join(format!("story-memo-stamp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let c = context(&[b"v1"]);
        let w = Writer::new(&dir.join("new"), &c).unwrap();
        let now = w.since.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        let old = Stamp { dev: 1, ino: 2, size: 3, modified: (now - 86_400, 5), changed: (now - 3_600, 7) };
        let racy = Stamp { changed: (now - 1, 0), ..old };
        let (a, b, c_) = (Path::new("/s/a.json"), Path::new("/s/b.json"), Path::new("/s/c.json"));
        let record = |n: u8| [vec![n; 32], vec![n; 5]].concat();
        w.put(a, Some(&old), &record(1)).unwrap();
        w.put(b, Some(&racy), &record(2)).unwrap();
        w.put(c_, None, &record(3)).unwrap();
        w.finish(&dir.join("memo"), None).unwrap();
        let memo = Memo::open(&dir.join("memo"), &c).unwrap();
        assert_eq!(hash_by_stamp(&memo, a, &old), Some([1; 32]));
        assert_eq!(memo.get(a, &[1; 32]), Some(record(1)), "the record as it was put");
        assert_eq!(hash_by_stamp(&memo, a, &Stamp { size: 4, ..old }), None, "another size");
        assert_eq!(hash_by_stamp(&memo, a, &Stamp { ino: 9, ..old }), None, "another file");
        assert_eq!(
            hash_by_stamp(&memo, a, &Stamp { changed: (now - 3_600, 8), ..old }),
            None,
            "changed since"
        );
        assert_eq!(hash_by_stamp(&memo, a, &Stamp { modified: (now - 86_400, 6), ..old }), None);
        assert_eq!(hash_by_stamp(&memo, b, &racy), None, "changed within the margin of the memo's beginning");
        assert_eq!(memo.get(b, &[2; 32]), Some(record(2)), "its record is still found by its hash");
        assert_eq!(hash_by_stamp(&memo, c_, &old), None, "no stamp kept");
        // A real file's stamp; a folder and a link have none.
        let f = dir.join("f.json");
        std::fs::write(&f, "{}").unwrap();
        assert_eq!(Stamp::of(&f).map(|s| s.size), Some(2));
        assert_eq!(Stamp::of(&f), Stamp::of(&f));
        assert!(Stamp::of(&dir).is_none());
        std::os::unix::fs::symlink(&f, dir.join("link.json")).unwrap();
        assert!(Stamp::of(&dir.join("link.json")).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A build grows the last memo in place: records carried over stay
    /// where they are, changed ones are appended, and a file not kept is
    /// gone; a build that fails leaves the memo as it was, one killed
    /// leaves none, a second writer at once writes a new one, and past a
    /// quarter unused a new one is written whole.
    #[test]
    fn a_memo_grows_in_place_and_is_as_it_was_after_a_failed_build() {
        let dir = std::env::temp_dir().join(format!("story-memo-grow-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (c, at, new) = (context(&[b"v1"]), dir.join("memo"), dir.join("new"));
        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        let old = Stamp { dev: 1, ino: 2, size: 3, modified: (now - 86_400, 5), changed: (now - 3_600, 7) };
        // Twenty files: the three of the test and others, carried.
        let files: Vec<PathBuf> = (0..20).map(|n| PathBuf::from(format!("/s/{n}.json"))).collect();
        let (a, b, f) = (files[0].as_path(), files[1].as_path(), files[2].as_path());
        let record = |n: u8| [vec![n; 32], vec![n; 500]].concat();
        let w = Writer::new(&new, &c).unwrap();
        for (n, file) in files.iter().enumerate() {
            w.put(file, Some(&old), &record(n as u8 + 1)).unwrap();
        }
        w.finish(&at, None).unwrap();
        let first = Memo::open(&at, &c).unwrap();
        assert_eq!(first.unused, 0);

        let w = Writer::after(Some(&first), &new, &c).unwrap();
        assert_eq!(w.grows, Some(first.len), "the last memo grows");
        assert!(Writer::after(Some(&first), &dir.join("other"), &c).unwrap().grows.is_none(), "locked");
        for file in files.iter().filter(|p| ![b, f].contains(&p.as_path())) {
            w.carry(file, &first).unwrap();
        }
        w.put(b, Some(&old), &record(40)).unwrap();
        w.finish(&at, Some(&first)).unwrap();
        drop(w);
        assert!(!new.exists(), "grown in place");
        let second = Memo::open(&at, &c).unwrap();
        assert_eq!(second.get_by_stamp(a, &old), Some(([1; 32], record(1))), "carried where it was");
        assert_eq!(second.place(a), first.place(a));
        assert_eq!(second.get_by_stamp(b, &old), Some(([40; 32], record(40))));
        assert_eq!(second.get(f, &[3; 32]), None, "not kept");
        assert!(second.unused > 0 && second.len > first.len && second.can_grow());

        // A failed build: cut back to the memo as it was.
        let bytes = std::fs::read(&at).unwrap();
        let w = Writer::after(Some(&second), &new, &c).unwrap();
        assert!(w.grows.is_some());
        w.put(a, Some(&old), &record(5)).unwrap();
        assert!(w.finish(&at, None).is_err(), "finished after another memo than it was begun after");
        drop(w);
        assert_eq!(std::fs::read(&at).unwrap(), bytes);
        // A killed one: no end mark, no memo.
        let w = Writer::after(Some(&second), &new, &c).unwrap();
        assert!(w.grows.is_some());
        w.put(a, Some(&old), &record(5)).unwrap();
        std::mem::forget(w);
        assert!(Memo::open(&at, &c).is_none());
        std::fs::write(&at, &bytes).unwrap();

        // Grown until over a quarter is unused: then written anew, whole.
        let mut last = Memo::open(&at, &c).unwrap();
        let mut grown = 0;
        while last.can_grow() {
            let w = Writer::after(Some(&last), &new, &c).unwrap();
            files.iter().filter(|p| p.as_path() != b).try_for_each(|p| w.carry(p, &last)).unwrap();
            w.put(b, Some(&old), &record(6)).unwrap();
            w.finish(&at, Some(&last)).unwrap();
            drop(w);
            last = Memo::open(&at, &c).unwrap();
            grown += 1;
        }
        assert!(grown >= 2 && last.unused > last.len / 4, "{grown}");
        let w = Writer::after(Some(&last), &new, &c).unwrap();
        assert!(w.grows.is_none());
        files.iter().try_for_each(|p| w.carry(p, &last)).unwrap();
        w.finish(&at, Some(&last)).unwrap();
        let anew = Memo::open(&at, &c).unwrap();
        assert_eq!(anew.unused, 0);
        assert_eq!(anew.get_by_stamp(a, &old), Some(([1; 32], record(1))));
        assert_eq!(anew.get_by_stamp(b, &old), Some(([6; 32], record(6))));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
