//! A built site's machine-read files: `feed.xml` (Atom, RFC 4287),
//! `feed.json` (JSON Feed 1.1), `sitemap.xml` and `robots.txt`. XML is
//! written by `quick_xml`, which escapes text and attribute values; text
//! is first cleared of the characters XML 1.0 cannot hold at all.

use std::io;

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use serde_json::{json, Value};
use story_format::date::Timestamp;
use story_format::layout;
use story_format::url::Url;

/// The newest stories a feed holds.
pub const FEED_ENTRIES: usize = 20;

/// One story in a feed.
pub struct FeedItem {
    /// The story's page (absolute).
    pub url: Url,
    pub title: String,
    pub summary: Option<String>,
    pub published: Option<Timestamp>,
    pub updated: Option<Timestamp>,
    /// The story's `authors` (name, page), else its byline as one name.
    pub authors: Vec<(String, Option<String>)>,
    pub tags: Vec<String>,
    pub lang: String,
    /// The hero image (absolute), if any.
    pub image: Option<String>,
    /// The story's full text as HTML, links absolute.
    pub content_html: String,
}

impl FeedItem {
    fn modified(&self) -> Option<&Timestamp> {
        self.updated.as_ref().or(self.published.as_ref())
    }
}

/// One page of the site, for the sitemap.
pub struct SitemapUrl {
    pub url: Url,
    pub modified: Option<Timestamp>,
}

/// The sitemap as it is gathered, and when each story last changed (its
/// `updated`, else `published`), by id: a list page changed when the
/// newest of what it lists did.
#[derive(Default)]
pub struct Sitemap {
    pub urls: Vec<SitemapUrl>,
    pub changed: std::collections::HashMap<String, Timestamp>,
}

impl Sitemap {
    /// When a list of these entries last changed: the newest change of a
    /// story it lists (a catalog's `published` for a story not built here).
    pub fn list_modified<'e>(
        &self,
        entries: impl IntoIterator<Item = &'e story_format::Entry>,
    ) -> Option<Timestamp> {
        entries.into_iter().filter_map(|e| self.changed.get(&e.id).or(e.published.as_ref())).max().cloned()
    }
}

/// A date-time for Atom and JSON Feed (RFC 3339): a date alone is its midnight UTC.
fn rfc3339(t: &Timestamp) -> String {
    if t.has_time {
        t.raw.clone()
    } else {
        format!("{}T00:00:00Z", t.raw)
    }
}

/// `s` without the characters XML 1.0 forbids even when escaped (C0
/// controls other than tab, line feed and carriage return; U+FFFE, U+FFFF).
pub fn xml_chars(s: &str) -> String {
    s.chars()
        .filter(|&c| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}'))
        .collect()
}

fn text_element<W: io::Write>(w: &mut Writer<W>, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(&xml_chars(text)))?;
    Ok(())
}

fn link<W: io::Write>(w: &mut Writer<W>, rel: &str, href: &str, kind: Option<&str>) -> io::Result<()> {
    let mut e = w.create_element("link").with_attribute(("rel", rel)).with_attribute(("href", href));
    if let Some(k) = kind {
        e = e.with_attribute(("type", k));
    }
    e.write_empty()?;
    Ok(())
}

/// The document `w` wrote to memory, with a final newline.
fn finish(w: Writer<Vec<u8>>, written: io::Result<()>) -> String {
    written.expect("writing to memory does not fail");
    let mut out = String::from_utf8(w.into_inner()).expect("quick-xml writes the UTF-8 it is given");
    out.push('\n');
    out
}

