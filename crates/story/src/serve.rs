//! `story serve SITE`: the site as it will be published, for its authors.
//! It is built into a temporary folder (incrementally after the first
//! time: see `build::incremental`), served on 127.0.0.1 with the strict
//! Content-Security-Policy and the precompressed files a host would send,
//! and built again whenever a file below SITE changes. Every open page
//! reloads itself then: a small script, added to pages only here, waits on
//! the server for the next build. A build that fails shows its `story
//! check` lines in place of every page until the next good one, so a
//! broken save is never mistaken for the old page.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::build::{self, Failure, Options};
use crate::report;

/// The address prefix of the server's own files (not the site's).
pub const OWN: &str = "/.story-serve/";

/// The Content-Security-Policy every response carries (the README's).
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
     img-src 'self' https: data:; media-src 'self' https:; connect-src 'self' https:; object-src 'none'; \
     base-uri 'self'; frame-ancestors 'self'";

/// The script pages get in serve mode only: it asks the server for the
/// next build and reloads the page when it comes.
const RELOAD_JS: &str = r#"// story serve: reload this page when the site is built again.
(() => {
  const me = document.currentScript;
  let v = me ? me.dataset.version : '';
  const wait = async () => {
    for (;;) {
      try {
        const r = await fetch('/.story-serve/wait?v=' + encodeURIComponent(v), { cache: 'no-store' });
        const now = (await r.text()).trim();
        if (now !== v) { location.reload(); return; }
      } catch (e) {
        await new Promise((done) => setTimeout(done, 1000));
      }
    }
  };
  wait();
})();
"#;

/// The error page's look (a file: the CSP allows no inline style).
const ERROR_CSS: &str = "body{font:1rem/1.5 system-ui,sans-serif;margin:0;padding:1rem;color:#1a1a1a;background:#fffdf8}\
main{max-width:60rem;margin:auto}h1{font-size:1.5rem;line-height:1.2}\
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f3efe6;padding:.75rem;border-radius:4px;font-size:.875rem}\
@media (prefers-color-scheme:dark){body{color:#eee;background:#161616}pre{background:#262626}}\n";

/// What to serve.
pub struct ServeOptions {
    pub site: PathBuf,
    /// 0: any free port.
    pub port: u16,
    /// The viewer's files (`None`: `dist/` here, else those in the binary).
    pub viewer: Option<PathBuf>,
    pub cache: Option<PathBuf>,
}

/// The last build: its number, and the page shown instead of the site
/// when it failed.
struct State {
    now: Mutex<(u64, Option<String>)>,
    built: Condvar,
}

