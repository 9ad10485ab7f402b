//! What `story build` writes for other pages to embed a story: the embed
//! page, the oEmbed response and the snippet, read back by an HTML5 parser
//! and serde. The real consumers (an oEmbed library, WordPress's filter
//! and wp-embed.js, Chromium) read the same files in `e2e/oembed.test.mjs`.

mod support;

use serde_json::{json, Value};
use support::site::{all_text, attr, build, page, read, select, URL};
use support::{fake_viewer, text, TempDir};

const HOSTILE: &str = "</title><script>alert(1)</script> \"q\" 'a' <!-- --> & &amp; </iframe>";

fn story(id: &str, title: &str, extra: Value) -> String {
    let mut s = json!({
        "format": "story/1", "id": id, "title": title, "published": "2026-01-02", "lang": "en",
        "sections": [
            { "heading": "First", "blocks": [{ "type": "paragraph", "text": [{ "text": "See " }, { "text": "the end", "href": "#the-end" }] }] },
            { "heading": "The end", "blocks": ["Forty."] }
        ]
    });
    for (k, v) in extra.as_object().unwrap() {
        s[k] = v.clone();
    }
    s.to_string()
}

fn built(name: &str, stories: &[(&str, String)]) -> (TempDir, std::path::PathBuf) {
    let tmp = TempDir::new(name);
    for (folder, json) in stories {
        tmp.write(&format!("site/{folder}/story.json"), json);
    }
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    let o = build(&site, &out, &fake_viewer(tmp.dir()));
    assert!(o.status.success(), "{}", text(&o));
    (tmp, out)
}

#[test]
fn every_story_has_an_embed_page_an_oembed_response_and_a_snippet() {
    let authors = json!({ "authors": [{ "name": "Jane Roe", "url": "https://news.example/staff/jane" }, "Data Desk"],
                          "tags": ["Energy"] });
    let (_tmp, out) = built(
        "embed-files",
        &[("a/b", story("ab", "Cranes", authors)), ("c", story("c", "Trains", json!({})))],
    );
    for folder in ["a/b", "c"] {
        for file in ["index.html", "embed.html", "oembed.json", "embed-code.html"] {
            assert!(out.join(folder).join(file).is_file(), "{folder}/{file}");
        }
    }
    // Discovery, from the story's page.
    let doc = page(out.join("a/b/index.html"));
    let href = attr(&doc, "link[rel='alternate'][type='application/json+oembed']", "href");
    assert_eq!(href, format!("{URL}a/b/oembed.json"));

    let raw = read(out.join("a/b/oembed.json"));
    let o: Value = serde_json::from_str(&raw).unwrap();
    let keys = [
        "version",
        "type",
        "title",
        "author_name",
        "author_url",
        "provider_name",
        "provider_url",
        "html",
        "width",
        "height",
    ];
    assert_eq!(o.as_object().unwrap().len(), keys.len(), "no thumbnail without an image: {raw}");
    let at: Vec<usize> = keys.iter().map(|k| raw.find(&format!("\"{k}\":")).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "the spec's order: {raw}");
    assert_eq!(o["version"], "1.0");
    assert_eq!(o["type"], "rich");
    assert_eq!(o["author_name"], "Jane Roe, Data Desk");
    assert_eq!(o["author_url"], "https://news.example/staff/jane");
    assert_eq!(o["provider_name"], "news.example", "the site's name: its host, without a catalog title");
    assert_eq!(o["provider_url"], URL);
    let h = o["height"].as_u64().unwrap();
    assert!((200..=4000).contains(&h), "{h}");
    // The html: the title's link, then the frame of the embed page.
    let html = scraper::Html::parse_fragment(o["html"].as_str().unwrap());
    assert_eq!(attr(&html, "blockquote a", "href"), format!("{URL}a/b/"));
    assert_eq!(attr(&html, "iframe", "src"), format!("{URL}a/b/embed.html"));
    assert_eq!(attr(&html, "iframe", "height"), h.to_string());
    assert_eq!(attr(&html, "iframe", "sandbox"), "allow-scripts allow-popups allow-popups-to-escape-sandbox");

    // The embed page: the story alone, every link absolute but its sections'.
    let embed = page(out.join("a/b/embed.html"));
    assert_eq!(attr(&embed, "link[rel='canonical']", "href"), format!("{URL}a/b/"));
    assert_eq!(attr(&embed, "meta[name='robots']", "content"), "noindex");
    assert_eq!(attr(&embed, "base", "target"), "_blank");
    let scripts: Vec<_> =
        select(&embed, "script").iter().map(|s| s.value().attr("src").unwrap_or("inline")).collect();
    assert_eq!(scripts, ["../../embed-frame.js"], "one script, no wasm, nothing inline");
    assert_eq!(select(&embed, "h1").len(), 1);
    assert_eq!(attr(&embed, "main", "data-story-id"), "ab");
    for a in select(&embed, "main a") {
        let href = a.value().attr("href").unwrap();
        assert!(href.starts_with("https://") || href.starts_with('#'), "{href}");
    }
    assert_eq!(attr(&embed, "a[href='#the-end']", "href"), "#the-end");
    assert_eq!(attr(&embed, ".sv-tags a", "href"), format!("{URL}tags/energy/"));
    assert_eq!(attr(&embed, ".sv-embed-credit a", "href"), format!("{URL}a/b/"));
    assert!(select(&embed, "[data-sv-island]").is_empty(), "no stand-ins for controls");

    // The snippet: the element, the story in a declarative shadow root, a link.
    let snippet = scraper::Html::parse_fragment(&read(out.join("a/b/embed-code.html")));
    assert_eq!(attr(&snippet, "script[type='module']", "src"), format!("{URL}embed.js"));
    assert_eq!(attr(&snippet, "story-viewer", "src"), format!("{URL}a/b/story.json"));
    assert_eq!(attr(&snippet, "story-viewer > template", "shadowrootmode"), "open");
    assert_eq!(attr(&snippet, "story-viewer > a", "href"), format!("{URL}a/b/"));
    let raw = read(out.join("a/b/embed-code.html"));
    assert!(raw.contains(&format!("<link rel=\"stylesheet\" href=\"{URL}viewer.css\">")), "{raw}");
    assert!(
        raw.contains("<div class=\"sv-embed-main\" data-story-id=\"ab\""),
        "a div: the host has its own <main>"
    );
}

