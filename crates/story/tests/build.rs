//! `story build` as a publisher runs it: what OUT holds, every page read
//! back by an HTML5 parser, feeds and sitemap by an XML parser, hostile
//! text through every output, and a failed or interrupted build that
//! leaves the old site exactly as it was.

use std::path::Path;
use std::process::Command;

mod support;

use scraper::Html;
use serde_json::{json, Value};
use support::site::{all_text, attr, build, page, read, select, snapshot, URL};
use support::{fake_viewer, root, text, TempDir};

/// Copies the sample stories into `to`.
fn samples(to: &Path) {
    let from = root().join("static/samples");
    let mut stack = vec![from.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let target = to.join(e.path().strip_prefix(&from).unwrap());
            if e.path().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
                stack.push(e.path());
            } else {
                std::fs::copy(e.path(), target).unwrap();
            }
        }
    }
}

/// No staging or set-aside folder of a build (`.out.…`) is left in `dir`
/// but the spare site the next build updates (`.out.spare`) and what its
/// stories gave it, its check, its catalog's pages, its search index and
/// lists of stories (`.out.memo`, `.out.checked`, `.out.pages`,
/// `.out.search`, `.out.docs`).
fn assert_no_leftovers(dir: &Path) {
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with(".out.")
                && ![".out.spare", ".out.memo", ".out.checked", ".out.pages", ".out.search", ".out.docs"]
                    .contains(&n.as_str())
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_samples_become_a_site() {
    let tmp = TempDir::new("samples");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    samples(&site);
    let viewer = fake_viewer(tmp.dir());
    let o = build(&site, &out, &viewer);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("6 stories"), "{}", text(&o));
    for f in [
        "index.html",
        "stories.json",
        "feed.xml",
        "feed.json",
        "sitemap.xml",
        "robots.txt",
        "embed.js",
        "story-viewer_bg.wasm",
        "night-trains/index.html",
        "night-trains/story.json",
        "night-trains/hero.png",
        "tags/energy/index.html",
        "tags/科技/index.html",
    ] {
        assert!(out.join(f).is_file(), "{f} is missing");
    }

    // A story page: metadata in the head, the article in the body, links relative.
    let doc = page(out.join("night-trains/index.html"));
    assert_eq!(attr(&doc, "html", "lang"), "en");
    assert_eq!(all_text(&select(&doc, "title")[0]), "Night trains return to the northern line");
    assert_eq!(attr(&doc, "link[rel=canonical]", "href"), format!("{URL}night-trains/"));
    assert_eq!(attr(&doc, "meta[property='og:type']", "content"), "article");
    // The preview is the image's 1200 px version, made by the build.
    let og = attr(&doc, "meta[property='og:image']", "content");
    let version = |v: &str, suffix: &str| {
        let name = v.strip_prefix(&format!("{URL}night-trains/hero.")).unwrap_or("");
        name.len() == 8 + suffix.len()
            && name.ends_with(suffix)
            && name[..8].bytes().all(|b| b.is_ascii_hexdigit())
    };
    assert!(version(&og, "-1200.jpg"), "{og}");
    assert_eq!(attr(&doc, "meta[property='og:image:width']", "content"), "1200");
    assert_eq!(attr(&doc, "meta[name='twitter:card']", "content"), "summary_large_image");
    assert_eq!(attr(&doc, "meta[property='article:published_time']", "content"), "2026-03-20T18:45:00Z");
    assert_eq!(select(&doc, "meta[property='article:tag']").len(), 2);
    assert_eq!(attr(&doc, "link[type='application/atom+xml']", "href"), "../feed.xml");
    let ld: Value =
        serde_json::from_str(&all_text(&select(&doc, "script[type='application/ld+json']")[0])).unwrap();
    assert_eq!(ld["@type"], "NewsArticle");
    // One person: an object (link-preview tools skip a list), never guessed.
    assert_eq!(ld["author"], serde_json::json!({ "@type": "Person", "name": "Jonas Berg" }));
    assert_eq!(attr(&doc, "meta[name='author']", "content"), "Jonas Berg");
    assert_eq!(ld["isBasedOn"], "https://example.com/nordisk/night-trains");
    // Google's three ratios: 16:9, 4:3, 1:1 crops.
    for (i, ratio) in ["-16x9.jpg", "-4x3.jpg", "-1x1.jpg"].iter().enumerate() {
        assert!(version(ld["image"][i].as_str().unwrap(), ratio), "{}", ld["image"]);
    }
    assert_eq!(all_text(&select(&doc, "article h1")[0]).trim(), "Night trains return to the northern line");
    assert_eq!(attr(&doc, "article .sv-hero img", "src"), "hero.png");
    assert_eq!(attr(&doc, ".sv-back a", "href"), "../");
    assert_eq!(attr(&doc, ".sv-tags a", "href"), "../tags/transport/");
    assert_eq!(attr(&doc, "script[type=module]", "src"), "../embed.js");
    // Every link or image on the page stays on the site relative, or leaves it absolute.
    for el in select(&doc, "body [href], body [src]") {
        let v = el.value().attr("href").or(el.value().attr("src")).unwrap();
        assert!(!v.starts_with(URL), "{v} should be relative");
    }
    // The controls that need the viewer are hidden stand-ins only.
    assert!(select(&doc, "button").iter().all(|b| b
        .ancestors()
        .any(|a| { a.value().as_element().is_some_and(|e| e.attr("aria-hidden") == Some("true")) })));

    // The catalog and a tag page: real links to the stories' folders.
    let index = page(out.join("index.html"));
    let first = &select(&index, ".sv-entry-title a")[0];
    assert_eq!(first.value().attr("href"), Some("night-trains/"));
    let tag = page(out.join("tags/energy/index.html"));
    let titles: Vec<String> = select(&tag, ".sv-entry-title a").iter().map(all_text).collect();
    assert_eq!(titles, ["Harbour cranes go electric"]);
    assert_eq!(attr(&tag, ".sv-entry-title a", "href"), "../../harbour-cranes/");

    // Feeds and sitemap parse; the newest story comes first.
    let atom = read(out.join("feed.xml"));
    let atom = roxmltree::Document::parse(&atom).unwrap();
    let first_entry = atom.descendants().find(|n| n.has_tag_name("entry")).unwrap();
    let title = first_entry.children().find(|n| n.has_tag_name("title")).unwrap();
    assert_eq!(title.text(), Some("Night trains return to the northern line"));
    let content = first_entry.children().find(|n| n.has_tag_name("content")).unwrap().text().unwrap();
    assert!(content.contains("<h2 id=\"who-is-on-board\""), "{content}");
    assert!(content.contains(&format!("src=\"{URL}night-trains/hero.png\"")), "feeds use absolute addresses");
    let jf: Value = serde_json::from_str(&read(out.join("feed.json"))).unwrap();
    assert_eq!(jf["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(jf["items"][0]["url"], format!("{URL}night-trains/"));
    assert_eq!(jf["items"].as_array().unwrap().len(), 6);
    let sitemap = read(out.join("sitemap.xml"));
    let sitemap = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> =
        sitemap.descendants().filter(|n| n.has_tag_name("loc")).filter_map(|n| n.text()).collect();
    assert!(locs.contains(&URL) && locs.contains(&format!("{URL}night-trains/").as_str()), "{locs:?}");
    assert!(locs.iter().any(|l| l.contains("/tags/")), "{locs:?}");
    assert!(read(out.join("robots.txt")).contains(&format!("Sitemap: {URL}sitemap.xml")));
}

/// A text meant to break every place it lands.
const HOSTILE: &str = "</title><script>alert(1)</script> ]]> \"q\" 'a' <!-- & &amp; </script>";
/// The same, within a tag's 60 characters.
const HOSTILE_TAG: &str = "</a><script>x</script> ]]> \"'<!-- &amp;";

fn hostile_story() -> Value {
    json!({
        "format": "story/1.1", "id": "hostile", "lang": "en",
        "title": HOSTILE, "dek": HOSTILE, "byline": HOSTILE,
        "published": "2026-03-01",
        "source": { "name": HOSTILE, "url": "https://example.com/?a=1&b=<2>" },
        "hero": { "src": "hero.png", "alt": HOSTILE, "width": 4, "height": 3,
                  "caption": HOSTILE, "credit": { "author": HOSTILE, "provider": HOSTILE } },
        "tags": [HOSTILE_TAG, "plain"],
        "sections": [
            { "heading": HOSTILE, "blocks": [
                HOSTILE,
                { "type": "quote", "text": HOSTILE, "cite": HOSTILE },
                { "type": "list", "items": [HOSTILE] },
                [{ "text": HOSTILE, "href": "https://example.com/\"><script>" }]
            ] }
        ]
    })
}

#[test]
fn hostile_text_comes_back_whole_from_every_output() {
    let tmp = TempDir::new("hostile");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    std::fs::create_dir_all(site.join("h")).unwrap();
    std::fs::write(site.join("h/story.json"), serde_json::to_string_pretty(&hostile_story()).unwrap())
        .unwrap();
    // A 4x3 PNG, so the image exists.
    std::fs::copy(root().join("static/samples/night-trains/hero-600.png"), site.join("h/hero.png")).unwrap();
    let viewer = fake_viewer(tmp.dir());
    let o = build(&site, &out, &viewer);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let doc = page(out.join("h/index.html"));
    assert_eq!(all_text(&select(&doc, "title")[0]), HOSTILE);
    assert_eq!(attr(&doc, "meta[name=description]", "content"), HOSTILE);
    assert_eq!(attr(&doc, "meta[property='og:title']", "content"), HOSTILE);
    assert_eq!(attr(&doc, "meta[property='og:image:alt']", "content"), HOSTILE);
    let scripts = select(&doc, "script");
    assert_eq!(scripts.len(), 3, "the JSON-LD, reading.js and embed.js, nothing injected");
    let ld: Value =
        serde_json::from_str(&all_text(&select(&doc, "script[type='application/ld+json']")[0])).unwrap();
    assert_eq!(ld["headline"], HOSTILE);
    assert_eq!(ld["keywords"], format!("{HOSTILE_TAG}, plain"));
    assert_eq!(all_text(&select(&doc, "article h1")[0]), HOSTILE);
    assert_eq!(all_text(&select(&doc, ".sv-dek")[0]), HOSTILE);
    assert_eq!(all_text(&select(&doc, "article h2")[0]), HOSTILE);
    assert_eq!(all_text(&select(&doc, ".sv-body p")[0]), HOSTILE);
    assert_eq!(all_text(&select(&doc, "blockquote")[0]), HOSTILE);
    assert_eq!(all_text(&select(&doc, "cite")[0]), HOSTILE);
    assert_eq!(all_text(&select(&doc, ".sv-body li")[0]), HOSTILE);
    assert_eq!(attr(&doc, ".sv-hero img", "alt"), HOSTILE);
    assert!(all_text(&select(&doc, ".sv-caption")[0]).contains(HOSTILE));
    assert_eq!(all_text(&select(&doc, ".sv-tags a")[0]), HOSTILE_TAG);
    assert_eq!(attr(&doc, ".sv-body p a", "href"), "https://example.com/%22%3E%3Cscript%3E");
    assert_eq!(attr(&doc, ".sv-source-link", "href"), "https://example.com/?a=1&b=%3C2%3E");

    let index = page(out.join("index.html"));
    assert_eq!(all_text(&select(&index, ".sv-entry-title a")[0]), HOSTILE);
    let tag_href = attr(&index, ".sv-filter a[href*=tags]", "href");
    assert!(out.join(&tag_href).join("index.html").is_file(), "{tag_href}");

    let atom = read(out.join("feed.xml"));
    let atom = roxmltree::Document::parse(&atom).unwrap();
    let entry = atom.descendants().find(|n| n.has_tag_name("entry")).unwrap();
    let child = |name: &str| entry.children().find(|n| n.has_tag_name(name)).unwrap();
    assert_eq!(child("title").text(), Some(HOSTILE));
    assert_eq!(child("summary").text(), Some(HOSTILE));
    assert_eq!(child("category").attribute("term"), Some(HOSTILE_TAG));
    assert_eq!(child("author").children().find(|n| n.has_tag_name("name")).unwrap().text(), Some(HOSTILE));
    let content = Html::parse_fragment(child("content").text().unwrap());
    assert_eq!(all_text(&select(&content, "blockquote")[0]), HOSTILE);

    let jf: Value = serde_json::from_str(&read(out.join("feed.json"))).unwrap();
    assert_eq!(jf["items"][0]["title"], HOSTILE);
    assert_eq!(jf["items"][0]["tags"][0], HOSTILE_TAG);
    let content = Html::parse_fragment(jf["items"][0]["content_html"].as_str().unwrap());
    assert_eq!(all_text(&select(&content, "h2")[0]), HOSTILE);

    let catalog: Value = serde_json::from_str(&read(out.join("stories.json"))).unwrap();
    assert_eq!(catalog["stories"][0]["title"], HOSTILE);
    roxmltree::Document::parse(&read(out.join("sitemap.xml"))).unwrap();
}

fn story_json(id: &str, day: u32, tags: &[&str]) -> String {
    serde_json::to_string(&json!({
        "format": "story/1.1", "id": id, "lang": "en", "title": format!("Story {id}"),
        "published": format!("2026-01-{day:02}"), "source": { "name": "Wire" }, "tags": tags,
        "sections": [{ "blocks": [format!("The text of {id}.")] }]
    }))
    .unwrap()
}

#[test]
fn long_catalogs_get_pages_linked_both_ways() {
    let tmp = TempDir::new("pages");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    for i in 0..120 {
        let dir = site.join(format!("s{i:03}"));
        std::fs::create_dir_all(&dir).unwrap();
        let tags: &[&str] = if i % 2 == 0 { &["Even"] } else { &[] };
        std::fs::write(dir.join("story.json"), story_json(&format!("s{i:03}"), 1 + (i % 28) as u32, tags))
            .unwrap();
    }
    let o = build(&site, &out, &fake_viewer(tmp.dir()));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let first = page(out.join("index.html"));
    assert_eq!(select(&first, ".sv-entry").len(), 50);
    assert_eq!(attr(&first, ".sv-pager a[rel=next]", "href"), "page/2/");
    assert!(select(&first, ".sv-pager a[rel=prev]").is_empty());
    let second = page(out.join("page/2/index.html"));
    assert_eq!(attr(&second, ".sv-pager a[rel=prev]", "href"), "../../");
    assert_eq!(attr(&second, ".sv-pager a[rel=next]", "href"), "../3/");
    assert!(attr(&second, ".sv-entry-title a", "href").starts_with("../../s"), "stories from a page/N/ page");
    let third = page(out.join("page/3/index.html"));
    assert_eq!(select(&third, ".sv-entry").len(), 20);
    assert!(select(&third, ".sv-pager a[rel=next]").is_empty());
    assert!(all_text(&select(&third, ".sv-pager")[0]).contains("Page 3 of 3"));
    // A tag's list pages the same way.
    let even = page(out.join("tags/even/page/2/index.html"));
    assert_eq!(select(&even, ".sv-entry").len(), 10);
    assert_eq!(attr(&even, ".sv-pager a[rel=prev]", "href"), "../../");
    // Newest first across pages.
    let dates: Vec<String> = [&first, &second, &third]
        .iter()
        .flat_map(|d| {
            select(d, ".sv-entry time").into_iter().map(|t| t.value().attr("datetime").unwrap().to_owned())
        })
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    // Story pages link back to the catalog's first page.
    assert_eq!(attr(&page(out.join("s005/index.html")), ".sv-back a", "href"), "../");
}

#[test]
fn long_contents_are_folded_and_whole_in_built_pages() {
    let tmp = TempDir::new("contents");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    for (id, n) in [("eight", 8), ("many", 25)] {
        let sections: Vec<Value> =
            (0..n).map(|i| json!({ "heading": format!("Part {i}"), "blocks": ["Text."] })).collect();
        let story = json!({ "format": "story/1", "id": id, "title": id, "published": "2026-01-01",
            "source": { "name": "Wire" }, "sections": sections });
        std::fs::create_dir_all(site.join(id)).unwrap();
        std::fs::write(site.join(id).join("story.json"), story.to_string()).unwrap();
    }
    let o = build(&site, &out, &fake_viewer(tmp.dir()));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Eight sections: an open list. Twenty-five: folded, every link there
    // without JavaScript (the viewer draws long contents a part at a time).
    let eight = page(out.join("eight/index.html"));
    assert!(select(&eight, "nav.sv-toc details").is_empty());
    assert_eq!(select(&eight, "nav.sv-toc ol > li > a").len(), 8);
    let many = page(out.join("many/index.html"));
    assert_eq!(all_text(&select(&many, "nav.sv-toc details > summary")[0]), "Contents");
    assert_eq!(select(&many, "nav.sv-toc details ol > li > a").len(), 25);
    assert_eq!(attr(&many, "nav.sv-toc li:last-child a", "href"), "#part-24");
}

#[test]
fn a_failed_build_changes_nothing() {
    let tmp = TempDir::new("failed");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    samples(&site);
    let viewer = fake_viewer(tmp.dir());
    assert_eq!(build(&site, &out, &viewer).status.code(), Some(0));
    let before = snapshot(&out);

    // An error in one story: story check's own line, exit 1, OUT untouched.
    let broken = site.join("night-trains/story.json");
    let good = read(&broken);
    std::fs::write(&broken, good.replace("\"hero.png\"", "\"javascript:alert(1)\"")).unwrap();
    let o = build(&site, &out, &viewer);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("night-trains/story.json: hero.src: error"), "{}", text(&o));
    assert!(text(&o).contains("was not changed"), "{}", text(&o));
    assert!(snapshot(&out) == before, "OUT changed");
    std::fs::write(&broken, good).unwrap();

    // Could not run (no viewer files): exit 2, OUT untouched.
    let o = build(&site, &out, &tmp.dir().join("nowhere"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("./dev build"), "{}", text(&o));
    assert!(snapshot(&out) == before, "OUT changed");

    // No staging folder is left behind.
    assert_no_leftovers(tmp.dir());
}

#[test]
fn an_interrupted_build_leaves_the_old_site_whole() {
    let tmp = TempDir::new("killed");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    let viewer = fake_viewer(tmp.dir());
    samples(&site);
    // Twice: the second keeps the first's site as its spare, which the
    // killed build below is updating in place.
    assert_eq!(build(&site, &out, &viewer).status.code(), Some(0));
    assert_eq!(build(&site, &out, &viewer).status.code(), Some(0));
    assert!(tmp.dir().join(".out.spare/index.html").is_file());
    let before = snapshot(&out);
    // Enough stories that the build takes a while.
    for i in 0..1500 {
        let dir = site.join(format!("more/s{i:04}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("story.json"),
            story_json(&format!("s{i:04}"), 1 + (i % 28) as u32, &["More"]),
        )
        .unwrap();
    }
    // Kill it while its staging folder exists (mid-build), at growing delays.
    let mut caught = false;
    for delay_ms in [20u64, 50, 100, 200, 400, 800, 1600] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_story"))
            .args(["build"])
            .arg(&site)
            .arg("--out")
            .arg(&out)
            .args(["--url", URL, "--viewer"])
            .arg(&viewer)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let staging = tmp.dir().join(format!(".out.building-{}", child.id()));
        let mid_build = staging.exists();
        child.kill().unwrap();
        child.wait().unwrap();
        if mid_build {
            caught = true;
            assert!(snapshot(&out) == before, "a killed build changed OUT");
            break;
        }
        if snapshot(&out) != before {
            // Finished before the kill: start again from the old site.
            std::fs::remove_dir_all(&out).unwrap();
            let sample_only = tmp.dir().join("site-samples");
            samples(&sample_only);
            assert_eq!(build(&sample_only, &out, &viewer).status.code(), Some(0));
            assert_eq!(build(&sample_only, &out, &viewer).status.code(), Some(0));
        }
    }
    assert!(caught, "never caught the build mid-way");
    // The next build cleans up what the killed one left, and succeeds.
    let o = build(&site, &out, &viewer);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(out.join("more/s0001/index.html").is_file());
    assert_no_leftovers(tmp.dir());
}

#[test]
fn a_hand_written_catalog_is_checked_and_kept() {
    let tmp = TempDir::new("catalog");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    samples(&site);
    let viewer = fake_viewer(tmp.dir());
    let catalog = site.join("stories.json");
    let good = read(&catalog);
    // A title that disagrees with its story: the error story check gives.
    std::fs::write(&catalog, good.replace("\"Harbour cranes go electric\"", "\"Cranes\"")).unwrap();
    let o = build(&site, &out, &viewer);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let check = Command::new(env!("CARGO_BIN_EXE_story")).arg("check").arg(&site).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&check.stdout),
        "the same lines as story check"
    );
    assert!(!out.exists());
    std::fs::write(&catalog, &good).unwrap();
    assert_eq!(build(&site, &out, &viewer).status.code(), Some(0));
    assert_eq!(read(out.join("stories.json")), good, "kept as written");

    // Without one, the catalog is made from the bundles, newest first.
    std::fs::remove_file(&catalog).unwrap();
    assert_eq!(build(&site, &out, &viewer).status.code(), Some(0));
    let made: Value = serde_json::from_str(&read(out.join("stories.json"))).unwrap();
    assert_eq!(made["stories"][0]["id"], "night-trains-return");
    assert_eq!(made["stories"][0]["href"], "night-trains/story.json");
    assert_eq!(made["stories"].as_array().unwrap().len(), 6);
}

