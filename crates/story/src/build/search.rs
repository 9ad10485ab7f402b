//! The site's search index (`search/`, written by `story_format::search`):
//! every story of the catalog by number, oldest first, with the terms of
//! its title, dek, source, tags, byline, authors and full text; the lists
//! of stories a result shows (`docs-K.json`, small catalogs).

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::path::PathBuf;
use std::sync::atomic::{AtomicIsize, AtomicU64, Ordering};
use std::sync::Mutex;

use story_format::search::{self, Builder, DOCS_PER_FILE};
use story_format::url::{relative_ref, Url};
use story_format::Story;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

use super::entries::{Entries, IdHash};
use super::manifest::{file_key, Keyed};
use super::search_runs::{merged, write_run, RunReader, Source};
use super::search_state::{self as state, doc_digest, Last, GONE};
use super::Failure;
use crate::out::{CatalogOut, EntryOut, ImageOut, SourceOut};
use crate::parallel::parallel;
use crate::spill::Spill;

/// Catalog entries folded together as one job (a few milliseconds' work).
const ENTRY_BLOCK: usize = 1024;

/// `text` folded for the index, as the viewer folds a query. Text already
/// in NFKD (most text: ASCII, CJK, curly quotes; a quick check that reads
/// no tables for ASCII) is not decomposed again.
pub fn fold(text: &str) -> String {
    if unicode_normalization::is_nfkd_quick(text.chars()) == IsNormalized::Yes {
        return search::fold_decomposed(text);
    }
    search::fold_decomposed(&text.nfkd().collect::<String>())
}

/// The index while the site is built: each story's own text goes in as
/// its pages are written (byline, authors, every section), so no story's
/// terms are kept until the end; the catalog's entries go in last
/// ([`write_index`]). Stories the catalog does not list are not indexed.
///
/// The terms' lists are held in [`SHARDS`] builders, each term in one by
/// its hash, each behind its own lock: the stories' workers add about
/// 200 terms a story, and behind one lock they took turns (at 100,000
/// stories with nothing changed, adding them was over half the stories'
/// phase, on one core at a time). Past [`INDEX_BUDGET`] bytes in all, the
/// terms' lists go to disk as one sorted run and the builders start again
/// empty; the runs and what is left are merged term by term when the
/// files are written (each term's lists merged give what one list would
/// have been), so memory does not grow with the number of different terms
/// (a million stories have millions).
pub(super) struct Index<'c> {
    /// The catalog, which numbers each listed story by its id (the index
    /// numbers them the other way round: the oldest is 0).
    catalog: &'c Entries,
    shards: Vec<Mutex<Builder>>,
    /// Roughly what the shards hold together, in bytes.
    held: AtomicIsize,
    /// The runs already on disk (each one's bytes in the index's spill).
    runs: Mutex<Vec<(u64, u64)>>,
    /// The stories it numbers, and every tag with its folder.
    docs: u32,
    tags: Vec<(String, String)>,
    spill: Spill,
    budget: usize,
    /// The lists carried from the last build and to the next
    /// ([`super::search_state`]); `None` when two entries share an id.
    carry: Option<Carry>,
}

/// What [`Index`] carries: where the lists go for the next build, the last
/// build's, and for each entry of the catalog (by number) what its terms
/// were made from when carried (0: not carried) and what they are made
/// from in this build: its entry's digest (its lowest bit 0) until its
/// story's terms come, then [`doc_digest`] (its lowest bit 1).
struct Carry {
    /// The state's path beside OUT, and its context.
    path: PathBuf,
    context: Vec<u8>,
    last: Option<Last>,
    expected: Vec<u64>,
    now: Vec<AtomicU64>,
}

/// Where the lists being carried are written, in the new site's folder
/// until they are whole.
const STATE_NEW: &str = ".story-search";

/// The builders a term may be in ([`Index`]).
const SHARDS: usize = 16;

/// What the index's lists may take in memory before they go to disk. At
/// 100,000 stories, 8 MB against 32 took the stories' phase's peak from
/// 105-125 MB to 73-87 and the search's from 118-130 to 99-105 (11 runs
/// instead of 2; at 1,000,000 over a hundred instead of 28, merged
/// through a heap: [`merged`]).
const INDEX_BUDGET: usize = 8 << 20;

