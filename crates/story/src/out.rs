//! What the command line writes: `story.json` and `stories.json` as serde
//! types, fields in the order the format documents them, absent optional
//! fields left out. Written files are read back through the parser before
//! they replace anything (see `write_checked`).

use std::io::Write;
use std::path::Path;

use serde::Serialize;

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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hero: Option<ImageOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    pub sections: Vec<SectionOut>,
}

/// A source.
#[derive(Serialize, Debug, Default, Clone)]
pub struct SourceOut {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// An image (hero, thumbnail); an image block adds `type`.
#[derive(Serialize, Debug, Default, Clone)]
pub struct ImageOut {
    pub src: String,
    pub alt: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<InlineOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit: Option<serde_json::Value>,
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
    List {
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        ordered: bool,
        items: Vec<InlineOut>,
    },
    Image(ImageOut),
}

/// A `stories.json`.
#[derive(Serialize, Debug)]
pub struct CatalogOut {
    pub format: &'static str,
    pub title: String,
    pub stories: Vec<EntryOut>,
}

/// One catalog entry.
#[derive(Serialize, Debug)]
pub struct EntryOut {
    pub id: String,
    pub title: String,
    pub published: String,
    pub source: SourceOut,
    pub href: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dek: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<ImageOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// Pretty JSON with a final newline: the same value gives the same bytes.
pub fn to_json<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("output types always serialise");
    s.push('\n');
    s
}

/// The folder `path` is in (`.` for a bare name).
pub fn parent_dir(path: &Path) -> &Path {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Writes `bytes` to `path` whole or not at all: into a temporary file
/// beside it, then renamed over it. A crash or an error leaves the file
/// that was there before.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = parent_dir(path);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
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
