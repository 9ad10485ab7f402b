//! The catalog object and its entries.

use serde::de::{MapAccess, SeqAccess};

use super::common::{SourceShape, TagsShape};
use super::cx::Cx;
use super::images::ImageShape;
use super::shape::{read_fields, At, Field, Fields, Shape};
use super::slot::{present, skip_rest, Slot};
use crate::diag::{Code, Diagnostic, Path};
use crate::json::{Source as ValueSource, Val, ValSeed};
use crate::limits::MAX_ENTRIES;
use crate::model::{Catalog, Entry, Image, Source};

fields!(
    /// A catalog's fields (`format` first: the root reads it).
    CatalogField {
        Format = "format",
        Title = "title",
        Image = "image",
        Stories = "stories",
        Next = "next",
        Prev = "prev",
        Total = "total",
    }
);

fields!(
    /// A catalog entry's fields.
    EntryField {
        Id = "id",
        Title = "title",
        Lang = "lang",
        Published = "published",
        Source = "source",
        Href = "href",
        Dek = "dek",
        Thumbnail = "thumbnail",
        Tags = "tags",
    }
);

#[derive(Default)]
pub(super) struct CatalogAcc<'de> {
    title: Option<Val<'de>>,
    image: Option<Image>,
    stories: Option<Slot<Vec<Entry>>>,
    next: Option<Val<'de>>,
    prev: Option<Val<'de>>,
    total: Option<Val<'de>>,
}

impl<'de> Fields<'de> for CatalogAcc<'de> {
    type Field = CatalogField;
    fn field<A: MapAccess<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        f: CatalogField,
        src: &mut ValueSource<'_, 'de, A>,
        path: &Path<'_>,
    ) -> Result<(), A::Error> {
        let p = path.field(f.name());
        match f {
            CatalogField::Format => src.skip()?, // read by the root
            CatalogField::Title => self.title = Some(src.value(ValSeed)?),
            CatalogField::Image => self.image = src.value(ImageShape::seed(cx, &p))?.get(),
            CatalogField::Stories => self.stories = Some(src.value(EntriesShape::seed(cx, &p))?),
            CatalogField::Next => self.next = Some(src.value(ValSeed)?),
            CatalogField::Prev => self.prev = Some(src.value(ValSeed)?),
            CatalogField::Total => self.total = Some(src.value(ValSeed)?),
        }
        Ok(())
    }
}

impl CatalogAcc<'_> {
    /// The entries read by `parse::Steps`, in place of the empty list the
    /// first pass kept.
    pub(super) fn set_entries(&mut self, entries: Vec<Entry>) {
        self.stories = Some(Slot::Got(entries));
    }

    pub(super) fn finish(self, cx: &mut Cx<'_>, minor_version: u32) -> Option<Catalog> {
        if cx.refused.is_some() {
            return None;
        }
        let path = Path::Root;
        let title = cx.opt_text(self.title, "title", &path);
        let titled = title.is_some();
        let title = title.unwrap_or_else(|| "Stories".to_owned());
        if !present(&self.stories) {
            cx.missing(&path, "stories");
        }
        let mut entries = self.stories.and_then(Slot::get).unwrap_or_default();
        // Newest first; entries without a valid date last; stable otherwise.
        entries.sort_by(|a, b| match (&a.published, &b.published) {
            (Some(x), Some(y)) => y.cmp(x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        let next = cx.opt_url(self.next, "next", &path);
        let prev = cx.opt_url(self.prev, "prev", &path);
        for (name, page) in [("next", &next), ("prev", &prev)] {
            if page.as_ref().is_some_and(|u| cx.is_this_file(u)) {
                cx.sink.error(
                    Code::Invalid,
                    &path.field(name),
                    "a page of a catalog cannot name itself as the page before or after it",
                );
            }
        }
        let total = match self.total {
            None | Some(Val::Null) => None,
            Some(Val::Int(n)) if (0..=i128::from(u32::MAX)).contains(&n) => {
                let n = n as u32;
                if (n as usize) < entries.len() {
                    cx.sink.error(
                        Code::Invalid,
                        &path.field("total"),
                        format!("the catalog lists {} stories, more than its total of {n}", entries.len()),
                    );
                }
                Some(n)
            }
            Some(other) => {
                cx.type_error(&path.field("total"), "a whole number", other.kind());
                None
            }
        };
        Some(Catalog { minor_version, title, titled, image: self.image, entries, next, prev, total })
    }
}

shape!(EntriesShape);
impl<'de> Shape<'de> for EntriesShape<'_, '_, '_> {
    type Out = Vec<Entry>;
    const WANT: &'static str = "an array of entries";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        // Read a few at a time by `parse::Steps`: only found now.
        if let Some(count) = cx.find_later(&mut seq, MAX_ENTRIES)? {
            if count > MAX_ENTRIES {
                cx.refused = Some(too_many_entries(count, path));
            }
            return Ok(Slot::Got(Vec::new()));
        }
        let mut list = EntryList::default();
        loop {
            if list.count >= MAX_ENTRIES {
                // Past the limit: only count what is left.
                list.count += skip_rest(&mut seq)?;
                break;
            }
            let p = path.index(list.count);
            let Some(slot) = seq.next_element_seed(EntryShape::seed(cx, &p))? else { break };
            list.add(slot);
        }
        if list.count > MAX_ENTRIES {
            cx.refused = Some(too_many_entries(list.count, path));
        }
        Ok(Slot::Got(list.out))
    }
}

