//! Fetching a story or catalog: a timeout, the 8 MiB cap enforced while the
//! body streams, and a check that the answer is JSON; then the core parser.

use js_sys::{Reflect, Uint8Array};
use story_format::url::Url;
use story_format::{parse_document, Diagnostic, Document, SafeUrl, MAX_FILE_BYTES};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, ReadableStreamDefaultReader};

/// How long one request may take, headers and body together.
pub const TIMEOUT_MS: u32 = 15_000;

/// Why a file could not be shown.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadError {
    /// The URL of the file (as resolved).
    pub url: String,
    /// What went wrong, for a reader.
    pub message: String,
    /// The parser's errors, each with its field path, when the file was read.
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadError {
    pub fn new(url: &str, message: impl Into<String>) -> Self {
        LoadError { url: url.to_owned(), message: message.into(), diagnostics: Vec::new() }
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
    let base = Url::parse(url.as_str()).map_err(|e| LoadError::new(url.as_str(), e.to_string()))?;
    let parsed = parse_document(&bytes, &base);
    match parsed.value {
        Some(doc) => Ok(Loaded { doc, url: url.clone(), diagnostics: parsed.diagnostics }),
        None => {
            let first = parsed.diagnostics.first().map(|d| d.message.clone()).unwrap_or_default();
            Err(LoadError {
                url: url.as_str().to_owned(),
                message: format!("This file cannot be shown: {first}"),
                diagnostics: parsed.diagnostics,
            })
        }
    }
}

async fn fetch_bytes(url: &str, cancel: &AbortController) -> Result<Vec<u8>, LoadError> {
    let fail = |m: String| LoadError::new(url, m);
    let signals = js_sys::Array::of2(&cancel.signal(), &AbortSignal::timeout_with_u32(TIMEOUT_MS));
    let signal = AbortSignal::any(&signals);
    let response = gloo_net::http::Request::get(url)
        .abort_signal(Some(&signal))
        .send()
        .await
        .map_err(|e| fail(network_message(&signal, &e.to_string())))?;
    let status = response.status();
    if status == 404 || status == 410 {
        return Err(fail(format!("The file was not found (HTTP {status}).")));
    }
    if !response.ok() {
        return Err(fail(format!("The server answered HTTP {status} {}.", response.status_text())));
    }
    let ctype = response.headers().get("content-type").unwrap_or_default().to_ascii_lowercase();
    if ctype.contains("text/html") {
        // A static host or `trunk serve` answers a missing file with index.html.
        return Err(fail("The file was not found (the server sent a web page instead of JSON).".into()));
    }
    if let Some(len) = response.headers().get("content-length").and_then(|l| l.trim().parse::<u64>().ok()) {
        if len > MAX_FILE_BYTES as u64 {
            return Err(fail(too_large(len)));
        }
    }
    let Some(body) = response.body() else { return Ok(Vec::new()) };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut bytes = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| fail(network_message(&signal, &js_message(&e))))?;
        if Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        let value: Uint8Array =
            Reflect::get(&chunk, &"value".into()).map_err(|e| fail(js_message(&e)))?.unchecked_into();
        let n = value.length() as usize;
        if bytes.len() + n > MAX_FILE_BYTES {
            let _ = reader.cancel();
            return Err(fail(too_large((bytes.len() + n) as u64)));
        }
        let start = bytes.len();
        bytes.resize(start + n, 0);
        value.copy_to(&mut bytes[start..]);
    }
    Ok(bytes)
}

fn too_large(len: u64) -> String {
    format!("The file is larger than the 8 MiB limit (at least {len} bytes); it was not read.")
}

fn network_message(signal: &AbortSignal, detail: &str) -> String {
    if signal.aborted() {
        let reason = js_message(&signal.reason());
        if reason.to_ascii_lowercase().contains("timed out") || reason.contains("Timeout") {
            return format!("The server did not answer within {} seconds.", TIMEOUT_MS / 1000);
        }
        return "Loading was cancelled.".into();
    }
    format!("The file could not be fetched (network error: {detail}).")
}
