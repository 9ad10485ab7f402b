//! What a story and a catalog are, after validation. Every URL in here is a
//! [`SafeUrl`]; anything that failed validation is left out (and reported).

use crate::date::Timestamp;
pub use crate::inline::{Inline, Marks, Run};
use crate::media::{Network, Player};
use crate::url::SafeUrl;

/// A `story.json` as the viewer draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct Story {
    /// The minor version of `story/1` the file declared (`story/1.3` gives 3).
    pub minor_version: u32,
    /// `a-z`, `0-9`, `-`; 1-100 characters. Empty only when the file's id was invalid.
    pub id: String,
    /// BCP 47 language of the text; `"en"` by default.
    pub lang: String,
    /// The title, trimmed.
    pub title: String,
    pub dek: Option<String>,
    /// `None` only when the file's date was invalid (reported as an error).
    pub published: Option<Timestamp>,
    pub updated: Option<Timestamp>,
    /// The credit line as written ("By Jane Roe and the Data Desk").
    pub byline: Option<String>,
    /// The people (or desks) who wrote it, as data: what structured data
    /// and feeds name, never guessed from the byline.
    pub authors: Vec<Author>,
    /// Dated notes of what was corrected or added since it was published,
    /// in the file's order.
    pub corrections: Vec<Correction>,
    /// Where it was first published; an empty name when the story is the
    /// newsroom's own (the field is optional).
    pub source: Source,
    pub hero: Option<Image>,
    pub tags: Vec<String>,
    pub sections: Vec<Section>,
    /// [`Story::reading_minutes`], once worked out.
    pub(crate) minutes: Memo,
}

/// A value worked out once from the rest of the story. Not data: any two
/// are equal, so stories compare by what the file said.
#[derive(Clone, Debug, Default)]
pub(crate) struct Memo(std::sync::OnceLock<u32>);

impl PartialEq for Memo {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// An image URL named by a file, with where it was named
/// ([`crate::parse_document_with_assets`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Asset {
    /// The field: `hero.src`, `sections[1].blocks[4].srcset[0].src`.
    pub path: crate::diag::FieldPath,
    pub url: SafeUrl,
}

impl Story {
    /// The index of the section whose id, or whose sub-heading's id, is
    /// `id` (a `#id` link's target).
    pub fn section_of(&self, id: &str) -> Option<usize> {
        // Sections first: a section's id is found without reading any block.
        self.sections.iter().position(|s| s.id == id).or_else(|| {
            self.sections
                .iter()
                .position(|s| s.blocks.iter().any(|b| matches!(b, Block::Heading { id: h, .. } if h == id)))
        })
    }

    /// What a search result or link preview says of the story: the dek,
    /// else the first paragraph cut at a word near `max` characters (see
    /// [`crate::text::cut_at_word`]); `None` when the story has neither.
    pub fn summary(&self, max: usize) -> Option<String> {
        if let Some(dek) = &self.dek {
            return Some(dek.clone());
        }
        let first = self.sections.iter().flat_map(|s| &s.blocks).find_map(|b| match b {
            Block::Paragraph(p) if !p.text().trim().is_empty() => Some(p.text()),
            _ => None,
        })?;
        Some(crate::text::cut_at_word(first, max))
    }

    /// Minutes to read the whole story (CJK text counted by characters).
    pub fn reading_minutes(&self) -> u32 {
        *self.minutes.0.get_or_init(|| self.count_minutes())
    }

    fn count_minutes(&self) -> u32 {
        let (mut words, mut cjk) = (0, 0);
        self.each_text(&mut |s| {
            let (w, c) = crate::text::count_words(s);
            words += w;
            cjk += c;
        });
        crate::text::reading_minutes(words, cjk)
    }

    /// Calls `f` with each text of the sections, in order: headings,
    /// paragraphs, quotes, list items, code, table cells, social posts.
    pub fn each_text(&self, f: &mut impl FnMut(&str)) {
        for section in &self.sections {
            if let Some(h) = &section.heading {
                f(h);
            }
            for block in &section.blocks {
                match block {
                    Block::Paragraph(text) | Block::Quote { text, .. } | Block::PullQuote { text, .. } => {
                        f(text.text())
                    }
                    Block::Social(post) => f(post.text.text()),
                    Block::List(list) => list.each_text(&mut |t| f(t.text())),
                    Block::Code { text, .. } | Block::Heading { text, .. } => f(text),
                    Block::Table(t) => {
                        t.header.iter().chain(t.rows.iter().flatten()).for_each(|c| f(c.text()))
                    }
                    Block::Image(_) | Block::Divider | Block::Gallery(_) | Block::Video(_) => {}
                }
            }
        }
    }
}

