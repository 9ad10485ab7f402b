//! The one way a URL from a file reaches the page: [`resolve`].
//!
//! It resolves a reference against the URL of the file that holds it with the
//! WHATWG URL algorithm (the `url` crate, which follows the same standard as
//! the browser's `new URL(ref, base)`: leading and trailing C0 controls and
//! spaces stripped, tabs and newlines removed anywhere, `\` read as `/` in
//! `http(s)` URLs) and then allows only `http:` and `https:`.

use std::fmt;

pub use url::Url;

/// An absolute `http:` or `https:` URL, made only by [`resolve`]. The viewer
/// puts nothing else into an `href` or `src` attribute.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SafeUrl(Url);

impl SafeUrl {
    /// The resolved URL as text, ready for an attribute.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
    /// The resolved URL.
    pub fn url(&self) -> &Url {
        &self.0
    }
}

impl fmt::Display for SafeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// Why a reference was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlError {
    /// Empty, or only white space.
    Empty,
    /// Does not parse as a URL, even relative to the file.
    Invalid(String),
    /// Parses, but to a scheme other than `http`/`https` (the scheme, without `:`).
    Unsafe(String),
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Empty => f.write_str("the URL is empty"),
            UrlError::Invalid(why) => write!(f, "the URL does not parse ({why})"),
            UrlError::Unsafe(scheme) => write!(
                f,
                "the URL uses the scheme \"{scheme}:\"; only http:, https: and relative URLs are allowed"
            ),
        }
    }
}

fn is_web(scheme: &str) -> bool {
    scheme == "http" || scheme == "https"
}

/// Resolves `reference` against `base` (the URL of the file that holds it, or
/// of the page for `?src=`) and allows only `http:`/`https:` results.
///
/// A relative reference inherits the base's scheme; when the base is a local
/// `file:` URL (the validator reading a folder), a relative reference is
/// allowed so that bundles can be checked before they are published, while an
/// absolute `file:` reference is still refused.
///
/// ```
/// use story_format::url::{resolve, Url};
/// let base = Url::parse("https://example.com/news/a/story.json").unwrap();
/// assert_eq!(resolve("hero.jpg", &base).unwrap().as_str(), "https://example.com/news/a/hero.jpg");
/// assert!(resolve(" java\tscript:alert(1)", &base).is_err());
/// ```
pub fn resolve(reference: &str, base: &Url) -> Result<SafeUrl, UrlError> {
    if reference.trim_matches(|c: char| c <= ' ').is_empty() {
        return Err(UrlError::Empty);
    }
    let joined = base.join(reference).map_err(|e| UrlError::Invalid(e.to_string()))?;
    if is_web(joined.scheme()) {
        return Ok(SafeUrl(joined));
    }
    let relative = matches!(Url::parse(reference), Err(url::ParseError::RelativeUrlWithoutBase));
    if relative && !is_web(base.scheme()) && joined.scheme() == base.scheme() {
        return Ok(SafeUrl(joined));
    }
    Err(UrlError::Unsafe(joined.scheme().to_owned()))
}