impl<'c> Index<'c> {
    /// An empty index of `catalog`'s entries; `tags` are every tag with
    /// its folder below the root (`tags/energy/`). Its runs go to an
    /// unnamed file in `dir` (a folder the build owns).
    /// `STORY_INDEX_BUDGET` (bytes) sets another budget than
    /// [`INDEX_BUDGET`], for tests and benchmarks of the runs. `carried`:
    /// where the lists are carried between builds, and their context.
    pub(super) fn new(
        catalog: &'c Entries,
        tags: &[(String, String)],
        dir: &Path,
        carried: (PathBuf, Vec<u8>),
    ) -> io::Result<Index<'c>> {
        let budget = std::env::var("STORY_INDEX_BUDGET").ok().and_then(|b| b.parse().ok());
        let budget = budget.unwrap_or(INDEX_BUDGET);
        let docs = catalog.len() as u32;
        let tags: Vec<(String, String)> = tags.iter().map(|(t, p)| (t.clone(), folder_of(p))).collect();
        let shards = (0..SHARDS).map(|_| Mutex::new(Builder::complete(docs))).collect();
        let carry = catalog.ids().map(|_| {
            // An entry's terms are its JSON's and its tags' folders'.
            let mut entry: Vec<u64> = (0..docs).map(|n| catalog.digest(n) & !1).collect();
            for (tag, folder) in &tags {
                // The lowest bit left 0, as the entries' ([`Carry::now`]).
                let h = crate::check::short_hash(format!("{tag}\n{folder}").as_bytes());
                let h = u64::from_le_bytes(h[..8].try_into().expect("8 bytes")) & !1;
                catalog.tagged(tag).iter().for_each(|&n| entry[n as usize] ^= h);
            }
            let (path, context) = carried;
            let (last, expected) = match state::open(&path, &context, catalog) {
                Some((last, expected)) => (Some(last), expected),
                // Nothing carried: no digest to compare (none is 0).
                None => (None, Vec::new()),
            };
            let now = entry.into_iter().map(AtomicU64::new).collect();
            Carry { path, context, last, expected, now }
        });
        Ok(Index {
            catalog,
            shards,
            held: AtomicIsize::new(0),
            runs: Mutex::default(),
            docs,
            tags,
            spill: Spill::new(dir)?,
            budget,
            carry,
        })
    }

    /// Adds story `doc`'s `terms`, each to its shard; past the budget,
    /// the lists go to disk.
    fn add<'t>(&self, doc: u32, terms: impl IntoIterator<Item = &'t str>) -> io::Result<()> {
        let mut parts: [Vec<&str>; SHARDS] = Default::default();
        for t in terms {
            parts[shard_of(t)].push(t);
        }
        let mut grown = 0;
        for (shard, part) in self.shards.iter().zip(&parts).filter(|(_, p)| !p.is_empty()) {
            let mut builder = shard.lock().expect("no panics while locked");
            let before = builder.held_bytes() as isize;
            builder.add(doc, part.iter().copied());
            grown += builder.held_bytes() as isize - before;
        }
        let held = self.held.fetch_add(grown, Ordering::Relaxed) + grown;
        if held > self.budget as isize {
            self.write_run()?;
        }
        Ok(())
    }

    /// Every shard's lists, taken out, written to disk as one run (unless
    /// another worker just did).
    fn write_run(&self) -> io::Result<()> {
        let mut runs = self.runs.lock().expect("no panics while locked");
        if self.held.load(Ordering::Relaxed) <= self.budget as isize {
            return Ok(());
        }
        let sources = self.take_shards();
        self.held.store(0, Ordering::Relaxed);
        runs.push(write_run(&self.spill, merged(sources))?);
        Ok(())
    }

    /// Each shard's lists taken out, in term order: one source each.
    fn take_shards(&self) -> Vec<Source<'static>> {
        let take = |s: &Mutex<Builder>| s.lock().expect("no panics while locked").take_sorted();
        self.shards.iter().map(|s| Source::Held(take(s).into_iter())).collect()
    }

    /// Adds the terms of a story's own text ([`story_terms`], as UTF-8:
    /// else an error), its id's hash `id`, its JSON's SHA-256 `json`; not
    /// when the last build's lists, carried, hold them already.
    pub(super) fn add_story(&self, id: &IdHash, json: &[u8; 32], terms: &[u8]) -> io::Result<()> {
        let Some(number) = self.catalog.number_of(id) else { return Ok(()) };
        if let Some(c) = &self.carry {
            let n = number as usize;
            let entry = c.now[n].load(Ordering::Relaxed);
            let digest = doc_digest(entry, Some(json));
            let set = c.now[n].compare_exchange(entry, digest, Ordering::Relaxed, Ordering::Relaxed);
            if entry & 1 == 1 || set.is_err() {
                return Err(io::Error::other("two stories of the site gave the search index one id"));
            }
            if c.expected.get(n) == Some(&digest) {
                return Ok(());
            }
        }
        // Read back from the memo, checked by `wants_terms`' caller.
        let text = std::str::from_utf8(terms)
            .map_err(|_| io::Error::other("a story's search terms are not text"))?;
        self.add(self.catalog.len() as u32 - 1 - number, text.split_terminator('\n'))
    }

    /// Whether [`Index::add_story`] would take the terms of the story
    /// `id` whose JSON hashes to `json`: it is listed, and its terms are
    /// not carried from the last build.
    pub(super) fn wants_terms(&self, id: &IdHash, json: &[u8; 32]) -> bool {
        let Some(number) = self.catalog.number_of(id) else { return false };
        let Some(c) = &self.carry else { return true };
        let n = number as usize;
        let entry = c.now[n].load(Ordering::Relaxed);
        entry & 1 == 1 || c.expected.get(n) != Some(&doc_digest(entry, Some(json)))
    }
}

