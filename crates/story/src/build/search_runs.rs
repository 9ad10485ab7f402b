//! The search index's runs: what the builders held, written to disk in
//! term order when past their budget ([`write_run`]), read back
//! ([`RunReader`]) and merged with the rest term by term ([`merged`]).

use std::cmp::Reverse;
use std::collections::binary_heap::PeekMut;
use std::collections::BinaryHeap;
use std::io;

use story_format::search::{self, TermList};

use super::search_state as state;
use crate::spill::Spill;

/// A run: every term's list, in term order, as records (the term's length
/// and bytes, whether it was capped, its stories' count, then their
/// numbers' length in bytes and the numbers, newest first, the first whole
/// and each next as its distance from the one before, as varints; the
/// rest little-endian), written to `spill` a megabyte at a time; returns
/// where it is. (As four bytes each, a million stories' runs were about
/// 800 MB.)
pub(super) fn write_run(
    spill: &Spill,
    terms: impl Iterator<Item = io::Result<TermList>>,
) -> io::Result<(u64, u64)> {
    let start = spill.end();
    let mut buf = Vec::with_capacity(RUN_BLOCK);
    for term in terms {
        let (t, list, capped) = term?;
        buf.extend_from_slice(&(t.len() as u32).to_le_bytes());
        buf.extend_from_slice(t.as_bytes());
        buf.push(u8::from(capped));
        buf.extend_from_slice(&(list.len() as u32).to_le_bytes());
        let at = buf.len();
        buf.extend_from_slice(&[0; 4]);
        state::push_deltas(&mut buf, &list);
        let len = (buf.len() - at - 4) as u32;
        buf[at..at + 4].copy_from_slice(&len.to_le_bytes());
        if buf.len() >= RUN_BLOCK {
            spill.push(&buf)?;
            buf.clear();
        }
    }
    spill.push(&buf)?;
    Ok((start, spill.end()))
}

/// How much of a run is written at a time.
const RUN_BLOCK: usize = 1 << 20;
/// How much of a run is read at a time: a big site's build merges a
/// hundred runs, each read through a buffer of its own.
const READ_BLOCK: usize = 64 << 10;

/// Reads a run back, term by term.
pub(super) struct RunReader<'s> {
    spill: &'s Spill,
    /// The next byte to read from the spill, and the run's end.
    pos: u64,
    end: u64,
    buf: Vec<u8>,
    at: usize,
}

