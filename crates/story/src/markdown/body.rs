//! The body: pulldown-cmark events in, sections and blocks out.

use std::ops::Range;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use super::lines::Lines;
use super::notes::Notes;
use super::runs::{Marks, Runs};
use super::scan::{heading_shift, is_br, strip_dash, template_syntax};
use super::{is_remote, Env, Problem, Problems, MAX_PROBLEMS};
use crate::out::{BlockOut, ImageOut, InlineOut, ItemOut, ListOut, SectionOut, TypedOut};
use story_format::limits::MAX_LIST_DEPTH;

/// Where inline text is being gathered.
enum Inside {
    Nothing,
    Paragraph,
    Heading,
    Quote,
    Item,
    Cell,
    /// A footnote's definition.
    Note,
}

/// An image of a paragraph that holds only images.
struct ParaImage {
    src: String,
    /// The Markdown title (`![alt](a.png "title")`): the caption.
    title: String,
    alt: String,
    link: Option<String>,
}

/// A list being read: its items so far, and for the item being read, its
/// text and the list under it once that list has ended.

#[derive(Default)]
struct ListAcc {
    ordered: bool,
    start: Option<u32>,
    items: Vec<ItemOut>,
    text: Option<InlineOut>,
    sub: Option<ListOut>,
}

/// A GitHub table being read: each column's alignment, the header row,
/// the body rows, and the row being read.
struct TableAcc {
    align: Vec<Option<&'static str>>,
    header: Vec<InlineOut>,
    rows: Vec<Vec<InlineOut>>,
    row: Vec<InlineOut>,
}

/// The body's reader: events in, sections out.
pub(super) struct Body<'a, 'p> {
    /// Lines and columns of the whole file (the body starts `offset` bytes in).
    places: Lines<'a>,
    /// What was left out without harm (HTML comments): warnings.
    pub(super) warnings: Vec<Problem>,
    offset: usize,
    env: &'a Env<'a>,
    problems: &'p mut Problems,
    pub(super) sections: Vec<SectionOut>,
    /// Per section: the line of its heading, and of each block.
    pub(super) lines: Vec<(usize, Vec<usize>)>,
    pub(super) title: Option<String>,
    pub(super) images: Vec<String>,
    inside: Inside,
    marks: Marks,
    runs: Runs,
    /// The images alone in the current paragraph (one: an image block;
    /// more: a gallery), each as its source, title, alt text so far and link.
    para_images: Vec<ParaImage>,
    in_image: bool,
    block_line: usize,
    quote: Vec<Runs>,
    /// The lists open, outermost first (at most three).
    lists: Vec<ListAcc>,
    item_paragraphs: usize,
    /// Inside a table.
    table: Option<TableAcc>,
    /// A `### Heading {#id}`'s id, until the heading ends.
    sub_id: Option<String>,
    /// Inside a code block: its language, and its text so far.
    code: Option<(Option<String>, String)>,
    /// Inside a refused container (a table, a code block, a footnote, a
    /// nested list): how deep, so that its contents are not refused again.
    skipping: usize,
    /// The footnotes, referred to and written.
    pub(super) notes: Notes,
    /// How many levels the body's headings move so that its top level is
    /// `##` (a post whose sections are `#`, or `###`); see `heading_shift`.
    shift: isize,
    /// The level the heading being read was placed at.
    placed: usize,
}

impl<'a, 'p> Body<'a, 'p> {
    pub(super) fn new(text: &'a str, offset: usize, env: &'a Env<'a>, problems: &'p mut Problems) -> Self {
        Body {
            places: Lines::new(text),
            warnings: Vec::new(),
            offset,
            env,
            problems,
            sections: Vec::new(),
            lines: Vec::new(),
            title: None,
            images: Vec::new(),
            inside: Inside::Nothing,
            marks: Marks::default(),
            runs: Runs::default(),
            para_images: Vec::new(),
            in_image: false,
            block_line: 0,
            quote: Vec::new(),
            lists: Vec::new(),
            item_paragraphs: 0,
            skipping: 0,
            code: None,
            sub_id: None,
            table: None,
            notes: Notes::default(),
            shift: 0,
            placed: 0,
        }
    }

