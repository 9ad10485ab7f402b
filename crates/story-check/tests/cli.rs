//! `story-check` as a publisher runs it: exit codes, the line format, the
//! sample bundles, and the committed schema.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_story-check")).args(args).current_dir(root()).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_samples_pass() {
    let out = run(&["static/samples"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout(&out), "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("7 files checked: 0 errors, 0 warnings"));
}

#[test]
fn errors_exit_1_with_one_line_each() {
    let out = run(&["crates/story-format/tests/fixtures/broken-story.json"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains(
        "crates/story-format/tests/fixtures/broken-story.json: sections[0].blocks[0][1].href: error: the URL uses the scheme \"data:\""
    ), "{text}");
    assert!(text.contains("colour: warning: unknown field, ignored"), "{text}");
    assert!(text.contains("hero.src: error"), "{text}");
}

#[test]
fn json_output_has_the_same_diagnostics() {
    let lines = run(&["crates/story-format/tests/fixtures/broken-story.json"]);
    let json = run(&["--json", "crates/story-format/tests/fixtures/broken-story.json"]);
    assert_eq!(json.status.code(), Some(1));
    let list: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(list.len(), stdout(&lines).lines().count());
    let colour = list.iter().find(|d| d["path"] == "colour").expect("the unknown field");
    assert_eq!(colour["severity"], "warning");
    assert_eq!(colour["code"], "unknown-field");
    assert_eq!(list[0]["path"], "id", "diagnostics come in file order");
}

#[test]
fn catalog_entries_are_checked_against_their_stories() {
    let dir = std::env::temp_dir().join(format!("story-check-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::write(
        dir.join("a/story.json"),
        r#"{"format":"story/1","id":"a","title":"Real title","published":"2026-01-02",
        "source":{"name":"S"},"hero":{"src":"missing.png","alt":"x"},"sections":[{"blocks":["x"]}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("stories.json"),
        r#"{"format":"story-index/1","stories":[
        {"id":"a","title":"Other title","published":"2026-01-01","source":{"name":"S"},"href":"a/story.json"},
        {"id":"b","title":"B","published":"2026-01-01","source":{"name":"S"},"href":"b/story.json"}]}"#,
    )
    .unwrap();
    let out = run(&[dir.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains(
            "stories[0].title: error: the entry says \"Other title\" but the story's title is \"Real title\""
        ),
        "{text}"
    );
    assert!(text.contains("stories[0].published: error"), "{text}");
    assert!(text.contains("stories[1].href: error: the story"), "{text}");
    assert!(text.contains("a/story.json: hero.src: error: the image"), "{text}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn it_exits_2_when_it_cannot_run() {
    assert_eq!(run(&["no/such/file.json"]).status.code(), Some(2));
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["--frobnicate"]).status.code(), Some(2));
}

#[test]
fn the_committed_schema_is_current() {
    let out = run(&["--schema"]);
    assert_eq!(out.status.code(), Some(0));
    let committed = std::fs::read_to_string(root().join("schema/story-bundle.schema.json")).unwrap();
    assert_eq!(
        stdout(&out),
        committed,
        "run `cargo run -p story-check -- --schema > schema/story-bundle.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

#[test]
fn the_schema_describes_every_field_the_parser_reads() {
    let schema: serde_json::Value = serde_json::from_str(&stdout(&run(&["--schema"]))).unwrap();
    for (object, fields) in story_format::known_fields() {
        let def = object.replace(':', "-");
        let props = schema["$defs"][&def]["properties"].as_object();
        let props = props.unwrap_or_else(|| panic!("the schema has no $defs.{def}.properties"));
        let mut in_schema: Vec<&str> = props.keys().map(String::as_str).collect();
        let mut in_parser = fields.clone();
        in_schema.sort_unstable();
        in_parser.sort_unstable();
        assert_eq!(in_schema, in_parser, "$defs.{def} and the parser's {object} fields differ");
    }
}
