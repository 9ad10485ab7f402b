//! The catalog's pages made from the bundles (#24), past one page's 1,000
//! stories: a page whose entries are the last build's is kept as that
//! build made it, neither made nor parsed again, and the site is still
//! byte for byte what a full build writes. So is each of the search
//! index's lists of stories (32 stories each). Each build's `--changes`
//! lists exactly the files that differ from the site before, though kept
//! pages and lists are compared by their keys, not read.

mod support;

use std::path::Path;
use std::process::Output;

use support::edits::{build, expected_changes, same_as_full, tree, write_story_dated};
use support::{fake_viewer, text, TempDir};

/// How many of the catalog's pages a build kept ("N of the catalog's M
/// pages kept").
fn kept(o: &Output) -> usize {
    let t = text(o);
    let Some(at) = t.find(" of the catalog's ") else { return 0 };
    t[..at].rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// How many lists of stories of the search index (`search/docs-K.json`)
/// a build kept ("; N lists of stories as the last build wrote them").
fn lists_kept(o: &Output) -> usize {
    let t = text(o);
    let Some(at) = t.find(" lists of stories as the last build") else { return 0 };
    t[..at].rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// The number of the story at `index` on the catalog page `name` (its id
/// is `sNNN`).
fn story_on(out: &Path, name: &str, index: usize) -> usize {
    let page: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join(name)).unwrap()).unwrap();
    page["stories"][index]["id"].as_str().unwrap()[1..].parse().unwrap()
}

#[test]
fn a_catalog_page_of_the_same_entries_is_kept_as_it_was_made() {
    let tmp = TempDir::new("catalog-pages");
    let (site, out, cache) = (tmp.dir().join("site"), tmp.dir().join("out"), tmp.dir().join("cache"));
    let viewer = fake_viewer(tmp.dir());
    // Three pages (1,000, 1,000 and 100 stories); a few with a photo, so
    // that kept pages name thumbnails the site publishes.
    let story = |n: usize, title: &str| {
        write_story_dated(&site, n, n, title, &[["Ports", "Rail"][n % 2]], "Text.", n % 250 == 0);
    };
    for n in 0..2100 {
        story(n, &format!("Story {n}"));
    }
    let full = tmp.dir().join("full");
    let changes = tmp.dir().join("changes.txt");
    let round = |what: &str| {
        let before = if out.exists() { tree(&out) } else { Default::default() };
        let o = build(&site, &out, &viewer, &cache, Some(&changes));
        let after = same_as_full([&site, &out, &full, &viewer, &cache], what);
        let listed: Vec<String> =
            std::fs::read_to_string(&changes).unwrap().lines().map(str::to_owned).collect();
        assert_eq!(listed, expected_changes(&before, &after), "{what}: --changes");
        o
    };
    assert_eq!(kept(&round("the first build")), 0, "nothing to keep yet");
    let o = round("nothing changed");
    assert_eq!(kept(&o), 2, "the first page is always made; the others kept: {}", text(&o));
    assert_eq!(lists_kept(&o), 66, "every list of stories (2,100 / 32) kept: {}", text(&o));
    let thumbnails = std::fs::read_to_string(out.join("stories-2.json")).unwrap().matches("hero.png").count();
    assert!(thumbnails > 0, "a kept page names thumbnails");
    // A story retitled on the last page: the second is kept.
    let n = story_on(&out, "stories-3.json", 40);
    story(n, "Retitled on the last page");
    let o = round("a story retitled on page 3");
    assert_eq!(kept(&o), 1);
    assert_eq!(lists_kept(&o), 65, "only the retitled story's list of stories is made again");
    assert!(std::fs::read_to_string(out.join("stories-3.json"))
        .unwrap()
        .contains("Retitled on the last page"));
    // One removed from the last: every page's total changes.
    let n = story_on(&out, "stories-3.json", 7);
    std::fs::remove_dir_all(site.join(format!("s{n:03}"))).unwrap();
    assert_eq!(kept(&round("a story removed from page 3")), 0);
    // One removed from the second: every page after it moves.
    let n = story_on(&out, "stories-2.json", 3);
    std::fs::remove_dir_all(site.join(format!("s{n:03}"))).unwrap();
    assert_eq!(kept(&round("a story removed from page 2")), 0);
    // A memo cut short is no memo: every page is made again.
    let memo = tmp.dir().join(".out.pages");
    let bytes = std::fs::read(&memo).unwrap();
    std::fs::write(&memo, &bytes[..bytes.len() - 5]).unwrap();
    assert_eq!(kept(&round("the memo cut short")), 0);
    assert_eq!(kept(&round("the memo written whole again")), 2);
    // The same for the lists of stories.
    let memo = tmp.dir().join(".out.docs");
    let bytes = std::fs::read(&memo).unwrap();
    std::fs::write(&memo, &bytes[..bytes.len() - 5]).unwrap();
    assert_eq!(lists_kept(&round("the lists' memo cut short")), 0);
    assert_eq!(lists_kept(&round("the lists' memo written whole again")), 66);
}
