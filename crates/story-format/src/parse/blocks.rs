//! Blocks (paragraphs, quotes, lists, images): their types, their fields,
//! and the block each `type` makes. The text inside them is `inline.rs`'s.

use std::borrow::Cow;

use serde::de::{IgnoredAny, MapAccess, SeqAccess};
use serde_json::value::RawValue;

use super::cx::{truncate, Cx};
use super::images::{ImageAcc, ImageField, ImageShape};
use super::inline::InlineShape;
use super::lists::{self, ItemsShape};
use super::media::{GalleryShape, MediaAcc};
use super::shape::{first_of, read_fields, At, Field, Fields, Shape};
use super::slot::{skip_rest, Slot};
use crate::diag::{Code, Path};
use crate::json::{Key, Source as ValueSource, Val, ValSeed};
use crate::limits::MAX_BLOCKS;
use std::sync::OnceLock;

use crate::limits::{MAX_TABLE_CELLS, MAX_TABLE_COLUMNS};
use crate::model::{Align, Block, BlockType, Image, Inline, ListItem, Table};

fields!(
    /// Every field of any block type; [`BlockType::fields`] says which
    /// ones each type allows (`type` first in each).
    BlockField {
        Type = "type",
        Text = "text",
        Cite = "cite",
        Items = "items",
        Ordered = "ordered",
        Start = "start",
        Src = "src",
        Alt = "alt",
        Width = "width",
        Height = "height",
        Srcset = "srcset",
        Caption = "caption",
        Credit = "credit",
        Focus = "focus",
        Language = "language",
        Level = "level",
        Id = "id",
        Header = "header",
        Rows = "rows",
        Align = "align",
        Link = "link",
        Images = "images",
        Title = "title",
        Poster = "poster",
        Captions = "captions",
        Url = "url",
        Network = "network",
        Author = "author",
        Handle = "handle",
        Date = "date",
        Image = "image",
    }
);

shape!(BlocksShape);
impl<'de> Shape<'de> for BlocksShape<'_, '_, '_> {
    type Out = Vec<Block>;
    const WANT: &'static str = "an array of blocks";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            if cx.blocks >= MAX_BLOCKS {
                // Past the limit: only count what is left.
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    cx.blocks += 1;
                    i += 1;
                }
                break;
            }
            let p = path.index(i);
            let Some(slot) = seq.next_element_seed(BlockShape::seed(cx, &p))? else { break };
            cx.blocks += 1;
            i += 1;
            if let Slot::Got(b) = slot {
                out.push(b);
            }
        }
        if i == 0 {
            cx.sink.error(Code::Invalid, path, "a section needs at least one block");
        }
        Ok(Slot::Got(out))
    }
}

shape!(BlockShape);
impl<'de> Shape<'de> for BlockShape<'_, '_, '_> {
    type Out = Block;
    const WANT: &'static str = "a string, an array of runs or an object with a \"type\"";
    at_impl!();
    fn on_str(self, s: Cow<'de, str>) -> Slot<Block> {
        Slot::Got(Block::Paragraph(Inline::plain(s)))
    }
    fn on_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Slot<Block>, A::Error> {
        let At { cx, path } = self.0;
        Ok(match InlineShape(At { cx, path }).on_seq(seq)? {
            Slot::Got(runs) => Slot::Got(Block::Paragraph(runs)),
            _ => Slot::Bad,
        })
    }
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Block>, A::Error> {
        let At { cx, path } = self.0;
        // Usually `type` comes first: read the rest knowing it.
        let first = map.next_key::<Key<'de>>()?;
        if let Some(Key(k)) = &first {
            if k == "type" {
                let ty = map.next_value_seed(ValSeed)?;
                let Some(kind) = block_type(cx, ty, path) else {
                    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                    return Ok(Slot::Bad);
                };
                let mut acc = BlockAcc::new(kind);
                read_fields(cx, &mut map, path, fields_of(kind), 1, &mut acc)?;
                return Ok(acc.finish(cx, kind, path));
            }
        }
        // Otherwise capture the fields as raw JSON, find `type`, then read them.
        let mut fields: Vec<(Cow<'de, str>, &'de RawValue)> = Vec::new();
        if let Some(Key(k)) = first {
            fields.push((k, map.next_value()?));
        }
        while let Some(Key(k)) = map.next_key()? {
            fields.push((k, map.next_value()?));
        }
        let ty = fields
            .iter()
            .find(|(k, _)| k == "type")
            .map(|(_, raw)| ValueSource::<A>::Raw(raw).value(ValSeed))
            .transpose()?;
        let Some(ty) = ty else {
            cx.missing(path, "type");
            return Ok(Slot::Bad);
        };
        let Some(kind) = block_type(cx, ty, path) else { return Ok(Slot::Bad) };
        let known = fields_of(kind);
        let mut acc = BlockAcc::new(kind);
        let mut seen = 0u32;
        for (k, raw) in fields {
            // `type` (read above) is skipped by `BlockAcc::field`.
            if let Some(f) = first_of(cx, path, known, &mut seen, &k) {
                acc.field(cx, f, &mut ValueSource::<A>::Raw(raw), path)?;
            }
        }
        Ok(acc.finish(cx, kind, path))
    }
}

