//! A site built as a publisher builds it, and its pages read back by an
//! HTML5 parser (scraper).

use std::path::Path;
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// The address sites are built for.
pub const URL: &str = "https://news.example/section/";

/// `story build SITE --out OUT --url URL --viewer VIEWER`.
pub fn build(site: &Path, out: &Path, viewer: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_story"))
        .args(["build"])
        .arg(site)
        .arg("--out")
        .arg(out)
        .args(["--url", URL, "--viewer"])
        .arg(viewer)
        .output()
        .unwrap()
}

pub fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", p.as_ref().display()))
}

pub fn page(p: impl AsRef<Path>) -> Html {
    Html::parse_document(&read(p))
}

pub fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

pub fn attr(doc: &Html, css: &str, name: &str) -> String {
    let found = select(doc, css);
    let el = found.first().unwrap_or_else(|| panic!("no {css}"));
    el.value().attr(name).unwrap_or_else(|| panic!("{css} has no {name}")).to_owned()
}

pub fn all_text(el: &scraper::ElementRef<'_>) -> String {
    el.text().collect()
}

/// Every file below `dir` with its bytes, by its path below `dir`.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}
