//! A built site's machine-read files: `feed.xml` (Atom, RFC 4287),
//! `feed.json` (JSON Feed 1.1), `sitemap.xml` and `robots.txt`. XML is
//! written by `quick_xml`, which escapes text and attribute values; text
//! is first cleared of the characters XML 1.0 cannot hold at all.

use std::borrow::Cow;
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

/// One page of the site, for the sitemap: its address and last change,
/// borrowed or owned.
#[derive(Clone)]
pub struct SitemapUrl<'a> {
    pub url: Cow<'a, Url>,
    pub modified: Option<Cow<'a, Timestamp>>,
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

/// The sitemap protocol's limits for one file: addresses, and bytes
/// (uncompressed).
pub const SITEMAP_URLS: usize = 50_000;
pub const SITEMAP_BYTES: usize = 50 * 1024 * 1024;

/// The site's sitemaps, as `(file name, text)`: one [`layout::SITEMAP`]
/// listing every page when they fit in one file; else that file is a
/// sitemap index naming `sitemap-1.xml`, `sitemap-2.xml`..., each within
/// the protocol's limits ([`SITEMAP_URLS`], [`SITEMAP_BYTES`]) and dated
/// by the newest page it lists. Crawlers are pointed at the one address
/// either way (robots.txt). Each file goes to `write` as it is made, so
/// only one is held (at 1,000,000 stories they are about 150 MB in all).
///
/// `urls` lists the pages, in order, each time it is called: it is called
/// twice (once to cut the files, once to write them), so that no list of
/// every page's address is held. The first listing stops at its first
/// error; the second, the same list, then meets none.
pub fn write_sitemaps<'a, E: From<io::Error>, I: Iterator<Item = Result<SitemapUrl<'a>, E>>>(
    root: &Url,
    urls: impl Fn() -> I,
    write: impl FnMut(&str, String) -> Result<(), E>,
) -> Result<(), E> {
    sitemaps_within(root, urls, SITEMAP_URLS, SITEMAP_BYTES, write)
}

fn sitemaps_within<'a, E: From<io::Error>, I: Iterator<Item = Result<SitemapUrl<'a>, E>>>(
    root: &Url,
    urls: impl Fn() -> I,
    max_urls: usize,
    max_bytes: usize,
    mut write: impl FnMut(&str, String) -> Result<(), E>,
) -> Result<(), E> {
    // What an entry can take at most: its address escaped (an `&` becomes
    // five bytes), the date and the tags around them.
    let cost =
        |u: &SitemapUrl<'_>| u.url.as_str().len() * 5 + u.modified.as_ref().map_or(0, |m| m.raw.len()) + 64;
    // Each file's pages: how many, and the newest change among them.
    let mut parts: Vec<(usize, Option<Timestamp>)> = Vec::new();
    let (mut count, mut bytes, mut newest) = (0, 200, None::<Timestamp>);
    for u in urls() {
        let u = u?;
        if count > 0 && (count == max_urls || bytes + cost(&u) > max_bytes) {
            parts.push((count, newest.take()));
            (count, bytes) = (0, 200);
        }
        bytes += cost(&u);
        count += 1;
        if let Some(m) = u.modified.as_deref() {
            if newest.as_ref().is_none_or(|n| n < m) {
                newest = Some(m.clone());
            }
        }
    }
    parts.push((count, newest));
    let mut all = urls();
    if parts.len() == 1 {
        return write(layout::SITEMAP, urlset(all)?);
    }
    let names: Vec<String> = (1..=parts.len()).map(|n| format!("{}{n}.xml", layout::SITEMAP_PART)).collect();
    let index = sitemap_xml("sitemapindex", |w| {
        for (name, (_, newest)) in names.iter().zip(&parts) {
            sitemap_entry(w, "sitemap", &format!("{root}{name}"), newest.as_ref())?;
        }
        Ok(())
    });
    write(layout::SITEMAP, index)?;
    names
        .iter()
        .zip(&parts)
        .try_for_each(|(name, (count, _))| write(name, urlset(all.by_ref().take(*count))?))
}

