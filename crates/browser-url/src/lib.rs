//! `Url` as the `url` crate has it (parse, join, scheme, path, host, the
//! serialization), for the wasm build only, over the browser's own `URL`:
//! both implement the WHATWG URL Standard, and the browser's is already in
//! the page. `story-format` uses `url` natively and this in wasm32; the URL
//! corpus (87 cases) holds the expected address of every case, checked
//! natively against `url` and in Chromium against this.
//!
//! An address is kept as the browser serializes it (`href`), with where
//! its parts start: the serialization is canonical, so the parts are found
//! by splitting it.

use std::fmt;
use std::ops::{Index, RangeFrom};

/// An absolute URL, as the browser serialized it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Url {
    href: String,
    /// `href[..scheme_end]` is the scheme (the `:` follows).
    scheme_end: usize,
    /// Where the host starts and ends (empty when there is none).
    host: (usize, usize),
    /// Where the path starts (after the authority, or after `:`).
    path_start: usize,
}

/// Why an address could not be parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// A relative reference, with no base to resolve it against.
    RelativeUrlWithoutBase,
    /// Anything else the URL Standard refuses.
    Invalid,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseError::RelativeUrlWithoutBase => "relative URL without a base",
            ParseError::Invalid => "invalid URL",
        })
    }
}

impl std::error::Error for ParseError {}

/// Positions in a URL, for slicing it (as `url::Position`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    BeforePath,
}

impl Url {
    /// Parses an absolute address.
    pub fn parse(input: &str) -> Result<Url, ParseError> {
        if forbidden_host(input) {
            return Err(ParseError::Invalid);
        }
        match web_sys::Url::new(input) {
            Ok(u) => Ok(Url::from_href(u.href())),
            Err(_) if !has_scheme(input) => Err(ParseError::RelativeUrlWithoutBase),
            Err(_) => Err(ParseError::Invalid),
        }
    }

    /// Resolves `input` against this URL.
    pub fn join(&self, input: &str) -> Result<Url, ParseError> {
        if forbidden_host(input) {
            return Err(ParseError::Invalid);
        }
        web_sys::Url::new_with_base(input, &self.href)
            .map(|u| Url::from_href(u.href()))
            .map_err(|_| ParseError::Invalid)
    }

    pub fn as_str(&self) -> &str {
        &self.href
    }

    pub fn scheme(&self) -> &str {
        &self.href[..self.scheme_end]
    }

    /// Whether the URL has an opaque path (`mailto:a@b`, `data:,x`).
    pub fn cannot_be_a_base(&self) -> bool {
        !self.href[self.scheme_end + 1..].starts_with('/')
    }

    pub fn host_str(&self) -> Option<&str> {
        let (start, end) = self.host;
        (end > start).then(|| &self.href[start..end])
    }

    /// The path, without the query and fragment.
    pub fn path(&self) -> &str {
        let rest = &self.href[self.path_start..];
        &rest[..rest.find(['?', '#']).unwrap_or(rest.len())]
    }

    pub fn query(&self) -> Option<&str> {
        let rest = &self.href[self.path_start..];
        let rest = &rest[..rest.find('#').unwrap_or(rest.len())];
        rest.find('?').map(|q| &rest[q + 1..])
    }

    pub fn fragment(&self) -> Option<&str> {
        self.href[self.path_start..].find('#').map(|f| &self.href[self.path_start + f + 1..])
    }

    /// The origin (scheme, host and port).
    pub fn origin(&self) -> Origin {
        match self.scheme() {
            // Without the user name and password, as origins are.
            "http" | "https" | "ws" | "wss" | "ftp" => {
                Origin(Some(format!("{}://{}", self.scheme(), &self.href[self.host.0..self.path_start])))
            }
            _ => Origin(None),
        }
    }

    fn from_href(href: String) -> Url {
        let scheme_end = href.find(':').unwrap_or(0);
        let after = scheme_end + 1;
        let (host, path_start) = match href[after..].strip_prefix("//") {
            Some(rest) => {
                let authority_end = after + 2 + rest.find(['/', '?', '#']).unwrap_or(rest.len());
                let authority_start = after + 2;
                let authority = &href[authority_start..authority_end];
                let host_start = authority_start + authority.rfind('@').map_or(0, |a| a + 1);
                let host = &href[host_start..authority_end];
                // A port follows the last `:`, unless it is inside `[…]` (IPv6).
                let host_end = match host.rfind(':') {
                    Some(c) if !host[c..].contains(']') => host_start + c,
                    _ => authority_end,
                };
                ((host_start, host_end), authority_end)
            }
            None => ((after, after), after),
        };
        Url { href, scheme_end, host, path_start }
    }
}

/// Where Chromium departs from the URL Standard by accepting a host the
/// standard (and the `url` crate) refuse: a space in it (`exa mple.org`,
/// which Chromium keeps as `exa%20mple.org`) or a percent sign
/// (`%E4%BE%8B.com`, which it decodes). Both are refused here before the
/// browser sees them; the URL corpus holds each case.
fn forbidden_host(input: &str) -> bool {
    let s = input.trim_matches(|c: char| c <= ' ');
    let rest = if has_scheme(s) { &s[s.find(':').map_or(0, |i| i + 1)..] } else { s };
    let Some(after) = rest.strip_prefix(['/', '\\']).and_then(|r| r.strip_prefix(['/', '\\'])) else {
        return false; // no authority: nothing of a host in it
    };
    let authority = &after[..after.find(['/', '\\', '?', '#']).unwrap_or(after.len())];
    let host = authority.rsplit('@').next().unwrap_or("");
    host.contains([' ', '%'])
}

/// Whether `input` starts with a scheme (`letter (letter | digit | + - .)* :`).
fn has_scheme(input: &str) -> bool {
    let s = input.trim_start_matches(|c: char| c <= ' ');
    match s.find(':') {
        Some(end) if end > 0 => {
            let scheme = &s[..end];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '\t' | '\n' | '\r'))
        }
        _ => false,
    }
}

impl Index<RangeFrom<Position>> for Url {
    type Output = str;
    fn index(&self, range: RangeFrom<Position>) -> &str {
        match range.start {
            Position::BeforePath => &self.href[self.path_start..],
        }
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.href)
    }
}

impl fmt::Debug for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.href, f)
    }
}

impl From<Url> for String {
    fn from(u: Url) -> String {
        u.href
    }
}

/// A URL's origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin(Option<String>);

impl Origin {
    /// `https://example.com:8080`, or `null` for an opaque origin.
    pub fn ascii_serialization(&self) -> String {
        self.0.clone().unwrap_or_else(|| "null".to_owned())
    }
}
