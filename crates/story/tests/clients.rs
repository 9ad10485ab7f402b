//! What the clients of a built site read (link-preview scrapers, search
//! engines' structured data, feed readers, sitemaps), checked on the
//! files: people are never guessed from a byline, the site has a name and
//! an image, feed links work where the feed is read. The real clients
//! (Readability, feedparser, metascraper...) read the same site in
//! `e2e/clients.test.mjs`.

mod support;

use serde_json::{json, Value};
use support::site::{attr, build, page, read, select, URL};
use support::{fake_viewer, text, TempDir};

/// A story with this byline (and `extra` fields), with a section link.
fn story(id: &str, extra: Value) -> String {
    let mut s = json!({
        "format": "story/1", "id": id, "title": format!("Story {id}"), "published": "2026-01-02",
        "sections": [
            { "blocks": [{ "type": "paragraph", "text": [{ "text": "See " }, { "text": "the numbers", "href": "#the-numbers" }] }] },
            { "heading": "The numbers", "blocks": ["Forty."] }
        ]
    });
    for (k, v) in extra.as_object().unwrap() {
        s[k] = v.clone();
    }
    s.to_string()
}

fn ld(doc: &scraper::Html) -> Value {
    let found = select(doc, "script[type='application/ld+json']");
    serde_json::from_str(&found[0].text().collect::<String>()).unwrap()
}

#[test]
fn structured_data_and_meta_never_invent_people() {
    let tmp = TempDir::new("clients-people");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    let cases = [
        (
            "desk",
            json!({ "byline": "Research and Development Desk" }),
            Value::Null,
            "Research and Development Desk",
        ),
        ("ice-cream", json!({ "byline": "Ben & Jerry's newsroom" }), Value::Null, "Ben & Jerry's newsroom"),
        ("agency", json!({ "byline": "Reuters" }), Value::Null, "Reuters"),
        ("staff", json!({ "byline": "Staff" }), Value::Null, "Staff"),
        (
            "by",
            json!({ "byline": "By Jane Roe" }),
            json!({ "@type": "Person", "name": "Jane Roe" }),
            "Jane Roe",
        ),
        (
            "data",
            json!({ "byline": "By Jane Roe and the Data Desk",
                    "authors": [{ "name": "Jane Roe", "url": "https://news.example/staff/jane" }, "Data Desk"] }),
            json!([{ "@type": "Person", "name": "Jane Roe", "url": "https://news.example/staff/jane" },
                   { "@type": "Organization", "name": "Data Desk" }]),
            "Jane Roe, Data Desk",
        ),
    ];
    for (id, extra, _, _) in &cases {
        tmp.write(&format!("site/{id}/story.json"), &story(id, extra.clone()));
    }
    let o = build(&site, &out, &fake_viewer(tmp.dir()));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for (id, _, author, meta) in &cases {
        let doc = page(out.join(id).join("index.html"));
        assert_eq!(ld(&doc)["author"], *author, "{id}: JSON-LD author");
        assert_eq!(attr(&doc, "meta[name=author]", "content"), *meta, "{id}: <meta name=author>");
    }
    // The page prints the byline as written, "By" once.
    let doc = page(out.join("by/index.html"));
    assert_eq!(select(&doc, ".sv-byline")[0].text().collect::<String>(), "By Jane Roe");
    // Feeds: the authors as data, else the byline as one name.
    let feed: Value = serde_json::from_str(&read(out.join("feed.json"))).unwrap();
    let items = feed["items"].as_array().unwrap();
    let of =
        |id: &str| items.iter().find(|i| i["id"].as_str().unwrap().ends_with(&format!("/{id}/"))).unwrap();
    assert_eq!(
        of("data")["authors"],
        json!([{ "name": "Jane Roe", "url": "https://news.example/staff/jane" }, { "name": "Data Desk" }])
    );
    assert_eq!(of("desk")["authors"], json!([{ "name": "Research and Development Desk" }]));
    assert_eq!(of("by")["authors"], json!([{ "name": "Jane Roe" }]));
}

