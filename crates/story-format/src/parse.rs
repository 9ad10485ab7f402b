//! From bytes to a [`Story`], [`Catalog`] or [`Document`], with every
//! diagnostic. Limits are checked before work grows with the input: the byte
//! size before parsing, the section, block and entry counts before any of
//! them is converted.

use std::borrow::Cow;

use crate::date::{self, Timestamp};
use crate::diag::{Code, Diagnostic, Path, Sink};
use crate::json::{self, Json};
use crate::model::*;
use crate::text;
use crate::url::{self, SafeUrl, Url};

/// Largest `story.json` or `stories.json`, in bytes (8 MiB).
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;
/// Most sections in one story.
pub const MAX_SECTIONS: usize = 2_000;
/// Most blocks in one story, all sections together.
pub const MAX_BLOCKS: usize = 50_000;
/// Most entries in one catalog.
pub const MAX_ENTRIES: usize = 10_000;
/// Most tags on a story or entry.
pub const MAX_TAGS: usize = 20;

/// A parse result: the document, when it can be shown at all, *and* every
/// diagnostic. `value` is `None` only when the file as a whole cannot be read
/// (not JSON, over a limit, another format); otherwise what is invalid is
/// left out of `value` and reported, and the rest is kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed<T> {
    pub value: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Parsed<T> {
    /// The diagnostics that are errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
    fn refused(d: Diagnostic) -> Self {
        Parsed { value: None, diagnostics: vec![d] }
    }
}

/// Parses a `story.json`. `base` is the URL of the file itself: every
/// relative URL inside resolves against it.
pub fn parse_story(bytes: &[u8], base: &Url) -> Parsed<Story> {
    expect_kind(parse_document(bytes, base), Kind::Story, |d| match d {
        Document::Story(s) => Some(s),
        Document::Catalog(_) => None,
    })
}

/// Parses a `stories.json`. `base` is the URL of the file itself.
pub fn parse_catalog(bytes: &[u8], base: &Url) -> Parsed<Catalog> {
    expect_kind(parse_document(bytes, base), Kind::Catalog, |d| match d {
        Document::Catalog(c) => Some(c),
        Document::Story(_) => None,
    })
}

fn expect_kind<T>(p: Parsed<Document>, want: Kind, pick: impl Fn(Document) -> Option<T>) -> Parsed<T> {
    match p.value {
        None => Parsed { value: None, diagnostics: p.diagnostics },
        Some(doc) => match pick(doc) {
            Some(v) => Parsed { value: Some(v), diagnostics: p.diagnostics },
            None => Parsed::refused(Diagnostic::error(
                Code::Format,
                "format",
                format!("expected {} here, but the file is {}", want.describe(), want.other().describe()),
            )),
        },
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Story,
    Catalog,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Story => "story/",
            Kind::Catalog => "story-index/",
        }
    }
    fn describe(self) -> &'static str {
        match self {
            Kind::Story => "a story (format \"story/1\")",
            Kind::Catalog => "a catalog (format \"story-index/1\")",
        }
    }
    fn other(self) -> Kind {
        match self {
            Kind::Story => Kind::Catalog,
            Kind::Catalog => Kind::Story,
        }
    }
}

/// Parses a story or a catalog, told apart by its `format`.
pub fn parse_document(bytes: &[u8], base: &Url) -> Parsed<Document> {
    if bytes.len() > MAX_FILE_BYTES {
        return Parsed::refused(Diagnostic::error(
            Code::Limit,
            "$",
            format!(
                "the file is {} bytes, over the limit of 8 MiB ({MAX_FILE_BYTES} bytes) by {} bytes",
                bytes.len(),
                bytes.len() - MAX_FILE_BYTES
            ),
        ));
    }
    let root = match json::parse(bytes) {
        Ok(v) => v,
        Err(e) => return Parsed::refused(syntax_error(&e)),
    };
    let mut cx = Cx { sink: Sink::default(), base, assets: Vec::new() };
    let value = cx.document(&root);
    Parsed { value, diagnostics: cx.sink.finish() }
}