/// The terms of `story`'s own text (its byline, authors and every text
/// of it), folded, each once (a story repeats its words), in no order,
/// each ended by a line break (no term holds one: terms are cut at
/// whitespace).
pub(super) fn story_terms(story: &Story) -> String {
    let mut text = String::new();
    let mut add = |s: &str| {
        text.push_str(s);
        text.push('\n');
    };
    story.byline.iter().for_each(|b| add(b));
    story.authors.iter().for_each(|a| add(&a.name));
    story.each_text(&mut add);
    let folded = fold(&text);
    let mut terms = foldhash::HashSet::default();
    search::each_term(&folded, &mut |t| {
        terms.insert(t);
    });
    let mut out = String::with_capacity(folded.len() / 2);
    for t in terms {
        out.push_str(t);
        out.push('\n');
    }
    out
}

/// The shard of [`Index`] that holds `term`: FNV-1a of its bytes, a
/// hash of its own. (The builders' maps hash with foldhash; the shard
/// taken from a foldhash of the same seed leaves every term of a shard
/// with the same low bits, which the map's buckets are chosen by.)
fn shard_of(term: &str) -> usize {
    let hash =
        term.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    (hash >> 32) as usize % SHARDS
}

/// A tag's folder below `tags/` (`energy`), from its path below the root.
fn folder_of(path: &str) -> String {
    path.strip_prefix(story_format::layout::TAGS_FOLDER).unwrap_or(path).trim_end_matches('/').to_owned()
}

/// What the index came to: files and bytes.
#[derive(Debug, Default, Clone, Copy)]
pub struct SearchStats {
    /// Stories in the index.
    pub docs: usize,
    pub files: usize,
    pub bytes: u64,
    /// Stories whose terms the last build's lists carried (not added again).
    pub carried: usize,
    /// Runs its terms went to disk in, past the memory budget (0: none).
    pub runs: usize,
    /// Lists of stories (`docs-K.json`) as the last build wrote them.
    pub docs_kept: usize,
}

