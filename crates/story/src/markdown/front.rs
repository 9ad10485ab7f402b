//! The front matter: the YAML between `---` lines at the top, read into
//! the story's fields, and the file line of a field's key.

use yaml_rust2::{Yaml, YamlLoader};

use super::lines::{key_line, line_col};
use super::{is_remote, Env, Problem, Problems};
use crate::out::{AuthorOut, ImageOut, InlineOut, SourceOut, StoryOut};

/// The front matter (between `---` lines at the very top), the body, and
/// the byte offset of the body in `text`.
pub(super) fn split_front_matter<'t>(
    text: &'t str,
    problems: &mut Problems,
) -> (Option<&'t str>, &'t str, usize) {
    // YAML between `---` lines, or TOML between `+++` lines (Hugo, Zola).
    let fence = if text.starts_with("+++") { "+++" } else { "---" };
    let Some(rest) =
        text.strip_prefix(fence).and_then(|r| r.strip_prefix('\n').or_else(|| r.strip_prefix("\r\n")))
    else {
        return (None, text, 0);
    };
    let start = text.len() - rest.len();
    let mut at = start;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == fence || (fence == "---" && bare == "...") {
            let body_at = at + line.len();
            return (Some(&text[start..at]), &text[body_at..], body_at);
        }
        at += line.len();
    }
    problems.push(Problem {
        line: 1,
        column: 1,
        message: format!("the front matter that starts here never ends: close it with a line {fence}"),
    });
    (None, "", text.len())
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

/// The story fields the front matter may set: every field of a story but
/// `format` (written for you) and `sections` (the body holds them). A story
/// field added to the format is one here, and a test
/// (`every_story_field_can_be_set_in_front_matter`) fails until it is read.
fn front_fields() -> Vec<&'static str> {
    story_format::fields_of("story").into_iter().filter(|f| !matches!(*f, "format" | "sections")).collect()
}

/// The fields of the front matter's `hero`: an image's, but `srcset`
/// (written in `story.json` only).
fn hero_fields() -> Vec<&'static str> {
    story_format::fields_of("image").into_iter().filter(|f| *f != "srcset").collect()
}

/// Reads the front matter into `story`, reporting what it cannot hold.
pub(super) fn read_front_matter(
    front: &str,
    story: &mut StoryOut,
    env: &Env<'_>,
    problems: &mut Problems,
    warnings: &mut Vec<Problem>,
) {
    let toml = toml_front(front);
    if toml.is_none() {
        if let Err(p) = bounded_yaml(front) {
            problems.push(p);
            return;
        }
    }
    // Line numbers in the file: the front matter starts on line 2.
    let mut fail = |key: &str, message: String| {
        problems.add(|| Problem { line: key_line(front, key, true).unwrap_or(2), column: 1, message })
    };
    let docs = match toml {
        Some(Ok(doc)) => Ok(vec![doc]),
        Some(Err(p)) => {
            problems.push(p);
            return;
        }
        None => YamlLoader::load_from_str(front),
    };
    let docs = match docs {
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
        let Some(written) = k.as_str() else {
            fail("", "a front matter field name must be text".into());
            continue;
        };
        // Blog engines' names for the same fields (Hugo, Jekyll, Zola, Eleventy, Astro).
        let key = alias(written);
        match (key, v) {
            ("draft", v) => {
                if is_draft_value(v) {
                    fail(written, "a draft: set `draft: false` (or remove it) to import it".into());
                }
                continue;
            }
            ("published" | "updated", v) => {
                match scalar_text(v) {
                    Some(t) => {
                        let date = Some(blog_date(&t));
                        if key == "published" {
                            story.published = date;
                        } else {
                            story.updated = date;
                        }
                    }
                    None if matches!(v, Yaml::Null) => {}
                    None => fail(written, format!("`{written}` must be a date, found {}", yaml_kind(v))),
                }
                continue;
            }
            ("hero", Yaml::String(src)) => {
                story.hero = read_hero(&hero_of(src), env, &mut fail);
                continue;
            }
            ("hero", Yaml::Hash(m)) if written != "hero" => {
                // Hugo's `cover: {image, alt, caption}`.
                let mut h = yaml_rust2::yaml::Hash::new();
                for (ck, cv) in m {
                    let name = match ck.as_str() {
                        Some("image") => "src",
                        Some(other @ ("alt" | "caption")) => other,
                        _ => continue,
                    };
                    h.insert(Yaml::String(name.into()), cv.clone());
                }
                if h.contains_key(&Yaml::String("src".into())) {
                    story.hero = read_hero(&h, env, &mut fail);
                }
                continue;
            }
            // An address that starts with the date (`path = "2018/07/27/slug"`,
            // Zola; Jekyll's permalinks) dates a post that says no more.
            ("path" | "permalink" | "url", Yaml::String(p)) => {
                let parts: Vec<&str> = p.split('/').collect();
                let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
                let day = parts
                    .windows(3)
                    .find(|w| digits(w[0], 4) && digits(w[1], 2) && digits(w[2], 2))
                    .map(|w| format!("{}-{}-{}", w[0], w[1], w[2]));
                if let Some(day) = day {
                    if story.published.is_none() {
                        story.published = Some(day);
                    }
                    continue;
                }
            }
            // Zola: `[taxonomies]` with `tags` and `categories` lists.
            ("taxonomies", Yaml::Hash(m)) => {
                for list in m.values() {
                    if let Yaml::Array(items) = list {
                        story.tags.extend(items.iter().filter_map(scalar_text));
                    }
                }
                continue;
            }
            ("id", Yaml::String(slug)) if written != "id" => {
                story.id = Some(story_format::text::slug(slug));
                continue;
            }
            _ => {}
        }
        let text = |v: &Yaml| -> Option<String> { scalar_text(v) };
        let mut want =
            |kind: &str| fail(written, format!("`{written}` must be {kind}, found {}", yaml_kind(v)));
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
            // One name, a list of names, or of `{name, url}` (Hugo's
            // `authors`, Jekyll's `author`): data, never split from a line.
            "authors" => {
                let items = match v {
                    Yaml::Array(items) => items.iter().collect(),
                    Yaml::Null => Vec::new(),
                    one => vec![one],
                };
                for item in items {
                    let author = match item {
                        Yaml::Hash(m) => m.get(&Yaml::String("name".into())).and_then(scalar_text).map(|name| {
                            let url = m.get(&Yaml::String("url".into())).and_then(scalar_text);
                            AuthorOut { name, url }
                        }),
                        other => text(other).map(|name| AuthorOut { name, url: None }),
                    };
                    match author {
                        Some(a) => story.authors.push(a),
                        None => fail(written, format!("each author must be a name or {{name, url}}, found {}", yaml_kind(item))),
                    }
                }
            }
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
            "sections" | "format" => fail(
                key,
                format!("\"{key}\" cannot be set in front matter: the body holds the sections; the format is written for you"),
            ),
            other => {
                // As in `story.json`: ignored, with a warning.
                let hint = story_format::text::did_you_mean(other, &front_fields())
                    .map_or_else(String::new, |s| format!("; did you mean \"{s}\"?"));
                let line = key_line(front, other, true).unwrap_or(2);
                warnings.push(Problem {
                    line,
                    column: 1,
                    message: format!("unknown front matter field \"{other}\", ignored{hint}"),
                });
            }
        }
    }
}

