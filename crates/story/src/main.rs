//! `story`: check story bundles and catalogs, write a catalog from the
//! bundles, write a bundle from Markdown. The work is in the `story_cli`
//! library; this file reads the arguments. Exit status: 0 done (warnings
//! allowed), 1 errors in the input (nothing written), 2 could not run.

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use story_cli::sandbox::Sandbox;
use story_cli::{build, check, index, markdown, out, scaffold, schema};

const USAGE: &str = "usage: story COMMAND ...

  story check [--json] PATH...        check story.json, story.md and stories.json
                                      files, or every one below a folder
  story build SITE --out OUT --url SITE_URL [--viewer DIR]
                                      build a whole site in OUT: a page per story and
                                      per catalog page and tag, feeds, a sitemap;
                                      SITE_URL is where OUT will be served; the
                                      viewer's files come from DIR (default dist/)
  story index SITE [--out FILE]       write SITE/stories.json (or FILE) from the
                                      bundles below SITE, newest first
  story new DIR                       start a bundle: DIR/story.md to edit
  story import FILE.md [--out DIR]    write story.json from Markdown (beside it,
                                      or in DIR with its images)
  story schema                        print the JSON Schema of both formats

Exit status: 0 done, 1 errors in the input (nothing is written), 2 could not run.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else { return usage_error("no command given") };
    match command.as_str() {
        "check" => cmd_check(rest),
        "build" => cmd_build(rest),
        "index" => cmd_index(rest),
        "new" => cmd_new(rest),
        "import" => cmd_import(rest),
        "schema" => {
            println!("{}", schema::schema_text());
            ExitCode::SUCCESS
        }
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => usage_error(&format!("unknown command \"{other}\"")),
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("story: {msg}\n\n{USAGE}");
    ExitCode::from(2)
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("story: {msg}");
    ExitCode::from(2)
}

/// Splits `--flag VALUE` options from positional arguments.
struct Args<'a> {
    flags: Vec<&'a str>,
    out: Option<&'a str>,
    url: Option<&'a str>,
    viewer: Option<&'a str>,
    paths: Vec<&'a str>,
}

fn parse_args<'a>(args: &'a [String], known: &[&str]) -> Result<Args<'a>, String> {
    let mut parsed = Args { flags: Vec::new(), out: None, url: None, viewer: None, paths: Vec::new() };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => parsed.out = Some(it.next().ok_or("--out needs a value")?),
            "--url" if known.contains(&"--url") => parsed.url = Some(it.next().ok_or("--url needs a value")?),
            "--viewer" if known.contains(&"--viewer") => {
                parsed.viewer = Some(it.next().ok_or("--viewer needs a value")?)
            }
            s if s.starts_with('-') && known.contains(&s) => parsed.flags.push(s),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s => parsed.paths.push(s),
        }
    }
    Ok(parsed)
}

fn cmd_check(args: &[String]) -> ExitCode {
    let args = match parse_args(args, &["--json"]) {
        Ok(a) if a.out.is_none() && !a.paths.is_empty() => a,
        Ok(_) => return usage_error("story check takes PATH... and --json"),
        Err(e) => return usage_error(&e),
    };
    // Nothing outside the folders named (a file's folder) is read.
    let named: Vec<&Path> = args.paths.iter().map(Path::new).collect();
    let sandbox = match Sandbox::around(&named) {
        Ok(s) => s,
        Err(e) => return fail(format!("{}: {e}", args.paths.join(", "))),
    };
    let (mut files, mut notes) = (Vec::new(), Vec::new());
    for p in &args.paths {
        let before = files.len();
        if let Err(e) = check::collect(&sandbox, Path::new(p), &mut files, &mut notes) {
            return fail(format!("{p}: {e}"));
        }
        if files.len() == before {
            return fail(format!(
                "{p}: no story.json, story.md or stories.json below it; nothing was checked"
            ));
        }
    }
    let skipped = notes.len();
    let mut reports = notes;
    reports.extend(check::check_files(&sandbox, &files));
    let mut stdout = io::stdout().lock();
    let written = if args.flags.contains(&"--json") {
        check::print_json(&mut stdout, &reports)
    } else {
        check::print_lines(&mut stdout, &reports)
    };
    if written.is_err() {
        return ExitCode::from(2);
    }
    eprintln!("story check: {}", check::summary(reports.len() - skipped, &reports));
    exit_for(&reports)
}

