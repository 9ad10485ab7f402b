//! The machinery every object's reader is built from: field lists
//! ([`Field`], declared with `fields!` or `scalars!`), [`read_fields`], the
//! [`Shape`] of a value (which JSON types it accepts), and [`Slot`].

use std::borrow::Cow;

use serde::de::{IgnoredAny, MapAccess, SeqAccess};

use super::cx::Cx;
use super::slot::Slot;
use crate::diag::{Code, Path};
use crate::json::{Key, Source as ValueSource};

/// One field an object of the format may have. Each object's fields are an
/// enum declared with `fields!` (or `scalars!`): its readers `match` on it,
/// so a field added to the list without a reader is a compile error, not a
/// value silently read as another field.
pub(super) trait Field: Copy + 'static {
    /// Every field, in the order of the format's documentation.
    const ALL: &'static [Self];
    /// The field's JSON name.
    fn name(self) -> &'static str;
}

/// Declares an object's fields: `fields!(StoryField { Id = "id", ... })`
/// gives `enum StoryField { Id, ... }` and its [`Field`] impl.
macro_rules! fields {
    ($(#[$m:meta])* $name:ident { $($var:ident = $json:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(super) enum $name { $($var),+ }
        impl $crate::parse::shape::Field for $name {
            const ALL: &'static [Self] = &[$($name::$var),+];
            fn name(self) -> &'static str {
                match self { $($name::$var => $json),+ }
            }
        }
    };
}

/// Declares an object whose fields are all scalars: the field enum (as
/// `fields!`) and an accumulator struct with one `Option<Val>` per field,
/// filled by [`read_fields`]. A field nobody reads afterwards is a
/// "field is never read" warning, which `./dev test` makes an error.
macro_rules! scalars {
    ($(#[$m:meta])* $name:ident => $acc:ident { $($var:ident: $field:ident = $json:literal),+ $(,)? }) => {
        fields!($(#[$m])* $name { $($var = $json),+ });
        #[derive(Default)]
        pub(super) struct $acc<'de> { $($field: Option<$crate::json::Val<'de>>),+ }
        impl<'de> $crate::parse::shape::Fields<'de> for $acc<'de> {
            type Field = $name;
            fn field<A: serde::de::MapAccess<'de>>(
                &mut self,
                _: &mut $crate::parse::cx::Cx<'_>,
                f: $name,
                src: &mut $crate::json::Source<'_, 'de, A>,
                _: &$crate::diag::Path<'_>,
            ) -> Result<(), A::Error> {
                let v = Some(src.value($crate::json::ValSeed)?);
                match f { $($name::$var => self.$field = v),+ }
                Ok(())
            }
        }
    };
}

/// Reads an object's fields: reports unknown fields (skipped) and
/// duplicates (the first wins), and hands each known field to `acc`.
/// `known` is the object's field list (all of `F::Field::ALL`, or the part
/// a block type allows); `seen` marks fields already read, by position in
/// `known` (a `format` or `type` consumed before).
pub(super) fn read_fields<'de, A: MapAccess<'de>, F: Fields<'de>>(
    cx: &mut Cx<'_>,
    map: &mut A,
    path: &Path<'_>,
    known: &'static [F::Field],
    mut seen: u32,
    acc: &mut F,
) -> Result<(), A::Error> {
    while let Some(Key(k)) = map.next_key()? {
        match first_of(cx, path, known, &mut seen, &k) {
            Some(f) => acc.field(cx, f, &mut ValueSource::Live(map), path)?,
            None => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok(())
}

/// Sorts key `k` of an object: the field it names when that field is known
/// and not seen before (then marked in `seen`), else `None`, with the
/// duplicate reported as an error or the unknown field as a warning.
#[inline]
pub(super) fn first_of<F: Field>(
    cx: &mut Cx<'_>,
    path: &Path<'_>,
    known: &[F],
    seen: &mut u32,
    k: &str,
) -> Option<F> {
    match known.iter().position(|f| f.name() == k) {
        Some(i) if *seen & (1 << i) != 0 => {
            let msg = "this field appears more than once; the first one is used";
            cx.sink.error(Code::Duplicate, &path.field(k), msg);
            None
        }
        Some(i) => {
            *seen |= 1 << i;
            Some(known[i])
        }
        None => {
            let names = || known.iter().map(|f| f.name()).collect::<Vec<_>>();
            let msg = match crate::text::did_you_mean(k, &names()) {
                Some(name) => format!("unknown field \"{k}\", ignored; did you mean \"{name}\"?"),
                None => "unknown field, ignored".to_owned(),
            };
            cx.sink.warning(Code::UnknownField, &path.field(k), msg);
            None
        }
    }
}

/// Collects the fields of one kind of object as they arrive.
pub(super) trait Fields<'de> {
    /// The object's field list.
    type Field: Field;
    /// Reads field `f` from `src`; `path` is the object's own path.
    fn field<A: MapAccess<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        f: Self::Field,
        src: &mut ValueSource<'_, 'de, A>,
        path: &Path<'_>,
    ) -> Result<(), A::Error>;
}

