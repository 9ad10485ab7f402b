//! The search index's lists, whole, carried from one build to the next
//! (`.NAME.search` beside OUT), so that a build adds only the terms of the
//! stories that changed: at 100,000 stories with nothing changed, adding
//! every story's terms again (its own text's, then its entry's, folded)
//! was about 2.2 s of a 6 s build.
//!
//! The file holds every story the last index numbered, by its id's hash,
//! with what its terms were made from as a number ([`doc_digest`]: its
//! catalog entry's JSON as written, its tags' folders, its own JSON's
//! SHA-256), then every term with **all** its stories (the index's files
//! keep only each term's newest [`story_format::search::MAX_POSTINGS`];
//! with every story kept, a story that changed or went away is taken out
//! of a list without a gap where an older one should come in).
//!
//! A build that has the file matches each of its stories with this
//! build's entries by id: a story whose digest is the same keeps its place
//! in every list (its number moved to this build's numbering), one whose
//! digest differs, or that is new, gets its terms added again, and one
//! that went away is taken out. The numbers must keep their order: of the
//! stories found again, those in the longest run that keeps it are carried
//! ([`carried_in_order`]); the others (a story whose place among the rest
//! moved) get their terms added again. Any doubt (another version, site or
//! address; a file that does not hash as written; two entries with one
//! id) and nothing is carried: every story's terms are added, as the
//! first build adds them. So the index's files are the same bytes as a
//! build without the file would write (`tests/incremental.rs`).
//!
//! Layout: `storyss1`, the context (its length, then its bytes), the
//! count of stories, then each as its id's hash (16 bytes), its number
//! and its digest (little-endian); then each term as its length, its
//! bytes, its count of stories and each story's number, newest first,
//! the first whole and each next as its distance from the one before
//! (LEB128 varints); a term of length 0 ends them; then the SHA-256 of
//! everything before it.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::entries::{Entries, IdHash};

const MAGIC: &[u8; 8] = b"storyss1";

/// No number: a story of the last index that this one does not carry.
pub(super) const GONE: u32 = u32::MAX;

/// How much of the file is read or written at a time.
const BLOCK: usize = 1 << 20;

/// What a story gives the index, as a number: its entry's digest (with
/// its tags' folders) and its own JSON's SHA-256 when the site has the
/// story. Never 0, which stands for none.
pub(super) fn doc_digest(entry: u64, story: Option<&[u8; 32]>) -> u64 {
    let mut h = Sha256::new();
    h.update(entry.to_le_bytes());
    match story {
        Some(s) => {
            h.update([1]);
            h.update(s);
        }
        None => h.update([0]),
    }
    u64::from_le_bytes(h.finalize()[..8].try_into().expect("eight bytes")) | 1
}

/// The last build's lists, opened and matched with this build's stories.
pub(super) struct Last {
    file: File,
    /// Where its terms start and end.
    terms: (u64, u64),
    /// For each story of the last index (by its number there), its number
    /// in this one, or [`GONE`].
    pub(super) renumbered: Vec<u32>,
}

/// The last build's lists at `path`, when made for `context` and whole,
/// matched with `catalog`'s entries by id; with, for each entry (by its
/// number in the catalog), the digest its story had when it is carried
/// (else 0). `None`: nothing is carried.
pub(super) fn open(path: &Path, context: &[u8], catalog: &Entries) -> Option<(Last, Vec<u64>)> {
    let ids = catalog.ids()?;
    let mut file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let body = len.checked_sub(32)?;
    if !hashes_as_written(&mut file, body).ok()? {
        return None;
    }
    file.seek(SeekFrom::Start(0)).ok()?;
    let mut r = BufReader::with_capacity(BLOCK, file);
    let mut magic = [0; 8];
    r.read_exact(&mut magic).ok()?;
    let mut ctx = vec![0; read_u32(&mut r).ok()? as usize];
    r.read_exact(&mut ctx).ok()?;
    if &magic != MAGIC || ctx != context {
        return None;
    }
    let old = read_u32(&mut r).ok()? as usize;
    let n = catalog.len() as u32;
    let mut renumbered = vec![GONE; old];
    let mut digests = vec![0u64; old];
    for _ in 0..old {
        let mut rec = [0u8; 28];
        r.read_exact(&mut rec).ok()?;
        let id: IdHash = rec[..16].try_into().expect("16 bytes");
        let at = u32::from_le_bytes(rec[16..20].try_into().expect("4 bytes")) as usize;
        let slot = renumbered.get_mut(at)?;
        let key = u128::from_be_bytes(id);
        if let Ok(k) = ids.binary_search_by_key(&key, |(h, _)| u128::from_be_bytes(*h)) {
            *slot = n - 1 - ids[k].1;
        }
        digests[at] = u64::from_le_bytes(rec[20..].try_into().expect("8 bytes"));
    }
    let start = r.stream_position().ok()?;
    carried_in_order(&mut renumbered);
    let mut expected = vec![0u64; n as usize];
    for (at, &doc) in renumbered.iter().enumerate().filter(|(_, &d)| d != GONE) {
        expected[(n - 1 - doc) as usize] = digests[at];
    }
    Some((Last { file: r.into_inner(), terms: (start, body), renumbered }, expected))
}

