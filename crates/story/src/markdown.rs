//! `story import`: a Markdown file with YAML front matter becomes a
//! `story.json`. The front matter holds the story's fields (the same names
//! and nesting as `story.json`); the body holds its sections:
//!
//! - text before the first `##` is a first section without a heading; each
//!   `## Heading {#id}` starts a section (the `{#id}` is kept);
//! - paragraphs, `**strong**`, `*em*`, `` `code` `` and links become runs;
//! - `>` quotes become quotes, a last line `— name` their `cite`;
//! - lists become lists; `![alt](src "caption")` alone in a paragraph
//!   becomes an image block, its size read from the file.
//!
//! What the format cannot hold (raw HTML, tables, footnotes, code blocks,
//! nested lists, `###` headings, …) is refused with its line and column,
//! never dropped. The result is read back through the one parser: an import
//! that returns `Ok` always passes `story check`.

use std::fmt;
use std::io::Read;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use story_format::{Code, Diagnostic};
use yaml_rust2::{Yaml, YamlLoader};

use crate::out::{BlockOut, ImageOut, InlineOut, RunOut, SectionOut, SourceOut, StoryOut, TypedOut};
use crate::sandbox::Sandbox;

/// A reason the Markdown cannot become a story, at a line and column of the file (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Problem {
    /// As a diagnostic of `story check` (path `line L, column C`).
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error(Code::Invalid, format!("line {}, column {}", self.line, self.column), &self.message)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

/// The problems found so far, at most [`MAX_PROBLEMS`] of them: past the
/// cap only a count is kept, and no line or column is worked out, so a
/// hostile file's thousands of problems cost no more than 200.
#[derive(Default)]
struct Problems {
    list: Vec<Problem>,
    more: usize,
}

/// Most problems listed for one Markdown file, as for the parser's diagnostics.
const MAX_PROBLEMS: usize = story_format::limits::MAX_DIAGNOSTICS;

impl Problems {
    /// Adds the problem `make` describes, unless the list is full.
    fn add(&mut self, make: impl FnOnce() -> Problem) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(make());
        } else {
            self.more += 1;
        }
    }
    fn push(&mut self, p: Problem) {
        self.add(|| p);
    }
    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
    /// The list, sorted by place, with a last line for those past the cap.
    fn finish(mut self) -> Vec<Problem> {
        self.list.sort_by_key(|p| (p.line, p.column));
        if self.more > 0 {
            let line = self.list.last().map_or(1, |p| p.line);
            let message =
                format!("{} more problems not listed (only the first {MAX_PROBLEMS} are)", self.more);
            self.list.push(Problem { line, column: 1, message });
        }
        self.list
    }
}

/// A successful import.
#[derive(Debug)]
pub struct Imported {
    /// The `story.json`, pretty-printed; the same input gives the same bytes.
    pub json: String,
    /// Local images the story names, as written (relative to the Markdown file).
    pub images: Vec<String>,
    /// Warnings from the parser (the story is valid; these are worth reading).
    pub warnings: Vec<Diagnostic>,
}

/// Imports the Markdown file at `path` (already read as `bytes`): image
/// sizes are read from files beside it, and the result is checked as the
/// `story.json` it would become beside it.
pub fn import_bytes(bytes: &[u8], path: &Path, sandbox: &Sandbox) -> Result<Imported, Vec<Problem>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(&String::from_utf8_lossy(&bytes[..e.valid_up_to()]), e.valid_up_to());
        vec![Problem { line, column, message: "the file is not UTF-8 text (save it as UTF-8)".into() }]
    })?;
    let dir = path.parent().unwrap_or(Path::new(".")).to_owned();
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    let folder = dir.file_name().and_then(|n| n.to_str()).unwrap_or("").to_owned();
    // Images are read only when they are regular files inside the sandbox.
    let sizes = |src: &str| -> Option<(u32, u32)> {
        let mut head = Vec::with_capacity(IMAGE_HEAD);
        sandbox.open(&dir.join(src)).ok()?.take(IMAGE_HEAD as u64).read_to_end(&mut head).ok()?;
        let s = imagesize::blob_size(&head).ok()?;
        Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?))
    };
    let exists = |src: &str| sandbox.file(&dir.join(src)).is_ok();
    let base = url::Url::from_file_path(dir.join("story.json")).ok();
    import(text, &Env { sizes: &sizes, exists: &exists, folder: &folder, base })
}

