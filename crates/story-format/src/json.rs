//! Reading JSON values one field at a time, straight from `serde_json`'s
//! tokenizer, with no intermediate tree: scalars as [`Val`] (strings borrow
//! from the input when they have no escapes), object keys as [`Key`], and a
//! [`Source`] of field values that is either the live stream or a captured
//! raw slice (for a block whose `type` comes after its other fields).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// A field's value when a scalar is expected; arrays and objects are
/// skipped and only their kind is kept (for the message).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val<'de> {
    Null,
    Bool(bool),
    /// A whole number that fits in `i64`/`u64`, kept exactly.
    Int(i128),
    Float(f64),
    Str(Cow<'de, str>),
    Arr,
    Obj,
}

impl Val<'_> {
    /// The JSON type's name, for messages ("expected a string, found a number").
    pub fn kind(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "a boolean",
            Val::Int(_) | Val::Float(_) => "a number",
            Val::Str(_) => "a string",
            Val::Arr => "an array",
            Val::Obj => "an object",
        }
    }
}

/// Reads any value as a [`Val`].
pub(crate) struct ValSeed;

impl<'de> DeserializeSeed<'de> for ValSeed {
    type Value = Val<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Val<'de>, D::Error> {
        d.deserialize_any(ValVisitor)
    }
}

struct ValVisitor;

impl<'de> Visitor<'de> for ValVisitor {
    type Value = Val<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Val<'de>, E> {
        Ok(Val::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Val<'de>, E> {
        Ok(Val::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Val<'de>, E> {
        Ok(Val::Int(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Val<'de>, E> {
        Ok(Val::Float(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Val<'de>, E> {
        Ok(Val::Null)
    }
    fn visit_none<E>(self) -> Result<Val<'de>, E> {
        Ok(Val::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Val<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Val::Arr)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Val<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Val::Obj)
    }
}

/// An object key that borrows from the input when it has no escapes.
pub(crate) struct Key<'a>(pub Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Where the next field value comes from: the live stream (the object's
/// `MapAccess`) or a raw slice captured earlier (a block whose `type` came
/// after its other fields). An enum, not a trait: each object's field
/// reader is compiled once, not once per source.
pub(crate) enum Source<'m, 'de, A> {
    Live(&'m mut A),
    Raw(&'de RawValue),
}

impl<'de, A: MapAccess<'de>> Source<'_, 'de, A> {
    pub(crate) fn value<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        match self {
            Source::Live(map) => map.next_value_seed(seed),
            // from_str, like the main parse: the same reader type, so every
            // visitor is compiled once, not twice (measured: wasm size).
            Source::Raw(raw) => {
                let mut de = serde_json::Deserializer::from_str(raw.get());
                seed.deserialize(&mut de).map_err(de::Error::custom)
            }
        }
    }
    pub(crate) fn skip(&mut self) -> Result<(), A::Error> {
        match self {
            Source::Live(map) => map.next_value::<IgnoredAny>().map(|_| ()),
            Source::Raw(_) => Ok(()),
        }
    }
}

/// Strips a leading UTF-8 byte-order mark (browsers strip it too).
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}
