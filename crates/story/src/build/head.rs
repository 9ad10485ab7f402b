//! The `<head>` of a built page and the document around the body that
//! `story_viewer::publish` renders: title, description, canonical link,
//! Open Graph, Twitter card, schema.org `NewsArticle` JSON-LD, feed links,
//! and the viewer's files. Text is escaped for exactly where it lands:
//! `html_escape` for HTML text and attribute values, [`json_for_script`]
//! inside `<script type="application/ld+json">`.

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use serde_json::{json, Value};
use story_format::layout;
use story_format::url::{relative_ref, Url};
use story_format::{SafeUrl, Story};

use super::Failure;

pub use super::pictures::Preview;

/// The description's length: what search results and link previews show.
pub const DESCRIPTION_CHARS: usize = 160;

/// What every page of a site shares.
#[derive(Clone)]
pub struct Site {
    /// The site's address, ending in `/`.
    pub root: Url,
    /// The site's name: its catalog's title, else its host.
    pub name: String,
    /// The catalog's `image`, as a preview: the lists', and a story's
    /// when it has no hero.
    pub preview: Option<Preview>,
}

/// What a page is, for its head.
pub enum Kind<'a> {
    Story(&'a Story),
    /// A catalog page: its title (`"Stories"`, `"Energy: Stories"`),
    /// description, and the tag it lists, if any.
    List {
        title: String,
        description: String,
        tag: Option<String>,
    },
}

/// A whole HTML document: `<head>` for `kind` at `page`, then `body` (the
/// rendered content of `<main>`).
pub fn document(site: &Site, page: &Url, kind: &Kind<'_>, preview: Option<&Preview>, body: &str) -> String {
    let mut h = open(site, page, kind, preview);
    h.push_str(body);
    h.push_str(CLOSE);
    h
}

/// What follows the body: the end of `<main>` and of the document.
pub const CLOSE: &str = "</main>\n</body>\n</html>\n";