/// Writes `out/search/`: the index of `catalog`'s entries (newest first,
/// numbered from the oldest), each with its story's `terms` when the site
/// has the story (by id). `tags` are every tag with its folder below the
/// root (`tags/energy/`). `docs_memo`: where the lists of stories are
/// kept between builds, and the memo's context ([`write_docs`]). Gives
/// what it wrote, and each list of stories' path and key for the
/// manifest.
pub(super) fn write_index(
    out: &Path,
    root: &Url,
    catalog: &Entries,
    mut index: Index<'_>,
    tags: &[(String, String)],
    docs_memo: (&Path, &[u8]),
) -> Result<(SearchStats, Vec<Keyed>), Failure> {
    let folders: HashMap<&str, String> = tags.iter().map(|(t, p)| (t.as_str(), folder_of(p))).collect();
    let n = catalog.len() as u32;

    // The entries whose terms go in: every entry's, but those whose terms
    // the last build's lists carry (their story's digest the same).
    let mut carry = index.carry.take();
    let mut todo = Vec::new();
    match &mut carry {
        Some(c) => {
            for (k, now) in c.now.iter_mut().enumerate() {
                let now = now.get_mut();
                if *now & 1 == 0 {
                    *now = doc_digest(*now, None);
                }
                if c.expected.get(k) != Some(&*now) {
                    todo.push(k as u32);
                }
            }
            if let Some(last) = &mut c.last {
                for d in last.renumbered.iter_mut().filter(|d| **d != GONE) {
                    let k = (n - 1 - *d) as usize;
                    if c.expected.get(k) != Some(&c.now[k].load(Ordering::Relaxed)) {
                        *d = GONE;
                    }
                }
            }
        }
        None => todo.extend(0..n),
    }
    // Each entry's own terms (title, dek, source, tags), folded on every
    // core a block of entries at a time, then added in order; a few
    // blocks at once (one a core), so their terms are never all held
    // together (eight at once cost 30 MB more at 100,000 stories).
    let blocks: Vec<&[u32]> = todo.chunks(ENTRY_BLOCK).collect();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    for wave in blocks.chunks(cores) {
        let termed = parallel(wave, |&part| {
            let terms: Vec<Vec<String>> = catalog
                .read_these(part)?
                .iter()
                .map(|e| {
                    let mut text = e.title.clone();
                    for part in e.dek.iter().chain([&e.source.name]).chain(&e.tags) {
                        text.push('\n');
                        text.push_str(part);
                    }
                    let folded = fold(&text);
                    let mut own = Vec::new();
                    search::each_term(&folded, &mut |t| own.push(t.to_owned()));
                    own.extend(
                        e.tags.iter().filter_map(|t| folders.get(t.as_str())).map(|f| search::tag_term(f)),
                    );
                    own
                })
                .collect();
            Ok::<_, Failure>((part, terms))
        })?;
        for (part, terms) in termed {
            for (&number, own) in part.iter().zip(&terms) {
                index.add(n - 1 - number, own.iter().map(String::as_str))?;
            }
        }
    }
    let carried = catalog.len() - todo.len();
    drop(todo);
    std::fs::create_dir_all(out.join(search::FOLDER))?;
    let mut stats = SearchStats { docs: catalog.len(), carried, ..SearchStats::default() };
    let write = |file: search::IndexFile, text: String| {
        std::fs::write(out.join(file.path()), &text)?;
        stats.files += 1;
        stats.bytes += text.len() as u64;
        Ok::<_, io::Error>(())
    };
    // The runs on disk, what is held and the lists carried, merged term
    // by term (with no run and nothing carried, what is held alone).
    let held = index.take_shards();
    let Index { runs, spill, docs, tags: folders_of_tags, .. } = index;
    let runs = runs.into_inner().expect("no panics while locked");
    let mut sources: Vec<Source<'_>> =
        runs.iter().map(|&(pos, end)| Source::Run(RunReader::new(&spill, pos, end))).collect();
    sources.extend(held);
    let last = carry.as_ref().and_then(|c| c.last.as_ref());
    if let Some(last) = last {
        sources.push(Source::Carried(last.terms()?));
    }
    // Every list whole for the next build; the files keep each term's newest.
    let new_state = out.join(STATE_NEW);
    let mut carrying = match &carry {
        Some(c) => {
            let ids = catalog.ids().unwrap_or_default().iter();
            let docs = ids.map(|(id, k)| (*id, n - 1 - k, c.now[*k as usize].load(Ordering::Relaxed)));
            Some(state::Writer::new(&new_state, &c.context, docs)?)
        }
        None => None,
    };
    let terms = merged(sources).map(|term| {
        let (t, list, _) = term?;
        if let Some(w) = &mut carrying {
            w.term(&t, &list)?;
        }
        let (list, capped) = search::capped(list);
        Ok((t, list, capped))
    });
    search::write_terms(terms, docs, &folders_of_tags, write)?;
    if let (Some(w), Some(c)) = (carrying, &carry) {
        w.finish(&new_state, &c.path)?;
    }
    drop(carry);
    let (written, kept) = write_docs(out, root, catalog, docs_memo)?;
    stats.docs_kept = kept;
    stats.runs = runs.len();
    stats.files += written.len();
    stats.bytes += written.iter().map(|w| w.0).sum::<u64>();
    Ok((stats, written.into_iter().map(|w| w.1).collect()))
}