#[test]
fn a_tag_the_catalog_and_a_story_spell_differently_links_where_the_search_links() {
    // The catalog says "energy", its story "Energy" (story check warns): two
    // tags, two folders; the catalog's is where the viewer's search, which
    // has only the catalog, sends a reader.
    let tmp = TempDir::new("tag-case");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    std::fs::create_dir_all(site.join("a")).unwrap();
    std::fs::write(site.join("a/story.json"), story_json("a", 2, &["Energy"])).unwrap();
    let catalog = json!({"format": "story-index/1", "title": "News", "stories": [{
        "id": "a", "title": "Story a", "published": "2026-01-02", "source": {"name": "Wire"},
        "href": "a/story.json", "tags": ["energy"]
    }]});
    std::fs::write(site.join("stories.json"), catalog.to_string()).unwrap();
    let o = build(&site, &out, &fake_viewer(tmp.dir()));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let base = story_format::url::Url::parse(URL).unwrap().join("stories.json").unwrap();
    let parsed = story_format::parse_catalog(read(out.join("stories.json")).as_bytes(), &base).value.unwrap();
    let search = story_format::layout::TagFolders::of_catalog(&parsed);
    assert_eq!(search.path("energy"), Some("tags/energy/"));
    let energy = page(out.join("tags/energy/index.html"));
    assert_eq!(all_text(&select(&energy, "title")[0]), "energy: News");
    let story_page = page(out.join("a/index.html"));
    assert_eq!(
        attr(&story_page, ".sv-tags a", "href"),
        "../tags/energy-2/",
        "the story's own tag, its own page"
    );
    assert_eq!(all_text(&select(&page(out.join("tags/energy-2/index.html")), "title")[0]), "Energy: News");
}

