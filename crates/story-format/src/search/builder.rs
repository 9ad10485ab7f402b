//! The index's writer: each term's stories, kept newest first and capped,
//! then cut into the files a site's `search/` folder holds.

use super::{
    chunk_file, default_folder, group_file, CHUNK_BYTES, DOCS_PER_FILE, FORMAT, GROUP_CHUNKS, INDEX_FILE,
    MAX_POSTINGS,
};

/// Writes the index: stories are added newest first, each with its terms.
#[derive(Default)]
pub struct Builder {
    /// Each term's stories, and whether older ones were left out.
    lists: foldhash::HashMap<String, (Vec<u32>, bool)>,
    tags: Vec<(String, String)>,
    docs: u32,
    /// Roughly what `lists` holds, in bytes.
    held: usize,
    /// Every story of a term kept, none left out ([`Builder::complete`]).
    complete: bool,
}

/// A term with its stories, newest first, and whether older ones were
/// left out: what the index files are written from, in term order.
pub type TermList = (String, Vec<u32>, bool);

/// Room a term takes in the builder beside its text and its stories (its
/// slot in the map, the list's and the string's own allocations).
const TERM_COST: usize = 96;

impl Builder {
    /// An index of `docs` stories with these tags (`(tag, folder)`).
    pub fn new(docs: u32, tags: Vec<(String, String)>) -> Builder {
        Builder { lists: foldhash::HashMap::default(), tags, docs, held: 0, complete: false }
    }

    /// A builder that keeps every story of each term, none left out: the
    /// lists a build carries to the next ([`Builder::take_sorted`] gives
    /// them whole, never capped; a caller caps them as it writes the
    /// files). Memory then grows with the stories a common word is in, so
    /// its caller takes the lists out past a budget.
    pub fn complete(docs: u32) -> Builder {
        Builder { complete: true, ..Builder::new(docs, Vec::new()) }
    }

    /// How many stories the index numbers.
    pub fn docs(&self) -> u32 {
        self.docs
    }

    /// Its tags (`(tag, folder)`).
    pub fn tags(&self) -> &[(String, String)] {
        &self.tags
    }

    /// Roughly how many bytes the terms' lists hold now (for a caller
    /// that moves them to disk past a budget: [`Builder::take_sorted`]).
    pub fn held_bytes(&self) -> usize {
        self.held
    }

    /// Takes every term's list out, sorted by term, each newest first and
    /// capped; the builder goes on empty of terms. Lists taken at several
    /// times and merged with [`merge_lists`] give the index the builder
    /// would have given holding them all.
    pub fn take_sorted(&mut self) -> Vec<TermList> {
        self.held = 0;
        let mut terms: Vec<TermList> = std::mem::take(&mut self.lists)
            .into_iter()
            .map(|(t, (mut list, mut capped))| {
                match self.complete {
                    true => newest_first(&mut list),
                    false => keep_newest(&mut list, &mut capped),
                }
                (t, list, capped)
            })
            .collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        terms
    }

    /// Adds story `doc` with `terms` (repeats are fine). Stories may come
    /// in any order, and one story in several calls: each term keeps its
    /// newest [`MAX_POSTINGS`] (the highest numbers), and a term's list
    /// never holds more than twice that, so memory does not grow with the
    /// stories a common word is in.
    pub fn add<'a>(&mut self, doc: u32, terms: impl IntoIterator<Item = &'a str>) {
        for t in terms {
            if t.contains(['\t', '\n', '\r']) || t.is_empty() {
                continue;
            }
            let list = match self.lists.get_mut(t) {
                Some(l) => l,
                None => {
                    self.held += t.len() + TERM_COST;
                    self.lists.entry(t.to_owned()).or_default()
                }
            };
            let (docs, capped) = list;
            if docs.last() != Some(&doc) {
                docs.push(doc);
                self.held += 4;
                if docs.len() >= 2 * MAX_POSTINGS && !self.complete {
                    let before = docs.len();
                    keep_newest(docs, capped);
                    self.held -= 4 * (before - docs.len());
                }
            }
        }
    }

    /// The files: `index.txt`, each group's `chunks-J.txt` and each
    /// chunk's `terms-K.txt`, in order, held together (for tests and
    /// benchmarks; a site's build writes them one at a time with
    /// [`Builder::write_files`]).
    pub fn finish(self) -> Written {
        let mut written = Written { index: String::new(), groups: Vec::new(), chunks: Vec::new() };
        self.write_files(|file, text| {
            match file {
                IndexFile::Index => written.index = text,
                IndexFile::Group(_) => written.groups.push(text),
                IndexFile::Chunk(_) => written.chunks.push(text),
            }
            Ok::<_, std::convert::Infallible>(())
        })
        .unwrap_or_else(|never| match never {});
        written
    }

    /// Hands each file of the index to `write` as it is made: every chunk
    /// (`terms-K.txt`, in order), then every group (`chunks-J.txt`), then
    /// `index.txt`. Only one chunk's text is held at a time, so memory is
    /// the terms' lists, not the index's files too (47 MB of text at
    /// 100,000 stories). Stops at `write`'s first error.
    pub fn write_files<E>(mut self, write: impl FnMut(IndexFile, String) -> Result<(), E>) -> Result<(), E> {
        let terms = self.take_sorted();
        write_terms(terms.into_iter().map(Ok), self.docs, &self.tags, write)
    }
}

