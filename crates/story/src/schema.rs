//! The JSON Schema (2020-12) of `story/1` and `story-index/1`, for editors.
//! It describes shapes; `story check` also checks what a schema cannot
//! (real calendar dates, URL safety, unique ids, limits on totals).

use serde_json::{json, Value};
use story_format::limits::{
    MAX_ENTRIES, MAX_ID_BYTES, MAX_PIXELS, MAX_SECTIONS, MAX_SECTION_ID_CHARS, MAX_TAGS, MAX_TAG_CHARS,
    MAX_TITLE_CHARS,
};

/// The schema as pretty JSON; the committed `schema/story-bundle.schema.json`
/// must equal it (a test checks).
pub fn schema_text() -> String {
    serde_json::to_string_pretty(&schema()).expect("a JSON value always serialises")
}

fn schema() -> Value {
    let url = json!({ "type": "string", "minLength": 1,
        "description": "An absolute http(s) URL, or a reference relative to the file that holds it." });
    let date = json!({ "type": "string",
        "pattern": "^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2}))?$",
        "description": "YYYY-MM-DD or an RFC 3339 date-time." });
    let id = json!({ "type": "string", "pattern": format!("^[a-z0-9-]{{1,{MAX_ID_BYTES}}}$") });
    let lang = json!({ "type": "string", "pattern": "^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$" });
    let tags = json!({ "type": "array", "maxItems": MAX_TAGS,
        "items": { "type": "string", "minLength": 1, "maxLength": MAX_TAG_CHARS } });
    let by_type: Vec<Value> = ["paragraph", "quote", "list", "image"]
        .map(|t| {
            json!({ "if": { "properties": { "type": { "const": t } } },
                    "then": { "$ref": format!("#/$defs/block-{t}") } })
        })
        .into();
    let pixels = json!({ "type": "integer", "minimum": 1, "maximum": MAX_PIXELS });
    let title = json!({ "type": "string", "minLength": 1, "maxLength": MAX_TITLE_CHARS });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://story-viewer.invalid/schema/story-bundle.schema.json",
        "title": "Story bundle (story/1) or catalog (story-index/1)",
        "oneOf": [ { "$ref": "#/$defs/story" }, { "$ref": "#/$defs/catalog" } ],
        "$defs": {
            "url": url,
            "date": date,
            "id": id,
            "lang": lang,
            "tags": tags,
            "pixels": pixels,
            "title": title,
            "inline": { "oneOf": [
                { "type": "string" },
                { "type": "array", "items": { "oneOf": [ { "type": "string" }, { "$ref": "#/$defs/run" } ] } } ] },
            "run": { "type": "object", "required": ["text"], "properties": {
                "text": { "type": "string" }, "em": { "type": "boolean" },
                "strong": { "type": "boolean" }, "code": { "type": "boolean" },
                "href": { "$ref": "#/$defs/url" } } },
            "source": { "type": "object", "required": ["name"], "properties": {
                "name": { "type": "string", "minLength": 1 },
                "lang": { "$ref": "#/$defs/lang" },
                "url": { "$ref": "#/$defs/url" } } },
            "credit": { "type": "object", "minProperties": 1, "properties": {
                "author": { "type": "string" }, "author_url": { "$ref": "#/$defs/url" },
                "provider": { "type": "string" }, "provider_url": { "$ref": "#/$defs/url" },
                "license": { "type": "string" }, "license_url": { "$ref": "#/$defs/url" } } },
            "image": { "type": "object", "required": ["src", "alt"],
                "dependentRequired": { "width": ["height"], "height": ["width"] },
                "properties": image_properties(false) },
            "srcset": { "type": "object", "required": ["src", "width"],
                "properties": { "src": { "$ref": "#/$defs/url" }, "width": { "$ref": "#/$defs/pixels" } } },
            "block-paragraph": { "type": "object", "required": ["type", "text"], "properties": {
                "type": { "const": "paragraph" }, "text": { "$ref": "#/$defs/inline" } } },
            "block-quote": { "type": "object", "required": ["type", "text"], "properties": {
                "type": { "const": "quote" }, "text": { "$ref": "#/$defs/inline" },
                "cite": { "type": "string" } } },
            "block-list": { "type": "object", "required": ["type", "items"], "properties": {
                "type": { "const": "list" },
                "items": { "type": "array", "minItems": 1, "items": { "$ref": "#/$defs/inline" } },
                "ordered": { "type": "boolean" } } },
            "block-image": { "type": "object", "required": ["type", "src", "alt"],
                "dependentRequired": { "width": ["height"], "height": ["width"] },
                "properties": image_properties(true) },
            "block": { "oneOf": [
                { "type": "string" },
                { "type": "array", "items": { "oneOf": [ { "type": "string" }, { "$ref": "#/$defs/run" } ] } },
                { "type": "object", "required": ["type"], "properties": { "type": { "type": "string" } },
                  "allOf": by_type } ] },
            "section": { "type": "object", "required": ["blocks"], "properties": {
                "heading": { "type": "string" },
                "id": { "type": "string", "pattern": format!("^\\S{{1,{MAX_SECTION_ID_CHARS}}}$") },
                "blocks": { "type": "array", "minItems": 1, "items": { "$ref": "#/$defs/block" } } } },
            "story": { "type": "object",
                "required": ["format", "id", "title", "published", "source", "sections"],
                "properties": {
                    "format": { "type": "string", "pattern": "^story/1(\\.\\d+)?$" },
                    "id": { "$ref": "#/$defs/id" },
                    "lang": { "$ref": "#/$defs/lang" },
                    "title": { "$ref": "#/$defs/title" },
                    "dek": { "type": "string" },
                    "published": { "$ref": "#/$defs/date" },
                    "updated": { "$ref": "#/$defs/date" },
                    "byline": { "type": "string" },
                    "source": { "$ref": "#/$defs/source" },
                    "hero": { "$ref": "#/$defs/image" },
                    "tags": { "$ref": "#/$defs/tags" },
                    "sections": { "type": "array", "minItems": 1, "maxItems": MAX_SECTIONS,
                                  "items": { "$ref": "#/$defs/section" } } } },
            "entry": { "type": "object", "required": ["id", "title", "published", "source", "href"],
                "properties": {
                    "id": { "$ref": "#/$defs/id" },
                    "title": { "$ref": "#/$defs/title" },
                    "published": { "$ref": "#/$defs/date" },
                    "source": { "$ref": "#/$defs/source" },
                    "href": { "$ref": "#/$defs/url" },
                    "dek": { "type": "string" },
                    "thumbnail": { "$ref": "#/$defs/image" },
                    "tags": { "$ref": "#/$defs/tags" } } },
            "catalog": { "type": "object", "required": ["format", "stories"],
                "properties": {
                    "format": { "type": "string", "pattern": "^story-index/1(\\.\\d+)?$" },
                    "title": { "type": "string" },
                    "stories": { "type": "array", "maxItems": MAX_ENTRIES, "items": { "$ref": "#/$defs/entry" } } } }
        }
    })
}

/// An image's properties; an image block has `type` too.
fn image_properties(block: bool) -> Value {
    let mut p = json!({
        "src": { "$ref": "#/$defs/url" },
        "alt": { "type": "string" },
        "width": { "$ref": "#/$defs/pixels" },
        "height": { "$ref": "#/$defs/pixels" },
        "srcset": { "type": "array", "items": { "$ref": "#/$defs/srcset" } },
        "caption": { "$ref": "#/$defs/inline" },
        "credit": { "$ref": "#/$defs/credit" }
    });
    if block {
        p["type"] = json!({ "const": "image" });
    }
    p
}
