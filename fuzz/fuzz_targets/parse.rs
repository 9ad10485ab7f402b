//! Fuzzes parse + validate: any bytes end in a document or diagnostics,
//! never a panic, and what reaches the model keeps the safety invariants.
//! Run: `cargo +nightly fuzz run parse -- -max_total_time=600` (from the
//! repository root; seeds: `fuzz/seeds/`, the samples and fixtures).
#![no_main]

use libfuzzer_sys::fuzz_target;
use story_format::url::Url;
use story_format::{parse_document_with_assets, Block, Document, Inline, MAX_DIAGNOSTICS};

fuzz_target!(|data: &[u8]| {
    let base = Url::parse("https://example.com/news/a/story.json").unwrap();
    let (parsed, assets) = parse_document_with_assets(data, &base);
    assert!(parsed.diagnostics.len() <= MAX_DIAGNOSTICS + 1);
    for a in &assets {
        assert!(matches!(a.url.scheme(), "http" | "https"));
    }
    // Every run of inline text slices its string on a char boundary, and
    // the runs put back together are the text.
    let check = |i: &Inline| assert_eq!(i.runs().map(|r| r.text).collect::<String>(), i.text());
    match parsed.value {
        Some(Document::Story(s)) => {
            for block in s.sections.iter().flat_map(|s| &s.blocks) {
                match block {
                    Block::Paragraph(t) | Block::Quote { text: t, .. } => check(t),
                    Block::List { items, .. } => items.iter().for_each(check),
                    Block::Image(img) => img.caption.iter().for_each(check),
                }
            }
            let mut ids: Vec<&str> = s.sections.iter().map(|x| x.id.as_str()).collect();
            ids.sort_unstable();
            let n = ids.len();
            ids.dedup();
            assert_eq!(n, ids.len());
            let _ = s.reading_minutes();
        }
        Some(Document::Catalog(c)) => {
            for e in &c.entries {
                if let Some(h) = &e.href {
                    assert!(matches!(h.scheme(), "http" | "https"));
                }
            }
        }
        None => {}
    }
});
