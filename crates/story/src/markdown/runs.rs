//! Inline text as the body reader gathers it: runs of text with their
//! marks (merged when equal), and where the line breaks fell; finished as
//! the format's inline text.

use crate::out::{InlineOut, RunOut};

/// Inline text being gathered: runs with their marks, merged when equal,
/// and where its line breaks fell (in the joined text).
#[derive(Default)]
pub(super) struct Runs {
    pub(super) runs: Vec<(String, Marks)>,
    pub(super) breaks: Vec<usize>,
}

#[derive(Clone, Default, PartialEq)]
pub(super) struct Marks {
    pub(super) em: bool,
    pub(super) strong: bool,
    pub(super) code: bool,
    pub(super) strike: bool,
    pub(super) href: Option<String>,
}

impl Runs {
    pub(super) fn push(&mut self, text: &str, marks: &Marks) {
        match self.runs.last_mut() {
            Some((t, m)) if m == marks => t.push_str(text),
            _ => self.runs.push((text.to_owned(), marks.clone())),
        }
    }
    pub(super) fn is_blank(&self) -> bool {
        self.runs.iter().all(|(t, _)| t.trim().is_empty())
    }
    pub(super) fn plain_text(&self) -> String {
        self.runs.iter().map(|(t, _)| t.as_str()).collect()
    }
    pub(super) fn len(&self) -> usize {
        self.runs.iter().map(|(t, _)| t.len()).sum()
    }
    /// Cuts the text at byte `at` of the joined text (what follows is dropped).
    pub(super) fn truncate(&mut self, at: usize) {
        let mut pos = 0;
        self.runs.retain_mut(|(t, _)| {
            let start = pos;
            pos += t.len();
            if start >= at {
                return false;
            }
            if pos > at {
                t.truncate(at - start);
            }
            true
        });
        self.breaks.retain(|&b| b < at);
    }
    /// As the format's inline text: a string when nothing is marked.
    pub(super) fn finish(mut self) -> InlineOut {
        // Trim the ends (a soft break before a cite, say).
        if let Some((t, _)) = self.runs.first_mut() {
            *t = t.trim_start().to_owned();
        }
        if let Some((t, _)) = self.runs.last_mut() {
            *t = t.trim_end().to_owned();
        }
        self.runs.retain(|(t, _)| !t.is_empty());
        if self.runs.iter().all(|(_, m)| *m == Marks::default()) {
            return InlineOut::Plain(self.plain_text());
        }
        InlineOut::Runs(
            self.runs
                .into_iter()
                .map(|(text, m)| {
                    if m == Marks::default() {
                        RunOut::Plain(text)
                    } else {
                        RunOut::Marked {
                            text,
                            em: m.em,
                            strong: m.strong,
                            code: m.code,
                            strike: m.strike,
                            href: m.href,
                        }
                    }
                })
                .collect(),
        )
    }
}
