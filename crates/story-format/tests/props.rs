//! Property tests: whatever the input, parse + validate ends in a document or
//! diagnostics, never a panic; what reaches the model is safe; and the
//! edge cases of JSON itself (depth, surrogates, BOM, duplicates, huge
//! numbers) end in clear messages.

mod support;

use proptest::prelude::*;
use story_format::{parse_document, Document, MAX_DIAGNOSTICS};
use support::invariants::{base, check_invariants, in_steps};

/// Keys of the format, so random objects often hit real fields: every
/// field the parser reads (from its one declaration), and one it does not.
fn keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = story_format::known_fields().into_iter().flat_map(|(_, f)| f).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.push("x");
    keys
}

/// Values worth trying: formats, dates, hostile URLs, scripts, every block type.
const STRINGS: &[&str] = &[
    "story/1",
    "story-index/1",
    "story/1.9",
    "story/2",
    "hologram",
    "https://youtu.be/dQw4w9WgXcQ",
    "https://vimeo.com/channels/x",
    "https://x.com/a/status/1",
    "mastodon",
    "2026-03-14",
    "2026-02-30",
    "2026-03-14T09:30:00Z",
    "javascript:alert(1)",
    " java\tscript:x",
    "hero.png",
    "https://e.com/x",
    "//evil.example/",
    "data:,x",
    "",
    "   ",
    "为什么现在",
    "لماذا",
    "a-b-c",
    "Bad ID",
    "\u{0}",
    "en",
    "zh-Hans",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
];

fn strings() -> Vec<&'static str> {
    let mut all = STRINGS.to_vec();
    all.extend(story_format::BlockType::ALL.iter().map(|t| t.name()));
    all
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1.0e6f64..1.0e6).prop_map(Value::from),
        prop::sample::select(strings()).prop_map(|s| Value::String(s.to_owned())),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 256, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(keys()), inner), 0..10)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

/// A story skeleton with random parts, so that most cases reach deep validation.
fn story_like() -> impl Strategy<Value = serde_json::Value> {
    (json_value(), json_value(), prop::collection::vec(json_value(), 0..6), json_value()).prop_map(
        |(hero, source, blocks, tags)| {
            serde_json::json!({
                "format": "story/1", "id": "x", "title": "T", "published": "2026-01-01",
                "source": source, "hero": hero, "tags": tags,
                "sections": [{ "heading": "H", "blocks": blocks }, { "heading": "H", "blocks": ["p"] }]
            })
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]


    /// A published page writes links relative to itself; read back by a
    /// browser they must name the same address, and never start a scheme.
    #[test]
    fn relative_refs_resolve_back(segs in prop::collection::vec("[a-z:%é.]{0,6}", 1..5), depth in 0usize..4) {
        use story_format::url::{relative_ref, resolve, Url};
        let root = Url::parse("https://news.example/site/").unwrap();
        let page = root.join(&"d/".repeat(depth)).unwrap();
        let Ok(target) = resolve(&format!("/site/{}", segs.join("/")), &root) else { return Ok(()) };
        let rel = relative_ref(&target, &page, &root);
        prop_assert_eq!(resolve(&rel, &page).unwrap(), target);
        prop_assert!(!rel.split('/').next().unwrap().contains(':') || rel.starts_with("https:"));
    }

    /// The word counter's ASCII fast path counts as the plain definition
    /// does: letters and digits make words, `'`, `’` and `-` join them, each
    /// CJK character counts on its own.
    #[test]
    fn words_count_as_defined(text in "([a-z0-9 '’\\-.,]|[éß]|[为什么]|[カナ]|[한]|\\PC){0,40}") {
        let cjk = |c: char| matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x3134F);
        let (mut words, mut chars, mut in_word) = (0, 0, false);
        for c in text.chars() {
            if cjk(c) {
                chars += 1;
                in_word = false;
            } else if c.is_alphanumeric() {
                words += usize::from(!in_word);
                in_word = true;
            } else if !matches!(c, '\'' | '’' | '-') {
                in_word = false;
            }
        }
        prop_assert_eq!(story_format::text::count_words(&text), (words, chars));
    }

    #[test]
    fn any_bytes_end_in_a_value_or_diagnostics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check_invariants(&bytes);
    }

    #[test]
    fn any_json_ends_in_a_value_or_diagnostics(v in json_value()) {
        check_invariants(serde_json::to_string(&v).unwrap().as_bytes());
    }

    #[test]
    fn any_story_like_document_keeps_the_invariants(v in story_like()) {
        check_invariants(serde_json::to_string(&v).unwrap().as_bytes());
    }
}