/// The document up to the opening of `<main>`, where the body goes (then
/// [`CLOSE`]): for a story, written before its body, which takes the story.
/// `preview`: the page's link-preview image (a story's hero, else the
/// site's), with its crops for JSON-LD.
pub fn open(site: &Site, page: &Url, kind: &Kind<'_>, preview: Option<&Preview>) -> String {
    let to_root = relative_ref(&safe(&site.root), page, &site.root);
    let asset = |name: &str| attr(&format!("{to_root}{name}")).into_owned();
    let (lang, title, description) = match kind {
        Kind::Story(s) => (
            s.lang.as_str(),
            s.title.clone(),
            s.summary(DESCRIPTION_CHARS).unwrap_or_else(|| s.title.clone()),
        ),
        Kind::List { title, description, .. } => ("en", title.clone(), description.clone()),
    };
    let dir = story_format::text::direction(lang);
    let mut h = String::with_capacity(4096);
    h.push_str("<!doctype html>\n");
    h.push_str(&format!("<html lang=\"{}\" dir=\"{dir}\">\n<head>\n", attr(lang)));
    h.push_str("<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    h.push_str(&format!("<title>{}</title>\n", text(&title)));
    h.push_str(&format!("<meta name=\"description\" content=\"{}\">\n", attr(&description)));
    h.push_str(&format!("<link rel=\"canonical\" href=\"{}\">\n", attr(page.as_str())));
    h.push_str(&format!(
        "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"{}\" title=\"{}\">\n",
        asset(layout::ATOM_FEED),
        attr(&site.name)
    ));
    h.push_str(&format!(
        "<link rel=\"alternate\" type=\"application/feed+json\" href=\"{}\" title=\"{}\">\n",
        asset(layout::JSON_FEED),
        attr(&site.name)
    ));
    meta(&mut h, "property", "og:site_name", &site.name);
    meta(&mut h, "property", "og:title", &title);
    meta(&mut h, "property", "og:description", &description);
    meta(&mut h, "property", "og:url", page.as_str());
    match kind {
        Kind::Story(s) => {
            // oEmbed discovery: a CMS given this page's address embeds the story.
            if let Ok(oembed) = page.join(layout::OEMBED_FILE) {
                h.push_str(&format!(
                    "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"{}\" title=\"{}\">\n",
                    attr(oembed.as_str()),
                    attr(&title)
                ));
            }
            let names = s.author_names();
            if !names.is_empty() {
                meta(&mut h, "name", "author", &names.join(", "));
            }
            meta(&mut h, "property", "og:type", "article");
            if let Some(p) = preview {
                og_image(&mut h, p);
            }
            if let Some(p) = &s.published {
                meta(&mut h, "property", "article:published_time", &p.raw);
            }
            if let Some(u) = s.updated.as_ref().or(s.published.as_ref()) {
                meta(&mut h, "property", "article:modified_time", &u.raw);
            }
            for t in &s.tags {
                meta(&mut h, "property", "article:tag", t);
            }
            meta(&mut h, "name", "twitter:card", card(preview));
            meta(&mut h, "name", "twitter:title", &title);
            meta(&mut h, "name", "twitter:description", &description);
            h.push_str("<script type=\"application/ld+json\">");
            h.push_str(&json_for_script(&news_article(s, page, &description, &site.name, preview)));
            h.push_str("</script>\n");
        }
        Kind::List { .. } => {
            meta(&mut h, "property", "og:type", "website");
            if let Some(p) = preview {
                og_image(&mut h, p);
            }
            meta(&mut h, "name", "twitter:card", card(preview));
        }
    }
    h.push_str(&format!("<link rel=\"icon\" href=\"{}\" type=\"image/svg+xml\">\n", asset("favicon.svg")));
    // Reading settings before the first paint; then the styles; the viewer
    // last (a module: deferred, never blocking the text).
    h.push_str(&format!("<script src=\"{}\"></script>\n", asset("reading.js")));
    h.push_str(&format!("<link rel=\"stylesheet\" href=\"{}\">\n", asset("viewer.css")));
    h.push_str(&format!("<script type=\"module\" src=\"{}\"></script>\n", asset("embed.js")));
    // For the viewer: what the page is, where the site's root is (its
    // catalog, for search), and the tag a list is of.
    let (kind_attr, tag) = match kind {
        Kind::Story(_) => ("story", None),
        Kind::List { tag, .. } => ("catalog", tag.as_deref()),
    };
    let tag_attr = tag.map(|t| format!(" data-tag=\"{}\"", attr(t))).unwrap_or_default();
    h.push_str("</head>\n<body class=\"sv-page\">\n");
    h.push_str(&format!(
        "<main id=\"{}\" data-published=\"{kind_attr}\" data-root=\"{}\"{tag_attr}>",
        story_viewer::publish::ROOT_ID,
        attr(&to_root)
    ));
    h
}

/// `og:image` with its size and alt text (the address is absolute: a
/// preview is fetched from anywhere).
fn og_image(h: &mut String, p: &Preview) {
    meta(h, "property", "og:image", p.url.as_str());
    if p.width > 0 && p.height > 0 {
        meta(h, "property", "og:image:width", &p.width.to_string());
        meta(h, "property", "og:image:height", &p.height.to_string());
    }
    if !p.alt.is_empty() {
        meta(h, "property", "og:image:alt", &p.alt);
        meta(h, "name", "twitter:image:alt", &p.alt);
    }
}

/// `<meta KEY="NAME" content="VALUE">`, the value escaped for an attribute.
fn meta(h: &mut String, key: &str, name: &str, value: &str) {
    h.push_str(&format!("<meta {key}=\"{name}\" content=\"{}\">\n", attr(value)));
}

/// The Twitter card: a large image when the page has a preview image.
fn card(preview: Option<&Preview>) -> &'static str {
    if preview.is_some() {
        "summary_large_image"
    } else {
        "summary"
    }
}

/// The site's root as a `SafeUrl` (it was checked to be http(s) when the build started).
pub(super) fn safe(root: &Url) -> SafeUrl {
    story_format::url::resolve(root.as_str(), root).expect("the site's address is http(s)")
}

