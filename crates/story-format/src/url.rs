//! The one way a URL from a file reaches the page: [`resolve`].
//!
//! It resolves a reference against the URL of the file that holds it with the
//! WHATWG URL algorithm (the `url` crate, which follows the same standard as
//! the browser's `new URL(ref, base)`: leading and trailing C0 controls and
//! spaces stripped, tabs and newlines removed anywhere, `\` read as `/` in
//! `http(s)` URLs) and then allows only `http:` and `https:`.

use std::fmt;

// The WHATWG parser: `url` natively, the browser's own in wasm32 (see
// crates/browser-url); the same API either way.
#[cfg(target_arch = "wasm32")]
use browser_url as whatwg;
#[cfg(not(target_arch = "wasm32"))]
use url as whatwg;

pub use whatwg::Url;

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
        let host =
            if host.starts_with('[') { host.split_inclusive(']').next()? } else { host.split(':').next()? };
        (!host.is_empty()).then_some(host)
    }
}

impl fmt::Display for SafeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a reference that the URL standard refuses was refused: one message
/// whichever parser read it (`url` in the command line, the browser's in the
/// viewer), so that a publisher sees the same words in both.
const NOT_A_URL: &str = "the URL standard refuses it: check its host, port and characters";

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

/// How `target` is written on a page at `page` of a site whose root is
/// `root` (both folder or file URLs of the published site): relative to the
/// page when `target` is under `root` (so a built site also works copied
/// under another path), else absolute. A relative reference whose first
/// segment holds a `:` gets `./` in front, so that it can never be read as a
/// scheme (`javascript:x.jpg`). Resolving the result against `page` always
/// gives `target` back.
///
/// ```
/// use story_format::url::{relative_ref, resolve, Url};
/// let root = Url::parse("https://news.example/s/").unwrap();
/// let page = Url::parse("https://news.example/s/a/b/").unwrap();
/// let hero = resolve("hero.jpg", &page).unwrap();
/// assert_eq!(relative_ref(&hero, &page, &root), "hero.jpg");
/// let other = resolve("../../c/", &page).unwrap();
/// assert_eq!(relative_ref(&other, &page, &root), "../../c/");
/// let away = resolve("https://elsewhere.example/x", &page).unwrap();
/// assert_eq!(relative_ref(&away, &page, &root), "https://elsewhere.example/x");
/// ```
#[cfg(not(target_arch = "wasm32"))] // for pages built ahead: never in the viewer
pub fn relative_ref(target: &SafeUrl, page: &Url, root: &Url) -> String {
    let t = target.as_str();
    let under = t.starts_with(root.as_str()) && page.as_str().starts_with(root.as_str());
    match under.then(|| plain_relative(t, page)).flatten() {
        Some(r) => r,
        None => relative_ref_parsed(target, page, under),
    }
}

/// [`relative_ref`] by `url`'s `make_relative`, checked by resolving it back.
#[cfg(not(target_arch = "wasm32"))]
fn relative_ref_parsed(target: &SafeUrl, page: &Url, under: bool) -> String {
    let t = target.as_str();
    let rel = under.then(|| page.make_relative(&target.to_url())).flatten();
    let rel = rel.map(|r| match r {
        r if r.is_empty() => "./".to_owned(),
        r if r.split(['/', '?', '#']).next().is_some_and(|first| first.contains(':')) => format!("./{r}"),
        r => r,
    });
    // `make_relative` loses empty segments (`a//b`): keep only what reads back exactly.
    match rel {
        Some(r) if page.join(&r).is_ok_and(|u| u.as_str() == t) => r,
        _ => t.to_owned(),
    }
}

