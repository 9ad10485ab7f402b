//! The JSON Schema (2020-12) of `story/1` and `story-index/1`, for editors.
//! It describes shapes; `story check` also checks what a schema cannot
//! (real calendar dates, URL safety, unique ids, limits on totals).

use serde_json::{json, Value};
use story_format::limits::{
    MAX_AUTHORS, MAX_CORRECTIONS, MAX_ENTRIES, MAX_GALLERY_IMAGES, MAX_HANDLE_CHARS, MAX_ID_BYTES,
    MAX_NOTE_CHARS, MAX_PIXELS, MAX_SECTIONS, MAX_SECTION_ID_CHARS, MAX_TABLE_COLUMNS, MAX_TAGS,
    MAX_TAG_CHARS, MAX_TITLE_CHARS, MAX_VIDEO_TITLE_CHARS,
};

/// The schema as pretty JSON; the committed `schema/story-bundle.schema.json`
/// must equal it (a test checks).
pub fn schema_text() -> String {
    let mut schema = schema();
    describe(&mut schema);
    serde_json::to_string_pretty(&schema).expect("a JSON value always serialises")
}

/// The format's documentation: its field tables give the schema's
/// descriptions and examples, so an editor shows the same words.
const FORMAT_DOC: &str = include_str!("../../../docs/format.md");

/// One row of a field table in `docs/format.md`.
#[derive(Debug)]
pub struct DocField {
    /// The object, as the parser names it (`story`, `block:quote`, …).
    pub object: String,
    pub field: String,
    /// The "meaning" column.
    pub meaning: String,
    /// The "example" column, when it holds JSON.
    pub example: Option<Value>,
}

/// Every row of every field table in `docs/format.md`. A table belongs to
/// the object named at the end of the heading above it, as in
/// "## A story (`story`)".
pub fn doc_fields() -> Vec<DocField> {
    let mut out = Vec::new();
    let mut object: Option<String> = None;
    for line in FORMAT_DOC.lines() {
        if line.starts_with('#') {
            object = line
                .trim_end()
                .strip_suffix("`)")
                .and_then(|l| l.rsplit_once("(`"))
                .map(|(_, name)| name.to_owned());
            continue;
        }
        let (Some(obj), Some(row)) = (&object, line.strip_prefix("| `")) else { continue };
        let cells: Vec<&str> = row.split(" | ").collect();
        let [field, _type, _required, meaning, example] = cells[..] else { continue };
        let example = example.trim_end_matches('|').trim().trim_matches('`');
        out.push(DocField {
            object: obj.clone(),
            field: field.trim_end_matches('`').to_owned(),
            meaning: meaning.replace('`', "\""),
            example: serde_json::from_str(example).ok(),
        });
    }
    out
}

