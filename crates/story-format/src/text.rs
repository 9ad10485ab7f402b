//! Text rules that depend on the script: section ids and reading time.

use std::collections::{HashMap, HashSet};

use crate::limits::{MAX_ID_BYTES, MAX_SECTION_ID_CHARS, MAX_SLUG_CHARS};

/// Derives a section id from a heading. The rule, for any script:
/// lower-case the heading, keep letters and digits of every script (so
/// `为什么现在` stays `为什么现在` and Arabic stays Arabic), turn every other
/// run of characters into one `-`, trim `-` at both ends, and keep at most
/// 64 characters. A heading with no letters or digits gives `""`; the caller
/// then uses `section-N`.
///
/// ```
/// assert_eq!(story_format::text::slug("Why now?"), "why-now");
/// assert_eq!(story_format::text::slug("为什么 现在"), "为什么-现在");
/// ```
pub fn slug(heading: &str) -> String {
    let mut out = String::with_capacity(heading.len().min(256));
    let mut count = 0;
    let mut pending_dash = false;
    for c in heading.chars() {
        if count >= MAX_SLUG_CHARS {
            break;
        }
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
                count += 1;
            }
            pending_dash = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
            count += 1;
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Whether `id` is a valid story or entry id: 1-100 characters of `a-z`,
/// `0-9` and `-`.
pub fn is_valid_story_id(id: &str) -> bool {
    (1..=MAX_ID_BYTES).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether an explicit section id is usable: 1-100 characters, no white
/// space or control characters (HTML ids may hold any other character).
pub fn is_valid_section_id(id: &str) -> bool {
    let n = id.chars().count();
    (1..=MAX_SECTION_ID_CHARS).contains(&n) && !id.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Gives every section a unique id. `explicit[i]` is section `i`'s own `id`
/// (already checked), `headings[i]` its heading. Explicit ids are reserved
/// first, so a derived id never takes one; a derived id that is taken gets
/// `-2`, `-3`, ... appended.
pub fn section_ids(explicit: &[Option<&str>], headings: &[Option<&str>]) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::with_capacity(explicit.len());
    taken.extend(explicit.iter().flatten().map(|s| (*s).to_owned()));
    // Next suffix to try for each base that was taken, so repeated headings
    // stay linear.
    let mut next: HashMap<String, usize> = HashMap::new();
    explicit
        .iter()
        .zip(headings)
        .enumerate()
        .map(|(i, (own, heading))| {
            if let Some(own) = own {
                return (*own).to_owned();
            }
            let mut id = heading.map(slug).unwrap_or_default();
            if id.is_empty() {
                id = format!("section-{}", i + 1);
            }
            claim(&mut taken, &mut next, id)
        })
        .collect()
}

/// `id`, or when it is taken `id-2`, `id-3`…, marked as taken. `next`
/// holds the next suffix to try for each base, so repeats stay linear.
fn claim(taken: &mut HashSet<String>, next: &mut HashMap<String, usize>, id: String) -> String {
    let mut id = id;
    if taken.contains(&id) {
        let base = id;
        let n = next.entry(base.clone()).or_insert(2);
        loop {
            id = format!("{base}-{n}");
            *n += 1;
            if !taken.contains(&id) {
                break;
            }
        }
    }
    taken.insert(id.clone());
    id
}

/// The ids of a story's sub-headings, in order, settled after its
/// sections' (`taken` holds those, and gets these): each its own id when
/// given and free, else one made from its text as a section's is
/// (`heading-N` when the text has no letters or digits), made unique with
/// `-2`, `-3`. Returns each id, and whether a given one was taken.
///
/// ```
/// use std::collections::HashSet;
/// use story_format::text::sub_heading_ids;
/// let mut taken: HashSet<String> = ["why-now".to_owned()].into();
/// let ids = sub_heading_ids(&mut taken, &[(None, "Why now"), (Some("why-now"), "x"), (None, "?")]);
/// assert_eq!(ids, [("why-now-2".into(), false), ("x".into(), true), ("heading-3".into(), false)]);
/// ```
pub fn sub_heading_ids(
    taken: &mut HashSet<String>,
    headings: &[(Option<&str>, &str)],
) -> Vec<(String, bool)> {
    let mut next: HashMap<String, usize> = HashMap::new();
    headings
        .iter()
        .enumerate()
        .map(|(i, (own, text))| {
            let (mut id, refused) = match own {
                Some(own) if !taken.contains(*own) => ((*own).to_owned(), false),
                Some(_) => (slug(text), true),
                None => (slug(text), false),
            };
            if id.is_empty() {
                id = format!("heading-{}", i + 1);
            }
            (claim(taken, &mut next, id), refused)
        })
        .collect()
}

/// Counts words for reading time: a run of letters/digits outside CJK
/// scripts counts as one word; each CJK character (Han, kana, Hangul), which
/// is written without spaces, counts as its own unit. Returns
/// `(words, cjk_characters)`.
pub fn count_words(text: &str) -> (usize, usize) {
    let (mut words, mut cjk, mut in_word) = (0, 0, false);
    let mut rest = text;
    // ASCII a byte at a time (most of most stories; a story at the limits
    // has 4 MB of text), anything else a character at a time.
    while let Some(&b) = rest.as_bytes().first() {
        let (word, joins, len) = if b.is_ascii() {
            (b.is_ascii_alphanumeric(), b == b'\'' || b == b'-', 1)
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            if is_cjk(c) {
                cjk += 1;
                in_word = false;
                rest = &rest[c.len_utf8()..];
                continue;
            }
            (c.is_alphanumeric(), c == '’', c.len_utf8())
        };
        if word {
            words += usize::from(!in_word);
            in_word = true;
        } else if !joins {
            in_word = false;
        }
        rest = &rest[len..];
    }
    (words, cjk)
}

/// Whether `c` is written without spaces between words: Han, kana, Hangul.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x3134F) // Extensions B-G
}

/// Reading speed for words in space-separated scripts (words per minute).
pub const WORDS_PER_MINUTE: usize = 230;
/// Reading speed for CJK text (characters per minute).
pub const CJK_CHARS_PER_MINUTE: usize = 500;

/// Minutes to read `(words, cjk_characters)`, rounded up, at least 1.
pub fn reading_minutes(words: usize, cjk: usize) -> u32 {
    // In 1/(230*500) minute units, to round once.
    let units = words * CJK_CHARS_PER_MINUTE + cjk * WORDS_PER_MINUTE;
    let per_minute = WORDS_PER_MINUTE * CJK_CHARS_PER_MINUTE;
    (units.div_ceil(per_minute)).max(1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_work_for_any_script() {
        assert_eq!(slug("Why now?"), "why-now");
        assert_eq!(slug("  The -- End!  "), "the-end");
        assert_eq!(slug("为什么现在"), "为什么现在");
        assert_eq!(slug("لماذا الآن"), "لماذا-الآن");
        assert_eq!(slug("Ünïcödé Straße"), "ünïcödé-straße");
        assert_eq!(slug("!!!"), "");
        assert_eq!(slug(&"a".repeat(500)).chars().count(), 64);
    }

    #[test]
    fn ids_are_unique_and_never_take_an_explicit_id() {
        let ids = section_ids(
            &[None, Some("why-now"), None, None, None, None],
            &[Some("Why now"), Some("x"), Some("Why now"), None, Some("???"), Some("Section 5")],
        );
        assert_eq!(ids, ["why-now-2", "why-now", "why-now-3", "section-4", "section-5", "section-5-2"]);
    }

    #[test]
    fn reading_time_counts_cjk_by_character() {
        assert_eq!(count_words("The port's cranes - all twelve - went electric."), (7, 0));
        assert_eq!(count_words("港口起重机全部电动化"), (0, 10));
        assert_eq!(count_words("Apple 发布 M4"), (2, 2));
        assert_eq!(reading_minutes(0, 0), 1);
        assert_eq!(reading_minutes(230, 0), 1);
        assert_eq!(reading_minutes(231, 0), 2);
        assert_eq!(reading_minutes(0, 1000), 2);
        assert_eq!(reading_minutes(115, 250), 1);
    }
}

/// The known name closest to a mistyped `word`, if one is close enough to
/// be what was meant: `deck` gives `dek`, `Title` gives `title`, `colour`
/// gives nothing among the story's fields. Close means at most one edit for
/// short names and two for names of six letters or more, ignoring case.
///
/// ```
/// use story_format::text::did_you_mean;
/// assert_eq!(did_you_mean("deck", &["title", "dek"]), Some("dek"));
/// assert_eq!(did_you_mean("colour", &["title", "dek"]), None);
/// ```
pub fn did_you_mean<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    // ASCII only: field names are ASCII (and `str::to_lowercase` is 4 KB of wasm).
    let lower = word.to_ascii_lowercase();
    let most = if lower.chars().count() >= 6 { 2 } else { 1 };
    known
        .iter()
        .map(|k| (strsim::osa_distance(&lower, k), *k))
        .filter(|&(d, k)| d <= most && k != word)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// A headline cut into pieces, each with whether it must stay on one line:
/// a short bracketed name such as `(小米)`, `《三体》` or `「Ａ」` (at most 12
/// characters between its brackets) is kept whole, so a line never breaks
/// inside it. The pieces joined are the headline.
///
/// ```
/// use story_format::text::headline_pieces;
/// assert_eq!(headline_pieces("新品发布(小米)今天"), [("新品发布", false), ("(小米)", true), ("今天", false)]);
/// ```
pub fn headline_pieces(s: &str) -> Vec<(&str, bool)> {
    const PAIRS: &[(char, char)] =
        &[('(', ')'), ('（', '）'), ('《', '》'), ('「', '」'), ('【', '】'), ('『', '』')];
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(c) = s[i..].chars().next() {
        let close = PAIRS.iter().find(|(o, _)| *o == c).map(|(_, cl)| *cl);
        if let Some(close) = close {
            let inner = i + c.len_utf8();
            if let Some(len) = s[inner..].find(close) {
                let name = &s[inner..inner + len];
                let n = name.chars().count();
                if (1..=12).contains(&n) && !name.contains(char::is_whitespace) {
                    let end = inner + len + close.len_utf8();
                    if start < i {
                        out.push((&s[start..i], false));
                    }
                    out.push((&s[i..end], true));
                    start = end;
                    i = end;
                    continue;
                }
            }
        }
        i += c.len_utf8();
    }
    if start < s.len() {
        out.push((&s[start..], false));
    }
    out
}

/// The primary language subtag of a BCP 47 tag, lower-cased: `"zh"` for
/// `"zh-Hans"`, `"ar"` for `"AR-eg"`, `""` for `""`. The one place a
/// language tag is split.
pub fn primary_language(tag: &str) -> String {
    tag.split('-').next().unwrap_or("").to_ascii_lowercase()
}

/// The writing direction of a BCP 47 language tag: `"rtl"` for languages and
/// scripts written right to left (Arabic, Hebrew, Persian, Urdu, ... or an
/// explicit `-Arab`/`-Hebr` script subtag), else `"ltr"`. A Latin script
/// subtag (`az-Latn`) wins over the language.
pub fn direction(lang: &str) -> &'static str {
    const RTL_LANGS: &[&str] =
        &["ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku", "ps", "sd", "syr", "ug", "ur", "yi"];
    const RTL_SCRIPTS: &[&str] = &["arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand", "samr"];
    let lower = lang.to_ascii_lowercase();
    let primary = primary_language(&lower);
    let mut parts = lower.split('-').skip(1);
    if let Some(script) = parts.find(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_alphabetic())) {
        return if RTL_SCRIPTS.contains(&script) { "rtl" } else { "ltr" };
    }
    if RTL_LANGS.contains(&primary.as_str()) {
        "rtl"
    } else {
        "ltr"
    }
}

