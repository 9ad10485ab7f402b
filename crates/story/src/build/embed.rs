//! A story embedded in other pages, three ways, each file beside its page:
//!
//! - [`layout::EMBED_PAGE`]: the story alone as finished HTML, for an
//!   `<iframe>` (the viewer's stylesheet and `embed-frame.js`, no wasm). It
//!   works with an opaque origin (`sandbox="allow-scripts"`: no storage, no
//!   requests of its own but the stylesheet, script and images), tells its
//!   host its height, and opens links outside the frame. The
//!   `<story-viewer>` element draws its `<main>` too, before and without the
//!   wasm, when the story is on the viewer's own origin (`static/embed.js`).
//! - [`layout::OEMBED_FILE`]: the oEmbed response (`type: "rich"`), linked
//!   from the story's page, so a CMS given the page's address embeds it.
//! - [`layout::EMBED_SNIPPET`]: HTML to paste: the element, the story
//!   prerendered in a declarative shadow root, a plain link as fallback.
//!
//! Text is escaped for where it lands: HTML text and attributes with
//! `html_escape`; the oEmbed `html` is built the same way, then stored as a
//! JSON string by serde.

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use serde::Serialize;
use story_format::url::{relative_ref, Url};
use story_format::{layout, Block, Story};

use super::head::{Preview, Site};

/// The width the oEmbed `html` asks for (WordPress's default content width).
pub const WIDTH: u32 = 600;

/// The embed page's document: `body` is `story_viewer::publish::embed_html`.
pub fn page(site: &Site, page: &Url, story: &Story, body: &str) -> String {
    let to_root = relative_ref(&super::head::safe(&site.root), page, &site.root);
    let lang = story.lang.as_str();
    let dir = story_format::text::direction(lang);
    let mut h = String::with_capacity(body.len() + 2048);
    h.push_str("<!doctype html>\n");
    // Light, as an embedded element is by default: an embed follows its
    // host page, which cannot tell the frame its own theme.
    h.push_str(&format!("<html lang=\"{}\" dir=\"{dir}\" data-sv-theme=\"light\">\n<head>\n", attr(lang)));
    h.push_str("<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<meta name=\"color-scheme\" content=\"light\">\n");
    h.push_str(&format!("<title>{}</title>\n", text(&story.title)));
    // The story's own page is the one to index.
    h.push_str("<meta name=\"robots\" content=\"noindex\">\n");
    h.push_str(&format!("<link rel=\"canonical\" href=\"{}\">\n", attr(page.as_str())));
    h.push_str(&format!("<link rel=\"stylesheet\" href=\"{}viewer.css\">\n", attr(&to_root)));
    h.push_str(&format!("<script src=\"{}embed-frame.js\" defer></script>\n", attr(&to_root)));
    // Links open outside the frame (embed-frame.js keeps section links in
    // place, and hands WordPress's host the links to the site).
    h.push_str("<base target=\"_blank\">\n");
    h.push_str("</head>\n<body class=\"sv-page sv-embed-page\">\n");
    h.push_str(&embed_main("main", story, body));
    h.push_str("\n</body>\n</html>\n");
    h
}

/// The embed page's `<main>` (`tag`), or the `<div>` the snippet holds:
/// what the `<story-viewer>` element draws (as a `<div>`: a host page has
/// its own `<main>`). `data-story-id` and `data-story-title` let the
/// element announce the story (`story-load`).
fn embed_main(tag: &str, story: &Story, body: &str) -> String {
    format!(
        "<{tag} class=\"sv-embed-main\" data-story-id=\"{}\" data-story-title=\"{}\">{body}</{tag}>",
        attr(&story.id),
        attr(&story.title),
    )
}

/// The snippet to paste into another page: `embed.js` and the element,
/// the story drawn in a declarative shadow root (read before any script,
/// and without one), and a link for browsers without them.
pub fn snippet(site: &Site, page: &Url, story: &Story, body: &str) -> String {
    let at = |name: &str| site.root.join(name).map(|u| u.to_string()).unwrap_or_default();
    let json = page.join("story.json").map(|u| u.to_string()).unwrap_or_default();
    format!(
        "<!-- \"{title}\" from {name}, to paste into a page: the story shows at once, also without \
         JavaScript; the script adds its controls. -->\n\
         <script type=\"module\" src=\"{script}\"></script>\n\
         <story-viewer src=\"{json}\">\n\
         <template shadowrootmode=\"open\"><link rel=\"stylesheet\" href=\"{css}\">{main}</template>\n\
         <a href=\"{page}\">{title}</a>\n\
         </story-viewer>\n",
        title = text(&story.title).replace("--", "&#45;&#45;"),
        name = text(&site.name).replace("--", "&#45;&#45;"),
        script = attr(&at("embed.js")),
        json = attr(&json),
        css = attr(&at("viewer.css")),
        main = embed_main("div", story, body),
        page = attr(page.as_str()),
    )
}

/// An oEmbed 1.0 response (oembed.com, section 2.3.4), keys in the spec's order.
#[derive(Serialize)]
struct OEmbed<'a> {
    version: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    author_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author_url: Option<&'a str>,
    provider_name: &'a str,
    provider_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail_height: Option<u32>,
    html: String,
    width: u32,
    height: u32,
}

