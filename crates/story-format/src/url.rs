//! The one way a URL from a file reaches the page: [`resolve`].
//!
//! It resolves a reference against the URL of the file that holds it with the
//! WHATWG URL algorithm (the `url` crate, which follows the same standard as
//! the browser's `new URL(ref, base)`: leading and trailing C0 controls and
//! spaces stripped, tabs and newlines removed anywhere, `\` read as `/` in
//! `http(s)` URLs) and then allows only `http:` and `https:`.

use std::fmt;

pub use url::Url;

/// An absolute `http:` or `https:` URL (or, for the validator reading a
/// folder, a `file:` URL of a relative reference), made only by [`resolve`].
/// The viewer puts nothing else into an `href` or `src` attribute.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SafeUrl(String);

impl SafeUrl {
    /// The resolved URL as text, ready for an attribute.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The resolved URL, parsed (it always parses).
    pub fn to_url(&self) -> Url {
        Url::parse(&self.0).expect("a SafeUrl is a resolved absolute URL")
    }
    /// The scheme, without `:`.
    pub fn scheme(&self) -> &str {
        self.0.split(':').next().unwrap_or("")
    }
    /// The host, for http(s) URLs (`example.com`).
    pub fn host(&self) -> Option<&str> {
        let rest = self.0.split_once("://")?.1;
        let authority = rest.split(['/', '?', '#']).next()?;
        let host = authority.rsplit('@').next()?;
        let host = if host.starts_with('[') { host.split_inclusive(']').next()? } else { host.split(':').next()? };
        (!host.is_empty()).then_some(host)
    }
}

impl fmt::Display for SafeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
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
    if let Some(fast) = plain_relative(reference, base) {
        return Ok(SafeUrl(fast));
    }
    if reference.trim_matches(|c: char| c <= ' ').is_empty() {
        return Err(UrlError::Empty);
    }
    let joined = base.join(reference).map_err(|e| UrlError::Invalid(e.to_string()))?;
    if is_web(joined.scheme()) {
        return Ok(SafeUrl(joined.into()));
    }
    let relative = matches!(Url::parse(reference), Err(url::ParseError::RelativeUrlWithoutBase));
    if relative && !is_web(base.scheme()) && joined.scheme() == base.scheme() {
        return Ok(SafeUrl(joined.into()));
    }
    Err(UrlError::Unsafe(joined.scheme().to_owned()))
}

/// The common case, without a full parse: a path-relative reference of
/// characters that URL parsing never changes (`A-Z a-z 0-9 - _ . ~ /`),
/// optionally led by `./` and `../` segments, with no other dot segment and
/// no empty segment, against an http(s) base. The WHATWG result is then the
/// base's directory (minus one folder per `../`, never above the root) plus
/// the rest. Anything else returns `None` and takes the full parser; the
/// corpus test checks both against Chromium.
fn plain_relative(reference: &str, base: &Url) -> Option<String> {
    if reference.is_empty() || reference.len() > 2048 || !is_web(base.scheme()) || base.cannot_be_a_base() {
        return None;
    }
    let ok = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/');
    if !reference.bytes().all(ok) || reference.starts_with('/') {
        return None;
    }
    let mut rest = reference;
    let mut up = 0;
    loop {
        if let Some(r) = rest.strip_prefix("./") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix("../") {
            rest = r;
            up += 1;
        } else {
            break;
        }
    }
    if rest.is_empty() || rest.split('/').any(|seg| seg.is_empty() || seg == "." || seg == "..") {
        return None;
    }
    let full = base.as_str();
    let path_start = full.len() - base[url::Position::BeforePath..].len();
    let path = base.path();
    let mut dir = &path[..path.rfind('/')? + 1];
    for _ in 0..up {
        if dir.len() > 1 {
            let trimmed = &dir[..dir.len() - 1];
            dir = &trimmed[..trimmed.rfind('/')? + 1];
        }
    }
    let mut out = String::with_capacity(path_start + dir.len() + rest.len());
    out.push_str(&full[..path_start]);
    out.push_str(dir);
    out.push_str(rest);
    Some(out)
}
