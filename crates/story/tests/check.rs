//! `story check` through fixture sites: every `check/NAME.site/` folder is
//! checked as a publisher would (`story check NAME.site`) and the report
//! (one line per problem, then the summary) compared with `check/NAME.expect`,
//! by the parser fixtures' helper. Paths are shown relative to the site.

#[path = "../../story-format/tests/support/expect.rs"]
mod expect;

use std::path::Path;

use story_cli::check::{check_files, collect};
use story_cli::report::summary;
use story_cli::sandbox::Sandbox;

fn render(site: &Path) -> String {
    let sandbox = Sandbox::new(site).unwrap();
    let (mut files, mut notes) = (story_cli::paths::Paths::new(), Vec::new());
    collect(&sandbox, site, &mut files, &mut notes).unwrap();
    assert!(notes.is_empty(), "the fixtures hold no links to folders");
    let (reports, read) = check_files(&sandbox, &mut files);
    let root = std::fs::canonicalize(site).unwrap();
    let mut out = String::new();
    for r in &reports {
        for d in &r.diagnostics {
            out.push_str(&format!("{}: {d}\n", r.file));
        }
    }
    out.push_str(&summary(read, &reports));
    out.push('\n');
    // Absolute paths (in messages, and in files found through a catalog) as `SITE`.
    let out = out
        .replace(&format!("file://{}", root.display()), "SITE")
        .replace(&root.display().to_string(), "SITE");
    let out = out.replace(&site.display().to_string(), "SITE");
    match site.strip_prefix(std::env::current_dir().unwrap()) {
        Ok(rel) => out.replace(&rel.display().to_string(), "SITE"),
        Err(_) => out,
    }
}

#[test]
fn every_check_fixture_reports_as_expected() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check");
    expect::check_folder(&dir, "site", 3, render);
}
