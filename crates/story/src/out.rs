//! What the command line writes: `story.json` and `stories.json` as serde
//! types, fields in the order the format documents them, absent optional
//! fields left out. Written files are read back through the parser before
//! they replace anything (see `write_checked`).

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::sandbox::{parent_dir, Sandbox};

/// A `story.json`.
#[derive(Serialize, Debug, Default)]
pub struct StoryOut {
    pub format: &'static str,
    /// Required fields are `Option`s too: a missing one is left out, and the
    /// parser names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dek: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byline: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<AuthorOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hero: Option<ImageOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    pub sections: Vec<SectionOut>,
}

/// An author: written as the name alone when there is no address.
#[derive(Debug, Default, Clone)]
pub struct AuthorOut {
    pub name: String,
    pub url: Option<String>,
}

impl Serialize for AuthorOut {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let Some(url) = &self.url else { return s.serialize_str(&self.name) };
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("name", &self.name)?;
        m.serialize_entry("url", url)?;
        m.end()
    }
}

/// A source.
#[derive(Serialize, Deserialize, Debug, Default, Clone)]
pub struct SourceOut {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// An image (hero, thumbnail); an image block adds `type`. Read back
/// only as a catalog entry's thumbnail (`build` keeps entries on disk),
/// which has no caption.
#[derive(Serialize, Deserialize, Debug, Default, Clone)]
pub struct ImageOut {
    pub src: String,
    pub alt: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub caption: Option<InlineOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// A section.
#[derive(Serialize, Debug, Default)]
pub struct SectionOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub blocks: Vec<BlockOut>,
}

/// Inline text: a plain string when nothing is marked, else runs.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(untagged)]
pub enum InlineOut {
    Plain(String),
    Runs(Vec<RunOut>),
}

/// A run: a plain string, or text with marks.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(untagged)]
pub enum RunOut {
    Plain(String),
    Marked {
        text: String,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        em: bool,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        strong: bool,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        code: bool,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        strike: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        href: Option<String>,
    },
}

/// A block: a paragraph as inline text, or a typed object.
#[derive(Serialize, Debug)]
#[serde(untagged)]
pub enum BlockOut {
    Paragraph(InlineOut),
    Typed(TypedOut),
}

/// A block with a `type`.
#[derive(Serialize, Debug)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum TypedOut {
    Quote {
        text: InlineOut,
        #[serde(skip_serializing_if = "Option::is_none")]
        cite: Option<String>,
    },
    List(ListOut),
    Image(ImageOut),
    Code {
        text: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        language: Option<String>,
    },
    Divider,
    Table {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        header: Vec<InlineOut>,
        rows: Vec<Vec<InlineOut>>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        align: Vec<Option<&'static str>>,
    },
    Gallery {
        images: Vec<ImageOut>,
        #[serde(skip_serializing_if = "Option::is_none")]
        caption: Option<InlineOut>,
    },
    Video {
        src: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    Heading {
        text: String,
        #[serde(skip_serializing_if = "is_three")]
        level: u8,
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
    },
}

/// A sub-heading's default level, left out of the file.
fn is_three(level: &u8) -> bool {
    *level == 3
}

/// A list: its items, numbered (from `start`) or not.
#[derive(Serialize, Debug)]
pub struct ListOut {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ordered: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
    pub items: Vec<ItemOut>,
}

/// A list item: inline text, or an object when a list is under it.
#[derive(Serialize, Debug)]
#[serde(untagged)]
pub enum ItemOut {
    Text(InlineOut),
    WithList {
        text: InlineOut,
        #[serde(flatten)]
        list: ListOut,
    },
}

/// A `stories.json`.
#[derive(Serialize, Debug)]
pub struct CatalogOut {
    pub format: &'static str,
    pub title: String,
    /// A catalog in pages: the stories on every page together.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<usize>,
    /// A catalog in pages: the newer page's file, and the older one's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    pub stories: Vec<EntryOut>,
}

/// One catalog entry (read back as written: `build` keeps them on disk).
#[derive(Serialize, Deserialize, Debug)]
pub struct EntryOut {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    pub published: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceOut>,
    pub href: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dek: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<ImageOut>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub tags: Vec<String>,
}

/// Pretty JSON with a final newline: the same value gives the same bytes.
pub fn to_json<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("output types always serialise");
    s.push('\n');
    s
}

