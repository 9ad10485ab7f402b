//! What holds for any Markdown the importer is given, in one place for the
//! property tests (`tests/import.rs`) and the fuzz target (`fuzz/`): it ends
//! in a story the parser accepts or in problems, each with a place and a
//! message, at most 200 and a count; never a panic.

use story_cli::markdown::{import, Env};

/// Imports `text` with images that exist (4x3) and with none; checks the result.
pub fn check_import(text: &str) {
    let exist = Env { sizes: &|_| Some((4, 3)), exists: &|_| true, folder: "bundle", base: None };
    let missing = Env { sizes: &|_| None, exists: &|_| false, folder: "bundle", base: None };
    for env in [&exist, &missing] {
        match import(text, env) {
            Ok(imported) => {
                let base = story_format::url::Url::parse("https://example.com/a/story.json").unwrap();
                let parsed = story_format::parse_story(imported.json.as_bytes(), &base);
                assert!(!parsed.has_errors(), "an accepted import must parse: {:?}", parsed.diagnostics);
            }
            Err(problems) => {
                assert!(!problems.is_empty());
                assert!(problems.len() <= story_format::limits::MAX_DIAGNOSTICS + 1, "{}", problems.len());
                for p in &problems {
                    assert!(p.line >= 1 && p.column >= 1 && !p.message.is_empty(), "{p:?}");
                }
            }
        }
    }
}
