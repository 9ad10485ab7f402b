//! `story` against hostile folders: what someone who can write SITE (a
//! contributor's pull request, a shared drive) could try, and a publisher's
//! honest mistakes. Each folder is made here, in the test: links out of
//! SITE, link loops, FIFOs, `/dev/zero`, an alias bomb, 2,000 tags. The
//! promises: nothing outside SITE is read or published, OUT is replaced
//! only when it is a build's, and every input costs time in proportion.

mod support;

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use story_cli::sandbox::Sandbox;
use support::{fake_viewer, story_in, text, TempDir};

const URL: &str = "https://news.example/section/";

/// A minimal valid story with this id (a hero `hero.png` when `hero`).
fn story(id: &str, tags: &[&str], hero: bool) -> String {
    let hero = if hero { r#""hero":{"src":"hero.png","alt":"A crane","width":2,"height":1},"# } else { "" };
    let tags = tags.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(",");
    format!(
        r#"{{"format":"story/1","id":"{id}","title":"Story {id}","published":"2026-01-02","source":{{"name":"Wire"}},{hero}"tags":[{tags}],"sections":[{{"blocks":["The text of {id}."]}}]}}"#
    )
}

/// A 2x1 PNG (a red and a blue pixel).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0xd, 0xa, 0x1a, 0xa, 0x0, 0x0, 0x0, 0xd, 0x49, 0x48, 0x44, 0x52, 0x0, 0x0, 0x0,
    0x2, 0x0, 0x0, 0x0, 0x1, 0x8, 0x2, 0x0, 0x0, 0x0, 0x7b, 0x40, 0xe8, 0xdd, 0x0, 0x0, 0x0, 0xd, 0x49, 0x44,
    0x41, 0x54, 0x78, 0x9c, 0x63, 0x38, 0x21, 0x7, 0x4, 0x27, 0x0, 0x7, 0x23, 0x2, 0x9, 0xe4, 0x58, 0x88,
    0x39, 0x0, 0x0, 0x0, 0x0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A site with one bundle `a/` (story and hero) in `tmp/site`.
fn one_story_site(tmp: &TempDir) -> std::path::PathBuf {
    tmp.write("site/a/story.json", &story("a", &["Energy"], true));
    std::fs::write(tmp.dir().join("site/a/hero.png"), PNG).unwrap();
    tmp.dir().join("site")
}

/// `story` with these arguments in `dir`, killed after `limit` (a hang is a failure, not a stuck test).
fn story_within(dir: &Path, args: &[&str], limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_story"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("story {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (child.wait_with_output().unwrap(), started.elapsed())
}

fn build(tmp: &TempDir, site: &str, out: &str) -> Output {
    let viewer = fake_viewer(tmp.dir());
    story_in(tmp.dir(), &["build", site, "--out", out, "--url", URL, "--viewer", viewer.to_str().unwrap()])
}

fn files_below(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

#[test]
fn an_out_that_is_a_link_is_refused_and_what_it_points_to_is_kept() {
    let tmp = TempDir::new("out-link");
    one_story_site(&tmp);
    // OUT a link to SITE itself (the reported case), and to another folder.
    symlink("site", tmp.dir().join("o")).unwrap();
    tmp.write("precious/keep.txt", "mine");
    symlink("precious", tmp.dir().join("p")).unwrap();
    for out in ["o", "p"] {
        let o = build(&tmp, "site", out);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("is a link"), "{}", text(&o));
        assert!(text(&o).contains("was not changed"), "{}", text(&o));
    }
    assert_eq!(files_below(&tmp.dir().join("site")), ["a/hero.png", "a/story.json"]);
    assert_eq!(tmp.read("precious/keep.txt"), "mine");
}

#[test]
fn an_out_holding_other_files_is_refused_and_one_a_build_made_is_replaced() {
    let tmp = TempDir::new("out-foreign");
    one_story_site(&tmp);
    // A home folder named by mistake: files no build wrote.
    tmp.write("home/.bashrc", "x");
    tmp.write("home/notes/today.txt", "y");
    let o = build(&tmp, "site", "home");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("holds files that story build did not write"), "{}", text(&o));
    assert_eq!(files_below(&tmp.dir().join("home")), [".bashrc", "notes/today.txt"]);
    // An empty folder, then the same folder again (now marked as a build's).
    std::fs::create_dir(tmp.dir().join("out")).unwrap();
    for _ in 0..2 {
        let o = build(&tmp, "site", "out");
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    assert!(tmp.dir().join("out/.story-site").is_file());
}

#[test]
fn files_outside_site_are_neither_read_nor_published() {
    let tmp = TempDir::new("outside");
    let site = one_story_site(&tmp);
    tmp.write("secret/token.txt", "CI_TOKEN=hunter2");
    // A link beside a story (published by the old copy step), a link to a
    // story outside, a linked folder with a story inside, and unreferenced files.
    symlink(tmp.dir().join("secret/token.txt"), site.join("a/notes.txt")).unwrap();
    symlink("/etc/passwd", site.join("a/passwd")).unwrap();
    tmp.write("elsewhere/b/story.json", &story("b", &[], false));
    symlink(tmp.dir().join("elsewhere/b"), site.join("b")).unwrap();
    tmp.write("site/a/.env", "SECRET=1");
    tmp.write("site/a/interview-notes.txt", "off the record");
    tmp.write("site/static/humans.txt", "The newsroom");
    let o = build(&tmp, "site", "out");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("a link to a folder is not followed"), "{}", text(&o));
    let published = files_below(&tmp.dir().join("out"));
    for f in ["a/notes.txt", "a/passwd", "a/.env", "a/interview-notes.txt", "b/story.json", "b/index.html"] {
        assert!(!published.contains(&f.to_owned()), "{f} was published: {published:?}");
    }
    for f in ["a/story.json", "a/hero.png", "a/index.html", "static/humans.txt"] {
        assert!(published.contains(&f.to_owned()), "{f} is missing: {published:?}");
    }
    let everything: String = published
        .iter()
        .map(|f| String::from_utf8_lossy(&std::fs::read(tmp.dir().join("out").join(f)).unwrap()).into_owned())
        .collect();
    assert!(!everything.contains("hunter2") && !everything.contains("root:x:0"));

    // A story whose hero is a link out of SITE, and a catalog entry whose
    // story is outside it: errors by name, in check and build alike.
    std::fs::remove_file(site.join("a/hero.png")).unwrap();
    symlink("/etc/passwd", site.join("a/hero.png")).unwrap();
    for args in
        [vec!["check", "site"], vec!["build", "site", "--out", "out", "--url", URL, "--viewer", "viewer"]]
    {
        let o = story_in(tmp.dir(), &args);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        assert!(
            text(&o).contains("hero.src: error: the image")
                && text(&o).contains("leads outside the site's folder"),
            "{}",
            text(&o)
        );
    }
    // `../../x.png` and an absolute path: outside SITE, refused.
    tmp.write("x.png", "not published");
    tmp.write(
        "site/c/story.json",
        &story("c", &[], false).replace(r#""tags""#, r#""hero":{"src":"../../x.png","alt":"x"},"tags""#),
    );
    let o = story_in(tmp.dir(), &["check", "site/c"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("leads outside the site's folder"), "{}", text(&o));
}

#[test]
fn fifos_devices_and_endless_files_are_refused_without_hanging() {
    let tmp = TempDir::new("fifo");
    let site = one_story_site(&tmp);
    std::fs::create_dir(site.join("f")).unwrap();
    mkfifo(&site.join("f/story.json"));
    std::fs::create_dir(site.join("z")).unwrap();
    symlink("/dev/zero", site.join("z/story.json")).unwrap();
    let (o, _) = story_within(tmp.dir(), &["check", "site"], Duration::from_secs(30));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("f/story.json: $: error: the file is a FIFO (named pipe), not a regular file"),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains("z/story.json: $: error: the file leads outside the site's folder"),
        "{}",
        text(&o)
    );
    // A device inside the sandbox's root, and the limit counted while
    // reading: /proc files say they are empty and are not.
    let dev = Sandbox::new(Path::new("/dev")).unwrap();
    assert!(dev.read(Path::new("/dev/zero"), 1024).unwrap_err().unwrap_err().0.contains("is a device"));
    let proc = Sandbox::new(Path::new("/proc/self")).unwrap();
    assert_eq!(std::fs::metadata("/proc/self/status").unwrap().len(), 0);
    assert!(matches!(proc.read(Path::new("/proc/self/status"), 10), Err(Ok(n)) if n > 10));
}

#[test]
fn link_loops_and_a_path_named_twice_end_in_a_report() {
    let tmp = TempDir::new("loops");
    let site = one_story_site(&tmp);
    symlink(".", site.join("a/again")).unwrap();
    std::fs::create_dir(site.join("b")).unwrap();
    symlink("..", site.join("b/up")).unwrap();
    symlink("loop2", site.join("loop1")).unwrap();
    symlink("loop1", site.join("loop2")).unwrap();
    let limit = Duration::from_secs(30);
    let (o, _) = story_within(tmp.dir(), &["check", "site"], limit);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(text(&o).matches("a link to a folder is not followed").count(), 2, "{}", text(&o));
    let viewer = fake_viewer(tmp.dir());
    let args = ["build", "site", "--out", "out", "--url", URL, "--viewer", viewer.to_str().unwrap()];
    let (o, _) = story_within(tmp.dir(), &args, limit);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // The same folder twice (was: a panic, "sorted as a catalog").
    assert_eq!(story_in(tmp.dir(), &["index", "site"]).status.code(), Some(0));
    let (o, _) = story_within(tmp.dir(), &["check", "site", "site", "site/stories.json"], limit);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("2 files checked"), "{}", text(&o));
}

#[test]
fn a_yaml_alias_bomb_is_refused_at_once() {
    let tmp = TempDir::new("alias");
    let mut front = String::from(
        "---\ntitle: Bomb\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (name, prev) in
        ["b", "c", "d", "e", "f", "g", "h", "i"].iter().zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        front.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 9].join(",")));
    }
    front.push_str("---\nText.\n");
    assert!(front.len() < 600, "a few hundred bytes: {}", front.len());
    tmp.write("site/bomb/story.md", &front);
    let viewer = fake_viewer(tmp.dir());
    let limit = Duration::from_secs(20);
    for args in [
        vec!["check", "site"],
        vec!["import", "site/bomb/story.md"],
        vec!["build", "site", "--out", "out", "--url", URL, "--viewer", viewer.to_str().unwrap()],
    ] {
        let (o, _) = story_within(tmp.dir(), &args, limit);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o));
        let line = text(&o).lines().find(|l| l.contains("line 4, column 8")).unwrap_or_default().to_owned();
        assert!(line.contains("a YAML alias (*name) is not read in front matter"), "{}", text(&o));
    }
    // Nesting deeper than the format could use.
    tmp.write(
        "site/deep/story.md",
        &format!("---\ntitle: {}{}\n---\nText.\n", "[".repeat(40), "]".repeat(40)),
    );
    let (o, _) = story_within(tmp.dir(), &["check", "site/deep"], limit);
    assert!(text(&o).contains("nests deeper than 16 levels"), "{}", text(&o));
}