/// One of a story's `authors`.
#[derive(Clone, Debug, PartialEq)]
pub struct Author {
    /// The name, trimmed, never empty.
    pub name: String,
    /// Their page (a profile, a staff page).
    pub url: Option<SafeUrl>,
}

/// One of a story's `corrections`: a dated note shown with the story.
#[derive(Clone, Debug, PartialEq)]
pub struct Correction {
    /// A correction of something the story got wrong, or an update.
    pub kind: CorrectionKind,
    pub date: Timestamp,
    /// The note, trimmed, never empty.
    pub text: String,
}

/// What a [`Correction`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CorrectionKind {
    Correction,
    Update,
}

/// Where a story was first published.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Source {
    /// e.g. `凤凰科技`.
    pub name: String,
    /// BCP 47 language of the name, marked up on the element that shows it.
    pub lang: Option<String>,
    /// The original article ("View original source").
    pub url: Option<SafeUrl>,
}

/// A hero image, image block or catalog thumbnail.
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    /// `None` when the file's `src` was unsafe or invalid: show `alt` instead.
    pub src: Option<SafeUrl>,
    pub alt: String,
    /// Intrinsic `(width, height)` in pixels, when both were given.
    pub size: Option<(u32, u32)>,
    /// Other widths of the same image, as `(url, width)`.
    pub srcset: Vec<(SafeUrl, u32)>,
    pub caption: Option<Inline>,
    pub credit: Option<Credit>,
    /// Where the image leads when followed (an image block's `link`).
    pub link: Option<SafeUrl>,
    /// The point crops keep in view, as percentages `(x, y)` of the width
    /// and height from the top left; the centre when `None`.
    pub focus: Option<(u8, u8)>,
}

impl Image {
    /// The `srcset` attribute value (`a.jpg 800w, b.jpg 1600w`), if any,
    /// each URL written by `href`.
    pub fn srcset_attr(&self, href: impl Fn(&SafeUrl) -> String) -> Option<String> {
        if self.srcset.is_empty() {
            return None;
        }
        let parts: Vec<String> = self.srcset.iter().map(|(u, w)| format!("{} {w}w", href(u))).collect();
        Some(parts.join(", "))
    }
}

/// Who made an image. At least one field is present.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Credit {
    pub author: Option<String>,
    pub author_url: Option<SafeUrl>,
    pub provider: Option<String>,
    pub provider_url: Option<SafeUrl>,
    pub license: Option<String>,
    pub license_url: Option<SafeUrl>,
}

/// A part of the story, with an optional heading.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub heading: Option<String>,
    /// Unique within the story: the file's own `id`, or one derived from the
    /// heading by [`crate::text::slug`].
    pub id: String,
    pub blocks: Vec<Block>,
}

/// Declares the block types: each one's `type` and the fields it may have
/// (after `type`), once. The parser's field lists, `known_fields()` (and so
/// the JSON Schema and docs tests), the property tests' keys and the golden
/// tests' list of types all come from here; every `match` on
/// [`BlockType`] or [`Block`] then fails to compile until it handles a new one.
macro_rules! block_types {
    ($($(#[$doc:meta])* $kind:ident = $name:literal [$($field:literal),*]),+ $(,)?) => {
        /// A block's `type`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum BlockType {
            $($(#[$doc])* $kind),+
        }

        impl BlockType {
            /// Every block type, in the order the format documents them.
            pub const ALL: &'static [BlockType] = &[$(BlockType::$kind),+];

            /// The `type` a block of this kind has in `story.json`.
            pub fn name(self) -> &'static str {
                match self {
                    $(BlockType::$kind => $name),+
                }
            }

            /// The object's name in [`crate::known_fields`] and in
            /// `docs/format.md`'s headings: `block:quote`.
            pub fn object(self) -> &'static str {
                match self {
                    $(BlockType::$kind => concat!("block:", $name)),+
                }
            }

            /// The fields a block of this type may have, `type` first.
            pub fn fields(self) -> &'static [&'static str] {
                match self {
                    $(BlockType::$kind => &["type", $($field),*]),+
                }
            }

            /// The type named `name`, if the format has it.
            pub fn from_name(name: &str) -> Option<BlockType> {
                Self::ALL.iter().copied().find(|t| t.name() == name)
            }
        }
    };
}

