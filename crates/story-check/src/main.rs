//! `story-check`: validates story bundles and catalogs with the same parser
//! the viewer uses, so a publisher sees the same messages in both.
//!
//! ```text
//! story-check [--json] PATH...   check story.json / stories.json files or folders
//! story-check --schema           print the JSON Schema (2020-12) of both formats
//! ```
//! Exit status: 0 no errors (warnings allowed), 1 errors, 2 could not run.

// The schema is one `json!` literal, deeper than the default limit allows.
#![recursion_limit = "256"]

mod schema;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use story_format::limits::file_too_large;
use story_format::url::Url;
use story_format::{
    parse_document_with_assets, parse_story, Code, Diagnostic, Document, Severity, MAX_FILE_BYTES,
};

const USAGE: &str = "usage: story-check [--json] PATH...   (story.json, stories.json or folders)
       story-check --schema                print the JSON Schema of both formats";

/// The diagnostics of one file.
struct Report {
    file: String,
    diagnostics: Vec<Diagnostic>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut json = false;
    let mut paths = Vec::new();
    for a in &args {
        match a.as_str() {
            "--json" => json = true,
            "--schema" => {
                println!("{}", schema::schema_text());
                return ExitCode::SUCCESS;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            s if s.starts_with('-') => return usage_error(&format!("unknown option {s}")),
            s => paths.push(PathBuf::from(s)),
        }
    }
    if paths.is_empty() {
        return usage_error("no PATH given");
    }
    let mut files = Vec::new();
    for p in &paths {
        if let Err(e) = collect(p, &mut files) {
            eprintln!("story-check: {}: {e}", p.display());
            return ExitCode::from(2);
        }
    }
    let reports: Vec<Report> = files.iter().map(|f| check_file(f)).collect();
    let (errors, warnings) =
        reports.iter().flat_map(|r| &r.diagnostics).fold((0, 0), |(e, w), d| match d.severity {
            Severity::Error => (e + 1, w),
            Severity::Warning => (e, w + 1),
        });
    let mut out = io::stdout().lock();
    let written = if json { print_json(&mut out, &reports) } else { print_lines(&mut out, &reports) };
    if written.is_err() {
        return ExitCode::from(2);
    }
    eprintln!("story-check: {} files checked: {errors} errors, {warnings} warnings", files.len());
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("story-check: {msg}\n{USAGE}");
    ExitCode::from(2)
}

/// A file is checked whatever its name; a folder contributes every
/// `story.json` and `stories.json` below it, in sorted order.
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_dir() {
        out.push(path.to_owned());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(path)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    entries.sort();
    for e in entries {
        if e.is_dir() {
            collect(&e, out)?;
        } else if matches!(e.file_name().and_then(|n| n.to_str()), Some("story.json" | "stories.json")) {
            out.push(e);
        }
    }
    Ok(())
}

fn file_url(path: &Path) -> Option<Url> {
    Url::from_file_path(std::fs::canonicalize(path).ok()?).ok()
}

/// Reads a file, refusing one over the size limit before reading it.
fn read_limited(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let fail = |e: io::Error| Diagnostic::error(Code::Io, "$", format!("cannot read the file: {e}"));
    let len = std::fs::metadata(path).map_err(fail)?.len();
    if len > MAX_FILE_BYTES as u64 {
        return Err(Diagnostic::error(Code::Limit, "$", file_too_large(len)));
    }
    std::fs::read(path).map_err(fail)
}

fn check_file(path: &Path) -> Report {
    let file = path.display().to_string();
    let (bytes, base) = match (read_limited(path), file_url(path)) {
        (Ok(b), Some(u)) => (b, u),
        (Err(d), _) => return Report { file, diagnostics: vec![d] },
        (Ok(_), None) => {
            let d = Diagnostic::error(Code::Io, "$", "cannot turn the path into a file URL");
            return Report { file, diagnostics: vec![d] };
        }
    };
    let (parsed, assets) = parse_document_with_assets(&bytes, &base);
    let mut diagnostics = parsed.diagnostics;
    check_assets(&assets, &mut diagnostics);
    if let Some(Document::Catalog(catalog)) = &parsed.value {
        for entry in &catalog.entries {
            check_entry(entry, &mut diagnostics);
        }
    }
    Report { file, diagnostics }
}

/// Every relative (local) asset must exist next to the file.
fn check_assets(assets: &[story_format::Asset], out: &mut Vec<Diagnostic>) {
    for a in assets {
        if let Ok(p) = a.url.to_url().to_file_path() {
            if !p.is_file() {
                out.push(Diagnostic::error(
                    Code::MissingAsset,
                    a.path.clone(),
                    format!("the image {} does not exist", p.display()),
                ));
            }
        }
    }
}

/// A catalog entry's local `href` must name a story whose id, title and
/// published date agree with the entry.
fn check_entry(entry: &story_format::Entry, out: &mut Vec<Diagnostic>) {
    let Some(href) = &entry.href else { return };
    let Ok(path) = href.to_url().to_file_path() else { return }; // remote: not checked offline
    let at = |field: &str| format!("stories[{}].{field}", entry.index);
    let bytes = match read_limited(&path) {
        Ok(b) => b,
        Err(_) => {
            out.push(Diagnostic::error(
                Code::MissingAsset,
                at("href"),
                format!("the story {} does not exist", path.display()),
            ));
            return;
        }
    };
    let parsed = parse_story(&bytes, &href.to_url());
    let Some(story) = parsed.value else {
        out.push(Diagnostic::error(
            Code::Mismatch,
            at("href"),
            format!("{} is not a readable story; check it with story-check", path.display()),
        ));
        return;
    };
    if story.id != entry.id {
        out.push(Diagnostic::error(
            Code::Mismatch,
            at("id"),
            format!("the entry says \"{}\" but the story's id is \"{}\"", entry.id, story.id),
        ));
    }
    if story.title != entry.title {
        out.push(Diagnostic::error(
            Code::Mismatch,
            at("title"),
            format!("the entry says \"{}\" but the story's title is \"{}\"", entry.title, story.title),
        ));
    }
    let raw =
        |t: &Option<story_format::date::Timestamp>| t.as_ref().map(|t| t.raw.clone()).unwrap_or_default();
    if story.published.as_ref().map(|t| t.unix) != entry.published.as_ref().map(|t| t.unix) {
        out.push(Diagnostic::error(
            Code::Mismatch,
            at("published"),
            format!(
                "the entry says \"{}\" but the story was published \"{}\"",
                raw(&entry.published),
                raw(&story.published)
            ),
        ));
    }
}

fn print_lines(out: &mut impl Write, reports: &[Report]) -> io::Result<()> {
    for r in reports {
        for d in &r.diagnostics {
            writeln!(out, "{}: {d}", r.file)?;
        }
    }
    Ok(())
}

fn print_json(out: &mut impl Write, reports: &[Report]) -> io::Result<()> {
    let list: Vec<serde_json::Value> = reports
        .iter()
        .flat_map(|r| {
            r.diagnostics.iter().map(move |d| {
                serde_json::json!({
                    "file": r.file, "path": d.path, "severity": d.severity.as_str(),
                    "code": d.code.as_str(), "message": d.message,
                })
            })
        })
        .collect();
    writeln!(out, "{}", serde_json::to_string_pretty(&list).map_err(io::Error::other)?)
}