#[test]
fn feeds_links_work_where_the_feed_is_read() {
    let tmp = TempDir::new("clients-feeds");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    tmp.write("site/linked/story.json", &story("linked", json!({})));
    let o = build(&site, &out, &fake_viewer(tmp.dir()));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let target = format!("{URL}linked/#the-numbers");
    // JSON Feed: `version` first (a SHOULD of JSON Feed 1.1).
    let raw = read(out.join("feed.json"));
    assert!(raw.trim_start().starts_with("{\n  \"version\": \"https://jsonfeed.org/version/1.1\""), "{raw}");
    let feed: Value = serde_json::from_str(&raw).unwrap();
    let html = feed["items"][0]["content_html"].as_str().unwrap();
    assert!(html.contains(&format!("href=\"{target}\"")), "{html}");
    assert!(!html.contains("href=\"#"), "a bare fragment resolves against the feed: {html}");
    // Atom: the same content, escaped once more.
    let atom = read(out.join("feed.xml"));
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let content = doc.descendants().find(|n| n.has_tag_name("content")).unwrap().text().unwrap();
    assert!(content.contains(&format!("href=\"{target}\"")), "{content}");
    // The page itself keeps its own fragment link.
    let doc = page(out.join("linked/index.html"));
    assert_eq!(attr(&doc, ".sv-section a", "href"), "#the-numbers");
}

#[test]
fn the_site_has_a_name_and_an_image_and_lists_date_by_their_newest_change() {
    let tmp = TempDir::new("clients-site");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    tmp.write("site/old/story.json", &story("old", json!({ "published": "2026-01-01", "tags": ["Energy"] })));
    tmp.write(
        "site/fixed/story.json",
        &story(
            "fixed",
            json!({ "published": "2026-01-05", "updated": "2026-02-09T10:00:00Z", "tags": ["Energy"] }),
        ),
    );
    // Without a catalog: named by the host, not "Stories".
    let o = build(&site, &out, &fake_viewer(tmp.dir()));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let index = page(out.join("index.html"));
    assert_eq!(attr(&index, "meta[property='og:site_name']", "content"), "news.example");
    assert_eq!(attr(&index, "meta[name=description]", "content"), "2 stories from news.example");
    let feed: Value = serde_json::from_str(&read(out.join("feed.json"))).unwrap();
    assert_eq!(feed["title"], "news.example");
    // Lists change when the newest change of what they list does.
    let sitemap = read(out.join("sitemap.xml"));
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let lastmod = |loc: &str| {
        let url = doc
            .descendants()
            .find(|n| n.has_tag_name("loc") && n.text() == Some(loc))
            .unwrap()
            .parent()
            .unwrap();
        url.children().find(|n| n.has_tag_name("lastmod")).and_then(|n| n.text()).map(str::to_owned)
    };
    assert_eq!(lastmod(URL).as_deref(), Some("2026-02-09T10:00:00Z"));
    assert_eq!(lastmod(&format!("{URL}tags/energy/")).as_deref(), Some("2026-02-09T10:00:00Z"));

    // With a catalog naming the site and its image: every list previews with it.
    std::fs::copy(support::root().join("static/samples/night-trains/hero-600.png"), site.join("site.png"))
        .unwrap();
    tmp.write(
        "site/stories.json",
        &json!({
            "format": "story-index/1", "title": "The Valley Courier",
            "image": { "src": "site.png", "alt": "The Courier's masthead", "width": 600, "height": 337 },
            "stories": [
                { "id": "old", "title": "Story old", "published": "2026-01-01", "href": "old/story.json", "tags": ["Energy"] },
                { "id": "fixed", "title": "Story fixed", "published": "2026-01-05", "href": "fixed/story.json", "tags": ["Energy"] }
            ]
        })
        .to_string(),
    );
    let o = build(&site, &out, &fake_viewer(tmp.dir()));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for list in ["index.html", "tags/energy/index.html"] {
        let doc = page(out.join(list));
        assert_eq!(attr(&doc, "meta[property='og:site_name']", "content"), "The Valley Courier", "{list}");
        let og = attr(&doc, "meta[property='og:image']", "content");
        assert!(og.starts_with(&format!("{URL}site.")) && og.ends_with("-600.jpg"), "{list}: {og}");
        assert_eq!(attr(&doc, "meta[property='og:image:width']", "content"), "600", "{list}");
        assert_eq!(
            attr(&doc, "meta[property='og:image:alt']", "content"),
            "The Courier's masthead",
            "{list}"
        );
    }
    // A story without a hero previews with the site's image too.
    let story = page(out.join("old/index.html"));
    assert!(attr(&story, "meta[property='og:image']", "content").ends_with("-600.jpg"));
    assert!(out.join("site.png").is_file(), "the catalog's image is published");
}

