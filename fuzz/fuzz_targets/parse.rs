//! Fuzzes parse + validate: any bytes end in a document or diagnostics,
//! never a panic, and what reaches the model keeps the safety invariants.
//! Run: `cargo +nightly fuzz run parse -- -max_total_time=600` (from the
//! repository root; seeds: `fuzz/seeds/`, the samples and fixtures).
#![no_main]

use libfuzzer_sys::fuzz_target;
use story_format::url::Url;
use story_format::{parse_document, Document, MAX_DIAGNOSTICS};

fuzz_target!(|data: &[u8]| {
    let base = Url::parse("https://example.com/news/a/story.json").unwrap();
    let parsed = parse_document(data, &base);
    assert!(parsed.diagnostics.len() <= MAX_DIAGNOSTICS + 1);
    match parsed.value {
        Some(Document::Story(s)) => {
            for a in &s.assets {
                assert!(matches!(a.url.scheme(), "http" | "https"));
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
