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
//! The files, one object of the format each, every field list beside the
//! code that reads it:
//! - `mod.rs` (here): the entry points, UTF-8 and syntax errors, the
//!   two-pass path for a file whose `format` is not its first key;
//! - `shape.rs`: the machinery: [`shape::Field`] lists (`fields!`),
//!   `read_fields`, `Shape` (a value's accepted JSON types), `Slot`;
//! - `cx.rs`: `Cx`, the parse context, and its validators of scalar fields
//!   (strings, text, dates, ids, URLs, languages, pixels);
//! - `root.rs`: the root object and its `format`;
//! - `story.rs`, `blocks.rs`, `images.rs`, `common.rs` (source and tags),
//!   `catalog.rs`: one reader per object of the format.

#[macro_use]
mod shape;
mod blocks;
mod catalog;
mod common;
mod cx;
mod images;
mod root;
mod story;

use serde::de::DeserializeSeed;

use crate::diag::{Code, Diagnostic, Sink};
use crate::json::{self, Val};
use crate::limits::{file_too_large, MAX_FILE_BYTES};
use crate::model::{Asset, Catalog, Document, Inline, Story};
use crate::url::{self, Url};

pub use cx::is_language_tag;
use cx::Cx;
use root::{PeekFormat, RootSeed};
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
        ("run", names(blocks::RunField::ALL)),
        ("source", names(common::SourceField::ALL)),
        ("image", names(images::ImageField::ALL)),
        ("srcset", names(images::SrcsetField::ALL)),
        ("credit", names(images::CreditField::ALL)),
        ("catalog", names(catalog::CatalogField::ALL)),
        ("entry", names(catalog::EntryField::ALL)),
    ];
    const BLOCK: [&str; 4] = ["block:paragraph", "block:quote", "block:list", "block:image"];
    for (kind, name) in blocks::BlockKind::ALL.into_iter().zip(BLOCK) {
        debug_assert_eq!(name.strip_prefix("block:"), Some(kind.name()));
        out.push((name, names(kind.fields())));
    }
    out
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
                "format",
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

fn parse(bytes: &[u8], base: &Url, mut assets: Option<&mut Vec<Asset>>) -> Parsed<Document> {
    if bytes.len() > MAX_FILE_BYTES {
        return Parsed::refused(Diagnostic::error(Code::Limit, "$", file_too_large(bytes.len() as u64)));
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
        Err(Stop::FormatNotFirst) => {}
        Err(Stop::Syntax(e)) => return Parsed::refused(syntax_error(&e)),
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
        Err(Stop::Syntax(e)) => Parsed::refused(syntax_error(&e)),
        // The second pass is given `format` and never asks for another.
        Err(Stop::FormatNotFirst) => Parsed::refused(Diagnostic::error(
            Code::Format,
            "format",
            "the \"format\" field could not be read",
        )),
    }
}

/// Why a pass over the file stopped before its end.
enum Stop {
    /// `format` is not the first key: read the file again knowing it.
    FormatNotFirst,
    /// The bytes are not JSON.
    Syntax(serde_json::Error),
}

fn read_root<'de>(
    text: &'de str,
    base: &url::Base<'_>,
    format: Option<Option<Val<'de>>>,
    assets: Option<&mut Vec<Asset>>,
) -> Result<Parsed<Document>, Stop> {
    let mut cx = Cx {
        sink: Sink::default(),
        base,
        assets,
        section_links: Vec::new(),
        blocks: 0,
        refused: None,
        format_not_first: false,
        scratch: Inline::default(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let value = RootSeed { cx: &mut cx, format }.deserialize(&mut de);
    let value = match value {
        Err(_) if cx.format_not_first => return Err(Stop::FormatNotFirst),
        other => other.and_then(|v| de.end().map(|()| v)).map_err(Stop::Syntax)?,
    };
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
        for kind in blocks::BlockKind::ALL {
            assert_eq!(kind.fields()[0].name(), "type", "{}", kind.name());
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