block_types! {
    /// Text: a string or runs.
    Paragraph = "paragraph" ["text"],
    /// Someone's words, and who said them.
    Quote = "quote" ["text", "cite"],
    /// Items, bulleted or numbered, nested up to three levels.
    List = "list" ["items", "ordered", "start"],
    /// A picture with its text alternative, caption and credit.
    Image = "image" ["src", "alt", "width", "height", "srcset", "caption", "credit", "focus", "link"],
    /// Rows and columns of inline text, with an optional header row.
    Table = "table" ["caption", "header", "rows", "align"],
    /// Preformatted text (code, a terminal session), every space kept.
    Code = "code" ["text", "language"],
    /// A break between two parts of a section.
    Divider = "divider" [],
    /// A sub-heading inside a section, linkable as sections are.
    Heading = "heading" ["text", "level", "id"],
    /// A quote set apart from the text, larger: words the story repeats.
    PullQuote = "pullquote" ["text", "cite"],
    /// Several images, each with its caption and credit.
    Gallery = "gallery" ["images", "caption"],
    /// A video file, or a YouTube or Vimeo video opened from a stand-in.
    Video = "video" ["src", "title", "poster", "captions", "width", "height", "caption", "credit"],
    /// A post from a social network, kept as data.
    Social = "social" ["url", "network", "author", "handle", "text", "date", "image"],
}

/// A list: bulleted or numbered (from `start`, 1 when absent), its items
/// holding a list of their own at most [`crate::limits::MAX_LIST_DEPTH`]
/// levels deep.
#[derive(Clone, Debug, PartialEq)]
pub struct List {
    pub ordered: bool,
    /// The first number of an ordered list, when not 1.
    pub start: Option<u32>,
    pub items: Vec<ListItem>,
}

/// One item of a [`List`]: its text, and the list under it, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct ListItem {
    pub text: Inline,
    pub list: Option<List>,
}

impl List {
    /// Calls `f` with every item's text, nested ones included, in order.
    pub fn each_text(&self, f: &mut impl FnMut(&Inline)) {
        for item in &self.items {
            f(&item.text);
            if let Some(sub) = &item.list {
                sub.each_text(f);
            }
        }
    }
}

/// A table: every row has [`Table::columns`] cells (short rows are filled
/// with empty ones when read).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub caption: Option<Inline>,
    /// The header row; empty when the table has none.
    pub header: Vec<Inline>,
    pub rows: Vec<Vec<Inline>>,
    /// Each column's alignment (`None`: the reading direction's start).
    pub align: Vec<Option<Align>>,
}

impl Table {
    /// How many columns the table has.
    pub fn columns(&self) -> usize {
        self.align.len()
    }
}

/// How a table column's cells are aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

impl Align {
    /// `"left"`, `"center"` or `"right"`, as in the format and in CSS.
    pub fn name(self) -> &'static str {
        match self {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
        }
    }
}

/// Several images in one block, each with its own caption and credit.
#[derive(Clone, Debug, PartialEq)]
pub struct Gallery {
    /// At least one, at most [`crate::limits::MAX_GALLERY_IMAGES`].
    pub images: Vec<Image>,
    /// A caption for the whole gallery.
    pub caption: Option<Inline>,
}

/// A video: a file played by the browser, or a video on YouTube or Vimeo,
/// drawn as a link that opens it there (no request to them before a click).
#[derive(Clone, Debug, PartialEq)]
pub struct Video {
    /// The file, or the video's page on its site (`https://www.youtube.com/watch?v=ID`,
    /// `https://vimeo.com/ID`), written the one way for each site.
    pub src: SafeUrl,
    pub player: Player,
    /// What the video is, for the stand-in's label and the file's `aria-label`.
    pub title: Option<String>,
    /// A still shown before playing: the publisher's own image, never the
    /// video site's.
    pub poster: Option<SafeUrl>,
    /// A WebVTT file of captions (files only).
    pub captions: Option<SafeUrl>,
    /// `(width, height)` in pixels, for the box's shape (16:9 when absent).
    pub size: Option<(u32, u32)>,
    pub caption: Option<Inline>,
    pub credit: Option<Credit>,
}