/// [`relative_ref`] without parsing a URL, for the common case of a
/// built site (each page's many links): `target` and `page` of the same
/// origin, both paths only [`PLAIN`] bytes and `%` with no empty segment, and
/// neither with a query or fragment. What `url`'s `make_relative` gives
/// for them, which then always resolves back to `target` (a test compares
/// the two on random paths); `None` for anything else.
#[cfg(not(target_arch = "wasm32"))]
fn plain_relative(target: &str, page: &Url) -> Option<String> {
    let origin_len = page.as_str().len() - page[whatwg::Position::BeforePath..].len();
    let (t, p) = (target.get(origin_len..)?, page.path());
    // `%` too: a parsed path keeps its escapes as they are (`%D8%B2`; a
    // `%2e%2e` segment was resolved as `..` when parsed), and so does
    // resolving the relative form back.
    let plain = |s: &str| {
        s.starts_with('/') && !s.contains("//") && s.bytes().all(|b| b == b'%' || PLAIN[b as usize])
    };
    if page.query().is_some() || page.fragment().is_some() || !plain(t) || !plain(p) {
        return None;
    }
    let (p_dir, p_file) = p.split_at(p.rfind('/')?);
    let (t_dir, t_file) = t.split_at(t.rfind('/')?);
    let (p_file, t_file) = (&p_file[1..], &t_file[1..]);
    let mut p_segs = p_dir.split('/').peekable();
    let mut t_segs = t_dir.split('/').peekable();
    while p_segs.peek().is_some() && p_segs.peek() == t_segs.peek() {
        p_segs.next();
        t_segs.next();
    }
    let mut rel = String::with_capacity(t.len());
    for seg in p_segs {
        if seg.is_empty() {
            break;
        }
        if !rel.is_empty() {
            rel.push('/');
        }
        rel.push_str("..");
    }
    for seg in t_segs {
        if !rel.is_empty() {
            rel.push('/');
        }
        rel.push_str(seg);
    }
    if rel.is_empty() {
        return match (p_file == t_file, t_file.is_empty()) {
            // The page's own folder.
            (true, true) => Some("./".to_owned()),
            // A file linking to itself (`./` would be its folder), or a
            // file to its folder (`make_relative` says `/`): both absolute.
            (true, false) | (false, true) => None,
            (false, false) => Some(t_file.to_owned()),
        };
    }
    rel.push('/');
    rel.push_str(t_file);
    Some(rel)
}

/// The bytes URL parsing never changes in a path: `A-Z a-z 0-9 - _ . ~ /`.
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~' | b'/');
        b += 1;
    }
    t
};

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
    Base::new(base).resolve(reference)
}

/// A base URL prepared once for the many references of one file: [`resolve`]
/// without working out the base's directory again for each of them.
pub struct Base<'a> {
    url: &'a Url,
    /// `scheme://host/dir/` of an http(s) base, for the fast path;
    /// the path starts at byte `origin_len`.
    dir: Option<(String, usize)>,
}

impl<'a> Base<'a> {
    /// The URL of the file that holds the references.
    pub fn url(&self) -> &Url {
        self.url
    }

    /// Prepares `url` (the URL of the file that holds the references).
    pub fn new(url: &'a Url) -> Self {
        let dir = (is_web(url.scheme()) && !url.cannot_be_a_base()).then(|| {
            let full = url.as_str();
            let origin_len = full.len() - url[whatwg::Position::BeforePath..].len();
            let path = url.path();
            let dir_len = path.rfind('/').map_or(0, |i| i + 1);
            (format!("{}{}", &full[..origin_len], &path[..dir_len]), origin_len)
        });
        Base { url, dir }
    }

    /// A link's address: as [`Base::resolve`], and also a `mailto:`
    /// address (a link a reader follows; never an image or a file).
    pub fn resolve_link(&self, reference: &str) -> Result<SafeUrl, UrlError> {
        let trimmed = reference.trim_matches(|c: char| c <= ' ');
        let mail = trimmed.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("mailto:"));
        if !mail {
            return self.resolve(reference);
        }
        let url = Url::parse(trimmed).map_err(|_| UrlError::Invalid(NOT_A_URL.into()))?;
        if url.scheme() != "mailto" || url.path().is_empty() {
            return Err(UrlError::Invalid("a mailto: link needs an address".into()));
        }
        Ok(SafeUrl(url.into()))
    }

    /// Exactly [`resolve`]`(reference, url)` for the `url` it was made from.
    pub fn resolve(&self, reference: &str) -> Result<SafeUrl, UrlError> {
        if let Some(fast) = self.plain_relative(reference) {
            return Ok(SafeUrl(fast));
        }
        resolve_slow(reference, self.url)
    }
}

