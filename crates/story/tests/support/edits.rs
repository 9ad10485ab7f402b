//! Sites of numbered bundles (`s000/story.json`...) edited between
//! builds, and what a build into the last site must equal: a full build's
//! files, byte for byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::json;

use super::text;

/// The address these sites are built for.
pub const URL: &str = "https://news.example/";

/// A 64x48 test card, its red `shade`.
pub fn photo(shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([shade, (x * 4) as u8, (y * 5) as u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub fn write_story(site: &Path, n: usize, title: &str, tags: &[&str], text: &str, with_photo: bool) {
    write_story_dated(site, n, n, title, tags, text, with_photo);
}

/// [`write_story`] with the date story `day` would have.
pub fn write_story_dated(
    site: &Path,
    n: usize,
    day: usize,
    title: &str,
    tags: &[&str],
    text: &str,
    with_photo: bool,
) {
    let dir = site.join(format!("s{n:03}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut story = json!({
        "format": "story/1", "id": format!("s{n:03}"), "lang": "en", "title": title,
        "published": format!("2026-0{}-{:02}T10:00:00Z", 1 + day % 9, 1 + day % 28), "tags": tags,
        "sections": [{ "heading": "One", "blocks": [text] }]
    });
    if with_photo {
        story["hero"] = json!({ "src": "hero.png", "alt": "A test card", "width": 64, "height": 48 });
        if !dir.join("hero.png").exists() {
            std::fs::write(dir.join("hero.png"), photo(n as u8)).unwrap();
        }
    }
    std::fs::write(dir.join("story.json"), story.to_string()).unwrap();
}

/// Asserts that `out` holds what a full build of `site` into `full` (a new
/// folder, removed after with what a build keeps beside it, `.full.*`)
/// writes, byte for byte; returns `out`'s files.
pub fn same_as_full([site, out, full, viewer, cache]: [&Path; 5], round: &str) -> BTreeMap<String, Vec<u8>> {
    let memos = format!(".{}.", full.file_name().unwrap().to_string_lossy());
    let beside = full.parent().unwrap();
    let remove_memos = || {
        for e in std::fs::read_dir(beside).unwrap().flatten() {
            if e.file_name().to_string_lossy().starts_with(&memos) {
                let path = e.path();
                if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) }
                    .unwrap();
            }
        }
    };
    remove_memos();
    build(site, full, viewer, cache, None);
    let (inc, whole) = (tree(out), tree(full));
    assert_eq!(inc.keys().collect::<Vec<_>>(), whole.keys().collect::<Vec<_>>(), "{round}");
    for (p, bytes) in &inc {
        assert!(bytes == &whole[p], "{round}: {p} differs from a full build's");
    }
    std::fs::remove_dir_all(full).unwrap();
    remove_memos();
    inc
}

/// `story build` into `out` with the image cache `cache` (and `--changes`
/// when given), which must succeed.
pub fn build(site: &Path, out: &Path, viewer: &Path, cache: &Path, changes: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_story"));
    cmd.arg("build").arg(site).arg("--out").arg(out).args(["--url", URL, "--viewer"]).arg(viewer);
    cmd.arg("--cache").arg(cache);
    if let Some(c) = changes {
        cmd.arg("--changes").arg(c);
    }
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    o
}

/// Every regular file below `dir` with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo: Vec<PathBuf> = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                todo.push(e.path());
            } else {
                let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

/// What `--changes` must say, worked out from the two trees.
pub fn expected_changes(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let ours = |p: &str| p == ".story-build" || p == ".story-site";
    let mut lines = Vec::new();
    for (p, bytes) in after {
        match before.get(p) {
            None if !ours(p) => lines.push(format!("A {p}")),
            Some(b) if b != bytes && !ours(p) => lines.push(format!("M {p}")),
            _ => {}
        }
    }
    for p in before.keys() {
        if !after.contains_key(p) && !ours(p) {
            lines.push(format!("D {p}"));
        }
    }
    lines.sort_by(|a, b| a[2..].cmp(&b[2..]));
    lines
}