/// A post from a social network, kept as data: drawn as a card with a link
/// to the original, with no request to the network.
#[derive(Clone, Debug, PartialEq)]
pub struct SocialPost {
    /// The post's address on its network.
    pub url: SafeUrl,
    pub network: Network,
    /// The name shown for the post's author.
    pub author: String,
    /// The author's handle as the network writes it (`@user@mastodon.social`).
    pub handle: Option<String>,
    pub text: Inline,
    pub date: Option<Timestamp>,
    /// A picture the post holds.
    pub image: Option<Image>,
}

/// One block of a section. Blocks of unknown types are skipped when parsing.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Paragraph(Inline),
    Quote {
        text: Inline,
        cite: Option<String>,
    },
    List(List),
    /// Boxed: an image is ~250 bytes, the other blocks ~50, and a story
    /// holds up to 50,000 blocks.
    Image(Box<Image>),
    /// Preformatted text: drawn in a monospace font, every space and line
    /// kept, scrolling sideways rather than wrapping.
    Code {
        text: String,
        /// The language's name (`rust`, `shell`), when given; shown, never
        /// used to highlight.
        language: Option<String>,
    },
    /// A section break (`<hr>`).
    Divider,
    /// Boxed, as an image is: a table is large and rare.
    Table(Box<Table>),
    /// A sub-heading: level 3 or 4 (`h3`, `h4` on a standalone page), and
    /// an id unique among the story's sections and sub-headings.
    Heading {
        text: String,
        level: u8,
        id: String,
    },
    /// Words set apart (an `<aside>`): reader modes leave them out, as they
    /// repeat the story's text.
    PullQuote {
        text: Inline,
        cite: Option<String>,
    },
    Gallery(Box<Gallery>),
    Video(Box<Video>),
    Social(Box<SocialPost>),
}

impl Block {
    /// This block's type.
    pub fn block_type(&self) -> BlockType {
        match self {
            Block::Paragraph(_) => BlockType::Paragraph,
            Block::Quote { .. } => BlockType::Quote,
            Block::List(_) => BlockType::List,
            Block::Image(_) => BlockType::Image,
            Block::Code { .. } => BlockType::Code,
            Block::Divider => BlockType::Divider,
            Block::Table(_) => BlockType::Table,
            Block::Heading { .. } => BlockType::Heading,
            Block::PullQuote { .. } => BlockType::PullQuote,
            Block::Gallery(_) => BlockType::Gallery,
            Block::Video(_) => BlockType::Video,
            Block::Social(_) => BlockType::Social,
        }
    }
}

/// A `stories.json`: a list of stories, newest first.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalog {
    pub minor_version: u32,
    /// The list's heading; `"Stories"` by default.
    pub title: String,
    /// Whether the file gave the title (else `title` is the default).
    pub titled: bool,
    /// The site's own image, for link previews of its lists (and of
    /// stories without a hero).
    pub image: Option<Image>,
    /// Sorted newest first by `published` (entries without a valid date last).
    pub entries: Vec<Entry>,
    /// A catalog in pages: the page of the next older stories (`next`).
    pub next: Option<SafeUrl>,
    /// A catalog in pages: the page of the newer stories (`prev`).
    pub prev: Option<SafeUrl>,
    /// A catalog in pages: its stories on every page together, when it says (`total`).
    pub total: Option<u32>,
}

impl Catalog {
    /// Every tag used in the catalog, once each, in first-seen order.
    pub fn all_tags(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        self.entries
            .iter()
            .flat_map(|e| e.tags.iter())
            .filter(|t| seen.insert(t.as_str()))
            .map(String::as_str)
            .collect()
    }