/// How much of an image file is read for its size: enough for the headers
/// of PNG, GIF, WebP and JPEG (whose size marker can follow EXIF data of up
/// to 64 KiB, and more than one such segment).
const IMAGE_HEAD: usize = 256 * 1024;

/// What the importer needs from outside the text: image sizes and
/// existence (relative to the Markdown file), the bundle folder's name (the
/// id when the front matter has none), and the URL the result is checked as.
pub struct Env<'a> {
    pub sizes: &'a dyn Fn(&str) -> Option<(u32, u32)>,
    pub exists: &'a dyn Fn(&str) -> bool,
    pub folder: &'a str,
    pub base: Option<url::Url>,
}

/// Imports Markdown text. Pure apart from what `env` answers.
pub fn import(text: &str, env: &Env<'_>) -> Result<Imported, Vec<Problem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut problems = Problems::default();
    let (front, body, body_offset) = split_front_matter(text, &mut problems);
    let mut story = StoryOut { format: "story/1", ..StoryOut::default() };
    if let Some(front) = front {
        read_front_matter(front, &mut story, env, &mut problems);
    }
    let mut body_reader = Body::new(text, body_offset, env, &mut problems);
    body_reader.read(body);
    let Body { sections, title, images, lines, .. } = body_reader;
    if story.title.is_none() {
        story.title = title;
    }
    if story.id.is_none() {
        story.id = id_from_folder(env.folder);
    }
    story.sections = sections;
    let json = crate::out::to_json(&story);
    // Read back through the one parser: what it refuses is refused here,
    // at the Markdown line it came from (once: a line already reported by
    // the importer is not reported again).
    let base =
        env.base.clone().unwrap_or_else(|| url::Url::parse("file:///bundle/story.json").expect("a URL"));
    let parsed = story_format::parse_story(json.as_bytes(), &base);
    let (errors, warnings): (Vec<_>, Vec<_>) = parsed.diagnostics.into_iter().partition(|d| d.is_error());
    // Lines the front matter block takes, with its `---` lines.
    let front_lines = text[..body_offset].matches('\n').count();
    for d in &errors {
        let line = if d.path.starts_with("sections") {
            line_of_section_path(&d.path, &lines, front_lines)
        } else {
            // A story field: the line of its key in the front matter, else line 1.
            let key = d.path.split(['.', '[']).next().unwrap_or("");
            key_line(front.unwrap_or(""), key, false).unwrap_or(1)
        };
        if problems.list.iter().any(|p| p.line == line) && d.path.starts_with("sections") {
            continue;
        }
        let field = if d.path.starts_with("sections") { String::new() } else { format!("{}: ", d.path) };
        problems.push(Problem { line, column: 1, message: format!("{field}{}", d.message) });
    }
    if !problems.is_empty() {
        return Err(problems.finish());
    }
    let mut all_images = images;
    if let Some(hero) = &story.hero {
        if !is_remote(&hero.src) {
            all_images.insert(0, hero.src.clone());
        }
    }
    Ok(Imported { json, images: all_images, warnings })
}

/// Whether an image `src` names another host (its size is not read, nor is it copied).
fn is_remote(src: &str) -> bool {
    src.contains("://") || src.starts_with("//")
}

/// The id a story without one gets: its folder's name, when that is a
/// valid id (else none, and the parser asks for one).
fn id_from_folder(folder: &str) -> Option<String> {
    let id = folder.to_ascii_lowercase();
    story_format::text::is_valid_story_id(&id).then_some(id)
}

/// 1-based line and column of byte `at` in `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = 1 + before.matches('\n').count();
    let column = 1 + before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    (line, column)
}

/// The front matter (between `---` lines at the very top), the body, and
/// the byte offset of the body in `text`.
fn split_front_matter<'t>(text: &'t str, problems: &mut Problems) -> (Option<&'t str>, &'t str, usize) {
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return (None, text, 0);
    };
    let start = text.len() - rest.len();
    let mut at = start;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == "---" || bare == "..." {
            let body_at = at + line.len();
            return (Some(&text[start..at]), &text[body_at..], body_at);
        }
        at += line.len();
    }
    problems.push(Problem {
        line: 1,
        column: 1,
        message: "the front matter that starts here never ends: close it with a line of three dashes (---)"
            .into(),
    });
    (None, "", text.len())
}