/// Where a structured value is read: the context and its path.
pub(super) struct At<'c, 'b, 'p> {
    pub(super) cx: &'c mut Cx<'b>,
    pub(super) path: &'p Path<'p>,
}

/// A structured value: what it accepts (strings, arrays, objects); any
/// other JSON type is reported as "expected WANT, found …" and skipped.
pub(super) trait Shape<'de>: Sized {
    type Out;
    const WANT: &'static str;
    /// Reports "expected WANT, found `found`" at this value's path.
    fn reject(&mut self, found: &str) -> Slot<Self::Out>;
    fn on_str(mut self, _s: Cow<'de, str>) -> Slot<Self::Out> {
        self.reject("a string")
    }
    fn on_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.reject("an array"))
    }
    fn on_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Slot<Self::Out>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(self.reject("an object"))
    }
}

/// Reads a value with a [`Shape`] (the seed `Name::seed(cx, path)` returns;
/// its `DeserializeSeed` is in `any.rs`, with the one visitor).
pub(super) struct ShapeSeed<S>(pub(super) S);

/// Declares a shape: a newtype over [`At`], built by `Name::seed(cx, path)`.
macro_rules! shape {
    ($name:ident) => {
        pub(super) struct $name<'c, 'b, 'p>(pub(super) $crate::parse::shape::At<'c, 'b, 'p>);
        impl<'c, 'b, 'p> $name<'c, 'b, 'p> {
            pub(super) fn seed(
                cx: &'c mut $crate::parse::cx::Cx<'b>,
                path: &'p $crate::diag::Path<'p>,
            ) -> $crate::parse::shape::ShapeSeed<Self> {
                $crate::parse::shape::ShapeSeed($name($crate::parse::shape::At { cx, path }))
            }
        }
    };
}

/// The `reject` of a shape declared with `shape!`.
macro_rules! at_impl {
    () => {
        fn reject(&mut self, found: &str) -> $crate::parse::slot::Slot<Self::Out> {
            self.0.cx.type_error(self.0.path, Self::WANT, found);
            $crate::parse::slot::Slot::Bad
        }
    };
}

/// Reads every element of an array with `$shape`, keeping what parsed (in
/// a `Vec`, or handed to `|item| …`); a `null` element is reported as
/// "expected …, found null".
macro_rules! elements {
    ($seq:ident, $cx:ident, $path:ident, $shape:ident) => {{
        let mut out = Vec::new();
        elements!($seq, $cx, $path, $shape, |item| out.push(item));
        out
    }};
    ($seq:ident, $cx:ident, $path:ident, $shape:ident, |$item:pat_param| $keep:expr) => {{
        let mut i = 0;
        loop {
            let p = $path.index(i);
            let Some(slot) = $seq.next_element_seed($shape::seed($cx, &p))? else { break };
            i += 1;
            match slot {
                $crate::parse::slot::Slot::Got($item) => $keep,
                $crate::parse::slot::Slot::Null => $cx.type_error(&p, $shape::WANT, "null"),
                $crate::parse::slot::Slot::Bad => {}
            }
        }
    }};
}
