//! `story build`'s image pipeline: for every still raster image a page
//! uses, versions at a few widths (never wider than the original) in WebP
//! with a JPEG (or, with transparency, PNG) fallback, the 16:9, 4:3 and 1:1
//! crops structured data asks for, and a cleaned copy under the original
//! name. Everything published is re-encoded from pixels, upright: no EXIF,
//! XMP or GPS leaves the building. SVG, GIF and animated images pass
//! through as they are.
//!
//! A cache keyed by the file's bytes and [`SETTINGS`] (like Hugo's
//! `resources/_gen`) keeps every output between builds, so a rebuild
//! re-encodes nothing that did not change; it is safe to delete at any time.

pub mod encode;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use encode::{Kind, Pixels, Plan};

/// The widths of the versions, in pixels; an image gets those below its own
/// width and its own width (up to the largest).
pub const WIDTHS: [u32; 4] = [480, 800, 1200, 1600];
/// The cleaned copy under the original name is at most this wide.
pub const MAX_WIDTH: u32 = 2400;
/// The width of the link-preview image (`og:image`) and the crops.
pub const PREVIEW_WIDTH: u32 = 1200;
/// More pixels than this (100 megapixels) are refused from the header, before decoding.
pub const MAX_PIXELS: u64 = 100_000_000;
const WEBP_QUALITY: f32 = 75.0;
const JPEG_QUALITY: u8 = 80;
const CLEAN_JPEG_QUALITY: u8 = 85;
/// The crops of structured data: 16:9, 4:3, 1:1.
pub const CROPS: [(u32, u32); 3] = [(16, 9), (4, 3), (1, 1)];

/// Everything that changes the outputs: part of every cache key.
pub const SETTINGS: &str =
    "story-images/1 widths=480,800,1200,1600 max=2400 webp=75 jpeg=80 clean=85 lanczos3";

/// What one source image became: file names in the cache folder and, when
/// published, beside the original (`hero.1a2b3c4d-800.webp`).
#[derive(Clone, Debug)]
pub struct Derived {
    /// The size upright (after EXIF orientation).
    pub width: u32,
    pub height: u32,
    /// `(width, webp, fallback)`, narrowest first; empty when only cleaned.
    pub versions: Vec<(u32, String, String)>,
    /// The crops, in [`CROPS`]'s order.
    pub crops: Vec<String>,
    /// The fallback's media type (`image/jpeg` or `image/png`).
    pub fallback_type: &'static str,
    /// The cache folder holding every file named here.
    pub dir: PathBuf,
    /// Under the original's name: its cleaned copy (in `dir` as `clean.EXT`).
    pub clean: String,
}

impl Derived {
    /// The version a link preview uses: 1200 wide, or the widest below.
    pub fn preview(&self) -> Option<&(u32, String, String)> {
        self.versions.iter().rev().find(|v| v.0 <= PREVIEW_WIDTH).or(self.versions.first())
    }

    /// The name beside `original` (a file name, `hero.jpg`) of output `name`:
    /// `hero.1a2b3c4d-800.webp`. The hash part is the cache key's: a name
    /// never stands for two contents, so it can be cached for ever.
    pub fn published(original: &str, name: &str) -> String {
        let stem = Path::new(original).file_stem().and_then(|s| s.to_str()).unwrap_or("image");
        format!("{stem}.{name}")
    }

    /// Every file to publish: (name in the cache folder, name beside the original).
    pub fn files(&self, original: &str) -> Vec<(String, String)> {
        let mut out = vec![(self.clean.clone(), original.to_owned())];
        let mut add = |name: &String| out.push((name.clone(), Self::published(original, name)));
        for (_, webp, fallback) in &self.versions {
            add(webp);
            add(fallback);
        }
        self.crops.iter().for_each(add);
        out
    }
}

/// What a build asks of one file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Want {
    /// Versions and crops (an image a page shows), or only the cleaned copy
    /// (a `srcset` entry of the story's own).
    pub versions: bool,
    /// The crops' focus point, fractions of the width and height.
    pub focus: (f64, f64),
}

