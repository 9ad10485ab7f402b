//! Places in the Markdown file: lines and columns, and the line a parser
//! diagnostic about the imported `story.json` points back to.

use story_format::Location;

/// 1-based line and column of byte `at` in `text`.
pub(super) fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = 1 + before.matches('\n').count();
    let column = 1 + before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    (line, column)
}

/// The Markdown line a parser diagnostic about the imported story points
/// back to, and whether that line is in the body: a `sections[…]` field is
/// its block's or section's line (recorded while reading; else the body's
/// first line), any other field the line of its key in the front matter
/// (else line 1).
pub(super) fn line_of(
    at: &Location,
    sections: &[(usize, Vec<usize>)],
    front: &str,
    front_lines: usize,
) -> (usize, bool) {
    let Some(path) = at.field_path() else { return (1, false) };
    if path.first_field() != Some("sections") {
        let line = path.first_field().and_then(|key| key_line(front, key, false));
        return (line.unwrap_or(1), false);
    }
    let section = path.index_after("sections").and_then(|s| sections.get(s));
    let line = match (section, path.index_after("blocks")) {
        (Some((_, blocks)), Some(b)) => blocks.get(b).copied(),
        (Some((line, _)), None) => Some(*line),
        (None, _) => None,
    };
    (line.unwrap_or(front_lines + 1), true)
}

/// The file line of `key:` in the front matter (which starts on line 2):
/// at the top level, or at any depth when `nested`.
pub(super) fn key_line(front: &str, key: &str, nested: bool) -> Option<usize> {
    front
        .lines()
        .position(|l| {
            let l = if nested { l.trim_start() } else { l };
            // `key:` (YAML), `key =` or `[key]` (TOML).
            l.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with([':', '=']))
                || l.trim().strip_prefix('[').and_then(|r| r.strip_suffix(']')) == Some(key)
        })
        .map(|i| i + 2)
}

/// Where each line of a text starts, so that the line of any byte is found
/// in O(log n) without reading the text before it (a story of 400,000
/// nested quotes asks 400,000 times).
pub(super) struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Lines { text, starts }
    }

    /// The text from byte `at` on.
    pub(super) fn from(&self, at: usize) -> &'t str {
        self.text.get(at..).unwrap_or("")
    }

    /// The 1-based line of byte `at`.
    pub(super) fn line(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at)
    }

    /// The 1-based line and column (in characters) of byte `at`.
    pub(super) fn line_col(&self, at: usize) -> (usize, usize) {
        let at = at.min(self.text.len());
        let line = self.line(at);
        let start = self.starts[line - 1];
        (line, 1 + self.text.get(start..at).map_or(0, |l| l.chars().count()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("为什么\nx", 10), (2, 1));
        let lines = Lines::new("ab\n为什么\nx");
        let at = [0, 3, 9, 12, 13].map(|at| lines.line_col(at));
        assert_eq!(at, [(1, 1), (2, 1), (2, 3), (2, 4), (3, 1)]);
    }
}
