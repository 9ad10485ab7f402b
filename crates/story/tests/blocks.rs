//! Golden tests, one folder per block type (`blocks/TYPE/`), across every
//! output a block reaches:
//!
//! - `story.json`: a bundle using every form and field of the type; its
//!   parse (every field of every block) is `summary.expect`;
//! - its section as the built page draws it (`story_viewer::publish`) is
//!   `page.expect`;
//! - `story.md`: the Markdown that imports to the type (as much of it as
//!   Markdown can express); the `story.json` it becomes is `import.expect`.
//!
//! The folders must be exactly the declared block types: a new type fails
//! here until it has its folder. `UPDATE_EXPECT=1` rewrites the `.expect`
//! files; read the diff. The viewer's browser test (`tests/web.rs`) mounts
//! the same bundles and compares what it draws with `page.expect`.

#[path = "../../story-format/tests/support/expect.rs"]
#[allow(dead_code)] // its folder walker is for the fixtures
mod expect;
#[path = "../../story-format/tests/support/summary.rs"]
mod summary;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use story_cli::sandbox::Sandbox;
use story_format::url::Url;
use story_format::{BlockType, Story};
use story_viewer::publish::{self, Place};

fn folder(t: BlockType) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/blocks").join(t.name())
}

/// The site a golden bundle is built in: `https://news.example/TYPE/`.
fn page_of(t: BlockType) -> (Url, Url) {
    let root = Url::parse("https://news.example/").unwrap();
    (root.join(&format!("{}/", t.name())).unwrap(), root)
}

fn parse(t: BlockType) -> Story {
    let bytes = std::fs::read(folder(t).join("story.json")).unwrap();
    let (page, _) = page_of(t);
    let parsed = story_format::parse_story(&bytes, &page.join("story.json").unwrap());
    assert!(parsed.diagnostics.is_empty(), "{}: {:?}", t.name(), parsed.diagnostics);
    parsed.value.unwrap()
}

/// The story's sections as its built page holds them.
fn page_sections(t: BlockType, story: Story) -> String {
    let (page, root) = page_of(t);
    let place = Place {
        page,
        root,
        tag_path: Arc::new(|t: &str| format!("tags/{t}/")),
        pictures: Default::default(),
    };
    let html = scraper::Html::parse_document(&publish::story_html(story, place));
    let sections = scraper::Selector::parse("article .sv-section").unwrap();
    html.select(&sections).map(|s| s.html() + "\n").collect()
}

/// Types Markdown has no way to write (no folder holds their `story.md`
/// or `import.expect`): a pull quote looks like any quote, and a social
/// post's data (author, date, network) is not in Markdown's words.
const NOT_IN_MARKDOWN: &[BlockType] = &[BlockType::PullQuote, BlockType::Social];

fn import(t: BlockType) -> String {
    let md = folder(t).join("story.md");
    assert_eq!(md.exists(), !NOT_IN_MARKDOWN.contains(&t), "{}: story.md", t.name());
    let sandbox = Sandbox::new(&folder(t)).unwrap();
    match story_cli::markdown::import_bytes(&std::fs::read(&md).unwrap(), &md, &sandbox) {
        Ok(imported) => imported.json,
        Err(problems) => problems.iter().map(|p| format!("{p}\n")).collect(),
    }
}

#[test]
fn every_block_type_has_its_golden_folder_and_nothing_else_does() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/blocks");
    let mut found: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    found.sort();
    let mut declared: Vec<String> = BlockType::ALL.iter().map(|t| t.name().to_owned()).collect();
    declared.sort();
    assert_eq!(found, declared, "tests/blocks/ must hold one folder per block type");
}

#[test]
fn each_block_type_reads_draws_and_imports_as_expected() {
    let mut failures = Vec::new();
    for &t in BlockType::ALL {
        let dir = folder(t);
        let story = parse(t);
        let blocks: Vec<_> = story.sections.iter().flat_map(|s| &s.blocks).collect();
        assert!(
            !blocks.is_empty() && blocks.iter().all(|b| b.block_type() == t),
            "{}: the golden bundle holds blocks of its own type only",
            t.name()
        );
        failures.extend(expect::compare(&dir.join("summary.expect"), &summary::story(&story)));
        let page = page_sections(t, story);
        assert!(page.contains("sv-section"), "{}: no section on the page", t.name());
        failures.extend(expect::compare(&dir.join("page.expect"), &page));
        if NOT_IN_MARKDOWN.contains(&t) {
            assert!(!dir.join("import.expect").exists(), "{}: import.expect of no story.md", t.name());
        } else {
            failures.extend(expect::compare(&dir.join("import.expect"), &import(t)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} outputs changed; rerun with UPDATE_EXPECT=1 and review the diff:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn what_markdown_imports_reads_as_the_bundle_does() {
    // The import is a story the parser accepts, with blocks of the
    // folder's type: Markdown reaches the same block, not a look-alike.
    for &t in BlockType::ALL.iter().filter(|t| !NOT_IN_MARKDOWN.contains(t)) {
        let json = import(t);
        let (page, _) = page_of(t);
        let parsed = story_format::parse_story(json.as_bytes(), &page.join("story.json").unwrap());
        assert!(parsed.diagnostics.is_empty(), "{}: {:?}", t.name(), parsed.diagnostics);
        let story = parsed.value.unwrap();
        assert!(story.sections.iter().flat_map(|s| &s.blocks).any(|b| b.block_type() == t), "{}", t.name());
    }
}
