//! Incremental builds (#24): over random edits (add, change, remove,
//! re-tag, retitle stories, edit a photo), a build into the previous site
//! gives byte for byte the site a full build gives, reuses the pages of the
//! stories that did not change, and `--changes` lists exactly the files
//! that differ from the site before.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::json;
use support::edits::{
    build, expected_changes, photo, same_as_full, tree, write_story, write_story_dated, URL,
};
use support::{fake_viewer, text, TempDir};

/// A small deterministic generator (no dependency; the seed is printed on failure).
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n
    }
}

const TAGS: [&str; 5] = ["Ports", "Energy", "Rail", "ports", "Städte"];

/// A build that stops on an error in the input (exit status 1).
fn refused(site: &Path, out: &Path, viewer: &Path, cache: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_story"));
    cmd.arg("build").arg(site).arg("--out").arg(out).args(["--url", URL, "--viewer"]).arg(viewer);
    let o = cmd.arg("--cache").arg(cache).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    o
}

/// Every folder below `dir` (a full build leaves none empty, and an
/// update in place must not either).
fn folders(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo: Vec<PathBuf> = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                out.push(e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned());
                todo.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// The spare site a build keeps beside `out` for the next to update.
fn spare_of(out: &Path) -> PathBuf {
    out.with_file_name(format!(".{}.spare", out.file_name().unwrap().to_string_lossy()))
}

fn reused(o: &Output) -> usize {
    let t = text(o);
    t.split("story build: ")
        .find_map(|l| l.split(" unchanged since the last build").next().filter(|_| l.contains("unchanged")))
        .and_then(|n| n.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// How many stories a build kept without parsing them ("(N of them not
/// parsed again").
fn remembered(o: &Output) -> usize {
    let t = text(o);
    let Some(at) = t.find(" of them not parsed again") else { return 0 };
    t[..at].rsplit('(').next().and_then(|n| n.trim().parse().ok()).unwrap_or(0)
}

/// How many stories' checks a build recalled ("; N checks recalled").
fn recalled(o: &Output) -> usize {
    let t = text(o);
    let Some(at) = t.find(" checks recalled") else { return 0 };
    t[..at].rsplit("; ").next().and_then(|n| n.trim().parse().ok()).unwrap_or(0)
}

/// How many stories' search terms a build carried from the last
/// ("; N stories' terms carried").
fn carried(o: &Output) -> usize {
    let t = text(o);
    let Some(at) = t.find(" terms carried") else { return 0 };
    t[..at].rsplit("; ").next().and_then(|n| n.split(' ').next()?.parse().ok()).unwrap_or(0)
}

/// How many stories a build kept without reading their files (", N not read").
fn unread(o: &Output) -> usize {
    let t = text(o);
    let Some(at) = t.find(" not read;") else { return 0 };
    t[..at].rsplit(", ").next().and_then(|n| n.trim().parse().ok()).unwrap_or(0)
}

#[test]
fn an_incremental_build_equals_a_full_build_over_random_edits() {
    let seed = std::env::var("STORY_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20_261_203u64);
    let mut rng = Lcg(seed);
    let tmp = TempDir::new("incremental");
    let (site, out, cache) = (tmp.dir().join("site"), tmp.dir().join("out"), tmp.dir().join("cache"));
    let viewer = fake_viewer(tmp.dir());
    // Each story: (title, tags, text, photo).
    let mut stories: BTreeMap<usize, (String, Vec<&str>, String, bool)> = BTreeMap::new();
    for n in 0..110 {
        let tags = vec![TAGS[n % 3]];
        stories.insert(n, (format!("Story {n}"), tags, format!("Text {n}."), n % 4 == 0));
    }
    for (n, (title, tags, text, photo)) in &stories {
        write_story(&site, *n, title, tags, text, *photo);
    }
    build(&site, &out, &viewer, &cache, None);
    // Stories given another story's date (moved among the others).
    let mut days: BTreeMap<usize, usize> = BTreeMap::new();
    let mut next_id = 110;
    for round in 0..10 {
        let what = rng.below(8);
        let pick = |rng: &mut Lcg, stories: &BTreeMap<usize, _>| {
            *stories.keys().nth(rng.below(stories.len())).unwrap()
        };
        let edited = match what {
            0 => {
                let n = next_id;
                next_id += 1;
                stories.insert(
                    n,
                    (format!("New story {n}"), vec![TAGS[n % 5]], format!("Fresh {n}."), n % 2 == 0),
                );
                format!("added s{n:03}")
            }
            1 => {
                let n = pick(&mut rng, &stories);
                stories.get_mut(&n).unwrap().2.push_str(" A correction.");
                format!("changed the text of s{n:03}")
            }
            2 if stories.len() > 5 => {
                let n = pick(&mut rng, &stories);
                stories.remove(&n);
                std::fs::remove_dir_all(site.join(format!("s{n:03}"))).unwrap();
                format!("removed s{n:03}")
            }
            3 => {
                let n = pick(&mut rng, &stories);
                stories.get_mut(&n).unwrap().1 = vec![TAGS[rng.below(5)], TAGS[rng.below(5)]];
                stories.get_mut(&n).unwrap().1.dedup();
                format!("re-tagged s{n:03}")
            }
            4 => {
                let n = pick(&mut rng, &stories);
                stories.get_mut(&n).unwrap().0 = format!("Retitled {n} in round {round}");
                format!("retitled s{n:03}")
            }
            5 => {
                let with_photo: Vec<usize> = stories.iter().filter(|(_, s)| s.3).map(|(n, _)| *n).collect();
                match with_photo.get(rng.below(with_photo.len().max(1))) {
                    Some(&n) => {
                        std::fs::write(site.join(format!("s{n:03}/hero.png")), photo(200 + round as u8))
                            .unwrap();
                        format!("edited the photo of s{n:03}")
                    }
                    None => "nothing".into(),
                }
            }
            6 => {
                let n = pick(&mut rng, &stories);
                days.insert(n, rng.below(400));
                format!("re-dated s{n:03}")
            }
            _ => "nothing".into(),
        };
        for (n, (title, tags, text, photo)) in &stories {
            let day = days.get(n).copied().unwrap_or(*n);
            write_story_dated(&site, *n, day, title, tags, text, *photo);
        }
        let before = tree(&out);
        let changes_file = tmp.dir().join("changes.txt");
        let o = build(&site, &out, &viewer, &cache, Some(&changes_file));
        let full = tmp.dir().join(format!("full{round}"));
        build(&site, &full, &viewer, &cache, None);
        let (inc, whole) = (tree(&out), tree(&full));
        let ctx = format!("seed {seed}, round {round}: {edited}");
        assert_eq!(inc.keys().collect::<Vec<_>>(), whole.keys().collect::<Vec<_>>(), "{ctx}: the same files");
        assert_eq!(folders(&out), folders(&full), "{ctx}: the same folders");
        // The site before is kept whole as the spare (nothing was written
        // through a file it shares with the new one), and from the second
        // round on the build updated the spare before it in place.
        assert!(tree(&spare_of(&out)) == before, "{ctx}: the spare is the site before");
        for (p, bytes) in &inc {
            assert!(bytes == &whole[p], "{ctx}: {p} differs from a full build's");
        }
        let listed: Vec<String> =
            std::fs::read_to_string(&changes_file).unwrap().lines().map(str::to_owned).collect();
        assert_eq!(listed, expected_changes(&before, &inc), "{ctx}: --changes");
        // The stories not edited kept their pages.
        let at_least = stories.len().saturating_sub(if edited == "nothing" { 0 } else { 1 });
        if what == 3 || what == 4 {
            // A new tag folder or title can move others' links; at least not all rendered again.
            assert!(reused(&o) > 0, "{ctx}: {}", text(&o));
        } else {
            assert!(
                reused(&o) >= at_least.min(stories.len()),
                "{ctx}: reused {} of {}\n{}",
                reused(&o),
                stories.len(),
                text(&o)
            );
        }
        if edited == "nothing" {
            assert_eq!(listed, Vec::<String>::new(), "{ctx}: nothing to upload");
        }
        // Every story is written again each round, most with the same
        // bytes: those are kept from what they gave the last build, not
        // parsed (a story whose photo or tags' folders changed is).
        if what != 3 && what != 4 {
            assert!(remembered(&o) + 2 >= at_least.min(stories.len()), "{ctx}: {}", text(&o));
        } else {
            assert!(remembered(&o) > 0, "{ctx}: {}", text(&o));
        }
        // The check of every story whose file is the same is recalled, round
        // after round (each check remembers what it recalled).
        assert!(recalled(&o) >= at_least.min(stories.len()), "{ctx}: {}", text(&o));
        // The search index's lists carry the terms of the stories not
        // edited (re-tagged: those whose tags' folders moved are added
        // again; re-dated: those whose place among the others moved).
        if what != 3 && what != 6 {
            assert!(carried(&o) >= at_least.min(stories.len()), "{ctx}: {}", text(&o));
        } else {
            assert!(carried(&o) > 0, "{ctx}: {}", text(&o));
        }
        std::fs::remove_dir_all(&full).unwrap();
    }
}

#[test]
fn a_build_that_fails_leaves_the_previous_site_and_its_pages_whole() {
    let tmp = TempDir::new("incremental-fail");
    let (site, out, cache) = (tmp.dir().join("site"), tmp.dir().join("out"), tmp.dir().join("cache"));
    let viewer = fake_viewer(tmp.dir());
    for n in 0..5 {
        write_story(&site, n, &format!("Story {n}"), &["Ports"], "Text.", false);
    }
    build(&site, &out, &viewer, &cache, None);
    write_story(&site, 3, "Story 3, retitled", &["Ports"], "Text.", false);
    build(&site, &out, &viewer, &cache, None);
    let (before, spare) = (tree(&out), tree(&spare_of(&out)));
    assert!(spare.contains_key("s003/index.html") && spare != before, "the site before is the spare");
    // A broken story: the build stops before writing, and the old site,
    // whose pages the next build would reuse, is as it was, and so is
    // the spare the next build updates.
    std::fs::write(site.join("s002/story.json"), "{ not json").unwrap();
    refused(&site, &out, &viewer, &cache);
    assert_eq!(tree(&out), before);
    assert!(tree(&spare_of(&out)) == spare, "the spare as it was");
    // Fixed: every other story's pages are reused, and the site is what a
    // full build makes.
    write_story(&site, 2, "Story 2 again", &["Ports"], "Text.", false);
    let o = build(&site, &out, &viewer, &cache, None);
    assert_eq!(reused(&o), 4, "{}", text(&o));
    let full = tmp.dir().join("full");
    build(&site, &full, &viewer, &cache, None);
    assert!(tree(&out) == tree(&full));

    // What is by the spare's name but not a build's is left alone; a
    // build's spare whose manifest does not list its files is not used.
    std::fs::remove_dir_all(spare_of(&out)).unwrap();
    std::fs::create_dir_all(spare_of(&out)).unwrap();
    std::fs::write(spare_of(&out).join("notes.txt"), "mine").unwrap();
    build(&site, &out, &viewer, &cache, None);
    assert_eq!(std::fs::read_to_string(spare_of(&out).join("notes.txt")).unwrap(), "mine");
    std::fs::remove_dir_all(spare_of(&out)).unwrap();
    build(&site, &out, &viewer, &cache, None);
    let unlisted = |dir: &Path| {
        let manifest = dir.join(".story-build");
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
        json.as_object_mut().unwrap().remove("others");
        std::fs::write(&manifest, json.to_string()).unwrap();
    };
    unlisted(&spare_of(&out)); // removed, and the site before kept in its place
    let before = tree(&out);
    build(&site, &out, &viewer, &cache, None);
    assert!(tree(&spare_of(&out)) == before);
    // A spare whose manifest names a file outside it is not used (its
    // files would be removed by those names): that file is left alone.
    std::fs::write(tmp.dir().join("outside.txt"), "keep me").unwrap();
    let manifest = spare_of(&out).join(".story-build");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    json["others"].as_array_mut().unwrap().push("../outside.txt".into());
    std::fs::write(&manifest, json.to_string()).unwrap();
    build(&site, &out, &viewer, &cache, None);
    assert_eq!(std::fs::read_to_string(tmp.dir().join("outside.txt")).unwrap(), "keep me");
    unlisted(&out); // not kept as a spare: removed
    build(&site, &out, &viewer, &cache, None);
    assert!(!spare_of(&out).exists());
    write_story(&site, 4, "Story 4, retitled", &["Ports"], "Text.", false);
    build(&site, &out, &viewer, &cache, None);
    let _ = std::fs::remove_dir_all(&full);
    build(&site, &full, &viewer, &cache, None);
    assert!(tree(&out) == tree(&full) && folders(&out) == folders(&full));
}

/// A story whose file did not change is not parsed again, by the check
/// or the build (what they kept of it is recalled), yet what it names
/// outside itself is still looked at: a photo removed since is the same
/// error as when the story is parsed, a photo edited gives new versions.
#[test]
fn a_story_kept_unparsed_still_has_its_photo_looked_for() {
    let tmp = TempDir::new("recalled");
    let (site, out, cache) = (tmp.dir().join("site"), tmp.dir().join("out"), tmp.dir().join("cache"));
    let viewer = fake_viewer(tmp.dir());
    for n in 0..4 {
        write_story(&site, n, &format!("Story {n}"), &["Ports"], "Text.", n == 1);
    }
    build(&site, &out, &viewer, &cache, None);
    for _ in 0..2 {
        let o = build(&site, &out, &viewer, &cache, None);
        assert_eq!((remembered(&o), recalled(&o)), (4, 4), "{}", text(&o));
    }
    for memo in [".out.memo", ".out.checked"] {
        assert!(tmp.dir().join(memo).is_file(), "{memo}");
    }
    // Edited: its pages name the new versions, as a full build's do.
    std::fs::write(site.join("s001/hero.png"), photo(77)).unwrap();
    let o = build(&site, &out, &viewer, &cache, None);
    assert_eq!(remembered(&o), 3, "{}", text(&o));
    let full = tmp.dir().join("full");
    build(&site, &full, &viewer, &cache, None);
    assert!(tree(&out) == tree(&full));
    // Removed: an error, and nothing changes.
    std::fs::remove_file(site.join("s001/hero.png")).unwrap();
    let before = tree(&out);
    let o = refused(&site, &out, &viewer, &cache);
    assert!(text(&o).contains("s001/story.json: hero.src: error: the image"), "{}", text(&o));
    assert!(tree(&out) == before);
}

/// A story file whose stamp (inode, size, times) is as the last build
/// saw it, older than the memo by its margin, is not read at all, by the
/// check or the build; any write to it is seen, even one that keeps its
/// size and sets its modification time back (its change time moves), and
/// a file written within the margin of a build is read again next time.
#[test]
fn a_story_file_is_left_unread_only_while_its_stamp_vouches_for_it() {
    let tmp = TempDir::new("stamp");
    let (site, out, cache) = (tmp.dir().join("site"), tmp.dir().join("out"), tmp.dir().join("cache"));
    let viewer = fake_viewer(tmp.dir());
    for n in 0..3 {
        write_story(&site, n, &format!("Story {n}"), &["Ports"], "Text.", n == 1);
    }
    // Older than the margin when the first build begins its memos.
    std::thread::sleep(std::time::Duration::from_millis(2_200));
    build(&site, &out, &viewer, &cache, None);
    let o = build(&site, &out, &viewer, &cache, None);
    assert_eq!((unread(&o), remembered(&o), recalled(&o)), (3, 3, 3), "{}", text(&o));

    // The same size, the same modification time, other bytes.
    let file = site.join("s002/story.json");
    let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
    let json = std::fs::read_to_string(&file).unwrap().replace("Story 2", "Story Z");
    std::fs::write(&file, json).unwrap();
    std::fs::File::options().write(true).open(&file).unwrap().set_modified(mtime).unwrap();
    let o = build(&site, &out, &viewer, &cache, None);
    assert_eq!((unread(&o), remembered(&o)), (2, 2), "{}", text(&o));
    assert!(text_of(&out.join("s002/index.html")).contains("Story Z"));
    let full = tmp.dir().join("full");
    build(&site, &full, &viewer, &cache, None);
    assert!(tree(&out) == tree(&full));
    // Written within the margin of the last build: read again by the
    // check (and found the same), until it is older; the build takes the
    // hash the check found, and does not read it a second time.
    let o = build(&site, &out, &viewer, &cache, None);
    assert_eq!((unread(&o), remembered(&o), recalled(&o)), (3, 3, 3), "{}", text(&o));
}

fn text_of(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// `story serve`'s fast path (`build::again`): a saved story's pages,
/// rendered again in place, are byte for byte the pages a full build of
/// the saved site writes, and nothing else in the site changes; a change
/// that may reach beyond the story's pages (a photo, a new tag, a new
/// story) is left to the whole build, and a story with errors is reported
/// with the site untouched.
#[test]
fn a_story_rendered_again_in_place_is_what_a_full_build_writes() {
    use story_cli::build::{self, again::render_again, Failure, Options};
    let tmp = TempDir::new("again");
    let (site, out, cache) = (tmp.dir().join("site"), tmp.dir().join("out"), tmp.dir().join("cache"));
    let viewer = fake_viewer(tmp.dir());
    for n in 0..12 {
        write_story(&site, n, &format!("Story {n}"), &[TAGS[n % 3]], &format!("Text {n}."), n % 4 == 0);
    }
    let markdown = |title: &str| {
        format!(
            "---\ntitle: {title}\ndate: 2026-03-01\ntags: [Energy]\nlang: en\n---\n\nThe first paragraph.\n"
        )
    };
    std::fs::create_dir_all(site.join("s050")).unwrap();
    std::fs::write(site.join("s050/story.md"), markdown("A Markdown story")).unwrap();
    let opts = |out: &Path| Options {
        site: site.clone(),
        out: out.to_owned(),
        url: URL.into(),
        viewer: viewer.clone(),
        cache: Some(cache.clone()),
        changes: None,
    };
    let Ok(built) = build::build(&opts(&out)) else { panic!("the site builds") };
    let ctx = built.context;
    let again = |files: &[PathBuf]| render_again(&opts(&out), &ctx, files);
    let file = |n: usize, name: &str| site.join(format!("s{n:03}/{name}"));

    // A new title, text and tag order, with a photo; an editor's temporary
    // file, already gone, in the same burst.
    write_story(&site, 4, "Story 4, corrected", &[TAGS[2], TAGS[1]], "Text 4, with a correction.", true);
    let before = tree(&out);
    let Ok(Some(written)) = again(&[file(4, "story.json"), file(4, ".story.json.swp"), file(4, "4913")])
    else {
        panic!("the fast path is taken")
    };
    for name in ["index.html", "story.json", "embed.html"] {
        assert!(written.contains(&format!("s004/{name}")), "{name} in {written:?}");
    }
    let full = tmp.dir().join("full");
    let Ok(_) = build::build(&opts(&full)) else { panic!("the edited site builds") };
    let (now, whole) = (tree(&out), tree(&full));
    for rel in &written {
        assert!(now[rel] == whole[rel], "{rel} is what a full build writes");
        assert_ne!(before.get(rel), Some(&now[rel]), "{rel} changed");
    }
    assert!(String::from_utf8_lossy(&now["s004/index.html"]).contains("Story 4, corrected"));
    for (rel, bytes) in &before {
        if !written.contains(rel) {
            assert!(&now[rel] == bytes, "{rel} is left to the whole build");
        }
    }

    // A story that now shows a photo put in its folder earlier (no page
    // used it, so no build published it): its versions are published with
    // the page, as the whole build publishes them.
    std::fs::write(file(1, "hero.png"), photo(42)).unwrap();
    write_story(&site, 1, "Story 1", &[TAGS[1]], "Text 1.", true);
    let Ok(Some(written)) = again(&[file(1, "story.json")]) else { panic!("the fast path is taken") };
    let _ = std::fs::remove_dir_all(&full);
    let Ok(_) = build::build(&opts(&full)) else { panic!("the edited site builds") };
    let (now, whole) = (tree(&out), tree(&full));
    assert!(now["s001/index.html"] == whole["s001/index.html"]);
    let photos: Vec<&String> =
        whole.keys().filter(|p| p.starts_with("s001/") && p.contains("hero")).collect();
    assert!(photos.len() > 2, "the photo's versions: {photos:?}");
    for p in photos {
        assert!(now.get(p) == Some(&whole[p]), "{p} published with the page");
    }
    assert!(written.iter().all(|w| now[w] == whole[w]));

    // A story written in Markdown: its story.json as the build publishes it.
    std::fs::write(file(50, "story.md"), markdown("A Markdown story, edited")).unwrap();
    let Ok(Some(written)) = again(&[file(50, "story.md")]) else { panic!("the fast path is taken") };
    let _ = std::fs::remove_dir_all(&full);
    let Ok(_) = build::build(&opts(&full)) else { panic!("the edited site builds") };
    let (now, whole) = (tree(&out), tree(&full));
    assert!(written.contains(&"s050/story.json".to_owned()), "{written:?}");
    assert!(written.iter().all(|w| now[w] == whole[w]));
    assert!(String::from_utf8_lossy(&now["s050/index.html"]).contains("A Markdown story, edited"));

    // Left to the whole build, nothing written: a photo, a tag no story had,
    // a new story, a story's removal.
    let before = tree(&out);
    std::fs::write(file(0, "hero.png"), photo(99)).unwrap();
    assert!(matches!(again(&[file(0, "hero.png")]), Ok(None)));
    write_story(&site, 5, "Story 5", &["A tag nobody had"], "Text 5.", false);
    assert!(matches!(again(&[file(5, "story.json")]), Ok(None)));
    write_story(&site, 40, "Story 40", &[TAGS[0]], "Text 40.", false);
    assert!(matches!(again(&[file(40, "story.json")]), Ok(None)));
    std::fs::remove_dir_all(site.join("s007")).unwrap();
    assert!(matches!(again(&[file(7, "story.json")]), Ok(None)));
    assert!(tree(&out) == before, "nothing written");

    // A story with errors: its report, and the site as it was.
    std::fs::write(file(6, "story.json"), r#"{"format": "story/1", "id": "s006", "title": 7}"#).unwrap();
    match again(&[file(6, "story.json")]) {
        Err(Failure::Input { reports, .. }) => {
            assert!(reports.iter().any(|r| r.file.ends_with("s006/story.json") && r.has_errors()));
        }
        _ => panic!("a story with errors is reported"),
    }
    assert!(tree(&out) == before, "nothing written");
}

/// The search index's lists carried from the last build keep every
/// story's number in order: a site's own catalog that lists stories of
/// one date in another order (their entries' bytes the same) numbers them
/// anew, and the index is still what a full build writes; so it is when
/// a tag's folder moves to another tag, when an entry goes and comes
/// back, and when the catalog is retitled.
#[test]
fn the_search_lists_carried_are_what_a_full_build_writes() {
    let tmp = TempDir::new("carried");
    let (site, out, cache) = (tmp.dir().join("site"), tmp.dir().join("out"), tmp.dir().join("cache"));
    let viewer = fake_viewer(tmp.dir());
    let words = ["harbour", "crane", "tide", "ferry", "dock", "pier"];
    for n in 0..12 {
        let text = format!("{} {} story{n}.", words[n % 6], words[(n + 1) % 6]);
        write_story_dated(&site, n, 0, &format!("Story {n}"), &[TAGS[n % 5]], &text, false);
    }
    let catalog = |title: &str, order: &[usize]| {
        let entries: Vec<serde_json::Value> = order
            .iter()
            .map(|n| {
                json!({ "id": format!("s{n:03}"), "title": format!("Story {n}"), "tags": [TAGS[n % 5]],
                        "published": "2026-01-01T10:00:00Z", "href": format!("s{n:03}/story.json") })
            })
            .collect();
        let c = json!({ "format": "story-index/1", "title": title, "stories": entries });
        std::fs::write(site.join("stories.json"), c.to_string()).unwrap();
    };
    // s003's and s008's tag is "ports", and "Ports" (s000, s005, s010)
    // takes the folder `ports` while the catalog lists it, leaving them
    // `ports-2`: listed without those three, their entries are the same
    // bytes but their tag's folder, and so its search term, is another.
    // The last round retitles the catalog, which each list of stories
    // (`search/docs-K.json`) names.
    let rounds: [(&str, Vec<usize>); 8] = [
        ("News", (0..12).collect()),
        ("News", (0..12).rev().collect()),
        ("News", (0..12).collect()),
        ("News", vec![3, 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11]),
        ("News", (0..12).filter(|n| n % 5 != 0).collect()),
        ("News", (0..11).collect()),
        ("News", (0..12).collect()),
        ("Harbour News", (0..12).collect()),
    ];
    for (round, (title, order)) in rounds.iter().enumerate() {
        catalog(title, order);
        let o = build(&site, &out, &viewer, &cache, None);
        if round > 0 {
            assert!(carried(&o) > 0, "round {round}: {}", text(&o));
        }
        let full = tmp.dir().join(format!("full{round}"));
        same_as_full([&site, &out, &full, &viewer, &cache], &format!("round {round}"));
    }
    // Lists that do not hash as written are not carried: the index is
    // made whole again, the same bytes.
    let state = tmp.dir().join(".out.search");
    let mut bytes = std::fs::read(&state).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&state, bytes).unwrap();
    let before = tree(&out);
    let o = build(&site, &out, &viewer, &cache, None);
    assert_eq!(carried(&o), 0, "{}", text(&o));
    assert!(tree(&out) == before, "the same site");
    let o = build(&site, &out, &viewer, &cache, None);
    assert_eq!(carried(&o), 12, "written whole again: {}", text(&o));
}

/// A list page is made again when what its entries show changes, not their
/// JSON: a tag's folder ("ports" gives `ports` up to "Ports", a tag taken on
/// another page; past the top tags only the entry links it) and a picture.
#[test]
fn a_list_page_follows_its_entries_tag_folders_and_thumbnails() {
    let tmp = TempDir::new("list-keys");
    let (site, out, cache) = (tmp.dir().join("site"), tmp.dir().join("out"), tmp.dir().join("cache"));
    let viewer = fake_viewer(tmp.dir());
    // s000 is the newest, the rest in folder order (page 1: s000-s049); 22
    // tags of two or three stories each fill the filter's top 20.
    let tags_of = |n: usize| match n {
        0 => "ports".to_owned(),
        59 => "zz".to_owned(),
        n => format!("t{}", n % 22),
    };
    for n in 0..60 {
        let day = if n == 0 { 8 } else { 0 };
        write_story_dated(&site, n, day, &format!("Story {n}"), &[&tags_of(n)], "Text.", n == 1);
    }
    let same_as_full = |n: usize, round: &str| {
        let o = build(&site, &out, &viewer, &cache, None);
        assert!(o.status.success(), "{round}: {}", text(&o));
        same_as_full([&site, &out, &tmp.dir().join(format!("full{n}")), &viewer, &cache], round)
    };
    let first = same_as_full(0, "first");
    let page = "index.html";
    assert!(String::from_utf8_lossy(&first[page]).contains("tags/ports/"), "{page} links s000's tag");
    write_story_dated(&site, 59, 0, "Story 59", &["Ports"], "Text.", false);
    let retagged = same_as_full(1, "s059 tagged Ports");
    assert!(String::from_utf8_lossy(&retagged[page]).contains("tags/ports-2/"), "{page}: \"ports\" moved");
    std::fs::write(site.join("s001/hero.png"), photo(200)).unwrap();
    let pictured = same_as_full(2, "s001's photo replaced");
    assert!(pictured[page] != retagged[page], "{page} shows s001's new picture");
}
