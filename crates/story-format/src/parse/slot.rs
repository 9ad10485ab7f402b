//! What a field held, and how many elements an array has left: the two
//! things both the shapes and the parse context need (a leaf module).

use serde::de::{IgnoredAny, SeqAccess};

/// What a structured field held: `null` (counts as absent), something of
/// the wrong type (already reported), or a value.
pub(super) enum Slot<T> {
    Null,
    Bad,
    Got(T),
}

impl<T> Slot<T> {
    pub(super) fn get(self) -> Option<T> {
        match self {
            Slot::Got(v) => Some(v),
            _ => None,
        }
    }
}

/// Counts the elements left in `seq`, reading nothing (at tokenizer speed).
pub(super) fn skip_rest<'de, A: SeqAccess<'de>>(seq: &mut A) -> Result<usize, A::Error> {
    let mut n = 0;
    while seq.next_element::<IgnoredAny>()?.is_some() {
        n += 1;
    }
    Ok(n)
}

/// A structured field that is present and not null.
pub(super) fn present<T>(s: &Option<Slot<T>>) -> bool {
    matches!(s, Some(Slot::Got(_) | Slot::Bad))
}
