//! `story import`: a Markdown file with YAML front matter becomes a
//! `story.json`. The front matter holds the story's fields (the same names
//! and nesting as `story.json`); the body holds its sections:
//!
//! - text before the first `##` is a first section without a heading; each
//!   `## Heading {#id}` starts a section (the `{#id}` is kept);
//! - paragraphs, `**strong**`, `*em*`, `` `code` `` and links become runs;
//! - `>` quotes become quotes, a last line `— name` their `cite`;
//! - lists become lists (nested up to 3 levels); `![alt](src "caption")` alone in a paragraph
//!   becomes an image block, its size read from the file;
//! - `###` and `####` headings become sub-heading blocks (`{#id}` kept),
//!   GitHub tables table blocks (header and alignments kept);
//! - fenced and indented code becomes a code block (the fence's first word
//!   its language); `---` or `***` between paragraphs, a divider.
//!
//! What the format cannot hold (raw HTML, footnotes, lists nested past 3 levels,
//! `#####` headings, …) is refused with its line and column,
//! never dropped. The result is read back through the one parser: an import
//! that returns `Ok` always passes `story check`.

use std::fmt;
use std::io::Read;
use std::path::Path;

use story_format::{Code, Diagnostic, Location};

use crate::out::StoryOut;
use crate::sandbox::Sandbox;

mod body;
mod embeds;
mod front;
mod lines;
use crate::out::site_absolute;
mod notes;
mod runs;
mod scan;

use body::Body;
use front::{read_front_matter, split_front_matter};
use lines::{line_col, line_of};

/// A reason the Markdown cannot become a story, at a line and column of the file (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Problem {
    /// As a warning of `story check`, at its line and column.
    pub fn to_warning(&self) -> Diagnostic {
        Diagnostic::warning(
            Code::UnknownField,
            Location::Text { line: self.line, column: self.column },
            &self.message,
        )
    }

    /// As a diagnostic of `story check`, at its line and column.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error(
            Code::Invalid,
            Location::Text { line: self.line, column: self.column },
            &self.message,
        )
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
    /// The story's id (valid: the parser accepted it).
    pub id: String,
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
    import_bytes_rooted(bytes, path, sandbox, None)
}

/// [`import_bytes`], with site-absolute image paths (`/images/x.png`)
/// read below `root` (`story import --root`); the story names such an
/// image bundle-relative (`images/x.png`), where the bundle gets its copy.
pub fn import_bytes_rooted(
    bytes: &[u8],
    path: &Path,
    sandbox: &Sandbox,
    root: Option<&Sandbox>,
) -> Result<Imported, Vec<Problem>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(&String::from_utf8_lossy(&bytes[..e.valid_up_to()]), e.valid_up_to());
        vec![Problem { line, column, message: "the file is not UTF-8 text (save it as UTF-8)".into() }]
    })?;
    let dir = path.parent().unwrap_or(Path::new(".")).to_owned();
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    // The post's name: its file's (`2025-01-29-release.md`, as Jekyll
    // names posts), or its folder's for `story.md` and `index.md` (Hugo
    // and Zola page bundles).
    let stem = path.file_stem().and_then(|n| n.to_str()).unwrap_or("");
    let folder = match stem {
        "story" | "index" | "_index" | "" => {
            dir.file_name().and_then(|n| n.to_str()).unwrap_or("").to_owned()
        }
        name => name.to_owned(),
    };
    // Images are read only when they are regular files inside the sandbox
    // (a site-absolute one inside ROOT's).
    let locate = |src: &str| -> Option<(&Sandbox, std::path::PathBuf)> {
        match site_absolute(src) {
            Some(rel) => root.map(|r| (r, r.root().join(rel))),
            None => Some((sandbox, dir.join(src))),
        }
    };
    let sizes = |src: &str| -> Option<(u32, u32)> {
        let (sandbox, file) = locate(src)?;
        let mut head = Vec::with_capacity(IMAGE_HEAD);
        sandbox.open(&file).ok()?.take(IMAGE_HEAD as u64).read_to_end(&mut head).ok()?;
        let s = imagesize::blob_size(&head).ok()?;
        Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?))
    };
    let exists = |src: &str| locate(src).is_some_and(|(sandbox, file)| sandbox.file(&file).is_ok());
    let base = url::Url::from_file_path(dir.join("story.json")).ok();
    import(text, &Env { sizes: &sizes, exists: &exists, folder: &folder, base })
}

/// Whether a Markdown file's front matter says `draft: true` (a post not
/// yet published; `story import` of a whole blog leaves it out).
pub fn is_draft(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else { return false };
    let (front, _, _) = split_front_matter(text, &mut Problems::default());
    front.is_some_and(front::is_draft)
}

