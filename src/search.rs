//! Catalog search as plain data (no browser APIs; tested natively): an
//! entry matches when every word of the query is found in its title, dek,
//! source or tags, after both are folded: lower-cased, compatibility
//! decomposed (NFKD, so `ｆｕｌｌ` is `full`) and stripped of accents and
//! other combining marks (so `sud` finds `Süd`, and `عرب` finds vowelled
//! Arabic). Words are found as substrings, so Chinese or Thai, written
//! without spaces, need no word splitting: `芯片` finds `开源芯片工作室`.
//!
//! The decomposition itself is passed in (`nfkd`): the browser's own
//! `String.prototype.normalize` in the viewer, which costs no wasm bytes;
//! the `unicode-normalization` crate in native tests.

use story_format::Catalog;

pub use story_format::search::fold_decomposed;

/// Every entry's searchable text, folded once per catalog.
#[derive(Debug, PartialEq, Default)]
pub struct Index {
    entries: Vec<String>,
}

/// Separates the parts of an entry's text, so that a query never matches
/// across two fields.
const SEP: char = '\u{1F}';

impl Index {
    /// Folds every entry of `catalog`. `nfkd` decomposes text.
    pub fn new(catalog: &Catalog, nfkd: impl Fn(&str) -> String) -> Index {
        let mut index = Index::default();
        index.extend(catalog, catalog.entries.len(), nfkd);
        index
    }

    /// How many entries are folded so far (the first ones of the catalog).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry is folded yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Folds the next entries of `catalog`, up to entry `to` (a large
    /// catalog is folded a part per task). `nfkd` is called once, on all
    /// their text together (one call into the browser, not one per entry).
    pub fn extend(&mut self, catalog: &Catalog, to: usize, nfkd: impl Fn(&str) -> String) {
        let from = self.entries.len();
        let Some(entries) = catalog.entries.get(from..to.min(catalog.entries.len())) else { return };
        let mut all = String::new();
        // Entries end with a newline and parts with SEP; the same characters
        // inside the text (a dek may hold a line break) become spaces, so
        // that splitting finds exactly one line per entry.
        let push = |all: &mut String, part: &str| {
            all.extend(part.chars().map(|c| if c == '\n' || c == SEP { ' ' } else { c }));
            all.push(SEP);
        };
        for e in entries {
            for part in [Some(&e.title), e.dek.as_ref(), Some(&e.source.name)].into_iter().flatten() {
                push(&mut all, part);
            }
            e.tags.iter().for_each(|t| push(&mut all, t));
            all.push('\n');
        }
        let folded = fold_decomposed(&nfkd(&all));
        self.entries.extend(folded.split('\n').take(entries.len()).map(str::to_owned));
    }

    /// The entries among `candidates` (indexes, in order) whose text holds
    /// every word of `query` (already folded).
    pub fn matching(&self, query: &str, candidates: impl Iterator<Item = usize>) -> Vec<usize> {
        let words: Vec<&str> = query.split_whitespace().collect();
        candidates
            .filter(|&i| self.entries.get(i).is_some_and(|text| words.iter().all(|w| text.contains(w))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use story_format::url::Url;
    use unicode_normalization::UnicodeNormalization;

    fn nfkd(s: &str) -> String {
        s.nfkd().collect()
    }

    fn fold(s: &str) -> String {
        fold_decomposed(&nfkd(s))
    }

    fn catalog() -> Catalog {
        let json = r#"{"format":"story-index/1","stories":[
          {"id":"a","title":"Harbour cranes go electric","published":"2026-03-14","source":{"name":"港口日报"},"href":"a","tags":["Energy"]},
          {"id":"b","title":"Die Bibliothek","dek":"Roboter holen Bücher","published":"2026-03-13","source":{"name":"Stadtanzeiger Süd"},"href":"b"},
          {"id":"c","title":"深圳开源芯片工作室迎来第一批学生","published":"2026-03-12","source":{"name":"凤凰科技"},"href":"c"},
          {"id":"d","title":"تعاونية شمسية في قلب الصحراء","published":"2026-03-11","source":{"name":"صَحِيفَة"},"href":"d","tags":["Énergie"]}]}"#;
        let base = Url::parse("https://example.com/stories.json").unwrap();
        story_format::parse_catalog(json.as_bytes(), &base).value.unwrap()
    }

    fn search(q: &str) -> Vec<&'static str> {
        let c = catalog();
        let index = Index::new(&c, nfkd);
        let ids = ["a", "b", "c", "d"];
        index.matching(&fold(q), 0..c.entries.len()).into_iter().map(|i| ids[i]).collect()
    }

    #[test]
    fn an_index_folded_in_parts_is_the_index_folded_at_once() {
        let c = catalog();
        let mut parts = Index::default();
        for to in [1, 1, 3, 9] {
            parts.extend(&c, to, nfkd);
        }
        assert_eq!(parts.len(), 4);
        assert_eq!(parts, Index::new(&c, nfkd));
    }

    #[test]
    fn folding_ignores_case_accents_and_width() {
        assert_eq!(fold("Süd"), "sud");
        assert_eq!(fold("ÉNERGIE"), "energie");
        assert_eq!(fold("ｆｕｌｌ"), "full");
        assert_eq!(fold("صَحِيفَة"), "صحيفة");
    }

    #[test]
    fn every_word_must_match_in_any_field_and_script() {
        assert_eq!(search("cranes"), ["a"]);
        assert_eq!(search("CRANES electric"), ["a"]);
        assert_eq!(search("cranes bibliothek"), Vec::<&str>::new());
        assert_eq!(search("sud"), ["b"], "source, without the accent");
        assert_eq!(search("bucher"), ["b"], "dek");
        assert_eq!(search("芯片"), ["c"], "Chinese, no word splitting");
        assert_eq!(search("港口"), ["a"], "the source's name");
        assert_eq!(search("صحيفة"), ["d"], "Arabic without its vowel marks");
        assert_eq!(search("energ"), ["a", "d"], "tags, across accents");
        assert_eq!(search(""), ["a", "b", "c", "d"]);
    }

    #[test]
    fn a_line_break_inside_an_entry_does_not_shift_the_others() {
        let json = r#"{"format":"story-index/1","stories":[
          {"id":"a","title":"First","dek":"two\nlines","published":"2026-03-14","source":{"name":"S"},"href":"a"},
          {"id":"b","title":"Second","published":"2026-03-13","source":{"name":"S"},"href":"b"}]}"#;
        let base = Url::parse("https://example.com/stories.json").unwrap();
        let c = story_format::parse_catalog(json.as_bytes(), &base).value.unwrap();
        let index = Index::new(&c, nfkd);
        assert_eq!(index.matching("second", 0..2), [1]);
        assert_eq!(index.matching("lines", 0..2), [0]);
    }

    #[test]
    fn a_query_never_spans_two_fields() {
        // "electric" ends the title; "港口" starts the source.
        assert_eq!(search("electric港口"), Vec::<&str>::new());
    }
}
