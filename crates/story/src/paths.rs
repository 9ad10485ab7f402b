//! A list of paths in one buffer: what a walk of SITE found, held for a
//! whole build. A `Vec<PathBuf>` cost about 126 bytes a file (a 24-byte
//! header, and the path's own allocation, which `join` leaves about
//! half empty); here a file costs its path's bytes and 4 more. A walk's
//! list also holds each file's stamp until the check has used it
//! ([`Paths::stamp`]).

use crate::memo::Stamp;
use std::io;
use std::ops::Index;
use std::path::Path;

/// Paths, in the order pushed, each read back as a `&Path`.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Every path's bytes, one after another.
    bytes: Vec<u8>,
    /// Where each path ends in `bytes`.
    ends: Vec<u32>,
    /// Every path was found by [`crate::sandbox::Sandbox::walk`] of a
    /// canonical folder ([`Paths::walked`]).
    walked: bool,
    /// What the walk's `lstat` of each path, asked from its folder by
    /// its name, said: its stamp when it was a regular file. Empty, or
    /// one for each path, in parts of [`STAMP_PART`] (the check lets each
    /// part go once it has read its files).
    stamps: Vec<Vec<Option<Stamp>>>,
}

/// How many paths' stamps a part of them holds ([`Paths::take_stamps`]):
/// a power of two, as a `Vec` grows.
pub const STAMP_PART: usize = 8192;

/// The `i`th path's stamp in `parts` (a list's, or what
/// [`Paths::take_stamps`] gave); `None` past them or once its part is let go.
pub fn stamp_in(parts: &[Vec<Option<Stamp>>], i: usize) -> Option<Stamp> {
    parts.get(i / STAMP_PART)?.get(i % STAMP_PART).copied().flatten()
}

impl Paths {
    /// No paths.
    pub fn new() -> Paths {
        Paths::default()
    }

    /// Adds `path` at the end. The paths' bytes are limited to 4 GiB in
    /// all (about 60 million files of a typical site): past that, an error.
    pub fn push(&mut self, path: &Path) -> io::Result<()> {
        // A path from anywhere: the list is no longer only a walk's.
        self.walked = false;
        if !self.stamps.is_empty() {
            self.stamps = Vec::new();
        }
        self.push_bytes(path)
    }

    /// Adds `path`, found by a walk, with what its `lstat` said
    /// ([`Paths::stamp`]).
    pub(crate) fn push_walked(&mut self, path: &Path, stamp: Option<Stamp>) -> io::Result<()> {
        if self.stamped() != self.len() {
            return self.push(path);
        }
        self.push_bytes(path)?;
        self.push_stamp(stamp);
        Ok(())
    }

    /// How many paths have their stamp.
    fn stamped(&self) -> usize {
        self.stamps.last().map_or(0, |last| (self.stamps.len() - 1) * STAMP_PART + last.len())
    }

    fn push_stamp(&mut self, stamp: Option<Stamp>) {
        match self.stamps.last_mut().filter(|last| last.len() < STAMP_PART) {
            Some(last) => last.push(stamp),
            // Grown as pushed (a walk's list of one folder holds a few),
            // to exactly `STAMP_PART`, a power of two.
            None => self.stamps.push(vec![stamp]),
        }
    }

    fn push_bytes(&mut self, path: &Path) -> io::Result<()> {
        let bytes = path.as_os_str().as_encoded_bytes();
        let end = u32::try_from(self.bytes.len() + bytes.len()).map_err(|_| {
            io::Error::other(format!("more files than a build can list ({} of them)", self.len()))
        })?;
        self.bytes.extend_from_slice(bytes);
        self.ends.push(end);
        Ok(())
    }

    /// Adds every path of `other`, after these.
    pub fn append(&mut self, other: &Paths) -> io::Result<()> {
        self.bytes.reserve_exact(other.bytes.len());
        self.ends.reserve_exact(other.ends.len());
        other.iter().try_for_each(|p| self.push(p))
    }

    /// The paths of `parts`, in order, in a list that holds them with no
    /// room to spare (growing one path at a time leaves up to half of
    /// it unused).
    /// Each part's stamps come too when every part has them.
    pub fn concat(parts: &[Paths]) -> io::Result<Paths> {
        let len = parts.iter().map(Paths::len).sum();
        let stamped = parts.iter().all(|p| p.stamped() == p.len());
        let mut all = Paths {
            bytes: Vec::with_capacity(parts.iter().map(|p| p.bytes.len()).sum()),
            ends: Vec::with_capacity(len),
            walked: false,
            stamps: Vec::with_capacity(if stamped { len.div_ceil(STAMP_PART) } else { 0 }),
        };
        for part in parts {
            part.iter().try_for_each(|p| all.push_bytes(p))?;
            if stamped {
                part.stamps.iter().flatten().for_each(|&s| all.push_stamp(s));
            }
        }
        Ok(all)
    }

    /// The stamp of the `i`th path as the walk that found it saw it
    /// (`lstat` from its folder: one step for the kernel to look up,
    /// where from the root a bundle's `story.json` is three); `None`
    /// when it was not a regular file, or not asked, or forgotten.
    pub fn stamp(&self, i: usize) -> Option<Stamp> {
        stamp_in(&self.stamps, i).filter(|_| self.walked)
    }

    /// Takes the stamps out of the list (64 bytes a file), for the check
    /// to let each part go as soon as it has read its files: the `i`th
    /// path's is [`stamp_in`] them (what [`Paths::stamp`] gave). Empty
    /// when the list is not a walk's.
    pub fn take_stamps(&mut self) -> Vec<Vec<Option<Stamp>>> {
        let stamps = std::mem::take(&mut self.stamps);
        if self.walked {
            stamps
        } else {
            Vec::new()
        }
    }

