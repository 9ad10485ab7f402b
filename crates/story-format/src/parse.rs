//! From bytes to a [`Story`], [`Catalog`] or [`Document`], with every
//! diagnostic, in one streaming pass: `serde_json` tokenizes and each
//! field is validated and converted as it arrives, with no intermediate
//! tree. A value of the wrong JSON type is a diagnostic, never an error that
//! stops the parse; only broken JSON stops it.
//!
//! Limits are checked before work grows with the input: the byte size before
//! parsing; sections, blocks and entries are counted as they stream, and past
//! a limit the rest is only counted (at tokenizer speed), never converted.

use std::borrow::Cow;
use std::collections::HashSet;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::date::{self, Timestamp};
use crate::diag::{Code, Diagnostic, Path, Sink};
use crate::json::{self, Key, Live, Raw, Source as ValueSource, Val, ValSeed};
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

#[derive(Clone, Copy, PartialEq, Eq)]
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

/// The marker error that sends a file whose `format` is not its first key
/// down the two-pass path.
const FORMAT_NOT_FIRST: &str = "\u{0}format-not-first";

/// Parses a story or a catalog, told apart by its `format`.
pub fn parse_document(bytes: &[u8], base: &Url) -> Parsed<Document> {
    parse(bytes, base, None)
}

/// Parses like [`parse_document`] and also lists every image URL the file
/// names (`hero.src`, `sections[1].blocks[4].srcset[0].src`, thumbnails),
/// with its JSON path: what a bundle must ship. For `story-check`; the viewer
/// does not pay for the list.
pub fn parse_document_with_assets(bytes: &[u8], base: &Url) -> (Parsed<Document>, Vec<Asset>) {
    let mut assets = Vec::new();
    let parsed = parse(bytes, base, Some(&mut assets));
    if parsed.value.is_none() {
        assets.clear();
    }
    (parsed, assets)
}

fn parse(bytes: &[u8], base: &Url, mut assets: Option<&mut Vec<Asset>>) -> Parsed<Document> {
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
    // UTF-8 is checked once for the whole file, so the tokenizer need not
    // check each string again.
    let bytes = json::strip_bom(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Parsed::refused(not_utf8(bytes, e.valid_up_to())),
    };
    // Usually `format` comes first and one pass suffices.
    let base = url::Base::new(base);
    match read_root(text, &base, None, assets.as_deref_mut()) {
        Err(e) if e.to_string().starts_with(FORMAT_NOT_FIRST) => {}
        Err(e) => return Parsed::refused(syntax_error(&e)),
        Ok(parsed) => return parsed,
    }
    // Otherwise find `format` first (skipping everything else), then read.
    let mut de = serde_json::Deserializer::from_str(text);
    let format = match PeekFormat.deserialize(&mut de).and_then(|f| de.end().map(|()| f)) {
        Ok(f) => f,
        Err(e) => return Parsed::refused(syntax_error(&e)),
    };
    // The first pass stopped at its first key, before any asset.
    match read_root(text, &base, Some(format), assets) {
        Ok(parsed) => parsed,
        Err(e) => Parsed::refused(syntax_error(&e)),
    }
}