fn syntax_error(e: &serde_json::Error) -> Diagnostic {
    let msg = e.to_string();
    // serde_json appends " at line L column C"; the path carries that instead.
    let msg = msg.split(" at line ").next().unwrap_or(&msg);
    let explain = if msg.contains("recursion limit") {
        "the JSON is nested more than 128 levels deep".to_owned()
    } else {
        format!("not valid JSON: {msg}")
    };
    Diagnostic::error(Code::Syntax, format!("line {}, column {}", e.line(), e.column()), explain)
}

const STORY_FIELDS: &[&str] =
    &["format", "id", "lang", "title", "dek", "published", "updated", "byline", "source", "hero", "tags", "sections"];
const SOURCE_FIELDS: &[&str] = &["name", "lang", "url"];
const IMAGE_FIELDS: &[&str] = &["src", "alt", "width", "height", "srcset", "caption", "credit", "type"];
const SRCSET_FIELDS: &[&str] = &["src", "width"];
const CREDIT_FIELDS: &[&str] = &["author", "author_url", "provider", "provider_url", "license", "license_url"];
const SECTION_FIELDS: &[&str] = &["heading", "id", "blocks"];
const PARAGRAPH_FIELDS: &[&str] = &["type", "text"];
const QUOTE_FIELDS: &[&str] = &["type", "text", "cite"];
const LIST_FIELDS: &[&str] = &["type", "items", "ordered"];
const RUN_FIELDS: &[&str] = &["text", "em", "strong", "code", "href"];
const CATALOG_FIELDS: &[&str] = &["format", "title", "stories"];
const ENTRY_FIELDS: &[&str] = &["id", "title", "published", "source", "href", "dek", "thumbnail", "tags"];

/// The fields of one JSON object, looked up by name among the known ones.
struct Obj<'j, 'a> {
    entries: &'j [(Cow<'a, str>, Json<'a>)],
    known: &'static [&'static str],
    slots: [Option<u32>; 12],
}

impl<'j, 'a> Obj<'j, 'a> {
    fn get(&self, name: &str) -> Option<&'j Json<'a>> {
        let i = self.known.iter().position(|k| *k == name)?;
        let at = self.slots[i]?;
        match &self.entries[at as usize].1 {
            Json::Null => None, // an optional field given as null counts as absent
            v => Some(v),
        }
    }
}

struct Cx<'b> {
    sink: Sink,
    base: &'b Url,
    assets: Vec<Asset>,
}