    /// The 1-based line of `range`'s start (in the body).
    fn line(&self, range: &Range<usize>) -> usize {
        self.places.line(self.offset + range.start)
    }

    /// The 1-based line and column of `range`'s start (in the body).
    fn at(&self, range: &Range<usize>) -> (usize, usize) {
        self.places.line_col(self.offset + range.start)
    }

    /// An HTML comment: a note to the writer, left out with a warning.
    fn comment(&mut self, range: &Range<usize>) {
        let (line, column) = self.at(range);
        self.warnings.push(Problem { line, column, message: "an HTML comment, left out".into() });
    }

    fn refuse(&mut self, range: &Range<usize>, message: impl Into<String>) {
        let message = message.into();
        if self.problems.list.len() < MAX_PROBLEMS {
            let (line, column) = self.at(range);
            self.problems.push(Problem { line, column, message });
        } else {
            self.problems.more += 1;
        }
    }

    pub(super) fn read(&mut self, body: &str) {
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_HEADING_ATTRIBUTES
            | Options::ENABLE_STRIKETHROUGH;
        // Parsed once: the headings' shift must be known before the first
        // heading is placed, so the events are read twice, not the text.
        let events: Vec<_> = Parser::new_ext(body, options).into_offset_iter().collect();
        self.shift = heading_shift(events.iter().map(|(e, _)| e));
        for (event, range) in events {
            self.event(event, range);
        }
        if self.sections.is_empty() {
            self.refuse(&(body.len()..body.len()), "the story has no text: write at least one paragraph");
        }
        for (i, s) in self.sections.iter().enumerate() {
            if s.blocks.is_empty() {
                let line = self.lines[i].0;
                let name = s.heading.as_deref().unwrap_or("");
                self.problems.push(Problem {
                    line,
                    column: 1,
                    message: format!(
                        "the section \"{name}\" has no text: write a paragraph under it, or remove it"
                    ),
                });
            }
        }
    }

    fn section(&mut self) -> &mut SectionOut {
        if self.sections.is_empty() {
            self.sections.push(SectionOut::default());
            self.lines.push((self.block_line, Vec::new()));
        }
        self.sections.last_mut().expect("one at least")
    }