fn read_root<'de>(
    text: &'de str,
    base: &url::Base<'_>,
    format: Option<Option<Val<'de>>>,
    assets: Option<&mut Vec<Asset>>,
) -> Result<Parsed<Document>, serde_json::Error> {
    let mut cx = Cx {
        sink: Sink::default(),
        base,
        assets,
        section_links: Vec::new(),
        blocks: 0,
        refused: None,
        scratch: Inline::default(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let value = RootSeed { cx: &mut cx, format }.deserialize(&mut de)?;
    de.end()?;
    if let Some(limit) = cx.refused {
        return Ok(Parsed::refused(limit));
    }
    Ok(Parsed { value, diagnostics: cx.sink.finish() })
}

/// The file is not UTF-8 from byte `at` on: where, as line and column.
fn not_utf8(bytes: &[u8], at: usize) -> Diagnostic {
    let before = &bytes[..at];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + before.iter().rev().take_while(|&&b| b != b'\n').count();
    Diagnostic::error(
        Code::Syntax,
        format!("line {line}, column {column}"),
        "not valid JSON: the bytes here are not UTF-8 text (save the file as UTF-8)",
    )
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

const STORY_FIELDS: &[&str] = &[
    "format",
    "id",
    "lang",
    "title",
    "dek",
    "published",
    "updated",
    "byline",
    "source",
    "hero",
    "tags",
    "sections",
];
const CATALOG_FIELDS: &[&str] = &["format", "title", "stories"];
const SOURCE_FIELDS: &[&str] = &["name", "lang", "url"];
const IMAGE_FIELDS: &[&str] = &["src", "alt", "width", "height", "srcset", "caption", "credit"];
const IMAGE_BLOCK_FIELDS: &[&str] = &["type", "src", "alt", "width", "height", "srcset", "caption", "credit"];
const SRCSET_FIELDS: &[&str] = &["src", "width"];
const CREDIT_FIELDS: &[&str] =
    &["author", "author_url", "provider", "provider_url", "license", "license_url"];
const SECTION_FIELDS: &[&str] = &["heading", "id", "blocks"];
const PARAGRAPH_FIELDS: &[&str] = &["type", "text"];
const QUOTE_FIELDS: &[&str] = &["type", "text", "cite"];
const LIST_FIELDS: &[&str] = &["type", "items", "ordered"];
const RUN_FIELDS: &[&str] = &["text", "em", "strong", "code", "href"];
const ENTRY_FIELDS: &[&str] = &["id", "title", "published", "source", "href", "dek", "thumbnail", "tags"];

/// What a structured field held: `null` (counts as absent), something of
/// the wrong type (already reported), or a value.
enum Slot<T> {
    Null,
    Bad,
    Got(T),
}

impl<T> Slot<T> {
    fn get(self) -> Option<T> {
        match self {
            Slot::Got(v) => Some(v),
            _ => None,
        }
    }
}

/// A structured field that is present and not null.
fn present<T>(s: &Option<Slot<T>>) -> bool {
    matches!(s, Some(Slot::Got(_) | Slot::Bad))
}

/// The parse context: diagnostics, the file's URL, what has been counted.
struct Cx<'b> {
    sink: Sink,
    /// The file's own URL, against which its references resolve.
    base: &'b url::Base<'b>,
    /// Image URLs with their paths, when the caller asked for them.
    assets: Option<&'b mut Vec<Asset>>,
    /// Links to sections (`#id`), with their paths: checked once ids are known.
    section_links: Vec<(String, String)>,
    /// Blocks seen so far, all sections together.
    blocks: usize,
    /// Set when a limit was passed: the file is refused with this message.
    refused: Option<Diagnostic>,
    /// Reused while reading each array of runs (see `InlineShape`).
    scratch: Inline,
}

impl Cx<'_> {
    fn type_error(&mut self, path: &Path<'_>, want: &str, found: &str) {
        self.sink.error(Code::Type, path, format!("expected {want}, found {found}"));
    }

    fn missing(&mut self, path: &Path<'_>, name: &str) {
        self.sink.error(
            Code::Missing,
            &path.field(name),
            format!("the required field \"{name}\" is missing"),
        );
    }

    /// An optional string field; `null` counts as absent.
    fn opt_str<'de>(
        &mut self,
        v: Option<Val<'de>>,
        name: &'static str,
        path: &Path<'_>,
    ) -> Option<Cow<'de, str>> {
        match v? {
            Val::Str(s) => Some(s),
            Val::Null => None,
            other => {
                self.type_error(&path.field(name), "a string", other.kind());
                None
            }
        }
    }

    fn req_str<'de>(
        &mut self,
        v: Option<Val<'de>>,
        name: &'static str,
        path: &Path<'_>,
    ) -> Option<Cow<'de, str>> {
        if matches!(v, None | Some(Val::Null)) {
            self.missing(path, name);
            return None;
        }
        self.opt_str(v, name, path)
    }

    /// An optional text field, trimmed; empty text counts as absent.
    fn opt_text(&mut self, v: Option<Val<'_>>, name: &'static str, path: &Path<'_>) -> Option<String> {
        let s = self.opt_str(v, name, path)?;
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_owned())
    }

    fn opt_bool(&mut self, v: Option<Val<'_>>, name: &'static str, path: &Path<'_>) -> bool {
        match v {
            None | Some(Val::Null) => false,
            Some(Val::Bool(b)) => b,
            Some(other) => {
                self.type_error(&path.field(name), "true or false", other.kind());
                false
            }
        }
    }

    fn opt_uint(&mut self, v: Option<Val<'_>>, name: &'static str, path: &Path<'_>) -> Option<u32> {
        match v? {
            Val::Null => None,
            Val::Int(n) if (1..=100_000).contains(&n) => Some(n as u32),
            Val::Int(_) | Val::Float(_) => {
                self.sink.error(
                    Code::Invalid,
                    &path.field(name),
                    "must be a whole number of pixels from 1 to 100000",
                );
                None
            }
            other => {
                self.type_error(&path.field(name), "a whole number", other.kind());
                None
            }
        }
    }

    fn url(&mut self, reference: &str, path: &Path<'_>) -> Option<SafeUrl> {
        match self.base.resolve(reference) {
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
        if let Some(assets) = &mut self.assets {
            assets.push(Asset { path: path.render(), url: url.clone() });
        }
        Some(url)
    }

    fn opt_url(&mut self, v: Option<Val<'_>>, name: &'static str, path: &Path<'_>) -> Option<SafeUrl> {
        let s = self.opt_str(v, name, path)?;
        self.url(&s, &path.field(name))
    }

    fn lang(&mut self, v: Option<Val<'_>>, path: &Path<'_>) -> Option<String> {
        let s = self.opt_str(v, "lang", path)?;
        if is_language_tag(&s) {
            Some(s.into_owned())
        } else {
            self.sink.error(
                Code::Invalid,
                &path.field("lang"),
                format!("\"{s}\" is not a BCP 47 language tag such as \"en\" or \"zh-Hans\""),
            );
            None
        }
    }

    fn timestamp(
        &mut self,
        v: Option<Val<'_>>,
        name: &'static str,
        path: &Path<'_>,
        required: bool,
    ) -> Option<Timestamp> {
        let s = if required { self.req_str(v, name, path)? } else { self.opt_str(v, name, path)? };
        match date::parse(&s) {
            Ok(t) => Some(t),
            Err(msg) => {
                self.sink.error(Code::Invalid, &path.field(name), msg);
                None
            }
        }
    }

    /// The `format` field: `PREFIX1` or `PREFIX1.N`.
    fn format(&mut self, v: Option<Val<'_>>) -> Option<(Kind, u32)> {
        let root = Path::Root;
        let f = self.req_str(v, "format", &root)?;
        let kind = if f.starts_with(Kind::Catalog.prefix()) {
            Kind::Catalog
        } else if f.starts_with(Kind::Story.prefix()) {
            Kind::Story
        } else {
            self.sink.error(
                Code::Format,
                &root.field("format"),
                format!("\"{f}\" is not a format this viewer reads (\"story/1\" or \"story-index/1\")"),
            );
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

    fn id(&mut self, v: Option<Val<'_>>, path: &Path<'_>) -> String {
        let Some(id) = self.req_str(v, "id", path) else { return String::new() };
        let ok = (1..=100).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            id.into_owned()
        } else {
            self.sink.error(
                Code::Invalid,
                &path.field("id"),
                format!(
                    "\"{}\" is not a valid id: use 1-100 characters of a-z, 0-9 and -",
                    truncate(&id, 120)
                ),
            );
            String::new()
        }
    }

    fn title(&mut self, v: Option<Val<'_>>, path: &Path<'_>) -> String {
        let Some(t) = self.req_str(v, "title", path) else { return String::new() };
        let t = t.trim();
        let n = t.chars().count();
        if n == 0 {
            self.sink.error(Code::Invalid, &path.field("title"), "the title is empty");
        } else if n > 300 {
            self.sink.error(
                Code::Invalid,
                &path.field("title"),
                format!("the title is {n} characters long; the limit is 300"),
            );
        }
        t.to_owned()
    }

    fn source(&mut self, s: Option<Slot<Source>>, path: &Path<'_>) -> Source {
        match s {
            None | Some(Slot::Null) => {
                self.missing(path, "source");
                Source::default()
            }
            Some(s) => s.get().unwrap_or_default(),
        }
    }
}

/// Reads an object's fields: reports unknown fields (skipped) and
/// duplicates (the first wins), and hands each known field to `acc`.
/// `seen` marks fields already read (a `format` consumed before).
fn read_fields<'de, A: MapAccess<'de>, F: Fields<'de>>(
    cx: &mut Cx<'_>,
    map: &mut A,
    path: &Path<'_>,
    known: &'static [&'static str],
    mut seen: u32,
    acc: &mut F,
) -> Result<(), A::Error> {
    while let Some(Key(k)) = map.next_key()? {
        match known.iter().position(|x| *x == k) {
            Some(i) if seen & (1 << i) != 0 => {
                cx.sink.error(
                    Code::Duplicate,
                    &path.field(&k),
                    "this field appears more than once; the first one is used",
                );
                map.next_value::<IgnoredAny>()?;
            }
            Some(i) => {
                seen |= 1 << i;
                acc.field(cx, i, known[i], &mut Live(map), path)?;
            }
            None => {
                cx.sink.warning(Code::UnknownField, &path.field(&k), "unknown field, ignored");
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok(())
}

/// Collects the fields of one kind of object as they arrive.
trait Fields<'de> {
    /// Reads field `name`, at position `i` of the list given to [`read_fields`].
    fn field<S: ValueSource<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        i: usize,
        name: &'static str,
        src: &mut S,
        path: &Path<'_>,
    ) -> Result<(), S::Error>;
}

/// Where a structured value is read: the context and its path.
struct At<'c, 'b, 'p> {
    cx: &'c mut Cx<'b>,
    path: &'p Path<'p>,
}

