//! A newsroom's archive (#24): past [`CATALOG_PAGE`] stories the catalog is
//! written in pages (`stories.json`, `stories-2.json`...), newest first,
//! each naming the next and previous page and the total; `story index`,
//! `story check` and `story build` all read and write that form, and a
//! site past a catalog file's limits builds.

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};
use story_format::layout::CATALOG_PAGE;
use support::site::{build, page, select};
use support::{fake_viewer, text, TempDir};

/// `n` small bundles below `site`, each a minute older than the one before
/// (so the newest first is `s00000`, `s00001`...); every third tagged "Ports".
fn archive(site: &Path, n: usize) {
    for i in 0..n {
        let id = format!("s{i:05}");
        let date = time_back(i);
        let tags: &[&str] = if i % 3 == 0 { &["Ports"] } else { &[] };
        let story = json!({
            "format": "story/1", "id": id, "lang": "en", "title": format!("Story {id}"),
            "published": date, "tags": tags,
            "sections": [{ "blocks": [format!("The text of {id}.")] }]
        });
        let dir = site.join(&id);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("story.json"), story.to_string()).unwrap();
    }
}

/// An RFC 3339 time that falls as `i` grows: a count of minutes back,
/// written in mixed radix with 28-day months, so every date is valid.
fn time_back(i: usize) -> String {
    let m = 20_000_000 - i;
    let (min, h, d, mo, y) = (m % 60, m / 60 % 24, m / 1440 % 28, m / 40_320 % 12, 1990 + m / 483_840);
    format!("{y:04}-{:02}-{:02}T{h:02}:{min:02}:00Z", mo + 1, d + 1)
}

fn story(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_story")).args(args).current_dir(dir).output().unwrap()
}

fn json_at(path: impl AsRef<Path>) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path.as_ref()).unwrap()).unwrap()
}

fn ids(page: &Value) -> Vec<String> {
    page["stories"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn a_long_catalog_is_written_and_checked_in_pages_linked_both_ways() {
    let tmp = TempDir::new("archive-index");
    let n = 2 * CATALOG_PAGE + 345;
    archive(tmp.dir(), n);
    let o = story(&["index", "."], tmp.dir());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains(&format!("{n} stories, in 3 pages")), "{}", text(&o));
    let pages: Vec<Value> = ["stories.json", "stories-2.json", "stories-3.json"]
        .iter()
        .map(|f| json_at(tmp.dir().join(f)))
        .collect();
    let all: Vec<String> = pages.iter().flat_map(ids).collect();
    let expected: Vec<String> = (0..n).map(|i| format!("s{i:05}")).collect();
    assert_eq!(all, expected, "every story once, newest first across the pages");
    assert_eq!(ids(&pages[0]).len(), CATALOG_PAGE);
    for (i, p) in pages.iter().enumerate() {
        assert_eq!(p["total"], n, "page {}", i + 1);
        assert_eq!(p["prev"].as_str(), [None, Some("stories.json"), Some("stories-2.json")][i]);
        assert_eq!(p["next"].as_str(), [Some("stories-2.json"), Some("stories-3.json"), None][i]);
    }
    // `story check` follows the pages and accepts them.
    let o = story(&["check", "stories.json"], tmp.dir());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // A page that does not link back is an error at `next`.
    let mut second = pages[1].clone();
    second["prev"] = json!("stories-3.json");
    std::fs::write(tmp.dir().join("stories-2.json"), second.to_string()).unwrap();
    let o = story(&["check", "stories.json"], tmp.dir());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("next: error: the next page"), "{}", text(&o));
    assert!(text(&o).contains("does not name this file as its \"prev\""), "{}", text(&o));

    // A story listed on two pages: a warning on the second.
    let mut third = pages[2].clone();
    third["stories"].as_array_mut().unwrap().push(pages[0]["stories"][0].clone());
    std::fs::write(tmp.dir().join("stories-2.json"), pages[1].to_string()).unwrap();
    std::fs::write(tmp.dir().join("stories-3.json"), third.to_string()).unwrap();
    let o = story(&["check", "stories.json"], tmp.dir());
    assert!(
        text(&o).contains("stories[345].id: warning: the story \"s00000\" is also listed on stories.json"),
        "{}",
        text(&o)
    );

    // Fewer stories: one page again, and the pages left over are removed.
    for i in CATALOG_PAGE..n {
        std::fs::remove_dir_all(tmp.dir().join(format!("s{i:05}"))).unwrap();
    }
    let o = story(&["index", "."], tmp.dir());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let only = json_at(tmp.dir().join("stories.json"));
    assert_eq!(ids(&only).len(), CATALOG_PAGE);
    assert!(only.get("next").is_none() && only.get("total").is_none(), "a one-page catalog as before");
    assert!(!tmp.dir().join("stories-2.json").exists() && !tmp.dir().join("stories-3.json").exists());
    let names: Vec<String> = std::fs::read_dir(tmp.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "no temporary file left: {names:?}");
}

#[test]
fn a_site_past_one_catalog_files_limit_builds_with_its_catalog_in_pages() {
    let tmp = TempDir::new("archive-build");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    // Past the 10,000 entries one catalog file may hold.
    let n = story_format::limits::MAX_ENTRIES + 7;
    archive(&site, n);
    let viewer = fake_viewer(tmp.dir());
    let o = build(&site, &out, &viewer);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let count = n.div_ceil(CATALOG_PAGE);
    let mut all = Vec::new();
    for k in 1..=count {
        let file = story_format::layout::catalog_file(k);
        let p = json_at(out.join(&file));
        assert_eq!(p["total"], n, "{file}");
        all.extend(ids(&p));
    }
    assert!(!out.join(story_format::layout::catalog_file(count + 1)).exists());
    assert_eq!(all.len(), n);
    assert_eq!(all.first().map(String::as_str), Some("s00000"));
    assert_eq!(all.last().map(String::as_str), Some(format!("s{:05}", n - 1).as_str()));
    // The list pages cover every story: the last list page holds the oldest.
    let list_pages = n.div_ceil(story_format::layout::LIST_PAGE);
    let last = page(out.join(format!("page/{list_pages}/index.html")));
    let titles: Vec<String> =
        select(&last, ".sv-entry-title a").iter().map(|a| a.text().collect::<String>()).collect();
    assert_eq!(titles.last().map(String::as_str), Some(format!("Story s{:05}", n - 1).as_str()));
    // A tag's list counts its stories on every catalog page.
    let ports = page(out.join("tags/ports/index.html"));
    let count_text: String = select(&ports, ".sv-count")[0].text().collect();
    assert!(count_text.contains(&format!("{}", n.div_ceil(3))), "{count_text}");

    // The site's own catalog in pages (as `story index` wrote it) is
    // published page for page.
    let o = story(&["index", "."], &site);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = build(&site, &out, &viewer);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for k in 1..=count {
        let file = story_format::layout::catalog_file(k);
        assert_eq!(
            std::fs::read(site.join(&file)).unwrap(),
            std::fs::read(out.join(&file)).unwrap(),
            "{file}"
        );
    }
    // A page that names a file outside the site stops the build.
    let mut first = json_at(site.join("stories.json"));
    first["next"] = json!("../elsewhere/stories-2.json");
    std::fs::write(site.join("stories.json"), first.to_string()).unwrap();
    let o = build(&site, &out, &viewer);
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
}
