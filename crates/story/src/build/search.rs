//! The site's search index (`search/`, written by `story_format::search`):
//! every story of the catalog by number, oldest first, with the terms of
//! its title, dek, source, tags, byline, authors and full text; the lists
//! of stories a result shows (`docs-K.json`, small catalogs).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use story_format::search::{self, Builder, DOCS_PER_FILE};
use story_format::url::{relative_ref, Url};
use story_format::Story;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

use super::entries::{id_hash, Entries};
use super::Failure;
use crate::out::{CatalogOut, EntryOut, ImageOut, SourceOut};
use crate::parallel::parallel;

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
pub(super) struct Index<'c> {
    /// The catalog, which numbers each listed story by its id (the index
    /// numbers them the other way round: the oldest is 0).
    catalog: &'c Entries,
    builder: Mutex<Builder>,
}

impl<'c> Index<'c> {
    /// An empty index of `catalog`'s entries; `tags` are every tag with
    /// its folder below the root (`tags/energy/`).
    pub(super) fn new(catalog: &'c Entries, tags: &[(String, String)]) -> Index<'c> {
        let n = catalog.len() as u32;
        let tags = tags.iter().map(|(t, p)| (t.clone(), folder_of(p))).collect();
        Index { catalog, builder: Mutex::new(Builder::new(n, tags)) }
    }

    /// Adds the terms of `story`'s own text, folded (outside the lock).
    pub(super) fn add_story(&self, story: &Story) {
        let Some(number) = self.catalog.number_of(&id_hash(&story.id)) else { return };
        let doc = self.catalog.len() as u32 - 1 - number;
        let mut text = String::new();
        let mut add = |s: &str| {
            text.push_str(s);
            text.push('\n');
        };
        story.byline.iter().for_each(|b| add(b));
        story.authors.iter().for_each(|a| add(&a.name));
        story.each_text(&mut add);
        let folded = fold(&text);
        // Each term once (a story repeats its words), found outside the lock.
        let mut terms = foldhash::HashSet::default();
        search::each_term(&folded, &mut |t| {
            terms.insert(t);
        });
        self.builder.lock().expect("no panics while locked").add(doc, terms);
    }
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
}

/// Writes `out/search/`: the index of `catalog`'s entries (newest first,
/// numbered from the oldest), each with its story's `terms` when the site
/// has the story (by id). `tags` are every tag with its folder below the
/// root (`tags/energy/`).
pub(super) fn write_index(
    out: &Path,
    root: &Url,
    catalog: &Entries,
    index: Index<'_>,
    tags: &[(String, String)],
) -> Result<SearchStats, Failure> {
    let folders: HashMap<&str, String> = tags.iter().map(|(t, p)| (t.as_str(), folder_of(p))).collect();
    let n = catalog.len() as u32;
    let mut builder = index.builder.into_inner().expect("no panics while locked");
    // Each entry's own terms (title, dek, source, tags), folded on every
    // core a block of entries at a time, then added in order; a few
    // blocks at once (one a core), so their terms are never all held
    // together (eight at once cost 30 MB more at 100,000 stories).
    let blocks: Vec<usize> = (0..catalog.len()).step_by(ENTRY_BLOCK).collect();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    for wave in blocks.chunks(cores) {
        let termed = parallel(wave, |&first| {
            let part = catalog.read(first..(first + ENTRY_BLOCK).min(catalog.len()))?;
            let terms: Vec<Vec<String>> = part
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
            Ok::<_, Failure>((first, terms))
        })?;
        for (first, terms) in termed {
            for (i, own) in terms.iter().enumerate() {
                builder.add(n - 1 - (first + i) as u32, own.iter().map(String::as_str));
            }
        }
    }
    std::fs::create_dir_all(out.join(search::FOLDER))?;
    let mut stats = SearchStats { docs: catalog.len(), ..SearchStats::default() };
    builder.write_files(|file, text| {
        std::fs::write(out.join(file.path()), &text)?;
        stats.files += 1;
        stats.bytes += text.len() as u64;
        Ok::<_, std::io::Error>(())
    })?;
    // The lists of stories, numbered from the oldest (the last entry is
    // 0), written on every core.
    let parts: Vec<usize> = (0..catalog.len().div_ceil(DOCS_PER_FILE)).collect();
    let sizes = parallel(&parts, |&k| {
        // Oldest first: the numbers from the end of the catalog back.
        let end = catalog.len() - k * DOCS_PER_FILE;
        let mut part = catalog.read(end.saturating_sub(DOCS_PER_FILE)..end)?;
        part.reverse();
        let name = search::docs_file(k);
        let page = root.join(&name).map_err(|e| Failure::Run(e.to_string()))?;
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
        let json = serde_json::to_string(&list).map_err(|e| Failure::Run(e.to_string()))?;
        std::fs::write(out.join(&name), &json)?;
        Ok::<_, Failure>(json.len() as u64)
    })?;
    stats.files += sizes.len();
    stats.bytes += sizes.iter().sum::<u64>();
    Ok(stats)
}
