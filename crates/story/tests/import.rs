//! `story import` through fixtures: every `import/NAME.md` is imported and
//! the result (the `story.json`, or each refusal with its line and column)
//! compared with `import/NAME.expect`, by the parser fixtures' helper.
//! Property tests: any Markdown ends in a story or in problems, never a panic.

#[path = "../../story-format/tests/support/expect.rs"]
mod expect;

use std::path::Path;

use proptest::prelude::*;

#[path = "support/import_invariants.rs"]
mod import_invariants;
use story_cli::markdown::{Imported, Problem};
use story_cli::sandbox::Sandbox;

/// `import_bytes` as `story import` calls it: nothing outside the file's folder is read.
fn import_bytes(bytes: &[u8], path: &Path) -> Result<Imported, Vec<Problem>> {
    let sandbox = Sandbox::new(path.parent().unwrap()).unwrap();
    story_cli::markdown::import_bytes(bytes, path, &sandbox)
}

fn render(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    match import_bytes(&bytes, path) {
        Ok(imported) => {
            let mut out = imported.json;
            for w in &imported.warnings {
                out.push_str(&format!("warning: {w}\n"));
            }
            out.push_str(&format!("images: {:?}\n", imported.images));
            out
        }
        Err(problems) => problems.iter().map(|p| format!("{p}\n")).collect(),
    }
}

#[test]
fn every_markdown_fixture_imports_as_expected() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import");
    expect::check_folder(&dir, "md", 5, render);
}

#[test]
fn an_import_is_a_story_the_parser_accepts_and_the_same_bytes_twice() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import/full.md");
    let bytes = std::fs::read(&path).unwrap();
    let first = import_bytes(&bytes, &path).unwrap();
    let second = import_bytes(&bytes, &path).unwrap();
    assert_eq!(first.json, second.json);
    let base = story_format::url::Url::parse("https://example.com/a/story.json").unwrap();
    let parsed = story_format::parse_story(first.json.as_bytes(), &base);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert_eq!(parsed.value.unwrap().sections[1].id, "why");
}

/// Pieces of Markdown and front matter, so random documents reach every
/// construct the importer knows, and many it refuses.
const PIECES: &[&str] = &[
    "---\n",
    "title: T\n",
    "published: 2026-01-01\n",
    "source: {name: S}\n",
    "id: x\n",
    "hero: {src: a.png, alt: A}\n",
    "tags: [a, b]\n",
    "# ",
    "## ",
    "### ",
    "> ",
    "- ",
    "1. ",
    "  - ",
    "**",
    "*",
    "`",
    "[",
    "](",
    ")",
    "![",
    "\n",
    "\n\n",
    "text ",
    "为什么",
    "— ",
    "-- ",
    "<b>",
    "| a |\n|---|\n",
    "[^1]",
    "```\n",
    "{#id}",
    "\t",
    "\\",
    "&amp;",
    "https://example.com",
    "#x",
    "\u{feff}",
    "\r\n",
    "...",
    ": ",
    "{",
    "}",
    "&a ",
    "*a ",
    "[",
    "]",
    "{{< x >}}",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn any_markdown_ends_in_a_story_or_problems(pieces in prop::collection::vec(prop::sample::select(PIECES), 0..40)) {
        import_invariants::check_import(&pieces.concat());
    }

    #[test]
    fn any_text_at_all_ends_in_a_story_or_problems(text in "\\PC{0,200}") {
        import_invariants::check_import(&text);
    }
}

#[test]
fn the_markdown_sample_and_its_story_json_agree() {
    // static/samples/library-robots is kept as Markdown; its story.json is
    // the import's output, byte for byte.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../static/samples/library-robots");
    let md = dir.join("story.md");
    let imported = import_bytes(&std::fs::read(&md).unwrap(), &md).expect("the sample imports");
    let committed = std::fs::read_to_string(dir.join("story.json")).unwrap();
    assert_eq!(imported.json, committed, "run `cargo run -p story -- import {}`", md.display());
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
}

#[test]
fn every_story_field_can_be_set_in_front_matter() {
    // From the parser's own lists: a field the format gains is read here
    // too, or this fails (with a text value, a mapping field says it wants
    // a mapping: known, not unknown).
    let read = |front: &str| -> Vec<String> {
        let md = format!("---\n{front}\n---\n\nText.\n");
        let env =
            story_cli::markdown::Env { sizes: &|_| Some((4, 3)), exists: &|_| true, folder: "a", base: None };
        // Problems, or the warnings of an import that went through.
        match story_cli::markdown::import(&md, &env) {
            Ok(imported) => imported.warnings.into_iter().map(|w| w.message).collect(),
            Err(problems) => problems.into_iter().map(|p| p.message).collect(),
        }
    };
    for field in story_format::fields_of("story") {
        if matches!(field, "format" | "sections") {
            continue;
        }
        let problems = read(&format!("{field}: x"));
        assert!(!problems.iter().any(|p| p.contains("unknown")), "{field}: {problems:?}");
    }
    for field in story_format::fields_of("source") {
        let problems = read(&format!("source: {{{field}: x}}"));
        assert!(!problems.iter().any(|p| p.contains("unknown")), "source.{field}: {problems:?}");
    }
    for field in story_format::fields_of("image").into_iter().filter(|f| *f != "srcset") {
        let problems = read(&format!("hero: {{src: a.png, {field}: x}}"));
        assert!(!problems.iter().any(|p| p.contains("unknown")), "hero.{field}: {problems:?}");
    }
    // And the check itself can fail.
    let warned = read("title: T\npublished: 2026-01-01\ncolour: x");
    assert!(
        warned.iter().any(|p| p.contains("unknown front matter field \"colour\", ignored")),
        "{warned:?}"
    );
}
