//! The story object and its sections. Section ids are settled once every
//! section is read (an explicit id is reserved before any derived one).

use std::collections::HashSet;

use serde::de::{MapAccess, SeqAccess};

use super::blocks::BlocksShape;
use super::common::{AuthorsShape, CorrectionsShape, SourceShape, TagsShape};
use super::cx::Cx;
use super::images::ImageShape;
use super::shape::{read_fields, At, Field, Fields, Shape};
use super::slot::{skip_rest, Slot};
use crate::date::Timestamp;
use crate::diag::{Code, Diagnostic, Path};
use crate::json::{Source as ValueSource, Val, ValSeed};
use crate::limits::{MAX_BLOCKS, MAX_SECTIONS, MAX_SECTION_ID_CHARS};
use crate::model::{Block, Image, Section, Source, Story};
use crate::text;

fields!(
    /// A story's fields (`format` first: the root reads it).
    StoryField {
        Format = "format",
        Id = "id",
        Lang = "lang",
        Title = "title",
        Dek = "dek",
        Published = "published",
        Updated = "updated",
        Byline = "byline",
        Authors = "authors",
        Corrections = "corrections",
        Source = "source",
        Hero = "hero",
        Tags = "tags",
        Sections = "sections",
    }
);

fields!(
    /// A section's fields.
    SectionField { Heading = "heading", Id = "id", Blocks = "blocks" }
);

/// The story's fields, each validated as it arrives (so diagnostics come in
/// file order); `None`: not seen yet (required ones are reported at the end).
#[derive(Default)]
pub(super) struct StoryAcc {
    id: Option<String>,
    lang: Option<Option<String>>,
    title: Option<String>,
    dek: Option<String>,
    published: Option<Option<Timestamp>>,
    updated: Option<Timestamp>,
    byline: Option<String>,
    authors: Vec<crate::model::Author>,
    corrections: Vec<crate::model::Correction>,
    source: Option<Slot<Source>>,
    hero: Option<Image>,
    tags: Vec<String>,
    sections: Option<Slot<Vec<RawSection>>>,
}

impl<'de> Fields<'de> for StoryAcc {
    type Field = StoryField;
    fn field<A: MapAccess<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        f: StoryField,
        src: &mut ValueSource<'_, 'de, A>,
        path: &Path<'_>,
    ) -> Result<(), A::Error> {
        let p = path.field(f.name());
        match f {
            StoryField::Format => src.skip()?, // read by the root
            StoryField::Id => self.id = Some(cx.id(Some(src.value(ValSeed)?), path)),
            StoryField::Lang => self.lang = Some(cx.lang(Some(src.value(ValSeed)?), path)),
            StoryField::Title => self.title = Some(cx.title(Some(src.value(ValSeed)?), path)),
            StoryField::Dek => self.dek = cx.opt_text(Some(src.value(ValSeed)?), "dek", path),
            StoryField::Published => {
                self.published = Some(cx.req_timestamp(Some(src.value(ValSeed)?), "published", path))
            }
            StoryField::Updated => {
                self.updated = cx.opt_timestamp(Some(src.value(ValSeed)?), "updated", path)
            }
            StoryField::Byline => self.byline = cx.opt_text(Some(src.value(ValSeed)?), "byline", path),
            StoryField::Authors => {
                self.authors = src.value(AuthorsShape::seed(cx, &p))?.get().unwrap_or_default()
            }
            StoryField::Corrections => {
                self.corrections = src.value(CorrectionsShape::seed(cx, &p))?.get().unwrap_or_default()
            }
            StoryField::Source => self.source = Some(src.value(SourceShape::seed(cx, &p))?),
            StoryField::Hero => self.hero = src.value(ImageShape::seed(cx, &p))?.get(),
            StoryField::Tags => self.tags = src.value(TagsShape::seed(cx, &p))?.get().unwrap_or_default(),
            StoryField::Sections => self.sections = Some(src.value(SectionsShape::seed(cx, &p))?),
        }
        Ok(())
    }
}