/// How much of an image file is read for its size: enough for the headers
/// of PNG, GIF, WebP and JPEG (whose size marker can follow EXIF data of up
/// to 64 KiB, and more than one such segment).
const IMAGE_HEAD: usize = 256 * 1024;

/// What the importer needs from outside the text: image sizes and
/// existence (relative to the Markdown file), the post's name (its file's,
/// or its bundle folder's: the id when the front matter has none, and the
/// date when it starts with one, as Jekyll's `2025-01-29-slug`), and the
/// URL the result is checked as.
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
    let mut front_warnings = Vec::new();
    if let Some(front) = front {
        read_front_matter(front, &mut story, env, &mut problems, &mut front_warnings);
    }
    // A site-absolute hero is copied from ROOT, and named in the bundle.
    let hero_file = story.hero.as_ref().map(|h| h.src.clone());
    if let Some(hero) = &mut story.hero {
        if let Some(rel) = site_absolute(&hero.src) {
            hero.src = rel.to_owned();
        }
    }
    let mut body_reader = Body::new(text, body_offset, env, &mut problems);
    body_reader.read(body);
    let Body { mut sections, title, images, mut lines, warnings: body_warnings, notes, .. } = body_reader;
    // Footnotes: a last section, headed in the story's language.
    let heading = story_viewer::labels::for_lang(story.lang.as_deref().unwrap_or("en")).footnotes;
    let notes_line = notes.line;
    if let Some(section) = notes.section(heading) {
        sections.push(section);
        lines.push((notes_line, vec![notes_line]));
    }
    front_warnings.extend(body_warnings);
    if story.title.is_none() {
        story.title = title;
    }
    let (date, slug) = dated_name(env.folder);
    if story.id.is_none() {
        story.id = id_from_folder(slug);
    }
    if story.published.is_none() {
        story.published = date.map(str::to_owned);
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
        let (line, in_body) = line_of(&d.at, &lines, front.unwrap_or(""), front_lines);
        if in_body && problems.list.iter().any(|p| p.line == line) {
            continue;
        }
        let field = if in_body { String::new() } else { format!("{}: ", d.at) };
        problems.push(Problem { line, column: 1, message: format!("{field}{}", d.message) });
    }
    if !problems.is_empty() {
        return Err(problems.finish());
    }
    let mut all_images = images;
    if let Some(hero) = hero_file.filter(|h| !is_remote(h)) {
        all_images.insert(0, hero);
    }
    let mut all_warnings: Vec<Diagnostic> = front_warnings.iter().map(Problem::to_warning).collect();
    all_warnings.extend(warnings);
    let id = story.id.clone().unwrap_or_default();
    Ok(Imported { id, json, images: all_images, warnings: all_warnings })
}

/// Whether an image `src` names another host (its size is not read, nor is it copied).
fn is_remote(src: &str) -> bool {
    src.contains("://") || src.starts_with("//")
}

/// A post's name split into the date it starts with, if any, and the rest:
/// `2025-01-29-release` is `(Some("2025-01-29"), "release")`.
fn dated_name(name: &str) -> (Option<&str>, &str) {
    let b = name.as_bytes();
    let dated = b.len() > 11
        && b[..10]
            .iter()
            .enumerate()
            .all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
        && b[10] == b'-';
    if dated {
        (Some(&name[..10]), &name[11..])
    } else {
        (None, name)
    }
}

/// The id a story without one gets, from its name: lower-cased, every run
/// of characters other than `a-z` and `0-9` made one `-` (`Jekyll 3.1.2`
/// is `jekyll-3-1-2`); none when nothing is left (the parser asks for one).
fn id_from_folder(name: &str) -> Option<String> {
    let mut id = String::with_capacity(name.len());
    for c in name.chars().map(|c| c.to_ascii_lowercase()) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    let id = id.get(..story_format::limits::MAX_ID_BYTES).unwrap_or(id).trim_end_matches('-');
    story_format::text::is_valid_story_id(id).then(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::{dated_name, id_from_folder};

    #[test]
    fn a_jekyll_name_gives_a_date_and_a_slug() {
        assert_eq!(
            dated_name("2025-01-29-jekyll-4-4-1-released"),
            (Some("2025-01-29"), "jekyll-4-4-1-released")
        );
        assert_eq!(dated_name("harbour-cranes"), (None, "harbour-cranes"));
        assert_eq!(dated_name("2025-01-29"), (None, "2025-01-29"));
        assert_eq!(dated_name("2025-1-29-x"), (None, "2025-1-29-x"));
        assert_eq!(id_from_folder("jekyll-3.1.2-released").as_deref(), Some("jekyll-3-1-2-released"));
        assert_eq!(id_from_folder("Harbour Cranes!").as_deref(), Some("harbour-cranes"));
        assert_eq!(id_from_folder("为什么"), None);
    }
}