#[test]
fn catalog_entries_are_read_in_their_own_language() {
    let tmp = TempDir::new("clients-lang");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    tmp.write("site/en/story.json", &story("en", json!({})));
    tmp.write(
        "site/ar/story.json",
        &story("ar", json!({ "lang": "ar", "title": "تعاونية شمسية", "dek": "مقدمة" })),
    );
    let o = build(&site, &out, &fake_viewer(tmp.dir()));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let index = page(out.join("index.html"));
    let langs: Vec<(String, Option<String>)> = select(&index, ".sv-entry-title, .sv-entry .sv-dek")
        .into_iter()
        .map(|e| (e.text().collect::<String>().trim().to_owned(), e.value().attr("lang").map(str::to_owned)))
        .collect();
    assert!(langs.contains(&("تعاونية شمسية".to_owned(), Some("ar".to_owned()))), "{langs:?}");
    assert!(langs.contains(&("مقدمة".to_owned(), Some("ar".to_owned()))), "{langs:?}");
    assert!(langs.contains(&("Story en".to_owned(), Some("en".to_owned()))), "{langs:?}");
}

#[test]
fn corrections_are_shown_with_the_story_and_named_in_its_structured_data() {
    let tmp = TempDir::new("clients-corrections");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    let hostile = "</script><script>alert(1)</script> & <b>bold</b>";
    let notes = json!({ "corrections": [
        { "date": "2026-01-03", "text": "An earlier version gave the battery's size as 2.1 MWh." },
        { "kind": "update", "date": "2026-01-04", "text": "The port confirmed the timetable." },
        { "date": "2026-01-05", "text": hostile }
    ] });
    tmp.write("site/fixed/story.json", &story("fixed", notes));
    tmp.write("site/plain/story.json", &story("plain", json!({})));
    let o = build(&site, &out, &fake_viewer(tmp.dir()));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let doc = page(out.join("fixed/index.html"));
    let items: Vec<String> = select(&doc, ".sv-notes[aria-label='Corrections and updates'] li")
        .iter()
        .map(|li| li.text().collect::<String>())
        .collect();
    assert_eq!(
        items,
        [
            "Correction January 3, 2026: An earlier version gave the battery's size as 2.1 MWh.",
            "Update January 4, 2026: The port confirmed the timetable.",
            &format!("Correction January 5, 2026: {hostile}"),
        ]
    );
    assert_eq!(select(&doc, ".sv-notes time")[0].value().attr("datetime"), Some("2026-01-03"));
    assert_eq!(select(&doc, "script:not([type='application/ld+json']):not([src])").len(), 0);
    // Inside the box reader modes keep, under the header.
    assert_eq!(select(&doc, ".sv-body > .sv-story-head + .sv-notes").len(), 1);
    // schema.org `correction`: the corrections, not the updates.
    assert_eq!(
        ld(&doc)["correction"],
        json!([
            { "@type": "CorrectionComment", "text": "An earlier version gave the battery's size as 2.1 MWh.", "datePublished": "2026-01-03" },
            { "@type": "CorrectionComment", "text": hostile, "datePublished": "2026-01-05" }
        ])
    );
    assert!(ld(&page(out.join("plain/index.html"))).get("correction").is_none());
    assert!(select(&page(out.join("plain/index.html")), ".sv-notes").is_empty());
    // In the feeds' text and the embed page too.
    let feed: Value = serde_json::from_str(&read(out.join("feed.json"))).unwrap();
    let item = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"].as_str().unwrap().ends_with("/fixed/"))
        .unwrap();
    let html = scraper::Html::parse_fragment(item["content_html"].as_str().unwrap());
    assert_eq!(select(&html, ".sv-notes li").len(), 3);
    assert_eq!(select(&page(out.join("fixed/embed.html")), ".sv-notes li").len(), 3);
}

