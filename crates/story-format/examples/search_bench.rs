//! The search index at archive scale (a benchmark that prints figures, not
//! a test): N generated stories (default 1,000,000) of 200 words each,
//! drawn from 200,000 made-up words with a Zipf-like spread (a few very
//! common, most rare, as real text), indexed with `search::Builder`; then
//! what queries download, file by file, as the viewer reads them.
//!
//! `cargo run --release -p story-format --example search_bench [-- N]`
//! (run by `./dev bench`). The lists of stories (`docs-K.json`) are counted
//! at the size `story build` writes for the e2e archive (`DOCS_FILE_BYTES`).

use std::time::Instant;

use story_format::search::{self, Builder, Meta};

/// A `docs-K.json` of 32 stories with a title, date, source, dek and
/// thumbnail, as built for the samples (3.0 KB for 6).
const DOCS_FILE_BYTES: usize = 16_000;
const WORDS: u64 = 200_000;
const PER_STORY: usize = 200;

fn main() {
    let n: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let vocabulary: Vec<String> = (0..WORDS).map(|i| format!("w{i:x}q")).collect();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let t = Instant::now();
    let mut b = Builder::new(n, vec![]);
    let mut words = Vec::with_capacity(PER_STORY);
    for doc in (0..n).rev() {
        words.clear();
        for _ in 0..PER_STORY {
            let i = ((random() * (WORDS as f64).ln()).exp() as usize).saturating_sub(1);
            words.push(vocabulary[i.min(vocabulary.len() - 1)].as_str());
        }
        b.add(doc, words.iter().copied());
    }
    let indexed = t.elapsed().as_secs_f64();
    let w = b.finish();
    let total: usize = w.index.len()
        + w.groups.iter().map(String::len).sum::<usize>()
        + w.chunks.iter().map(String::len).sum::<usize>();
    println!(
        "search bench: {n} stories x {PER_STORY} words: indexed in {indexed:.1} s, written in {:.1} s; \
         {} groups, {} chunks, {:.1} MB of terms ({} KB index.txt)",
        t.elapsed().as_secs_f64() - indexed,
        w.groups.len(),
        w.chunks.len(),
        total as f64 / 1e6,
        w.index.len() / 1000
    );
    let meta = Meta::index(&w.index).expect("the index reads back");
    // A rare word, a middling one, a common one, two words, and a prefix.
    let pick = |rank: usize| vocabulary[rank].clone();
    let queries = [
        pick(150_000),
        pick(2_000),
        pick(3),
        format!("{} {}", pick(40), pick(900)),
        pick(12_345)[..4].to_owned(),
    ];
    for q in queries {
        let mut bytes = w.index.len();
        let mut files = 1;
        let mut lists = Vec::new();
        let mut more = false;
        for t in search::query_terms(&q) {
            let mut list = Vec::new();
            if let Some(j) = meta.group_of(&t) {
                let group = Meta::group(&w.groups[j]).expect("a group reads back");
                bytes += w.groups[j].len();
                files += 1;
                let (chunks, prefix) = group.chunks_of(&t, meta.groups.get(j + 1).map(String::as_str));
                for k in chunks {
                    bytes += w.chunks[k].len();
                    files += 1;
                    more |= search::postings(&w.chunks[k], &t.text, prefix, &mut list)
                        .expect("a chunk reads back");
                }
            }
            lists.push(list);
        }
        let found = search::intersect(&lists, meta.docs);
        let mut docs_files: Vec<usize> =
            found.iter().take(search::SEARCH_PAGE).map(|&d| d as usize / search::DOCS_PER_FILE).collect();
        docs_files.dedup();
        files += docs_files.len();
        bytes += docs_files.len() * DOCS_FILE_BYTES;
        println!(
            "  query {q:<16} {:>6} found{}, {files} files, {:.0} KB",
            found.len(),
            if more { " (newest)" } else { "" },
            bytes as f64 / 1e3
        );
    }
}