/// TOML front matter (`key = value` lines, as Hugo and Zola write it) read
/// as the YAML it would be; `None` when the text is not TOML-shaped (its
/// first field line has no `=` before a `:`). Nesting is limited as for YAML.
fn toml_front(front: &str) -> Option<Result<Yaml, Problem>> {
    let first = front.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let toml_shaped =
        first.starts_with('[') || first.find('=').is_some_and(|e| first.find(':').is_none_or(|c| e < c));
    if !toml_shaped {
        return None;
    }
    let table = match front.parse::<toml::Table>() {
        Ok(t) => t,
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start);
            let (line, column) = line_col(front, at);
            let message = format!("the front matter is not valid TOML: {}", e.message());
            return Some(Err(Problem { line: line + 1, column, message }));
        }
    };
    fn yaml(v: toml::Value, depth: usize) -> Result<Yaml, ()> {
        if depth > MAX_YAML_DEPTH {
            return Err(());
        }
        Ok(match v {
            toml::Value::String(s) => Yaml::String(s),
            toml::Value::Integer(n) => Yaml::Integer(n),
            toml::Value::Float(f) => Yaml::Real(f.to_string()),
            toml::Value::Boolean(b) => Yaml::Boolean(b),
            toml::Value::Datetime(d) => Yaml::String(d.to_string()),
            toml::Value::Array(a) => {
                Yaml::Array(a.into_iter().map(|v| yaml(v, depth + 1)).collect::<Result<_, _>>()?)
            }
            toml::Value::Table(t) => {
                let mut h = yaml_rust2::yaml::Hash::new();
                for (k, v) in t {
                    h.insert(Yaml::String(k), yaml(v, depth + 1)?);
                }
                Yaml::Hash(h)
            }
        })
    }
    Some(yaml(toml::Value::Table(table), 0).map_err(|()| Problem {
        line: 2,
        column: 1,
        message: format!("the front matter nests deeper than {MAX_YAML_DEPTH} levels"),
    }))
}

/// Whether a `draft` field's value marks a draft (`true`, or `"true"` and
/// `"yes"` as some engines write them).
fn is_draft_value(v: &Yaml) -> bool {
    match v {
        Yaml::Boolean(b) => *b,
        Yaml::String(s) => matches!(s.to_ascii_lowercase().as_str(), "true" | "yes"),
        _ => false,
    }
}