#[cfg(test)]
mod headline_tests {
    use super::headline_pieces;

    #[test]
    fn short_bracketed_names_stay_whole() {
        assert_eq!(headline_pieces("Plain title"), [("Plain title", false)]);
        assert_eq!(headline_pieces("(小米)发布"), [("(小米)", true), ("发布", false)]);
        assert_eq!(
            headline_pieces("《三体》与「Ａ」"),
            [("《三体》", true), ("与", false), ("「Ａ」", true)]
        );
        // Long or spaced asides may wrap like any text; an unclosed one is text.
        assert_eq!(headline_pieces("a (long aside with spaces) b").len(), 1);
        assert_eq!(headline_pieces("x (unclosed"), [("x (unclosed", false)]);
        assert_eq!(headline_pieces(""), []);
        let s = "新品(小米)今天（华为）";
        assert_eq!(headline_pieces(s).iter().map(|p| p.0).collect::<String>(), s);
    }
}

#[cfg(test)]
mod did_you_mean_tests {
    use super::did_you_mean;

    #[test]
    fn close_names_are_suggested_and_far_ones_are_not() {
        let story = ["id", "lang", "title", "dek", "published", "updated", "byline", "source", "tags"];
        assert_eq!(did_you_mean("deck", &story), Some("dek"));
        assert_eq!(did_you_mean("Title", &story), Some("title"));
        assert_eq!(did_you_mean("publshed", &story), Some("published"));
        assert_eq!(did_you_mean("tag", &story), Some("tags"));
        assert_eq!(did_you_mean("colour", &story), None);
        assert_eq!(did_you_mean("x", &story), None);
    }
}

