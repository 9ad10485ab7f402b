//! The house rules, checked over the whole workspace's Rust sources: no
//! file over 700 lines, and no two modules of one folder that import each
//! other, however indirectly (a circle means neither can be read, or
//! changed, alone).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The longest a Rust source file may grow.
const MAX_LINES: usize = 700;

/// The source folders of the workspace's crates (tests and fuzz targets
/// are held to the same length).
const SOURCES: [&str; 7] = [
    "src",
    "tests",
    "crates/story-format/src",
    "crates/story-format/tests",
    "crates/story/src",
    "crates/story/tests",
    "fuzz/fuzz_targets",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_rust_file_is_over_700_lines() {
    let root = support::root();
    let mut files = Vec::new();
    for dir in SOURCES {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "the sources were not found under {}", root.display());
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > MAX_LINES).then(|| format!("{} ({n} lines)", f.strip_prefix(&root).unwrap().display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by job: {long:?}");
}

/// The sibling modules a file names: `super::x` from a module's own file,
/// `crate::x` from a crate root's children (`lib.rs`, `main.rs` and
/// `mod.rs` are the parents, whose children they are, not siblings);
/// comments aside.
fn sibling_uses(text: &str, siblings: &BTreeSet<String>, prefix: &str) -> BTreeSet<String> {
    // Comments name modules without using them.
    let code: String =
        text.lines().filter(|l| !l.trim_start().starts_with("//")).flat_map(|l| [l, "\n"]).collect();
    let text = code.as_str();
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices(prefix) {
        let rest = &text[i + prefix.len()..];
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if siblings.contains(&name) {
            out.insert(name);
        }
        // `use super::{a::X, b::Y}`
        if let Some(list) = rest.strip_prefix('{') {
            let list = &list[..list.find(';').unwrap_or(list.len())];
            for part in list.split([',', '{', '}']) {
                let name = part.trim().split("::").next().unwrap_or("");
                if siblings.contains(name) {
                    out.insert(name.to_owned());
                }
            }
        }
    }
    out
}

/// A circle in `edges`, as the modules in it, if there is one.
fn circle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == n) {
            let mut c = path[at..].to_vec();
            c.push(n.to_owned());
            return Some(c);
        }
        if !done.insert(n.to_owned()) {
            return None;
        }
        path.push(n.to_owned());
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    edges.keys().find_map(|n| visit(n, edges, &mut Vec::new(), &mut done))
}

/// The module graph of one folder: its files and sub-folders are the
/// modules; an edge is one naming another.
fn folder_graph(dir: &Path, prefix: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let name = p.file_stem().unwrap().to_str().unwrap().to_owned();
        if p.is_dir() {
            let mut files = Vec::new();
            rust_files(&p, &mut files);
            let text: String = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
            modules.insert(name, text);
        } else if p.extension().is_some_and(|x| x == "rs") && !["mod", "lib", "main"].contains(&name.as_str())
        {
            modules.insert(name, std::fs::read_to_string(&p).unwrap());
        }
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(name, text)| {
            let mut uses = sibling_uses(text, &names, prefix);
            uses.remove(name);
            (name.clone(), uses)
        })
        .collect()
}

#[test]
fn no_module_imports_one_that_imports_it() {
    let root = support::root();
    // A crate's top-level modules name each other as `crate::x`; a
    // folder's modules name each other as `super::x`.
    let mut checked = 0;
    let mut circles = Vec::new();
    for (dir, prefix) in [
        ("src", "crate::"),
        ("src/components", "super::"),
        ("src/pages", "super::"),
        ("crates/story-format/src", "crate::"),
        ("crates/story-format/src/parse", "super::"),
        ("crates/story/src", "crate::"),
        ("crates/story/src/build", "super::"),
        ("crates/story/src/markdown", "super::"),
    ] {
        let graph = folder_graph(&root.join(dir), prefix);
        checked += graph.len();
        if let Some(c) = circle(&graph) {
            circles.push(format!("{dir}: {}", c.join(" -> ")));
        }
    }
    assert!(checked > 40, "only {checked} modules found");
    assert!(circles.is_empty(), "import circles: {circles:?}");
}

#[test]
fn the_circle_finder_finds_circles() {
    let names: BTreeSet<String> = ["blocks", "images", "cx"].map(String::from).into();
    let uses =
        sibling_uses("use super::images::ImageAcc;\nuse super::{cx::Cx, shape::At};", &names, "super::");
    assert_eq!(uses, ["cx", "images"].map(String::from).into());
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("blocks".to_owned(), ["images".to_owned()].into()),
        ("images".to_owned(), ["cx".to_owned()].into()),
        ("cx".to_owned(), BTreeSet::new()),
    ]
    .into();
    assert_eq!(circle(&graph), None);
    let mut with_circle = graph.clone();
    with_circle.get_mut("cx").unwrap().insert("blocks".to_owned());
    assert_eq!(circle(&with_circle).unwrap(), ["blocks", "images", "cx", "blocks"]);
}
