//! The hostile-URL corpus (`tests/url-corpus.json`), read by the native
//! test (`tests/url_corpus.rs`) and the browser test (`tests/web.rs` at the
//! project root), which also compares each case with Chromium's `URL`.

/// One case: what the core must make of `input` against the corpus base.
#[derive(serde::Deserialize)]
pub struct Case {
    pub input: String,
    /// The resolved URL, or `None` where the core must refuse.
    pub href: Option<String>,
    /// Why the case is there.
    pub why: String,
    /// A known place where Chromium departs from the WHATWG standard and the
    /// core is stricter: what Chromium gives instead.
    #[serde(default)]
    pub chromium: Option<String>,
}

/// Every case of the corpus.
pub fn cases() -> Vec<Case> {
    serde_json::from_str(include_str!("../url-corpus.json")).expect("the corpus is JSON")
}