fn too_many_entries(count: usize, path: &Path<'_>) -> Diagnostic {
    Diagnostic::error(
        Code::Limit,
        path.kept(),
        format!(
            "the catalog has {count} entries, over the limit of {MAX_ENTRIES} by {}",
            count - MAX_ENTRIES
        ),
    )
}

/// The entries read so far, in one pass or a few at a time (`parse::Steps`).
#[derive(Default)]
pub(super) struct EntryList {
    pub(super) out: Vec<Entry>,
    /// Entries met, read or not.
    pub(super) count: usize,
}

impl EntryList {
    pub(super) fn with_capacity(n: usize) -> Self {
        EntryList { out: Vec::with_capacity(n), count: 0 }
    }

    /// Reads entry number `count` with `EntryShape` from `de`.
    pub(super) fn read<'de, D: serde::Deserializer<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        path: &Path<'_>,
        de: D,
    ) -> Result<(), D::Error> {
        use serde::de::DeserializeSeed;
        let p = path.index(self.count);
        let slot = EntryShape::seed(cx, &p).deserialize(de)?;
        self.add(slot);
        Ok(())
    }

    fn add(&mut self, slot: Slot<Entry>) {
        if let Slot::Got(mut e) = slot {
            e.index = self.count;
            self.out.push(e);
        }
        self.count += 1;
    }
}

#[derive(Default)]
struct EntryAcc<'de> {
    id: Option<Val<'de>>,
    title: Option<Val<'de>>,
    lang: Option<Val<'de>>,
    published: Option<Val<'de>>,
    source: Option<Slot<Source>>,
    href: Option<Val<'de>>,
    dek: Option<Val<'de>>,
    thumbnail: Option<Image>,
    tags: Vec<String>,
}

impl<'de> Fields<'de> for EntryAcc<'de> {
    type Field = EntryField;
    fn field<A: MapAccess<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        f: EntryField,
        src: &mut ValueSource<'_, 'de, A>,
        path: &Path<'_>,
    ) -> Result<(), A::Error> {
        let p = path.field(f.name());
        match f {
            EntryField::Id => self.id = Some(src.value(ValSeed)?),
            EntryField::Title => self.title = Some(src.value(ValSeed)?),
            EntryField::Lang => self.lang = Some(src.value(ValSeed)?),
            EntryField::Published => self.published = Some(src.value(ValSeed)?),
            EntryField::Source => self.source = Some(src.value(SourceShape::seed(cx, &p))?),
            EntryField::Href => self.href = Some(src.value(ValSeed)?),
            EntryField::Dek => self.dek = Some(src.value(ValSeed)?),
            EntryField::Thumbnail => self.thumbnail = src.value(ImageShape::seed(cx, &p))?.get(),
            EntryField::Tags => self.tags = src.value(TagsShape::seed(cx, &p))?.get().unwrap_or_default(),
        }
        Ok(())
    }
}

shape!(EntryShape);
impl<'de> Shape<'de> for EntryShape<'_, '_, '_> {
    type Out = Entry;
    const WANT: &'static str = "an object";
    at_impl!();
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Entry>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = EntryAcc::default();
        read_fields(cx, &mut map, path, EntryField::ALL, 0, &mut acc)?;
        let href = cx.req_str(acc.href, "href", path).and_then(|h| cx.url(&h, &path.field("href")));
        Ok(Slot::Got(Entry {
            index: 0,
            id: cx.id(acc.id, path),
            title: cx.title(acc.title, path),
            lang: cx.lang(acc.lang, path),
            published: cx.req_timestamp(acc.published, "published", path),
            source: cx.source(acc.source),
            href,
            dek: cx.opt_text(acc.dek, "dek", path),
            thumbnail: acc.thumbnail.map(Box::new),
            tags: acc.tags,
        }))
    }
}
