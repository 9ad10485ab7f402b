//! Search over a whole archive from static files: what a built site's
//! `search/` folder holds, how it is written, and how a query reads it.
//! The build ([`Builder`]) and the viewer ([`Meta`], [`query_terms`],
//! [`postings`], [`intersect`]) share this one module, so a word is cut
//! into terms the same way on both sides.
//!
//! The files (all plain text but the lists of stories, which are catalogs):
//! - `search/index.txt`: [`FORMAT`]; `docs N PER`; a `tag FOLDER<TAB>TAG`
//!   line for each tag whose folder is not its [`default_folder`]; a
//!   `group TERM` line per group of [`GROUP_CHUNKS`] chunks, its first term.
//! - `search/chunks-J.txt`: [`FORMAT`]; `first K` (its first chunk's
//!   number); a `chunk TERM` line per chunk, the first term it holds.
//! - `search/terms-K.txt`: the terms from chunk K's first up to the next
//!   chunk's, sorted, one per line: `TERM<TAB>POSTINGS`. The postings are
//!   story numbers, newest first, each after the first written as its
//!   distance from the one before (`907,3,12`); a list that ends in `+`
//!   holds only the term's newest [`MAX_POSTINGS`].
//! - `search/docs-K.json`: a catalog (`story-index/1`) of stories `K*PER`
//!   to `K*PER+PER-1`. Stories are numbered from the oldest (0), so that a
//!   new story changes only the last of these files and the chunks of its
//!   own words.
//!
//! A query downloads the index once, then one chunk per word (two at most
//! for a word typed so far, matched as a prefix), and one list of stories
//! per result shown; [`MAX_POSTINGS`] and [`CHUNK_BYTES`] bound each.
//!
//! Terms are cut from folded text ([`fold_decomposed`]): a run of letters
//! or digits is a word (an Arabic word that starts with the article `ال`
//! is also kept without it); CJK text, written without spaces, gives each
//! character and each pair of neighbours. Tags are also terms of their
//! own, `#` and the tag's folder (`#energy`), for a search within a tag.

use std::ops::Range;

mod builder;
pub use builder::{capped, merge_complete, merge_lists, write_terms, Builder, IndexFile, TermList, Written};

/// The first line of `search/index.txt`.
pub const FORMAT: &str = "story-search/1";
/// The folder of the search files on a built site.
pub const FOLDER: &str = "search/";
/// The search's index file, below the site's root.
pub const INDEX_FILE: &str = "search/index.txt";
/// Stories a term lists at most: its newest. A query of two common words
/// finds their stories among each word's newest this many.
pub const MAX_POSTINGS: usize = 1000;
/// A chunk of terms is closed once it holds this many bytes.
pub const CHUNK_BYTES: usize = 24 * 1024;
/// Chunks per group (one `chunks-J.txt`).
pub const GROUP_CHUNKS: usize = 128;
/// Stories per `docs-K.json`.
pub const DOCS_PER_FILE: usize = 32;
/// Words longer than this many characters (addresses, hashes) are not terms.
pub const MAX_WORD: usize = 40;
/// Results a search shows at first, and more each time it is asked.
pub const SEARCH_PAGE: usize = 10;
/// Terms of a query used at most.
pub const MAX_QUERY_TERMS: usize = 8;
/// Chunks a prefix may span; a shorter prefix is matched as a whole word.
pub const MAX_SPAN: usize = 2;
/// A search file over this many bytes is refused, not read.
pub const MAX_FILE: usize = 4 << 20;

/// The file of chunk `k` (`search/terms-3.txt`).
pub fn chunk_file(k: usize) -> String {
    format!("{FOLDER}terms-{k}.txt")
}

/// The file of group `j`'s chunk list (`search/chunks-0.txt`).
pub fn group_file(j: usize) -> String {
    format!("{FOLDER}chunks-{j}.txt")
}

/// The file of the stories numbered from `k * per` (`search/docs-3.json`).
pub fn docs_file(k: usize) -> String {
    format!("{FOLDER}docs-{k}.json")
}

