//! Lists: a list block's items, each inline text or an object with its
//! text and a list of its own (`{"text": …, "items": […]}`), at most
//! [`MAX_LIST_DEPTH`] levels deep; and `ordered`, `start`.

use std::borrow::Cow;

use serde::de::{MapAccess, SeqAccess};

use super::cx::Cx;
use super::inline::InlineShape;
use super::shape::{read_fields, At, Field, Fields, Shape};
use super::slot::{skip_rest, Slot};
use crate::diag::{Code, Path};
use crate::json::{Source as ValueSource, Val, ValSeed};
use crate::limits::MAX_LIST_DEPTH;
use crate::model::{Inline, List, ListItem};

fields!(
    /// A list item's fields, when it is an object.
    ItemField {
        Text = "text",
        Items = "items",
        Ordered = "ordered",
        Start = "start",
    }
);

/// How many lists `path` is inside (each list's items are under `items`).
fn depth(path: &Path<'_>) -> usize {
    match path {
        Path::Root => 0,
        Path::Field(parent, name) => depth(parent) + usize::from(*name == "items"),
        Path::Index(parent, _) => depth(parent),
    }
}

/// A list from its fields as read: at least one item; `start` a whole
/// number from 0 (kept only for an ordered list that does not start at 1).
pub(super) fn list(
    cx: &mut Cx<'_>,
    items: Option<Slot<Vec<ListItem>>>,
    ordered: Option<Val<'_>>,
    start: Option<Val<'_>>,
    path: &Path<'_>,
) -> Option<List> {
    let ordered = cx.opt_bool(ordered, "ordered", path);
    let start = match start {
        None | Some(Val::Null) => None,
        Some(Val::Int(n)) if (0..=i128::from(u32::MAX)).contains(&n) => Some(n as u32),
        Some(other) => {
            cx.type_error(&path.field("start"), "a whole number from 0", other.kind());
            None
        }
    };
    let items = match items {
        None | Some(Slot::Null) => {
            cx.missing(path, "items");
            return None;
        }
        Some(Slot::Bad) => return None,
        Some(Slot::Got(items)) if items.is_empty() => {
            cx.sink.error(Code::Invalid, &path.field("items"), "a list needs at least one item");
            return None;
        }
        Some(Slot::Got(items)) => items,
    };
    Some(List { ordered, start: start.filter(|&n| ordered && n != 1), items })
}

shape!(ItemsShape);
impl<'de> Shape<'de> for ItemsShape<'_, '_, '_> {
    type Out = Vec<ListItem>;
    const WANT: &'static str = "an array of list items";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        if depth(path) > MAX_LIST_DEPTH {
            skip_rest(&mut seq)?;
            cx.sink.error(Code::Limit, path, format!("lists nest at most {MAX_LIST_DEPTH} levels deep"));
            return Ok(Slot::Bad);
        }
        Ok(Slot::Got(elements!(seq, cx, path, ItemShape)))
    }
}

shape!(ItemShape);
impl<'de> Shape<'de> for ItemShape<'_, '_, '_> {
    type Out = ListItem;
    const WANT: &'static str = "text, or an object with \"text\" and \"items\"";
    at_impl!();
    fn on_str(self, s: Cow<'de, str>) -> Slot<ListItem> {
        Slot::Got(ListItem { text: Inline::plain(s), list: None })
    }
    fn on_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Slot<ListItem>, A::Error> {
        Ok(match InlineShape(self.0).on_seq(seq)? {
            Slot::Got(text) => Slot::Got(ListItem { text, list: None }),
            _ => Slot::Bad,
        })
    }
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<ListItem>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = ItemAcc::default();
        read_fields(cx, &mut map, path, ItemField::ALL, 0, &mut acc)?;
        let text = match acc.text {
            None | Some(Slot::Null) => {
                cx.missing(path, "text");
                return Ok(Slot::Bad);
            }
            Some(t) => t.get(),
        };
        let list = match acc.items {
            None | Some(Slot::Null) => None,
            items => list(cx, items, acc.ordered, acc.start, path),
        };
        Ok(text.map_or(Slot::Bad, |text| Slot::Got(ListItem { text, list })))
    }
}

#[derive(Default)]
struct ItemAcc<'de> {
    text: Option<Slot<Inline>>,
    items: Option<Slot<Vec<ListItem>>>,
    ordered: Option<Val<'de>>,
    start: Option<Val<'de>>,
}

impl<'de> Fields<'de> for ItemAcc<'de> {
    type Field = ItemField;
    fn field<A: MapAccess<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        f: ItemField,
        src: &mut ValueSource<'_, 'de, A>,
        path: &Path<'_>,
    ) -> Result<(), A::Error> {
        let p = path.field(f.name());
        match f {
            ItemField::Text => self.text = Some(src.value(InlineShape::seed(cx, &p))?),
            ItemField::Items => self.items = Some(src.value(ItemsShape::seed(cx, &p))?),
            ItemField::Ordered => self.ordered = Some(src.value(ValSeed)?),
            ItemField::Start => self.start = Some(src.value(ValSeed)?),
        }
        Ok(())
    }
}
