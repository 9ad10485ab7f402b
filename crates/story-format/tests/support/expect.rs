//! Data-driven tests: every `NAME.EXT` in a folder is rendered to text and
//! compared with `NAME.expect` beside it. The folder is listed, so a new
//! input runs without a line of code (and fails until its `.expect` is
//! written). `UPDATE_EXPECT=1` rewrites the expectations; then read the diff.
//! Used by the parser's fixtures and by `story import`'s.

use std::path::Path;

/// Renders every `*.{ext}` in `dir` and compares it with its `.expect`
/// file; panics listing each input that differs. `at_least` guards against
/// a folder that lost its files.
pub fn check_folder(dir: &Path, ext: &str, at_least: usize, render: impl Fn(&Path) -> String) {
    let mut inputs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= at_least, "{} lost inputs: {inputs:?}", dir.display());
    let mut failures = Vec::new();
    for input in &inputs {
        failures.extend(compare(&input.with_extension("expect"), &render(input)));
    }
    assert!(
        failures.is_empty(),
        "{} of {} inputs changed; rerun with UPDATE_EXPECT=1 and review the diff:\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n")
    );
}

/// Compares `actual` with the file `expect_path` (or, with
/// `UPDATE_EXPECT=1`, writes it there): `Some(report)` when they differ.
pub fn compare(expect_path: &Path, actual: &str) -> Option<String> {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(expect_path, actual).unwrap();
        return None;
    }
    let expected = std::fs::read_to_string(expect_path).unwrap_or_default();
    (actual != expected)
        .then(|| format!("{}:\n--- expected\n{expected}--- actual\n{actual}", expect_path.display()))
}