/// Writes `bytes` to `path` whole or not at all: into a temporary file
/// beside it, then renamed over it. A crash or an error leaves the file
/// that was there before.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temp_beside(path);
    let result = write_synced(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A site-absolute path's part after the `/` (`/images/x.png`: `images/x.png`):
/// it starts from `--root`, and names the bundle's copy.
pub fn site_absolute(src: &str) -> Option<&str> {
    src.strip_prefix('/').filter(|rest| !rest.starts_with('/') && !rest.is_empty())
}

/// Writes a bundle: `images` (paths relative to `src_dir`, read through
/// `sandbox`) copied to the same paths below `out_dir`, then `json` as
/// `out_dir/story.json`. All or nothing: every image is checked first (a
/// regular file inside the sandbox; its target not behind a link in
/// `out_dir`), each is written to a temporary file beside its target and
/// renamed into place only when all are written, so a failure leaves
/// nothing behind, and a link at a target is replaced, never written through.
pub fn write_bundle(
    sandbox: &Sandbox,
    src_dir: &Path,
    out_dir: &Path,
    images: &[String],
    json: &[u8],
    root: Option<&Sandbox>,
) -> Result<(), String> {
    use std::path::{Component, PathBuf};
    let shown = |p: &Path| p.display().to_string();
    // Each copy: from, to, and the sandbox it is read through.
    let mut plan: Vec<(PathBuf, PathBuf, &Sandbox)> = Vec::new();
    let mut targets = std::collections::HashSet::new();
    for img in images {
        // A site-absolute image (`/images/x.png`) is read below ROOT and
        // copied to the same path without its `/`.
        let (from_box, src_dir, rel) = match (site_absolute(img), root) {
            (Some(rel), Some(root)) => (root, root.root(), Path::new(rel)),
            _ => (sandbox, src_dir, Path::new(img)),
        };
        if !rel.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir)) {
            return Err(format!(
                "{img}: an image outside the Markdown file's folder (or --root) cannot be copied with --out"
            ));
        }
        let from = from_box
            .file(&src_dir.join(rel))
            .map_err(|why| format!("{} {why}", shown(&src_dir.join(rel))))?;
        let to = out_dir.join(rel);
        if std::fs::canonicalize(&to).ok() == Some(from.clone()) {
            continue; // already there (--out is the Markdown's own folder)
        }
        if !targets.insert(to.clone()) {
            continue; // named twice (a hero that is also in the text)
        }
        plan.push((from, to, from_box));
    }
    // No folder on the way to a target may be a link (it could lead anywhere).
    for (_, to, _) in &plan {
        let mut at = out_dir.to_owned();
        for c in to.strip_prefix(out_dir).unwrap_or(to).parent().into_iter().flat_map(Path::components) {
            at.push(c);
            if std::fs::symlink_metadata(&at).is_ok_and(|m| !m.is_dir()) {
                return Err(format!(
                    "{}: not a folder (a link or a file); nothing is written through it",
                    shown(&at)
                ));
            }
        }
    }
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = (|| -> Result<(), String> {
        let mut make_dir = |dir: &Path| -> Result<(), String> {
            let missing: Vec<PathBuf> = dir
                .ancestors()
                .take_while(|a| std::fs::symlink_metadata(a).is_err())
                .map(Path::to_owned)
                .collect();
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", shown(dir)))?;
            made_dirs.extend(missing);
            Ok(())
        };
        make_dir(out_dir)?;
        for (from, to, from_box) in &plan {
            make_dir(parent_dir(to))?;
            let tmp = temp_beside(to);
            let mut src = from_box.open(from).map_err(|why| format!("{} {why}", shown(from)))?;
            temps.push((tmp.clone(), to.clone()));
            let mut dst = std::fs::File::create(&tmp).map_err(|e| format!("{}: {e}", shown(&tmp)))?;
            std::io::copy(&mut src, &mut dst).map_err(|e| format!("{}: {e}", shown(from)))?;
            dst.sync_all().map_err(|e| format!("{}: {e}", shown(&tmp)))?;
        }
        let story = out_dir.join("story.json");
        let tmp = temp_beside(&story);
        temps.push((tmp.clone(), story));
        std::fs::write(&tmp, json).map_err(|e| format!("{}: {e}", shown(&tmp)))?;
        Ok(())
    })();
    if let Err(e) = result {
        for (tmp, _) in &temps {
            let _ = std::fs::remove_file(tmp);
        }
        for d in &made_dirs {
            let _ = std::fs::remove_dir(d);
        }
        return Err(e);
    }
    // Everything is written: renames put it in place (story.json last).
    for (tmp, to) in &temps {
        std::fs::rename(tmp, to).map_err(|e| format!("{}: {e}", shown(to)))?;
    }
    Ok(())
}

/// A temporary file's name beside `path`, hidden and unique to this process.
/// Writes `bytes` as `path` (a new file, or one replaced) and waits
/// until they are on the disk.
pub fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// A temporary file's path beside `path` (a dot file, named after it and
/// this process).
pub fn temp_beside(path: &Path) -> std::path::PathBuf {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    parent_dir(path).join(format!(".{name}.{}.tmp", std::process::id()))
}

/// Puts the folder `new` where `out` is, as one step where the system
/// allows it: on Linux the two are exchanged atomically (`renameat2` with
/// `RENAME_EXCHANGE`); elsewhere the old one is moved aside first (a moment
/// without `out`, never a half of one). Returns where the old `out` now
/// is, for the caller to remove.
pub fn exchange_dir(new: &Path, out: &Path) -> std::io::Result<Option<std::path::PathBuf>> {
    if !out.exists() {
        return std::fs::rename(new, out).map(|()| None);
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
        let (a, b) = (c(new)?, c(out)?);
        // SAFETY: two valid NUL-terminated paths; the call reads them only.
        let r = unsafe {
            libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE)
        };
        if r == 0 {
            return Ok(Some(new.to_owned())); // `new` now holds the old site
        }
    }
    let aside = out.with_file_name(format!(
        ".{}.old-{}",
        out.file_name().and_then(|n| n.to_str()).unwrap_or("out"),
        std::process::id()
    ));
    std::fs::rename(out, &aside)?;
    if let Err(e) = std::fs::rename(new, out) {
        let _ = std::fs::rename(&aside, out);
        return Err(e);
    }
    Ok(Some(aside))
}
