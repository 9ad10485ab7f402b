//! Diagnostics: what went wrong (or looks odd) and where, for a publisher.

use std::fmt;

/// How serious a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The file breaks the format; the part named is not shown (or the file is refused).
    Error,
    /// The file is valid, but something in it is ignored (an unknown field, say).
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`, as printed by `story check`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// What kind of problem a [`Diagnostic`] reports. Matched by tools; the
/// message is for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// The bytes are not JSON (bad syntax, lone surrogate, number out of range,
    /// nesting deeper than 128 levels, not UTF-8).
    Syntax,
    /// A limit of the format was passed: file size, sections, blocks or entries.
    Limit,
    /// `format` is missing or names a version this viewer does not read.
    Format,
    /// A required field is absent.
    Missing,
    /// A field has the wrong JSON type (a number where a string belongs, say).
    Type,
    /// A field has the right type but a value the format forbids.
    Invalid,
    /// A URL that is not `http:`/`https:` or a relative reference, or does not parse.
    UnsafeUrl,
    /// The same field appears twice in one object; the first is used.
    Duplicate,
    /// A field the format does not define (ignored).
    UnknownField,
    /// A block whose `type` this version does not know (skipped).
    UnknownBlock,
    /// A relative asset named by a bundle does not exist (`story check` only).
    MissingAsset,
    /// A catalog entry disagrees with the story it points at (`story check` only).
    Mismatch,
    /// A file cannot be read from disk: absent, unreadable, not a file
    /// (the command line only).
    Io,
    /// Too many diagnostics; the rest were not listed.
    Truncated,
}

impl Code {
    /// A stable lower-case name, used by `story check --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "syntax",
            Code::Limit => "limit",
            Code::Format => "format",
            Code::Missing => "missing",
            Code::Type => "type",
            Code::Invalid => "invalid",
            Code::UnsafeUrl => "unsafe-url",
            Code::Duplicate => "duplicate",
            Code::UnknownField => "unknown-field",
            Code::UnknownBlock => "unknown-block",
            Code::MissingAsset => "missing-asset",
            Code::Mismatch => "mismatch",
            Code::Io => "io",
            Code::Truncated => "truncated",
        }
    }
}

/// One problem found in a file, with the JSON path of the field it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem.
    pub code: Code,
    /// Where: a JSON path such as `sections[3].blocks[0].text`, `$` for the
    /// whole document, or `line 3, column 7` for a syntax error.
    pub path: String,
    /// What is wrong, in words a publisher understands.
    pub message: String,
}

impl Diagnostic {
    /// An error at `path`.
    pub fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, code, path: path.into(), message: message.into() }
    }
    /// A warning at `path`.
    pub fn warning(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, code, path: path.into(), message: message.into() }
    }
    /// Is this an error (not a warning)?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `PATH: error|warning: MESSAGE`; `story check` puts the file in front.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.path, self.severity.as_str(), self.message)
    }
}

pub use crate::limits::MAX_DIAGNOSTICS;

/// Collects diagnostics for one file, capped at [`MAX_DIAGNOSTICS`] so that a
/// hostile file cannot make the list grow without bound.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    pub list: Vec<Diagnostic>,
    dropped: usize,
}

impl Sink {
    pub fn push(&mut self, d: Diagnostic) {
        if self.list.len() < MAX_DIAGNOSTICS {
            self.list.push(d);
        } else {
            self.dropped += 1;
        }
    }
    pub fn error(&mut self, code: Code, path: &Path<'_>, message: impl Into<String>) {
        if self.list.len() < MAX_DIAGNOSTICS {
            self.list.push(Diagnostic::error(code, path.render(), message));
        } else {
            self.dropped += 1;
        }
    }
    pub fn warning(&mut self, code: Code, path: &Path<'_>, message: impl Into<String>) {
        if self.list.len() < MAX_DIAGNOSTICS {
            self.list.push(Diagnostic::warning(code, path.render(), message));
        } else {
            self.dropped += 1;
        }
    }
    /// `outer`'s diagnostics with `inner`'s inserted before the one at
    /// `at`: the list, and the count of those left out, are what one sink
    /// would hold had they been found in that order.
    pub fn splice(outer: Sink, at: usize, inner: Sink) -> Sink {
        let mut before = outer.list;
        let after = before.split_off(at.min(before.len()));
        let mut all =
            Sink { list: Vec::with_capacity(before.len() + inner.list.len() + after.len()), dropped: 0 };
        for d in before.into_iter().chain(inner.list).chain(after) {
            all.push(d);
        }
        all.dropped += outer.dropped + inner.dropped;
        all
    }
    pub fn finish(mut self) -> Vec<Diagnostic> {
        if self.dropped > 0 {
            let n = self.dropped;
            self.list.push(Diagnostic::warning(
                Code::Truncated,
                "$",
                format!("{n} more problems were found but not listed"),
            ));
        }
        self.list
    }
}

/// A JSON path built on the stack while walking a document; turned into a
/// string only when a diagnostic needs it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Path<'p> {
    Root,
    Field(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl<'p> Path<'p> {
    pub fn field(&'p self, name: &'p str) -> Path<'p> {
        Path::Field(self, name)
    }
    pub fn index(&'p self, i: usize) -> Path<'p> {
        Path::Index(self, i)
    }
}

impl Path<'_> {
    /// `sections[3].blocks[0].text`, built with `push_str` (it runs for every
    /// asset of a large story, where `fmt` machinery showed in profiles).
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(32);
        self.render_into(&mut out);
        out
    }

    fn render_into(&self, out: &mut String) {
        match self {
            Path::Root => out.push('$'),
            Path::Field(Path::Root, name) => out.push_str(name),
            Path::Field(parent, name) => {
                parent.render_into(out);
                out.push('.');
                out.push_str(name);
            }
            Path::Index(parent, i) => {
                if !matches!(parent, Path::Root) {
                    parent.render_into(out);
                }
                out.push('[');
                push_number(out, *i);
                out.push(']');
            }
        }
    }
}

fn push_number(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or("0"));
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}