/// A structured value: what it accepts (strings, arrays, objects); any
/// other JSON type is reported as "expected WANT, found …" and skipped.
trait Shape<'de>: Sized {
    type Out;
    const WANT: &'static str;
    /// Reports "expected WANT, found `found`" at this value's path.
    fn reject(&mut self, found: &str) -> Slot<Self::Out>;
    fn on_str(mut self, _s: Cow<'de, str>) -> Slot<Self::Out> {
        self.reject("a string")
    }
    fn on_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.reject("an array"))
    }
    fn on_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Slot<Self::Out>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(self.reject("an object"))
    }
}

struct ShapeSeed<S>(S);
struct ShapeVisitor<S>(S);

impl<'de, S: Shape<'de>> DeserializeSeed<'de> for ShapeSeed<S> {
    type Value = Slot<S::Out>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(ShapeVisitor(self.0))
    }
}

impl<'de, S: Shape<'de>> Visitor<'de> for ShapeVisitor<S> {
    type Value = Slot<S::Out>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(S::WANT)
    }
    fn visit_bool<E>(mut self, _: bool) -> Result<Self::Value, E> {
        Ok(self.0.reject("a boolean"))
    }
    fn visit_i64<E>(mut self, _: i64) -> Result<Self::Value, E> {
        Ok(self.0.reject("a number"))
    }
    fn visit_u64<E>(mut self, _: u64) -> Result<Self::Value, E> {
        Ok(self.0.reject("a number"))
    }
    fn visit_f64<E>(mut self, _: f64) -> Result<Self::Value, E> {
        Ok(self.0.reject("a number"))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(self.0.on_str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.on_str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(self.0.on_str(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Slot::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Slot::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.on_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.on_map(map)
    }
}

/// Declares a shape: a newtype over [`At`], built by `Name::seed(cx, path)`.
macro_rules! shape {
    ($name:ident) => {
        struct $name<'c, 'b, 'p>(At<'c, 'b, 'p>);
        impl<'c, 'b, 'p> $name<'c, 'b, 'p> {
            fn seed(cx: &'c mut Cx<'b>, path: &'p Path<'p>) -> ShapeSeed<Self> {
                ShapeSeed($name(At { cx, path }))
            }
        }
    };
}

macro_rules! at_impl {
    () => {
        fn reject(&mut self, found: &str) -> Slot<Self::Out> {
            self.0.cx.type_error(self.0.path, Self::WANT, found);
            Slot::Bad
        }
    };
}

/// Reads every element of an array with `$shape`, keeping what parsed (in
/// a `Vec`, or handed to `|item| …`); a `null` element is reported as
/// "expected …, found null".
macro_rules! elements {
    ($seq:ident, $cx:ident, $path:ident, $shape:ident) => {{
        let mut out = Vec::new();
        elements!($seq, $cx, $path, $shape, |item| out.push(item));
        out
    }};
    ($seq:ident, $cx:ident, $path:ident, $shape:ident, |$item:pat_param| $keep:expr) => {{
        let mut i = 0;
        loop {
            let p = $path.index(i);
            let Some(slot) = $seq.next_element_seed($shape::seed($cx, &p))? else { break };
            i += 1;
            match slot {
                Slot::Got($item) => $keep,
                Slot::Null => $cx.type_error(&p, $shape::WANT, "null"),
                Slot::Bad => {}
            }
        }
    }};
}

// ---------------------------------------------------------------- the root

/// Peeks at the root's `format` (skipping everything else).
struct PeekFormat;

impl<'de> DeserializeSeed<'de> for PeekFormat {
    type Value = Option<Val<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PeekFormat {
    type Value = Option<Val<'de>>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut format = None;
        while let Some(Key(k)) = map.next_key()? {
            if k == "format" && format.is_none() {
                format = Some(map.next_value_seed(ValSeed)?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(format)
    }
}

struct RootSeed<'c, 'b, 'de> {
    cx: &'c mut Cx<'b>,
    /// `Some` on the second pass: the `format` value found by [`PeekFormat`].
    format: Option<Option<Val<'de>>>,
}

impl<'de> DeserializeSeed<'de> for RootSeed<'_, '_, 'de> {
    type Value = Option<Document>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> RootSeed<'_, '_, 'de> {
    fn not_an_object(self, found: &str) -> Option<Document> {
        self.cx.type_error(&Path::Root, "an object with a \"format\" field", found);
        None
    }
}

impl<'de> Visitor<'de> for RootSeed<'_, '_, 'de> {
    type Value = Option<Document>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object with a \"format\" field")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(self.not_an_object("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(self.not_an_object("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(self.not_an_object("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(self.not_an_object("a number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(self.not_an_object("a string"))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(self.not_an_object("null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.not_an_object("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let cx = self.cx;
        let (format, format_read) = match self.format {
            Some(f) => (f, false),
            None => match map.next_key::<Key<'de>>()? {
                None => (None, true),
                Some(Key(k)) if k == "format" => (Some(map.next_value_seed(ValSeed)?), true),
                Some(_) => return Err(de::Error::custom(FORMAT_NOT_FIRST)),
            },
        };
        let Some((kind, minor_version)) = cx.format(format) else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(None);
        };
        let path = Path::Root;
        // `format` is field 0 of both lists: mark it read, or skip it when met.
        let seen = u32::from(format_read);
        match kind {
            Kind::Story => {
                let mut acc = StoryAcc::default();
                read_fields(cx, &mut map, &path, STORY_FIELDS, seen, &mut acc)?;
                Ok(acc.finish(cx, minor_version).map(Document::Story))
            }
            Kind::Catalog => {
                let mut acc = CatalogAcc::default();
                read_fields(cx, &mut map, &path, CATALOG_FIELDS, seen, &mut acc)?;
                Ok(acc.finish(cx, minor_version).map(Document::Catalog))
            }
        }
    }
}

// --------------------------------------------------------------- the story

/// The story's fields, each validated as it arrives (so diagnostics come in
/// file order); `None`: not seen yet (required ones are reported at the end).
#[derive(Default)]
struct StoryAcc {
    id: Option<String>,
    lang: Option<Option<String>>,
    title: Option<String>,
    dek: Option<String>,
    published: Option<Option<Timestamp>>,
    updated: Option<Timestamp>,
    byline: Option<String>,
    source: Option<Slot<Source>>,
    hero: Option<Image>,
    tags: Vec<String>,
    sections: Option<Slot<Vec<RawSection>>>,
}

impl<'de> Fields<'de> for StoryAcc {
    fn field<S: ValueSource<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        _: usize,
        name: &'static str,
        src: &mut S,
        path: &Path<'_>,
    ) -> Result<(), S::Error> {
        let p = path.field(name);
        match name {
            "id" => self.id = Some(cx.id(Some(src.value(ValSeed)?), path)),
            "lang" => self.lang = Some(cx.lang(Some(src.value(ValSeed)?), path)),
            "title" => self.title = Some(cx.title(Some(src.value(ValSeed)?), path)),
            "dek" => self.dek = cx.opt_text(Some(src.value(ValSeed)?), "dek", path),
            "published" => {
                self.published = Some(cx.timestamp(Some(src.value(ValSeed)?), "published", path, true))
            }
            "updated" => self.updated = cx.timestamp(Some(src.value(ValSeed)?), "updated", path, false),
            "byline" => self.byline = cx.opt_text(Some(src.value(ValSeed)?), "byline", path),
            "source" => self.source = Some(src.value(SourceShape::seed(cx, &p))?),
            "hero" => self.hero = src.value(ImageShape::seed(cx, &p))?.get(),
            "tags" => self.tags = src.value(TagsShape::seed(cx, &p))?.get().unwrap_or_default(),
            "sections" => self.sections = Some(src.value(SectionsShape::seed(cx, &p))?),
            _ => src.skip()?, // `format`, read before
        }
        Ok(())
    }
}

/// A section before its id is settled (ids need every section first).
struct RawSection {
    heading: Option<String>,
    own_id: Option<String>,
    blocks: Vec<Block>,
}

impl StoryAcc {
    fn finish(self, cx: &mut Cx<'_>, minor_version: u32) -> Option<Story> {
        if cx.refused.is_some() {
            return None;
        }
        let path = Path::Root;
        // Required fields never seen are reported now.
        let id = self.id.unwrap_or_else(|| cx.id(None, &path));
        let title = self.title.unwrap_or_else(|| cx.title(None, &path));
        let published = self.published.unwrap_or_else(|| cx.timestamp(None, "published", &path, true));
        let source = cx.source(self.source, &path);
        let raw_sections = match self.sections {
            None | Some(Slot::Null) => {
                cx.missing(&path, "sections");
                Vec::new()
            }
            Some(s) => s.get().unwrap_or_default(),
        };
        let lang = self.lang.flatten().unwrap_or_else(|| "en".to_owned());
        let (dek, updated, byline) = (self.dek, self.updated, self.byline);

        let explicit: Vec<Option<&str>> = raw_sections.iter().map(|s| s.own_id.as_deref()).collect();
        let headings: Vec<Option<&str>> = raw_sections.iter().map(|s| s.heading.as_deref()).collect();
        let ids = text::section_ids(&explicit, &headings);
        // Section links must name a section of this story.
        if !cx.section_links.is_empty() {
            let known: HashSet<&str> = ids.iter().map(String::as_str).collect();
            for (path, id) in std::mem::take(&mut cx.section_links) {
                if !known.contains(id.as_str()) {
                    cx.sink.push(Diagnostic::warning(
                        Code::Invalid,
                        path,
                        format!("no section has the id \"{id}\"; the link goes nowhere"),
                    ));
                }
            }
        }
        let sections = raw_sections
            .into_iter()
            .zip(ids)
            .map(|(s, id)| Section { heading: s.heading, id, blocks: s.blocks })
            .collect();
        Some(Story {
            minor_version,
            id,
            lang,
            title,
            dek,
            published,
            updated,
            byline,
            source,
            hero: self.hero,
            tags: self.tags,
            sections,
        })
    }
}

shape!(SectionsShape);
impl<'de> Shape<'de> for SectionsShape<'_, '_, '_> {
    type Out = Vec<RawSection>;
    const WANT: &'static str = "an array of sections";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut out = Vec::new();
        let mut ids = HashSet::new();
        let mut count = 0usize;
        loop {
            if count >= MAX_SECTIONS {
                // Past the limit: only count what is left.
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    count += 1;
                }
                break;
            }
            let p = path.index(count);
            let Some(slot) = seq.next_element_seed(SectionShape::seed(cx, &p))? else { break };
            count += 1;
            if let Slot::Got(mut s) = slot {
                // A second section with the same explicit id gets a derived one.
                if let Some(id) = &s.own_id {
                    if !ids.insert(id.clone()) {
                        cx.sink.error(
                            Code::Duplicate,
                            &p.field("id"),
                            format!(
                                "another section already has the id \"{id}\"; this one gets a derived id"
                            ),
                        );
                        s.own_id = None;
                    }
                }
                out.push(s);
            }
        }
        if count > MAX_SECTIONS {
            cx.refused = Some(Diagnostic::error(
                Code::Limit,
                path.to_string(),
                format!(
                    "the story has {count} sections, over the limit of {MAX_SECTIONS} by {}",
                    count - MAX_SECTIONS
                ),
            ));
        } else if cx.blocks > MAX_BLOCKS && cx.refused.is_none() {
            cx.refused = Some(Diagnostic::error(
                Code::Limit,
                path.to_string(),
                format!(
                    "the story has {} blocks in all, over the limit of {MAX_BLOCKS} by {}",
                    cx.blocks,
                    cx.blocks - MAX_BLOCKS
                ),
            ));
        } else if count == 0 {
            cx.sink.error(Code::Invalid, path, "a story needs at least one section");
        }
        Ok(Slot::Got(out))
    }
}

