//! The root object: its `format` decides whether the rest is read as a
//! story or as a catalog.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::catalog::{CatalogAcc, CatalogField};
use super::cx::Cx;
use super::shape::{read_fields, Field};
use super::story::{StoryAcc, StoryField};
use super::Kind;
use crate::diag::Path;
use crate::json::{Key, Val, ValSeed};
use crate::model::Document;

/// Peeks at the root's `format` (skipping everything else).
pub(super) struct PeekFormat;

impl<'de> DeserializeSeed<'de> for PeekFormat {
    type Value = Option<Val<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Every kind of value has its own method, even those a second pass never
/// meets (the root is an object by then): serde's defaults would build an
/// "invalid type" message, and with it the float formatter, into the wasm.
impl<'de> Visitor<'de> for PeekFormat {
    type Value = Option<Val<'de>>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut format = None;
        while let Some(Key(k)) = map.next_key()? {
            if k == "format" && format.is_none() {
                format = Some(map.next_value_seed(ValSeed)?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(format)
    }
}

/// The root's fields as read, before the checks that need all of them.
// One per parse, moved twice: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub(super) enum Root<'de> {
    Story(StoryAcc, u32),
    Catalog(CatalogAcc<'de>, u32),
}

impl Root<'_> {
    /// The document, with the checks that need every field (required
    /// fields, section ids, links between sections).
    pub(super) fn finish(self, cx: &mut Cx<'_>) -> Option<Document> {
        match self {
            Root::Story(acc, minor) => acc.finish(cx, minor).map(Document::Story),
            Root::Catalog(acc, minor) => acc.finish(cx, minor).map(Document::Catalog),
        }
    }
}

pub(super) struct RootSeed<'c, 'b, 'de> {
    pub(super) cx: &'c mut Cx<'b>,
    /// `Some` on the second pass: the `format` value found by [`PeekFormat`].
    pub(super) format: Option<Option<Val<'de>>>,
}

impl<'de> DeserializeSeed<'de> for RootSeed<'_, '_, 'de> {
    type Value = Option<Root<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> RootSeed<'_, '_, 'de> {
    fn not_an_object(self, found: &str) -> Option<Root<'de>> {
        self.cx.type_error(&Path::Root, "an object with a \"format\" field", found);
        None
    }
}

impl<'de> Visitor<'de> for RootSeed<'_, '_, 'de> {
    type Value = Option<Root<'de>>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object with a \"format\" field")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(self.not_an_object("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(self.not_an_object("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(self.not_an_object("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(self.not_an_object("a number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(self.not_an_object("a string"))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(self.not_an_object("null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.not_an_object("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let cx = self.cx;
        let (format, format_read) = match self.format {
            Some(f) => (f, false),
            None => match map.next_key::<Key<'de>>()? {
                None => (None, true),
                Some(Key(k)) if k == "format" => (Some(map.next_value_seed(ValSeed)?), true),
                Some(_) => {
                    cx.format_not_first = true;
                    return Err(de::Error::custom("\"format\" is not the first key"));
                }
            },
        };
        let Some((kind, minor_version)) = cx.format(format) else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(None);
        };
        let path = Path::Root;
        // `format` is field 0 of both lists (a test checks): mark it read, or
        // skip it when met.
        let seen = u32::from(format_read);
        match kind {
            Kind::Story => {
                let mut acc = StoryAcc::default();
                read_fields(cx, &mut map, &path, StoryField::ALL, seen, &mut acc)?;
                Ok(Some(Root::Story(acc, minor_version)))
            }
            Kind::Catalog => {
                let mut acc = CatalogAcc::default();
                read_fields(cx, &mut map, &path, CatalogField::ALL, seen, &mut acc)?;
                Ok(Some(Root::Catalog(acc, minor_version)))
            }
        }
    }
}
