//! Records written to a file that no one else sees, and read back by where
//! they are: what a build would otherwise hold in memory for every story
//! until it is needed (at 1,000,000 stories, each kilobyte a story is a
//! gigabyte). The file is made in a folder of the build's own and removed
//! from it at once, so whatever happens to the build, nothing is left; its
//! room is freed when the [`Spill`] is dropped.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Where a record is in its [`Spill`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    offset: u64,
    len: u32,
}

/// An append-only file of records; see the module's documentation.
pub struct Spill {
    file: File,
    /// Where the next record goes.
    end: Mutex<u64>,
}

impl Spill {
    /// A new, empty spill in `dir` (a folder the build owns).
    pub fn new(dir: &Path) -> io::Result<Spill> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".spill-{}-{n}", std::process::id()));
        let file = std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path)?;
        std::fs::remove_file(&path)?;
        Ok(Spill { file, end: Mutex::new(0) })
    }

    /// Appends `bytes` (from any thread); returns where they are.
    pub fn push(&self, bytes: &[u8]) -> io::Result<At> {
        let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("a record over 4 GiB"))?;
        let mut end = self.end.lock().expect("no panics while locked");
        let offset = *end;
        self.file.write_all_at(bytes, offset)?;
        *end += u64::from(len);
        Ok(At { offset, len })
    }

    /// Where the next record will go: the bytes written so far.
    pub fn end(&self) -> u64 {
        *self.end.lock().expect("no panics while locked")
    }

    /// Reads what is at `offset` into `buf`, as far as it goes; returns how
    /// many bytes were read (fewer only at the end of what was written).
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let mut done = 0;
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
        self.file.read_exact_at(&mut bytes, at.offset)?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_come_back_as_written_from_a_file_no_one_sees() {
        let dir = std::env::temp_dir().join(format!("story-spill-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let spill = Spill::new(&dir).unwrap();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "the file has no name in the folder");
        let records: Vec<String> = (0..1000).map(|i| format!("record {i} {}", "é".repeat(i % 7))).collect();
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
    }
}