shape!(SectionShape);
impl<'de> Shape<'de> for SectionShape<'_, '_, '_> {
    type Out = RawSection;
    const WANT: &'static str = "an object";
    at_impl!();
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = SectionAcc::default();
        read_fields(cx, &mut map, path, SECTION_FIELDS, 0, &mut acc)?;
        let heading = cx.opt_text(acc.heading, "heading", path);
        let own_id = match cx.opt_str(acc.id, "id", path) {
            Some(id) if text::is_valid_id(&id) => Some(id.into_owned()),
            Some(_) => {
                cx.sink.error(
                    Code::Invalid,
                    &path.field("id"),
                    "a section id must be 1-100 characters with no spaces",
                );
                None
            }
            None => None,
        };
        let blocks = match acc.blocks {
            None | Some(Slot::Null) => {
                cx.missing(path, "blocks");
                Vec::new()
            }
            Some(b) => b.get().unwrap_or_default(),
        };
        Ok(Slot::Got(RawSection { heading, own_id, blocks }))
    }
}

#[derive(Default)]
struct SectionAcc<'de> {
    heading: Option<Val<'de>>,
    id: Option<Val<'de>>,
    blocks: Option<Slot<Vec<Block>>>,
}

impl<'de> Fields<'de> for SectionAcc<'de> {
    fn field<S: ValueSource<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        _: usize,
        name: &'static str,
        src: &mut S,
        path: &Path<'_>,
    ) -> Result<(), S::Error> {
        let p = path.field(name);
        match name {
            "heading" => self.heading = Some(src.value(ValSeed)?),
            "id" => self.id = Some(src.value(ValSeed)?),
            _ => self.blocks = Some(src.value(BlocksShape::seed(cx, &p))?),
        }
        Ok(())
    }
}

