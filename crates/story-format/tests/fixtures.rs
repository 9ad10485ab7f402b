//! Data-driven tests: every `fixtures/NAME.json` is parsed and its
//! diagnostics (plus a short summary of the value) compared with
//! `fixtures/NAME.expect`, through `support::expect::check_folder`.

mod support;

use std::fmt::Write;
use std::path::Path;

use story_format::{parse_document, url::Url, Document};

fn summary(doc: &Document) -> String {
    match doc {
        Document::Story(s) => {
            let mut out = format!(
                "story {:?} lang={} title={:?} published={:?} tags={:?} reading={}min\n",
                s.id,
                s.lang,
                s.title,
                s.published.as_ref().map(|t| &t.raw),
                s.tags,
                s.reading_minutes()
            );
            writeln!(
                out,
                "source {:?} lang={:?} url={:?}",
                s.source.name,
                s.source.lang,
                s.source.url.as_ref().map(|u| u.as_str())
            )
            .unwrap();
            if let Some(h) = &s.hero {
                writeln!(
                    out,
                    "hero src={:?} size={:?} srcset={:?} credit={}",
                    h.src.as_ref().map(|u| u.as_str()),
                    h.size,
                    h.srcset_attr(|u| u.to_string()),
                    h.credit.is_some()
                )
                .unwrap();
            }
            for sec in &s.sections {
                writeln!(out, "section #{} heading={:?} blocks={}", sec.id, sec.heading, sec.blocks.len())
                    .unwrap();
            }
            out
        }
        Document::Catalog(c) => {
            let mut out = format!("catalog {:?}\n", c.title);
            for e in &c.entries {
                writeln!(
                    out,
                    "entry {} published={:?} href={:?}",
                    e.id,
                    e.published.as_ref().map(|t| &t.raw),
                    e.href.as_ref().map(|u| u.as_str())
                )
                .unwrap();
            }
            out
        }
    }
}

/// Parses one fixture: its diagnostics, `--`, then a summary of the value.
fn render(path: &Path) -> String {
    let name = path.file_stem().unwrap().to_string_lossy();
    let bytes = std::fs::read(path).unwrap();
    let base = Url::parse(&format!("https://example.com/bundles/{name}/story.json")).unwrap();
    let parsed = parse_document(&bytes, &base);
    // The viewer reads large files in steps: the same result, to the letter.
    let steps_base = story_format::url::Base::new(&base);
    for budget in [0, 100, usize::MAX] {
        let mut steps = story_format::Steps::new(&bytes, &steps_base);
        while !steps.step(budget) {}
        assert_eq!(steps.finish(), parsed, "{name} in steps of {budget} bytes");
    }
    let mut actual = String::new();
    for d in &parsed.diagnostics {
        writeln!(actual, "{d}").unwrap();
    }
    actual.push_str("--\n");
    actual.push_str(&parsed.value.as_ref().map_or("(nothing to show)\n".to_owned(), summary));
    actual
}

#[test]
fn every_fixture_matches_its_expect_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    support::expect::check_folder(&dir, "json", 10, render);
}
