//! Data-driven tests: every `fixtures/NAME.json` is parsed and its
//! diagnostics (plus a short summary of the value) compared with
//! `fixtures/NAME.expect`. The folder is listed, so a new fixture is run
//! without a line of code (one without an `.expect` file fails until one is
//! written). Run with `UPDATE_EXPECT=1` to rewrite the expectations, then
//! read the diff.

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
                    h.srcset_attr(),
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

/// Parses one fixture and compares the outcome with its `.expect` file:
/// `Err` with both texts when they differ.
fn check(dir: &Path, name: &str) -> Result<(), String> {
    let bytes = std::fs::read(dir.join(format!("{name}.json"))).unwrap();
    let base = Url::parse(&format!("https://example.com/bundles/{name}/story.json")).unwrap();
    let parsed = parse_document(&bytes, &base);
    let mut actual = String::new();
    for d in &parsed.diagnostics {
        writeln!(actual, "{d}").unwrap();
    }
    actual.push_str("--\n");
    actual.push_str(&parsed.value.as_ref().map_or("(nothing to show)\n".to_owned(), summary));
    let expect_path = dir.join(format!("{name}.expect"));
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expect_path, &actual).unwrap();
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expect_path).unwrap_or_default();
    if actual == expected {
        Ok(())
    } else {
        Err(format!("fixture {name}:\n--- expected\n{expected}--- actual\n{actual}"))
    }
}

#[test]
fn every_fixture_matches_its_expect_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_owned))
        .collect();
    names.sort();
    assert!(names.len() >= 9, "the fixtures folder lost files: {names:?}");
    let failures: Vec<String> = names.iter().filter_map(|n| check(&dir, n).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures changed; rerun with UPDATE_EXPECT=1 and review the diff:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}