/// Whether `c` is a combining mark that folding removes: accents, Arabic
/// harakat, Hebrew points and the like.
fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670
        | 0x06D6..=0x06ED | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Text folded for matching, from its NFKD form `decomposed`: lower-cased,
/// without combining marks (so `sud` finds `Süd`, and `عرب` vowelled Arabic)
/// and without the Arabic tatweel.
pub fn fold_decomposed(decomposed: &str) -> String {
    let mut out = String::with_capacity(decomposed.len());
    for c in decomposed.chars().filter(|&c| !is_mark(c) && c != '\u{640}') {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// One piece of folded text: a word, or a run of CJK characters.
enum Piece<'a> {
    Word(&'a str),
    Cjk(&'a str),
}

/// Calls `f` with each word and each CJK run of `folded`, in order.
fn pieces<'a>(folded: &'a str, f: &mut impl FnMut(Piece<'a>)) {
    let mut start: Option<(usize, bool)> = None;
    for (i, c) in folded.char_indices().chain([(folded.len(), ' ')]) {
        let cjk = crate::text::is_cjk(c);
        let kind = (cjk || c.is_alphanumeric()).then_some(cjk);
        match (start, kind) {
            (Some((s, was)), now) if now != Some(was) => {
                let text = &folded[s..i];
                f(if was { Piece::Cjk(text) } else { Piece::Word(text) });
                start = now.map(|k| (i, k));
            }
            (None, Some(k)) => start = Some((i, k)),
            _ => {}
        }
    }
}

/// Each character of a CJK run, then each pair of neighbours.
fn cjk_terms<'a>(run: &'a str, f: &mut impl FnMut(&'a str)) {
    let at: Vec<usize> = run.char_indices().map(|(i, _)| i).chain([run.len()]).collect();
    for w in at.windows(2) {
        f(&run[w[0]..w[1]]);
    }
    for w in at.windows(3) {
        f(&run[w[0]..w[2]]);
    }
}

/// Calls `f` with every term of `folded` (repeats included).
pub fn each_term<'a>(folded: &'a str, f: &mut impl FnMut(&'a str)) {
    pieces(folded, &mut |p| match p {
        Piece::Word(w) if w.chars().count() <= MAX_WORD => {
            f(w);
            if let Some(rest) = w.strip_prefix("ال").filter(|r| r.chars().count() >= 2) {
                f(rest);
            }
        }
        Piece::Word(_) => {}
        Piece::Cjk(run) => cjk_terms(run, f),
    });
}

/// What one term of a query matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryTerm {
    pub text: String,
    /// Every term that starts with `text` (a word, perhaps typed only so far).
    pub prefix: bool,
}

/// The terms of a query (folded): each word as a prefix; a CJK run as its
/// pairs of neighbours (a single character as itself). At most
/// [`MAX_QUERY_TERMS`], each once.
pub fn query_terms(folded: &str) -> Vec<QueryTerm> {
    let mut out: Vec<QueryTerm> = Vec::new();
    let mut add = |text: &str, prefix: bool| {
        if out.len() < MAX_QUERY_TERMS && !out.iter().any(|t| t.text == text) {
            out.push(QueryTerm { text: text.to_owned(), prefix });
        }
    };
    pieces(folded, &mut |p| match p {
        Piece::Word(w) => add(w, true),
        Piece::Cjk(run) if run.chars().nth(1).is_none() => add(run, false),
        Piece::Cjk(run) => {
            let at: Vec<usize> = run.char_indices().map(|(i, _)| i).chain([run.len()]).collect();
            at.windows(3).for_each(|w| add(&run[w[0]..w[2]], false));
        }
    });
    out
}

/// The term that stands for a tag, from its folder's name (`energy`).
pub fn tag_term(folder: &str) -> String {
    format!("#{folder}")
}

/// A search file of lines, read: `search/index.txt` ([`Meta::index`]) or a
/// group's `search/chunks-J.txt` ([`Meta::group`]); each has its own lines.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    /// The index: stories in it.
    pub docs: u32,
    /// The index: stories per `docs-K.json`.
    pub per_file: u32,
    /// The index: the tags whose folder is not [`default_folder`]'s,
    /// `(tag, folder)` (`("energy", "energy-2")` when `Energy` took `energy`).
    pub tags: Vec<(String, String)>,
    /// The index: each group's first term, sorted; group J lists its
    /// chunks in `search/chunks-J.txt`.
    pub groups: Vec<String>,
    /// A group: the number of its first chunk.
    pub first: usize,
    /// A group: each chunk's first term, sorted.
    pub chunks: Vec<String>,
}

/// The folder name a tag has unless another tag took it first.
pub fn default_folder(tag: &str) -> String {
    crate::text::tag_folders(&[tag]).pop().unwrap_or_default()
}

/// Appends `term` to a sorted list of first terms, if it sorts last.
fn push_sorted(list: &mut Vec<String>, term: &str) -> Option<()> {
    (list.last().is_none_or(|last| last.as_str() < term)).then(|| list.push(term.to_owned()))
}

impl Meta {
    /// Reads `search/index.txt`; the error says what is wrong, and where.
    pub fn index(text: &str) -> Result<Meta, String> {
        let meta = Meta::parse(text, "index")?;
        match meta.per_file {
            0 => Err("the search index has no \"docs\" line".to_owned()),
            _ => Ok(meta),
        }
    }

    /// Reads a group's `search/chunks-J.txt`.
    pub fn group(text: &str) -> Result<Meta, String> {
        Meta::parse(text, "group")
    }

    fn parse(text: &str, what: &str) -> Result<Meta, String> {
        if text.len() > MAX_FILE {
            return Err(format!("the search {what} is over the limit of {} MiB", MAX_FILE >> 20));
        }
        let mut lines = text.lines();
        if lines.next() != Some(FORMAT) {
            return Err(format!("the search {what} is not one: its first line is not \"{FORMAT}\""));
        }
        let mut meta = Meta::default();
        for (n, line) in lines.enumerate() {
            let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
            let read = match key {
                "docs" => rest.split_once(' ').and_then(|(d, p)| {
                    meta.docs = d.parse().ok()?;
                    meta.per_file = p.parse().ok().filter(|&p| p > 0)?;
                    Some(())
                }),
                "tag" => rest
                    .split_once('\t')
                    .map(|(folder, tag)| meta.tags.push((tag.to_owned(), folder.to_owned()))),
                "group" => push_sorted(&mut meta.groups, rest),
                "first" => rest.parse().ok().map(|f| meta.first = f),
                "chunk" => push_sorted(&mut meta.chunks, rest),
                _ => Some(()), // a later version's line
            };
            read.ok_or_else(|| format!("the search {what}, line {}, cannot be read: {line:.60}", n + 2))?;
        }
        Ok(meta)
    }

    /// The folder name of `tag` (`energy`).
    pub fn folder_of(&self, tag: &str) -> String {
        match self.tags.iter().find(|(t, _)| t == tag) {
            Some((_, f)) => f.clone(),
            None => default_folder(tag),
        }
    }

    /// The group whose chunks hold `term`, if any can.
    pub fn group_of(&self, term: &QueryTerm) -> Option<usize> {
        let t = term.text.as_str();
        match self.groups.partition_point(|g| g.as_str() <= t).checked_sub(1) {
            Some(g) => Some(g),
            None => (term.prefix && self.groups.first().is_some_and(|g| g.starts_with(t))).then_some(0),
        }
    }

    /// A group's chunks that hold `term` (numbers of the whole site), and
    /// whether to match it as a prefix: for a whole term, one chunk; for a
    /// prefix, every chunk with terms that start with it, or only the first
    /// when they are more than [`MAX_SPAN`] or run into the next group
    /// (whose first term is `next`): then the term is matched whole.
    pub fn chunks_of(&self, term: &QueryTerm, next: Option<&str>) -> (Range<usize>, bool) {
        let t = term.text.as_str();
        let beyond = |end: usize| end == self.chunks.len() && next.is_some_and(|n| n.starts_with(t));
        let at = |a: usize, b: usize| self.first + a..self.first + b;
        let Some(first) = self.chunks.partition_point(|c| c.as_str() <= t).checked_sub(1) else {
            // Before the first chunk: only a prefix can match, from chunk 0.
            let end = self.chunks.partition_point(|c| c.starts_with(t));
            return match term.prefix && end > 0 && end <= MAX_SPAN && !beyond(end) {
                true => (at(0, end), true),
                false => (0..0, false),
            };
        };
        let end = self.chunks.partition_point(|c| c.as_str() <= t || c.starts_with(t));
        match term.prefix && end - first <= MAX_SPAN && !beyond(end) {
            true => (at(first, end), true),
            false => (at(first, first + 1), false),
        }
    }
}

/// Adds to `out` the stories of `term` in `chunk` (a `terms-K.txt`), or of
/// every term that starts with it when `prefix`. True when a term's list
/// ends in `+`: it holds only its newest [`MAX_POSTINGS`] stories.
pub fn postings(chunk: &str, term: &str, prefix: bool, out: &mut Vec<u32>) -> Result<bool, String> {
    if chunk.len() > MAX_FILE {
        return Err(format!("a search file is over the limit of {} MiB", MAX_FILE >> 20));
    }
    let mut more = false;
    for line in chunk.lines() {
        let Some((t, list)) = line.split_once('\t') else { continue };
        if t == term || (prefix && t.starts_with(term)) {
            let mut doc: Option<u32> = None;
            for n in list.split(',') {
                if n == "+" {
                    more = true;
                    continue;
                }
                let bad = || format!("a search file's list cannot be read: {t}");
                let n: u32 = n.parse().map_err(|_| bad())?;
                let d = match doc {
                    None => n,
                    Some(d) => d.checked_sub(n).ok_or_else(bad)?,
                };
                out.push(d);
                doc = Some(d);
            }
        }
    }
    Ok(more)
}

/// The stories (below `docs`) in every list, newest first. Each list is
/// in any order, repeats allowed; an empty one makes the result empty.
pub fn intersect(lists: &[Vec<u32>], docs: u32) -> Vec<u32> {
    let words = (docs as usize).div_ceil(64);
    let mut all = vec![u64::MAX; if lists.is_empty() { 0 } else { words }];
    for list in lists {
        let mut bits = vec![0u64; words];
        for &d in list.iter().filter(|&&d| d < docs) {
            bits[d as usize / 64] |= 1 << (d % 64);
        }
        all.iter_mut().zip(bits).for_each(|(a, b)| *a &= b);
    }
    let mut out = Vec::new();
    for (w, &bits) in all.iter().enumerate().rev() {
        for b in (0..64).rev().filter(|b| bits & (1 << b) != 0) {
            out.push((w * 64 + b) as u32);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(s: &str) -> Vec<&str> {
        let mut out = Vec::new();
        each_term(s, &mut |t| out.push(t));
        out
    }

    #[test]
    fn words_cjk_and_arabic_are_cut_into_terms() {
        assert_eq!(terms("harbour cranes, go-electric!"), ["harbour", "cranes", "go", "electric"]);
        assert_eq!(terms("芯片工作"), ["芯", "片", "工", "作", "芯片", "片工", "工作"]);
        assert_eq!(terms("5g芯片"), ["5g", "芯", "片", "芯片"]);
        assert_eq!(terms("الصحراء"), ["الصحراء", "صحراء"]);
        assert_eq!(terms("ال"), ["ال"], "the article alone stays one word");
        let long = "x".repeat(MAX_WORD + 1);
        assert_eq!(terms(&format!("a {long} b")), ["a", "b"]);
    }

    #[test]
    fn a_query_is_prefixes_and_pairs() {
        let q = query_terms("energ 芯片工 凤 energ");
        let got: Vec<(&str, bool)> = q.iter().map(|t| (t.text.as_str(), t.prefix)).collect();
        assert_eq!(got, [("energ", true), ("芯片", false), ("片工", false), ("凤", false)]);
        assert!(query_terms("  ,, ").is_empty());
        assert_eq!(query_terms("a b c d e f g h i j k").len(), MAX_QUERY_TERMS);
    }

    /// Builds an index of `docs` (newest first) and searches it as the viewer does.
    fn search(docs: &[&str], query: &str) -> Vec<u32> {
        let n = docs.len() as u32;
        let mut b = Builder::new(n, vec![]);
        for (i, text) in docs.iter().enumerate() {
            b.add(n - 1 - i as u32, terms(text));
        }
        find(&b.finish(), query)
    }

    /// Searches written files as the viewer does.
    fn find(w: &Written, query: &str) -> Vec<u32> {
        let meta = Meta::index(&w.index).unwrap();
        let lists: Vec<Vec<u32>> = query_terms(query)
            .iter()
            .map(|t| {
                let mut out = Vec::new();
                let Some(j) = meta.group_of(t) else { return out };
                let group = Meta::group(&w.groups[j]).unwrap();
                let (range, prefix) = group.chunks_of(t, meta.groups.get(j + 1).map(String::as_str));
                for k in range {
                    postings(&w.chunks[k], &t.text, prefix, &mut out).unwrap();
                }
                out
            })
            .collect();
        intersect(&lists, meta.docs)
    }

    #[test]
    fn a_query_finds_every_story_with_all_its_terms_newest_first() {
        let docs =
            ["harbour cranes go electric", "the library robots", "深圳开源芯片工作室", "electric library"];
        assert_eq!(search(&docs, "electric"), [3, 0]);
        assert_eq!(search(&docs, "elec libr"), [0]);
        assert_eq!(search(&docs, "芯片"), [1]);
        assert_eq!(search(&docs, "芯片室"), Vec::<u32>::new());
        assert_eq!(search(&docs, "zebra"), Vec::<u32>::new());
        assert_eq!(search(&docs, "a"), Vec::<u32>::new());
    }

    #[test]
    fn chunks_split_the_terms_and_a_prefix_spans_them() {
        // 3,000 words of 12 letters each fill several chunks.
        let words: Vec<String> = (0..3000).map(|i| format!("word{i:08}")).collect();
        let docs: Vec<&str> = words.iter().map(String::as_str).collect();
        let n = docs.len() as u32;
        let mut b = Builder::new(n, vec![]);
        for (i, w) in docs.iter().enumerate() {
            b.add(n - 1 - i as u32, [*w]);
        }
        let w = b.finish();
        assert!(w.chunks.len() >= 2, "{} chunks", w.chunks.len());
        let group = Meta::group(&w.groups[0]).unwrap();
        assert_eq!(group.chunks.len(), w.chunks.len());
        assert!(w.chunks.iter().all(|c| c.len() < CHUNK_BYTES + 100));
        // Every word is found in the one chunk named for it.
        for (i, w) in words.iter().enumerate().step_by(97) {
            assert_eq!(search(&docs, w), [n - 1 - i as u32], "{w}");
        }
        // A prefix over every chunk is matched whole (so finds nothing).
        assert_eq!(search(&docs, "word"), Vec::<u32>::new());
    }

    #[test]
    fn a_term_keeps_its_newest_stories() {
        let mut b = Builder::new(5000, vec![]);
        for d in (0..5000).rev() {
            b.add(d, ["news", "news"]);
        }
        let w = b.finish();
        let mut out = Vec::new();
        assert!(postings(&w.chunks[0], "news", false, &mut out).unwrap(), "the list says it is cut");
        assert_eq!(out.len(), MAX_POSTINGS);
        assert_eq!(out[0], 4999);
        assert_eq!(out[MAX_POSTINGS - 1], 4000);
        assert!(w.index.starts_with("story-search/1\ndocs 5000 32\n"));
    }

    #[test]
    fn stories_added_in_any_order_and_in_parts_give_the_same_index() {
        // 5,000 stories: "news" in all (cut at the newest 1,000), "odd" in
        // half (cut too), "rare" in a few; each story's terms in two calls.
        let n = 5000u32;
        let terms_of = |d: u32| {
            let mut t = vec!["news", if d % 2 == 1 { "odd" } else { "even" }];
            if d % 997 == 0 {
                t.push("rare");
            }
            t
        };
        let build = |order: &[u32]| {
            let mut b = Builder::new(n, vec![]);
            for &d in order {
                let t = terms_of(d);
                b.add(d, t[..1].iter().copied());
                b.add(d, t.iter().copied());
            }
            let w = b.finish();
            (w.index, w.groups, w.chunks)
        };
        let newest_first: Vec<u32> = (0..n).rev().collect();
        let mut shuffled: Vec<u32> = (0..n).collect();
        let mut seed = 7u64;
        for i in (1..shuffled.len()).rev() {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            shuffled.swap(i, (seed >> 33) as usize % (i + 1));
        }
        let (a, b) = (build(&newest_first), build(&shuffled));
        assert!(a == b, "the same files whatever the order");
        assert!(a.2[0].contains("odd\t4999,2,"), "{}", &a.2[0][..40]);
        let oldest_first: Vec<u32> = (0..n).collect();
        assert!(build(&oldest_first) == a);
    }

    #[test]
    fn bad_files_are_messages() {
        assert!(Meta::index("hello").unwrap_err().contains("is not one"));
        assert!(Meta::index("story-search/1\ngroup b\ngroup a\ndocs 1 32").unwrap_err().contains("line 3"));
        assert!(Meta::index("story-search/1\n").unwrap_err().contains("docs"));
        assert!(Meta::index("story-search/1\ndocs x 32").unwrap_err().contains("line 2"));
        assert!(Meta::group("story-search/1\nfirst x\n").unwrap_err().contains("line 2"));
        assert_eq!(intersect(&[vec![5, 1, 70, 1], vec![70, 1, 900]], 100), [70, 1]);
        assert_eq!(intersect(&[vec![5], vec![]], 100), Vec::<u32>::new());
        assert_eq!(intersect(&[], 100), Vec::<u32>::new());
        let mut out = Vec::new();
        assert!(postings("a\t1,x", "a", false, &mut out).is_err());
        assert!(postings("a\t1,5", "a", false, &mut out).unwrap_err().contains("cannot be read"));
        let meta = Meta::index("story-search/1\ndocs 3 32\ntag energy-2\tEnergy\nfuture line\n").unwrap();
        assert_eq!(meta.folder_of("Energy"), "energy-2");
        assert_eq!(meta.folder_of("Ports"), "ports");
    }

    #[test]
    fn the_index_agrees_with_reading_every_story() {
        // 1,000 stories of 400 words from 200,000, in more than one group.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let docs: Vec<Vec<String>> = (0..1000)
            .map(|_| (0..400).map(|_| format!("w{:07}x{}", next(200_000), "q".repeat(6))).collect())
            .collect();
        let n = docs.len() as u32;
        let mut b = Builder::new(n, vec![]);
        for (i, d) in docs.iter().enumerate() {
            b.add(n - 1 - i as u32, d.iter().map(String::as_str));
        }
        let w = b.finish();
        assert!(w.groups.len() >= 2, "{} groups of {} chunks", w.groups.len(), w.chunks.len());
        for _ in 0..300 {
            let pick = |next: &mut dyn FnMut(u64) -> u64| {
                let d = &docs[next(1000) as usize];
                d[next(400) as usize].clone()
            };
            let q = match next(2) {
                0 => pick(&mut next),
                _ => format!("{} {}", pick(&mut next), pick(&mut next)),
            };
            let want: Vec<u32> = (0..docs.len())
                .filter(|&i| q.split(' ').all(|word| docs[i].iter().any(|t| t == word)))
                .map(|i| n - 1 - i as u32)
                .collect();
            assert_eq!(find(&w, &q), want, "{q}");
        }
    }
}
