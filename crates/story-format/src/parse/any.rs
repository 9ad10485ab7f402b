//! Every shape of the format as one type, [`Any`], read by one visitor.
//! A shape missing from the list below cannot be read (its seed needs
//! [`IntoAny`]): a compile error, not a silent gap.

use std::borrow::Cow;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::blocks::{AlignShape, BlockShape, BlocksShape, RowShape, RowsShape};
use super::catalog::{EntriesShape, EntryShape};
use super::common::{AuthorShape, AuthorsShape, CorrectionShape, CorrectionsShape, SourceShape, TagsShape};
use super::images::{CreditShape, ImageShape, SrcsetItemShape, SrcsetShape};
use super::inline::{InlineShape, RunShape};
use super::lists::{ItemShape, ItemsShape};
use super::media::GalleryShape;
use super::shape::{Shape, ShapeSeed};
use super::slot::Slot;
use super::story::{SectionShape, SectionsShape};

impl<'b, 'de, S: IntoAny<'b, 'de>> DeserializeSeed<'de> for ShapeSeed<S> {
    type Value = Slot<S::Out>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let mut out = None;
        d.deserialize_any(AnyVisitor(self.0.any(&mut out)))?;
        Ok(out.unwrap_or(Slot::Bad))
    }
}

/// A shape as one of [`Any`]'s variants, with where its value goes.
pub(super) trait IntoAny<'b, 'de>: Shape<'de> {
    fn any<'o>(self, out: &'o mut Option<Slot<Self::Out>>) -> Any<'o, 'b, 'de>
    where
        Self: 'o,
        'de: 'o;
}

/// Puts a shape's value where it goes, which is always empty before: no
/// drop of what was there (24 copies of drop code in the wasm otherwise).
#[inline(always)]
fn put<T>(out: &mut Option<T>, v: T) {
    std::mem::forget(out.replace(v));
}

/// Declares [`Any`], every shape of the format as one type, and the one
/// visitor that reads them all: `serde_json`'s `deserialize_any` (several
/// kilobytes of wasm) is compiled once for all the shapes, not once per
/// shape, and each shape's own readers stay static (a `match`, never a
/// `dyn` call, per value: parse speed). docs/perf.md, "Size".
macro_rules! any_shape {
    ($($name:ident),+ $(,)?) => {
        /// Every shape, and where the value it reads goes.
        #[allow(clippy::enum_variant_names)] // the variants are the shapes' own names
        pub(super) enum Any<'o, 'b, 'de: 'o> {
            $($name($name<'o, 'b, 'o>, &'o mut Option<Slot<<$name<'o, 'b, 'o> as Shape<'de>>::Out>>)),+
        }
        $(
            impl<'c, 'b, 'p, 'de> IntoAny<'b, 'de> for $name<'c, 'b, 'p> {
                fn any<'o>(self, out: &'o mut Option<Slot<Self::Out>>) -> Any<'o, 'b, 'de>
                where
                    Self: 'o,
                    'de: 'o,
                {
                    Any::$name(self, out)
                }
            }
        )+
        impl<'de> Any<'_, '_, 'de> {
            fn want(&self) -> &'static str {
                match self { $(Any::$name(..) => <$name<'_, '_, '_> as Shape<'de>>::WANT),+ }
            }
            fn scalar(self, found: &str) {
                match self { $(Any::$name(mut s, out) => put(out, s.reject(found))),+ }
            }
            fn null(self) {
                match self { $(Any::$name(_, out) => put(out, Slot::Null)),+ }
            }
            fn str(self, v: Cow<'de, str>) {
                match self { $(Any::$name(s, out) => put(out, s.on_str(v))),+ }
            }
            fn seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
                match self { $(Any::$name(s, out) => put(out, s.on_seq(seq)?)),+ }
                Ok(())
            }
            fn map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
                match self { $(Any::$name(s, out) => put(out, s.on_map(map)?)),+ }
                Ok(())
            }
        }
    };
}

any_shape!(
    BlocksShape,
    BlockShape,
    RowsShape,
    RowShape,
    AlignShape,
    EntriesShape,
    EntryShape,
    SourceShape,
    TagsShape,
    AuthorsShape,
    AuthorShape,
    CorrectionsShape,
    CorrectionShape,
    ImageShape,
    SrcsetShape,
    SrcsetItemShape,
    CreditShape,
    InlineShape,
    RunShape,
    ItemsShape,
    ItemShape,
    GalleryShape,
    SectionsShape,
    SectionShape,
);

/// The one visitor of every shape.
struct AnyVisitor<'o, 'b, 'de: 'o>(Any<'o, 'b, 'de>);

impl<'de> Visitor<'de> for AnyVisitor<'_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.want())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.0.scalar("a boolean");
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.0.scalar("a number");
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.0.scalar("a number");
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.0.scalar("a number");
        Ok(())
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<(), E> {
        self.0.str(Cow::Borrowed(v));
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.0.str(Cow::Owned(v.to_owned()));
        Ok(())
    }
    fn visit_string<E>(self, v: String) -> Result<(), E> {
        self.0.str(Cow::Owned(v));
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.null();
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        self.0.null();
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.0.seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.0.map(map)
    }
}