/// Adds each property's description (and example) from the documentation.
fn describe(schema: &mut Value) {
    for f in doc_fields() {
        let def = f.object.replace(':', "-");
        let Some(prop) = schema["$defs"][&def]["properties"].get_mut(&f.field) else { continue };
        let Some(prop) = prop.as_object_mut() else { continue };
        prop.insert("description".into(), Value::String(f.meaning));
        if let Some(example) = f.example {
            prop.insert("examples".into(), Value::Array(vec![example]));
        }
    }
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
    // One `if` per declared block type; each `block-TYPE` definition below
    // is checked against the declaration's fields (tests/cli.rs).
    let by_type: Vec<Value> = story_format::BlockType::ALL
        .iter()
        .map(|t| {
            let t = t.name();
            json!({ "if": { "properties": { "type": { "const": t } } },
                    "then": { "$ref": format!("#/$defs/block-{t}") } })
        })
        .collect();
    let networks: Vec<&str> = story_format::Network::ALL.iter().map(|n| n.key()).collect();
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
                "strike": { "type": "boolean" },
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
                "items": { "$ref": "#/$defs/items" },
                "ordered": { "type": "boolean" },
                "start": { "type": "integer", "minimum": 0 } } },
            "items": { "type": "array", "minItems": 1,
                "items": { "oneOf": [ { "$ref": "#/$defs/inline" }, { "$ref": "#/$defs/item" } ] } },
            "item": { "type": "object", "required": ["text"], "properties": {
                "text": { "$ref": "#/$defs/inline" }, "items": { "$ref": "#/$defs/items" },
                "ordered": { "type": "boolean" }, "start": { "type": "integer", "minimum": 0 } } },
            "block-code": { "type": "object", "required": ["type", "text"], "properties": {
                "type": { "const": "code" }, "text": { "type": "string", "minLength": 1 },
                "language": { "type": "string" } } },
            "block-divider": { "type": "object", "required": ["type"], "properties": {
                "type": { "const": "divider" } } },
            "block-table": { "type": "object", "required": ["type", "rows"], "properties": {
                "type": { "const": "table" }, "caption": { "$ref": "#/$defs/inline" },
                "header": { "type": "array", "maxItems": MAX_TABLE_COLUMNS, "items": { "$ref": "#/$defs/inline" } },
                "rows": { "type": "array", "minItems": 1, "items": {
                    "type": "array", "maxItems": MAX_TABLE_COLUMNS, "items": { "$ref": "#/$defs/inline" } } },
                "align": { "type": "array", "maxItems": MAX_TABLE_COLUMNS,
                    "items": { "enum": ["left", "center", "right", null] } } } },
            "block-heading": { "type": "object", "required": ["type", "text"], "properties": {
                "type": { "const": "heading" }, "text": { "type": "string", "minLength": 1 },
                "level": { "enum": [3, 4] },
                "id": { "type": "string", "pattern": format!("^\\S{{1,{MAX_SECTION_ID_CHARS}}}$") } } },
            "block-pullquote": { "type": "object", "required": ["type", "text"], "properties": {
                "type": { "const": "pullquote" }, "text": { "$ref": "#/$defs/inline" },
                "cite": { "type": "string" } } },
            "block-gallery": { "type": "object", "required": ["type", "images"], "properties": {
                "type": { "const": "gallery" },
                "images": { "type": "array", "minItems": 1, "maxItems": MAX_GALLERY_IMAGES,
                            "items": { "$ref": "#/$defs/image" } },
                "caption": { "$ref": "#/$defs/inline" } } },
            "block-video": { "type": "object", "required": ["type", "src"],
                "dependentRequired": { "width": ["height"], "height": ["width"] },
                "properties": {
                "type": { "const": "video" }, "src": { "$ref": "#/$defs/url" },
                "title": { "type": "string", "minLength": 1, "maxLength": MAX_VIDEO_TITLE_CHARS },
                "poster": { "$ref": "#/$defs/url" }, "captions": { "$ref": "#/$defs/url" },
                "width": { "$ref": "#/$defs/pixels" }, "height": { "$ref": "#/$defs/pixels" },
                "caption": { "$ref": "#/$defs/inline" }, "credit": { "$ref": "#/$defs/credit" } } },
            "block-social": { "type": "object", "required": ["type", "url", "author", "text"], "properties": {
                "type": { "const": "social" }, "url": { "$ref": "#/$defs/url" },
                "network": { "enum": networks },
                "author": { "type": "string", "minLength": 1, "maxLength": MAX_HANDLE_CHARS },
                "handle": { "type": "string", "minLength": 1, "maxLength": MAX_HANDLE_CHARS },
                "text": { "$ref": "#/$defs/inline" },
                "date": { "$ref": "#/$defs/date" },
                "image": { "$ref": "#/$defs/image" } } },
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
            // A name alone, or an object (`minLength` binds only a string,
            // `required` only an object).
            "author": { "type": ["string", "object"], "minLength": 1, "required": ["name"], "properties": {
                "name": { "type": "string", "minLength": 1 },
                "url": { "$ref": "#/$defs/url" } } },
            "correction": { "type": "object", "required": ["date", "text"], "properties": {
                "kind": { "enum": ["correction", "update"] },
                "date": { "$ref": "#/$defs/date" },
                "text": { "type": "string", "minLength": 1, "maxLength": MAX_NOTE_CHARS } } },
            "story": { "type": "object",
                "required": ["format", "id", "title", "published", "sections"],
                "properties": {
                    "format": { "type": "string", "pattern": "^story/1(\\.\\d+)?$" },
                    "id": { "$ref": "#/$defs/id" },
                    "lang": { "$ref": "#/$defs/lang" },
                    "title": { "$ref": "#/$defs/title" },
                    "dek": { "type": "string" },
                    "published": { "$ref": "#/$defs/date" },
                    "updated": { "$ref": "#/$defs/date" },
                    "byline": { "type": "string" },
                    "authors": { "type": "array", "maxItems": MAX_AUTHORS, "items": { "$ref": "#/$defs/author" } },
                    "corrections": { "type": "array", "maxItems": MAX_CORRECTIONS,
                                     "items": { "$ref": "#/$defs/correction" } },
                    "source": { "$ref": "#/$defs/source" },
                    "hero": { "$ref": "#/$defs/image" },
                    "tags": { "$ref": "#/$defs/tags" },
                    "sections": { "type": "array", "minItems": 1, "maxItems": MAX_SECTIONS,
                                  "items": { "$ref": "#/$defs/section" } } } },
            "entry": { "type": "object", "required": ["id", "title", "published", "href"],
                "properties": {
                    "id": { "$ref": "#/$defs/id" },
                    "title": { "$ref": "#/$defs/title" },
                    "lang": { "$ref": "#/$defs/lang" },
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
                    "image": { "$ref": "#/$defs/image" },
                    "stories": { "type": "array", "maxItems": MAX_ENTRIES, "items": { "$ref": "#/$defs/entry" } },
                    "next": { "$ref": "#/$defs/url" },
                    "prev": { "$ref": "#/$defs/url" },
                    "total": { "type": "integer", "minimum": 0, "maximum": u32::MAX } } }
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
        "credit": { "$ref": "#/$defs/credit" },
        "focus": { "type": "string", "pattern": "^\\s*(100|[1-9]?[0-9])%\\s+(100|[1-9]?[0-9])%\\s*$" }
    });
    if block {
        p["type"] = json!({ "const": "image" });
        p["link"] = json!({ "$ref": "#/$defs/url" });
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documentation_lists_exactly_the_fields_the_parser_reads() {
        let doc = doc_fields();
        for (object, fields) in story_format::known_fields() {
            let mut documented: Vec<&str> =
                doc.iter().filter(|f| f.object == object).map(|f| f.field.as_str()).collect();
            let mut read = fields.clone();
            documented.sort_unstable();
            read.sort_unstable();
            assert_eq!(documented, read, "docs/format.md's table for `{object}` and the parser differ");
        }
        let objects: Vec<&str> = story_format::known_fields().iter().map(|(o, _)| *o).collect();
        for f in &doc {
            assert!(
                objects.contains(&f.object.as_str()),
                "docs/format.md documents an unknown object {}",
                f.object
            );
        }
    }

    #[test]
    fn the_documentation_states_every_limit() {
        use story_format::limits::*;
        let n = |v: usize| {
            let s = v.to_string();
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                if i > 0 && (s.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            out
        };
        let doc = FORMAT_DOC.split_whitespace().collect::<Vec<_>>().join(" ");
        for phrase in [
            format!("{MAX_FILE_MIB} MiB"),
            format!("{} sections", n(MAX_SECTIONS)),
            format!("{} blocks", n(MAX_BLOCKS)),
            format!("{} entries", n(MAX_ENTRIES)),
            format!("{} tags of at most {} characters", n(MAX_TAGS), n(MAX_TAG_CHARS)),
            format!("titles of at most {} characters", n(MAX_TITLE_CHARS)),
            format!("ids of at most {} characters", n(MAX_ID_BYTES)),
            format!("{} pixels", n(MAX_PIXELS as usize)),
            format!("{} problems", n(MAX_DIAGNOSTICS)),
            format!("at most {} characters", n(MAX_SLUG_CHARS)),
            format!("corrected or added after publication, at most {}", n(MAX_CORRECTIONS)),
            format!("1-{} characters", n(MAX_NOTE_CHARS)),
        ] {
            assert!(doc.contains(&phrase), "docs/format.md does not say \"{phrase}\"");
        }
    }
}