/// The story's oEmbed response. `html` is a `<blockquote>` with the title's
/// link (what a host shows until the frame is ready, and WordPress's
/// fallback) and an `<iframe>` of the embed page, sandboxed as it runs.
pub fn oembed(site: &Site, page: &Url, story: &Story, thumbnail: Option<&Preview>) -> String {
    let frame = page.join(layout::EMBED_PAGE).map(|u| u.to_string()).unwrap_or_default();
    let height = estimated_height(story, WIDTH);
    let html = format!(
        "<blockquote class=\"story-viewer-embed\"><a href=\"{page}\">{title}</a></blockquote>\
         <iframe class=\"story-viewer-embed\" src=\"{frame}\" width=\"{WIDTH}\" height=\"{height}\" \
         title=\"{title_attr}\" frameborder=\"0\" loading=\"lazy\" \
         sandbox=\"allow-scripts allow-popups allow-popups-to-escape-sandbox\"></iframe>",
        page = attr(page.as_str()),
        title = text(&story.title),
        frame = attr(&frame),
        title_attr = attr(&story.title),
    );
    let names = story.author_names();
    let thumbnail = thumbnail.filter(|p| p.width > 0 && p.height > 0);
    let response = OEmbed {
        version: "1.0",
        kind: "rich",
        title: &story.title,
        author_name: (!names.is_empty()).then(|| names.join(", ")),
        author_url: story.authors.iter().find_map(|a| a.url.as_ref()).map(|u| u.as_str()),
        provider_name: &site.name,
        provider_url: site.root.as_str(),
        thumbnail_url: thumbnail.map(|p| p.url.as_str()),
        thumbnail_width: thumbnail.map(|p| p.width),
        thumbnail_height: thumbnail.map(|p| p.height),
        html,
        width: WIDTH,
        height,
    };
    serde_json::to_string_pretty(&response).expect("the response serialises") + "\n"
}

/// The tallest height the oEmbed response asks for: the frame scrolls
/// past it (WordPress caps a frame at 1,000 px in any case).
pub const MAX_HEIGHT: u32 = 4000;

/// About how tall the embed page is at `width` px: what a host that does
/// not listen to the page's height messages gives the frame. From the
/// viewer's type sizes (17 px text, 1.6 line height, a 2.1 em title): a
/// line holds about `width / 8.5` Latin characters, or `width / 17` Han.
pub fn estimated_height(story: &Story, width: u32) -> u32 {
    let inner = width.saturating_sub(40).max(240) as f32;
    let lines = |s: &str, px_per_char: f32| {
        let chars = s.chars().count() as f32;
        let wide = s.chars().filter(|c| *c >= '\u{2E80}').count() as f32;
        ((chars + wide) * px_per_char / inner).ceil().max(1.0)
    };
    let text_px = |s: &str| lines(s, 8.5) * 27.0 + 17.0;
    let mut h = 24.0 + lines(&story.title, 19.0) * 43.0 + 12.0;
    h += story.dek.as_deref().map_or(0.0, |d| lines(d, 10.0) * 31.0 + 17.0);
    h += 2.0 * 27.0 + 17.0; // the meta line, which often wraps once
    let figure = |img: &story_format::Image| match img.size {
        Some((w, hh)) if w > 0 => inner * hh as f32 / w as f32 + 60.0,
        _ => inner * 0.6 + 60.0,
    };
    h += story.hero.as_ref().map_or(0.0, figure);
    for section in &story.sections {
        h += section.heading.as_deref().map_or(0.0, |t| lines(t, 12.0) * 28.0 + 40.0);
        for block in &section.blocks {
            h += match block {
                Block::Paragraph(t) | Block::Quote { text: t, .. } => text_px(t.text()),
                Block::Heading { text: t, .. } => lines(t, 10.0) * 27.0 + 30.0,
                Block::List(list) => {
                    let mut px = 17.0;
                    list.each_text(&mut |t| px += lines(t.text(), 8.5) * 27.0 + 4.0);
                    px
                }
                Block::Code { text: t, .. } => t.lines().count() as f32 * 24.0 + 40.0,
                Block::Table(t) => (t.rows.len() + 1) as f32 * 40.0 + 40.0,
                Block::Image(img) => figure(img),
                Block::Divider => 50.0,
                Block::PullQuote { text: t, .. } => lines(t.text(), 12.0) * 34.0 + 60.0,
                Block::Gallery(g) => {
                    // As `.sv-gallery` lays them out: 3, 2 or 1 columns.
                    let cols = if inner >= 736.0 {
                        3.0
                    } else if inner >= 480.0 {
                        2.0
                    } else {
                        1.0
                    };
                    let rows = (g.images.len() as f32 / cols).ceil();
                    rows * (inner / cols * 0.67 + 60.0) + 40.0
                }
                Block::Video(v) => match v.size {
                    Some((w, hh)) if w > 0 => inner * hh as f32 / w as f32 + 60.0,
                    _ => inner * 9.0 / 16.0 + 60.0,
                },
                Block::Social(p) => text_px(p.text.text()) + 90.0 + p.image.as_ref().map_or(0.0, figure),
            };
        }
    }
    h += if story.tags.is_empty() { 0.0 } else { 50.0 } + 40.0 + 60.0; // tags, source link, credit
    (h.ceil() as u32).clamp(200, MAX_HEIGHT)
}