#[test]
fn markdown_problems_are_capped_and_cost_time_in_proportion() {
    let tmp = TempDir::new("md-problems");
    let front = "---\ntitle: x\npublished: 2026-01-02\nsource:\n  name: y\n---\n";
    // 1.44 MB of raw HTML (160,000 problems), 800 KB of nested quotes.
    tmp.write("a/story.md", &format!("{front}{}\n", "Text <b> ".repeat(160_000)));
    tmp.write("b/story.md", &format!("{front}{}hi\n", "> ".repeat(400_000)));
    for (dir, first) in [("a", "raw HTML has no place"), ("b", "a quote inside a quote")] {
        let (o, took) = story_within(tmp.dir(), &["check", dir], Duration::from_secs(60));
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(out.lines().count(), 201, "200 problems and a count: {}", &out[..out.len().min(2000)]);
        assert!(out.lines().next().unwrap().contains(first), "{}", &out[..500]);
        assert!(out.lines().last().unwrap().contains("more problems not listed (only the first 200 are)"));
        // Was 34.6 s and 120 s and more: a generous bound, for a busy machine.
        assert!(took < Duration::from_secs(15), "{dir}: {took:?}");
    }
}

#[test]
fn thousands_of_tags_cost_pages_in_proportion() {
    let tmp = TempDir::new("tags");
    const N: usize = 2_000;
    for i in 0..N {
        tmp.write(&format!("site/s{i}/story.json"), &story(&format!("s{i}"), &[&format!("tag-{i}")], false));
    }
    // One tag on every story: the most used, so always in the filter.
    let started = Instant::now();
    let o = build(&tmp, "site", "out");
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = tmp.dir().join("out");
    let first = std::fs::read_to_string(out.join("index.html")).unwrap();
    let tag_page = std::fs::read_to_string(out.join("tags/tag-1234/index.html")).unwrap();
    for page in [&first, &tag_page] {
        // The filter: "All", the top tags (and the page's own), and the tags page.
        let filter = page.split("class=\"sv-filter\"").nth(1).unwrap().split("</nav>").next().unwrap();
        let links = filter.matches("<a ").count();
        assert!(links <= 1 + 20 + 1 + 1, "{links} links in the filter");
        assert!(filter.contains(&format!("All {N} tags")), "{filter}");
    }
    assert!(tag_page.contains("aria-current=\"true\">tag-1234<"), "the page's own tag is offered");
    let all = std::fs::read_to_string(out.join("tags/index.html")).unwrap();
    assert_eq!(all.matches("href=\"tag-").count(), N, "every tag once on the tags page");
    assert!(all.contains("<a href=\"../\">All</a>"), "and a way back to every story");
    assert!(all.contains(">tag-1999</a> (1)"));
    // Output in proportion to the tags (was 3.8 GB for 10,000): under 10 KB a tag page.
    let bytes: u64 = files_below(&out).iter().map(|f| std::fs::metadata(out.join(f)).unwrap().len()).sum();
    assert!(bytes < (N as u64) * 2 * 10_000, "{bytes} bytes");
    eprintln!("{N} stories with a tag each: built in {took:?}, {bytes} bytes");
}

