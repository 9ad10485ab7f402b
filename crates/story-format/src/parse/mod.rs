//! From bytes to a [`Story`], [`Catalog`] or [`Document`], with every
//! diagnostic, in one streaming pass: `serde_json` tokenizes and each
//! field is validated and converted as it arrives, with no intermediate
//! tree. A value of the wrong JSON type is a diagnostic, never an error that
//! stops the parse; only broken JSON stops it.
//!
//! Limits ([`crate::limits`]) are checked before work grows with the input:
//! the byte size before parsing; sections, blocks and entries are counted as
//! they stream, and past a limit the rest is only counted (at tokenizer
//! speed), never converted.
//!
//! [`Steps`] gives the same result a part at a time (the UTF-8 check; a
//! pass that only finds where each section is; the sections, about a
//! budget of bytes per step; the reading time), so that a browser's main
//! thread is never held long by an 8 MiB file.
//!
//! The files, one object of the format each, every field list beside the
//! code that reads it:
//! - `mod.rs` (here): the entry points, UTF-8 and syntax errors, the
//!   two-pass path for a file whose `format` is not its first key;
//! - `shape.rs`: the machinery: [`shape::Field`] lists (`fields!`),
//!   `read_fields`, `Shape` (a value's accepted JSON types), `Slot`;
//! - `any.rs`: every shape as one enum with one visitor, so the JSON
//!   tokenizer's `deserialize_any` is compiled once, not once per shape;
//! - `cx.rs`: `Cx`, the parse context, and its validators of scalar fields
//!   (strings, text, dates, ids, URLs, languages, pixels);
//! - `root.rs`: the root object and its `format`;
//! - `story.rs`, `blocks.rs`, `images.rs`, `common.rs` (source and tags),
//!   `catalog.rs`: one reader per object of the format;
//! - `steps.rs`: [`Steps`].

#[macro_use]
mod shape;
mod any;
mod blocks;
mod catalog;
mod common;
mod cx;
mod images;
mod inline;
mod lists;
mod media;
mod root;
mod slot;
mod steps;
mod story;

pub use steps::Steps;

use serde::de::DeserializeSeed;

use crate::diag::{Code, Diagnostic, Location, Sink};
use crate::json::{self, Val};
use crate::limits::{file_too_large, MAX_FILE_BYTES};
use crate::model::{Asset, Catalog, Document, Inline, Story};
use crate::url::{self, Url};

pub use cx::is_language_tag;
use cx::Cx;
use root::{PeekFormat, Root, RootSeed};
use shape::Field;

/// Every object of the two formats with the fields it may have, exactly as
/// the parser reads them: `("story", ["format", "id", …])`, …, and one
/// `("block:TYPE", …)` per block type. The JSON Schema and the format's
/// documentation are tested against this list, so none can drift apart.
pub fn known_fields() -> Vec<(&'static str, Vec<&'static str>)> {
    fn names<F: Field>(list: &[F]) -> Vec<&'static str> {
        list.iter().map(|f| f.name()).collect()
    }
    let mut out = vec![
        ("story", names(story::StoryField::ALL)),
        ("section", names(story::SectionField::ALL)),
        ("run", names(inline::RunField::ALL)),
        ("item", names(lists::ItemField::ALL)),
        ("source", names(common::SourceField::ALL)),
        ("author", names(common::AuthorField::ALL)),
        ("correction", names(common::CorrectionField::ALL)),
        ("image", names(images::ImageField::ALL)),
        ("srcset", names(images::SrcsetField::ALL)),
        ("credit", names(images::CreditField::ALL)),
        ("catalog", names(catalog::CatalogField::ALL)),
        ("entry", names(catalog::EntryField::ALL)),
    ];
    for &t in crate::model::BlockType::ALL {
        out.push((t.object(), t.fields().to_vec()));
    }
    out
}

/// The fields of one object of [`known_fields`] (`"story"`, `"image"`,
/// `"block:quote"`, …); empty for a name the format does not have.
pub fn fields_of(object: &str) -> Vec<&'static str> {
    known_fields().into_iter().find(|(o, _)| *o == object).map(|(_, f)| f).unwrap_or_default()
}

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
                Location::top("format"),
                format!("expected {} here, but the file is {}", want.describe(), want.other().describe()),
            )),
        },
    }
}

/// Which of the two formats a file is.
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

/// Parses a story or a catalog, told apart by its `format`.
pub fn parse_document(bytes: &[u8], base: &Url) -> Parsed<Document> {
    parse(bytes, base, None)
}

/// Parses like [`parse_document`] and also lists every image URL the file
/// names (`hero.src`, `sections[1].blocks[4].srcset[0].src`, thumbnails),
/// with its JSON path: what a bundle must ship. For `story check`; the viewer
/// does not pay for the list.
pub fn parse_document_with_assets(bytes: &[u8], base: &Url) -> (Parsed<Document>, Vec<Asset>) {
    let mut assets = Vec::new();
    let parsed = parse(bytes, base, Some(&mut assets));
    if parsed.value.is_none() {
        assets.clear();
    }
    (parsed, assets)
}