/// The Atom feed of `items` (newest first).
pub fn atom(root: &Url, site_name: &str, items: &[FeedItem]) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let newest = items.iter().filter_map(FeedItem::modified).max();
    let written: io::Result<()> = (|| {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        w.create_element("feed")
            .with_attribute(("xmlns", "http://www.w3.org/2005/Atom"))
            .write_inner_content(|w| {
                text_element(w, "id", root.as_str())?;
                text_element(w, "title", site_name)?;
                text_element(w, "updated", &newest.map_or_else(|| "1970-01-01T00:00:00Z".into(), rfc3339))?;
                link(w, "self", &format!("{root}{}", layout::ATOM_FEED), Some("application/atom+xml"))?;
                link(w, "alternate", root.as_str(), Some("text/html"))?;
                w.create_element("author").write_inner_content(|w| text_element(w, "name", site_name))?;
                for item in items {
                    atom_entry(w, item)?;
                }
                Ok(())
            })?;
        Ok(())
    })();
    finish(w, written)
}

fn atom_entry<W: io::Write>(w: &mut Writer<W>, item: &FeedItem) -> io::Result<()> {
    w.create_element("entry")
        .with_attribute(("xml:lang", xml_chars(&item.lang).as_str()))
        .write_inner_content(|w| {
            text_element(w, "id", item.url.as_str())?;
            text_element(w, "title", &item.title)?;
            link(w, "alternate", item.url.as_str(), Some("text/html"))?;
            if let Some(p) = &item.published {
                text_element(w, "published", &rfc3339(p))?;
            }
            let updated = item.modified().map_or_else(|| "1970-01-01T00:00:00Z".into(), rfc3339);
            text_element(w, "updated", &updated)?;
            for (name, url) in &item.authors {
                w.create_element("author").write_inner_content(|w| {
                    text_element(w, "name", name)?;
                    if let Some(u) = url {
                        text_element(w, "uri", u)?;
                    }
                    Ok(())
                })?;
            }
            for t in &item.tags {
                w.create_element("category").with_attribute(("term", xml_chars(t).as_str())).write_empty()?;
            }
            if let Some(s) = &item.summary {
                text_element(w, "summary", s)?;
            }
            w.create_element("content")
                .with_attribute(("type", "html"))
                .write_text_content(BytesText::new(&xml_chars(&item.content_html)))?;
            Ok(())
        })?;
    Ok(())
}

/// JSON Feed 1.1, its keys in the order the spec lists them (`version`
/// first, which the spec asks for).
#[derive(serde::Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: String,
    items: Vec<JsonItem<'a>>,
}

#[derive(serde::Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: &'a Vec<String>,
    language: &'a str,
}

/// The JSON Feed 1.1 of `items` (newest first).
pub fn json_feed(root: &Url, site_name: &str, items: &[FeedItem]) -> String {
    let items = items
        .iter()
        .map(|i| JsonItem {
            id: i.url.as_str(),
            url: i.url.as_str(),
            title: &i.title,
            content_html: &i.content_html,
            summary: i.summary.as_deref(),
            image: i.image.as_deref(),
            date_published: i.published.as_ref().map(rfc3339),
            date_modified: i.modified().map(rfc3339),
            authors: i
                .authors
                .iter()
                .map(|(name, url)| match url {
                    Some(u) => json!({ "name": name, "url": u }),
                    None => json!({ "name": name }),
                })
                .collect(),
            tags: &i.tags,
            language: &i.lang,
        })
        .collect();
    crate::out::to_json(&JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: site_name,
        home_page_url: root.as_str(),
        feed_url: format!("{root}{}", layout::JSON_FEED),
        items,
    })
}

/// `sitemap.xml`: every page, with its last change where known.
pub fn sitemap(urls: &[SitemapUrl]) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    let written: io::Result<()> = (|| {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        w.create_element("urlset")
            .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
            .write_inner_content(|w| {
            for u in urls {
                w.create_element("url").write_inner_content(|w| {
                    text_element(w, "loc", u.url.as_str())?;
                    if let Some(m) = &u.modified {
                        text_element(w, "lastmod", &m.raw)?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
        Ok(())
    })();
    finish(w, written)
}

/// `robots.txt`: everything may be crawled; the sitemap is named.
pub fn robots(root: &Url) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {root}{}\n", layout::SITEMAP)
}