fn errors(json: &str) -> Vec<String> {
    parse_document(json.as_bytes(), &base()).diagnostics.into_iter().map(|d| d.to_string()).collect()
}

#[test]
fn deep_nesting_is_a_message_not_a_crash() {
    // Values the format does not expect are skipped iteratively (serde_json
    // keeps a heap stack, not recursion): a million levels cannot overflow.
    let deep = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    assert_eq!(errors(&deep), [r#"$: error: expected an object with a "format" field, found an array"#]);
    let story = |field: &str, depth: usize| {
        format!(
            r#"{{"format":"story/1","id":"x","title":"T","published":"2026-01-01","source":{{"name":"S"}},"sections":[{{"blocks":["p"]}}],"{field}":{}1{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        )
    };
    assert_eq!(errors(&story("dek", 500_000)), ["dek: error: expected a string, found an array"]);
    assert_eq!(errors(&story("later", 500_000)), ["later: warning: unknown field, ignored"]);
    // Unclosed nesting is a syntax error with its position.
    assert!(errors(&"[".repeat(1000))[0].contains("not valid JSON"));
}

#[test]
fn json_edge_cases_are_messages() {
    assert!(errors(r#"{"format":"story/1","title":"\ud800"}"#)[0].contains("not valid JSON"));
    assert!(errors(r#"{"format":"story/1","title":1e400}"#)[0].contains("not valid JSON"));
    assert!(errors("")[0].contains("not valid JSON"));
    assert!(errors("\u{feff}")[0].contains("not valid JSON"));
    // A byte-order mark before the document is accepted, as browsers do.
    let bom = format!("\u{feff}{}", r#"{"format":"story-index/1","stories":[]}"#);
    assert!(errors(&bom).is_empty());
    assert!(errors(r#"{"format":"story-index/1","stories":[],"stories":[1]}"#)[0]
        .contains("stories: error: this field appears more than once"));
    // Invalid UTF-8 inside a string.
    let bad = b"{\"format\":\"story/1\",\n \"title\":\"\xff\"}";
    assert_eq!(
        parse_document(bad, &base()).diagnostics[0].to_string(),
        "line 2, column 11: error: not valid JSON: the bytes here are not UTF-8 text (save the file as UTF-8)"
    );
}

#[test]
fn limits_name_the_limit_and_the_excess() {
    let big = vec![b' '; story_format::MAX_FILE_BYTES + 10];
    assert_eq!(
        errors(std::str::from_utf8(&big).unwrap()),
        ["$: error: the file is 8388618 bytes, over the limit of 8 MiB (8388608 bytes) by 10 bytes"]
    );
    let sections = vec![r#"{"blocks":["x"]}"#; 2001].join(",");
    let e = errors(&format!(r#"{{"format":"story/1","sections":[{sections}]}}"#));
    assert_eq!(e, ["sections: error: the story has 2001 sections, over the limit of 2000 by 1"]);
    let blocks = vec![r#""x""#; 25_001].join(",");
    let e = errors(&format!(
        r#"{{"format":"story/1","sections":[{{"blocks":[{blocks}]}},{{"blocks":[{blocks}]}}]}}"#
    ));
    assert_eq!(e, ["sections: error: the story has 50002 blocks in all, over the limit of 50000 by 2"]);
    let entries = vec!["1"; 10_001].join(",");
    assert_eq!(
        errors(&format!(r#"{{"format":"story-index/1","stories":[{entries}]}}"#)),
        ["stories: error: the catalog has 10001 entries, over the limit of 10000 by 1"]
    );
}

#[test]
fn a_flood_of_problems_is_capped() {
    let fields: Vec<String> = (0..10_000).map(|i| format!(r#""unknown{i}":1"#)).collect();
    let json = format!(r#"{{"format":"story-index/1","stories":[],{}}}"#, fields.join(","));
    let d = parse_document(json.as_bytes(), &base()).diagnostics;
    assert_eq!(d.len(), MAX_DIAGNOSTICS + 1);
    assert_eq!(
        d.last().unwrap().message,
        format!("{} more problems were found but not listed", 10_000 - MAX_DIAGNOSTICS)
    );
}

#[test]
fn two_thousand_identical_headings_get_unique_ids() {
    let sections = vec![r#"{"heading":"Update","blocks":["x"]}"#; 2000].join(",");
    let json = format!(
        r#"{{"format":"story/1","id":"x","title":"T","published":"2026-01-01","source":{{"name":"S"}},"sections":[{sections}]}}"#
    );
    let parsed = parse_document(json.as_bytes(), &base());
    let Some(Document::Story(s)) = parsed.value else { panic!("a story") };
    assert_eq!(s.sections[0].id, "update");
    assert_eq!(s.sections[1999].id, "update-2000");
}

/// Parsing in steps (the viewer, for large files) gives exactly the one-pass
/// result where the two could part: diagnostics past the cap before and
/// after the sections, ids and links across steps, each limit, `format`
/// last, syntax errors after the sections.
#[test]
fn steps_give_the_one_pass_result_at_the_edges() {
    let same = |json: String| {
        let one = parse_document(json.as_bytes(), &base());
        for budget in [0, 1, 64, 4096, usize::MAX] {
            assert_eq!(
                in_steps(json.as_bytes(), budget),
                one,
                "budget {budget}: {}",
                &json[..json.len().min(200)]
            );
        }
        one
    };
    let head = r#""format":"story/1","id":"x","title":"T","published":"2026-01-01","source":{"name":"S"}"#;
    let bad_tags = |n: usize| vec!["1"; n].join(",");
    let bad_sections = |n: usize| vec![r#"{"heading":1,"blocks":["p",2]}"#; n].join(",");
    // More problems than the cap: before, inside and after the sections.
    for (before, inside, after) in
        [(0, 3, 0), (150, 3, 0), (3, 150, 3), (3, 3, 150), (120, 120, 120), (40, 30, 40)]
    {
        let one = same(format!(
            r#"{{{head},"tags":[{}],"sections":[{}],"x":[{}]}}"#,
            bad_tags(before),
            bad_sections(inside.max(1)),
            bad_tags(after)
        ));
        assert!(one.value.is_some());
        let _ = same(format!(
            r#"{{"tags":[{}],{head},"sections":[{}],"byline":1,"tags":[{}]}}"#,
            bad_tags(before),
            bad_sections(inside.max(1)),
            bad_tags(after)
        ));
    }
    // Duplicate explicit ids and links to sections, across steps.
    let one = same(format!(
        r##"{{{head},"sections":[{{"id":"a","blocks":[[{{"text":"x","href":"#b"}}]]}},{{"id":"a","blocks":["p"]}},{{"id":"b","heading":"B","blocks":[[{{"text":"y","href":"#nowhere"}}]]}}]}}"##
    ));
    assert_eq!(one.diagnostics.len(), 2, "{:?}", one.diagnostics);
    // The limits: sections, blocks; and none at all.
    let many = |n: usize, blocks: usize| {
        let section = format!(r#"{{"blocks":[{}]}}"#, vec![r#""p""#; blocks].join(","));
        format!(r#"{{{head},"sections":[{}]}}"#, vec![section; n].join(","))
    };
    assert!(same(many(2001, 1)).value.is_none());
    assert!(same(many(2000, 26)).value.is_none());
    assert!(same(many(2000, 25)).value.is_some());
    assert!(same(format!(r#"{{{head},"sections":[]}}"#)).has_errors());
    assert!(same(format!(r#"{{{head},"sections":null}}"#)).has_errors());
    // Catalogs: entries read in steps too, with their problems in place,
    // sorted newest first once all are read; the entry limit.
    let entries = |n: usize| {
        (0..n)
            .map(|i| format!(r#"{{"id":"e{i}","title":"T","published":"2026-01-{:02}","source":{{"name":"S"}},"href":"x","dek":{}}}"#, 1 + i % 28, if i % 3 == 0 { "1" } else { "null" }))
            .collect::<Vec<_>>()
            .join(",")
    };
    assert!(same(format!(
        r#"{{"format":"story-index/1","title":1,"stories":[{},{{"id":1}}],"title":2,"x":[{}]}}"#,
        entries(300),
        bad_tags(120)
    ))
    .value
    .is_some());
    assert!(same(format!(
        r#"{{"format":"story-index/1","stories":[{}]}}"#,
        entries(story_format::MAX_ENTRIES + 1)
    ))
    .value
    .is_none());
    assert!(same(r#"{"format":"story-index/1","stories":{}}"#.to_owned()).has_errors());
    // `format` last; a catalog; broken JSON after the sections.
    assert!(same(format!(r#"{{"sections":[{}],"id":"x","title":"T","published":"2026-01-01","source":{{"name":"S"}},"format":"story/1"}}"#, bad_sections(3))).value.is_some());
    assert!(same(r#"{"format":"story-index/1","stories":[{"id":"a"}]}"#.to_owned()).has_errors());
    assert!(same(format!(r#"{{{head},"sections":[{}], "#, bad_sections(3))).value.is_none());
    assert!(same(format!("{{{head},\n\"sections\":[\n{}],\n\"tags\":[1,]}}", bad_sections(3)))
        .value
        .is_none());
}