shape!(BlocksShape);
impl<'de> Shape<'de> for BlocksShape<'_, '_, '_> {
    type Out = Vec<Block>;
    const WANT: &'static str = "an array of blocks";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            if cx.blocks >= MAX_BLOCKS {
                // Past the limit: only count what is left.
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    cx.blocks += 1;
                    i += 1;
                }
                break;
            }
            let p = path.index(i);
            let Some(slot) = seq.next_element_seed(BlockShape::seed(cx, &p))? else { break };
            cx.blocks += 1;
            i += 1;
            if let Slot::Got(b) = slot {
                out.push(b);
            }
        }
        if i == 0 {
            cx.sink.error(Code::Invalid, path, "a section needs at least one block");
        }
        Ok(Slot::Got(out))
    }
}

shape!(BlockShape);
impl<'de> Shape<'de> for BlockShape<'_, '_, '_> {
    type Out = Block;
    const WANT: &'static str = "a string, an array of runs or an object with a \"type\"";
    at_impl!();
    fn on_str(self, s: Cow<'de, str>) -> Slot<Block> {
        Slot::Got(Block::Paragraph(Inline::plain(s)))
    }
    fn on_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Slot<Block>, A::Error> {
        let At { cx, path } = self.0;
        Ok(match InlineShape(At { cx, path }).on_seq(seq)? {
            Slot::Got(runs) => Slot::Got(Block::Paragraph(runs)),
            _ => Slot::Bad,
        })
    }
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Block>, A::Error> {
        let At { cx, path } = self.0;
        // Usually `type` comes first: read the rest knowing it.
        let first = map.next_key::<Key<'de>>()?;
        if let Some(Key(k)) = &first {
            if k == "type" {
                let ty = map.next_value_seed(ValSeed)?;
                let Some(kind) = block_type(cx, ty, path) else {
                    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                    return Ok(Slot::Bad);
                };
                let mut acc = BlockAcc::default();
                read_fields(cx, &mut map, path, kind.fields(), 1, &mut acc)?;
                return Ok(acc.finish(cx, kind, path));
            }
        }
        // Otherwise capture the fields as raw JSON, find `type`, then read them.
        let mut fields: Vec<(Cow<'de, str>, &'de RawValue)> = Vec::new();
        if let Some(Key(k)) = first {
            fields.push((k, map.next_value()?));
        }
        while let Some(Key(k)) = map.next_key()? {
            fields.push((k, map.next_value()?));
        }
        let ty = fields
            .iter()
            .find(|(k, _)| k == "type")
            .map(|(_, raw)| Raw(raw).value(ValSeed))
            .transpose()
            .map_err(de::Error::custom)?;
        let Some(ty) = ty else {
            cx.missing(path, "type");
            return Ok(Slot::Bad);
        };
        let Some(kind) = block_type(cx, ty, path) else { return Ok(Slot::Bad) };
        let known = kind.fields();
        let mut acc = BlockAcc::default();
        let mut seen = 0u32;
        for (k, raw) in fields {
            match known.iter().position(|x| *x == k) {
                Some(i) if seen & (1 << i) != 0 => {
                    cx.sink.error(
                        Code::Duplicate,
                        &path.field(&k),
                        "this field appears more than once; the first one is used",
                    );
                }
                Some(0) => seen |= 1, // `type`, read above
                Some(i) => {
                    seen |= 1 << i;
                    acc.field(cx, i, known[i], &mut Raw(raw), path).map_err(de::Error::custom)?;
                }
                None => cx.sink.warning(Code::UnknownField, &path.field(&k), "unknown field, ignored"),
            }
        }
        Ok(acc.finish(cx, kind, path))
    }
}