fn resolve_slow(reference: &str, base: &Url) -> Result<SafeUrl, UrlError> {
    if reference.trim_matches(|c: char| c <= ' ').is_empty() {
        return Err(UrlError::Empty);
    }
    // A non-ASCII host is written as Punycode first (this build has no IDNA tables).
    let rewritten = ascii_host(reference, base.scheme()).map_err(|()| {
        UrlError::Invalid("its host name has characters that cannot be used as they are; write the host in plain ASCII (xn-- for international names)".into())
    })?;
    let joined = base
        .join(rewritten.as_deref().unwrap_or(reference))
        .map_err(|_| UrlError::Invalid(NOT_A_URL.into()))?;
    if is_web(joined.scheme()) {
        return Ok(SafeUrl(joined.into()));
    }
    let relative = matches!(Url::parse(reference), Err(whatwg::ParseError::RelativeUrlWithoutBase));
    if relative && !is_web(base.scheme()) && joined.scheme() == base.scheme() {
        return Ok(SafeUrl(joined.into()));
    }
    Err(UrlError::Unsafe(joined.scheme().to_owned()))
}

impl Base<'_> {
    /// The common case, without a full parse: a path-relative reference of
    /// characters that URL parsing never changes (`A-Z a-z 0-9 - _ . ~ /`),
    /// optionally led by `./` and `../` segments (or only those: a folder),
    /// with no other dot segment and no empty segment, against an http(s)
    /// base. The WHATWG result is then the base's directory (minus one
    /// folder per `../`, never above the root) plus the rest. Anything else returns `None` and takes the full parser; the
    /// corpus test checks both against Chromium.
    fn plain_relative(&self, reference: &str) -> Option<String> {
        let (prefix, origin_len) = self.dir.as_ref()?;
        if reference.is_empty() || reference.len() > 2048 {
            return None;
        }
        if !reference.bytes().all(|b| PLAIN[usize::from(b)]) || reference.starts_with('/') {
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
        // `./` or `../` alone is a folder; otherwise no empty or dot segment.
        if !rest.is_empty()
            && rest.as_bytes().split(|&b| b == b'/').any(|seg| matches!(seg, b"" | b"." | b".."))
        {
            return None;
        }
        let mut dir = prefix.as_str();
        for _ in 0..up {
            // Up one folder, never above the root.
            if dir.len() > origin_len + 1 {
                let trimmed = &dir[..dir.len() - 1];
                dir = &trimmed[..trimmed.rfind('/')? + 1];
            }
        }
        let mut out = String::with_capacity(dir.len() + rest.len());
        out.push_str(dir);
        out.push_str(rest);
        Some(out)
    }
}

