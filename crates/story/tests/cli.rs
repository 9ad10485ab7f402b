//! `story` as a publisher runs it: exit codes, the line format, the sample
//! bundles, the committed schema, the order and words of `story check`,
//! `story index`, `story new` and `story import`.

use std::process::{Command, Output};

mod support;

use support::{root, TempDir};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_story")).args(args).current_dir(root()).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_samples_pass() {
    let out = run(&["check", "static/samples"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout(&out), "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("7 files checked: no errors, no warnings"));
}

#[test]
fn errors_exit_1_with_one_line_each() {
    let out = run(&["check", "crates/story-format/tests/fixtures/broken-story.json"]);
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
    let lines = run(&["check", "crates/story-format/tests/fixtures/broken-story.json"]);
    let json = run(&["check", "--json", "crates/story-format/tests/fixtures/broken-story.json"]);
    assert_eq!(json.status.code(), Some(1));
    let list: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(list.len(), stdout(&lines).lines().count());
    let colour = list.iter().find(|d| d["path"] == "colour").expect("the unknown field");
    assert_eq!(colour["severity"], "warning");
    assert_eq!(colour["code"], "unknown-field");
    assert_eq!(list[0]["path"], "id", "diagnostics come in file order");
    assert!(colour.get("line").is_none(), "a field has no line: {colour}");

    let syntax = run(&["check", "--json", "crates/story-format/tests/fixtures/trailing-comma.json"]);
    let list: Vec<serde_json::Value> = serde_json::from_slice(&syntax.stdout).unwrap();
    let at = &list[0];
    assert_eq!(at["code"], "syntax");
    assert_eq!(at["path"], format!("line {}, column {}", at["line"], at["column"]), "{at}");
}

const STORY_A: &str = r#"{"format":"story/1","id":"a","title":"Real title","dek":"The real dek.","published":"2026-01-02",
    "source":{"name":"S"},"hero":{"src":"hero.png","alt":"x"},"tags":["Energy","Ports"],"sections":[{"blocks":["x"]}]}"#;

#[test]
fn catalog_entries_are_checked_against_their_stories() {
    let dir = TempDir::new("entries");
    dir.write("a/story.json", STORY_A);
    dir.write("a/hero.png", "not really a PNG, but it exists");
    dir.write(
        "stories.json",
        r#"{"format":"story-index/1","stories":[
        {"id":"a","title":"Other title","published":"2026-01-01","source":{"name":"S"},"href":"a/story.json",
         "dek":"Another dek.","tags":["Energy"],"thumbnail":{"src":"a/other.png","alt":"x"}},
        {"id":"b","title":"B","published":"2026-01-01","source":{"name":"S"},"href":"b/story.json"}]}"#,
    );
    let out = run(&["check", &dir.path("")]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains(
            "stories[0].title: error: the entry says \"Other title\" but the story's title is \"Real title\""
        ),
        "{text}"
    );
    assert!(text.contains("stories[0].published: error: the entry says \"2026-01-01\" but the story was published \"2026-01-02\""), "{text}");
    assert!(text.contains("stories[0].dek: warning: the entry says \"Another dek.\" but the story's dek is \"The real dek.\""), "{text}");
    assert!(text.contains("stories[0].tags: warning: the entry says [\"Energy\"] but the story's tags are [\"Energy\", \"Ports\"]"), "{text}");
    assert!(text.contains("stories[0].thumbnail: warning: the thumbnail"), "{text}");
    assert!(text.contains("stories[1].href: error: the story"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 files checked: 4 errors, 3 warnings"));
}

#[test]
fn a_broken_story_is_reported_once_before_the_catalog_that_points_at_it() {
    let dir = TempDir::new("broken");
    dir.write("a/story.json", &STORY_A.replace("\"Real title\"", "42"));
    dir.write(
        "stories.json",
        r#"{"format":"story-index/1","stories":[
        {"id":"a","title":"Real title","published":"2026-01-02","source":{"name":"S"},"href":"a/story.json"}]}"#,
    );
    // Only the catalog is named: the story it points at is still reported, under its own name.
    let out = run(&["check", &dir.path("stories.json")]);
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(out.status.code(), Some(1));
    assert!(lines[0].ends_with("a/story.json: title: error: expected a string, found a number"), "{lines:?}");
    assert!(
        lines.iter().filter(|l| l.contains("title")).count() == 1,
        "reported once, no follow-on: {lines:?}"
    );
    assert!(lines.last().unwrap().contains("stories[0].href: warning: points at"), "{lines:?}");
    assert!(lines.last().unwrap().contains("a story with errors"), "{lines:?}");
    assert!(!stdout(&out).contains("check it with"), "no advice to run the tool that is running");
}