#[test]
fn hostile_text_stays_text_in_every_embed_file() {
    let hero = json!({ "byline": HOSTILE, "dek": HOSTILE });
    let (_tmp, out) = built("embed-hostile", &[("h", story("h", HOSTILE, hero))]);
    let o: Value = serde_json::from_str(&read(out.join("h/oembed.json"))).unwrap();
    assert_eq!(o["title"], HOSTILE);
    assert_eq!(o["author_name"], HOSTILE);
    let html = scraper::Html::parse_fragment(o["html"].as_str().unwrap());
    assert_eq!(select(&html, "script").len(), 0);
    assert_eq!(select(&html, "iframe").len(), 1);
    assert_eq!(all_text(&select(&html, "blockquote a")[0]), HOSTILE);
    assert_eq!(attr(&html, "iframe", "title"), HOSTILE);

    let embed = page(out.join("h/embed.html"));
    assert_eq!(all_text(&select(&embed, "title")[0]), HOSTILE);
    assert_eq!(all_text(&select(&embed, "h1")[0]), HOSTILE);
    assert_eq!(select(&embed, "script").len(), 1, "only embed-frame.js");
    assert_eq!(attr(&embed, "main", "data-story-title"), HOSTILE);

    let raw = read(out.join("h/embed-code.html"));
    let (comment, rest) = raw.split_once("-->").unwrap();
    assert!(!comment[4..].contains("--"), "the comment cannot end early: {comment}");
    let snippet = scraper::Html::parse_fragment(rest);
    assert_eq!(select(&snippet, "script").len(), 1, "embed.js only");
    assert_eq!(all_text(&select(&snippet, "story-viewer > a")[0]), HOSTILE);
    let page_doc = page(out.join("h/index.html"));
    assert_eq!(attr(&page_doc, "link[type='application/json+oembed']", "title"), HOSTILE);
}

#[test]
fn a_file_named_like_a_built_page_is_refused() {
    let tmp = TempDir::new("embed-clash");
    let s = story("x", "X", json!({ "hero": { "src": "embed.html", "alt": "" } }));
    tmp.write("site/x/story.json", &s);
    tmp.write("site/x/embed.html", "<script>alert(1)</script>");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    let o = build(&site, &out, &fake_viewer(tmp.dir()));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("the built site writes its own embed.html in story folders; rename it"),
        "{}",
        text(&o)
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn the_height_asked_for_grows_with_the_story_and_stays_bounded() {
    let long: Vec<Value> = (0..60)
        .map(|i| json!({ "heading": format!("Part {i}"), "blocks": ["A line of text. ".repeat(40)] }))
        .collect();
    let (_tmp, out) = built(
        "embed-height",
        &[
            ("short", story("s", "Short", json!({}))),
            ("long", story("l", "Long", json!({ "sections": long }))),
        ],
    );
    let height = |f: &str| {
        let o: Value = serde_json::from_str(&read(out.join(f).join("oembed.json"))).unwrap();
        o["height"].as_u64().unwrap()
    };
    assert!(height("short") < 800, "{}", height("short"));
    assert_eq!(height("long"), 4000, "capped: the frame scrolls past it");
}

#[test]
fn the_sites_embed_js_knows_its_stories_have_embed_pages() {
    let tmp = TempDir::new("embed-js");
    tmp.write("site/a/story.json", &story("a", "A", json!({})));
    let viewer = fake_viewer(tmp.dir());
    std::fs::write(viewer.join("embed.js.br"), "stale").unwrap();
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    let o = build(&site, &out, &viewer);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(read(out.join("embed.js")), "const BUILT_SITE = true;\n");
    let mut unpacked = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(out.join("embed.js.gz")).unwrap()),
        &mut unpacked,
    )
    .unwrap();
    assert_eq!(unpacked, "const BUILT_SITE = true;\n", "the .gz twin matches");
    assert!(!out.join("embed.js.br").exists(), "no twin of the unchanged file");
    assert_eq!(
        read(viewer.join("embed.js")),
        "const BUILT_SITE = false;\n",
        "the viewer's own copy is untouched"
    );

    // A viewer whose embed.js is not this version's stops the build by name.
    std::fs::write(viewer.join("embed.js"), "// another version\n").unwrap();
    let o = build(&site, &tmp.dir().join("out2"), &viewer);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("not this version's embed.js"), "{}", text(&o));
}

#[test]
fn a_folder_named_like_the_sites_own_files_is_refused() {
    // The sitemap's parts (past 50,000 pages) and the viewer's files live at the root.
    for name in ["sitemap-1.xml", "embed-frame.js", "tags"] {
        let tmp = TempDir::new("embed-root-names");
        tmp.write(&format!("site/{name}/story.json"), &story("x", "X", json!({})));
        let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
        let o = build(&site, &out, &fake_viewer(tmp.dir()));
        assert_eq!(o.status.code(), Some(2), "{name}: {}", text(&o));
        assert!(
            text(&o).contains(&format!("the built site writes its own {name}; rename it")),
            "{}",
            text(&o)
        );
    }
}