/// Writes the files of an index of `docs` stories with these tags
/// (`(tag, folder)`) from every term's list, in term order, as
/// [`Builder::write_files`] does; the first error (the terms' or
/// `write`'s) stops it. Only one chunk's text is held at a time.
pub fn write_terms<E>(
    terms: impl Iterator<Item = Result<TermList, E>>,
    docs: u32,
    tags: &[(String, String)],
    mut write: impl FnMut(IndexFile, String) -> Result<(), E>,
) -> Result<(), E> {
    let mut firsts = Vec::new();
    let mut current = String::new();
    for term in terms {
        let (t, list, capped) = term?;
        if current.is_empty() {
            firsts.push(t.clone());
        }
        current.push_str(&t);
        let mut sep = '\t';
        let mut prev: Option<u32> = None;
        for d in list {
            current.push(sep);
            current.push_str(&prev.map_or(d, |p| p - d).to_string());
            sep = ',';
            prev = Some(d);
        }
        if capped {
            current.push_str(",+");
        }
        current.push('\n');
        if current.len() >= CHUNK_BYTES {
            write(IndexFile::Chunk(firsts.len() - 1), std::mem::take(&mut current))?;
        }
    }
    if !current.is_empty() {
        write(IndexFile::Chunk(firsts.len() - 1), current)?;
    }
    let mut index = format!("{FORMAT}\ndocs {docs} {DOCS_PER_FILE}\n");
    for (tag, folder) in tags {
        let plain = !tag.contains(['\t', '\n', '\r']) && !folder.contains(['\t', '\n', '\r', ' ']);
        if plain && *folder != default_folder(tag) {
            index.push_str(&format!("tag {folder}\t{tag}\n"));
        }
    }
    for (j, part) in firsts.chunks(GROUP_CHUNKS).enumerate() {
        index.push_str(&format!("group {}\n", part[0]));
        let mut g = format!("{FORMAT}\nfirst {}\n", j * GROUP_CHUNKS);
        part.iter().for_each(|f| g.push_str(&format!("chunk {f}\n")));
        write(IndexFile::Group(j), g)?;
    }
    write(IndexFile::Index, index)
}

/// One term's lists, taken at several times ([`Builder::take_sorted`]),
/// as one: newest first, each story once, capped as one list would be.
pub fn merge_lists(parts: impl IntoIterator<Item = (Vec<u32>, bool)>) -> (Vec<u32>, bool) {
    let (mut all, mut capped) = (Vec::new(), false);
    for (list, c) in parts {
        all.extend(list);
        capped |= c;
    }
    keep_newest(&mut all, &mut capped);
    (all, capped)
}

/// One file of a search index, as [`Builder::write_files`] hands it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexFile {
    /// `search/index.txt`.
    Index,
    /// Group `j`'s list of chunks ([`group_file`]).
    Group(usize),
    /// Chunk `k` of terms ([`chunk_file`]).
    Chunk(usize),
}

impl IndexFile {
    /// Its path below the site's root (`search/terms-3.txt`).
    pub fn path(self) -> String {
        match self {
            IndexFile::Index => INDEX_FILE.to_owned(),
            IndexFile::Group(j) => group_file(j),
            IndexFile::Chunk(k) => chunk_file(k),
        }
    }
}

/// A term's stories newest first, each once, the newest [`MAX_POSTINGS`]
/// kept (`capped` when some were left out).
fn keep_newest(docs: &mut Vec<u32>, capped: &mut bool) {
    newest_first(docs);
    if docs.len() > MAX_POSTINGS {
        docs.truncate(MAX_POSTINGS);
        *capped = true;
    }
}

/// A term's stories newest first, each once.
fn newest_first(docs: &mut Vec<u32>) {
    docs.sort_unstable_by(|a, b| b.cmp(a));
    docs.dedup();
}

/// A term's stories newest first, each once, from several such lists
/// (each newest first, each story once): the whole of them, none left out.
pub fn merge_complete(mut parts: Vec<Vec<u32>>) -> Vec<u32> {
    if parts.len() == 1 {
        return parts.pop().unwrap_or_default();
    }
    let mut all = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    parts.iter().for_each(|p| all.extend_from_slice(p));
    // A stable sort finds the parts as runs already in order and merges
    // them (a common word's list is in every part of a big site's build).
    all.sort_by(|a, b| b.cmp(a));
    all.dedup();
    all
}

/// A whole list cut to what the index's files hold: its newest
/// [`MAX_POSTINGS`], and whether some were left out.
pub fn capped(mut docs: Vec<u32>) -> (Vec<u32>, bool) {
    let capped = docs.len() > MAX_POSTINGS;
    docs.truncate(MAX_POSTINGS);
    (docs, capped)
}

/// A search index's files, as text.
pub struct Written {
    /// `search/index.txt`.
    pub index: String,
    /// `search/chunks-J.txt`, in order.
    pub groups: Vec<String>,
    /// `search/terms-K.txt`, in order.
    pub chunks: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::GROUP_CHUNKS;