/// Serves until the process is stopped. Prints the address, then a line
/// per build; returns only when it cannot start.
pub fn serve(opts: ServeOptions) -> Result<(), String> {
    remove_stale_work();
    let work = std::env::temp_dir().join(format!("story-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let viewer = crate::viewer::viewer_dir(opts.viewer, &work)?;
    let server =
        tiny_http::Server::http(("127.0.0.1", opts.port)).map_err(|e| format!("port {}: {e}", opts.port))?;
    let port = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(opts.port);
    let url = format!("http://127.0.0.1:{port}/");
    let out = work.join("site");
    let options = Options {
        site: opts.site.clone(),
        out: out.clone(),
        url: url.clone(),
        viewer,
        cache: opts.cache,
        changes: None,
    };
    let state = Arc::new(State { now: Mutex::new((0, None)), built: Condvar::new() });
    rebuild(&options, &state);
    eprintln!("story serve: {url} (Ctrl-C to stop)");

    // Watch SITE; a burst of events (an editor's save) is one build.
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).map_err(|e| format!("cannot watch files: {e}"))?;
    notify::Watcher::watch(&mut watcher, &opts.site, notify::RecursiveMode::Recursive)
        .map_err(|e| format!("{}: cannot watch: {e}", opts.site.display()))?;
    {
        let state = state.clone();
        std::thread::spawn(move || {
            let _watcher = watcher;
            // Only changes count: a build reading SITE makes access events.
            let changed = |e: &notify::Result<notify::Event>| {
                use notify::event::{EventKind, ModifyKind};
                e.as_ref().is_ok_and(|e| match e.kind {
                    EventKind::Modify(ModifyKind::Metadata(_)) | EventKind::Access(_) => false,
                    EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
                    _ => false,
                })
            };
            while let Ok(event) = rx.recv() {
                if !changed(&event) {
                    continue;
                }
                while rx.recv_timeout(Duration::from_millis(30)).is_ok() {}
                rebuild(&options, &state);
            }
        });
    }
    for request in server.incoming_requests() {
        let (state, out) = (state.clone(), out.clone());
        std::thread::spawn(move || answer(request, &state, &out));
    }
    Ok(())
}

/// The temporary folders of earlier `story serve`s that were stopped
/// (their process is gone), removed: a stop by Ctrl-C cannot clean up.
fn remove_stale_work() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix("story-serve-").and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let mine = e.file_type().is_ok_and(|t| t.is_dir());
        if mine && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Builds the site again and tells the open pages.
fn rebuild(options: &Options, state: &State) {
    let started = Instant::now();
    let failed = match build::build(options) {
        Ok(built) => {
            eprintln!(
                "story serve: built {} in {} ms ({} kept)",
                report::count_as(built.stories, "story", "stories"),
                started.elapsed().as_millis(),
                built.reused
            );
            None
        }
        Err(Failure::Input { reports, files }) => {
            let mut lines = Vec::new();
            let _ = report::print_lines(&mut lines, &reports);
            let lines = String::from_utf8_lossy(&lines).into_owned();
            eprint!("{lines}");
            eprintln!(
                "story serve: {}; the page shows these lines until they are fixed",
                report::summary(files, &reports)
            );
            Some(lines)
        }
        Err(Failure::Run(msg)) => {
            eprintln!("story serve: {msg}");
            Some(msg)
        }
    };
    let mut now = state.now.lock().expect("no panics while locked");
    *now = (now.0 + 1, failed);
    state.built.notify_all();
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

fn respond(request: tiny_http::Request, status: u16, kind: &str, body: Vec<u8>, extra: &[(&str, &str)]) {
    let mut response = tiny_http::Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Content-Security-Policy", CSP))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    for (name, value) in extra {
        response = response.with_header(header(name, value));
    }
    let _ = request.respond(response);
}

/// One request: the server's own files, or a file of the built site.
fn answer(request: tiny_http::Request, state: &State, out: &Path) {
    let raw = request.url().to_owned();
    let (path, query) = raw.split_once('?').unwrap_or((&raw, ""));
    if path == format!("{OWN}reload.js") {
        return respond(request, 200, "text/javascript; charset=utf-8", RELOAD_JS.into(), &[]);
    }
    if path == format!("{OWN}error.css") {
        return respond(request, 200, "text/css; charset=utf-8", ERROR_CSS.into(), &[]);
    }
    if path == format!("{OWN}wait") {
        let seen: u64 = query.strip_prefix("v=").and_then(|v| v.parse().ok()).unwrap_or(0);
        let now = state.now.lock().expect("no panics while locked");
        let (now, _) = state
            .built
            .wait_timeout_while(now, Duration::from_secs(25), |(v, _)| *v == seen)
            .expect("no panics while locked");
        return respond(request, 200, "text/plain; charset=utf-8", now.0.to_string().into_bytes(), &[]);
    }
    let (version, failed) = state.now.lock().expect("no panics while locked").clone();
    let Some(file) = site_file(out, path) else {
        return respond(request, 404, "text/plain; charset=utf-8", b"not found".to_vec(), &[]);
    };
    if file.is_dir() {
        let to = format!("{path}/");
        return respond(request, 301, "text/plain; charset=utf-8", Vec::new(), &[("Location", &to)]);
    }
    let page = file.extension().is_some_and(|e| e == "html");
    if let Some(lines) = failed.filter(|_| page || !file.is_file()) {
        return respond(
            request,
            500,
            "text/html; charset=utf-8",
            error_page(&lines, version).into_bytes(),
            &[],
        );
    }
    let kind = content_type(&file);
    if page {
        let Ok(html) = std::fs::read_to_string(&file) else {
            return respond(request, 404, "text/plain; charset=utf-8", b"not found".to_vec(), &[]);
        };
        return respond(request, 200, kind, with_reload(&html, version).into_bytes(), &[]);
    }
    // A precompressed twin, as a static host sends it.
    let accepts = |enc: &str| {
        request
            .headers()
            .iter()
            .any(|h| h.field.equiv("Accept-Encoding") && h.value.as_str().split(',').any(|e| e.trim() == enc))
    };
    for (enc, ext) in [("br", "br"), ("gzip", "gz")] {
        let twin =
            file.with_file_name(format!("{}.{ext}", file.file_name().unwrap_or_default().to_string_lossy()));
        if accepts(enc) && twin.is_file() {
            if let Ok(bytes) = std::fs::read(&twin) {
                let extra = [("Content-Encoding", enc), ("Vary", "Accept-Encoding")];
                return respond(request, 200, kind, bytes, &extra);
            }
        }
    }
    match std::fs::read(&file) {
        Ok(bytes) => respond(request, 200, kind, bytes, &[("Vary", "Accept-Encoding")]),
        Err(_) => respond(request, 404, "text/plain; charset=utf-8", b"not found".to_vec(), &[]),
    }
}

/// The file of the built site at the URL path `path` (a folder's
/// `index.html` for `/a/`); `None` for a path that could step out.
pub fn site_file(out: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    let mut file = out.to_owned();
    for part in decoded.split('/').filter(|p| !p.is_empty()) {
        if part == ".." || part == "." || part.contains('\\') || part.contains('\0') {
            return None;
        }
        file.push(part);
    }
    if decoded.ends_with('/') {
        file.push("index.html");
    }
    Some(file)
}

/// `html` with the reload script before `</head>` (or at the start).
pub fn with_reload(html: &str, version: u64) -> String {
    let tag = format!("<script src=\"{OWN}reload.js\" data-version=\"{version}\" defer></script>\n");
    match html.find("</head>") {
        Some(at) => format!("{}{tag}{}", &html[..at], &html[at..]),
        None => format!("{tag}{html}"),
    }
}

/// The page shown in place of the site while its last build failed.
pub fn error_page(lines: &str, version: u64) -> String {
    let text = html_escape::encode_text(lines);
    with_reload(
        &format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>The site could not be built</title><link rel=\"stylesheet\" href=\"{OWN}error.css\"></head>\n<body>\
             <main><h1>The site could not be built</h1>\
             <p>Fix these and save: the page reloads by itself.</p><pre>{text}</pre></main></body></html>\n"
        ),
        version,
    )
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "webm" => "video/webm",
        "mp4" => "video/mp4",
        "vtt" => "text/vtt; charset=utf-8",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_cannot_step_out_of_the_site() {
        let out = Path::new("/srv/site");
        assert_eq!(site_file(out, "/a/b/"), Some(PathBuf::from("/srv/site/a/b/index.html")));
        assert_eq!(site_file(out, "/"), Some(PathBuf::from("/srv/site/index.html")));
        assert_eq!(site_file(out, "/a%20b/x.png"), Some(PathBuf::from("/srv/site/a b/x.png")));
        for bad in ["/../etc/passwd", "/a/%2e%2e/%2e%2e/x", "/a/..%2f..%2fx", "/a%00b"] {
            assert_eq!(site_file(out, bad), None, "{bad}");
        }
    }

    #[test]
    fn the_error_page_keeps_the_lines_as_text_and_reloads() {
        let page = error_page("s/story.json: title: error: <script>x</script>", 7);
        assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(!page.contains("<script>x"));
        assert!(page.contains("data-version=\"7\""));
        assert!(with_reload("<html><head></head></html>", 3)
            .contains("reload.js\" data-version=\"3\" defer></script>\n</head>"));
    }
}
