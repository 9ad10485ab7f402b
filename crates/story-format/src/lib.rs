//! # story-format
//!
//! The one parser that decides what a story is. The viewer (in the browser)
//! and `story check` (on the command line) both call it, so a publisher sees
//! the same message in both. It knows nothing about the browser: no web-sys,
//! no DOM; it builds and is tested natively.
//!
//! - [`parse_document`], [`parse_story`], [`parse_catalog`]: bytes and the
//!   file's own URL in, a [`Parsed`] out: the document *and* every
//!   [`Diagnostic`], each with a JSON path such as `sections[3].blocks[0].text`.
//!   [`parse_document_with_assets`] also lists every image URL the file names
//!   (for `story check`).
//! - [`url::resolve`]: the only way a URL from a file becomes a [`SafeUrl`],
//!   the only type the viewer puts into `href`/`src`.
//! - [`text`]: section ids for any script, and reading time.
//! - [`search`]: a built site's search index, written and read.
//! - [`layout`]: where each page of a built site lives (story, list and
//!   tag folders), for the build and the viewer's search alike.
//!
//! ```
//! use story_format::{parse_story, url::Url};
//! let base = Url::parse("https://example.com/news/cranes/story.json").unwrap();
//! let json = r#"{"format":"story/1","id":"cranes","title":"Cranes","published":"2026-03-14",
//!   "source":{"name":"港口日报","lang":"zh"},"sections":[{"heading":"Why now","blocks":["Hello."]}]}"#.as_bytes();
//! let parsed = parse_story(json, &base);
//! assert!(parsed.diagnostics.is_empty());
//! let story = parsed.value.unwrap();
//! assert_eq!(story.sections[0].id, "why-now");
//! ```

pub mod date;
pub mod diag;
mod inline;
mod json;
pub mod layout;
pub mod limits;
pub mod media;
pub mod model;
mod parse;
pub mod people;
pub mod search;
pub mod text;
pub mod url;

pub use diag::{Code, Diagnostic, FieldPath, Location, Severity, Step};
pub use limits::{MAX_BLOCKS, MAX_DIAGNOSTICS, MAX_ENTRIES, MAX_FILE_BYTES, MAX_SECTIONS, MAX_TAGS};
pub use media::{Network, Player};
pub use model::*;
pub use parse::{
    fields_of, is_language_tag, known_fields, parse_catalog, parse_document, parse_document_with_assets,
    parse_story, Parsed, Steps,
};
pub use url::SafeUrl;