/// The block types this viewer draws.
#[derive(Clone, Copy)]
enum BlockKind {
    Paragraph,
    Quote,
    List,
    Image,
}

impl BlockKind {
    /// The fields a block of this type may have.
    fn fields(self) -> &'static [&'static str] {
        match self {
            BlockKind::Paragraph => PARAGRAPH_FIELDS,
            BlockKind::Quote => QUOTE_FIELDS,
            BlockKind::List => LIST_FIELDS,
            BlockKind::Image => IMAGE_BLOCK_FIELDS,
        }
    }
}

/// The block's `type`, or `None` (reported) when the type is not a string
/// or is unknown.
fn block_type(cx: &mut Cx<'_>, ty: Val<'_>, path: &Path<'_>) -> Option<BlockKind> {
    match ty {
        Val::Str(t) => match t.as_ref() {
            "paragraph" => Some(BlockKind::Paragraph),
            "quote" => Some(BlockKind::Quote),
            "list" => Some(BlockKind::List),
            "image" => Some(BlockKind::Image),
            other => {
                cx.sink.warning(
                    Code::UnknownBlock,
                    &path.field("type"),
                    format!("unknown block type \"{}\", skipped", truncate(other, 60)),
                );
                None
            }
        },
        Val::Null => {
            cx.missing(path, "type");
            None
        }
        other => {
            cx.type_error(&path.field("type"), "a string", other.kind());
            None
        }
    }
}

#[derive(Default)]
struct BlockAcc<'de> {
    text: Option<Slot<Inline>>,
    cite: Option<Val<'de>>,
    items: Option<Slot<Vec<Inline>>>,
    ordered: Option<Val<'de>>,
    image: ImageAcc<'de>,
}

impl<'de> Fields<'de> for BlockAcc<'de> {
    fn field<S: ValueSource<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        i: usize,
        name: &'static str,
        src: &mut S,
        path: &Path<'_>,
    ) -> Result<(), S::Error> {
        let p = path.field(name);
        match name {
            "text" => self.text = Some(src.value(InlineShape::seed(cx, &p))?),
            "cite" => self.cite = Some(src.value(ValSeed)?),
            "items" => self.items = Some(src.value(ItemsShape::seed(cx, &p))?),
            "ordered" => self.ordered = Some(src.value(ValSeed)?),
            "type" => src.skip()?,
            _ => self.image.field(cx, i, name, src, path)?,
        }
        Ok(())
    }
}

impl BlockAcc<'_> {
    fn finish(self, cx: &mut Cx<'_>, kind: BlockKind, path: &Path<'_>) -> Slot<Block> {
        let text = |cx: &mut Cx<'_>, t: Option<Slot<Inline>>| match t {
            None | Some(Slot::Null) => {
                cx.missing(path, "text");
                None
            }
            Some(t) => t.get(),
        };
        let block = match kind {
            BlockKind::Paragraph => text(cx, self.text).map(Block::Paragraph),
            BlockKind::Quote => text(cx, self.text)
                .map(|text| Block::Quote { text, cite: cx.opt_text(self.cite, "cite", path) }),
            BlockKind::List => {
                let ordered = cx.opt_bool(self.ordered, "ordered", path);
                match self.items {
                    None | Some(Slot::Null) => {
                        cx.missing(path, "items");
                        None
                    }
                    Some(Slot::Bad) => None,
                    Some(Slot::Got(items)) if items.is_empty() => {
                        cx.sink.error(Code::Invalid, &path.field("items"), "a list needs at least one item");
                        None
                    }
                    Some(Slot::Got(items)) => Some(Block::List { ordered, items }),
                }
            }
            BlockKind::Image => self.image.finish(cx, path).map(|i| Block::Image(Box::new(i))),
        };
        block.map_or(Slot::Bad, Slot::Got)
    }
}

shape!(ItemsShape);
impl<'de> Shape<'de> for ItemsShape<'_, '_, '_> {
    type Out = Vec<Inline>;
    const WANT: &'static str = "an array of list items";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        Ok(Slot::Got(elements!(seq, cx, path, InlineShape)))
    }
}

shape!(InlineShape);
impl<'de> Shape<'de> for InlineShape<'_, '_, '_> {
    type Out = Inline;
    const WANT: &'static str = "text (a string or an array of runs)";
    at_impl!();
    fn on_str(self, s: Cow<'de, str>) -> Slot<Inline> {
        Slot::Got(Inline::plain(s))
    }
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Inline>, A::Error> {
        let At { cx, path } = self.0;
        // Runs never hold inline text, so one scratch serves every array.
        let mut out = std::mem::take(&mut cx.scratch);
        elements!(seq, cx, path, RunShape, |(text, marks)| out.push(&text, marks));
        let inline = out.take_exact();
        cx.scratch = out;
        Ok(Slot::Got(inline))
    }
}

shape!(RunShape);
impl<'de> Shape<'de> for RunShape<'_, '_, '_> {
    type Out = (Cow<'de, str>, Marks);
    const WANT: &'static str = "an object";
    at_impl!();
    fn on_str(self, s: Cow<'de, str>) -> Slot<Self::Out> {
        Slot::Got((s, Marks::PLAIN))
    }
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = ScalarAcc::default();
        read_fields(cx, &mut map, path, RUN_FIELDS, 0, &mut acc)?;
        let [text, em, strong, code, href, ..] = acc.0;
        let Some(text) = cx.req_str(text, "text", path) else { return Ok(Slot::Bad) };
        // `#id` is a link to a section of this story, not to the file.
        let fragment = match &href {
            Some(Val::Str(h)) => h
                .trim()
                .strip_prefix('#')
                .map(|f| percent_encoding::percent_decode_str(f).decode_utf8_lossy().into_owned()),
            _ => None,
        };
        let (href, section) = match fragment {
            Some(id) => {
                cx.section_links.push((path.field("href").render(), id.clone()));
                (None, Some(id))
            }
            None => (cx.opt_url(href, "href", path), None),
        };
        let marks = Marks {
            em: cx.opt_bool(em, "em", path),
            strong: cx.opt_bool(strong, "strong", path),
            code: cx.opt_bool(code, "code", path),
            href,
            section,
        };
        Ok(Slot::Got((text, marks)))
    }
}

