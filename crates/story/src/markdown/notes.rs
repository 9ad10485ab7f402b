//! Footnotes, held in the format's own terms: each `[^label]` becomes a run
//! `[n]` linking to a last section, "Notes" (id `footnotes`), whose numbered
//! list holds each note's text, numbered in the order the references first
//! appear (as GitHub numbers them). Nothing of a note is dropped; a note of
//! several paragraphs keeps them as lines.

use std::collections::HashMap;

use super::runs::{Marks, Runs};
use crate::out::{BlockOut, InlineOut, ItemOut, ListOut, SectionOut, TypedOut};

/// The id of the notes' section: what every reference links to.
pub(super) const NOTES_ID: &str = "footnotes";

#[derive(Default)]
pub(super) struct Notes {
    /// Each label in the order of its number, with its text once defined.
    list: Vec<(String, Option<InlineOut>)>,
    /// Each label's place in `list` (a post's references cost time in
    /// proportion, however many notes it has).
    index: HashMap<String, usize>,
    /// The note being defined: its index and its text so far.
    open: Option<(usize, Runs)>,
    /// The line of the first definition (for messages about the section).
    pub(super) line: usize,
}

impl Notes {
    /// The number of the note `label`, given at its first mention.
    pub(super) fn number(&mut self, label: &str) -> usize {
        if let Some(&i) = self.index.get(label) {
            return i + 1;
        }
        self.index.insert(label.to_owned(), self.list.len());
        self.list.push((label.to_owned(), None));
        self.list.len()
    }

    /// The run a reference becomes: `[n]`, a link to the notes.
    pub(super) fn reference(&mut self, label: &str, runs: &mut Runs) {
        let n = self.number(label);
        let marks = Marks { href: Some(format!("#{NOTES_ID}")), ..Marks::default() };
        runs.push(&format!("[{n}]"), &marks);
    }

    /// A definition starts, at `line`.
    pub(super) fn open(&mut self, label: &str, line: usize) {
        let i = self.number(label) - 1;
        if self.line == 0 {
            self.line = line;
        }
        self.open = Some((i, Runs::default()));
    }

    pub(super) fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// A paragraph of the open note: after the first, on a line of its own.
    pub(super) fn paragraph(&mut self, para: Runs) {
        let Some((_, text)) = &mut self.open else { return };
        if !text.is_blank() {
            let at = text.len();
            text.breaks.push(at);
            text.push("\n", &Marks::default());
        }
        for (t, m) in &para.runs {
            text.push(t, m);
        }
    }

    pub(super) fn close(&mut self) {
        if let Some((i, text)) = self.open.take() {
            self.list[i].1 = Some(text.finish());
        }
    }

    /// The notes' section, headed `heading`, when the post has notes; a note
    /// referred to but never written reads as such.
    pub(super) fn section(self, heading: &str) -> Option<SectionOut> {
        if self.list.is_empty() {
            return None;
        }
        let items = self
            .list
            .into_iter()
            .map(|(label, text)| {
                ItemOut::Text(text.unwrap_or_else(|| InlineOut::Plain(format!("[^{label}]"))))
            })
            .collect();
        let list = ListOut { ordered: true, start: None, items };
        Some(SectionOut {
            heading: Some(heading.to_owned()),
            id: Some(NOTES_ID.to_owned()),
            blocks: vec![BlockOut::Typed(TypedOut::List(list))],
        })
    }
}