/// The parser's field list for a block type: the one declaration's
/// ([`BlockType::fields`]) as [`BlockField`]s, built once. A declared field
/// without a `BlockField` is a test failure (`every_declared_block_field_is_read`).
pub(super) fn fields_of(t: BlockType) -> &'static [BlockField] {
    static LISTS: OnceLock<Vec<Vec<BlockField>>> = OnceLock::new();
    let lists = LISTS.get_or_init(|| {
        BlockType::ALL
            .iter()
            .map(|t| {
                t.fields()
                    .iter()
                    .filter_map(|name| BlockField::ALL.iter().copied().find(|f| f.name() == *name))
                    .collect()
            })
            .collect()
    });
    // `ALL` lists the types in declaration order, as their discriminants count.
    &lists[t as usize]
}

/// The block's `type`, or `None` (reported) when the type is not a string
/// or is unknown.
fn block_type(cx: &mut Cx<'_>, ty: Val<'_>, path: &Path<'_>) -> Option<BlockType> {
    match ty {
        Val::Str(t) => match BlockType::from_name(&t) {
            Some(kind) => Some(kind),
            None => {
                cx.sink.warning(
                    Code::UnknownBlock,
                    &path.field("type"),
                    format!("unknown block type \"{}\", skipped", truncate(&t, 60)),
                );
                None
            }
        },
        Val::Null => {
            cx.missing(path, "type");
            None
        }
        other => {
            cx.type_error(&path.field("type"), "a string", other.kind());
            None
        }
    }
}

#[derive(Default)]
struct BlockAcc<'de> {
    /// Set first: a code block's or a sub-heading's `text` is a string
    /// (any other block's is inline text), a table's or a gallery's
    /// `caption` is its own (not an image's), and a video's `src` is not an
    /// image's.
    kind: Option<BlockType>,
    own_caption: Option<Slot<Inline>>,
    header: Option<Slot<Vec<Inline>>>,
    rows: Option<Slot<Vec<Vec<Inline>>>>,
    align: Option<Slot<Vec<Option<Align>>>>,
    text: Option<Slot<Inline>>,
    verbatim: Option<Val<'de>>,
    language: Option<Val<'de>>,
    level: Option<Val<'de>>,
    id: Option<Val<'de>>,
    cite: Option<Val<'de>>,
    items: Option<Slot<Vec<ListItem>>>,
    ordered: Option<Val<'de>>,
    start: Option<Val<'de>>,
    link: Option<Val<'de>>,
    image: ImageAcc<'de>,
    /// Only for the media blocks: boxed, so that the accumulator of every
    /// other block (50,000 in a story at the limits) stays small.
    media: Option<Box<MediaAcc<'de>>>,
}