/// Up to eight scalar fields, at their positions in the object's field list.
#[derive(Default)]
struct ScalarAcc<'de>([Option<Val<'de>>; 8]);

impl<'de> Fields<'de> for ScalarAcc<'de> {
    fn field<S: ValueSource<'de>>(
        &mut self,
        _: &mut Cx<'_>,
        i: usize,
        _: &'static str,
        src: &mut S,
        _: &Path<'_>,
    ) -> Result<(), S::Error> {
        let v = src.value(ValSeed)?;
        if let Some(slot) = self.0.get_mut(i) {
            *slot = Some(v);
        }
        Ok(())
    }
}

shape!(SourceShape);
impl<'de> Shape<'de> for SourceShape<'_, '_, '_> {
    type Out = Source;
    const WANT: &'static str = "an object";
    at_impl!();
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Source>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = ScalarAcc::default();
        read_fields(cx, &mut map, path, SOURCE_FIELDS, 0, &mut acc)?;
        let [name, lang, url, ..] = acc.0;
        let name = match cx.req_str(name, "name", path).as_deref().map(str::trim) {
            Some("") => {
                cx.sink.error(Code::Invalid, &path.field("name"), "the source name is empty");
                String::new()
            }
            Some(n) => n.to_owned(),
            None => String::new(),
        };
        Ok(Slot::Got(Source { name, lang: cx.lang(lang, path), url: cx.opt_url(url, "url", path) }))
    }
}

shape!(TagsShape);
impl<'de> Shape<'de> for TagsShape<'_, '_, '_> {
    type Out = Vec<String>;
    const WANT: &'static str = "an array of strings";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut tags = Vec::new();
        let mut n = 0;
        while let Some(v) = seq.next_element_seed(ValSeed)? {
            n += 1;
            if n > MAX_TAGS {
                continue;
            }
            let p = path.index(n - 1);
            match v {
                Val::Str(s) => {
                    let s = s.trim();
                    let len = s.chars().count();
                    if (1..=60).contains(&len) {
                        tags.push(s.to_owned());
                    } else {
                        cx.sink.error(
                            Code::Invalid,
                            &p,
                            format!("a tag must be 1-60 characters; this one is {len}"),
                        );
                    }
                }
                other => cx.type_error(&p, "a string", other.kind()),
            }
        }
        if n > MAX_TAGS {
            cx.sink.error(
                Code::Limit,
                path,
                format!(
                    "{n} tags, over the limit of {MAX_TAGS} by {}; only the first {MAX_TAGS} are used",
                    n - MAX_TAGS
                ),
            );
        }
        Ok(Slot::Got(tags))
    }
}

// ------------------------------------------------------------------ images

#[derive(Default)]
struct ImageAcc<'de> {
    src: Option<Val<'de>>,
    alt: Option<Val<'de>>,
    width: Option<Val<'de>>,
    height: Option<Val<'de>>,
    srcset: Vec<(SafeUrl, u32)>,
    caption: Option<Inline>,
    credit: Option<Credit>,
}

impl<'de> Fields<'de> for ImageAcc<'de> {
    fn field<S: ValueSource<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        _: usize,
        name: &'static str,
        src: &mut S,
        path: &Path<'_>,
    ) -> Result<(), S::Error> {
        let p = path.field(name);
        match name {
            "src" => self.src = Some(src.value(ValSeed)?),
            "alt" => self.alt = Some(src.value(ValSeed)?),
            "width" => self.width = Some(src.value(ValSeed)?),
            "height" => self.height = Some(src.value(ValSeed)?),
            "srcset" => self.srcset = src.value(SrcsetShape::seed(cx, &p))?.get().unwrap_or_default(),
            "caption" => self.caption = src.value(InlineShape::seed(cx, &p))?.get(),
            "credit" => self.credit = src.value(CreditShape::seed(cx, &p))?.get(),
            _ => src.skip()?,
        }
        Ok(())
    }
}

impl ImageAcc<'_> {
    fn finish(self, cx: &mut Cx<'_>, path: &Path<'_>) -> Option<Image> {
        let src = cx.req_str(self.src, "src", path).and_then(|s| cx.asset(&s, &path.field("src")));
        let alt = cx.req_str(self.alt, "alt", path).map(|a| a.trim().to_owned()).unwrap_or_default();
        let has = |v: &Option<Val<'_>>| !matches!(v, None | Some(Val::Null));
        let (has_w, has_h) = (has(&self.width), has(&self.height));
        let (w, h) = (cx.opt_uint(self.width, "width", path), cx.opt_uint(self.height, "height", path));
        let size = if has_w != has_h {
            cx.sink.error(Code::Invalid, path, "give both \"width\" and \"height\", or neither");
            None
        } else {
            w.zip(h)
        };
        Some(Image { src, alt, size, srcset: self.srcset, caption: self.caption, credit: self.credit })
    }
}

shape!(ImageShape);
impl<'de> Shape<'de> for ImageShape<'_, '_, '_> {
    type Out = Image;
    const WANT: &'static str = "an object";
    at_impl!();
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Image>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = ImageAcc::default();
        read_fields(cx, &mut map, path, IMAGE_FIELDS, 0, &mut acc)?;
        Ok(acc.finish(cx, path).map_or(Slot::Bad, Slot::Got))
    }
}

shape!(SrcsetShape);
impl<'de> Shape<'de> for SrcsetShape<'_, '_, '_> {
    type Out = Vec<(SafeUrl, u32)>;
    const WANT: &'static str = "an array of {src, width}";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        Ok(Slot::Got(elements!(seq, cx, path, SrcsetItemShape)))
    }
}