fn parse(bytes: &[u8], base: &Url, assets: Option<&mut Vec<Asset>>) -> Parsed<Document> {
    let text = match checked_text(bytes) {
        Ok(text) => text,
        Err(d) => return Parsed::refused(d),
    };
    let base = url::Base::new(base);
    match read_root(text, &base, assets, false) {
        Ok((cx, root)) => finish(cx, root),
        Err(d) => Parsed::refused(d),
    }
}

/// The file as text: within the size limit and UTF-8 (checked once for the
/// whole file, so the tokenizer need not check each string again).
fn checked_text(bytes: &[u8]) -> Result<&str, Diagnostic> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(Code::Limit, Location::document(), file_too_large(bytes.len() as u64)));
    }
    let bytes = json::strip_bom(bytes);
    std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, e.valid_up_to()))
}

/// Reads the root object: the parse context and the root's fields, not yet
/// finished. Usually `format` comes first and one pass suffices; otherwise
/// `format` is found first (skipping everything else), then the file read
/// again. `later`: a story's sections are only found, for [`Steps`].
fn read_root<'de, 'b>(
    text: &'de str,
    base: &'b url::Base<'b>,
    assets: Option<&'b mut Vec<Asset>>,
    later: bool,
) -> Result<(Cx<'b>, Option<Root<'de>>), Diagnostic> {
    let assets = match pass(text, base, None, assets, later) {
        Ok(read) => return Ok(read),
        Err(Stop::Syntax(e)) => return Err(syntax_error(&e)),
        Err(Stop::FormatNotFirst(assets)) => assets,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let format = PeekFormat.deserialize(&mut de).and_then(|f| de.end().map(|()| f));
    let format = format.map_err(|e| syntax_error(&e))?;
    // The first pass stopped at its first key, before any asset.
    match pass(text, base, Some(format), assets, later) {
        Ok(read) => Ok(read),
        Err(Stop::Syntax(e)) => Err(syntax_error(&e)),
        // The second pass is given `format` and never asks for another.
        Err(Stop::FormatNotFirst(_)) => Err(Diagnostic::error(
            Code::Format,
            Location::top("format"),
            "the \"format\" field could not be read",
        )),
    }
}

/// Why a pass over the file stopped before its end.
enum Stop<'b> {
    /// `format` is not the first key: read the file again knowing it (the
    /// asset list, untouched, is handed back for that).
    FormatNotFirst(Option<&'b mut Vec<Asset>>),
    /// The bytes are not JSON.
    Syntax(serde_json::Error),
}

fn pass<'de, 'b>(
    text: &'de str,
    base: &'b url::Base<'b>,
    format: Option<Option<Val<'de>>>,
    assets: Option<&'b mut Vec<Asset>>,
    later: bool,
) -> Result<(Cx<'b>, Option<Root<'de>>), Stop<'b>> {
    let mut cx = Cx {
        sink: Sink::default(),
        base,
        assets,
        section_links: Vec::new(),
        blocks: 0,
        refused: None,
        format_not_first: false,
        scratch: Inline::default(),
        later: later.then(|| cx::Later::new(text)),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let value = RootSeed { cx: &mut cx, format }.deserialize(&mut de);
    match value {
        Err(_) if cx.format_not_first => Err(Stop::FormatNotFirst(cx.assets)),
        other => {
            let root = other.and_then(|v| de.end().map(|()| v)).map_err(Stop::Syntax)?;
            Ok((cx, root))
        }
    }
}

/// The document from the root's fields, and every diagnostic; or only the
/// limit that refused the file.
fn finish(mut cx: Cx<'_>, root: Option<Root<'_>>) -> Parsed<Document> {
    let value = root.and_then(|r| r.finish(&mut cx));
    if let Some(limit) = cx.refused {
        return Parsed::refused(limit);
    }
    Parsed { value, diagnostics: cx.sink.finish() }
}

/// The file is not UTF-8 from byte `at` on: where, as line and column.
fn not_utf8(bytes: &[u8], at: usize) -> Diagnostic {
    let before = &bytes[..at];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + before.iter().rev().take_while(|&&b| b != b'\n').count();
    Diagnostic::error(
        Code::Syntax,
        Location::Text { line, column },
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
    // serde_json counts the column before a line's first character as 0.
    Diagnostic::error(
        Code::Syntax,
        Location::Text { line: e.line().max(1), column: e.column().max(1) },
        explain,
    )
}

#[cfg(test)]
mod tests {
    use super::shape::Field;
    use super::*;

    #[test]
    fn format_is_field_0_of_both_roots() {
        // The root marks field 0 as read when `format` came first.
        assert_eq!(story::StoryField::ALL[0].name(), "format");
        assert_eq!(catalog::CatalogField::ALL[0].name(), "format");
    }

    #[test]
    fn every_block_type_lists_type_first_and_fits_the_seen_mask() {
        for &kind in crate::model::BlockType::ALL {
            assert_eq!(blocks::fields_of(kind)[0].name(), "type", "{}", kind.name());
        }
        // `read_fields` marks seen fields in a u32.
        for (object, fields) in known_fields() {
            assert!(fields.len() <= 32, "{object}");
            let mut sorted = fields.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), fields.len(), "{object} names a field twice");
        }
    }
}