impl<'s> RunReader<'s> {
    /// The run from byte `pos` to `end` of `spill`.
    pub(super) fn new(spill: &'s Spill, pos: u64, end: u64) -> RunReader<'s> {
        RunReader { spill, pos, end, buf: Vec::new(), at: 0 }
    }

    /// At least `n` unread bytes in `buf`.
    fn fill(&mut self, n: usize) -> io::Result<()> {
        if self.buf.len() - self.at >= n {
            return Ok(());
        }
        self.buf.drain(..self.at);
        self.at = 0;
        let short = n - self.buf.len();
        let left = usize::try_from(self.end - self.pos).unwrap_or(usize::MAX);
        let want = short.max(READ_BLOCK).min(left);
        let old = self.buf.len();
        self.buf.resize(old + want, 0);
        let got = self.spill.read_at(self.pos, &mut self.buf[old..])?;
        self.pos += got as u64;
        if got < short {
            return Err(io::Error::other("a run of the search index ends early"));
        }
        self.buf.truncate(old + got);
        Ok(())
    }

    fn take_u32(&mut self) -> io::Result<u32> {
        self.fill(4)?;
        let v = u32::from_le_bytes(self.buf[self.at..self.at + 4].try_into().expect("four bytes"));
        self.at += 4;
        Ok(v)
    }

    fn next(&mut self) -> io::Result<Option<TermList>> {
        if self.pos == self.end && self.at == self.buf.len() {
            return Ok(None);
        }
        let len = self.take_u32()? as usize;
        self.fill(len + 1)?;
        let term = String::from_utf8(self.buf[self.at..self.at + len].to_vec()).map_err(io::Error::other)?;
        let capped = self.buf[self.at + len] != 0;
        self.at += len + 1;
        let count = self.take_u32()? as usize;
        let len = self.take_u32()? as usize;
        self.fill(len)?;
        let mut bytes = &self.buf[self.at..self.at + len];
        let list = state::read_deltas(&mut bytes, count)?;
        self.at += len;
        Ok(Some((term, list, capped)))
    }
}

/// Where a term's lists come from when the files are written: a run on
/// disk, or what the builder held last.
pub(super) enum Source<'s> {
    Run(RunReader<'s>),
    Held(std::vec::IntoIter<TermList>),
    Carried(state::Terms<'s>),
}

impl Source<'_> {
    fn next(&mut self) -> io::Result<Option<TermList>> {
        match self {
            Source::Run(r) => r.next(),
            Source::Held(h) => Ok(h.next()),
            Source::Carried(c) => Ok(c.next()?.map(|(t, list)| (t, list, false))),
        }
    }
}

/// Every term of `sources` (each in term order) once, in term order, its
/// lists merged whole ([`search::merge_complete`]). The sources' next
/// terms are kept in a heap: a 1,000,000-story build merges over a
/// hundred runs, and each term costs a few comparisons, not two a run.
pub(super) fn merged(mut sources: Vec<Source<'_>>) -> impl Iterator<Item = io::Result<TermList>> + '_ {
    let mut heads =
        Heads { heap: BinaryHeap::with_capacity(sources.len()), lists: vec![Vec::new(); sources.len()] };
    let mut failed = None;
    for (k, source) in sources.iter_mut().enumerate() {
        if let Err(e) = heads.advance(k, source) {
            failed.get_or_insert(e);
        }
    }
    std::iter::from_fn(move || {
        if let Some(e) = failed.take() {
            heads.heap.clear();
            return Some(Err(e));
        }
        // Each source that holds `first` gives its list and moves on: its
        // next term comes after `first`, so the heap gives it later.
        let Reverse((first, k)) = heads.heap.pop()?;
        let (mut at, mut parts) = (Some(k), Vec::new());
        while let Some(k) = at {
            parts.push(std::mem::take(&mut heads.lists[k]));
            if let Err(e) = heads.advance(k, &mut sources[k]) {
                failed = Some(e);
            }
            at = heads.pop_if(&first);
        }
        Some(Ok((first, search::merge_complete(parts), false)))
    })
}

/// What [`merged`] holds of each source: its next term, with the source's
/// number, in a heap (the least first), and that term's list.
struct Heads {
    heap: BinaryHeap<Reverse<(String, usize)>>,
    lists: Vec<Vec<u32>>,
}

impl Heads {
    /// Source `k`'s next term into the heap (none when it has no more).
    fn advance(&mut self, k: usize, source: &mut Source<'_>) -> io::Result<()> {
        if let Some((term, list, _)) = source.next()? {
            self.lists[k] = list;
            self.heap.push(Reverse((term, k)));
        }
        Ok(())
    }

    /// The source whose next term is the least, when that term is `term`,
    /// out of the heap.
    fn pop_if(&mut self, term: &str) -> Option<usize> {
        let top = self.heap.peek_mut().filter(|top| top.0 .0 == term)?;
        Some(PeekMut::pop(top).0 .1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(terms: &[(&str, &[u32])]) -> Source<'static> {
        let lists: Vec<TermList> = terms.iter().map(|(t, l)| (t.to_string(), l.to_vec(), false)).collect();
        Source::Held(lists.into_iter())
    }

    #[test]
    fn sources_merge_into_each_term_once_in_order_with_every_story() {
        let sources = vec![
            held(&[("harbour", &[9, 4]), ("solar", &[7])]),
            held(&[]),
            held(&[("cranes", &[8]), ("harbour", &[6, 4, 1]), ("zinc", &[2])]),
            held(&[("harbour", &[5]), ("solar", &[3])]),
        ];
        let terms: Vec<TermList> = merged(sources).collect::<io::Result<_>>().expect("no source fails");
        let want: Vec<TermList> = vec![
            ("cranes".into(), vec![8], false),
            ("harbour".into(), vec![9, 6, 5, 4, 1], false),
            ("solar".into(), vec![7, 3], false),
            ("zinc".into(), vec![2], false),
        ];
        assert_eq!(terms, want);
        assert_eq!(merged(Vec::new()).count(), 0);
    }
}