/// The Markdown line a `sections[…]` diagnostic path points at: its section
/// or block, by the lines recorded while reading (else the body's first line).
fn line_of_section_path(path: &str, lines: &[(usize, Vec<usize>)], front: usize) -> usize {
    let num = |s: &str, key: &str| -> Option<usize> {
        let i = s.find(key)? + key.len();
        s[i..].split(']').next()?.parse().ok()
    };
    match (num(path, "sections["), num(path, "blocks[")) {
        (Some(s), Some(b)) => lines.get(s).and_then(|(_, bl)| bl.get(b)).copied().unwrap_or(front + 1),
        (Some(s), None) => lines.get(s).map_or(front + 1, |(l, _)| *l),
        _ => front + 1,
    }
}

/// The file line of `key:` in the front matter (which starts on line 2):
/// at the top level, or at any depth when `nested`.
fn key_line(front: &str, key: &str, nested: bool) -> Option<usize> {
    front
        .lines()
        .position(|l| {
            let l = if nested { l.trim_start() } else { l };
            l.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|i| i + 2)
}

/// How deep front matter may nest (mappings and lists): the format's
/// deepest field is `hero.credit.name`.
const MAX_YAML_DEPTH: usize = 16;

/// Refuses front matter that would cost more to load than its size: YAML
/// aliases (`*name`, each a copy of what its anchor holds, so a few hundred
/// bytes can stand for gigabytes) and nesting deeper than [`MAX_YAML_DEPTH`].
/// Read as a stream of events first, which costs time in proportion to the text.
fn bounded_yaml(front: &str) -> Result<(), Problem> {
    use yaml_rust2::parser::{Event, Parser};
    let mut parser = Parser::new_from_str(front);
    let mut depth = 0usize;
    let at = |m: yaml_rust2::scanner::Marker, message: String| Problem {
        line: m.line() + 1,
        column: m.col() + 1,
        message,
    };
    loop {
        let Ok((event, mark)) = parser.next_token() else { return Ok(()) }; // the loader reports it
        match event {
            Event::StreamEnd => return Ok(()),
            Event::Alias(_) => {
                return Err(at(
                    mark,
                    "a YAML alias (*name) is not read in front matter: write the value out in full".into(),
                ))
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_YAML_DEPTH {
                    return Err(at(
                        mark,
                        format!("the front matter nests deeper than {MAX_YAML_DEPTH} levels"),
                    ));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
}

/// The story fields the front matter may set (the rest come from the body).
const FRONT_FIELDS: &[&str] =
    &["id", "lang", "title", "dek", "published", "updated", "byline", "source", "hero", "tags"];

/// Reads the front matter into `story`, reporting what it cannot hold.
fn read_front_matter(front: &str, story: &mut StoryOut, env: &Env<'_>, problems: &mut Problems) {
    if let Err(p) = bounded_yaml(front) {
        problems.push(p);
        return;
    }
    // Line numbers in the file: the front matter starts on line 2.
    let mut fail = |key: &str, message: String| {
        problems.add(|| Problem { line: key_line(front, key, true).unwrap_or(2), column: 1, message })
    };
    let docs = match YamlLoader::load_from_str(front) {
        Ok(d) => d,
        Err(e) => {
            let m = e.marker();
            problems.push(Problem {
                line: m.line() + 1,
                column: m.col() + 1,
                message: format!("the front matter is not valid YAML: {}", e.info()),
            });
            return;
        }
    };
    let Some(Yaml::Hash(map)) = docs.first() else {
        if !docs.is_empty() {
            problems.push(Problem {
                line: 2,
                column: 1,
                message: "the front matter must be `field: value` lines".into(),
            });
        }
        return;
    };
    for (k, v) in map {
        let Some(key) = k.as_str() else {
            fail("", "a front matter field name must be text".into());
            continue;
        };
        let text = |v: &Yaml| -> Option<String> { scalar_text(v) };
        let mut want = |kind: &str| fail(key, format!("`{key}` must be {kind}, found {}", yaml_kind(v)));
        match key {
            "id" | "lang" | "title" | "dek" | "published" | "updated" | "byline" => match text(v) {
                Some(t) => {
                    let slot = match key {
                        "id" => &mut story.id,
                        "title" => &mut story.title,
                        "published" => &mut story.published,
                        "lang" => &mut story.lang,
                        "dek" => &mut story.dek,
                        "updated" => &mut story.updated,
                        _ => &mut story.byline,
                    };
                    *slot = Some(t);
                }
                None if matches!(v, Yaml::Null) => {}
                None => want("text"),
            },
            "source" => match v {
                Yaml::Hash(m) => story.source = Some(read_source(m, key, &mut fail)),
                _ => want("a mapping with name, lang and url"),
            },
            "hero" => match v {
                Yaml::Hash(m) => story.hero = read_hero(m, env, &mut fail),
                Yaml::Null => {}
                _ => want("a mapping with src, alt, width, height, caption and credit"),
            },
            "tags" => match v {
                Yaml::Array(items) => {
                    for item in items {
                        match text(item) {
                            Some(t) => story.tags.push(t),
                            None => fail("tags", format!("each tag must be text, found {}", yaml_kind(item))),
                        }
                    }
                }
                Yaml::Null => {}
                other => match text(other) {
                    Some(t) => story.tags.push(t),
                    None => want("a list of tags"),
                },
            },
            other => {
                let hint = story_format::text::did_you_mean(other, FRONT_FIELDS)
                    .map_or_else(String::new, |s| format!("; did you mean \"{s}\"?"));
                let known = if other == "sections" || other == "format" {
                    " (the body holds the sections; the format is written for you)".to_owned()
                } else {
                    String::new()
                };
                fail(other, format!("unknown front matter field \"{other}\"{hint}{known}"));
            }
        }
    }
}

fn read_source(m: &yaml_rust2::yaml::Hash, key: &str, fail: &mut impl FnMut(&str, String)) -> SourceOut {
    let mut source = SourceOut::default();
    for (k, v) in m {
        let Some(field) = k.as_str() else { continue };
        let Some(t) = scalar_text(v) else {
            fail(field, format!("`{key}.{field}` must be text, found {}", yaml_kind(v)));
            continue;
        };
        match field {
            "name" => source.name = t,
            "lang" => source.lang = Some(t),
            "url" => source.url = Some(t),
            other => fail(other, unknown_nested(key, other, &["name", "lang", "url"])),
        }
    }
    source
}

fn read_hero(
    m: &yaml_rust2::yaml::Hash,
    env: &Env<'_>,
    fail: &mut impl FnMut(&str, String),
) -> Option<ImageOut> {
    let mut hero = ImageOut::default();
    for (k, v) in m {
        let Some(field) = k.as_str() else { continue };
        match (field, v) {
            ("width" | "height", Yaml::Integer(n)) => {
                let n = u32::try_from(*n).ok();
                if field == "width" {
                    hero.width = n;
                } else {
                    hero.height = n;
                }
            }
            ("width" | "height", other) => {
                fail(field, format!("`hero.{field}` must be a whole number, found {}", yaml_kind(other)))
            }
            ("credit", Yaml::Hash(c)) => {
                let mut credit = serde_json::Map::new();
                for (ck, cv) in c {
                    let (Some(ck), Some(cv)) = (ck.as_str(), scalar_text(cv)) else {
                        fail("credit", "`hero.credit` fields must be text".into());
                        continue;
                    };
                    credit.insert(ck.to_owned(), serde_json::Value::String(cv));
                }
                hero.credit = Some(serde_json::Value::Object(credit));
            }
            ("credit", other) => {
                fail(field, format!("`hero.credit` must be a mapping, found {}", yaml_kind(other)))
            }
            (f @ ("src" | "alt" | "caption"), v) => match scalar_text(v) {
                Some(t) if f == "src" => hero.src = t,
                Some(t) if f == "alt" => hero.alt = t,
                Some(t) => hero.caption = Some(InlineOut::Plain(t)),
                None => fail(f, format!("`hero.{f}` must be text, found {}", yaml_kind(v))),
            },
            (other, _) => fail(
                other,
                unknown_nested("hero", other, &["src", "alt", "width", "height", "caption", "credit"]),
            ),
        }
    }
    if hero.src.is_empty() {
        fail("hero", "`hero` needs a `src`".into());
        return None;
    }
    if hero.width.is_none() && hero.height.is_none() && !is_remote(&hero.src) {
        if !(env.exists)(&hero.src) {
            fail("src", format!("the hero image {} does not exist", hero.src));
        }
        if let Some((w, h)) = (env.sizes)(&hero.src) {
            hero.width = Some(w);
            hero.height = Some(h);
        }
    }
    Some(hero)
}

fn unknown_nested(parent: &str, field: &str, known: &[&str]) -> String {
    let hint = story_format::text::did_you_mean(field, known)
        .map_or_else(|| format!(" (it has {})", known.join(", ")), |s| format!("; did you mean \"{s}\"?"));
    format!("unknown field \"{parent}.{field}\"{hint}")
}

/// A YAML scalar as text: strings as they are; numbers, booleans and dates
/// as written (`published: 2026-03-14` is text to YAML already).
fn scalar_text(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(n) => Some(n.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn yaml_kind(v: &Yaml) -> &'static str {
    match v {
        Yaml::Hash(_) => "a mapping",
        Yaml::Array(_) => "a list",
        Yaml::Null => "nothing",
        Yaml::Integer(_) | Yaml::Real(_) => "a number",
        Yaml::Boolean(_) => "true or false",
        Yaml::String(_) => "text",
        Yaml::Alias(_) | Yaml::BadValue => "something YAML could not read",
    }
}

/// Inline text being gathered: runs with their marks, merged when equal,
/// and where its line breaks fell (in the joined text).
#[derive(Default)]
struct Runs {
    runs: Vec<(String, Marks)>,
    breaks: Vec<usize>,
}

#[derive(Clone, Default, PartialEq)]
struct Marks {
    em: bool,
    strong: bool,
    code: bool,
    href: Option<String>,
}

impl Runs {
    fn push(&mut self, text: &str, marks: &Marks) {
        match self.runs.last_mut() {
            Some((t, m)) if m == marks => t.push_str(text),
            _ => self.runs.push((text.to_owned(), marks.clone())),
        }
    }
    fn is_blank(&self) -> bool {
        self.runs.iter().all(|(t, _)| t.trim().is_empty())
    }
    fn plain_text(&self) -> String {
        self.runs.iter().map(|(t, _)| t.as_str()).collect()
    }
    fn len(&self) -> usize {
        self.runs.iter().map(|(t, _)| t.len()).sum()
    }
    /// Cuts the text at byte `at` of the joined text (what follows is dropped).
    fn truncate(&mut self, at: usize) {
        let mut pos = 0;
        self.runs.retain_mut(|(t, _)| {
            let start = pos;
            pos += t.len();
            if start >= at {
                return false;
            }
            if pos > at {
                t.truncate(at - start);
            }
            true
        });
        self.breaks.retain(|&b| b < at);
    }
    /// As the format's inline text: a string when nothing is marked.
    fn finish(mut self) -> InlineOut {
        // Trim the ends (a soft break before a cite, say).
        if let Some((t, _)) = self.runs.first_mut() {
            *t = t.trim_start().to_owned();
        }
        if let Some((t, _)) = self.runs.last_mut() {
            *t = t.trim_end().to_owned();
        }
        self.runs.retain(|(t, _)| !t.is_empty());
        if self.runs.iter().all(|(_, m)| *m == Marks::default()) {
            return InlineOut::Plain(self.plain_text());
        }
        InlineOut::Runs(
            self.runs
                .into_iter()
                .map(|(text, m)| {
                    if m == Marks::default() {
                        RunOut::Plain(text)
                    } else {
                        RunOut::Marked { text, em: m.em, strong: m.strong, code: m.code, href: m.href }
                    }
                })
                .collect(),
        )
    }
}

/// Where inline text is being gathered.
enum Inside {
    Nothing,
    Paragraph,
    Heading,
    Quote,
    Item,
}

/// The body's reader: events in, sections out.
struct Body<'a, 'p> {
    text: &'a str,
    offset: usize,
    env: &'a Env<'a>,
    problems: &'p mut Problems,
    /// Where each line of `text` starts, for lines in O(log n).
    line_starts: Vec<usize>,
    sections: Vec<SectionOut>,
    /// Per section: the line of its heading, and of each block.
    lines: Vec<(usize, Vec<usize>)>,
    title: Option<String>,
    images: Vec<String>,
    inside: Inside,
    marks: Marks,
    runs: Runs,
    /// The image alone in the current paragraph: (src, caption, alt so far).
    image: Option<(String, String, String)>,
    in_image: bool,
    block_line: usize,
    quote: Vec<Runs>,
    list: Option<(bool, Vec<InlineOut>)>,
    item_paragraphs: usize,
    /// Inside a refused container (a table, a code block, a footnote, a
    /// nested list): how deep, so that its contents are not refused again.
    skipping: usize,
}

impl<'a, 'p> Body<'a, 'p> {
    fn new(text: &'a str, offset: usize, env: &'a Env<'a>, problems: &'p mut Problems) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Body {
            line_starts,
            text,
            offset,
            env,
            problems,
            sections: Vec::new(),
            lines: Vec::new(),
            title: None,
            images: Vec::new(),
            inside: Inside::Nothing,
            marks: Marks::default(),
            runs: Runs::default(),
            image: None,
            in_image: false,
            block_line: 0,
            quote: Vec::new(),
            list: None,
            item_paragraphs: 0,
            skipping: 0,
        }
    }

    /// The 1-based line of `range`'s start, without reading the text
    /// before it (a story of 400,000 nested quotes asks 400,000 times).
    fn line(&self, range: &Range<usize>) -> usize {
        self.line_starts.partition_point(|&s| s <= self.offset + range.start)
    }

    /// The 1-based line and column of `range`'s start.
    fn at(&self, range: &Range<usize>) -> (usize, usize) {
        let at = (self.offset + range.start).min(self.text.len());
        let line = self.line(range);
        let start = self.line_starts[line - 1];
        (line, 1 + self.text.get(start..at).map_or(0, |l| l.chars().count()))
    }

    fn refuse(&mut self, range: &Range<usize>, message: impl Into<String>) {
        let message = message.into();
        if self.problems.list.len() < MAX_PROBLEMS {
            let (line, column) = self.at(range);
            self.problems.push(Problem { line, column, message });
        } else {
            self.problems.more += 1;
        }
    }

    fn read(&mut self, body: &str) {
        let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_HEADING_ATTRIBUTES;
        for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
            self.event(event, range);
        }
        if self.sections.is_empty() {
            self.refuse(&(body.len()..body.len()), "the story has no text: write at least one paragraph");
        }
        for (i, s) in self.sections.iter().enumerate() {
            if s.blocks.is_empty() {
                let line = self.lines[i].0;
                let name = s.heading.as_deref().unwrap_or("");
                self.problems.push(Problem {
                    line,
                    column: 1,
                    message: format!(
                        "the section \"{name}\" has no text: write a paragraph under it, or remove it"
                    ),
                });
            }
        }
    }

    fn section(&mut self) -> &mut SectionOut {
        if self.sections.is_empty() {
            self.sections.push(SectionOut::default());
            self.lines.push((self.block_line, Vec::new()));
        }
        self.sections.last_mut().expect("one at least")
    }

    fn push_block(&mut self, block: BlockOut) {
        let line = self.block_line;
        self.section().blocks.push(block);
        self.lines.last_mut().expect("a section").1.push(line);
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        if self.skipping > 0 {
            match event {
                Event::Start(_) => self.skipping += 1,
                Event::End(_) => self.skipping -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(t) => self.text(&t, &range),
            Event::Code(t) => {
                let marks = Marks { code: true, ..self.marks.clone() };
                self.runs.push(&t, &marks);
                self.image_breaks_paragraph(&range);
            }
            Event::SoftBreak | Event::HardBreak => {
                let at = self.runs.len();
                self.runs.breaks.push(at);
                self.text(if matches!(event, Event::SoftBreak) { " " } else { "\n" }, &range);
            }
            Event::InlineHtml(_) | Event::Html(_) => {
                self.refuse(&range, "raw HTML has no place in a story: the format holds text only")
            }
            Event::FootnoteReference(_) => {
                self.refuse(&range, "footnotes are not part of the format: put the note in the text")
            }
            Event::Rule => self.refuse(
                &range,
                "a horizontal rule has no place in the format: start a section with ## instead",
            ),
            other => self.refuse(&range, format!("this Markdown ({other:?}) has no place in the format")),
        }
    }

    fn text(&mut self, t: &str, range: &Range<usize>) {
        if self.in_image {
            if let Some((_, _, alt)) = &mut self.image {
                alt.push_str(t);
            }
            return;
        }
        if matches!(self.inside, Inside::Nothing) {
            self.refuse(range, "text outside any paragraph");
            return;
        }
        self.runs.push(t, &self.marks.clone());
        self.image_breaks_paragraph(range);
    }

    /// An image shares its paragraph with text: refused (an image is a block).
    fn image_breaks_paragraph(&mut self, range: &Range<usize>) {
        if self.image.is_some() && !self.runs.is_blank() {
            self.image = None;
            self.refuse(range, "an image shares a paragraph with text: put the image on a line of its own");
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph => match self.inside {
                Inside::Nothing => {
                    self.inside = Inside::Paragraph;
                    self.block_line = self.line(&range);
                }
                Inside::Quote => {}
                Inside::Item => {
                    self.item_paragraphs += 1;
                    if self.item_paragraphs == 2 {
                        self.refuse(&range, "a list item holds one paragraph in this format");
                    }
                }
                _ => {}
            },
            Tag::Heading { level, id, .. } => {
                self.block_line = self.line(&range);
                match level {
                    HeadingLevel::H1 if self.title.is_none() && self.sections.is_empty() => {}
                    HeadingLevel::H1 => self.refuse(
                        &range,
                        "a # heading here cannot be placed: # is the title, once, before the text; sections start with ##",
                    ),
                    HeadingLevel::H2 => {
                        self.sections.push(SectionOut { id: id.map(|i| i.to_string()), ..SectionOut::default() });
                        self.lines.push((self.block_line, Vec::new()));
                    }
                    _ => self.refuse(
                        &range,
                        format!("a {} heading cannot be placed: the format has one level of section headings (##)", "#".repeat(level as usize)),
                    ),
                }
                self.inside = Inside::Heading;
            }
            Tag::BlockQuote(_) => {
                if matches!(self.inside, Inside::Quote) {
                    self.refuse(&range, "a quote inside a quote is not part of the format");
                }
                self.block_line = self.line(&range);
                self.inside = Inside::Quote;
                self.quote.clear();
            }
            Tag::List(start) => {
                if self.list.is_some() {
                    self.refuse(&range, "a list inside a list is deeper than the format allows (one level)");
                    self.skipping = 1;
                    return;
                }
                if !matches!(self.inside, Inside::Nothing) {
                    self.refuse(&range, "a list inside a quote is not part of the format");
                    self.skipping = 1;
                    return;
                }
                self.block_line = self.line(&range);
                self.list = Some((start.is_some(), Vec::new()));
            }
            Tag::Item => {
                self.inside = Inside::Item;
                self.item_paragraphs = 0;
            }
            Tag::Emphasis => self.marks.em = true,
            Tag::Strong => self.marks.strong = true,
            Tag::Link { dest_url, .. } => {
                if matches!(self.inside, Inside::Heading) {
                    self.refuse(
                        &range,
                        "a link in a heading: headings are plain text; put the link in the text",
                    );
                }
                self.marks.href = Some(dest_url.to_string());
            }
            Tag::Image { dest_url, title, .. } => {
                let alone =
                    matches!(self.inside, Inside::Paragraph) && self.runs.is_blank() && self.image.is_none();
                if !alone {
                    self.refuse(
                        &range,
                        "an image must stand alone in its paragraph (it becomes an image block)",
                    );
                }
                self.image = alone.then(|| (dest_url.to_string(), title.to_string(), String::new()));
                self.in_image = true;
            }
            Tag::CodeBlock(_) => {
                self.refuse(&range, "a code block has no place in the format: use `code` inside a paragraph");
                self.skipping = 1;
            }
            Tag::HtmlBlock => {
                self.refuse(&range, "raw HTML has no place in a story: the format holds text only");
                self.skipping = 1;
            }
            Tag::Table(_) => {
                self.refuse(&range, "a table has no place in the format: write it as a list or as text");
                self.skipping = 1;
            }
            Tag::FootnoteDefinition(_) => {
                self.refuse(&range, "footnotes are not part of the format: put the note in the text");
                self.skipping = 1;
            }
            other => {
                self.refuse(&range, format!("this Markdown ({other:?}) has no place in the format"));
                self.skipping = 1;
            }
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        match tag {
            TagEnd::Paragraph => match self.inside {
                Inside::Paragraph => {
                    self.inside = Inside::Nothing;
                    let runs = std::mem::take(&mut self.runs);
                    match self.image.take() {
                        Some((src, caption, alt)) if runs.is_blank() => {
                            self.image_block(src, caption, alt, &range)
                        }
                        _ if runs.is_blank() => {}
                        _ => self.push_block(BlockOut::Paragraph(runs.finish())),
                    }
                }
                Inside::Quote => {
                    let runs = std::mem::take(&mut self.runs);
                    self.quote.push(runs);
                }
                _ => {}
            },
            TagEnd::Heading(level) => {
                let runs = std::mem::take(&mut self.runs);
                let text = runs.plain_text().trim().to_owned();
                self.inside = Inside::Nothing;
                match level {
                    HeadingLevel::H1 if self.title.is_none() && self.sections.is_empty() => {
                        self.title = Some(text)
                    }
                    HeadingLevel::H2 => {
                        if let Some(s) = self.sections.last_mut() {
                            s.heading = Some(text);
                        }
                    }
                    _ => {}
                }
            }
            TagEnd::BlockQuote(_) => {
                self.inside = Inside::Nothing;
                let paragraphs = std::mem::take(&mut self.quote);
                self.quote_block(paragraphs, &range);
            }
            TagEnd::Item => {
                if matches!(self.inside, Inside::Item) {
                    self.inside = Inside::Nothing;
                    let runs = std::mem::take(&mut self.runs);
                    if let Some((_, items)) = &mut self.list {
                        items.push(runs.finish());
                    }
                }
            }
            TagEnd::List(_) => {
                if let Some((ordered, items)) = self.list.take() {
                    self.push_block(BlockOut::Typed(TypedOut::List { ordered, items }));
                }
                self.inside = Inside::Nothing;
            }
            TagEnd::Emphasis => self.marks.em = false,
            TagEnd::Strong => self.marks.strong = false,
            TagEnd::Link => self.marks.href = None,
            TagEnd::Image => self.in_image = false,
            _ => {}
        }
    }

    fn image_block(&mut self, src: String, caption: String, alt: String, range: &Range<usize>) {
        let mut image = ImageOut { src: src.clone(), alt: alt.trim().to_owned(), ..ImageOut::default() };
        if !caption.trim().is_empty() {
            image.caption = Some(InlineOut::Plain(caption.trim().to_owned()));
        }
        if !is_remote(&src) {
            if (self.env.exists)(&src) {
                if let Some((w, h)) = (self.env.sizes)(&src) {
                    image.width = Some(w);
                    image.height = Some(h);
                }
                self.images.push(src);
            } else {
                self.refuse(
                    range,
                    format!("the image {src} does not exist (paths are relative to the Markdown file)"),
                );
            }
        }
        self.push_block(BlockOut::Typed(TypedOut::Image(image)));
    }

    /// A quote: one paragraph of text; a last line (or paragraph) that
    /// starts with a dash names who said it.
    fn quote_block(&mut self, mut paragraphs: Vec<Runs>, range: &Range<usize>) {
        let mut cite = None;
        if let Some(last) = paragraphs.last_mut() {
            let whole = last.plain_text();
            if let Some(who) = strip_dash(whole.trim_start()).filter(|w| !w.trim().is_empty()) {
                cite = Some(who.trim().to_owned());
                paragraphs.pop();
            } else if let Some(&b) = last.breaks.last() {
                if let Some(who) = strip_dash(whole[b..].trim_start()).filter(|w| !w.trim().is_empty()) {
                    cite = Some(who.trim().to_owned());
                    last.truncate(b);
                }
            }
        }
        paragraphs.retain(|p| !p.is_blank());
        match paragraphs.len() {
            0 => self.refuse(range, "a quote without text"),
            1 => {
                let text = paragraphs.pop().expect("one").finish();
                self.push_block(BlockOut::Typed(TypedOut::Quote { text, cite }));
            }
            _ => self.refuse(
                range,
                "a quote holds one paragraph in this format: split it into several quotes, or join its paragraphs",
            ),
        }
    }
}

/// `— name`, `-- name` or `―name`: the name.
fn strip_dash(s: &str) -> Option<&str> {
    ["—", "―", "--"].iter().find_map(|d| s.strip_prefix(d)).map(str::trim_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("为什么\nx", 10), (2, 1));
    }
}