impl<'de> Fields<'de> for BlockAcc<'de> {
    type Field = BlockField;
    fn field<A: MapAccess<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        f: BlockField,
        src: &mut ValueSource<'_, 'de, A>,
        path: &Path<'_>,
    ) -> Result<(), A::Error> {
        let p = path.field(f.name());
        let image_field = match f {
            BlockField::Type => return src.skip(), // read before
            BlockField::Text if matches!(self.kind, Some(BlockType::Code | BlockType::Heading)) => {
                self.verbatim = Some(src.value(ValSeed)?);
                None
            }
            BlockField::Text => {
                self.text = Some(src.value(InlineShape::seed(cx, &p))?);
                None
            }
            BlockField::Language => {
                self.language = Some(src.value(ValSeed)?);
                None
            }
            BlockField::Caption if matches!(self.kind, Some(BlockType::Table | BlockType::Gallery)) => {
                self.own_caption = Some(src.value(InlineShape::seed(cx, &p))?);
                None
            }
            BlockField::Src if self.kind == Some(BlockType::Video) => {
                self.media().src = Some(src.value(ValSeed)?);
                None
            }
            BlockField::Images => {
                self.media().images = Some(src.value(GalleryShape::seed(cx, &p))?);
                None
            }
            BlockField::Image => {
                self.media().image = Some(src.value(ImageShape::seed(cx, &p))?);
                None
            }
            BlockField::Title
            | BlockField::Poster
            | BlockField::Captions
            | BlockField::Url
            | BlockField::Network
            | BlockField::Author
            | BlockField::Handle
            | BlockField::Date => {
                let m = self.media();
                let slot = match f {
                    BlockField::Title => &mut m.title,
                    BlockField::Poster => &mut m.poster,
                    BlockField::Captions => &mut m.captions,
                    BlockField::Url => &mut m.url,
                    BlockField::Network => &mut m.network,
                    BlockField::Author => &mut m.author,
                    BlockField::Handle => &mut m.handle,
                    _ => &mut m.date,
                };
                *slot = Some(src.value(ValSeed)?);
                None
            }
            BlockField::Header => {
                self.header = Some(src.value(RowShape::seed(cx, &p))?);
                None
            }
            BlockField::Rows => {
                self.rows = Some(src.value(RowsShape::seed(cx, &p))?);
                None
            }
            BlockField::Align => {
                self.align = Some(src.value(AlignShape::seed(cx, &p))?);
                None
            }
            BlockField::Level => {
                self.level = Some(src.value(ValSeed)?);
                None
            }
            BlockField::Id => {
                self.id = Some(src.value(ValSeed)?);
                None
            }
            BlockField::Cite => {
                self.cite = Some(src.value(ValSeed)?);
                None
            }
            BlockField::Items => {
                self.items = Some(src.value(ItemsShape::seed(cx, &p))?);
                None
            }
            BlockField::Ordered => {
                self.ordered = Some(src.value(ValSeed)?);
                None
            }
            BlockField::Link => {
                self.link = Some(src.value(ValSeed)?);
                None
            }
            BlockField::Start => {
                self.start = Some(src.value(ValSeed)?);
                None
            }
            BlockField::Src => Some(ImageField::Src),
            BlockField::Alt => Some(ImageField::Alt),
            BlockField::Width => Some(ImageField::Width),
            BlockField::Height => Some(ImageField::Height),
            BlockField::Srcset => Some(ImageField::Srcset),
            BlockField::Caption => Some(ImageField::Caption),
            BlockField::Credit => Some(ImageField::Credit),
            BlockField::Focus => Some(ImageField::Focus),
        };
        if let Some(f) = image_field {
            self.image.field(cx, f, src, path)?;
        }
        Ok(())
    }
}

