//! What a story and a catalog are, after validation. Every URL in here is a
//! [`SafeUrl`]; anything that failed validation is left out (and reported).

use crate::date::Timestamp;
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
    pub byline: Option<String>,
    pub source: Source,
    pub hero: Option<Image>,
    pub tags: Vec<String>,
    pub sections: Vec<Section>,
    /// Every image URL the story names, with its JSON path (`hero.src`,
    /// `sections[1].blocks[4].srcset[0].src`): what a bundle must ship.
    pub assets: Vec<Asset>,
}

/// An image URL named by a file, with where it was named.
#[derive(Clone, Debug, PartialEq)]
pub struct Asset {
    /// JSON path of the field, e.g. `hero.src`.
    pub path: String,
    pub url: SafeUrl,
}

impl Story {
    /// Minutes to read the whole story (CJK text counted by characters).
    pub fn reading_minutes(&self) -> u32 {
        let (mut words, mut cjk) = (0, 0);
        let mut add = |s: &str| {
            let (w, c) = crate::text::count_words(s);
            words += w;
            cjk += c;
        };
        for section in &self.sections {
            if let Some(h) = &section.heading {
                add(h);
            }
            for block in &section.blocks {
                match block {
                    Block::Paragraph(runs) => runs.iter().for_each(|r| add(&r.text)),
                    Block::Quote { text, .. } => text.iter().for_each(|r| add(&r.text)),
                    Block::List { items, .. } => items.iter().flatten().for_each(|r| add(&r.text)),
                    Block::Image(_) => {}
                }
            }
        }
        crate::text::reading_minutes(words, cjk)
    }
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
}

impl Image {
    /// The `srcset` attribute value (`a.jpg 800w, b.jpg 1600w`), if any.
    pub fn srcset_attr(&self) -> Option<String> {
        if self.srcset.is_empty() {
            return None;
        }
        let parts: Vec<String> = self.srcset.iter().map(|(u, w)| format!("{u} {w}w")).collect();
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

/// Inline text: a sequence of runs.
pub type Inline = Vec<Run>;

/// A piece of inline text with its marks.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Run {
    pub text: String,
    pub em: bool,
    pub strong: bool,
    pub code: bool,
    /// A link target; `None` for plain text and for links whose URL was unsafe.
    pub href: Option<SafeUrl>,
    /// A link to a section of this story (`"href": "#why-now"`): the
    /// section's id. The viewer scrolls to it in place.
    pub section: Option<String>,
}

impl Run {
    /// A plain text run.
    pub fn plain(text: impl Into<String>) -> Self {
        Run { text: text.into(), ..Run::default() }
    }
}

/// One block of a section. Blocks of unknown types are skipped when parsing.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Paragraph(Inline),
    Quote { text: Inline, cite: Option<String> },
    List { ordered: bool, items: Vec<Inline> },
    /// Boxed: an image is ~250 bytes, the other blocks ~50, and a story
    /// holds up to 50,000 blocks.
    Image(Box<Image>),
}

/// A `stories.json`: a list of stories, newest first.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalog {
    pub minor_version: u32,
    /// The list's heading; `"Stories"` by default.
    pub title: String,
    /// Sorted newest first by `published` (entries without a valid date last).
    pub entries: Vec<Entry>,
    /// Every thumbnail URL, with its JSON path.
    pub assets: Vec<Asset>,
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
}

/// One story in a catalog.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Position in the file's `stories` array (for messages: `stories[3]`).
    pub index: usize,
    pub id: String,
    pub title: String,
    pub published: Option<Timestamp>,
    pub source: Source,
    /// The bundle's `story.json`; `None` when the file's `href` was unsafe.
    pub href: Option<SafeUrl>,
    pub dek: Option<String>,
    pub thumbnail: Option<Image>,
    pub tags: Vec<String>,
}

/// A file told apart by its `format`: a story or a catalog.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)] // one per file, moved once
pub enum Document {
    Story(Story),
    Catalog(Catalog),
}