    /// The entry with this story id, if any.
    pub fn find(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Adds `older`, the page this catalog's `next` named, after its
    /// entries: those of stories not listed yet, in the page's order; its
    /// `next` becomes this one's. A page that adds nothing ends the chain
    /// (pages that name each other in a ring cannot make a reader fetch
    /// for ever). Returns how many entries were added.
    pub fn append_page(&mut self, older: Catalog) -> usize {
        let mut known = self.ids();
        self.append_page_known(older, &mut known)
    }

    /// The ids of the stories listed, for [`Catalog::append_page_known`].
    pub fn ids(&self) -> std::collections::HashSet<String> {
        self.entries.iter().map(|e| e.id.clone()).collect()
    }

    /// [`Catalog::append_page`] with the ids listed so far kept by the
    /// caller (from [`Catalog::ids`]) and updated: a chain of pages read
    /// with one set costs time in proportion to its entries.
    pub fn append_page_known(
        &mut self,
        older: Catalog,
        known: &mut std::collections::HashSet<String>,
    ) -> usize {
        let before = self.entries.len();
        self.entries.extend(older.entries.into_iter().filter(|e| known.insert(e.id.clone())));
        let added = self.entries.len() - before;
        self.next = if added == 0 { None } else { older.next };
        self.total = older.total.or(self.total);
        added
    }

    /// Stories in the whole catalog, on every page (what is loaded, when
    /// the catalog does not say).
    pub fn total(&self) -> usize {
        self.total.map_or(self.entries.len(), |t| (t as usize).max(self.entries.len()))
    }
}

/// One story in a catalog.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Position in the file's `stories` array (for messages: `stories[3]`).
    pub index: usize,
    pub id: String,
    pub title: String,
    /// The language of the title and dek (the story's), when given.
    pub lang: Option<String>,
    pub published: Option<Timestamp>,
    pub source: Source,
    /// The bundle's `story.json`; `None` when the file's `href` was unsafe.
    pub href: Option<SafeUrl>,
    pub dek: Option<String>,
    /// Boxed: an `Image` is 304 bytes inline, and a build holds every
    /// entry of the catalog (this halves an entry, 576 -> 280 bytes).
    pub thumbnail: Option<Box<Image>>,
    pub tags: Vec<String>,
}

/// A file told apart by its `format`: a story or a catalog.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)] // one per file, moved once
pub enum Document {
    Story(Story),
    Catalog(Catalog),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(i: &Inline) -> Vec<(&str, bool, bool)> {
        i.runs().map(|r| (r.text, r.marks.em, r.marks.strong)).collect()
    }

    #[test]
    fn a_copy_keeps_the_reading_time_worked_out_before_it() {
        let base = crate::url::Url::parse("https://news.example/s/a/story.json").expect("a URL");
        let json = br#"{"format": "story/1.1", "id": "a", "lang": "en", "title": "T", "sections": [{"blocks": [{"type": "paragraph", "text": "One two three."}]}]}"#;
        let parsed = crate::parse_story(json, &base);
        let story = parsed.value.unwrap_or_else(|| panic!("{:?}", parsed.diagnostics));
        assert!(story.minutes.0.get().is_none(), "not worked out until asked");
        assert_eq!(story.reading_minutes(), 1);
        // A copy keeps what was worked out: it does not count every word again.
        assert_eq!(story.clone().minutes.0.get(), Some(&1));
    }

    #[test]
    fn inline_keeps_runs_and_their_marks() {
        let em = Marks { em: true, ..Marks::default() };
        let strong = Marks { strong: true, ..Marks::default() };

        let mut plain = Inline::default();
        assert!(plain.is_empty());
        assert_eq!(runs(&plain), []);
        plain.push("Prices ", Marks::PLAIN);
        plain.push("fell", Marks::PLAIN);
        // Plain runs side by side read the same as one.
        assert_eq!(runs(&plain), [("Prices fell", false, false)]);

        let mut marked = Inline::plain("Prices ");
        marked.push("fell", em.clone());
        marked.push(" by ", Marks::PLAIN);
        marked.push("", strong.clone());
        marked.push("a third", strong);
        assert_eq!(marked.text(), "Prices fell by a third");
        assert_eq!(
            runs(&marked),
            [
                ("Prices ", false, false),
                ("fell", true, false),
                (" by ", false, false),
                ("", false, true),
                ("a third", false, true)
            ]
        );

        let mut first_marked = Inline::default();
        first_marked.push("Só", em);
        first_marked.push("为什么", Marks::PLAIN);
        assert_eq!(runs(&first_marked), [("Só", true, false), ("为什么", false, false)]);
    }
}
