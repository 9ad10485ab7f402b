//! What the commands report: each file's diagnostics, printed as lines
//! (`FILE: PATH: severity: MESSAGE`) or as JSON, and the counts and
//! closing lines ("7 files checked: no errors, 1 warning").

use std::io::{self, Write};
use std::path::Path;

use story_format::{Diagnostic, Location};

/// The diagnostics of one file.
#[derive(Debug)]
pub struct Report {
    /// The file as the user named it (or as found below a folder).
    pub file: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// "1 error", "2 errors", "no warnings" (for a word whose plural adds an s).
pub fn count(n: usize, one: &str) -> String {
    count_as(n, one, &format!("{one}s"))
}

/// "1 story", "3 stories", "no stories".
pub fn count_as(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {many}"),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// `path` as the user would write it: relative to the working folder when inside it.
pub fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().and_then(std::fs::canonicalize);
    match cwd.as_ref().ok().and_then(|c| path.strip_prefix(c).ok()) {
        Some(rel) => rel.display().to_string(),
        None => path.display().to_string(),
    }
}

/// The closing line: "7 files checked: no errors, 1 warning".
pub fn summary(files: usize, reports: &[Report]) -> String {
    let all = reports.iter().flat_map(|r| &r.diagnostics);
    let errors = all.clone().filter(|d| d.is_error()).count();
    let warnings = all.filter(|d| !d.is_error()).count();
    let checked = if files == 1 { "1 file checked".to_owned() } else { format!("{files} files checked") };
    format!("{checked}: {}, {}", count(errors, "error"), count(warnings, "warning"))
}

/// `FILE: PATH: severity: MESSAGE`, one line each.
pub fn print_lines(out: &mut impl Write, reports: &[Report]) -> io::Result<()> {
    for r in reports {
        for d in &r.diagnostics {
            writeln!(out, "{}: {d}", r.file)?;
        }
    }
    Ok(())
}

/// The same diagnostics as a JSON array of `{file, path, severity, code,
/// message}`, with `line` and `column` (from 1) as numbers too when the
/// place is a line of the file rather than a field.
pub fn print_json(out: &mut impl Write, reports: &[Report]) -> io::Result<()> {
    let list: Vec<serde_json::Value> = reports
        .iter()
        .flat_map(|r| {
            r.diagnostics.iter().map(move |d| {
                let mut v = serde_json::json!({
                    "file": r.file, "path": d.at.to_string(), "severity": d.severity.as_str(),
                    "code": d.code.as_str(), "message": d.message,
                });
                if let Location::Text { line, column } = d.at {
                    v["line"] = line.into();
                    v["column"] = column.into();
                }
                v
            })
        })
        .collect();
    writeln!(out, "{}", serde_json::to_string_pretty(&list).map_err(io::Error::other)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_english() {
        assert_eq!(count(0, "error"), "no errors");
        assert_eq!(count(1, "error"), "1 error");
        assert_eq!(count(2, "warning"), "2 warnings");
        assert_eq!(summary(1, &[]), "1 file checked: no errors, no warnings");
    }
}