/// One sitemap file: every page of `urls`, with its last change where
/// known; the first failure to list a page is returned instead.
fn urlset<'a, E>(urls: impl Iterator<Item = Result<SitemapUrl<'a>, E>>) -> Result<String, E> {
    let mut failed = None;
    let xml = sitemap_xml("urlset", |w| {
        for u in urls {
            match u {
                Ok(u) => sitemap_entry(w, "url", u.url.as_str(), u.modified.as_deref())?,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        Ok(())
    });
    failed.map_or(Ok(xml), Err)
}

/// A sitemap document (`urlset` or `sitemapindex`) around what `body` writes.
fn sitemap_xml(root: &str, body: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    let written: io::Result<()> = (|| {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        w.create_element(root)
            .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
            .write_inner_content(body)?;
        Ok(())
    })();
    finish(w, written)
}

/// One `<url>` or `<sitemap>`: its address and, when known, its last change.
fn sitemap_entry<W: io::Write>(
    w: &mut Writer<W>,
    tag: &str,
    loc: &str,
    modified: Option<&Timestamp>,
) -> io::Result<()> {
    w.create_element(tag).write_inner_content(|w| {
        text_element(w, "loc", loc)?;
        if let Some(m) = modified {
            text_element(w, "lastmod", &m.raw)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// `robots.txt`: everything may be crawled; the sitemap is named.
pub fn robots(root: &Url) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {root}{}\n", layout::SITEMAP)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(n: usize, path: &str) -> Vec<SitemapUrl<'static>> {
        (0..n)
            .map(|i| SitemapUrl {
                url: Cow::Owned(Url::parse(&format!("https://n.example/{path}{i}/")).unwrap()),
                modified: None,
            })
            .collect()
    }

    /// The sitemaps as `(file name, text)`, in the order they are written.
    fn sitemaps(root: &Url, urls: &[SitemapUrl<'_>]) -> Vec<(String, String)> {
        let mut files = Vec::new();
        write_sitemaps(
            root,
            || urls.iter().cloned().map(Ok::<_, io::Error>),
            |name, xml| {
                files.push((name.to_owned(), xml));
                Ok(())
            },
        )
        .unwrap();
        files
    }

    /// A page that cannot be listed (its record unreadable) stops the
    /// sitemaps with that failure, in either pass, rather than leaving the
    /// page out of them.
    #[test]
    fn a_page_that_cannot_be_listed_is_a_failure_not_a_page_left_out() {
        let root = Url::parse("https://n.example/").unwrap();
        let good = urls(3, "s");
        for fail_on_pass in [1, 2] {
            let pass = std::cell::Cell::new(0);
            let listed = || {
                pass.set(pass.get() + 1);
                let failing = pass.get() == fail_on_pass;
                good.iter().cloned().enumerate().map(move |(i, u)| match failing && i == 1 {
                    true => Err(io::Error::other("unreadable")),
                    false => Ok(u),
                })
            };
            let mut written = Vec::new();
            let result = write_sitemaps(&root, listed, |name, _| {
                written.push(name.to_owned());
                Ok::<_, io::Error>(())
            });
            assert_eq!(result.unwrap_err().to_string(), "unreadable");
            assert!(written.is_empty(), "{written:?}");
        }
    }

    fn locs(xml: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(xml).unwrap();
        doc.descendants().filter(|n| n.has_tag_name("loc")).map(|n| n.text().unwrap().to_owned()).collect()
    }

    #[test]
    fn one_file_while_every_page_fits() {
        let root = Url::parse("https://n.example/").unwrap();
        let files = sitemaps(&root, &urls(SITEMAP_URLS, "s"));
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, "sitemap.xml");
        assert_eq!(locs(&files[0].1).len(), SITEMAP_URLS);
    }

    #[test]
    fn past_the_limits_an_index_of_files_within_them() {
        let root = Url::parse("https://n.example/").unwrap();
        let all = urls(SITEMAP_URLS * 2 + 1, "s");
        let files = sitemaps(&root, &all);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]);
        let index = roxmltree::Document::parse(&files[0].1).unwrap();
        assert_eq!(index.root_element().tag_name().name(), "sitemapindex");
        assert_eq!(
            locs(&files[0].1),
            [
                "https://n.example/sitemap-1.xml",
                "https://n.example/sitemap-2.xml",
                "https://n.example/sitemap-3.xml"
            ]
        );
        let counts: Vec<usize> = files[1..].iter().map(|(_, x)| locs(x).len()).collect();
        assert_eq!(counts, [SITEMAP_URLS, SITEMAP_URLS, 1]);
        // Every page once, in order.
        let listed: Vec<String> = files[1..].iter().flat_map(|(_, x)| locs(x)).collect();
        assert_eq!(listed, all.iter().map(|u| u.url.to_string()).collect::<Vec<_>>());
    }

    #[test]
    fn long_addresses_split_by_bytes_before_the_count() {
        let root = Url::parse("https://n.example/").unwrap();
        let long = "x".repeat(900);
        let all = urls(3000, &long);
        let max = 4 * 1024 * 1024;
        let mut files = Vec::new();
        sitemaps_within(
            &root,
            || all.iter().cloned().map(Ok::<_, io::Error>),
            SITEMAP_URLS,
            max,
            |name, xml| {
                files.push((name.to_owned(), xml));
                Ok(())
            },
        )
        .unwrap();
        assert!(files.len() > 2, "{} files", files.len());
        for (name, xml) in &files {
            assert!(xml.len() <= max, "{name}: {} bytes", xml.len());
        }
        assert_eq!(files[1..].iter().map(|(_, x)| locs(x).len()).sum::<usize>(), 3000);
    }
}