impl<'de> BlockAcc<'de> {
    fn media(&mut self) -> &mut MediaAcc<'de> {
        self.media.get_or_insert_with(Box::default)
    }

    fn new(kind: BlockType) -> Self {
        BlockAcc { kind: Some(kind), ..BlockAcc::default() }
    }

    fn finish(self, cx: &mut Cx<'_>, kind: BlockType, path: &Path<'_>) -> Slot<Block> {
        let text = |cx: &mut Cx<'_>, t: Option<Slot<Inline>>| match t {
            None | Some(Slot::Null) => {
                cx.missing(path, "text");
                None
            }
            Some(t) => t.get(),
        };
        let block = match kind {
            BlockType::Paragraph => text(cx, self.text).map(Block::Paragraph),
            BlockType::Quote => text(cx, self.text)
                .map(|text| Block::Quote { text, cite: cx.opt_text(self.cite, "cite", path) }),
            BlockType::PullQuote => text(cx, self.text)
                .map(|text| Block::PullQuote { text, cite: cx.opt_text(self.cite, "cite", path) }),
            BlockType::Gallery => {
                self.media.unwrap_or_default().gallery(cx, self.own_caption.and_then(Slot::get), path)
            }
            BlockType::Video => {
                let parts = self.image.parts(cx, path);
                self.media.unwrap_or_default().video(cx, parts, path)
            }
            BlockType::Social => self.media.unwrap_or_default().social(cx, self.text, path),
            BlockType::List => lists::list(cx, self.items, self.ordered, self.start, path).map(Block::List),
            BlockType::Image => {
                let link = cx.opt_link(self.link, "link", path);
                self.image.finish(cx, path).map(|i| Block::Image(Box::new(Image { link, ..i })))
            }
            BlockType::Code => {
                let language = cx.opt_text(self.language, "language", path);
                match cx.req_str(self.verbatim, "text", path) {
                    Some(t) if t.trim().is_empty() => {
                        cx.sink.error(Code::Invalid, &path.field("text"), "a code block needs text");
                        None
                    }
                    // Kept as written: every space and line matters.
                    t => t.map(|text| Block::Code { text: text.into_owned(), language }),
                }
            }
            BlockType::Divider => Some(Block::Divider),
            BlockType::Heading => self.heading(cx, path),
            BlockType::Table => self.table(cx, path),
        };
        block.map_or(Slot::Bad, Slot::Got)
    }
}

impl BlockAcc<'_> {
    /// A sub-heading: its text (as a section heading's), its level (3 when
    /// absent) and its own id, if any (settled with every section's, once
    /// the story is read).
    fn heading(self, cx: &mut Cx<'_>, path: &Path<'_>) -> Option<Block> {
        let text = match cx.opt_text(self.verbatim, "text", path) {
            Some(t) => t,
            None => {
                cx.missing(path, "text");
                return None;
            }
        };
        let level = match self.level {
            None | Some(Val::Null) | Some(Val::Int(3)) => 3,
            Some(Val::Int(4)) => 4,
            Some(Val::Int(_) | Val::Float(_)) => {
                cx.sink.error(Code::Invalid, &path.field("level"), "a sub-heading's level is 3 or 4");
                3
            }
            Some(other) => {
                cx.type_error(&path.field("level"), "3 or 4", other.kind());
                3
            }
        };
        let id = match cx.opt_str(self.id, "id", path) {
            Some(id) if crate::text::is_valid_section_id(&id) => id.into_owned(),
            Some(_) => {
                cx.sink.error(
                    Code::Invalid,
                    &path.field("id"),
                    format!(
                        "a sub-heading's id must be 1-{} characters with no spaces",
                        crate::limits::MAX_SECTION_ID_CHARS
                    ),
                );
                String::new()
            }
            None => String::new(),
        };
        Some(Block::Heading { text, level, id })
    }
}

impl BlockAcc<'_> {
    /// A table: at least one row; every row as wide as the widest (the
    /// header counts), short rows filled with empty cells.
    fn table(self, cx: &mut Cx<'_>, path: &Path<'_>) -> Option<Block> {
        let rows = match self.rows {
            None | Some(Slot::Null) => {
                cx.missing(path, "rows");
                return None;
            }
            Some(Slot::Bad) => return None,
            Some(Slot::Got(rows)) if rows.is_empty() => {
                cx.sink.error(Code::Invalid, &path.field("rows"), "a table needs at least one row");
                return None;
            }
            Some(Slot::Got(rows)) => rows,
        };
        let header = self.header.and_then(Slot::get).unwrap_or_default();
        let align = self.align.and_then(Slot::get).unwrap_or_default();
        let columns = rows.iter().map(Vec::len).chain([header.len(), align.len()]).max().unwrap_or(0);
        if columns > MAX_TABLE_COLUMNS {
            cx.sink.error(
                Code::Limit,
                path,
                format!("the table has {columns} columns, over the limit of {MAX_TABLE_COLUMNS}"),
            );
            return None;
        }
        let fill = |mut row: Vec<Inline>| {
            row.resize_with(columns, Inline::default);
            row
        };
        let header = if header.is_empty() { header } else { fill(header) };
        let mut align = align;
        align.resize(columns, None);
        let caption = self.own_caption.and_then(Slot::get);
        Some(Block::Table(Box::new(Table {
            caption,
            header,
            rows: rows.into_iter().map(fill).collect(),
            align,
        })))
    }
}

