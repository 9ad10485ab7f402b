//! `story serve SITE`: the site as it will be published, for its authors.
//! It is built into a temporary folder (incrementally after the first
//! time: see `build::incremental`), served on 127.0.0.1 with the strict
//! Content-Security-Policy and the precompressed files a host would send,
//! and built again whenever a file below SITE changes. Every open page
//! reloads itself then: a small script, added to pages only here, waits on
//! the server for the next build. A build that fails shows its `story
//! check` lines in place of every page until the next good one, so a
//! broken save is never mistaken for the old page.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::build::{self, again, Context, Failure, Options};
use crate::report;

/// The address prefix of the server's own files (not the site's).
pub const OWN: &str = "/.story-serve/";

/// The Content-Security-Policy every response carries (the README's).
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
     img-src 'self' https: data:; media-src 'self' https:; connect-src 'self' https:; object-src 'none'; \
     base-uri 'self'; frame-ancestors 'self'";

/// The script pages get in serve mode only: it asks the server for the
/// next build and reloads the page when it comes.
const RELOAD_JS: &str = r#"// story serve: reload this page when a build changes it.
(() => {
  const me = document.currentScript;
  let v = me ? me.dataset.version : '';
  let first = true;
  const wait = async () => {
    for (;;) {
      try {
        const q = 'v=' + encodeURIComponent(v) + '&page=' + encodeURIComponent(location.pathname) + (first ? '&first=1' : '');
        first = false;
        const r = await fetch('/.story-serve/wait?' + q, { cache: 'no-store' });
        const [now, what] = (await r.text()).trim().split(' ');
        if (what === 'reload') { location.reload(); return; }
        v = now;
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

/// The builds so far, newest last (the last [`HISTORY`]): what each
/// changed, so that a page reloads only when a build changed it.
struct State {
    builds: Mutex<Vec<Build>>,
    built: Condvar,
    /// Pages told to reload that have not asked again yet (a reloaded
    /// page's first wait), and its signal.
    reloading: Mutex<usize>,
    back: Condvar,
}

/// How many builds [`State`] remembers; a page that saw none of them reloads.
const HISTORY: usize = 64;

/// One build, as the open pages see it.
#[derive(Clone)]
struct Build {
    version: u64,
    /// The check's lines when it failed (every page shows them instead).
    failed: Option<String>,
    /// The files it changed, relative to the site (`a/b/index.html`);
    /// `None`: any page may have changed.
    changed: Option<HashSet<String>>,
}

impl State {
    fn latest(&self) -> Build {
        self.builds.lock().expect("no panics while locked").last().cloned().expect("one build at the start")
    }
    /// Records a build: `changed` as the build saw it; a change from good
    /// to failed or back (or to other lines) changes every page.
    fn add(&self, failed: Option<String>, changed: Option<HashSet<String>>) {
        let mut builds = self.builds.lock().expect("no panics while locked");
        let last = builds.last();
        let changed = match last {
            Some(b) if b.failed == failed => changed,
            _ => None,
        };
        let version = last.map_or(1, |b| b.version + 1);
        builds.push(Build { version, failed, changed });
        if builds.len() > HISTORY {
            builds.remove(0);
        }
        self.built.notify_all();
    }
    /// Waits (at most `limit`) until every page told to reload has loaded
    /// again, so that the whole build does not slow them down.
    fn wait_for_reloads(&self, limit: Duration) {
        let n = self.reloading.lock().expect("no panics while locked");
        let (mut n, _) = self.back.wait_timeout_while(n, limit, |n| *n > 0).expect("no panics while locked");
        *n = 0;
    }
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
        // Listed (not written): each open page reloads only if its file changed.
        changes: Some(work.join("changes")),
    };
    let first = Build { version: 0, failed: None, changed: None };
    let state = Arc::new(State {
        builds: Mutex::new(vec![first]),
        built: Condvar::new(),
        reloading: Mutex::new(0),
        back: Condvar::new(),
    });
    let mut context = None;
    rebuild(&options, &state, &mut context, None);
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
            let changed = |e: notify::Result<notify::Event>| {
                use notify::event::{EventKind, ModifyKind};
                let e = e.ok()?;
                match e.kind {
                    EventKind::Modify(ModifyKind::Metadata(_)) | EventKind::Access(_) => None,
                    EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => Some(e.paths),
                    _ => None,
                }
            };
            while let Ok(event) = rx.recv() {
                let Some(mut saved) = changed(event) else { continue };
                while let Ok(event) = rx.recv_timeout(Duration::from_millis(30)) {
                    saved.extend(changed(event).unwrap_or_default());
                }
                rebuild(&options, &state, &mut context, Some(&saved));
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

/// Builds the site again after the files `saved` changed (`None`: the
/// first build) and tells the open pages. When the last build was good and
/// only stories changed, their own pages are rendered again first
/// ([`again::render_again`]) and their open pages reload then; the whole
/// site is built after, and a page reloads again only if that changed it.
fn rebuild(options: &Options, state: &State, context: &mut Option<Context>, saved: Option<&[PathBuf]>) {
    if let (Some(ctx), Some(saved)) = (context.as_ref(), saved) {
        if state.latest().failed.is_none() {
            let started = Instant::now();
            match again::render_again(options, ctx, saved) {
                Ok(Some(written)) => {
                    eprintln!(
                        "story serve: {} again in {} ms; building the whole site",
                        report::count_as(written.len(), "file", "files"),
                        started.elapsed().as_millis()
                    );
                    state.add(None, Some(written.into_iter().collect()));
                    // The pages that show these files reload first.
                    std::thread::sleep(Duration::from_millis(20));
                    state.wait_for_reloads(Duration::from_secs(1));
                }
                Ok(None) => {}
                Err(Failure::Changed(msg)) => changed_while_read(&msg),
                Err(failure) => state.add(Some(failure_lines(failure)), None),
            }
        }
    }
    let started = Instant::now();
    match build::build(options) {
        Ok(built) => {
            eprintln!(
                "story serve: built {} in {} ms ({} kept)",
                report::count_as(built.stories, "story", "stories"),
                started.elapsed().as_millis(),
                built.reused
            );
            *context = Some(built.context);
            let changed = built.changes.map(|all| all.iter().map(|c| c.path().to_owned()).collect());
            state.add(None, changed);
        }
        Err(Failure::Changed(msg)) => changed_while_read(&msg),
        Err(failure) => state.add(Some(failure_lines(failure)), None),
    }
}

/// A file changed while a build read it: the save that changed it has its
/// own event, whose build follows; until then the pages keep what they
/// show (never this as the site's error: the new content was not checked).
fn changed_while_read(msg: &str) {
    eprintln!("story serve: {msg}; building again after the save");
}

/// A failed build's lines, printed, for the page shown in the site's place.
fn failure_lines(failure: Failure) -> String {
    match failure {
        Failure::Input { reports, files } => {
            let mut lines = Vec::new();
            let _ = report::print_lines(&mut lines, &reports);
            let lines = String::from_utf8_lossy(&lines).into_owned();
            eprint!("{lines}");
            eprintln!(
                "story serve: {}; the page shows these lines until they are fixed",
                report::summary(files, &reports)
            );
            lines
        }
        Failure::Run(msg) | Failure::Changed(msg) => {
            eprintln!("story serve: {msg}");
            msg
        }
    }
}

/// Whether the page whose file is `page` (relative to the site; `None`:
/// not a file of it) must reload, seen last at build `seen`: a later build
/// changed it, or any page, or the history does not reach back that far.
fn must_reload(builds: &[Build], seen: u64, page: Option<&str>) -> bool {
    if builds.first().is_some_and(|b| b.version > seen + 1) {
        return true;
    }
    builds.iter().filter(|b| b.version > seen).any(|b| match &b.changed {
        None => true,
        Some(files) => page.is_some_and(|p| files.contains(p)),
    })
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
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                .map(|v| percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned())
        };
        let seen: u64 = param("v").and_then(|v| v.parse().ok()).unwrap_or(0);
        let page = param("page").and_then(|p| site_file(out, &p)).and_then(|f| {
            let rel = f.strip_prefix(out).ok()?.to_str()?;
            Some(rel.replace(std::path::MAIN_SEPARATOR, "/"))
        });
        if param("first").is_some() {
            let mut n = state.reloading.lock().expect("no panics while locked");
            *n = n.saturating_sub(1);
            state.back.notify_all();
        }
        let builds = state.builds.lock().expect("no panics while locked");
        let (builds, _) = state
            .built
            .wait_timeout_while(builds, Duration::from_secs(25), |b| {
                b.last().is_some_and(|b| b.version <= seen)
            })
            .expect("no panics while locked");
        let latest = builds.last().map_or(0, |b| b.version);
        let reload = latest > seen && must_reload(&builds, seen, page.as_deref());
        drop(builds);
        if reload {
            *state.reloading.lock().expect("no panics while locked") += 1;
        }
        let what = if reload { "reload" } else { "keep" };
        return respond(
            request,
            200,
            "text/plain; charset=utf-8",
            format!("{latest} {what}").into_bytes(),
            &[],
        );
    }
    let Build { version, failed, .. } = state.latest();
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
    fn a_page_reloads_only_when_a_build_changed_it() {
        let state = State {
            builds: Mutex::new(vec![Build { version: 0, failed: None, changed: None }]),
            built: Condvar::new(),
            reloading: Mutex::new(0),
            back: Condvar::new(),
        };
        let files = |list: &[&str]| Some(list.iter().map(|f| f.to_string()).collect());
        state.add(None, None); // 1: the first build
        state.add(None, files(&["a/index.html", "a/story.json"])); // 2: a's pages again
        state.add(None, files(&["index.html", "search/chunk-0.txt"])); // 3: the whole site
        let builds = state.builds.lock().unwrap().clone();
        let reload = |seen, page| must_reload(&builds, seen, page);
        assert!(reload(0, Some("a/index.html")), "the first build changes every page");
        assert!(reload(1, Some("a/index.html")));
        assert!(!reload(1, Some("b/index.html")), "another story's page stays");
        assert!(!reload(2, Some("a/index.html")), "the whole build wrote a's page as the fast path did");
        assert!(reload(2, Some("index.html")));
        assert!(!reload(3, Some("index.html")));
        assert!(!reload(1, None));

        // Good to failed, failed with the same lines, other lines, good again.
        state.add(Some("x: error".into()), files(&[]));
        state.add(Some("x: error".into()), files(&[]));
        state.add(Some("y: error".into()), files(&[]));
        state.add(None, files(&[]));
        let builds = state.builds.lock().unwrap().clone();
        let changed: Vec<bool> = builds[4..].iter().map(|b| b.changed.is_none()).collect();
        assert_eq!(changed, [true, false, true, true]);

        // A page that saw none of the builds remembered reloads.
        for _ in 0..HISTORY {
            state.add(None, files(&[]));
        }
        let builds = state.builds.lock().unwrap().clone();
        assert_eq!(builds.len(), HISTORY);
        assert!(must_reload(&builds, 3, Some("b/index.html")));
        assert!(!must_reload(&builds, builds[0].version - 1, Some("b/index.html")));
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