#[test]
fn markdown_bundles_are_published_as_json() {
    let tmp = TempDir::new("markdown");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    std::fs::create_dir_all(site.join("md")).unwrap();
    std::fs::write(
        site.join("md/story.md"),
        "---\nid: from-markdown\nlang: en\ntitle: From Markdown\npublished: 2026-02-02\nsource:\n  name: Desk\n---\n\nFirst paragraph.\n\n## A heading\n\nMore text.\n",
    )
    .unwrap();
    let o = build(&site, &out, &fake_viewer(tmp.dir()));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let doc = page(out.join("md/index.html"));
    assert_eq!(all_text(&select(&doc, "article h1")[0]), "From Markdown");
    assert_eq!(attr(&doc, "meta[name=description]", "content"), "First paragraph.");
    let json: Value = serde_json::from_str(&read(out.join("md/story.json"))).unwrap();
    assert_eq!(json["id"], "from-markdown");
    // The Markdown is the publisher's source, not part of the site.
    assert!(!out.join("md/story.md").exists(), "story.md is not published");
    let catalog: Value = serde_json::from_str(&read(out.join("stories.json"))).unwrap();
    assert_eq!(catalog["stories"][0]["href"], "md/story.json");
    assert_eq!(attr(&page(out.join("index.html")), ".sv-entry-title a", "href"), "md/");
    // The feed reads the story again from its Markdown, for its full text.
    let atom = read(out.join("feed.xml"));
    let atom = roxmltree::Document::parse(&atom).unwrap();
    let content = atom.descendants().find(|n| n.has_tag_name("content")).and_then(|n| n.text()).unwrap();
    assert!(content.contains("More text."), "{content}");
}

#[test]
fn bad_arguments_are_refused_before_anything_is_written() {
    let tmp = TempDir::new("args");
    let site = tmp.dir().join("site");
    samples(&site);
    let viewer = fake_viewer(tmp.dir());
    for (url, out, says) in [
        ("ftp://x.example/", tmp.dir().join("o1"), "http: or https:"),
        ("not a url", tmp.dir().join("o2"), "not an absolute address"),
        (URL, site.join("inside"), "cannot be the site's folder"),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_story"))
            .args(["build"])
            .arg(&site)
            .arg("--out")
            .arg(&out)
            .args(["--url", url, "--viewer"])
            .arg(&viewer)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains(says), "{}", text(&o));
        assert!(!out.exists());
    }
}