/// Whether front matter (YAML or TOML) marks its post a draft, read as the
/// import reads it: `story import` of a whole blog leaves drafts out.
pub(super) fn is_draft(front: &str) -> bool {
    let doc = match toml_front(front) {
        Some(doc) => doc.ok(),
        None => bounded_yaml(front)
            .ok()
            .and_then(|()| YamlLoader::load_from_str(front).ok())
            .and_then(|docs| docs.into_iter().next()),
    };
    doc.is_some_and(|d| is_draft_value(&d["draft"]))
}

/// The story field a blog engine's front matter name stands for: `date`
/// is `published`, `description` is `dek`, `categories` are tags… Other
/// names are themselves.
fn alias(name: &str) -> &str {
    match name {
        "date" | "pubDate" | "publishDate" => "published",
        "lastmod" | "last_modified_at" | "modified" | "updatedDate" => "updated",
        "description" | "summary" | "subtitle" | "excerpt" => "dek",
        "author" => "authors",
        "categories" | "category" | "keywords" => "tags",
        "slug" => "id",
        "image" | "cover" | "featured_image" | "heroImage" => "hero",
        other => other,
    }
}

/// A date as blogs write it, in the format's form where it can be:
/// `2024/02/15` and `2024-02-15 18:15:32 +0530` (Jekyll) become
/// `2024-02-15` and `2024-02-15T18:15:32+05:30`; a time without a zone
/// keeps its day only. Anything else is left for the parser to judge.
fn blog_date(text: &str) -> String {
    let t = text.trim();
    let day = t.get(..10).map(|d| d.replace('/', "-"));
    let Some(day) = day.filter(|d| d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-')
    else {
        return t.to_owned();
    };
    let rest = t[10..].trim();
    if rest.is_empty() {
        return day;
    }
    let rest = rest.trim_start_matches('T').trim();
    let (time, zone) = match rest.split_once(' ') {
        Some((time, zone)) => (time, zone.trim()),
        None => match rest.find(['Z', '+']).or_else(|| rest.rfind('-').filter(|&i| i > 5)) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        },
    };
    let zone = match zone {
        "Z" | "UTC" | "+0000" | "+00:00" => "Z".to_owned(),
        z if z.len() == 5 && (z.starts_with('+') || z.starts_with('-')) => format!("{}:{}", &z[..3], &z[3..]),
        z if z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) => z.to_owned(),
        _ => return day,
    };
    let time = if time.len() == 5 { format!("{time}:00") } else { time.to_owned() };
    format!("{day}T{time}{zone}")
}

/// `image: cover.jpg`: a hero with that file and no alternative text.
fn hero_of(src: &str) -> yaml_rust2::yaml::Hash {
    let mut h = yaml_rust2::yaml::Hash::new();
    h.insert(Yaml::String("src".into()), Yaml::String(src.into()));
    h.insert(Yaml::String("alt".into()), Yaml::String(String::new()));
    h
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
            other => fail(other, unknown_nested(key, other, &story_format::fields_of("source"))),
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
            ("focus", v) => match scalar_text(v) {
                Some(t) => hero.focus = Some(t),
                None => fail(
                    "focus",
                    format!("`hero.focus` must be text such as \"50% 30%\", found {}", yaml_kind(v)),
                ),
            },
            ("credit", other) => {
                fail(field, format!("`hero.credit` must be a mapping, found {}", yaml_kind(other)))
            }
            (f @ ("src" | "alt" | "caption"), v) => match scalar_text(v) {
                Some(t) if f == "src" => hero.src = t,
                Some(t) if f == "alt" => hero.alt = t,
                Some(t) => hero.caption = Some(InlineOut::Plain(t)),
                None => fail(f, format!("`hero.{f}` must be text, found {}", yaml_kind(v))),
            },
            (other, _) => fail(other, unknown_nested("hero", other, &hero_fields())),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_known_in_yaml_and_toml_as_the_import_reads_it() {
        assert!(is_draft("title: T\ndraft: true\n"));
        assert!(is_draft("title = \"T\"\ndraft = true\n"));
        assert!(is_draft("draft: \"yes\"\n"));
        assert!(!is_draft("title: T\ndraft: false\n"));
        assert!(!is_draft("title = \"T\"\n"));
        assert!(!is_draft("notes: the draft: true of it\n"));
    }

    #[test]
    fn blog_dates_become_the_formats_dates() {
        for (blog, ours) in [
            ("2024-02-15", "2024-02-15"),
            ("2024/02/15", "2024-02-15"),
            ("2025-01-29 18:15:32 +0530", "2025-01-29T18:15:32+05:30"),
            ("2025-01-29T18:15:32Z", "2025-01-29T18:15:32Z"),
            ("2025-01-29T18:15:32+02:00", "2025-01-29T18:15:32+02:00"),
            ("2025-01-29 18:15", "2025-01-29"),
            ("2025-01-29 18:15 -0800", "2025-01-29T18:15:00-08:00"),
            ("March 3, 2024", "March 3, 2024"),
        ] {
            assert_eq!(blog_date(blog), ours, "{blog}");
        }
    }
}