shape!(SrcsetItemShape);
impl<'de> Shape<'de> for SrcsetItemShape<'_, '_, '_> {
    type Out = (SafeUrl, u32);
    const WANT: &'static str = "an object";
    at_impl!();
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = ScalarAcc::default();
        read_fields(cx, &mut map, path, SRCSET_FIELDS, 0, &mut acc)?;
        let [src, width, ..] = acc.0;
        let u = cx.req_str(src, "src", path).and_then(|s| cx.asset(&s, &path.field("src")));
        let w = if matches!(width, None | Some(Val::Null)) {
            cx.missing(path, "width");
            None
        } else {
            cx.opt_uint(width, "width", path)
        };
        Ok(u.zip(w).map_or(Slot::Bad, Slot::Got))
    }
}

shape!(CreditShape);
impl<'de> Shape<'de> for CreditShape<'_, '_, '_> {
    type Out = Credit;
    const WANT: &'static str = "an object";
    at_impl!();
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Credit>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = ScalarAcc::default();
        read_fields(cx, &mut map, path, CREDIT_FIELDS, 0, &mut acc)?;
        let none = acc.0.iter().all(|v| matches!(v, None | Some(Val::Null)));
        let [author, author_url, provider, provider_url, license, license_url, ..] = acc.0;
        let c = Credit {
            author: cx.opt_text(author, "author", path),
            author_url: cx.opt_url(author_url, "author_url", path),
            provider: cx.opt_text(provider, "provider", path),
            provider_url: cx.opt_url(provider_url, "provider_url", path),
            license: cx.opt_text(license, "license", path),
            license_url: cx.opt_url(license_url, "license_url", path),
        };
        if none {
            cx.sink.error(Code::Invalid, path, "a credit needs at least one of author, author_url, provider, provider_url, license, license_url");
            return Ok(Slot::Bad);
        }
        Ok(Slot::Got(c))
    }
}

// ------------------------------------------------------------- the catalog

#[derive(Default)]
struct CatalogAcc<'de> {
    title: Option<Val<'de>>,
    stories: Option<Slot<Vec<Entry>>>,
}

impl<'de> Fields<'de> for CatalogAcc<'de> {
    fn field<S: ValueSource<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        _: usize,
        name: &'static str,
        src: &mut S,
        path: &Path<'_>,
    ) -> Result<(), S::Error> {
        let p = path.field(name);
        match name {
            "title" => self.title = Some(src.value(ValSeed)?),
            "stories" => self.stories = Some(src.value(EntriesShape::seed(cx, &p))?),
            _ => src.skip()?,
        }
        Ok(())
    }
}

impl CatalogAcc<'_> {
    fn finish(self, cx: &mut Cx<'_>, minor_version: u32) -> Option<Catalog> {
        if cx.refused.is_some() {
            return None;
        }
        let path = Path::Root;
        let title = cx.opt_text(self.title, "title", &path).unwrap_or_else(|| "Stories".to_owned());
        if !present(&self.stories) {
            cx.missing(&path, "stories");
        }
        let mut entries = self.stories.and_then(Slot::get).unwrap_or_default();
        // Newest first; entries without a valid date last; stable otherwise.
        entries.sort_by(|a, b| match (&a.published, &b.published) {
            (Some(x), Some(y)) => y.cmp(x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        Some(Catalog { minor_version, title, entries })
    }
}

shape!(EntriesShape);
impl<'de> Shape<'de> for EntriesShape<'_, '_, '_> {
    type Out = Vec<Entry>;
    const WANT: &'static str = "an array of entries";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut out = Vec::new();
        let mut count = 0usize;
        loop {
            if count >= MAX_ENTRIES {
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    count += 1;
                }
                break;
            }
            let p = path.index(count);
            let Some(slot) = seq.next_element_seed(EntryShape::seed(cx, &p))? else { break };
            if let Slot::Got(mut e) = slot {
                e.index = count;
                out.push(e);
            }
            count += 1;
        }
        if count > MAX_ENTRIES {
            cx.refused = Some(Diagnostic::error(
                Code::Limit,
                path.to_string(),
                format!(
                    "the catalog has {count} entries, over the limit of {MAX_ENTRIES} by {}",
                    count - MAX_ENTRIES
                ),
            ));
        }
        Ok(Slot::Got(out))
    }
}

#[derive(Default)]
struct EntryAcc<'de> {
    id: Option<Val<'de>>,
    title: Option<Val<'de>>,
    published: Option<Val<'de>>,
    source: Option<Slot<Source>>,
    href: Option<Val<'de>>,
    dek: Option<Val<'de>>,
    thumbnail: Option<Image>,
    tags: Vec<String>,
}

impl<'de> Fields<'de> for EntryAcc<'de> {
    fn field<S: ValueSource<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        _: usize,
        name: &'static str,
        src: &mut S,
        path: &Path<'_>,
    ) -> Result<(), S::Error> {
        let p = path.field(name);
        match name {
            "id" => self.id = Some(src.value(ValSeed)?),
            "title" => self.title = Some(src.value(ValSeed)?),
            "published" => self.published = Some(src.value(ValSeed)?),
            "source" => self.source = Some(src.value(SourceShape::seed(cx, &p))?),
            "href" => self.href = Some(src.value(ValSeed)?),
            "dek" => self.dek = Some(src.value(ValSeed)?),
            "thumbnail" => self.thumbnail = src.value(ImageShape::seed(cx, &p))?.get(),
            _ => self.tags = src.value(TagsShape::seed(cx, &p))?.get().unwrap_or_default(),
        }
        Ok(())
    }
}

shape!(EntryShape);
impl<'de> Shape<'de> for EntryShape<'_, '_, '_> {
    type Out = Entry;
    const WANT: &'static str = "an object";
    at_impl!();
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Entry>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = EntryAcc::default();
        read_fields(cx, &mut map, path, ENTRY_FIELDS, 0, &mut acc)?;
        let href = cx.req_str(acc.href, "href", path).and_then(|h| cx.url(&h, &path.field("href")));
        Ok(Slot::Got(Entry {
            index: 0,
            id: cx.id(acc.id, path),
            title: cx.title(acc.title, path),
            published: cx.timestamp(acc.published, "published", path, true),
            source: cx.source(acc.source, path),
            href,
            dek: cx.opt_text(acc.dek, "dek", path),
            thumbnail: acc.thumbnail,
            tags: acc.tags,
        }))
    }
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
