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

/// One step of a [`FieldPath`]: a field of an object or an index of an array.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// `.name` (or the first name, at the root).
    Field(Box<str>),
    /// `[i]`, from 0.
    Index(usize),
}

/// A field of a JSON document as the steps from its root, such as
/// `sections[3].blocks[0].text`; no steps is the whole document, `$`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldPath(Vec<Step>);

impl FieldPath {
    /// The whole document (`$`).
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }
    /// This path, then the field `name`.
    pub fn field(mut self, name: &str) -> Self {
        self.0.push(Step::Field(name.into()));
        self
    }
    /// This path, then index `i`.
    pub fn index(mut self, i: usize) -> Self {
        self.0.push(Step::Index(i));
        self
    }
    /// This path, then every step of `rest` (an entry's field under `stories[4]`).
    pub fn join(mut self, rest: &FieldPath) -> Self {
        self.0.extend(rest.0.iter().cloned());
        self
    }
    /// The steps from the root.
    pub fn steps(&self) -> &[Step] {
        &self.0
    }
    /// The first field's name: `"hero"` for `hero.credit.name`.
    pub fn first_field(&self) -> Option<&str> {
        match self.0.first() {
            Some(Step::Field(name)) => Some(name),
            _ => None,
        }
    }
    /// The index right after the field `name`: `Some(3)` for `sections` in
    /// `sections[3].blocks[0]`.
    pub fn index_after(&self, name: &str) -> Option<usize> {
        self.0.windows(2).find_map(|w| match w {
            [Step::Field(f), Step::Index(i)] if &**f == name => Some(*i),
            _ => None,
        })
    }
}

impl fmt::Display for FieldPath {
    /// `sections[3].blocks[0].text`, or `$` for the whole document.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("$");
        }
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Field(name) if i == 0 => f.write_str(name)?,
                Step::Field(name) => write!(f, ".{name}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Where a [`Diagnostic`] points: a field of the document, or a place in
/// its text when there is no field to name (a syntax error, a line of
/// Markdown).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Location {
    /// A field (the whole document when the path has no steps).
    Field(FieldPath),
    /// A line and column of the file, both from 1.
    Text { line: usize, column: usize },
}

impl Location {
    /// The whole document (`$`).
    pub fn document() -> Self {
        Location::Field(FieldPath::root())
    }
    /// One field at the top level (`"id"`, `"format"`).
    pub fn top(name: &str) -> Self {
        Location::Field(FieldPath::root().field(name))
    }
    /// The field path, when this is a field.
    pub fn field_path(&self) -> Option<&FieldPath> {
        match self {
            Location::Field(p) => Some(p),
            Location::Text { .. } => None,
        }
    }
}

impl From<FieldPath> for Location {
    fn from(p: FieldPath) -> Self {
        Location::Field(p)
    }
}

impl fmt::Display for Location {
    /// The field path, or `line 3, column 7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Field(p) => p.fmt(f),
            Location::Text { line, column } => write!(f, "line {line}, column {column}"),
        }
    }
}

/// One problem found in a file, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem.
    pub code: Code,
    /// Where: a field (`sections[3].blocks[0].text`; `$`, the whole
    /// document) or a line and column (a syntax error).
    pub at: Location,
    /// What is wrong, in words a publisher understands.
    pub message: String,
}

impl Diagnostic {
    /// An error at `at`.
    pub fn error(code: Code, at: impl Into<Location>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, code, at: at.into(), message: message.into() }
    }
    /// A warning at `at`.
    pub fn warning(code: Code, at: impl Into<Location>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, code, at: at.into(), message: message.into() }
    }
    /// Is this an error (not a warning)?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `WHERE: error|warning: MESSAGE`; `story check` puts the file in front.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.at, self.severity.as_str(), self.message)
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
        self.add(Severity::Error, code, path, message.into());
    }
    pub fn warning(&mut self, code: Code, path: &Path<'_>, message: impl Into<String>) {
        self.add(Severity::Warning, code, path, message.into());
    }
    /// Out of line and cold: a diagnostic is the rare path, and inlined at
    /// each of its hundreds of callers it cost wasm bytes and hot-path
    /// room (docs/perf.md, "Size").
    #[cold]
    #[inline(never)]
    fn add(&mut self, severity: Severity, code: Code, path: &Path<'_>, message: String) {
        if self.list.len() < MAX_DIAGNOSTICS {
            self.list.push(Diagnostic { severity, code, at: path.kept().into(), message });
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
                Location::document(),
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
    /// The path as a value a diagnostic can keep.
    pub fn kept(&self) -> FieldPath {
        let mut out = FieldPath(Vec::with_capacity(6));
        self.push_into(&mut out.0);
        out
    }

    fn push_into(&self, out: &mut Vec<Step>) {
        match self {
            Path::Root => {}
            Path::Field(parent, name) => {
                parent.push_into(out);
                out.push(Step::Field((*name).into()));
            }
            Path::Index(parent, i) => {
                parent.push_into(out);
                out.push(Step::Index(*i));
            }
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kept().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_reads_as_it_always_has() {
        let p = FieldPath::root().field("sections").index(3).field("blocks").index(0).field("text");
        assert_eq!(p.to_string(), "sections[3].blocks[0].text");
        assert_eq!(
            (p.first_field(), p.index_after("sections"), p.index_after("blocks")),
            (Some("sections"), Some(3), Some(0))
        );
        assert_eq!(p.index_after("text"), None);
        assert_eq!(Location::document().to_string(), "$");
        assert_eq!(FieldPath::root().index(2).field("id").to_string(), "[2].id");
        assert_eq!(Location::Text { line: 3, column: 7 }.to_string(), "line 3, column 7");
        let entry = FieldPath::root().field("stories").index(4).join(&FieldPath::root().field("tags"));
        assert_eq!(entry.to_string(), "stories[4].tags");
    }

    #[test]
    fn a_path_on_the_stack_is_kept_step_for_step() {
        let root = Path::Root;
        let sections = root.field("sections");
        let s = sections.index(12);
        let heading = s.field("heading");
        assert_eq!(heading.kept(), FieldPath::root().field("sections").index(12).field("heading"));
        assert_eq!(heading.to_string(), "sections[12].heading");
        assert_eq!(root.kept(), FieldPath::root());
    }
}
