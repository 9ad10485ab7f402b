//! `story`: check story bundles and catalogs, write a catalog from the
//! bundles, write a bundle from Markdown. The work is in the `story_cli`
//! library; this file reads the arguments. Exit status: 0 done (warnings
//! allowed), 1 errors in the input (nothing written), 2 could not run.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use story_cli::sandbox::Sandbox;
use story_cli::{build, check, index, markdown, out, report, scaffold, schema};

/// mimalloc, not glibc's malloc: rendering a site's pages allocates and
/// frees on every core, and a 100,000-story build took 28.4 s with glibc
/// and 20.2 s with mimalloc, for the same files (docs/perf.md, "Session 22").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Check story bundles and catalogs, build them into a site, write a
/// catalog or a bundle.
#[derive(Parser)]
#[command(
    name = "story",
    version,
    after_help = "Exit status: 0 done, 1 errors in the input (nothing is written), 2 could not run."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Every command and its flags: the one place they are defined (the help
/// text is generated from these doc comments).
#[derive(Subcommand)]
enum Command {
    /// Check story.json, story.md and stories.json files, or every one below a folder
    Check {
        /// Print the diagnostics as a JSON array instead of lines
        #[arg(long)]
        json: bool,
        /// Files or folders (nothing outside them is read)
        #[arg(required = true)]
        paths: Vec<String>,
    },
    /// Build a whole site in OUT: a page per story, catalog page and tag, feeds, a sitemap
    Build {
        /// The folder of story bundles
        site: PathBuf,
        /// Where the site goes (new, empty, or one a previous build wrote)
        #[arg(long)]
        out: PathBuf,
        /// Where OUT will be served (https://news.example/section/)
        #[arg(long)]
        url: String,
        /// The viewer's release files (default: dist/ here, else those built into this program)
        #[arg(long, value_name = "DIR")]
        viewer: Option<PathBuf>,
        /// The image cache: resized images kept between builds (default
        /// ~/.cache/story/images; safe to delete)
        #[arg(long, value_name = "DIR")]
        cache: Option<PathBuf>,
        /// Write the files a deploy must upload or delete to FILE, one a
        /// line: "A path" added, "M path" changed, "D path" removed
        #[arg(long, value_name = "FILE")]
        changes: Option<PathBuf>,
    },
    /// Build SITE, serve it on 127.0.0.1, and build it again (and reload
    /// open pages) whenever a file in it changes
    Serve {
        /// The folder of story bundles
        site: PathBuf,
        /// The port (0: any free one; the address is printed)
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// The viewer's release files (default: dist/ here, else those built into this program)
        #[arg(long, value_name = "DIR")]
        viewer: Option<PathBuf>,
        /// The image cache (as for build)
        #[arg(long, value_name = "DIR")]
        cache: Option<PathBuf>,
    },
    /// Write SITE/stories.json (or FILE) from the bundles below SITE, newest first
    Index {
        site: PathBuf,
        /// Write the catalog here instead
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Start a bundle: DIR/story.md to edit
    New { dir: PathBuf },
    /// Write story.json from Markdown: one file (beside it, or in DIR with
    /// its images), or a whole blog's posts (files and folders) into
    /// bundle folders under --out
    Import {
        #[arg(value_name = "SRC", required = true)]
        srcs: Vec<PathBuf>,
        /// Write the bundle here, with the images it names (for a blog: the
        /// site folder, one bundle folder per post)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The folder that site-absolute image paths (`/images/x.png`) start
        /// from (Hugo's `static/`, a Jekyll site's root); such images are
        /// copied into each bundle that uses them. Needs --out
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Print the JSON Schema of both formats
    Schema,
}

fn main() -> ExitCode {
    // Usage errors exit 2 and --help 0, as clap does by default.
    match Cli::parse().command {
        Command::Check { json, paths } => cmd_check(json, &paths),
        Command::Build { site, out, url, viewer, cache, changes } => {
            // The built-in viewer, when used, is written out beside OUT's staging folder.
            let work = std::env::temp_dir().join(format!("story-build-viewer-{}", std::process::id()));
            let viewer = match story_cli::viewer::viewer_dir(viewer, &work) {
                Ok(v) => v,
                Err(msg) => return fail(msg),
            };
            let code = cmd_build(build::Options { site, out, url, viewer, cache, changes });
            let _ = std::fs::remove_dir_all(&work);
            code
        }
        Command::Index { site, out } => cmd_index(&site, out),
        Command::Serve { site, port, viewer, cache } => {
            match story_cli::serve::serve(story_cli::serve::ServeOptions { site, port, viewer, cache }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(msg) => fail(msg),
            }
        }
        Command::New { dir } => cmd_new(&dir),
        Command::Import { srcs, out, root } => match &srcs[..] {
            [file] if !file.is_dir() && root.is_none() => cmd_import(file, out),
            _ => match out {
                Some(site) => cmd_import_blog(&srcs, &site, root.as_deref()),
                None if root.is_some() => fail("--root needs --out (the bundles get copies of the images)"),
                None => fail("importing a folder or several files needs --out SITE (where the bundles go)"),
            },
        },
        Command::Schema => {
            print(format_args!("{}\n", schema::schema_text()));
            ExitCode::SUCCESS
        }
    }
}

/// Writes to standard output; a reader that stopped reading (`story check
/// SITE | head -1`) is not an error: the rest is not needed.
fn print(text: std::fmt::Arguments<'_>) {
    let _ = io::stdout().lock().write_fmt(text);
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("story: {msg}");
    ExitCode::from(2)
}

fn cmd_check(json: bool, paths: &[String]) -> ExitCode {
    // Nothing outside the folders named (a file's folder) is read.
    let named: Vec<&Path> = paths.iter().map(Path::new).collect();
    let sandbox = match Sandbox::around(&named) {
        Ok(s) => s,
        Err(e) => return fail(format!("{}: {e}", paths.join(", "))),
    };
    let (mut files, mut notes) = (story_cli::paths::Paths::new(), Vec::new());
    for p in paths {
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
    let mut reports = notes;
    let (checked, read) = check::check_files(&sandbox, &mut files);
    reports.extend(checked);
    let mut stdout = io::stdout().lock();
    // An error here is a reader that stopped reading: the exit status still
    // tells whether the files have errors.
    let _ = if json {
        report::print_json(&mut stdout, &reports)
    } else {
        report::print_lines(&mut stdout, &reports)
    };
    eprintln!("story check: {}", report::summary(read, &reports));
    exit_for(&reports)
}

fn cmd_build(opts: build::Options) -> ExitCode {
    let started = std::time::Instant::now();
    match build::build(&opts) {
        Ok(built) => {
            let _ = report::print_lines(&mut io::stdout().lock(), &built.reports);
            eprintln!(
                "story build: wrote {} ({}, {} in all) in {:.1} s; images: {} encoded, {} from the cache; {}",
                opts.out.display(),
                report::count_as(built.stories, "story", "stories"),
                report::count_as(built.pages, "page", "pages"),
                started.elapsed().as_secs_f64(),
                built.images.0,
                built.images.1,
                report::summary(built.files, &built.reports)
            );
            let runs = match built.search.runs {
                0 => String::new(),
                n => format!("; its terms went to disk in {} on the way", report::count_as(n, "run", "runs")),
            };
            let carried = match built.search.carried {
                0 => String::new(),
                n => format!(
                    "; {} carried from the last build",
                    report::count_as(n, "story's terms", "stories' terms")
                ),
            };
            let docs = match built.search.docs_kept {
                0 => String::new(),
                n => format!(
                    "; {} as the last build wrote them",
                    report::count_as(n, "list of stories", "lists of stories")
                ),
            };
            eprintln!(
                "story build: search index of {} in {} ({:.1} MB){carried}{docs}{runs}",
                report::count_as(built.search.docs, "story", "stories"),
                report::count_as(built.search.files, "file", "files"),
                built.search.bytes as f64 / 1e6
            );
            if built.reused > 0 {
                eprintln!(
                    "story build: {} unchanged since the last build, their pages kept ({} of them not parsed again, {} not read; {} checks recalled)",
                    report::count_as(built.reused, "story", "stories"),
                    built.remembered,
                    built.unread,
                    built.recalled
                );
            }
            if built.catalog_pages.0 > 0 {
                eprintln!(
                    "story build: {} of the catalog's {} kept as the last build made them",
                    built.catalog_pages.0,
                    report::count_as(built.catalog_pages.1, "page", "pages"),
                );
            }
            if let Some(leftover) = &built.leftover {
                eprintln!("story build: the new site is in {}, but {leftover}", opts.out.display());
            }
            if let (Some(file), Some(changes)) = (&opts.changes, &built.changes) {
                let text: String = changes.iter().map(|c| c.line() + "\n").collect();
                if let Err(e) = out::write_atomic(file, text.as_bytes()) {
                    return fail(format!("{}: {e} (the site was built)", file.display()));
                }
                eprintln!(
                    "story build: {} to upload or delete, listed in {}",
                    report::count_as(changes.len(), "file", "files"),
                    file.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(build::Failure::Input { reports, files }) => {
            let _ = report::print_lines(&mut io::stdout().lock(), &reports);
            eprintln!("story build: {}", report::summary(files, &reports));
            eprintln!("story build: {} was not changed; fix the errors above first", opts.out.display());
            ExitCode::from(1)
        }
        Err(build::Failure::Run(msg) | build::Failure::Changed(msg)) => {
            fail(format!("{msg}\nstory build: {} was not changed", opts.out.display()))
        }
    }
}

fn exit_for(reports: &[report::Report]) -> ExitCode {
    if reports.iter().any(report::Report::has_errors) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn cmd_index(site: &Path, out: Option<PathBuf>) -> ExitCode {
    if !site.is_dir() {
        return fail(format!("{}: not a folder", site.display()));
    }
    let target = out.unwrap_or_else(|| site.join("stories.json"));
    match index::write(site, &target) {
        Ok(index::Written { pages, stories }) => {
            let paged = if pages > 1 { format!(", in {pages} pages") } else { String::new() };
            let n = report::count_as(stories, "story", "stories");
            eprintln!("story index: wrote {} ({n}{paged})", target.display());
            ExitCode::SUCCESS
        }
        Err(index::Unwritten::Io(path, e)) => fail(format!("{}: {e}; nothing was written", path.display())),
        Err(index::Unwritten::Reports(reports)) => {
            let _ = report::print_lines(&mut io::stdout().lock(), &reports);
            eprintln!("story index: {} not written; fix the stories above first", target.display());
            ExitCode::from(1)
        }
    }
}

fn cmd_new(dir: &Path) -> ExitCode {
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

/// A whole blog: every post a bundle under `site`; a summary line. Exit 0
/// when every post was imported (drafts aside), 1 when some were refused.
fn cmd_import_blog(srcs: &[PathBuf], site: &Path, root: Option<&Path>) -> ExitCode {
    use story_cli::blog::Outcome;
    let imported = match story_cli::blog::import_all(srcs, site, root) {
        Ok(i) => i,
        Err(e) => return fail(format!("{e}; nothing more was written")),
    };
    for s in &imported.skipped {
        print(format_args!("{}: warning: {}\n", s.path.display(), s.why));
    }
    for (file, outcome) in &imported.posts {
        match outcome {
            Outcome::Refused(problems) => {
                for p in problems {
                    print(format_args!("{}: {p}\n", file.display()));
                }
            }
            Outcome::Failed(why) => print(format_args!("{}: {why}\n", file.display())),
            Outcome::Imported(_) | Outcome::Draft => {}
        }
    }
    let (done, drafts, refused) = imported.counts();
    eprintln!(
        "story import: {} imported into {}, {} left out, {} refused (nothing written for those)",
        report::count_as(done, "post", "posts"),
        site.display(),
        report::count_as(drafts, "draft", "drafts"),
        refused
    );
    if refused > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn cmd_import(md: &Path, out: Option<PathBuf>) -> ExitCode {
    // Nothing outside the Markdown file's folder is read.
    let sandbox = match Sandbox::new(story_cli::sandbox::parent_dir(md)) {
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
                print(format_args!("{}: {p}\n", md.display()));
            }
            eprintln!("story import: {}; nothing was written", report::count(problems.len(), "error"));
            return ExitCode::from(1);
        }
    };
    for w in &imported.warnings {
        print(format_args!("{}: {w}\n", md.display()));
    }
    let src_dir = story_cli::sandbox::parent_dir(md);
    // With --out, the bundle's images go with it, at the same relative paths.
    let images: &[String] = if out.is_some() { &imported.images } else { &[] };
    let out_dir = out.unwrap_or_else(|| src_dir.to_owned());
    let target = out_dir.join("story.json");
    if let Err(e) = out::write_bundle(&sandbox, src_dir, &out_dir, images, imported.json.as_bytes(), None) {
        return fail(format!("{e}\nstory import: nothing was written"));
    }
    eprintln!("story import: wrote {}", target.display());
    ExitCode::SUCCESS
}