/// Whether the file's first `body` bytes hash to the 32 after them.
fn hashes_as_written(file: &mut File, body: u64) -> io::Result<bool> {
    let mut h = Sha256::new();
    let mut buf = vec![0; BLOCK];
    let mut left = body;
    while left > 0 {
        let want = (left as usize).min(BLOCK);
        file.read_exact(&mut buf[..want])?;
        h.update(&buf[..want]);
        left -= want as u64;
    }
    let mut written = [0; 32];
    file.read_exact(&mut written)?;
    Ok(h.finalize()[..] == written)
}

/// Keeps the longest run of `numbers` (ignoring [`GONE`]) that rises, the
/// rest made [`GONE`]: the stories carried keep their order, as every
/// list's numbers must (newest first).
pub(super) fn carried_in_order(numbers: &mut [u32]) {
    // Patience sorting: `ends[k]`, the place of the least number that ends
    // a rising run of k + 1; `before`, each place's predecessor in its run.
    let mut ends: Vec<u32> = Vec::new();
    let mut before = vec![GONE; numbers.len()];
    for (at, &d) in numbers.iter().enumerate().filter(|(_, &d)| d != GONE) {
        let k = ends.partition_point(|&e| numbers[e as usize] < d);
        if k > 0 {
            before[at] = ends[k - 1];
        }
        match ends.get_mut(k) {
            Some(e) => *e = at as u32,
            None => ends.push(at as u32),
        }
    }
    let mut keep = vec![false; numbers.len()];
    let mut at = ends.last().copied().unwrap_or(GONE);
    while at != GONE {
        keep[at as usize] = true;
        at = before[at as usize];
    }
    for (d, kept) in numbers.iter_mut().zip(keep) {
        if !kept {
            *d = GONE;
        }
    }
}

impl Last {
    /// Its terms, in order, each with its stories carried (numbered as in
    /// this build, newest first); a term none of whose stories is carried
    /// is left out.
    pub(super) fn terms(&self) -> io::Result<Terms<'_>> {
        let mut file = self.file.try_clone()?;
        file.seek(SeekFrom::Start(self.terms.0))?;
        let r = BufReader::with_capacity(BLOCK, file.take(self.terms.1 - self.terms.0));
        Ok(Terms { last: self, r, done: false })
    }
}

/// The terms of [`Last`], read as they are asked for.
pub(super) struct Terms<'a> {
    last: &'a Last,
    r: BufReader<io::Take<File>>,
    done: bool,
}

impl Terms<'_> {
    pub(super) fn next(&mut self) -> io::Result<Option<(String, Vec<u32>)>> {
        let bad = || io::Error::other("the search index's carried lists end early");
        while !self.done {
            let len = read_varint(&mut self.r)? as usize;
            if len == 0 {
                self.done = true;
                break;
            }
            let mut term = vec![0; len];
            self.r.read_exact(&mut term)?;
            let term = String::from_utf8(term).map_err(|_| bad())?;
            let count = read_varint(&mut self.r)? as usize;
            let mut list = read_deltas(&mut self.r, count)?;
            // Each story's number in this build; those not carried left out.
            for d in &mut list {
                *d = *self.last.renumbered.get(*d as usize).ok_or_else(bad)?;
            }
            list.retain(|&d| d != GONE);
            if !list.is_empty() {
                return Ok(Some((term, list)));
            }
        }
        Ok(None)
    }
}