#[cfg(test)]
mod direction_tests {
    use super::direction;

    #[test]
    fn right_to_left_languages_and_scripts() {
        for l in ["ar", "ar-EG", "he", "fa-IR", "ur", "AR", "pa-Arab", "yi"] {
            assert_eq!(direction(l), "rtl", "{l}");
        }
        for l in ["en", "zh-Hans", "ja", "az-Latn", "ku-Latn", "de-CH", ""] {
            assert_eq!(direction(l), "ltr", "{l}");
        }
    }
}

/// What `encodeURIComponent` leaves alone: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// The `href` of a link to section `id` on the same page: `#` and the id
/// encoded as `encodeURIComponent` does (the same text in the browser and
/// on a page built ahead).
pub fn section_href(id: &str) -> String {
    format!("#{}", percent_encoding::utf8_percent_encode(id, COMPONENT))
}

/// A name (a folder's) as one segment of a URL path, encoded as
/// `encodeURIComponent` does: `?`, `#`, `/`, `%` and `:` cannot change what
/// the address means (`a?b` is `a%3Fb`, `%2e%2e` is `%252e%252e`).
///
/// ```
/// use story_format::text::path_segment;
/// assert_eq!(path_segment("harbour-cranes"), "harbour-cranes");
/// assert_eq!(path_segment("a?b#c"), "a%3Fb%23c");
/// assert_eq!(path_segment("%2e%2e"), "%252e%252e");
/// ```
pub fn path_segment(name: &str) -> String {
    percent_encoding::utf8_percent_encode(name, COMPONENT).to_string()
}