// A table's rows: each an array of cells. Cells are counted as they are
// read: past [`MAX_TABLE_CELLS`] the rest is skipped and the table refused.
shape!(RowsShape);
impl<'de> Shape<'de> for RowsShape<'_, '_, '_> {
    type Out = Vec<Vec<Inline>>;
    const WANT: &'static str = "an array of rows (each an array of cells)";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut rows = Vec::new();
        let mut cells = 0usize;
        loop {
            let p = path.index(rows.len());
            let Some(slot) = seq.next_element_seed(RowShape::seed(cx, &p))? else { break };
            let row = slot.get().unwrap_or_default();
            cells += row.len();
            if cells > MAX_TABLE_CELLS {
                skip_rest(&mut seq)?;
                cx.sink.error(
                    Code::Limit,
                    path,
                    format!("the table has more than {MAX_TABLE_CELLS} cells, the limit of one table"),
                );
                return Ok(Slot::Bad);
            }
            rows.push(row);
        }
        Ok(Slot::Got(rows))
    }
}

// One row: its cells, each inline text; a cell that cannot be read stays
// as an empty one, so that the columns keep their places.
shape!(RowShape);
impl<'de> Shape<'de> for RowShape<'_, '_, '_> {
    type Out = Vec<Inline>;
    const WANT: &'static str = "an array of cells";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut row = Vec::new();
        loop {
            if row.len() > MAX_TABLE_COLUMNS {
                skip_rest(&mut seq)?;
                break;
            }
            let p = path.index(row.len());
            let Some(slot) = seq.next_element_seed(InlineShape::seed(cx, &p))? else { break };
            row.push(slot.get().unwrap_or_default());
        }
        Ok(Slot::Got(row))
    }
}

// Each column's alignment: `"left"`, `"center"`, `"right"` or `null`.
shape!(AlignShape);
impl<'de> Shape<'de> for AlignShape<'_, '_, '_> {
    type Out = Vec<Option<Align>>;
    const WANT: &'static str = "an array of \"left\", \"center\", \"right\" or null";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(ValSeed)? {
            if out.len() > MAX_TABLE_COLUMNS {
                continue;
            }
            let p = path.index(out.len());
            out.push(match v {
                Val::Null => None,
                Val::Str(s) if s == "left" => Some(Align::Left),
                Val::Str(s) if s == "center" => Some(Align::Center),
                Val::Str(s) if s == "right" => Some(Align::Right),
                Val::Str(s) => {
                    let shown = truncate(&s, 20);
                    cx.sink.error(
                        Code::Invalid,
                        &p,
                        format!("\"{shown}\" is not \"left\", \"center\" or \"right\""),
                    );
                    None
                }
                other => {
                    cx.type_error(&p, "\"left\", \"center\", \"right\" or null", other.kind());
                    None
                }
            });
        }
        Ok(Slot::Got(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::shape::Field;

    #[test]
    fn every_declared_block_field_is_read() {
        for &t in BlockType::ALL {
            let read: Vec<&str> = fields_of(t).iter().map(|f| f.name()).collect();
            assert_eq!(read, t.fields(), "{}: a declared field has no BlockField", t.name());
        }
        for f in BlockField::ALL {
            let used = BlockType::ALL.iter().any(|t| t.fields().contains(&f.name()));
            assert!(used, "BlockField {:?} belongs to no block type", f.name());
        }
    }
}