    /// Whether every path was found by a walk of a canonical folder
    /// that went only through folders, never a link to one: each path is
    /// its own canonical path but for its last name (a link to a file is
    /// still found; only what that name is must be asked).
    pub fn walked(&self) -> bool {
        self.walked
    }

    /// Says that every path was found so ([`Paths::walked`]).
    pub(crate) fn mark_walked(&mut self) {
        self.walked = true;
    }

    /// How many paths.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The `i`th path, if there are that many.
    pub fn get(&self, i: usize) -> Option<&Path> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let bytes = &self.bytes[start..end];
        // SAFETY: `bytes` is exactly what one `as_encoded_bytes` gave in
        // `push`, from a path of this same program.
        Some(Path::new(unsafe { std::ffi::OsStr::from_encoded_bytes_unchecked(bytes) }))
    }

    /// Every path, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Path> + '_ {
        (0..self.len()).map(|i| &self[i])
    }

    /// The paths for which `keep` says yes, in the same order.
    pub fn filtered(&self, keep: impl Fn(&Path) -> bool) -> io::Result<Paths> {
        let mut kept = Paths::new();
        for p in self.iter().filter(|p| keep(p)) {
            kept.push(p)?;
        }
        Ok(kept)
    }

    /// The same paths, sorted (as `Path`s compare: by component).
    pub fn sorted(&self) -> io::Result<Paths> {
        let mut order: Vec<u32> = (0..self.len() as u32).collect();
        order.sort_by(|&a, &b| self[a as usize].cmp(&self[b as usize]));
        let mut sorted = Paths {
            bytes: Vec::with_capacity(self.bytes.len()),
            ends: Vec::with_capacity(self.len()),
            ..Paths::default()
        };
        for i in order {
            sorted.push(&self[i as usize])?;
        }
        Ok(sorted)
    }
}

impl Index<usize> for Paths {
    type Output = Path;
    /// The `i`th path; panics past the end, as a slice does.
    fn index(&self, i: usize) -> &Path {
        match self.get(i) {
            Some(p) => p,
            None => panic!("path {i} of {}", self.len()),
        }
    }
}

impl<P: AsRef<Path>> FromIterator<P> for Paths {
    /// For tests and short lists: panics past 4 GiB of paths.
    fn from_iter<I: IntoIterator<Item = P>>(iter: I) -> Paths {
        let mut all = Paths::new();
        for p in iter {
            all.push(p.as_ref()).expect("a short list");
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever paths go in come out, in order, as they were (also
        /// empty ones and bytes that are not UTF-8).
        #[test]
        fn paths_come_back_as_they_went_in(names in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..50)) {
            use std::os::unix::ffi::OsStrExt;
            let paths: Vec<&Path> = names.iter().map(|n| Path::new(std::ffi::OsStr::from_bytes(n))).collect();
            let all: Paths = paths.iter().collect();
            prop_assert_eq!(all.len(), paths.len());
            prop_assert_eq!(all.iter().collect::<Vec<_>>(), paths.clone());
            prop_assert_eq!(all.get(paths.len()), None);
            let halves = [paths[..paths.len() / 2].iter().collect::<Paths>(), paths[paths.len() / 2..].iter().collect()];
            prop_assert_eq!(Paths::concat(&halves).unwrap(), all.clone());
            let mut sorted = paths.clone();
            sorted.sort();
            let all_sorted = all.sorted().unwrap();
            prop_assert_eq!(all_sorted.iter().collect::<Vec<_>>(), sorted);
            let short = |p: &Path| p.as_os_str().len() < 20;
            let kept = all.filtered(short).unwrap();
            prop_assert_eq!(kept.iter().collect::<Vec<_>>(), paths.iter().copied().filter(|p| short(p)).collect::<Vec<_>>());
        }
    }

    /// A walk's stamps come back for the path they were pushed with, across
    /// parts and lists put together, and are taken in parts of
    /// [`STAMP_PART`] (the check lets each go after its files).
    #[test]
    fn stamps_stay_with_their_paths_in_parts() {
        let stamp = Stamp::of(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml").as_path());
        assert!(stamp.is_some(), "a regular file has a stamp");
        let n = 2 * STAMP_PART + 5;
        // Every third path has no stamp (a link, or not asked).
        let of = |i: usize| stamp.filter(|_| i % 3 != 0);
        let walk = |range: std::ops::Range<usize>| {
            let mut list = Paths::new();
            for i in range {
                list.push_walked(Path::new(&format!("site/{i}/story.json")), of(i)).unwrap();
            }
            list.mark_walked();
            list
        };
        let (whole, split) = (walk(0..n), [walk(0..3), walk(3..STAMP_PART + 1), walk(STAMP_PART + 1..n)]);
        let mut joined = Paths::concat(&split).unwrap();
        joined.mark_walked();
        for list in [whole, joined] {
            assert!((0..n).all(|i| list.stamp(i) == of(i)), "each path's own stamp");
            let mut list = list;
            let parts = list.take_stamps();
            let sizes: Vec<usize> = parts.iter().map(Vec::len).collect();
            assert_eq!(sizes, [STAMP_PART, STAMP_PART, 5]);
            assert!((0..n).all(|i| parts[i / STAMP_PART][i % STAMP_PART] == of(i)));
            assert_eq!(list.stamp(0), None, "taken");
        }
        let mut by_hand = walk(0..3);
        by_hand.push(Path::new("elsewhere/story.json")).unwrap();
        assert!(by_hand.take_stamps().is_empty(), "no longer a walk's list: no stamps");
    }
}
