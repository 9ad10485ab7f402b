//! Records written to a file that no one else sees, and read back by where
//! they are: what a build would otherwise hold in memory for every story
//! until it is needed (at 1,000,000 stories, each kilobyte a story is a
//! gigabyte). The file is made in a folder of the build's own and removed
//! from it at once, so whatever happens to the build, nothing is left; its
//! room is freed when the [`Spill`] is dropped.
//!
//! A spill made with [`Spill::held`] keeps its first bytes in memory
//! instead, up to a budget its user sets (in blocks of `BLOCK`, so it
//! never holds more than it needs, nor copies what it holds to grow): at
//! 100,000 stories the stories' records are then read back with no system
//! call (each `pread` of a 42-byte record cost more than the work it was
//! for, 3 of them a story), and a site ten times bigger still holds no
//! more than the budget.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

/// The blocks a spill holds its records in.
const BLOCK: usize = 1 << 20;

/// Where a record is in its [`Spill`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    offset: u64,
    len: u32,
}

/// An append-only file of records; see the module's documentation.
pub struct Spill {
    file: File,
    /// Where the next record goes, and whether records still go to
    /// memory: once one does not fit in the budget, every later one goes
    /// to the file, so what is held is the first bytes.
    end: Mutex<(u64, bool)>,
    /// The first bytes, [`BLOCK`] in each block (the file has a hole in
    /// their place); `held_len` of them.
    held: RwLock<(Vec<Box<[u8]>>, usize)>,
    /// What it may hold in memory, in bytes.
    budget: usize,
}

impl Spill {
    /// A new, empty spill in `dir` (a folder the build owns), every
    /// record on disk.
    pub fn new(dir: &Path) -> io::Result<Spill> {
        Spill::open(dir, 0)
    }

    /// A new, empty spill in `dir` whose first `budget` bytes are held
    /// in memory.
    pub fn held(dir: &Path, budget: usize) -> io::Result<Spill> {
        Spill::open(dir, budget)
    }

    fn open(dir: &Path, budget: usize) -> io::Result<Spill> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".spill-{}-{n}", std::process::id()));
        let file = std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path)?;
        std::fs::remove_file(&path)?;
        Ok(Spill { file, end: Mutex::new((0, budget > 0)), held: RwLock::default(), budget })
    }

    /// Appends `bytes` (from any thread); returns where they are.
    pub fn push(&self, bytes: &[u8]) -> io::Result<At> {
        let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("a record over 4 GiB"))?;
        let mut end = self.end.lock().expect("no panics while locked");
        let (offset, holding) = *end;
        let fits = usize::try_from(offset).is_ok_and(|o| o + bytes.len() <= self.budget);
        if holding && fits {
            let (blocks, held) = &mut *self.held.write().expect("no panics while locked");
            let mut rest = bytes;
            while !rest.is_empty() {
                if *held == blocks.len() * BLOCK {
                    blocks.push(vec![0; BLOCK].into_boxed_slice());
                }
                let at = *held % BLOCK;
                let n = rest.len().min(BLOCK - at);
                blocks[*held / BLOCK][at..at + n].copy_from_slice(&rest[..n]);
                (*held, rest) = (*held + n, &rest[n..]);
            }
        } else {
            self.file.write_all_at(bytes, offset)?;
        }
        *end = (offset + u64::from(len), holding && fits);
        Ok(At { offset, len })
    }

    /// Copies what is held from `offset` on into `buf`, as far as either
    /// goes; returns how many bytes.
    fn copy_held(&self, offset: u64, buf: &mut [u8]) -> usize {
        let (blocks, held) = &*self.held.read().expect("no panics while locked");
        let Ok(mut at) = usize::try_from(offset) else { return 0 };
        let mut done = 0;
        while done < buf.len() && at < *held {
            let n = (buf.len() - done).min(BLOCK - at % BLOCK).min(held - at);
            buf[done..done + n].copy_from_slice(&blocks[at / BLOCK][at % BLOCK..][..n]);
            (done, at) = (done + n, at + n);
        }
        done
    }

    /// Where the next record will go: the bytes written so far.
    pub fn end(&self) -> u64 {
        self.end.lock().expect("no panics while locked").0
    }

    /// Reads what is at `offset` into `buf`, as far as it goes; returns how
    /// many bytes were read (fewer only at the end of what was written).
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let mut done = self.copy_held(offset, buf);
        while done < buf.len() {
            match self.file.read_at(&mut buf[done..], offset + done as u64)? {
                0 => break,
                n => done += n,
            }
        }
        Ok(done)
    }

    /// The record at `at`.
    pub fn read(&self, at: At) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; at.len as usize];
        // A record is held whole or not at all.
        if self.copy_held(at.offset, &mut bytes) < bytes.len() {
            self.file.read_exact_at(&mut bytes, at.offset)?;
        }
        Ok(bytes)
    }

    /// How many bytes it holds in memory.
    #[cfg(test)]
    fn held_len(&self) -> usize {
        self.held.read().expect("no panics while locked").1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records come back as written, on disk, all in memory, or the
    /// first in memory and the rest on disk (a budget that runs out
    /// midway), pushed from two threads at once.
    #[test]
    fn records_come_back_as_written_from_a_file_no_one_sees() {
        const HELD_BUDGET: usize = 8 << 20;
        for (n, budget) in [0, HELD_BUDGET, 3000, 2 * BLOCK + 7].into_iter().enumerate() {
            // Records of 3 KB for the budget of two blocks and a bit.
            let pad = if budget > BLOCK && budget < HELD_BUDGET { 3000 } else { 0 };
            let spill = records_come_back(&format!("{n}"), budget, pad);
            let held = spill.held_len();
            match budget {
                0 => assert_eq!(held, 0),
                HELD_BUDGET => assert_eq!(held as u64, spill.end(), "every record held"),
                _ => assert!(held > 0 && held <= budget && (held as u64) < spill.end(), "{held}"),
            }
            // What is read from anywhere comes back whole across the edge.
            let mut all = vec![0; spill.end() as usize + 10];
            assert_eq!(spill.read_at(0, &mut all).unwrap() as u64, spill.end());
            let mut part = vec![0; 100];
            // Across the edge of what is held, and of a block.
            for from in [held.saturating_sub(50).min(spill.end() as usize - 100), BLOCK - 50] {
                if from + 100 <= spill.end() as usize {
                    assert_eq!(spill.read_at(from as u64, &mut part).unwrap(), 100);
                    assert_eq!(part, all[from..][..100]);
                }
            }
        }
    }

    fn records_come_back(name: &str, budget: usize, pad: usize) -> Spill {
        let dir = std::env::temp_dir().join(format!("story-spill-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let spill = Spill::open(&dir, budget).unwrap();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "the file has no name in the folder");
        let records: Vec<String> =
            (0..1000).map(|i| format!("record {i} {}{}", "é".repeat(i % 7), "x".repeat(pad))).collect();
        let at: Vec<At> = std::thread::scope(|s| {
            let spill = &spill;
            let halves: Vec<_> = records
                .chunks(500)
                .map(|part| {
                    s.spawn(move || {
                        part.iter().map(|r| spill.push(r.as_bytes()).unwrap()).collect::<Vec<_>>()
                    })
                })
                .collect();
            halves.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        for (r, at) in records.iter().zip(&at) {
            assert_eq!(spill.read(*at).unwrap(), r.as_bytes());
        }
        assert_eq!(spill.push(b"").unwrap().len, 0);
        std::fs::remove_dir_all(&dir).unwrap();
        spill
    }
}
