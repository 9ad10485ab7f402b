//! A file parsed a part at a time, so that a caller on a browser's main
//! thread can let the page breathe between parts: the UTF-8 check; one pass
//! over the whole file that reads everything but a story's sections (a
//! catalog's entries) and only finds where each one is (at tokenizer
//! speed); then those, about `budget` bytes of them per step, and what
//! needs them all; then a story's reading time (every word counted, kept in
//! the story).
//!
//! The result is exactly [`super::parse_document`]'s, diagnostics in the
//! same order included (`check_invariants` in `tests/support`, the fixtures
//! and `tests/props.rs` compare the two): the sections and entries are read
//! by the same code, in the same order, with the same context.

use std::ops::Range;

use serde_json::Deserializer;

use super::catalog::EntryList;
use super::cx::Cx;
use super::story::SectionList;
use super::{checked_text, finish, read_root, syntax_error, Parsed, Root};
use crate::diag::{Diagnostic, Path, Sink};
use crate::model::Document;
use crate::url::Base;

/// A story or catalog being parsed in steps. Call [`Steps::step`] until it
/// returns `true` (yielding to the event loop in between), then
/// [`Steps::finish`]. A file that cannot be read is done after its second
/// step.
pub struct Steps<'a> {
    state: State<'a>,
}

enum State<'a> {
    Bytes(&'a [u8], &'a Base<'a>),
    Text(&'a str, &'a Base<'a>),
    Sections(Box<Reading<'a>>),
    /// Read; a story's reading time is worked out in a step of its own.
    Read(Parsed<Document>),
    Done(Parsed<Document>),
}

/// Between the first pass and the end of the sections.
struct Reading<'a> {
    text: &'a str,
    cx: Cx<'a>,
    root: Option<Root<'a>>,
    /// Each section's (entry's) place in the text.
    places: Vec<Range<usize>>,
    list: List,
    /// The first pass's diagnostics, and where the sections' go among them.
    outer: Sink,
    at: usize,
}

impl<'a> Steps<'a> {
    /// Starts parsing `bytes`, the file at `base` (nothing is read yet).
    pub fn new(bytes: &'a [u8], base: &'a Base<'a>) -> Self {
        Steps { state: State::Bytes(bytes, base) }
    }

    /// Does the next part of the work: the UTF-8 check, the first pass, or
    /// sections until about `budget` bytes of them are read (at least one).
    /// Returns whether everything is read.
    pub fn step(&mut self, budget: usize) -> bool {
        let state =
            std::mem::replace(&mut self.state, State::Done(Parsed { value: None, diagnostics: vec![] }));
        self.state = match state {
            State::Bytes(bytes, base) => match checked_text(bytes) {
                Ok(text) => State::Text(text, base),
                Err(d) => State::Done(Parsed::refused(d)),
            },
            State::Text(text, base) => first_pass(text, base),
            State::Sections(mut r) => match r.read(budget) {
                Ok(true) => State::Read(r.end()),
                Ok(false) => State::Sections(r),
                Err(d) => State::Done(Parsed::refused(d)),
            },
            State::Read(parsed) => {
                if let Some(Document::Story(story)) = &parsed.value {
                    story.reading_minutes();
                }
                State::Done(parsed)
            }
            done @ State::Done(_) => done,
        };
        matches!(self.state, State::Done(_))
    }

    /// The parse result (doing whatever steps are left, all at once).
    pub fn finish(mut self) -> Parsed<Document> {
        while !self.step(usize::MAX) {}
        match self.state {
            State::Done(parsed) => parsed,
            // `step` returned true: the state is `Done`.
            _ => Parsed { value: None, diagnostics: vec![] },
        }
    }
}

/// A story's sections or a catalog's entries, as they are read.
enum List {
    Sections(SectionList),
    Entries(EntryList),
}

impl List {
    fn count(&self) -> usize {
        match self {
            List::Sections(l) => l.count,
            List::Entries(l) => l.count,
        }
    }
    /// Their path: `sections`, `stories`.
    fn name(&self) -> &'static str {
        match self {
            List::Sections(_) => "sections",
            List::Entries(_) => "stories",
        }
    }
}

fn first_pass<'a>(text: &'a str, base: &'a Base<'a>) -> State<'a> {
    let (mut cx, root) = match read_root(text, base, None, true) {
        Ok(read) => read,
        Err(d) => return State::Done(Parsed::refused(d)),
    };
    // Nothing left to read later (not found, or the file refused): done.
    let Some(later) = cx.later.take().filter(|_| cx.refused.is_none()) else {
        return State::Done(finish(cx, root));
    };
    let Some(places) = later.items else { return State::Done(finish(cx, root)) };
    // Room for every item at once: growing the list as it fills would copy
    // it again and again (and grow the wasm memory in many small steps).
    let n = places.len();
    let list = match &root {
        Some(Root::Story(..)) => List::Sections(SectionList::with_capacity(n)),
        Some(Root::Catalog(..)) => List::Entries(EntryList::with_capacity(n)),
        None => return State::Done(finish(cx, root)),
    };
    let outer = std::mem::take(&mut cx.sink);
    let at = later.diagnostics_at;
    State::Sections(Box::new(Reading { text, cx, root, places, list, outer, at }))
}

impl Reading<'_> {
    /// Reads items until `budget` bytes of them are read; whether all are.
    fn read(&mut self, budget: usize) -> Result<bool, Diagnostic> {
        let mut read = 0usize;
        let path = Path::Root;
        let path = path.field(self.list.name());
        while let Some(place) = self.places.get(self.list.count()).cloned() {
            let Some(part) = self.text.get(place.clone()) else {
                return Err(Diagnostic::error(
                    crate::Code::Syntax,
                    path.kept(),
                    "an item could not be found again",
                ));
            };
            let mut de = Deserializer::from_str(part);
            let cx = &mut self.cx;
            let done = match &mut self.list {
                List::Sections(l) => l.read(cx, &path, &mut de),
                List::Entries(l) => l.read(cx, &path, &mut de),
            };
            if let Err(e) = done {
                return Err(syntax_error_at(&e, self.text, place.start));
            }
            read += part.len();
            if read >= budget {
                break;
            }
        }
        Ok(self.list.count() >= self.places.len())
    }

    fn end(self) -> Parsed<Document> {
        let Reading { mut cx, root, list, outer, at, .. } = self;
        let path = Path::Root;
        let root = match (root, list) {
            (Some(Root::Story(mut acc, minor)), List::Sections(list)) => {
                acc.set_sections(list.end(&mut cx, &path.field("sections")));
                Some(Root::Story(acc, minor))
            }
            (Some(Root::Catalog(mut acc, minor)), List::Entries(list)) => {
                acc.set_entries(list.out);
                Some(Root::Catalog(acc, minor))
            }
            (root, _) => root,
        };
        let inner = std::mem::take(&mut cx.sink);
        cx.sink = Sink::splice(outer, at, inner);
        finish(cx, root)
    }
}

/// A JSON error in a section that starts at byte `offset` of `text`, with
/// the line and column in the whole file.
fn syntax_error_at(e: &serde_json::Error, text: &str, offset: usize) -> Diagnostic {
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + e.line();
    let column = match e.line() {
        1 => before.rsplit('\n').next().map_or(0, str::len) + e.column(),
        _ => e.column(),
    };
    let mut d = syntax_error(e);
    d.at = crate::diag::Location::Text { line, column: column.max(1) };
    d
}