fn cmd_build(args: &[String]) -> ExitCode {
    const USAGE: &str = "story build takes SITE --out OUT --url SITE_URL [--viewer DIR]";
    let args = match parse_args(args, &["--url", "--viewer"]) {
        Ok(a) if a.paths.len() == 1 && a.out.is_some() && a.url.is_some() => a,
        Ok(_) => return usage_error(USAGE),
        Err(e) => return usage_error(&e),
    };
    let opts = build::Options {
        site: PathBuf::from(args.paths[0]),
        out: PathBuf::from(args.out.expect("checked")),
        url: args.url.expect("checked").to_owned(),
        viewer: PathBuf::from(args.viewer.unwrap_or("dist")),
    };
    let started = std::time::Instant::now();
    match build::build(&opts) {
        Ok(built) => {
            let _ = check::print_lines(&mut io::stdout().lock(), &built.reports);
            eprintln!(
                "story build: wrote {} ({}, {} in all) in {:.1} s; {}",
                opts.out.display(),
                check::count_as(built.stories, "story", "stories"),
                check::count_as(built.pages, "page", "pages"),
                started.elapsed().as_secs_f64(),
                check::summary(built.files, &built.reports)
            );
            if let Some(leftover) = &built.leftover {
                eprintln!("story build: the new site is in {}, but {leftover}", opts.out.display());
            }
            ExitCode::SUCCESS
        }
        Err(build::Failure::Input { reports, files }) => {
            let _ = check::print_lines(&mut io::stdout().lock(), &reports);
            eprintln!("story build: {}", check::summary(files, &reports));
            eprintln!("story build: {} was not changed; fix the errors above first", opts.out.display());
            ExitCode::from(1)
        }
        Err(build::Failure::Run(msg)) => {
            fail(format!("{msg}\nstory build: {} was not changed", opts.out.display()))
        }
    }
}

fn exit_for(reports: &[check::Report]) -> ExitCode {
    if reports.iter().any(check::Report::has_errors) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The arguments of a command that takes one path and `--out`.
fn one_path<'a>(args: &'a [String], usage: &str) -> Result<Args<'a>, ExitCode> {
    match parse_args(args, &[]) {
        Ok(a) if a.paths.len() == 1 => Ok(a),
        Ok(_) => Err(usage_error(usage)),
        Err(e) => Err(usage_error(&e)),
    }
}

fn cmd_index(args: &[String]) -> ExitCode {
    let args = match one_path(args, "story index takes one SITE folder") {
        Ok(a) => a,
        Err(code) => return code,
    };
    let site = Path::new(args.paths[0]);
    if !site.is_dir() {
        return fail(format!("{}: not a folder", site.display()));
    }
    let target = args.out.map_or_else(|| site.join("stories.json"), PathBuf::from);
    match index::build(site) {
        Ok(json) => match out::write_atomic(&target, json.as_bytes()) {
            Ok(()) => {
                let n = json.matches("\"href\"").count();
                eprintln!(
                    "story index: wrote {} ({})",
                    target.display(),
                    check::count_as(n, "story", "stories")
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(format!("{}: {e}", target.display())),
        },
        Err(reports) => {
            let _ = check::print_lines(&mut io::stdout().lock(), &reports);
            eprintln!("story index: {} not written; fix the stories above first", target.display());
            ExitCode::from(1)
        }
    }
}

fn cmd_new(args: &[String]) -> ExitCode {
    let [dir] = args else { return usage_error("story new takes one DIR") };
    let dir = Path::new(dir);
    let md = dir.join("story.md");
    if md.exists() || dir.join("story.json").exists() {
        return fail(format!("{}: a bundle is already there; nothing was changed", dir.display()));
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        return fail(format!("{}: {e}", dir.display()));
    }
    let text = scaffold::template(&scaffold::id_for(dir), &scaffold::today());
    if let Err(e) = out::write_atomic(&md, text.as_bytes()) {
        return fail(format!("{}: {e}", md.display()));
    }
    eprintln!("story new: wrote {}\nnext: edit it, then run `story import {}`", md.display(), md.display());
    ExitCode::SUCCESS
}

fn cmd_import(args: &[String]) -> ExitCode {
    let args = match one_path(args, "story import takes one FILE.md") {
        Ok(a) => a,
        Err(code) => return code,
    };
    let md = Path::new(args.paths[0]);
    // Nothing outside the Markdown file's folder is read.
    let sandbox = match Sandbox::new(out::parent_dir(md)) {
        Ok(s) => s,
        Err(e) => return fail(format!("{}: {e}", md.display())),
    };
    let bytes = match check::read_limited(&sandbox, md) {
        Ok(b) => b,
        Err(d) => return fail(format!("{}: {}", md.display(), d.message)),
    };
    let imported = match markdown::import_bytes(&bytes, md, &sandbox) {
        Ok(i) => i,
        Err(problems) => {
            for p in &problems {
                println!("{}: {p}", md.display());
            }
            eprintln!("story import: {}; nothing was written", check::count(problems.len(), "error"));
            return ExitCode::from(1);
        }
    };
    for w in &imported.warnings {
        println!("{}: {w}", md.display());
    }
    let src_dir = out::parent_dir(md);
    let out_dir = args.out.map_or_else(|| src_dir.to_owned(), PathBuf::from);
    // With --out, the bundle's images go with it, at the same relative paths.
    let images: &[String] = if args.out.is_some() { &imported.images } else { &[] };
    let target = out_dir.join("story.json");
    if let Err(e) = out::write_bundle(&sandbox, src_dir, &out_dir, images, imported.json.as_bytes()) {
        return fail(format!("{e}\nstory import: nothing was written"));
    }
    eprintln!("story import: wrote {}", target.display());
    ExitCode::SUCCESS
}