/// `text` with white space runs made one space, cut to at most `max`
/// characters: at the last space in the final fifth when there is one (so
/// no word is cut in half), else at `max` characters (CJK text has no
/// spaces), with `…` added when anything was cut.
///
/// ```
/// use story_format::text::cut_at_word;
/// assert_eq!(cut_at_word("Short  text.", 160), "Short text.");
/// assert_eq!(cut_at_word("one two three four", 14), "one two three…");
/// assert_eq!(cut_at_word("一二三四五六", 4), "一二三四…");
/// ```
pub fn cut_at_word(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.chars().count() <= max {
        return joined;
    }
    let head: String = joined.chars().take(max).collect();
    let floor = head.char_indices().nth(max - max / 5).map_or(0, |(i, _)| i);
    let cut = match head.rfind(' ') {
        Some(i) if i >= floor => &head[..i],
        _ => head.as_str(),
    };
    format!("{}…", cut.trim_end_matches([' ', ',', ';', ':', '.']))
}

/// A folder name for each tag of a built site (`tags/NAME/`), in the
/// tags' order: its [`slug`], `tag` when the slug is empty, and `-2`, `-3`,
/// ... for a name already taken ("Energy" and "energy" are two tags).
/// Names hold letters, digits and `-` only, so they are safe as folder
/// names on every file system and never `.` or `..`.
///
/// ```
/// use story_format::text::tag_folders;
/// assert_eq!(tag_folders(&["Energy", "energy", "能源", "!!"]), ["energy", "energy-2", "能源", "tag"]);
/// ```
pub fn tag_folders(tags: &[&str]) -> Vec<String> {
    let mut taken = std::collections::HashSet::new();
    tags.iter()
        .map(|t| {
            let base = match slug(t) {
                s if s.is_empty() => "tag".to_owned(),
                s => s,
            };
            let mut name = base.clone();
            let mut n = 1;
            while !taken.insert(name.clone()) {
                n += 1;
                name = format!("{base}-{n}");
            }
            name
        })
        .collect()
}
