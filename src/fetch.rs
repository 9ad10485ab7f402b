//! Fetching a story or catalog: a timeout, the 8 MiB cap enforced while the
//! body streams, and a check that the answer is JSON; then the core parser
//! (in steps, one task each, for files over 256 KiB).

use js_sys::{Reflect, Uint8Array};
use story_format::limits::{MAX_FILE_BYTES, MAX_FILE_MIB};
use story_format::url::Url;
use story_format::{parse_document, Diagnostic, Document, SafeUrl, Steps};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, ReadableStreamDefaultReader};

/// Files larger than this are parsed in steps, yielding to the page between
/// them; smaller ones at once (a few milliseconds at most).
const STEPS_FROM_BYTES: usize = 256 * 1024;

/// About how many bytes of a story's sections (a catalog's entries) one
/// step reads: in Chromium on a cold start, 5-15 ms of sections, 10-30 ms of
/// entries (docs/perf.md, "Drawing large stories").
const STEP_BYTES: usize = 512 * 1024;

/// How long one request may take, headers and body together.
pub const TIMEOUT_MS: u32 = 15_000;

/// Why a file could not be shown: the file's URL, what kind of failure,
/// and the parser's diagnostics when the file was read. Its `Display` is
/// the message a reader sees.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadError {
    /// The URL of the file (as resolved), or the address as given.
    pub url: String,
    /// What went wrong.
    pub kind: LoadErrorKind,
    /// The parser's errors, each with its field path, when the file was read.
    pub diagnostics: Vec<Diagnostic>,
}

/// What kind of failure a [`LoadError`] is.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// The page's own address does not parse (cannot happen in a browser
    /// window; kept as a message rather than a panic).
    PageAddress(String),
    /// The address to load is not a safe http(s) URL; why, from the core.
    Address(String),
    /// HTTP 404 or 410.
    NotFound(u16),
    /// The server sent a web page where JSON belongs (a static host or
    /// `trunk serve` answering a missing file with `index.html`).
    WebPage,
    /// Any other HTTP error status, with its reason phrase.
    Http(u16, String),
    /// The body is over the size limit; at least this many bytes.
    TooLarge(u64),
    /// No complete answer within [`TIMEOUT_MS`].
    Timeout,
    /// The load was aborted because the view changed.
    Cancelled,
    /// The request failed (offline, refused); the browser's words.
    Network(String),
    /// The page's Content-Security-Policy refused the request; the directive
    /// (`connect-src`).
    Blocked(String),
    /// A request to another origin failed: most often that origin sends no
    /// `Access-Control-Allow-Origin` (the browser does not say which); the origin.
    CrossOrigin(String),
    /// The file was read but cannot be shown at all; the parser's first message.
    Unreadable(String),
    /// A story was given where a catalog with story `id` was expected.
    StoryNotCatalog(String),
    /// The catalog has no story with this id.
    NoSuchStory(String),
    /// The catalog's link to this story is not a safe address.
    UnsafeLink(String),
    /// A catalog entry points at another catalog, not at a story.
    CatalogNotStory,
}

impl LoadError {
    /// A failure of `kind` for the file at `url`, with no diagnostics.
    pub fn new(url: &str, kind: LoadErrorKind) -> Self {
        LoadError { url: url.to_owned(), kind, diagnostics: Vec::new() }
    }