/// schema.org `NewsArticle`, from the story's own fields.
pub fn news_article(
    s: &Story,
    page: &Url,
    description: &str,
    site_name: &str,
    preview: Option<&Preview>,
) -> Value {
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": s.title,
        "description": description,
        "inLanguage": s.lang,
        "mainEntityOfPage": page.as_str(),
        "url": page.as_str(),
        "publisher": { "@type": "Organization", "name": site_name },
    });
    let o = v.as_object_mut().expect("an object");
    if let Some(p) = &s.published {
        o.insert("datePublished".into(), json!(p.raw));
    }
    if let Some(u) = s.updated.as_ref().or(s.published.as_ref()) {
        o.insert("dateModified".into(), json!(u.raw));
    }
    if let Some(author) = authors(s) {
        o.insert("author".into(), author);
    }
    // Google asks for 16:9, 4:3 and 1:1 versions: the crops, when made.
    match preview {
        Some(p) if !p.crops.is_empty() => {
            o.insert("image".into(), json!(p.crops.iter().map(|c| c.as_str()).collect::<Vec<_>>()));
        }
        Some(p) => {
            o.insert("image".into(), json!([p.url.as_str()]));
        }
        None => {}
    }
    if !s.tags.is_empty() {
        o.insert("keywords".into(), json!(s.tags.join(", ")));
    }
    // Corrections (not updates: schema.org's `correction` is what was wrong).
    let corrections: Vec<Value> = s
        .corrections
        .iter()
        .filter(|c| c.kind == story_format::CorrectionKind::Correction)
        .map(|c| json!({ "@type": "CorrectionComment", "text": c.text, "datePublished": c.date.raw }))
        .collect();
    if !corrections.is_empty() {
        o.insert("correction".into(), Value::Array(corrections));
    }
    if let Some(u) = &s.source.url {
        o.insert("isBasedOn".into(), json!(u.as_str()));
    }
    v
}

/// JSON-LD `author`, never guessed: each of the story's `authors`, a
/// `Person` when the name reads as one person's and an `Organization`
/// otherwise (a desk, an agency); without `authors`, the byline as one
/// `Person` only when it reads as one person's name, else none. One author
/// is an object, not a list of one: link-preview tools such as metascraper
/// read an object and skip a list.
fn authors(s: &Story) -> Option<Value> {
    use story_format::people::{kind_of, without_by, Kind};
    let typed = |name: &str, url: Option<&str>| {
        let t = if kind_of(name) == Kind::Person { "Person" } else { "Organization" };
        let mut v = json!({ "@type": t, "name": name });
        if let Some(u) = url {
            v["url"] = json!(u);
        }
        v
    };
    let mut list: Vec<Value> =
        s.authors.iter().map(|a| typed(&a.name, a.url.as_ref().map(|u| u.as_str()))).collect();
    if list.is_empty() {
        let name = without_by(s.byline.as_deref()?);
        if kind_of(name) != Kind::Person {
            return None;
        }
        list.push(typed(name, None));
    }
    Some(if list.len() == 1 { list.remove(0) } else { Value::Array(list) })
}

/// JSON that can stand inside `<script>`: `<`, `>` and `&` written as
/// `\u003c`, `\u003e`, `\u0026` (they occur only inside strings in JSON), so
/// that no `</script>` or `<!--` can end or change the script element.
pub fn json_for_script(v: &Value) -> String {
    let s = serde_json::to_string(v).expect("a JSON value always serialises");
    s.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// `--url`: an absolute http(s) address without credentials, made to end in `/`.
pub(super) fn site_root(url: &str) -> Result<Url, Failure> {
    let mut u = Url::parse(url).map_err(|e| {
        let shown = if url.contains('@') { "(an address with credentials)" } else { url };
        Failure::Run(format!("--url {shown}: not an absolute address ({e})"))
    })?;
    if !u.username().is_empty() || u.password().is_some() {
        return Err(Failure::Run(
            "--url: the address holds a user name or password, which every page would publish; \
             give the public address only"
                .into(),
        ));
    }
    let bad = |why: &str| Failure::Run(format!("--url {url}: {why}"));
    if !matches!(u.scheme(), "http" | "https") {
        return Err(bad("use an http: or https: address"));
    }
    if u.query().is_some() || u.fragment().is_some() {
        return Err(bad("the site's address cannot have a ?query or #fragment"));
    }
    if !u.path().ends_with('/') {
        u.set_path(&format!("{}/", u.path()));
    }
    Ok(u)
}