/// The lists being written for the next build: in a file of the build's
/// own ([`Writer::new`]), put in place when whole ([`Writer::finish`]).
pub(super) struct Writer {
    out: BufWriter<File>,
    hash: Sha256,
}

impl Writer {
    /// A file at `path` for `context`, its stories `(id's hash, number in
    /// the index, digest)`.
    pub(super) fn new(
        path: &Path,
        context: &[u8],
        docs: impl ExactSizeIterator<Item = (IdHash, u32, u64)>,
    ) -> io::Result<Writer> {
        let mut w = Writer { out: BufWriter::with_capacity(BLOCK, File::create(path)?), hash: Sha256::new() };
        w.put(MAGIC)?;
        w.put(&(context.len() as u32).to_le_bytes())?;
        w.put(context)?;
        w.put(&(docs.len() as u32).to_le_bytes())?;
        for (id, doc, digest) in docs {
            w.put(&id)?;
            w.put(&doc.to_le_bytes())?;
            w.put(&digest.to_le_bytes())?;
        }
        Ok(w)
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hash.update(bytes);
        self.out.write_all(bytes)
    }

    /// A term (never empty) and all its stories, newest first.
    pub(super) fn term(&mut self, term: &str, docs: &[u32]) -> io::Result<()> {
        let mut buf = Vec::with_capacity(term.len() + 5 * (docs.len() + 2));
        push_varint(&mut buf, term.len() as u64);
        buf.extend_from_slice(term.as_bytes());
        push_varint(&mut buf, docs.len() as u64);
        push_deltas(&mut buf, docs);
        self.put(&buf)
    }

    /// Ends the file and puts it at `to`, in place of the last one.
    pub(super) fn finish(mut self, from: &Path, to: &Path) -> io::Result<()> {
        self.put(&[0])?;
        let sum = std::mem::take(&mut self.hash).finalize();
        self.out.write_all(&sum)?;
        self.out.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()?;
        std::fs::rename(from, to)
    }
}

/// `docs` (newest first, each once) as varints: the first whole, each
/// next as its distance from the one before.
pub(super) fn push_deltas(buf: &mut Vec<u8>, docs: &[u32]) {
    let mut before = None;
    for &d in docs {
        push_varint(buf, before.map_or(u64::from(d), |b: u32| u64::from(b - d)));
        before = Some(d);
    }
}

/// `count` numbers as [`push_deltas`] wrote them.
pub(super) fn read_deltas(r: &mut impl io::BufRead, count: usize) -> io::Result<Vec<u32>> {
    let bad = || io::Error::other("a list of the search index that does not read back");
    let mut list = Vec::with_capacity(count);
    let mut doc = 0u64;
    for k in 0..count {
        let v = read_varint(r)?;
        doc = if k == 0 { v } else { doc.checked_sub(v).ok_or_else(bad)? };
        list.push(u32::try_from(doc).map_err(|_| bad())?);
    }
    Ok(list)
}

fn read_u32(r: &mut impl Read) -> io::Result<u32> {
    let mut b = [0; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

fn push_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

fn read_varint(r: &mut impl io::BufRead) -> io::Result<u64> {
    // From the buffer's bytes, when the number is whole in them (a byte
    // at a time through `read_exact`, the carried lists' numbers took most
    // of the search phase of a build that changed nothing).
    let buf = r.fill_buf()?;
    let mut v = 0u64;
    for (i, &b) in buf.iter().take(VARINT_MAX).enumerate() {
        v |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            r.consume(i + 1);
            return Ok(v);
        }
    }
    if buf.len() >= VARINT_MAX {
        return Err(too_long());
    }
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let mut b = [0];
        r.read_exact(&mut b)?;
        v |= u64::from(b[0] & 0x7f) << shift;
        if b[0] < 0x80 {
            return Ok(v);
        }
    }
    Err(too_long())
}

/// The most bytes a number takes: seven bits each.
const VARINT_MAX: usize = 10;

