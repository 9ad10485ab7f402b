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

#[test]
fn a_link_may_also_be_mailto_and_nothing_else_is_added() {
    use story_format::url::Base;
    let base = base();
    let links = Base::new(&base);
    let link = |s: &str| links.resolve_link(s).map(|u| u.as_str().to_owned());
    assert_eq!(link("mailto:desk@example.org").unwrap(), "mailto:desk@example.org");
    assert_eq!(
        link(" MAILTO:desk@example.org?subject=A tip").unwrap(),
        "mailto:desk@example.org?subject=A%20tip"
    );
    assert!(link("mailto:").is_err());
    // An image or a file is never mail.
    assert!(resolve("mailto:desk@example.org", &base).is_err());
    // Every other address reads as it does anywhere else.
    for c in support::corpus::cases() {
        if c.input.trim().to_ascii_lowercase().starts_with("mailto:") {
            assert!(link(&c.input).unwrap().starts_with("mailto:"), "{:?}", c.input);
        } else {
            assert_eq!(link(&c.input).ok(), c.href, "{:?}", c.input);
        }
    }
}