    fn push_block(&mut self, block: BlockOut) {
        let line = self.block_line;
        self.section().blocks.push(block);
        self.lines.last_mut().expect("a section").1.push(line);
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        if self.skipping > 0 {
            match event {
                Event::Start(_) => self.skipping += 1,
                Event::End(_) => self.skipping -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(t) if self.code.is_some() => {
                if let Some((_, code)) = &mut self.code {
                    code.push_str(&t);
                }
            }
            Event::Text(t) => self.text(&t, &range),
            Event::Code(t) => {
                let marks = Marks { code: true, ..self.marks.clone() };
                self.runs.push(&t, &marks);
                self.image_breaks_paragraph(&range);
            }
            Event::SoftBreak | Event::HardBreak => {
                let at = self.runs.len();
                self.runs.breaks.push(at);
                self.text(if matches!(event, Event::SoftBreak) { " " } else { "\n" }, &range);
            }
            Event::InlineHtml(h) if is_br(&h) => self.event(Event::HardBreak, range),
            Event::InlineHtml(h) if h.starts_with("<!--") => self.comment(&range),
            Event::InlineHtml(_) | Event::Html(_) => {
                self.refuse(&range, "raw HTML has no place in a story: the format holds text only")
            }
            Event::FootnoteReference(label) => {
                self.notes.reference(&label, &mut self.runs);
                self.image_breaks_paragraph(&range);
            }
            Event::Rule => {
                self.block_line = self.line(&range);
                self.push_block(BlockOut::Typed(TypedOut::Divider));
            }
            other => self.refuse(&range, format!("this Markdown ({other:?}) has no place in the format")),
        }
    }

    fn text(&mut self, t: &str, range: &Range<usize>) {
        if self.in_image {
            if let Some(img) = self.para_images.last_mut() {
                img.alt.push_str(t);
            }
            return;
        }
        if matches!(self.inside, Inside::Nothing) {
            self.refuse(range, "text outside any paragraph");
            return;
        }
        self.runs.push(t, &self.marks.clone());
        self.image_breaks_paragraph(range);
    }

    /// An image shares its paragraph with text: refused (an image is a block).
    fn image_breaks_paragraph(&mut self, range: &Range<usize>) {
        if !self.para_images.is_empty() && !self.runs.is_blank() {
            self.para_images.clear();
            self.refuse(range, "an image shares a paragraph with text: put the image on a line of its own");
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph => match self.inside {
                Inside::Nothing => {
                    self.inside = Inside::Paragraph;
                    self.block_line = self.line(&range);
                }
                Inside::Quote => {}
                Inside::Item => {
                    self.item_paragraphs += 1;
                    if self.item_paragraphs == 2 {
                        self.refuse(&range, "a list item holds one paragraph in this format");
                    }
                }
                _ => {}
            },
            Tag::Heading { level, id, .. } => {
                self.block_line = self.line(&range);
                let title = level == HeadingLevel::H1 && self.title.is_none() && self.sections.is_empty();
                // The title stays where it is; the body's levels move together.
                self.placed = if title { 1 } else { (level as isize + self.shift).max(1) as usize };
                match self.placed {
                    1 if title => {}
                    1 => self.refuse(
                        &range,
                        "a # heading here cannot be placed: # is the title, once, before the text; sections start with ##",
                    ),
                    2 => {
                        self.sections.push(SectionOut { id: id.map(|i| i.to_string()), ..SectionOut::default() });
                        self.lines.push((self.block_line, Vec::new()));
                    }
                    3 | 4 => self.sub_id = id.map(|i| i.to_string()),
                    _ => self.refuse(
                        &range,
                        format!("a {} heading cannot be placed: sections start with ##, sub-headings with ### or ####", "#".repeat(level as usize)),
                    ),
                }
                self.inside = Inside::Heading;
            }
            Tag::BlockQuote(_) => {
                if matches!(self.inside, Inside::Quote) {
                    self.refuse(&range, "a quote inside a quote is not part of the format");
                }
                self.block_line = self.line(&range);
                self.inside = Inside::Quote;
                self.quote.clear();
            }
            Tag::List(start) => {
                if self.lists.len() >= MAX_LIST_DEPTH {
                    self.refuse(
                        &range,
                        format!("lists nest at most {MAX_LIST_DEPTH} levels deep in the format"),
                    );
                    self.skipping = 1;
                    return;
                }
                let nested = matches!(self.inside, Inside::Item) && !self.lists.is_empty();
                if !nested && !matches!(self.inside, Inside::Nothing) {
                    self.refuse(&range, "a list inside a quote is not part of the format");
                    self.skipping = 1;
                    return;
                }
                if nested {
                    // The item's own text comes before the list under it.
                    let text = self.take_runs().finish();
                    if let Some(parent) = self.lists.last_mut() {
                        parent.text = Some(text);
                    }
                } else {
                    self.block_line = self.line(&range);
                }
                let start = start.map(|n| u32::try_from(n).unwrap_or(u32::MAX));
                self.lists.push(ListAcc { ordered: start.is_some(), start, ..ListAcc::default() });
                self.inside = Inside::Nothing;
            }
            Tag::Item => {
                self.inside = Inside::Item;
                self.item_paragraphs = 0;
            }
            Tag::Emphasis => self.marks.em = true,
            Tag::Strong => self.marks.strong = true,
            Tag::Strikethrough => self.marks.strike = true,
            Tag::Link { link_type, dest_url, .. } => {
                if matches!(self.inside, Inside::Heading) {
                    self.refuse(
                        &range,
                        "a link in a heading: headings are plain text; put the link in the text",
                    );
                }
                if let Some(what) = template_syntax(&dest_url) {
                    self.refuse(
                        &range,
                        format!(
                            "{what} in a link's address cannot be imported: write the address it stands for"
                        ),
                    );
                }
                // `<desk@example.org>`: a mail address, not a file beside the story.
                self.marks.href = Some(if link_type == LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                });
            }
            Tag::Image { dest_url, title, .. } => {
                // Images alone in their paragraph: one is an image block,
                // several (on one line or a line each) a gallery.
                let alone = matches!(self.inside, Inside::Paragraph) && self.runs.is_blank();
                if alone {
                    self.para_images.push(ParaImage {
                        src: dest_url.to_string(),
                        title: title.to_string(),
                        alt: String::new(),
                        // `[![alt](a.png)](https://…)`: the image leads where the link does.
                        link: self.marks.href.clone(),
                    });
                } else {
                    self.refuse(
                        &range,
                        "an image must stand alone in its paragraph (it becomes an image block)",
                    );
                }
                self.in_image = true;
            }
            Tag::CodeBlock(kind) => {
                if !matches!(self.inside, Inside::Nothing) {
                    self.refuse(&range, "a code block inside a quote or a list is not part of the format");
                    self.skipping = 1;
                    return;
                }
                self.block_line = self.line(&range);
                // The info string's first word names the language (```rust ignore).
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().map(str::to_owned),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some((language, String::new()));
            }
            Tag::HtmlBlock => {
                // A comment is a note to the writer: left out, with a warning.
                if self.places.from(self.offset + range.start).trim_start().starts_with("<!--") {
                    self.comment(&range);
                } else {
                    self.refuse(&range, "raw HTML has no place in a story: the format holds text only");
                }
                self.skipping = 1;
            }
            Tag::Table(aligns) => {
                if !matches!(self.inside, Inside::Nothing) {
                    self.refuse(&range, "a table inside a quote or a list is not part of the format");
                    self.skipping = 1;
                    return;
                }
                self.block_line = self.line(&range);
                let align = aligns
                    .iter()
                    .map(|a| match a {
                        Alignment::None => None,
                        Alignment::Left => Some("left"),
                        Alignment::Center => Some("center"),
                        Alignment::Right => Some("right"),
                    })
                    .collect();
                self.table = Some(TableAcc { align, header: Vec::new(), rows: Vec::new(), row: Vec::new() });
            }
            Tag::TableHead | Tag::TableRow => {}
            Tag::TableCell => self.inside = Inside::Cell,
            Tag::FootnoteDefinition(label) => {
                if !matches!(self.inside, Inside::Nothing) || !self.lists.is_empty() || self.notes.is_open() {
                    self.refuse(
                        &range,
                        "a footnote inside a quote, a list or a note is not part of the format",
                    );
                    self.skipping = 1;
                    return;
                }
                self.notes.open(&label, self.line(&range));
                self.inside = Inside::Note;
            }
            other => {
                self.refuse(&range, format!("this Markdown ({other:?}) has no place in the format"));
                self.skipping = 1;
            }
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        match tag {
            TagEnd::Paragraph => match self.inside {
                Inside::Paragraph => {
                    self.inside = Inside::Nothing;
                    // A paragraph that is only a YouTube or Vimeo shortcode: a video.
                    if let Some(video) = super::embeds::video_shortcode(self.runs.plain_text().trim()) {
                        self.runs = Runs::default();
                        self.push_block(BlockOut::Typed(video));
                        return;
                    }
                    let runs = self.take_runs();
                    let images = std::mem::take(&mut self.para_images);
                    if !runs.is_blank() {
                        self.push_block(BlockOut::Paragraph(runs.finish()));
                    } else if images.len() == 1 || images.iter().any(|i| i.link.is_some()) {
                        // One image, or images with links (a gallery's have
                        // none): an image block each.
                        for img in images {
                            let image = self.image_out(img, &range);
                            self.push_block(BlockOut::Typed(TypedOut::Image(image)));
                        }
                    } else if !images.is_empty() {
                        let images = images.into_iter().map(|i| self.image_out(i, &range)).collect();
                        self.push_block(BlockOut::Typed(TypedOut::Gallery { images, caption: None }));
                    }
                }
                Inside::Quote => {
                    let runs = self.take_runs();
                    self.quote.push(runs);
                }
                Inside::Note => {
                    let runs = self.take_runs();
                    self.notes.paragraph(runs);
                }
                _ => {}
            },
            TagEnd::FootnoteDefinition => {
                self.notes.close();
                self.inside = Inside::Nothing;
            }
            TagEnd::Heading(_) => {
                let level = self.placed;
                let runs = self.take_runs();
                let text = runs.plain_text().trim().to_owned();
                self.inside = Inside::Nothing;
                match level {
                    1 if self.title.is_none() && self.sections.is_empty() => self.title = Some(text),
                    2 => {
                        if let Some(s) = self.sections.last_mut() {
                            s.heading = Some(text);
                        }
                    }
                    3 | 4 => {
                        let level = level as u8;
                        let id = self.sub_id.take();
                        if text.is_empty() {
                            self.refuse(&range, "an empty sub-heading");
                        } else {
                            self.push_block(BlockOut::Typed(TypedOut::Heading { text, level, id }));
                        }
                    }
                    _ => {}
                }
            }
            TagEnd::BlockQuote(_) => {
                self.inside = Inside::Nothing;
                let paragraphs = std::mem::take(&mut self.quote);
                self.quote_block(paragraphs, &range);
            }
            TagEnd::Item => {
                if matches!(self.inside, Inside::Item) {
                    self.inside = Inside::Nothing;
                    let runs = self.take_runs();
                    let Some(top) = self.lists.last_mut() else { return };
                    let item = match (top.text.take(), top.sub.take()) {
                        (Some(text), Some(list)) => {
                            if !runs.is_blank() {
                                self.refuse(
                                    &range,
                                    "text after the list inside an item: put it in an item of its own",
                                );
                            }
                            ItemOut::WithList { text, list }
                        }
                        _ => ItemOut::Text(runs.finish()),
                    };
                    if let Some(top) = self.lists.last_mut() {
                        top.items.push(item);
                    }
                }
            }
            TagEnd::List(_) => {
                if let Some(done) = self.lists.pop() {
                    let list = ListOut {
                        ordered: done.ordered,
                        start: done.start.filter(|&n| n != 1),
                        items: done.items,
                    };
                    match self.lists.last_mut() {
                        // Back inside the item that holds it.
                        Some(parent) => {
                            parent.sub = Some(list);
                            self.inside = Inside::Item;
                            return;
                        }
                        None => self.push_block(BlockOut::Typed(TypedOut::List(list))),
                    }
                }
                self.inside = Inside::Nothing;
            }
            TagEnd::TableCell => {
                self.inside = Inside::Nothing;
                let runs = self.take_runs();
                if let Some(t) = &mut self.table {
                    t.row.push(runs.finish());
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.header = std::mem::take(&mut t.row);
                }
            }
            TagEnd::TableRow => {
                if let Some(t) = &mut self.table {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    let align = if t.align.iter().all(Option::is_none) { Vec::new() } else { t.align };
                    if t.rows.is_empty() {
                        self.refuse(&range, "a table without rows: add a row under its header");
                    } else {
                        let (header, rows) = (t.header, t.rows);
                        self.push_block(BlockOut::Typed(TypedOut::Table { header, rows, align }));
                    }
                }
            }
            TagEnd::CodeBlock => {
                if let Some((language, text)) = self.code.take() {
                    // The line end before the closing fence is not part of the code.
                    let text = text.strip_suffix('\n').unwrap_or(&text).to_owned();
                    if text.trim().is_empty() {
                        self.refuse(&range, "an empty code block");
                    } else {
                        self.push_block(BlockOut::Typed(TypedOut::Code { text, language }));
                    }
                }
            }
            TagEnd::Emphasis => self.marks.em = false,
            TagEnd::Strong => self.marks.strong = false,
            TagEnd::Strikethrough => self.marks.strike = false,
            TagEnd::Link => self.marks.href = None,
            TagEnd::Image => self.in_image = false,
            _ => {}
        }
    }

    /// The inline text gathered so far, taken; refused (once, at the
    /// block's line) when its text, code aside, holds template syntax that
    /// would otherwise be printed as it is written.
    fn take_runs(&mut self) -> Runs {
        let runs = std::mem::take(&mut self.runs);
        let text: String = runs.runs.iter().filter(|(_, m)| !m.code).map(|(t, _)| t.as_str()).collect();
        if let Some(what) = template_syntax(&text) {
            let message =
                format!("{what} cannot be imported: it would show as written (write what it stands for)");
            let line = self.block_line.max(1);
            self.problems.add(|| Problem { line, column: 1, message });
        }
        runs
    }

    /// An image of the paragraph: its size read when the file is the
    /// bundle's (refused when it is missing).
    fn image_out(&mut self, img: ParaImage, range: &Range<usize>) -> ImageOut {
        let ParaImage { src, title: caption, alt, link } = img;
        let mut image =
            ImageOut { src: src.clone(), alt: alt.trim().to_owned(), link, ..ImageOut::default() };
        if !caption.trim().is_empty() {
            image.caption = Some(InlineOut::Plain(caption.trim().to_owned()));
        }
        if !is_remote(&src) {
            if (self.env.exists)(&src) {
                if let Some((w, h)) = (self.env.sizes)(&src) {
                    image.width = Some(w);
                    image.height = Some(h);
                }
                // Site-absolute (from --root): the bundle's copy is named without the `/`.
                if let Some(rel) = crate::out::site_absolute(&src) {
                    image.src = rel.to_owned();
                }
                self.images.push(src);
            } else {
                self.refuse(
                    range,
                        format!("the image {src} does not exist (paths are relative to the Markdown file, or with / to --root)"),
                );
            }
        }
        image
    }

    /// A quote: one paragraph of text; a last line (or paragraph) that
    /// starts with a dash names who said it.
    fn quote_block(&mut self, mut paragraphs: Vec<Runs>, range: &Range<usize>) {
        let mut cite = None;
        if let Some(last) = paragraphs.last_mut() {
            let whole = last.plain_text();
            if let Some(who) = strip_dash(whole.trim_start()).filter(|w| !w.trim().is_empty()) {
                cite = Some(who.trim().to_owned());
                paragraphs.pop();
            } else if let Some(&b) = last.breaks.last() {
                if let Some(who) = strip_dash(whole[b..].trim_start()).filter(|w| !w.trim().is_empty()) {
                    cite = Some(who.trim().to_owned());
                    last.truncate(b);
                }
            }
        }
        paragraphs.retain(|p| !p.is_blank());
        match paragraphs.len() {
            0 => self.refuse(range, "a quote without text"),
            1 => {
                let text = paragraphs.pop().expect("one").finish();
                self.push_block(BlockOut::Typed(TypedOut::Quote { text, cite }));
            }
            _ => self.refuse(
                range,
                "a quote holds one paragraph in this format: split it into several quotes, or join its paragraphs",
            ),
        }
    }
}
