//! Inline text: runs of text with their marks (emphasis, links), stored
//! compactly.

use crate::url::SafeUrl;

/// Inline text: a sequence of runs, stored as one string (every run's text,
/// joined) and, when any run is marked, where each run ends and its marks.
/// Plain text, the common case, is one string and nothing else: a story at
/// the limits allocates a third less than with one `String` per run.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Inline {
    text: String,
    /// Empty when the text is one plain run; otherwise one entry per run.
    runs: Vec<RunEnd>,
}

/// Where a run ends in [`Inline`]'s text, and its marks.
#[derive(Clone, Debug, PartialEq)]
struct RunEnd {
    end: u32,
    marks: Marks,
}

/// How a run of inline text is marked.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Marks {
    pub em: bool,
    pub strong: bool,
    pub code: bool,
    /// Struck through: text that no longer holds, left visible.
    pub strike: bool,
    /// A link target; `None` for plain text and for links whose URL was unsafe.
    pub href: Option<SafeUrl>,
    /// A link to a section of this story (`"href": "#why-now"`): the
    /// section's id. The viewer scrolls to it in place.
    pub section: Option<String>,
}

impl Marks {
    /// No marks: plain text.
    pub const PLAIN: Marks =
        Marks { em: false, strong: false, code: false, strike: false, href: None, section: None };

    fn is_plain(&self) -> bool {
        *self == Marks::PLAIN
    }
}

static PLAIN: Marks = Marks::PLAIN;

/// One run of an [`Inline`]: its text and its marks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Run<'a> {
    pub text: &'a str,
    pub marks: &'a Marks,
}

impl Inline {
    /// Plain text, one run.
    pub fn plain(text: impl Into<String>) -> Self {
        Inline { text: text.into(), runs: Vec::new() }
    }

    /// Appends a run.
    pub fn push(&mut self, text: &str, marks: Marks) {
        if self.runs.is_empty() && marks.is_plain() {
            self.text.push_str(text);
            return;
        }
        if self.runs.is_empty() && !self.text.is_empty() {
            // The plain text so far becomes a run of its own.
            self.runs.push(RunEnd { end: self.end(), marks: Marks::PLAIN });
        }
        self.text.push_str(text);
        self.runs.push(RunEnd { end: self.end(), marks });
    }

    /// Moves the runs out into an `Inline` of exactly their size, leaving
    /// this one empty with its capacity (the parser reuses one as scratch,
    /// so the text and run list are allocated once each, never regrown).
    pub(crate) fn take_exact(&mut self) -> Inline {
        let out = Inline { text: self.text.as_str().into(), runs: self.runs.drain(..).collect() };
        self.text.clear();
        out
    }

    fn end(&self) -> u32 {
        // Texts come from files of at most 8 MiB.
        u32::try_from(self.text.len()).unwrap_or(u32::MAX)
    }

    /// All the text, runs joined, without marks.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether there is no text at all.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.runs.is_empty()
    }

    /// The runs, in order. Empty text gives no run.
    pub fn runs(&self) -> impl Iterator<Item = Run<'_>> + '_ {
        let plain =
            (self.runs.is_empty() && !self.text.is_empty()).then(|| Run { text: &self.text, marks: &PLAIN });
        let mut start = 0;
        plain.into_iter().chain(self.runs.iter().map(move |r| {
            let end = r.end as usize;
            let run = Run { text: &self.text[start..end], marks: &r.marks };
            start = end;
            run
        }))
    }
}