#[test]
fn an_unknown_field_close_to_a_known_one_says_which() {
    let dir = TempDir::new("typo");
    dir.write(
        "a/story.json",
        &STORY_A.replace("\"dek\"", "\"deck\"").replace("hero.png", "https://example.com/h.png"),
    );
    let out = run(&["check", &dir.path("a/story.json")]);
    assert_eq!(out.status.code(), Some(0), "an unknown field is a warning");
    assert!(
        stdout(&out).contains("deck: warning: unknown field \"deck\", ignored; did you mean \"dek\"?"),
        "{}",
        stdout(&out)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 file checked: no errors, 1 warning"));
}

#[test]
fn story_index_writes_the_catalog_from_the_stories() {
    let dir = TempDir::new("index");
    dir.write("news/a/story.json", STORY_A);
    dir.write("news/a/hero.png", "exists");
    dir.write(
        "news/b/story.json",
        &STORY_A.replace("\"id\":\"a\"", "\"id\":\"b\"").replace("2026-01-02", "2026-02-01"),
    );
    dir.write("news/b/hero.png", "exists");
    dir.write("news/stories.json", r#"{"format":"story-index/1","title":"Harbour news","stories":[]}"#);
    let out = run(&["index", &dir.path("news")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let catalog: serde_json::Value = serde_json::from_str(&dir.read("news/stories.json")).unwrap();
    assert_eq!(catalog["title"], "Harbour news", "the title is kept");
    assert_eq!(catalog["stories"][0]["id"], "b", "newest first");
    assert_eq!(catalog["stories"][1]["href"], "a/story.json");
    assert_eq!(catalog["stories"][1]["thumbnail"]["src"], "a/hero.png");
    assert_eq!(catalog["stories"][1]["tags"], serde_json::json!(["Energy", "Ports"]));
    // The written catalog passes its own check, entries and all.
    let check = run(&["check", &dir.path("news")]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert_eq!(stdout(&check), "");
    // A story with an error: nothing is written, the old catalog stays.
    let before = dir.read("news/stories.json");
    dir.write("news/c/story.json", "{\"format\":\"story/1\"");
    let out = run(&["index", &dir.path("news")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("c/story.json"), "{}", stdout(&out));
    assert_eq!(dir.read("news/stories.json"), before);
    // Neither run left a temporary file (a page written, a spill) behind.
    let names: Vec<String> = std::fs::read_dir(dir.path("news"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn new_then_import_gives_a_bundle_that_passes_check() {
    let dir = TempDir::new("new");
    let bundle = dir.path("my-story");
    assert_eq!(run(&["new", &bundle]).status.code(), Some(0));
    assert!(dir.read("my-story/story.md").contains("id: my-story"));
    assert_eq!(run(&["new", &bundle]).status.code(), Some(2), "never overwrites a bundle");
    let out = run(&["import", &dir.path("my-story/story.md")]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    let first = dir.read("my-story/story.json");
    let again = run(&["import", &dir.path("my-story/story.md")]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(dir.read("my-story/story.json"), first, "the same file imports to the same bytes");
    let check = run(&["check", &bundle]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert_eq!(stdout(&check), "");
}

#[test]
fn a_failed_import_writes_nothing_and_names_the_line() {
    let dir = TempDir::new("fail");
    dir.write("s/story.json", "the old file");
    dir.write(
        "s/story.md",
        "---\ntitle: T\npublished: 2026-01-01\nsource: {name: S}\n---\n\nText.\n\n<div>a</div>\n",
    );
    let out = run(&["import", &dir.path("s/story.md")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("story.md: line 9, column 1: raw HTML has no place in a story"),
        "{}",
        stdout(&out)
    );
    assert_eq!(dir.read("s/story.json"), "the old file");
}

#[test]
fn import_out_copies_the_images_with_the_story() {
    let dir = TempDir::new("out");
    let fixtures = root().join("crates/story/tests/import");
    std::fs::create_dir_all(dir.dir().join("src")).unwrap();
    for f in ["full.md", "hero.png", "chart.png"] {
        std::fs::copy(fixtures.join(f), dir.dir().join("src").join(f)).unwrap();
    }
    let out = run(&["import", &dir.path("src/full.md"), "--out", &dir.path("bundle")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.dir().join("bundle/hero.png").is_file() && dir.dir().join("bundle/chart.png").is_file());
    let check = run(&["check", &dir.path("bundle")]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

#[test]
fn it_exits_2_when_it_cannot_run() {
    assert_eq!(run(&["check", "no/such/file.json"]).status.code(), Some(2));
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["check"]).status.code(), Some(2));
    assert_eq!(run(&["check", "--frobnicate", "x"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn the_committed_schema_is_current() {
    let out = run(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let committed = std::fs::read_to_string(root().join("schema/story-bundle.schema.json")).unwrap();
    assert_eq!(
        stdout(&out),
        committed,
        "run `cargo run -p story -- schema > schema/story-bundle.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

#[test]
fn every_property_of_the_schema_has_a_description() {
    let schema: serde_json::Value = serde_json::from_str(&stdout(&run(&["schema"]))).unwrap();
    for (def, body) in schema["$defs"].as_object().unwrap() {
        for (name, prop) in body["properties"].as_object().into_iter().flatten() {
            let d = prop["description"].as_str().unwrap_or("");
            assert!(!d.is_empty(), "$defs.{def}.properties.{name} has no description (docs/format.md)");
        }
    }
}

#[test]
fn the_schema_describes_every_field_the_parser_reads() {
    let schema: serde_json::Value = serde_json::from_str(&stdout(&run(&["schema"]))).unwrap();
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

#[test]
fn every_command_has_help_and_help_does_nothing_else() {
    let tmp = TempDir::new("help");
    for cmd in ["check", "build", "index", "new", "import", "schema"] {
        let o = support::story_in(tmp.dir(), &[cmd, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{cmd}: {}", support::text(&o));
        assert!(stdout(&o).contains(&format!("Usage: story {cmd}")), "{cmd}: {}", stdout(&o));
    }
    // Was: a folder named `--help`.
    assert_eq!(std::fs::read_dir(tmp.dir()).unwrap().count(), 0, "--help created something");
    let o = support::story_in(tmp.dir(), &["--help"]);
    for cmd in ["check", "build", "index", "new", "import", "schema"] {
        assert!(stdout(&o).contains(cmd), "{}", stdout(&o));
    }
}

#[test]
fn a_reader_that_stops_reading_is_not_an_error() {
    // `story check SITE | head -1`: warnings only (exit 0), far more than a
    // pipe holds, and the reader leaves after one line.
    let tmp = TempDir::new("pipe");
    let fields: String = (0..150).map(|i| format!("\"unknown{i}\":1,")).collect();
    for n in 0..20 {
        let json = STORY_A
            .replace("\"format\"", &format!("{fields}\"format\""))
            .replace("\"a\"", &format!("\"s{n}\""));
        tmp.write(
            &format!("site/s{n}/story.json"),
            &json.replace("\"hero\":{\"src\":\"hero.png\",\"alt\":\"x\"},", ""),
        );
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_story"))
        .args(["check", &tmp.path("site")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut first)
        .unwrap();
    assert!(first.contains("warning: unknown field"), "{first}");
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn a_whole_blog_imports_post_by_post_in_its_own_layout() {
    let dir = TempDir::new("blog");
    // Jekyll: the date and the id from the file's name.
    dir.write("blog/_posts/2025-01-29-first-post.md", "---\ntitle: First\nlayout: post\n---\n\nHello.\n");
    // Hugo page bundle, with its image beside it.
    dir.write(
        "blog/content/posts/cranes/index.md",
        "---\ntitle: Cranes\ndate: 2025-02-01\n---\n\n![A crane](crane.png)\n\n```sh\n$ crane --lift\n```\n",
    );
    std::fs::copy(
        root().join("crates/story/tests/blocks/image/photo.png"),
        dir.dir().join("blog/content/posts/cranes/crane.png"),
    )
    .unwrap();
    dir.write("blog/content/posts/_index.md", "---\ntitle: Posts\n---\n\nA section page.\n");
    dir.write("blog/drafts/later.md", "---\ntitle: Later\ndate: 2025-03-01\ndraft: true\n---\n\nNot yet.\n");
    dir.write("blog/broken.md", "---\ntitle: Broken\ndate: 2025-03-02\n---\n\nSee {% link x.md %}.\n");
    let out = run(&["import", &dir.path("blog"), "--out", &dir.path("site")]);
    assert_eq!(out.status.code(), Some(1), "{}", support::text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("2 posts imported") && err.contains("1 draft left out") && err.contains("1 refused"),
        "{err}"
    );
    assert!(
        stdout(&out).contains("broken.md: line 6, column 1: a Liquid tag cannot be imported"),
        "{}",
        stdout(&out)
    );
    let first: serde_json::Value = serde_json::from_str(&dir.read("site/first-post/story.json")).unwrap();
    assert_eq!(first["published"], "2025-01-29");
    assert!(dir.dir().join("site/cranes/crane.png").is_file(), "the image goes with its post");
    assert!(!dir.dir().join("site/broken").exists() && !dir.dir().join("site/later").exists());
    // What was written is a site `story check` accepts.
    let check = run(&["check", &dir.path("site")]);
    assert_eq!(check.status.code(), Some(0), "{}", support::text(&check));
    // A folder without --out says what it needs.
    assert_eq!(run(&["import", &dir.path("blog")]).status.code(), Some(2));
}

#[test]
fn site_absolute_images_come_from_root_and_only_from_inside_it() {
    let dir = TempDir::new("blog-root");
    // Hugo: posts in content/, their images in static/, named from the site's root.
    dir.write(
        "hugo/content/posts/cranes.md",
        "---\ntitle: Cranes\ndate: 2025-02-01\nimage: /images/crane.png\n---\n\n![A crane](/images/crane.png)\n",
    );
    dir.write(
        "hugo/content/posts/secret.md",
        "---\ntitle: S\ndate: 2025-02-02\n---\n\n![S](/images/secret.png)\n",
    );
    dir.write("hugo/content/posts/up.md", "---\ntitle: U\ndate: 2025-02-03\n---\n\n![U](/../outside.png)\n");
    std::fs::create_dir_all(dir.dir().join("hugo/static/images")).unwrap();
    let photo = root().join("crates/story/tests/blocks/image/photo.png");
    std::fs::copy(&photo, dir.dir().join("hugo/static/images/crane.png")).unwrap();
    std::fs::copy(&photo, dir.dir().join("hugo/outside.png")).unwrap();
    // A link in ROOT to a file outside it is never followed.
    std::os::unix::fs::symlink(
        dir.dir().join("hugo/outside.png"),
        dir.dir().join("hugo/static/images/secret.png"),
    )
    .unwrap();
    let (content, site, static_) = (dir.path("hugo/content"), dir.path("site"), dir.path("hugo/static"));
    // Without --root the path is not found, and says where it would be looked for.
    let out = run(&["import", &content, "--out", &site]);
    assert!(stdout(&out).contains("the image /images/crane.png does not exist"), "{}", stdout(&out));
    let out = run(&["import", &content, "--out", &site, "--root", &static_]);
    assert_eq!(out.status.code(), Some(1), "{}", support::text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 post imported"), "{}", support::text(&out));
    let story: serde_json::Value = serde_json::from_str(&dir.read("site/cranes/story.json")).unwrap();
    assert_eq!(story["hero"]["src"], "images/crane.png");
    assert_eq!(story["sections"][0]["blocks"][0]["src"], "images/crane.png");
    assert_eq!(story["hero"]["width"], 16, "its size read from ROOT's file");
    assert!(dir.dir().join("site/cranes/images/crane.png").is_file(), "the bundle has its copy");
    assert!(!dir.dir().join("site/secret").exists() && !dir.dir().join("site/up").exists());
    let check = run(&["check", &site]);
    assert_eq!(check.status.code(), Some(0), "{}", support::text(&check));
    // --root copies images into bundles, so it needs --out.
    assert_eq!(run(&["import", &content, "--root", &static_]).status.code(), Some(2));
}
