//! `story build` at scale (a benchmark that prints figures, not a test).
//!
//! Generates a site of N stories (default 10,000) from the six samples'
//! text (each a new id, title and date; images left out), builds it with the
//! release `story` binary, and prints wall time, pages per second, peak
//! memory and the size of a story page. When Debian's `hugo` is on the PATH
//! it builds the same articles as Markdown, with its Open Graph, schema.org
//! and Twitter templates, in the same run, as the baseline.
//!
//! `cargo build --release -p story && cargo run --release -p story --example site_bench [-- N [DIR [RUNS]]]`
//! (run by `./dev bench`, at each of `STORY_BENCH_STORIES`' counts). RUNS:
//! full builds of each tool (default 2; 1 for 100,000 stories and more,
//! where each build takes minutes; Hugo not past 100,000); then two
//! incremental builds, nothing changed and one story retitled. DIR: where
//! to generate and build (default
//! `target/site-bench`); `./dev bench` uses `/dev/shm` where there is one,
//! because this VM's disk writes vary several-fold from run to run and
//! would drown both builds' own figures.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

/// The most articles Hugo is run on: it needed 9 GB at 100,000.
const HUGO_UP_TO: usize = 100_000;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let work = std::env::args().nth(2).map_or_else(|| root.join("target/site-bench"), PathBuf::from);
    let _ = std::fs::remove_dir_all(&work);
    let site = work.join("site");
    let hugo_site = work.join("hugo");
    let runs: usize =
        std::env::args().nth(3).and_then(|a| a.parse().ok()).unwrap_or(if n >= 100_000 { 1 } else { 2 });
    let hugo =
        n <= HUGO_UP_TO && Command::new("hugo").arg("version").output().is_ok_and(|o| o.status.success());
    let samples = sample_stories(&root.join("static/samples"));
    let t = Instant::now();
    for i in 0..n {
        let mut s = samples[i % samples.len()].clone();
        let id = format!("{}-{i}", s["id"].as_str().unwrap_or("story"));
        let title = format!("{} ({i})", s["title"].as_str().unwrap_or(""));
        let date = format!("20{:02}-{:02}-{:02}", 10 + i % 15, 1 + i % 12, 1 + i % 28);
        s["id"] = Value::from(id.clone());
        s["title"] = Value::from(title.clone());
        s["published"] = Value::from(date.clone());
        if let Some(o) = s.as_object_mut() {
            o.remove("updated");
        }
        let dir = site.join(format!("{:03}/{id}", i / 100));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("story.json"), serde_json::to_vec_pretty(&s).unwrap()).unwrap();
        if hugo {
            write_markdown(&hugo_site.join("content/posts").join(format!("{id}.md")), &s, &date);
        }
    }
    println!("site bench: generated {n} stories in {:.1} s", t.elapsed().as_secs_f64());

    let story = root.join("target/release/story");
    let out = work.join("out");
    let mut args: Vec<String> = vec!["build".into(), path(&site), "--out".into(), path(&out)];
    args.extend([
        "--url".into(),
        "https://bench.example/news/".into(),
        "--viewer".into(),
        path(&root.join("dist")),
    ]);
    for run in 1..=runs {
        // A full build each time: OUT empty, nothing to reuse.
        let _ = std::fs::remove_dir_all(&out);
        let (wall, peak_kb, ok) = measure(&story, &args);
        assert!(ok, "story build failed");
        let pages = count_pages(&out);
        let page =
            std::fs::metadata(out.join(format!("000/{}-0/index.html", samples[0]["id"].as_str().unwrap())))
                .map(|m| m.len())
                .unwrap_or(0);
        println!(
            "story build, run {run}: {n} stories, {pages} pages in {wall:.2} s wall ({:.0} pages/s), peak memory {:.0} MB, a story page {:.1} KB",
            pages as f64 / wall,
            peak_kb as f64 / 1024.0,
            page as f64 / 1024.0
        );
    }

    // Incremental builds into the site just built: nothing changed, then
    // one story's text, as an editor's correction (`--changes` counts the
    // files a deploy uploads).
    let changes = work.join("changes.txt");
    let mut inc = args.clone();
    inc.extend(["--changes".into(), path(&changes)]);
    let (wall, peak_kb, ok) = measure(&story, &inc);
    assert!(ok, "story build failed");
    let listed = std::fs::read_to_string(&changes).map(|t| t.lines().count()).unwrap_or(0);
    println!(
        "story build, incremental, nothing changed: {wall:.2} s wall, peak memory {:.0} MB, {listed} files to upload",
        peak_kb as f64 / 1024.0
    );
    let edited =
        site.join(format!("000/{}-7/story.json", samples[7 % samples.len()]["id"].as_str().unwrap()));
    let mut one: Value = serde_json::from_slice(&std::fs::read(&edited).unwrap()).unwrap();
    one["title"] = Value::from(format!("{} (corrected)", one["title"].as_str().unwrap_or("")));
    std::fs::write(&edited, serde_json::to_vec_pretty(&one).unwrap()).unwrap();
    let (wall, peak_kb, ok) = measure(&story, &inc);
    assert!(ok, "story build failed");
    let text = std::fs::read_to_string(&changes).unwrap_or_default();
    println!(
        "story build, incremental, one story retitled: {wall:.2} s wall, peak memory {:.0} MB, {} files to upload or delete ({} of them the story's own)",
        peak_kb as f64 / 1024.0,
        text.lines().count(),
        text.lines().filter(|l| l.contains(&format!("{}-7/", samples[7 % samples.len()]["id"].as_str().unwrap()))).count()
    );

    if hugo {
        write_hugo_site(&hugo_site);
        let args: Vec<String> =
            vec!["--quiet".into(), "-s".into(), path(&hugo_site), "-d".into(), path(&work.join("hugo-out"))];
        for run in 1..=runs {
            let (wall, peak_kb, ok) = measure(Path::new("hugo"), &args);
            assert!(ok, "hugo failed");
            let pages = count_pages(&work.join("hugo-out"));
            println!(
                "hugo (baseline), run {run}: {n} articles, {pages} pages in {wall:.2} s wall ({:.0} pages/s), peak memory {:.0} MB",
                pages as f64 / wall,
                peak_kb as f64 / 1024.0
            );
        }
    } else if n > HUGO_UP_TO {
        println!("hugo (baseline): not run past 100,000 articles (it needed 9 GB at 100,000)");
    } else {
        println!("hugo (baseline): not installed (apt-get install hugo); the issue's figure: about 12 s wall (8-14 s), about 850 MB");
    }
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