/// Settles every sub-heading's id once the sections' are known, and
/// returns them; a given id that is taken is a warning at its section.
fn sub_heading_ids(cx: &mut Cx<'_>, section_ids: &[String], sections: &mut [RawSection]) -> Vec<String> {
    let mut wanted = Vec::new();
    for (i, s) in sections.iter().enumerate() {
        for b in &s.blocks {
            if let Block::Heading { text, id, .. } = b {
                wanted.push((i, (!id.is_empty()).then_some(id.as_str()), text.as_str()));
            }
        }
    }
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut taken: HashSet<String> = section_ids.iter().cloned().collect();
    let list: Vec<(Option<&str>, &str)> = wanted.iter().map(|(_, own, text)| (*own, *text)).collect();
    let settled = text::sub_heading_ids(&mut taken, &list);
    for ((i, own, _), (id, refused)) in wanted.iter().zip(&settled) {
        if *refused {
            let at = crate::diag::FieldPath::root().field("sections").index(*i);
            cx.sink.push(Diagnostic::warning(
                Code::Duplicate,
                at,
                format!("the id \"{}\" of a sub-heading is taken; it becomes \"{id}\"", own.unwrap_or("")),
            ));
        }
    }
    let ids: Vec<String> = settled.into_iter().map(|(id, _)| id).collect();
    let mut next = ids.iter();
    for s in sections.iter_mut() {
        for b in &mut s.blocks {
            if let Block::Heading { id, .. } = b {
                if let Some(settled) = next.next() {
                    id.clone_from(settled);
                }
            }
        }
    }
    ids
}

/// A section before its id is settled (ids need every section first).
pub(super) struct RawSection {
    heading: Option<String>,
    own_id: Option<String>,
    blocks: Vec<Block>,
}

impl StoryAcc {
    /// The sections read by `parse::Steps`, in place of the empty list the
    /// first pass kept.
    pub(super) fn set_sections(&mut self, sections: Vec<RawSection>) {
        self.sections = Some(Slot::Got(sections));
    }

    pub(super) fn finish(self, cx: &mut Cx<'_>, minor_version: u32) -> Option<Story> {
        if cx.refused.is_some() {
            return None;
        }
        let path = Path::Root;
        // Required fields never seen are reported now.
        let id = self.id.unwrap_or_else(|| cx.id(None, &path));
        let title = self.title.unwrap_or_else(|| cx.title(None, &path));
        let published = self.published.unwrap_or_else(|| cx.req_timestamp(None, "published", &path));
        let source = cx.source(self.source);
        let raw_sections = match self.sections {
            None | Some(Slot::Null) => {
                cx.missing(&path, "sections");
                Vec::new()
            }
            Some(s) => s.get().unwrap_or_default(),
        };
        let lang = self.lang.flatten().unwrap_or_else(|| "en".to_owned());
        let (dek, updated, byline) = (self.dek, self.updated, self.byline);

        let explicit: Vec<Option<&str>> = raw_sections.iter().map(|s| s.own_id.as_deref()).collect();
        let headings: Vec<Option<&str>> = raw_sections.iter().map(|s| s.heading.as_deref()).collect();
        let ids = text::section_ids(&explicit, &headings);
        let mut raw_sections = raw_sections;
        let heading_ids = sub_heading_ids(cx, &ids, &mut raw_sections);
        // Section links must name a section of this story.
        if !cx.section_links.is_empty() {
            let mut known: HashSet<&str> = ids.iter().map(String::as_str).collect();
            known.extend(heading_ids.iter().map(String::as_str));
            for (path, id) in std::mem::take(&mut cx.section_links) {
                if !known.contains(id.as_str()) {
                    cx.sink.push(Diagnostic::warning(
                        Code::Invalid,
                        path,
                        format!("no section has the id \"{id}\"; the link goes nowhere"),
                    ));
                }
            }
        }
        let sections = raw_sections
            .into_iter()
            .zip(ids)
            .map(|(s, id)| Section { heading: s.heading, id, blocks: s.blocks })
            .collect();
        Some(Story {
            minor_version,
            id,
            lang,
            title,
            dek,
            published,
            updated,
            byline,
            authors: self.authors,
            corrections: self.corrections,
            source,
            hero: self.hero,
            tags: self.tags,
            sections,
            minutes: Default::default(),
        })
    }
}

shape!(SectionsShape);
impl<'de> Shape<'de> for SectionsShape<'_, '_, '_> {
    type Out = Vec<RawSection>;
    const WANT: &'static str = "an array of sections";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        // Read a few at a time by `parse::Steps`: only found now.
        if let Some(count) = cx.find_later(&mut seq, MAX_SECTIONS)? {
            if count > MAX_SECTIONS {
                cx.refused = Some(too_many_sections(count, path));
            }
            return Ok(Slot::Got(Vec::new()));
        }
        let mut list = SectionList::default();
        loop {
            if list.count >= MAX_SECTIONS {
                // Past the limit: only count what is left.
                list.count += skip_rest(&mut seq)?;
                break;
            }
            let p = path.index(list.count);
            let Some(slot) = seq.next_element_seed(SectionShape::seed(cx, &p))? else { break };
            list.add(cx, slot, &p);
        }
        Ok(Slot::Got(list.end(cx, path)))
    }
}