impl Cx<'_> {
    fn type_error(&mut self, path: &Path<'_>, want: &str, found: &Json<'_>) {
        self.sink.error(Code::Type, path, format!("expected {want}, found {}", found.kind()));
    }

    /// Opens an object: warns about unknown fields, reports duplicates (the
    /// first wins). One pass over the keys.
    fn object<'j, 'a>(&mut self, v: &'j Json<'a>, path: &Path<'_>, known: &'static [&'static str]) -> Option<Obj<'j, 'a>> {
        let Json::Obj(entries) = v else {
            self.type_error(path, "an object", v);
            return None;
        };
        let mut obj = Obj { entries, known, slots: [None; 12] };
        for (at, (key, _)) in entries.iter().enumerate() {
            match known.iter().position(|k| *k == key.as_ref()) {
                Some(i) if obj.slots[i].is_some() => {
                    let p = path.field(key);
                    self.sink.error(Code::Duplicate, &p, "this field appears more than once; the first one is used");
                }
                Some(i) => obj.slots[i] = Some(at as u32),
                None => {
                    let p = path.field(key);
                    self.sink.warning(Code::UnknownField, &p, "unknown field, ignored");
                }
            }
        }
        Some(obj)
    }

    fn missing(&mut self, path: &Path<'_>, name: &str) {
        self.sink.error(Code::Missing, &path.field(name), format!("the required field \"{name}\" is missing"));
    }

    fn opt_str<'j>(&mut self, obj: &Obj<'j, '_>, name: &'static str, path: &Path<'_>) -> Option<&'j str> {
        match obj.get(name)? {
            Json::Str(s) => Some(s),
            other => {
                self.type_error(&path.field(name), "a string", other);
                None
            }
        }
    }

    fn req_str<'j>(&mut self, obj: &Obj<'j, '_>, name: &'static str, path: &Path<'_>) -> Option<&'j str> {
        if obj.get(name).is_none() {
            self.missing(path, name);
            return None;
        }
        self.opt_str(obj, name, path)
    }

    /// An optional text field, trimmed; empty text counts as absent.
    fn opt_text(&mut self, obj: &Obj<'_, '_>, name: &'static str, path: &Path<'_>) -> Option<String> {
        let s = self.opt_str(obj, name, path)?.trim();
        (!s.is_empty()).then(|| s.to_owned())
    }

    fn opt_bool(&mut self, obj: &Obj<'_, '_>, name: &'static str, path: &Path<'_>) -> bool {
        match obj.get(name) {
            None => false,
            Some(Json::Bool(b)) => *b,
            Some(other) => {
                self.type_error(&path.field(name), "true or false", other);
                false
            }
        }
    }

    fn opt_uint(&mut self, obj: &Obj<'_, '_>, name: &'static str, path: &Path<'_>) -> Option<u32> {
        let v = obj.get(name)?;
        match v {
            Json::Int(n) if (1..=100_000).contains(n) => Some(*n as u32),
            Json::Int(_) | Json::Float(_) => {
                self.sink.error(Code::Invalid, &path.field(name), "must be a whole number of pixels from 1 to 100000");
                None
            }
            other => {
                self.type_error(&path.field(name), "a whole number", other);
                None
            }
        }
    }

    fn url(&mut self, reference: &str, path: &Path<'_>) -> Option<SafeUrl> {
        match url::resolve(reference, self.base) {
            Ok(u) => Some(u),
            Err(e) => {
                self.sink.error(Code::UnsafeUrl, path, e.to_string());
                None
            }
        }
    }

    /// An image URL: resolved like any URL and remembered as an asset.
    fn asset(&mut self, reference: &str, path: &Path<'_>) -> Option<SafeUrl> {
        let url = self.url(reference, path)?;
        self.assets.push(Asset { path: path.to_string(), url: url.clone() });
        Some(url)
    }

    fn opt_url(&mut self, obj: &Obj<'_, '_>, name: &'static str, path: &Path<'_>) -> Option<SafeUrl> {
        let s = self.opt_str(obj, name, path)?;
        self.url(s, &path.field(name))
    }

    fn lang(&mut self, obj: &Obj<'_, '_>, path: &Path<'_>) -> Option<String> {
        let s = self.opt_str(obj, "lang", path)?;
        if is_language_tag(s) {
            Some(s.to_owned())
        } else {
            self.sink.error(Code::Invalid, &path.field("lang"), format!("\"{s}\" is not a BCP 47 language tag such as \"en\" or \"zh-Hans\""));
            None
        }
    }

    fn timestamp(&mut self, obj: &Obj<'_, '_>, name: &'static str, path: &Path<'_>, required: bool) -> Option<Timestamp> {
        let s = if required { self.req_str(obj, name, path)? } else { self.opt_str(obj, name, path)? };
        match date::parse(s) {
            Ok(t) => Some(t),
            Err(msg) => {
                self.sink.error(Code::Invalid, &path.field(name), msg);
                None
            }
        }
    }

    /// The `format` field: `PREFIX1` or `PREFIX1.N`.
    fn format(&mut self, obj: &Obj<'_, '_>) -> Option<(Kind, u32)> {
        let root = Path::Root;
        let Some(f) = self.req_str(obj, "format", &root) else { return None };
        let kind = if f.starts_with(Kind::Catalog.prefix()) {
            Kind::Catalog
        } else if f.starts_with(Kind::Story.prefix()) {
            Kind::Story
        } else {
            self.sink.error(Code::Format, &root.field("format"), format!("\"{f}\" is not a format this viewer reads (\"story/1\" or \"story-index/1\")"));
            return None;
        };
        let version = &f[kind.prefix().len()..];
        let (major, minor) = version.split_once('.').unwrap_or((version, "0"));
        let digits = |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
        if major == "1" && digits(minor) {
            return Some((kind, minor.parse().unwrap_or(0)));
        }
        let p = kind.prefix();
        self.sink.error(
            Code::Format,
            &root.field("format"),
            format!("the file is \"{f}\", a version this viewer does not read; it reads {p}1 and its minor versions ({p}1.x)"),
        );
        None
    }

    fn document(&mut self, root: &Json<'_>) -> Option<Document> {
        let path = Path::Root;
        let Json::Obj(entries) = root else {
            self.type_error(&path, "an object with a \"format\" field", root);
            return None;
        };
        // Read `format` first: it decides which fields the root may have.
        let peek = Obj { entries, known: &["format"], slots: first_slot(entries, "format") };
        match self.format(&peek)? {
            (Kind::Story, minor) => self.story(root, minor).map(Document::Story),
            (Kind::Catalog, minor) => self.catalog(root, minor).map(Document::Catalog),
        }
    }

    fn id(&mut self, obj: &Obj<'_, '_>, path: &Path<'_>) -> String {
        let Some(id) = self.req_str(obj, "id", path) else { return String::new() };
        let ok = (1..=100).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            id.to_owned()
        } else {
            self.sink.error(Code::Invalid, &path.field("id"), format!("\"{}\" is not a valid id: use 1-100 characters of a-z, 0-9 and -", truncate(id, 120)));
            String::new()
        }
    }

    fn title(&mut self, obj: &Obj<'_, '_>, path: &Path<'_>) -> String {
        let Some(t) = self.req_str(obj, "title", path) else { return String::new() };
        let t = t.trim();
        let n = t.chars().count();
        if n == 0 {
            self.sink.error(Code::Invalid, &path.field("title"), "the title is empty");
        } else if n > 300 {
            self.sink.error(Code::Invalid, &path.field("title"), format!("the title is {n} characters long; the limit is 300"));
        }
        t.to_owned()
    }

    fn tags(&mut self, obj: &Obj<'_, '_>, path: &Path<'_>) -> Vec<String> {
        let p = path.field("tags");
        let Some(v) = obj.get("tags") else { return Vec::new() };
        let Json::Arr(items) = v else {
            self.type_error(&p, "an array of strings", v);
            return Vec::new();
        };
        if items.len() > MAX_TAGS {
            self.sink.error(Code::Limit, &p, format!("{} tags, over the limit of {MAX_TAGS} by {}; only the first {MAX_TAGS} are used", items.len(), items.len() - MAX_TAGS));
        }
        let mut tags = Vec::new();
        for (i, item) in items.iter().take(MAX_TAGS).enumerate() {
            let ip = p.index(i);
            match item {
                Json::Str(s) => {
                    let s = s.trim();
                    let n = s.chars().count();
                    if (1..=60).contains(&n) {
                        tags.push(s.to_owned());
                    } else {
                        self.sink.error(Code::Invalid, &ip, format!("a tag must be 1-60 characters; this one is {n}"));
                    }
                }
                other => self.type_error(&ip, "a string", other),
            }
        }
        tags
    }

    fn source(&mut self, obj: &Obj<'_, '_>, path: &Path<'_>) -> Source {
        let p = path.field("source");
        let Some(v) = obj.get("source") else {
            self.missing(path, "source");
            return Source::default();
        };
        let Some(o) = self.object(v, &p, SOURCE_FIELDS) else { return Source::default() };
        let name = match self.req_str(&o, "name", &p).map(str::trim) {
            Some("") => {
                self.sink.error(Code::Invalid, &p.field("name"), "the source name is empty");
                String::new()
            }
            Some(n) => n.to_owned(),
            None => String::new(),
        };
        Source { name, lang: self.lang(&o, &p), url: self.opt_url(&o, "url", &p) }
    }

    fn story(&mut self, root: &Json<'_>, minor_version: u32) -> Option<Story> {
        let path = Path::Root;
        let obj = self.object(root, &path, STORY_FIELDS)?;
        // Limits first, before converting anything that grows with them.
        let sp = path.field("sections");
        let sections_json = match obj.get("sections") {
            None => {
                self.missing(&path, "sections");
                &[][..]
            }
            Some(Json::Arr(s)) => &s[..],
            Some(other) => {
                self.type_error(&sp, "an array of sections", other);
                &[][..]
            }
        };
        if sections_json.len() > MAX_SECTIONS {
            self.sink.error(Code::Limit, &sp, format!(
                "the story has {} sections, over the limit of {MAX_SECTIONS} by {}", sections_json.len(), sections_json.len() - MAX_SECTIONS));
            return None;
        }
        let blocks: usize = sections_json.iter().map(|s| match s {
            Json::Obj(fields) => fields.iter().find(|(k, _)| k == "blocks").map_or(0, |(_, b)| match b {
                Json::Arr(b) => b.len(),
                _ => 0,
            }),
            _ => 0,
        }).sum();
        if blocks > MAX_BLOCKS {
            self.sink.error(Code::Limit, &sp, format!(
                "the story has {blocks} blocks in all, over the limit of {MAX_BLOCKS} by {}", blocks - MAX_BLOCKS));
            return None;
        }
        if obj.get("sections").is_some() && sections_json.is_empty() {
            self.sink.error(Code::Invalid, &sp, "a story needs at least one section");
        }

        let id = self.id(&obj, &path);
        let lang = self.lang(&obj, &path).unwrap_or_else(|| "en".to_owned());
        let title = self.title(&obj, &path);
        let dek = self.opt_text(&obj, "dek", &path);
        let published = self.timestamp(&obj, "published", &path, true);
        let updated = self.timestamp(&obj, "updated", &path, false);
        let byline = self.opt_text(&obj, "byline", &path);
        let source = self.source(&obj, &path);
        let hero = obj.get("hero").and_then(|h| self.image(h, &path.field("hero")));
        let tags = self.tags(&obj, &path);

        let mut explicit = Vec::with_capacity(sections_json.len());
        let mut seen_ids = std::collections::HashSet::new();
        let mut sections = Vec::with_capacity(sections_json.len());
        for (i, s) in sections_json.iter().enumerate() {
            let p = sp.index(i);
            let Some(o) = self.object(s, &p, SECTION_FIELDS) else { continue };
            let heading = self.opt_text(&o, "heading", &p);
            let own_id = match self.opt_str(&o, "id", &p) {
                Some(id) if text::is_valid_id(id) && seen_ids.insert(id) => Some(id),
                Some(id) if text::is_valid_id(id) => {
                    self.sink.error(Code::Duplicate, &p.field("id"), format!("another section already has the id \"{id}\"; this one gets a derived id"));
                    None
                }
                Some(_) => {
                    self.sink.error(Code::Invalid, &p.field("id"), "a section id must be 1-100 characters with no spaces");
                    None
                }
                None => None,
            };
            let blocks = self.blocks(&o, &p);
            explicit.push(own_id);
            sections.push(Section { heading, id: String::new(), blocks });
        }
        let headings: Vec<Option<&str>> = sections.iter().map(|s| s.heading.as_deref()).collect();
        let ids = text::section_ids(&explicit, &headings);
        for (s, id) in sections.iter_mut().zip(ids) {
            s.id = id;
        }
        let assets = std::mem::take(&mut self.assets);
        Some(Story { minor_version, id, lang, title, dek, published, updated, byline, source, hero, tags, sections, assets })
    }

    fn blocks(&mut self, section: &Obj<'_, '_>, path: &Path<'_>) -> Vec<Block> {
        let bp = path.field("blocks");
        let items = match section.get("blocks") {
            None => {
                self.missing(path, "blocks");
                return Vec::new();
            }
            Some(Json::Arr(items)) => items,
            Some(other) => {
                self.type_error(&bp, "an array of blocks", other);
                return Vec::new();
            }
        };
        if items.is_empty() {
            self.sink.error(Code::Invalid, &bp, "a section needs at least one block");
        }
        let mut out = Vec::with_capacity(items.len());
        for (i, b) in items.iter().enumerate() {
            if let Some(block) = self.block(b, &bp.index(i)) {
                out.push(block);
            }
        }
        out
    }

    fn block(&mut self, v: &Json<'_>, path: &Path<'_>) -> Option<Block> {
        match v {
            Json::Str(_) | Json::Arr(_) => return self.inline(v, path).map(Block::Paragraph),
            Json::Obj(_) => {}
            other => {
                self.type_error(path, "a string, an array of runs or an object with a \"type\"", other);
                return None;
            }
        }
        let ty = match v {
            Json::Obj(entries) => entries.iter().find(|(k, _)| k == "type").map(|(_, t)| t),
            _ => None,
        };
        let ty = match ty {
            Some(Json::Str(t)) => t.as_ref(),
            Some(other) => {
                self.type_error(&path.field("type"), "a string", other);
                return None;
            }
            None => {
                self.missing(path, "type");
                return None;
            }
        };
        match ty {
            "paragraph" => {
                let o = self.object(v, path, PARAGRAPH_FIELDS)?;
                self.req_inline(&o, "text", path).map(Block::Paragraph)
            }
            "quote" => {
                let o = self.object(v, path, QUOTE_FIELDS)?;
                let text = self.req_inline(&o, "text", path)?;
                Some(Block::Quote { text, cite: self.opt_text(&o, "cite", path) })
            }
            "list" => {
                let o = self.object(v, path, LIST_FIELDS)?;
                let ordered = self.opt_bool(&o, "ordered", path);
                let ip = path.field("items");
                let items = match o.get("items") {
                    None => {
                        self.missing(path, "items");
                        return None;
                    }
                    Some(Json::Arr(items)) => items,
                    Some(other) => {
                        self.type_error(&ip, "an array of list items", other);
                        return None;
                    }
                };
                let items: Vec<Inline> = items.iter().enumerate().filter_map(|(i, item)| self.inline(item, &ip.index(i))).collect();
                if items.is_empty() {
                    self.sink.error(Code::Invalid, &ip, "a list needs at least one item");
                    return None;
                }
                Some(Block::List { ordered, items })
            }
            "image" => self.image(v, path).map(Block::Image),
            other => {
                self.sink.warning(Code::UnknownBlock, &path.field("type"), format!("unknown block type \"{}\", skipped", truncate(other, 60)));
                None
            }
        }
    }

    fn req_inline(&mut self, obj: &Obj<'_, '_>, name: &'static str, path: &Path<'_>) -> Option<Inline> {
        match obj.get(name) {
            Some(v) => self.inline(v, &path.field(name)),
            None => {
                self.missing(path, name);
                None
            }
        }
    }

    fn inline(&mut self, v: &Json<'_>, path: &Path<'_>) -> Option<Inline> {
        match v {
            Json::Str(s) => Some(vec![Run::plain(s.as_ref())]),
            Json::Arr(runs) => Some(runs.iter().enumerate().filter_map(|(i, r)| self.run(r, &path.index(i))).collect()),
            other => {
                self.type_error(path, "text (a string or an array of runs)", other);
                None
            }
        }
    }

    fn run(&mut self, v: &Json<'_>, path: &Path<'_>) -> Option<Run> {
        if let Json::Str(s) = v {
            return Some(Run::plain(s.as_ref()));
        }
        let o = self.object(v, path, RUN_FIELDS)?;
        let text = self.req_str(&o, "text", path)?.to_owned();
        Some(Run {
            text,
            em: self.opt_bool(&o, "em", path),
            strong: self.opt_bool(&o, "strong", path),
            code: self.opt_bool(&o, "code", path),
            href: self.opt_url(&o, "href", path),
        })
    }

    fn image(&mut self, v: &Json<'_>, path: &Path<'_>) -> Option<Image> {
        let o = self.object(v, path, IMAGE_FIELDS)?;
        if matches!(o.get("type"), Some(t) if !matches!(t, Json::Str(s) if s == "image")) {
            self.sink.warning(Code::UnknownField, &path.field("type"), "an image has no \"type\" field here; ignored");
        }
        let src = self.req_str(&o, "src", path).and_then(|s| self.asset(s, &path.field("src")));
        let alt = match self.req_str(&o, "alt", path) {
            Some(a) => a.trim().to_owned(),
            None => String::new(),
        };
        let (w, h) = (self.opt_uint(&o, "width", path), self.opt_uint(&o, "height", path));
        let size = match (o.get("width").is_some(), o.get("height").is_some()) {
            (true, false) | (false, true) => {
                self.sink.error(Code::Invalid, path, "give both \"width\" and \"height\", or neither");
                None
            }
            _ => w.zip(h),
        };
        let mut srcset = Vec::new();
        let sp = path.field("srcset");
        match o.get("srcset") {
            None => {}
            Some(Json::Arr(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let ip = sp.index(i);
                    let Some(io) = self.object(item, &ip, SRCSET_FIELDS) else { continue };
                    let u = self.req_str(&io, "src", &ip).and_then(|s| self.asset(s, &ip.field("src")));
                    let w = match io.get("width") {
                        None => {
                            self.missing(&ip, "width");
                            None
                        }
                        Some(_) => self.opt_uint(&io, "width", &ip),
                    };
                    if let (Some(u), Some(w)) = (u, w) {
                        srcset.push((u, w));
                    }
                }
            }
            Some(other) => self.type_error(&sp, "an array of {src, width}", other),
        }
        let caption = o.get("caption").and_then(|c| self.inline(c, &path.field("caption")));
        let credit = o.get("credit").and_then(|c| self.credit(c, &path.field("credit")));
        Some(Image { src, alt, size, srcset, caption, credit })
    }

    fn credit(&mut self, v: &Json<'_>, path: &Path<'_>) -> Option<Credit> {
        let o = self.object(v, path, CREDIT_FIELDS)?;
        let c = Credit {
            author: self.opt_text(&o, "author", path),
            author_url: self.opt_url(&o, "author_url", path),
            provider: self.opt_text(&o, "provider", path),
            provider_url: self.opt_url(&o, "provider_url", path),
            license: self.opt_text(&o, "license", path),
            license_url: self.opt_url(&o, "license_url", path),
        };
        if CREDIT_FIELDS.iter().all(|f| o.get(f).is_none()) {
            self.sink.error(Code::Invalid, path, "a credit needs at least one of author, author_url, provider, provider_url, license, license_url");
            return None;
        }
        Some(c)
    }

    fn catalog(&mut self, root: &Json<'_>, minor_version: u32) -> Option<Catalog> {
        let path = Path::Root;
        let obj = self.object(root, &path, CATALOG_FIELDS)?;
        let title = self.opt_text(&obj, "title", &path).unwrap_or_else(|| "Stories".to_owned());
        let sp = path.field("stories");
        let items = match obj.get("stories") {
            None => {
                self.missing(&path, "stories");
                &[][..]
            }
            Some(Json::Arr(items)) => &items[..],
            Some(other) => {
                self.type_error(&sp, "an array of entries", other);
                &[][..]
            }
        };
        if items.len() > MAX_ENTRIES {
            self.sink.error(Code::Limit, &sp, format!(
                "the catalog has {} entries, over the limit of {MAX_ENTRIES} by {}", items.len(), items.len() - MAX_ENTRIES));
            return None;
        }
        let mut entries = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let p = sp.index(i);
            let Some(o) = self.object(item, &p, ENTRY_FIELDS) else { continue };
            let href = match self.req_str(&o, "href", &p) {
                Some(h) => self.url(h, &p.field("href")),
                None => None,
            };
            entries.push(Entry {
                index: i,
                id: self.id(&o, &p),
                title: self.title(&o, &p),
                published: self.timestamp(&o, "published", &p, true),
                source: self.source(&o, &p),
                href,
                dek: self.opt_text(&o, "dek", &p),
                thumbnail: o.get("thumbnail").and_then(|t| self.image(t, &p.field("thumbnail"))),
                tags: self.tags(&o, &p),
            });
        }
        // Newest first; entries without a valid date last; stable otherwise.
        entries.sort_by(|a, b| match (&a.published, &b.published) {
            (Some(x), Some(y)) => y.cmp(x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        Some(Catalog { minor_version, title, entries, assets: std::mem::take(&mut self.assets) })
    }
}

fn first_slot(entries: &[(Cow<'_, str>, Json<'_>)], name: &str) -> [Option<u32>; 12] {
    let mut slots = [None; 12];
    slots[0] = entries.iter().position(|(k, _)| k == name).map(|i| i as u32);
    slots
}

/// Whether `s` looks like a BCP 47 tag: a 2-8 letter language subtag, then
/// subtags of 1-8 letters or digits separated by `-`.
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}