/// The lists of stories (`docs-K.json`), numbered from the oldest (the
/// last entry is 0), written on every core; each one's size, path and
/// key in the manifest (its key below, within `context`), and how many
/// were kept as the last build wrote them. A list is kept beside
/// OUT (the memo at `kept_at`, one record a file: its key, then its
/// bytes) by a key of what it is made from: the catalog's title, the
/// file's name and [`Entries::list_hash`] of its entries (each one's
/// page, place and JSON as written), within the memo's `context` (this
/// version, the site, its address). A list of the same key is not read
/// back, parsed and written as JSON again: at 100,000 stories (3,125
/// lists) that took a third of a CPU-second in a build that changed
/// nothing.
fn write_docs(
    out: &Path,
    root: &Url,
    catalog: &Entries,
    (kept_at, context): (&Path, &[u8]),
) -> Result<(Vec<(u64, Keyed)>, usize), Failure> {
    let last = crate::memo::Memo::open(kept_at, context);
    let new_at = out.join(DOCS_NEW);
    let keep = crate::memo::Writer::after(last.as_ref(), &new_at, context)
        .map_err(|e| super::run_err(&new_at, e))?;
    let kept = AtomicU64::new(0);
    let parts: Vec<usize> = (0..catalog.len().div_ceil(DOCS_PER_FILE)).collect();
    let sizes = parallel(&parts, |&k| {
        // Oldest first: the numbers from the end of the catalog back.
        let end = catalog.len() - k * DOCS_PER_FILE;
        let numbers: Vec<u32> = (end.saturating_sub(DOCS_PER_FILE) as u32..end as u32).collect();
        let name = search::docs_file(k);
        let key = docs_key(&catalog.title, &name, &catalog.list_hash(&numbers, &[]));
        let file = Path::new(&name);
        let record = last.as_ref().and_then(|m| Some((m.get(file, &key)?, m)));
        let json = match record {
            Some((mut record, last)) => {
                kept.fetch_add(1, Ordering::Relaxed);
                // A list not carried is only made again next time.
                let _ = keep.carry(file, last);
                record.split_off(key.len())
            }
            None => {
                let json = docs_json(root, catalog, &numbers, &name)?.into_bytes();
                let _ = keep.put(file, None, &[&key[..], &json].concat());
                json
            }
        };
        std::fs::write(out.join(&name), &json)?;
        Ok::<_, Failure>((json.len() as u64, (name, file_key(context, &key))))
    })?;
    keep.finish(kept_at, last.as_ref()).map_err(|e| super::run_err(kept_at, e))?;
    Ok((sizes, kept.into_inner() as usize))
}

/// The memo of lists of stories being written ([`write_docs`]), until
/// they are all written.
const DOCS_NEW: &str = ".story-docs";

/// [`write_docs`]'s key of the list `name` of `catalog_title`'s entries
/// whose [`Entries::list_hash`] is `entries`.
fn docs_key(catalog_title: &str, name: &str, entries: &[u8; 32]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut key = Sha256::new();
    for part in [catalog_title.as_bytes(), name.as_bytes(), entries] {
        key.update((part.len() as u64).to_le_bytes());
        key.update(part);
    }
    key.finalize().into()
}

/// The list of stories `name` (a small catalog), of the entries numbered
/// `numbers` (newest first), oldest first.
fn docs_json(root: &Url, catalog: &Entries, numbers: &[u32], name: &str) -> Result<String, Failure> {
    let mut part = catalog.read_these(numbers)?;
    part.reverse();
    let page = root.join(name).map_err(|e| Failure::Run(e.to_string()))?;
    let rel = |u: &story_format::SafeUrl| relative_ref(u, &page, root);
    let stories = part
        .iter()
        .map(|e| EntryOut {
            id: e.id.clone(),
            title: e.title.clone(),
            lang: e.lang.clone(),
            published: e.published.as_ref().map(|t| t.raw.clone()).unwrap_or_default(),
            source: (!e.source.name.is_empty()).then(|| SourceOut {
                name: e.source.name.clone(),
                lang: e.source.lang.clone(),
                url: e.source.url.as_ref().map(rel),
            }),
            href: e.href.as_ref().map(rel).unwrap_or_default(),
            dek: e.dek.clone(),
            thumbnail: e.thumbnail.as_ref().and_then(|t| {
                Some(ImageOut {
                    src: rel(t.src.as_ref()?),
                    alt: t.alt.clone(),
                    width: t.size.map(|(w, _)| w),
                    height: t.size.map(|(_, h)| h),
                    ..ImageOut::default()
                })
            }),
            tags: e.tags.clone(),
        })
        .collect();
    let list = CatalogOut {
        format: "story-index/1",
        title: catalog.title.clone(),
        total: None,
        prev: None,
        next: None,
        stories,
    };
    serde_json::to_string(&list).map_err(|e| Failure::Run(e.to_string()))
}