/// What became of one file: its outputs, `None` for a file published as it
/// is, or why it cannot be read.
pub type Outcome = Result<Option<Derived>, String>;
/// One file's outcome, filled once by whichever worker gets there first.
type Slot = Arc<OnceLock<Outcome>>;

/// The images of one build: each file processed once, by the first worker
/// that asks (the others wait for it), one image a worker at a time.
pub struct Pipeline {
    cache: PathBuf,
    done: Mutex<HashMap<(PathBuf, bool), Slot>>,
    /// Images encoded in this build, and taken whole from the cache.
    pub encoded: AtomicUsize,
    pub cached: AtomicUsize,
}

impl Pipeline {
    pub fn new(cache: PathBuf) -> Pipeline {
        Pipeline { cache, done: Mutex::default(), encoded: AtomicUsize::new(0), cached: AtomicUsize::new(0) }
    }

    /// The cache folder when none is named: `$XDG_CACHE_HOME/story/images`
    /// (or `~/.cache/story/images`), else one in the system's temporary folder.
    pub fn default_cache() -> PathBuf {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir);
        base.join("story").join("images")
    }

    /// The image in `bytes` (read from `path`) as `want` asks; `None` for a
    /// file that passes through as it is (SVG, GIF, animated). Errors say
    /// what is wrong with the image, for a message naming its file.
    pub fn image(&self, path: &Path, bytes: &[u8], want: Want) -> Result<Option<Derived>, String> {
        let slot = {
            let mut done = self.done.lock().expect("no panics while locked");
            done.entry((path.to_owned(), want.versions)).or_default().clone()
        };
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        slot.get_or_init(|| self.process(bytes, &ext, want)).clone()
    }

    /// What became of `path` in this build, if it was asked for already
    /// (with or without `versions`).
    pub fn finished(&self, path: &Path, versions: bool) -> Option<Outcome> {
        let done = self.done.lock().expect("no panics while locked");
        done.get(&(path.to_owned(), versions))?.get().cloned()
    }

    /// The versions made of `path` in this build, if a page asked for them.
    pub fn with_versions(&self, path: &Path) -> Option<Derived> {
        self.finished(path, true)?.ok().flatten()
    }

    fn process(&self, bytes: &[u8], ext: &str, want: Want) -> Result<Option<Derived>, String> {
        let (kind, _) = match encode::plan(bytes, ext)? {
            Plan::PassThrough => return Ok(None),
            Plan::Raster(kind, size) => (kind, size),
        };
        let mut h = Sha256::new();
        h.update(SETTINGS.as_bytes());
        h.update(if want.versions { [1u8] } else { [0u8] });
        h.update(format!("focus={:.3},{:.3}", want.focus.0, want.focus.1).as_bytes());
        h.update(bytes);
        let key: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let dir = self.cache.join(&key[..2]).join(&key);
        if let Some(d) = read_info(&dir) {
            self.cached.fetch_add(1, Ordering::Relaxed);
            return Ok(Some(d));
        }
        let derived = make(bytes, kind, want, &key[..8], &dir)?;
        self.encoded.fetch_add(1, Ordering::Relaxed);
        Ok(Some(derived))
    }
}