#[test]
fn import_out_never_writes_through_a_link_and_a_failure_writes_nothing() {
    let tmp = TempDir::new("import-out");
    tmp.write(
        "src/story.md",
        "---\ntitle: T\npublished: 2026-01-02\nsource:\n  name: S\n---\nText.\n\n![A crane](img/crane.png)\n",
    );
    std::fs::create_dir(tmp.dir().join("src/img")).unwrap();
    std::fs::write(tmp.dir().join("src/img/crane.png"), PNG).unwrap();
    // In DIR: story.json a link to a file of the publisher's, img a link to another folder.
    tmp.write("victim.txt", "keep me");
    tmp.write("elsewhere/.keep", "");
    tmp.write("dest/.keep", "");
    symlink(tmp.dir().join("victim.txt"), tmp.dir().join("dest/story.json")).unwrap();
    symlink(tmp.dir().join("elsewhere"), tmp.dir().join("dest/img")).unwrap();
    let o = story_in(tmp.dir(), &["import", "src/story.md", "--out", "dest"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("not a folder (a link or a file); nothing is written through it"),
        "{}",
        text(&o)
    );
    assert_eq!(tmp.read("victim.txt"), "keep me");
    assert_eq!(files_below(&tmp.dir().join("elsewhere")), [".keep"]);
    // Without the folder link: story.json's link is replaced, not written through.
    std::fs::remove_file(tmp.dir().join("dest/img")).unwrap();
    let o = story_in(tmp.dir(), &["import", "src/story.md", "--out", "dest"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(tmp.read("victim.txt"), "keep me");
    assert!(!std::fs::symlink_metadata(tmp.dir().join("dest/story.json")).unwrap().file_type().is_symlink());
    // A failure after the first image (the second is a FIFO): nothing is left behind.
    tmp.write("src2/story.md", "---\ntitle: T\npublished: 2026-01-02\nsource:\n  name: S\n---\nText.\n\n![A](a/one.png)\n\n![B](b/two.png)\n");
    std::fs::create_dir_all(tmp.dir().join("src2/a")).unwrap();
    std::fs::create_dir_all(tmp.dir().join("src2/b")).unwrap();
    std::fs::write(tmp.dir().join("src2/a/one.png"), PNG).unwrap();
    mkfifo(&tmp.dir().join("src2/b/two.png"));
    let (o, _) =
        story_within(tmp.dir(), &["import", "src2/story.md", "--out", "new"], Duration::from_secs(30));
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!tmp.dir().join("new").exists(), "{:?}", files_below(&tmp.dir().join("new")));
}

#[test]
fn leftovers_of_killed_builds_are_removed_and_only_those() {
    let tmp = TempDir::new("leftovers");
    one_story_site(&tmp);
    // A kill while the old site was being removed: its marker is the last
    // file to go, so what is left is marked, or only empty folders.
    tmp.write(".out.building-999999991/.story-site", "");
    tmp.write(".out.building-999999991/a/story.json", "{}");
    std::fs::create_dir_all(tmp.dir().join(".out.building-999999992/a/b")).unwrap();
    // Not ours: no marker, files in it.
    tmp.write(".out.building-999999993/mine.txt", "keep");
    let o = build(&tmp, "site", "out");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!tmp.dir().join(".out.building-999999991").exists());
    assert!(!tmp.dir().join(".out.building-999999992").exists());
    assert_eq!(tmp.read(".out.building-999999993/mine.txt"), "keep");
}

#[test]
fn addresses_from_folder_names_stay_under_the_site() {
    let tmp = TempDir::new("names");
    for (dir, id) in [("%2e%2e", "dots"), ("a?b", "query"), ("a#b", "hash")] {
        tmp.write(&format!("site/{dir}/story.json"), &story(id, &[], false));
    }
    let o = build(&tmp, "site", "out");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let sitemap = std::fs::read_to_string(tmp.dir().join("out/sitemap.xml")).unwrap();
    for (dir, encoded) in [("%2e%2e", "%252e%252e/"), ("a?b", "a%3Fb/"), ("a#b", "a%23b/")] {
        let page = std::fs::read_to_string(tmp.dir().join("out").join(dir).join("index.html")).unwrap();
        let canonical = format!("<link rel=\"canonical\" href=\"{URL}{encoded}\">");
        assert!(page.contains(&canonical), "{dir}: {}", &page[..page.len().min(3000)]);
        assert!(sitemap.contains(&format!("<loc>{URL}{encoded}</loc>")), "{sitemap}");
    }
    let feed = std::fs::read_to_string(tmp.dir().join("out/feed.json")).unwrap();
    assert!(feed.contains(&format!("{URL}a%3Fb/")), "{feed}");
}

#[test]
fn story_index_writes_only_what_story_check_accepts() {
    let tmp = TempDir::new("index");
    tmp.write("site/a:b/story.json", &story("colon", &[], false));
    tmp.write(
        "site/c/story.json",
        &story("remote-hero", &[], false)
            .replace(r#""tags""#, r#""hero":{"src":"//evil.example/x.png","alt":"x"},"tags""#),
    );
    let o = story_in(tmp.dir(), &["index", "site"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let catalog = tmp.read("site/stories.json");
    assert!(
        catalog.contains("\"./a:b/story.json\"") && catalog.contains("\"//evil.example/x.png\""),
        "{catalog}"
    );
    let o = story_in(tmp.dir(), &["check", "site"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn ids_are_unique_across_a_site() {
    let tmp = TempDir::new("ids");
    tmp.write("site/a/story.json", &story("same", &[], false));
    tmp.write("site/b/story.json", &story("same", &[], false));
    let o = story_in(tmp.dir(), &["check", "site"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o)
            .contains("site/b/story.json: id: error: the id \"same\" is also the id of site/a/story.json"),
        "{}",
        text(&o)
    );
}

#[test]
fn unreadable_or_empty_paths_and_credentials_in_the_url_are_refused() {
    let tmp = TempDir::new("refused");
    let site = one_story_site(&tmp);
    std::fs::create_dir(tmp.dir().join("empty")).unwrap();
    for path in ["missing", "empty"] {
        let o = story_in(tmp.dir(), &["check", path]);
        assert_eq!(o.status.code(), Some(2), "{path}: {}", text(&o));
        assert!(!text(&o).contains("no errors"), "{}", text(&o));
    }
    let viewer = fake_viewer(tmp.dir());
    let o = story_in(
        tmp.dir(),
        &[
            "build",
            site.to_str().unwrap(),
            "--out",
            "out",
            "--url",
            "https://user:hunter2@news.example/",
            "--viewer",
            viewer.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("user name or password") && !text(&o).contains("hunter2"), "{}", text(&o));
    assert!(!tmp.dir().join("out").exists());
}
