//! The hostile-URL corpus, checked natively. `tests/web.rs` at the project
//! root checks the same file against Chromium's own `URL` parser.

mod support;

use story_format::url::{resolve, Url};
use support::invariants::base;

#[test]
fn corpus_resolves_as_expected() {
    let cases = support::corpus::cases();
    assert!(cases.len() >= 50, "the corpus must keep at least 50 cases");
    let mut wrong = Vec::new();
    for c in &cases {
        let got = resolve(&c.input, &base()).ok().map(|u| u.as_str().to_owned());
        if got != c.href {
            wrong.push(format!("{:?} ({}): expected {:?}, got {:?}", c.input, c.why, c.href, got));
        }
    }
    assert!(wrong.is_empty(), "{} cases differ:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn a_local_base_allows_relative_references_only() {
    let base = Url::parse("file:///bundles/a/story.json").unwrap();
    assert_eq!(resolve("hero.jpg", &base).unwrap().as_str(), "file:///bundles/a/hero.jpg");
    assert!(resolve("file:///etc/passwd", &base).is_err());
    assert!(resolve("javascript:alert(1)", &base).is_err());
    assert_eq!(resolve("https://example.org/", &base).unwrap().as_str(), "https://example.org/");
}