    /// Whether trying again may help: a network failure, a timeout, or a
    /// server that is failing or busy (5xx, 408, 429). A missing file, a
    /// file with errors or an unsafe address stays as it is.
    pub fn retryable(&self) -> bool {
        use LoadErrorKind::*;
        match &self.kind {
            Network(_) | CrossOrigin(_) | Timeout | Cancelled => true,
            Http(status, _) => *status >= 500 || *status == 408 || *status == 429,
            _ => false,
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use LoadErrorKind::*;
        match &self.kind {
            PageAddress(e) => write!(f, "The page address cannot be read: {e}"),
            Address(e) => write!(f, "This address cannot be loaded: {e}."),
            NotFound(status) => write!(f, "The file was not found (HTTP {status})."),
            WebPage => f.write_str("The file was not found (the server sent a web page instead of JSON)."),
            Http(status, reason) => write!(f, "The server answered HTTP {status} {reason}."),
            TooLarge(at_least) => write!(
                f,
                "The file is larger than the {MAX_FILE_MIB} MiB limit (at least {at_least} bytes); it was not read."
            ),
            Timeout => write!(f, "The server did not answer within {} seconds.", TIMEOUT_MS / 1000),
            Cancelled => f.write_str("Loading was cancelled."),
            Network(detail) => write!(f, "The file could not be fetched (network error: {detail})."),
            Blocked(directive) => write!(
                f,
                "This page's Content-Security-Policy does not allow loading this file: \
                 its {directive} directive must allow the file's host."
            ),
            CrossOrigin(origin) => write!(
                f,
                "The file could not be fetched from {origin}. A file on another site can be read only \
                 when that site sends the header Access-Control-Allow-Origin: check that header, and the network."
            ),
            Unreadable(first) => write!(f, "This file cannot be shown: {first}"),
            StoryNotCatalog(id) => write!(f, "This file is a story, not a catalog with a story \"{id}\"."),
            NoSuchStory(id) => write!(f, "The catalog has no story with the id \"{id}\"."),
            UnsafeLink(id) => write!(f, "The catalog's link to \"{id}\" is not a safe address."),
            CatalogNotStory => f.write_str("The catalog points at another catalog here, not at a story."),
        }
    }
}

/// A parsed file, with its diagnostics (warnings, and errors for the parts
/// left out).
pub struct Loaded {
    pub doc: Document,
    pub url: SafeUrl,
    pub diagnostics: Vec<Diagnostic>,
}

fn js_message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// Fetches and parses the file at `url`. `cancel` aborts it (the view changed).
pub async fn load(url: &SafeUrl, cancel: &AbortController) -> Result<Loaded, LoadError> {
    let bytes = fetch_bytes(url.as_str(), cancel).await?;
    let base = Url::parse(url.as_str())
        .map_err(|e| LoadError::new(url.as_str(), LoadErrorKind::Address(e.to_string())))?;
    // The parse in a task apart from the viewer's start (the early fetch's
    // body is often there by then); a large file's parse in steps, a task
    // each, and the first screen drawn in another, so that no task holds the
    // main thread for long (docs/perf.md, "Drawing large stories").
    crate::dom::yield_task().await;
    let parsed = if bytes.len() > STEPS_FROM_BYTES {
        let base = story_format::url::Base::new(&base);
        let mut steps = Steps::new(&bytes, &base);
        while !steps.step(STEP_BYTES) {
            crate::dom::yield_task().await;
        }
        let parsed = steps.finish();
        crate::dom::yield_task().await;
        parsed
    } else {
        parse_document(&bytes, &base)
    };
    drop(bytes);
    match parsed.value {
        Some(doc) => Ok(Loaded { doc, url: url.clone(), diagnostics: parsed.diagnostics }),
        None => {
            let first = parsed.diagnostics.first().map(|d| d.message.clone()).unwrap_or_default();
            Err(LoadError {
                url: url.as_str().to_owned(),
                kind: LoadErrorKind::Unreadable(first),
                diagnostics: parsed.diagnostics,
            })
        }
    }
}

thread_local! {
    /// The standalone page's first fetch, started by `embed.js` while the
    /// viewer loaded: (its absolute URL, the `fetch` promise).
    static EARLY: std::cell::RefCell<Option<(String, js_sys::Promise)>> = const { std::cell::RefCell::new(None) };
}

/// Keeps `embed.js`'s early fetch (`{ url, response }`; anything else is
/// ignored) for the first [`load`] of the same address.
pub fn set_early(early: &JsValue) {
    let url = Reflect::get(early, &"url".into()).ok().and_then(|u| u.as_string());
    let response =
        Reflect::get(early, &"response".into()).ok().and_then(|r| r.dyn_into::<js_sys::Promise>().ok());
    if let (Some(url), Some(response)) = (url, response) {
        EARLY.with(|e| *e.borrow_mut() = Some((url, response)));
    }
}

/// The early fetch's response, if it was for `url` and succeeded (once).
async fn early_response(url: &str) -> Option<gloo_net::http::Response> {
    let (_, promise) = EARLY.with(|e| e.borrow_mut().take_if(|(u, _)| u == url))?;
    let raw = JsFuture::from(promise).await.ok()?;
    Some(gloo_net::http::Response::from(raw.dyn_into::<web_sys::Response>().ok()?))
}

pub(crate) async fn fetch_bytes(url: &str, cancel: &AbortController) -> Result<Vec<u8>, LoadError> {
    let fail = |kind: LoadErrorKind| LoadError::new(url, kind);
    let signals = js_sys::Array::of2(&cancel.signal(), &AbortSignal::timeout_with_u32(TIMEOUT_MS));
    let signal = AbortSignal::any(&signals);
    let response = match early_response(url).await {
        Some(r) => r,
        None => match gloo_net::http::Request::get(url).abort_signal(Some(&signal)).send().await {
            Ok(r) => r,
            Err(e) => {
                let kind = match network_failure(&signal, &e.to_string()) {
                    LoadErrorKind::Network(detail) => why_unreachable(url, detail).await,
                    other => other,
                };
                return Err(fail(kind));
            }
        },
    };
    let status = response.status();
    if status == 404 || status == 410 {
        return Err(fail(LoadErrorKind::NotFound(status)));
    }
    if !response.ok() {
        return Err(fail(LoadErrorKind::Http(status, response.status_text())));
    }
    let ctype = response.headers().get("content-type").unwrap_or_default().to_ascii_lowercase();
    if ctype.contains("text/html") {
        return Err(fail(LoadErrorKind::WebPage));
    }
    let length = response.headers().get("content-length").and_then(|l| l.trim().parse::<u64>().ok());
    if let Some(len) = length.filter(|&len| len > MAX_FILE_BYTES as u64) {
        return Err(fail(LoadErrorKind::TooLarge(len)));
    }
    let Some(body) = response.body() else { return Ok(Vec::new()) };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    // The announced length (within the limit) is reserved at once: growing
    // the buffer as chunks come would copy it again and again. A body that
    // has all arrived resolves every read at once, in one task: a task is
    // yielded after every STEP_BYTES read, so reading is never one long task.
    let mut bytes = Vec::with_capacity(length.map_or(0, |l| l as usize));
    let mut since_yield = 0usize;
    loop {
        if since_yield >= STEP_BYTES {
            crate::dom::yield_task().await;
            since_yield = 0;
        }
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| fail(network_failure(&signal, &js_message(&e))))?;
        if Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        let value: Uint8Array = Reflect::get(&chunk, &"value".into())
            .map_err(|e| fail(LoadErrorKind::Network(js_message(&e))))?
            .unchecked_into();
        let n = value.length() as usize;
        if bytes.len() + n > MAX_FILE_BYTES {
            let _ = reader.cancel();
            return Err(fail(LoadErrorKind::TooLarge((bytes.len() + n) as u64)));
        }
        let start = bytes.len();
        bytes.resize(start + n, 0);
        value.copy_to(&mut bytes[start..]);
        since_yield += n;
    }
    Ok(bytes)
}

/// Why a request that failed at the network level failed, as far as the
/// page can know: the page's policy refused it (the browser reports that in
/// a `securitypolicyviolation` event, after this task), another origin
/// refused to share it (most likely, when it is another origin), or the
/// network.
async fn why_unreachable(url: &str, detail: String) -> LoadErrorKind {
    crate::dom::yield_task().await;
    if let Some(directive) = crate::dom::blocked_by_policy(url) {
        return LoadErrorKind::Blocked(directive);
    }
    match story_format::url::Url::parse(url) {
        Ok(u) if u.origin().ascii_serialization() != crate::dom::page_origin() => {
            LoadErrorKind::CrossOrigin(u.origin().ascii_serialization())
        }
        _ => LoadErrorKind::Network(detail),
    }
}

/// A failed request: timed out, cancelled (the view changed), or a network error.
fn network_failure(signal: &AbortSignal, detail: &str) -> LoadErrorKind {
    if signal.aborted() {
        let reason = js_message(&signal.reason());
        if reason.to_ascii_lowercase().contains("timed out") || reason.contains("Timeout") {
            return LoadErrorKind::Timeout;
        }
        return LoadErrorKind::Cancelled;
    }
    LoadErrorKind::Network(detail.to_owned())
}