fn too_long() -> io::Error {
    io::Error::other("a number too long in the search index's carried lists")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run kept is a longest rising one; what is gone stays gone.
    #[test]
    fn the_longest_rising_run_is_carried() {
        let mut n = [0, 1, 7, 2, GONE, 3, 4, 5];
        carried_in_order(&mut n);
        assert_eq!(n, [0, 1, GONE, 2, GONE, 3, 4, 5]);
        let mut n = [5, 0, 1, 2];
        carried_in_order(&mut n);
        assert_eq!(n, [GONE, 0, 1, 2]);
        let mut n: [u32; 0] = [];
        carried_in_order(&mut n);
        let mut n = [GONE, GONE];
        carried_in_order(&mut n);
        assert_eq!(n, [GONE, GONE]);
    }

    /// The longest rising run is kept whatever the numbers: what is kept
    /// rises, and no rising run is longer (checked against the quadratic
    /// count); nothing gone comes back.
    #[test]
    fn the_run_kept_rises_and_is_longest() {
        use proptest::prelude::*;
        let numbers = proptest::collection::vec(prop_oneof![4 => 0u32..40, 1 => Just(GONE)], 0..60);
        proptest!(ProptestConfig::with_cases(300), |(n in numbers)| {
            let mut kept = n.clone();
            carried_in_order(&mut kept);
            let left: Vec<u32> = kept.iter().copied().filter(|&d| d != GONE).collect();
            prop_assert!(left.windows(2).all(|w| w[0] < w[1]));
            for (k, (&before, &after)) in n.iter().zip(&kept).enumerate() {
                prop_assert!(after == GONE || after == before, "place {k}");
            }
            // The longest rising run of `n`, counted the slow way.
            let mut best = vec![0usize; n.len()];
            for i in 0..n.len() {
                if n[i] == GONE { continue; }
                best[i] = 1 + (0..i).filter(|&j| n[j] != GONE && n[j] < n[i]).map(|j| best[j]).max().unwrap_or(0);
            }
            prop_assert_eq!(left.len(), best.iter().copied().max().unwrap_or(0));
        });
    }

    /// Lists written come back numbered anew: a story gone is left out, a
    /// term none of whose stories is left is skipped; a file changed by
    /// one bit does not hash as written.
    #[test]
    fn lists_written_come_back_renumbered() {
        let dir = std::env::temp_dir().join(format!("story-search-state-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (new, at) = (dir.join("new"), dir.join("state"));
        let docs = (0..5u32).map(|d| ([d as u8; 16], d, u64::from(d) * 2 + 1));
        let mut w = Writer::new(&new, b"context", docs).unwrap();
        w.term("crane", &[4, 2, 0]).unwrap();
        w.term("gone", &[3]).unwrap();
        w.term("harbour", &[4, 3, 2, 1, 0]).unwrap();
        w.finish(&new, &at).unwrap();
        let mut file = File::open(&at).unwrap();
        let body = file.metadata().unwrap().len() - 32;
        assert!(hashes_as_written(&mut file, body).unwrap());
        // Story 3 gone, the others moved up by one (a story came before them).
        let start = (8 + 4 + b"context".len() + 4 + 5 * 28) as u64;
        let last = Last { file, terms: (start, body), renumbered: vec![1, 2, 3, GONE, 5] };
        let mut terms = last.terms().unwrap();
        assert_eq!(terms.next().unwrap(), Some(("crane".to_owned(), vec![5, 3, 1])));
        assert_eq!(terms.next().unwrap(), Some(("harbour".to_owned(), vec![5, 3, 2, 1])));
        assert_eq!(terms.next().unwrap(), None);
        let mut bytes = std::fs::read(&at).unwrap();
        bytes[start as usize + 3] ^= 1;
        std::fs::write(&at, bytes).unwrap();
        let mut file = File::open(&at).unwrap();
        assert!(!hashes_as_written(&mut file, body).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Varints come back as written, at their limits too.
    #[test]
    fn varints_come_back() {
        let values = [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX];
        let mut buf = Vec::new();
        values.iter().for_each(|&v| push_varint(&mut buf, v));
        // Whole in the buffer, and split across a small buffer's ends.
        for capacity in [buf.len(), 3, 1] {
            let mut r = BufReader::with_capacity(capacity, io::Cursor::new(buf.clone()));
            for v in values {
                assert_eq!(read_varint(&mut r).unwrap(), v, "{capacity}");
            }
            assert!(read_varint(&mut r).is_err(), "past the end");
            let mut r = BufReader::with_capacity(capacity, io::Cursor::new([0x80; 11]));
            assert!(read_varint(&mut r).is_err(), "eleven bytes is too long");
        }
    }
}