    /// Files come one at a time, each chunk numbered in order, then the
    /// groups, then the index; each group names the first term of its
    /// chunks, and the last chunk holds the last term.
    #[test]
    fn files_come_in_order_with_their_numbers() {
        let mut b = Builder::new(3000, vec![]);
        let words: Vec<String> = (0..(GROUP_CHUNKS * 300)).map(|i| format!("word{i:06}")).collect();
        // Twenty stories a word: over 4 MB of lists, so more than one group.
        for (i, w) in words.iter().enumerate() {
            for d in 0..20 {
                b.add(((i * 7 + d * 131) % 3000) as u32, [w.as_str()]);
            }
        }
        let mut files = Vec::new();
        b.write_files(|f, text| {
            files.push((f, text));
            Ok::<_, ()>(())
        })
        .unwrap();
        let chunks: Vec<usize> = files
            .iter()
            .filter_map(|(f, _)| if let IndexFile::Chunk(k) = f { Some(*k) } else { None })
            .collect();
        assert!(chunks.len() > GROUP_CHUNKS, "more than one group: {} chunks", chunks.len());
        assert_eq!(chunks, (0..chunks.len()).collect::<Vec<_>>());
        let groups: Vec<&(IndexFile, String)> =
            files.iter().filter(|(f, _)| matches!(f, IndexFile::Group(_))).collect();
        assert_eq!(groups.len(), chunks.len().div_ceil(GROUP_CHUNKS));
        assert_eq!(files.last().map(|(f, _)| *f), Some(IndexFile::Index));
        assert!(files[..chunks.len()].iter().all(|(f, _)| matches!(f, IndexFile::Chunk(_))));
        let (_, second) = groups[1];
        let first_of_chunk = |k: usize| files[k].1.split('\t').next().unwrap().to_owned();
        assert!(second.contains(&format!("first {GROUP_CHUNKS}\n")));
        assert!(second.contains(&format!("chunk {}\n", first_of_chunk(GROUP_CHUNKS))));
        assert!(files[chunks.len() - 1].1.contains(words.last().unwrap().as_str()));
        assert_eq!(IndexFile::Chunk(3).path(), "search/terms-3.txt");
        assert_eq!(IndexFile::Group(1).path(), "search/chunks-1.txt");
        assert_eq!(IndexFile::Index.path(), INDEX_FILE);
    }

    /// The first error from `write` stops the writing.
    #[test]
    fn the_first_error_stops_it() {
        let mut b = Builder::new(1, vec![]);
        b.add(0, ["a", "b"]);
        let mut calls = 0;
        let result = b.write_files(|_, _| {
            calls += 1;
            Err("disk full")
        });
        assert_eq!((result, calls), (Err("disk full"), 1));
    }

    /// Lists taken out at several times (as a build does past its memory
    /// budget) and merged give the same files as one builder holding all:
    /// common terms capped across the parts, rare ones, and a story whose
    /// terms came in two calls on either side of a take.
    #[test]
    fn lists_taken_in_parts_and_merged_are_the_whole_index() {
        let words = |doc: u32| -> Vec<String> {
            let mut w = vec!["common".to_owned(), format!("rare{doc}"), format!("mod{}", doc % 7)];
            if doc % 3 == 0 {
                w.push("third".to_owned());
            }
            w
        };
        let docs = 2 * MAX_POSTINGS as u32 + 345;
        let tags = vec![("Energy".to_owned(), "energy".to_owned())];
        let mut whole = Builder::new(docs, tags.clone());
        let mut part = Builder::new(docs, tags.clone());
        let mut taken: Vec<TermList> = Vec::new();
        // Stories in no order, as the build's workers add them.
        for k in 0..docs {
            let doc = (k * 7919) % docs;
            let w = words(doc);
            whole.add(doc, w.iter().map(String::as_str));
            part.add(doc, w[..2].iter().map(String::as_str));
            if k % 500 == 0 {
                taken.extend(part.take_sorted());
                assert_eq!(part.held_bytes(), 0);
            }
            part.add(doc, w[2..].iter().map(String::as_str));
        }
        taken.extend(part.take_sorted());
        let mut by_term: std::collections::BTreeMap<String, Vec<(Vec<u32>, bool)>> = Default::default();
        for (t, list, capped) in taken {
            by_term.entry(t).or_default().push((list, capped));
        }
        let merged = by_term.into_iter().map(|(t, parts)| {
            let (list, capped) = merge_lists(parts);
            Ok::<_, std::convert::Infallible>((t, list, capped))
        });
        let mut files = Vec::new();
        write_terms(merged, docs, &tags, |file, text| {
            files.push((file, text));
            Ok(())
        })
        .unwrap();
        let mut expected = Vec::new();
        whole
            .write_files(|file, text| {
                expected.push((file, text));
                Ok::<_, std::convert::Infallible>(())
            })
            .unwrap();
        assert!(expected.iter().any(|(_, t)| t.contains("common\t") && t.contains(",+\n")), "a capped term");
        assert_eq!(files, expected);
    }
}