/// Runs `cmd args`, waits with `wait4` for its own resource use; returns
/// (wall seconds, peak resident memory in KB, success).
// The child is waited for with `wait4` (for its own resource use), not `Child::wait`.
#[allow(clippy::zombie_processes)]
fn measure(cmd: &Path, args: &[String]) -> (f64, i64, bool) {
    let t = Instant::now();
    let child = Command::new(cmd)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("the command starts");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value to be written over.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into the two locals.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = t.elapsed().as_secs_f64();
    let ok = pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    (wall, usage.ru_maxrss, ok)
}

fn count_pages(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else if e.file_name() == "index.html" {
                n += 1;
            }
        }
    }
    n
}

/// The sample stories as JSON values, images left out (no files to copy).
fn sample_stories(dir: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    names.sort();
    for d in names {
        let Ok(bytes) = std::fs::read(d.join("story.json")) else { continue };
        let mut v: Value = serde_json::from_slice(&bytes).unwrap();
        if let Some(o) = v.as_object_mut() {
            o.remove("hero");
        }
        if let Some(sections) = v["sections"].as_array_mut() {
            for s in sections {
                if let Some(blocks) = s["blocks"].as_array_mut() {
                    blocks.retain(|b| b["type"] != "image");
                }
            }
        }
        out.push(v);
    }
    out
}

/// Plain text of inline content (a string, or runs).
fn inline_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(runs) => runs.iter().map(inline_text).collect(),
        Value::Object(o) => o.get("text").map(inline_text).unwrap_or_default(),
        _ => String::new(),
    }
}

/// The same article as Markdown with front matter, for Hugo.
fn write_markdown(file: &Path, s: &Value, date: &str) {
    let q = |v: &Value| serde_json::to_string(&inline_text(v)).unwrap();
    let mut md = format!(
        "---\ntitle: {}\ndate: {date}\ndescription: {}\nauthor: {}\ntags: {}\n---\n\n",
        q(&s["title"]),
        q(&s["dek"]),
        q(&s["byline"]),
        serde_json::to_string(&s["tags"]).unwrap()
    );
    for section in s["sections"].as_array().into_iter().flatten() {
        if let Some(h) = section["heading"].as_str() {
            md.push_str(&format!("## {h}\n\n"));
        }
        for b in section["blocks"].as_array().into_iter().flatten() {
            match b["type"].as_str() {
                Some("quote") => md.push_str(&format!("> {}\n\n", inline_text(&b["text"]))),
                Some("list") => {
                    for item in b["items"].as_array().into_iter().flatten() {
                        md.push_str(&format!("- {}\n", inline_text(item)));
                    }
                    md.push('\n');
                }
                _ => md.push_str(&format!("{}\n\n", inline_text(b))),
            }
        }
    }
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, md).unwrap();
}

/// A minimal Hugo site whose pages carry Hugo's own Open Graph, schema.org
/// and Twitter card templates, as a news site's theme would.
fn write_hugo_site(dir: &Path) {
    std::fs::write(
        dir.join("hugo.toml"),
        "baseURL = 'https://bench.example/news/'\ntitle = 'Bench'\n[taxonomies]\ntag = 'tags'\n",
    )
    .unwrap();
    let layouts = dir.join("layouts/_default");
    std::fs::create_dir_all(&layouts).unwrap();
    let head = "<head><meta charset=\"utf-8\"><title>{{ .Title }}</title>\
                <meta name=\"description\" content=\"{{ .Description }}\">\
                <link rel=\"canonical\" href=\"{{ .Permalink }}\">\
                {{ template \"_internal/opengraph.html\" . }}{{ template \"_internal/schema.html\" . }}\
                {{ template \"_internal/twitter_cards.html\" . }}</head>";
    std::fs::write(
        layouts.join("single.html"),
        format!("<!doctype html><html lang=\"en\">{head}<body><main><article><h1>{{{{ .Title }}}}</h1>{{{{ .Content }}}}</article></main></body></html>"),
    )
    .unwrap();
    std::fs::write(
        layouts.join("list.html"),
        format!("<!doctype html><html lang=\"en\">{head}<body><main><h1>{{{{ .Title }}}}</h1><ol>{{{{ range .Paginator.Pages }}}}<li><a href=\"{{{{ .RelPermalink }}}}\">{{{{ .Title }}}}</a></li>{{{{ end }}}}</ol></main></body></html>"),
    )
    .unwrap();
}