/// This build has no IDNA tables (`idna_adapter` 1.0 saves 37 KB of
/// brotli'd wasm), so the `url` crate must never see a host that is not
/// plain ASCII. A reference whose host is not ASCII is rewritten here: each
/// label of letters and digits of any script becomes Punycode (`例子` →
/// `xn--fsqu00a`). `Ok(None)`: nothing to rewrite; `Err`: a label with
/// anything else (compatibility forms such as fullwidth letters, symbols)
/// or a percent-encoded host, refused rather than guessed. Where a host
/// starts follows the WHATWG parser: after `//`, or, for a special scheme
/// other than the base's, after any slashes (`http:例子.com`). The corpus
/// checks the results against Chromium's own parser; the fuzzer found the
/// percent-encoded case.
fn ascii_host(reference: &str, base_scheme: &str) -> Result<Option<String>, ()> {
    if reference.is_ascii() && !reference.contains('%') {
        return Ok(None);
    }
    // WHATWG pre-processing: trim C0 controls and spaces, drop tabs and newlines.
    let cleaned: String = reference
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let scheme_len = cleaned
        .find(':')
        .filter(|&i| {
            i > 0
                && cleaned[..i].bytes().enumerate().all(|(j, b)| {
                    b.is_ascii_alphabetic() || (j > 0 && (b.is_ascii_digit() || b"+-.".contains(&b)))
                })
        })
        .map_or(0, |i| i + 1);
    let rest = &cleaned[scheme_len..];
    let slashes = rest.bytes().take_while(|b| *b == b'/' || *b == b'\\').count();
    let scheme = cleaned[..scheme_len.saturating_sub(1)].to_ascii_lowercase();
    let special = matches!(scheme.as_str(), "http" | "https" | "ws" | "wss" | "ftp" | "file");
    let has_authority = slashes >= 2 || (special && scheme != base_scheme);
    if !has_authority {
        return Ok(None);
    }
    let auth_start = scheme_len + slashes;
    let auth_len = cleaned[auth_start..].find(['/', '\\', '?', '#']).unwrap_or(cleaned.len() - auth_start);
    let authority = &cleaned[auth_start..auth_start + auth_len];
    let host_start = authority.rfind('@').map_or(0, |i| i + 1);
    let host_and_port = &authority[host_start..];
    let host_len = host_and_port
        .rfind(':')
        .filter(|&i| host_and_port[i + 1..].bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or(host_and_port.len());
    let host = &host_and_port[..host_len];
    if host.contains('%') {
        return Err(());
    }
    if host.is_ascii() {
        return Ok(None);
    }
    let mut ascii = String::new();
    for (i, label) in host.split(['.', '。', '．', '｡']).enumerate() {
        if i > 0 {
            ascii.push('.');
        }
        let lower: String = label.chars().flat_map(char::to_lowercase).collect();
        if lower.is_ascii() {
            ascii.push_str(&lower);
            continue;
        }
        let plain = |c: char| c == '-' || (c.is_alphanumeric() && !is_compatibility_form(c));
        if !lower.chars().all(plain) || lower.chars().any(|c| c.is_uppercase()) {
            return Err(());
        }
        ascii.push_str("xn--");
        ascii.push_str(&punycode(&lower.chars().collect::<Vec<_>>()).ok_or(())?);
    }
    let at = auth_start + host_start;
    Ok(Some(format!("{}{}{}", &cleaned[..at], ascii, &cleaned[at + host_len..])))
}

/// Characters that IDNA maps to others (so a plain Punycode of them would
/// name a different host than a browser does): fullwidth and halfwidth
/// forms, presentation forms, super- and subscripts, number forms, CJK
/// compatibility blocks, mathematical alphanumerics, enclosed letters.
fn is_compatibility_form(c: char) -> bool {
    matches!(c as u32,
        0x00AA | 0x00B2 | 0x00B3 | 0x00B5 | 0x00B9 | 0x00BA | 0x00BC..=0x00BE
        | 0x2070..=0x209F | 0x2100..=0x218F | 0x2460..=0x24FF | 0x3200..=0x33FF
        | 0xF900..=0xFAFF | 0xFB00..=0xFDFF | 0xFE30..=0xFE4F | 0xFE70..=0xFEFF
        | 0xFF00..=0xFFEF | 0x1D400..=0x1D7FF | 0x1F100..=0x1F1FF | 0x2F800..=0x2FA1F)
}

/// RFC 3492 Punycode encoding of one label (without the `xn--` prefix).
fn punycode(input: &[char]) -> Option<String> {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    fn digit(d: u32) -> char {
        if d < 26 {
            (b'a' + d as u8) as char
        } else {
            (b'0' + (d - 26) as u8) as char
        }
    }
    fn adapt(mut delta: u32, points: u32, first: bool) -> u32 {
        delta = if first { delta / 700 } else { delta / 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - TMIN) * TMAX) / 2 {
            delta /= BASE - TMIN;
            k += BASE;
        }
        k + (BASE - TMIN + 1) * delta / (delta + 38)
    }
    let mut out: String = input.iter().filter(|c| c.is_ascii()).collect();
    let basic = out.len() as u32;
    let mut handled = basic;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias) = (128u32, 0u32, 72u32);
    while (handled as usize) < input.len() {
        let m = input.iter().map(|&c| c as u32).filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in input {
            let c = c as u32;
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias + TMAX {
                        TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The fast path gives what `make_relative` gives (checked by
        /// resolving back), wherever it answers: pages and targets as
        /// folders and files, with empty, dot and plain segments.
        #[test]
        fn plain_relative_is_make_relative(
            root in prop::sample::select(vec!["https://n.example/", "https://n.example/s/", "http://n.example:8080/a/b/"]),
            page in prop::collection::vec("[a.~%2eE]{0,4}", 0..4),
            page_file in prop::sample::select(vec!["", "index.html", "a"]),
            target in prop::collection::vec("[a.~%2eE]{0,4}", 0..4),
            target_file in prop::sample::select(vec!["", "index.html", "a", "story.json"]),
            query in prop::sample::select(vec!["", "?q", "#f"]),
        ) {
            let root = Url::parse(root).unwrap();
            // Below the root as text, so that empty segments stay (`s//a/`).
            let page = Url::parse(&format!("{root}{}/{page_file}", page.join("/"))).unwrap();
            let target = resolve(&format!("{root}{}/{target_file}{query}", target.join("/")), &root).unwrap();
            let under = target.as_str().starts_with(root.as_str()) && page.as_str().starts_with(root.as_str());
            // (A `..` may leave the root: nothing to compare then.)
            if let Some(fast) = under.then(|| plain_relative(target.as_str(), &page)).flatten() {
                prop_assert_eq!(fast, relative_ref_parsed(&target, &page, true));
            }
        }
    }

    #[test]
    fn plain_relative_answers_for_a_built_site_s_links() {
        let root = Url::parse("https://n.example/s/").unwrap();
        let page = Url::parse("https://n.example/s/000/a-1/").unwrap();
        let r = |t: &str| plain_relative(resolve(t, &root).unwrap().as_str(), &page);
        assert_eq!(r("./").as_deref(), Some("../../"));
        assert_eq!(r("tags/energy/").as_deref(), Some("../../tags/energy/"));
        assert_eq!(r("000/a-1/").as_deref(), Some("./"));
        assert_eq!(r("000/a-1/hero.w640.jpg").as_deref(), Some("hero.w640.jpg"));
        assert_eq!(r("tags/%D8%B2/").as_deref(), Some("../../tags/%D8%B2/"));
        assert_eq!(r("000/a-1/x:y.jpg"), None, "not plain: parsed");
        assert_eq!(r("x/?q=1"), None);
    }

    #[test]
    fn punycode_matches_rfc_3492() {
        let p = |s: &str| punycode(&s.chars().collect::<Vec<_>>()).unwrap();
        assert_eq!(p("bücher"), "bcher-kva");
        assert_eq!(p("münchen"), "mnchen-3ya");
        assert_eq!(p("例子"), "fsqu00a");
        assert_eq!(p("测试"), "0zwm56d");
        // RFC 3492 sample (A): Arabic (Egyptian).
        assert_eq!(p("ليهمابتكلموشعربي؟"), "egbpdaj6bu4bxfgehfvwxn");
    }

    #[test]
    fn hosts_are_rewritten_only_when_plain() {
        let h = |r: &str| ascii_host(r, "https");
        assert_eq!(h("https://例子。测试/路径"), Ok(Some("https://xn--fsqu00a.xn--0zwm56d/路径".into())));
        assert_eq!(h("//user@Bücher.example:8080/x"), Ok(Some("//user@xn--bcher-kva.example:8080/x".into())));
        assert_eq!(h("http:Bücher.example/x"), Ok(Some("http:xn--bcher-kva.example/x".into())));
        assert_eq!(h("https:例子/x"), Ok(None), "same scheme, no slashes: a relative path");
        assert_eq!(h("https://ｅｘａｍｐｌｅ.com/"), Err(()));
        assert_eq!(h("https://examLL%8E77G/"), Err(()), "found by the fuzzer");
        assert_eq!(h("https://example.com/%E4%BE%8B"), Ok(None));
        assert_eq!(h("https://example.com/例子"), Ok(None));
        assert_eq!(h("例子/x.png"), Ok(None));
    }
}
