//! Data-driven tests: every `fixtures/NAME.json` is parsed and its
//! diagnostics (plus a short summary of the value) compared with
//! `fixtures/NAME.expect`, through `support::expect::check_folder`.

mod support;

use std::fmt::Write;
use std::path::Path;

use story_format::{parse_document, url::Url, Document};

fn summary(doc: &Document) -> String {
    match doc {
        Document::Story(s) => support::summary::story(s),
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