fn too_many_sections(count: usize, path: &Path<'_>) -> Diagnostic {
    Diagnostic::error(
        Code::Limit,
        path.kept(),
        format!(
            "the story has {count} sections, over the limit of {MAX_SECTIONS} by {}",
            count - MAX_SECTIONS
        ),
    )
}

/// The sections read so far, in one pass or a few at a time (`parse::Steps`).
#[derive(Default)]
pub(super) struct SectionList {
    out: Vec<RawSection>,
    /// Explicit ids seen so far.
    ids: HashSet<String>,
    /// Sections met, read or not.
    pub(super) count: usize,
}

impl SectionList {
    pub(super) fn with_capacity(n: usize) -> Self {
        SectionList { out: Vec::with_capacity(n), ..SectionList::default() }
    }

    /// Reads section number `count` with `SectionShape` from `de`.
    pub(super) fn read<'de, D: serde::Deserializer<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        path: &Path<'_>,
        de: D,
    ) -> Result<(), D::Error> {
        use serde::de::DeserializeSeed;
        let p = path.index(self.count);
        let slot = SectionShape::seed(cx, &p).deserialize(de)?;
        self.add(cx, slot, &p);
        Ok(())
    }

    /// Keeps section `p` (the next one) if it was read.
    fn add(&mut self, cx: &mut Cx<'_>, slot: Slot<RawSection>, p: &Path<'_>) {
        self.count += 1;
        if let Slot::Got(mut s) = slot {
            // A second section with the same explicit id gets a derived one.
            if let Some(id) = &s.own_id {
                if !self.ids.insert(id.clone()) {
                    cx.sink.error(
                        Code::Duplicate,
                        &p.field("id"),
                        format!("another section already has the id \"{id}\"; this one gets a derived id"),
                    );
                    s.own_id = None;
                }
            }
            self.out.push(s);
        }
    }

    /// The sections, once every one is read: the limits that need them all.
    pub(super) fn end(self, cx: &mut Cx<'_>, path: &Path<'_>) -> Vec<RawSection> {
        let count = self.count;
        if count > MAX_SECTIONS {
            cx.refused = Some(too_many_sections(count, path));
        } else if cx.blocks > MAX_BLOCKS && cx.refused.is_none() {
            cx.refused = Some(Diagnostic::error(
                Code::Limit,
                path.kept(),
                format!(
                    "the story has {} blocks in all, over the limit of {MAX_BLOCKS} by {}",
                    cx.blocks,
                    cx.blocks - MAX_BLOCKS
                ),
            ));
        } else if count == 0 {
            cx.sink.error(Code::Invalid, path, "a story needs at least one section");
        }
        self.out
    }
}

shape!(SectionShape);
impl<'de> Shape<'de> for SectionShape<'_, '_, '_> {
    type Out = RawSection;
    const WANT: &'static str = "an object";
    at_impl!();
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = SectionAcc::default();
        read_fields(cx, &mut map, path, SectionField::ALL, 0, &mut acc)?;
        let heading = cx.opt_text(acc.heading, "heading", path);
        let own_id = match cx.opt_str(acc.id, "id", path) {
            Some(id) if text::is_valid_section_id(&id) => Some(id.into_owned()),
            Some(_) => {
                cx.sink.error(
                    Code::Invalid,
                    &path.field("id"),
                    format!("a section id must be 1-{MAX_SECTION_ID_CHARS} characters with no spaces"),
                );
                None
            }
            None => None,
        };
        let blocks = match acc.blocks {
            None | Some(Slot::Null) => {
                cx.missing(path, "blocks");
                Vec::new()
            }
            Some(b) => b.get().unwrap_or_default(),
        };
        Ok(Slot::Got(RawSection { heading, own_id, blocks }))
    }
}

#[derive(Default)]
struct SectionAcc<'de> {
    heading: Option<Val<'de>>,
    id: Option<Val<'de>>,
    blocks: Option<Slot<Vec<Block>>>,
}

impl<'de> Fields<'de> for SectionAcc<'de> {
    type Field = SectionField;
    fn field<A: MapAccess<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        f: SectionField,
        src: &mut ValueSource<'_, 'de, A>,
        path: &Path<'_>,
    ) -> Result<(), A::Error> {
        match f {
            SectionField::Heading => self.heading = Some(src.value(ValSeed)?),
            SectionField::Id => self.id = Some(src.value(ValSeed)?),
            SectionField::Blocks => {
                let p = path.field(f.name());
                self.blocks = Some(src.value(BlocksShape::seed(cx, &p))?)
            }
        }
        Ok(())
    }
}