/// Decodes and encodes every output into a fresh folder, renamed to `dir`
/// at the end: the cache never holds half an image's outputs.
fn make(bytes: &[u8], kind: Kind, want: Want, tag: &str, dir: &Path) -> Result<Derived, String> {
    let img = encode::decode(bytes)?;
    let px = Pixels::of(img);
    let (w, h) = (px.width, px.height);
    let parent = dir.parent().expect("a cache folder has a parent");
    std::fs::create_dir_all(parent).map_err(|e| cache_error(parent, &e))?;
    let tmp = parent.join(format!(".{tag}-{}-{:?}", std::process::id(), std::thread::current().id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| cache_error(&tmp, &e))?;
    let write =
        |name: &str, data: &[u8]| std::fs::write(tmp.join(name), data).map_err(|e| cache_error(&tmp, &e));
    let full = (0, 0, w, h);

    // The original's name: the same kind of file, cleaned, at most MAX_WIDTH wide.
    let clean_px = px.resized(full, w.min(MAX_WIDTH))?;
    let clean = format!("clean.{}", kind.ext());
    let clean_bytes = match kind {
        Kind::Jpeg => clean_px.jpeg(CLEAN_JPEG_QUALITY)?,
        Kind::Png => clean_px.png()?,
        Kind::WebP => clean_px.webp(WEBP_QUALITY + 5.0),
    };
    drop(clean_px);
    write(&clean, &clean_bytes)?;

    let (fallback_ext, fallback_type) = if px.alpha { ("png", "image/png") } else { ("jpg", "image/jpeg") };
    let mut versions = Vec::new();
    let mut crops = Vec::new();
    if want.versions {
        let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&x| x < w).collect();
        if w <= WIDTHS[WIDTHS.len() - 1] {
            widths.push(w);
        }
        for width in widths {
            let v = px.resized(full, width)?;
            let webp = format!("{tag}-{width}.webp");
            let fallback = format!("{tag}-{width}.{fallback_ext}");
            write(&webp, &v.webp(WEBP_QUALITY))?;
            write(&fallback, &if px.alpha { v.png()? } else { v.jpeg(JPEG_QUALITY)? })?;
            versions.push((width, webp, fallback));
        }
        for (aw, ah) in CROPS {
            let area = encode::crop_around(w, h, (aw, ah), want.focus);
            let c = px.resized(area, area.2.min(PREVIEW_WIDTH))?;
            let name = format!("{tag}-{aw}x{ah}.{fallback_ext}");
            write(&name, &if px.alpha { c.png()? } else { c.jpeg(JPEG_QUALITY)? })?;
            crops.push(name);
        }
    }
    let derived = Derived { width: w, height: h, versions, crops, fallback_type, dir: dir.to_owned(), clean };
    write("info.txt", write_info(&derived).as_bytes())?;
    // Another build may have made the same folder meanwhile: theirs stands.
    if std::fs::rename(&tmp, dir).is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
        if read_info(dir).is_none() {
            return Err(format!("the image cache {} cannot be written", dir.display()));
        }
    }
    Ok(derived)
}

fn cache_error(at: &Path, e: &std::io::Error) -> String {
    format!("the image cache {} cannot be written ({e}); name another with --cache", at.display())
}

/// `info.txt`: the size, the fallback's type, then one line per output.
fn write_info(d: &Derived) -> String {
    let mut s = format!("{} {} {} {}\n", d.width, d.height, d.fallback_type, d.clean);
    for (w, webp, fallback) in &d.versions {
        s.push_str(&format!("v {w} {webp} {fallback}\n"));
    }
    for c in &d.crops {
        s.push_str(&format!("c {c}\n"));
    }
    s
}

/// A cache folder's outputs, when it holds them all.
fn read_info(dir: &Path) -> Option<Derived> {
    let text = std::fs::read_to_string(dir.join("info.txt")).ok()?;
    let mut lines = text.lines();
    let mut head = lines.next()?.split(' ');
    let (width, height) = (head.next()?.parse().ok()?, head.next()?.parse().ok()?);
    let fallback_type = match head.next()? {
        "image/png" => "image/png",
        _ => "image/jpeg",
    };
    let clean = head.next()?.to_owned();
    let (mut versions, mut crops) = (Vec::new(), Vec::new());
    for line in lines {
        let parts: Vec<&str> = line.split(' ').collect();
        match parts.as_slice() {
            ["v", w, webp, fallback] => {
                versions.push((w.parse().ok()?, (*webp).to_owned(), (*fallback).to_owned()))
            }
            ["c", c] => crops.push((*c).to_owned()),
            _ => return None,
        }
    }
    let d = Derived { width, height, versions, crops, fallback_type, dir: dir.to_owned(), clean };
    d.files("").iter().all(|(f, _)| dir.join(f).is_file()).then_some(d)
}
