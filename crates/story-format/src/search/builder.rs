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
}

impl Builder {
    /// An index of `docs` stories with these tags (`(tag, folder)`).
    pub fn new(docs: u32, tags: Vec<(String, String)>) -> Builder {
        Builder { lists: foldhash::HashMap::default(), tags, docs }
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
                None => self.lists.entry(t.to_owned()).or_default(),
            };
            let (docs, capped) = list;
            if docs.last() != Some(&doc) {
                docs.push(doc);
                if docs.len() >= 2 * MAX_POSTINGS {
                    keep_newest(docs, capped);
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
    pub fn write_files<E>(self, mut write: impl FnMut(IndexFile, String) -> Result<(), E>) -> Result<(), E> {
        let mut terms: Vec<(String, (Vec<u32>, bool))> = self.lists.into_iter().collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut firsts = Vec::new();
        let mut current = String::new();
        for (t, (mut list, mut capped)) in terms {
            keep_newest(&mut list, &mut capped);
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
        let mut index = format!("{FORMAT}\ndocs {} {DOCS_PER_FILE}\n", self.docs);
        for (tag, folder) in &self.tags {
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
    docs.sort_unstable_by(|a, b| b.cmp(a));
    docs.dedup();
    if docs.len() > MAX_POSTINGS {
        docs.truncate(MAX_POSTINGS);
        *capped = true;
    }
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
}