#[test]
fn media_blocks_reach_every_output_and_their_text_stays_text() {
    let tmp = TempDir::new("clients-media");
    let (site, out) = (tmp.dir().join("site"), tmp.dir().join("out"));
    let h = "</script><script>alert(1)</script> & <b>bold</b>";
    let blocks = json!([
        { "type": "pullquote", "text": h, "cite": h },
        { "type": "gallery", "caption": h, "images": [
            { "src": "https://cdn.example/a.png", "alt": h, "caption": h },
            { "src": "https://cdn.example/b.png", "alt": "B" } ] },
        { "type": "video", "src": "https://youtu.be/dQw4w9WgXcQ", "title": h, "caption": h },
        { "type": "video", "src": "https://cdn.example/v.mp4", "title": h },
        { "type": "social", "url": "https://mastodon.social/@a/1", "network": "mastodon",
          "author": h, "handle": h, "text": h, "date": "2026-01-03" }
    ]);
    tmp.write("site/media/story.json", &story("media", json!({ "sections": [{ "blocks": blocks }] })));
    let o = build(&site, &out, &fake_viewer(tmp.dir()));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let feed: Value = serde_json::from_str(&read(out.join("feed.json"))).unwrap();
    let feed_html = scraper::Html::parse_fragment(feed["items"][0]["content_html"].as_str().unwrap());
    let atom = read(out.join("feed.xml"));
    let atom_content =
        atom.split("<content type=\"html\"").nth(1).unwrap().split("</content>").next().unwrap();
    let atom_html = scraper::Html::parse_fragment(&unescape_xml(atom_content.split_once('>').unwrap().1));
    let outputs = [
        ("page", page(out.join("media/index.html"))),
        ("embed", page(out.join("media/embed.html"))),
        ("JSON Feed", feed_html),
        ("Atom", atom_html),
    ];
    for (name, doc) in outputs {
        let texts =
            |sel: &str| -> Vec<String> { select(&doc, sel).iter().map(|e| e.text().collect()).collect() };
        assert_eq!(texts(".sv-pullquote-text"), [h], "{name}");
        assert_eq!(texts(".sv-pullquote cite"), [h], "{name}");
        assert_eq!(texts(".sv-gallery > figcaption"), [h], "{name}");
        assert_eq!(attr(&doc, ".sv-gallery li img", "alt"), h, "{name}");
        assert_eq!(select(&doc, ".sv-gallery li").len(), 2, "{name}");
        let stand_in = select(&doc, "a.sv-play");
        assert_eq!(stand_in.len(), 1, "{name}");
        assert_eq!(stand_in[0].value().attr("href"), Some("https://www.youtube.com/watch?v=dQw4w9WgXcQ"));
        assert_eq!(stand_in[0].text().collect::<String>(), format!("▶Watch on YouTube: {h}"), "{name}");
        assert_eq!(attr(&doc, "video", "aria-label"), h, "{name}");
        assert_eq!(attr(&doc, "video", "src"), "https://cdn.example/v.mp4", "{name}");
        assert_eq!(texts(".sv-social blockquote"), [h], "{name}");
        assert_eq!(texts(".sv-social-author"), [h], "{name}");
        assert_eq!(texts(".sv-social-handle"), [h], "{name}");
        assert_eq!(attr(&doc, ".sv-social-meta a", "href"), "https://mastodon.social/@a/1");
        assert_eq!(select(&doc, "script:not([type='application/ld+json']):not([src])").len(), 0, "{name}");
        assert_eq!(select(&doc, "b").len(), 0, "{name}: markup in text became an element");
    }
}

/// The text an Atom `type="html"` element holds (XML's five escapes).
fn unescape_xml(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}
