//! Inline text (a block's text, a caption, a list item): a string, or an
//! array of runs with marks, links and links to a section of the story.

use std::borrow::Cow;

use serde::de::{MapAccess, SeqAccess};

use super::shape::{read_fields, At, Field, Shape};
use super::slot::Slot;
use crate::json::Val;
use crate::model::{Inline, Marks};

scalars!(
    /// A run's fields (a run given as an object).
    RunField => RunAcc {
        Text: text = "text",
        Em: em = "em",
        Strong: strong = "strong",
        Code: code = "code",
        Strike: strike = "strike",
        Href: href = "href",
    }
);

shape!(InlineShape);
impl<'de> Shape<'de> for InlineShape<'_, '_, '_> {
    type Out = Inline;
    const WANT: &'static str = "text (a string or an array of runs)";
    at_impl!();
    fn on_str(self, s: Cow<'de, str>) -> Slot<Inline> {
        Slot::Got(Inline::plain(s))
    }
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Inline>, A::Error> {
        let At { cx, path } = self.0;
        // Runs never hold inline text, so one scratch serves every array.
        let mut out = std::mem::take(&mut cx.scratch);
        elements!(seq, cx, path, RunShape, |(text, marks)| out.push(&text, marks));
        let inline = out.take_exact();
        cx.scratch = out;
        Ok(Slot::Got(inline))
    }
}

shape!(RunShape);
impl<'de> Shape<'de> for RunShape<'_, '_, '_> {
    type Out = (Cow<'de, str>, Marks);
    const WANT: &'static str = "an object";
    at_impl!();
    fn on_str(self, s: Cow<'de, str>) -> Slot<Self::Out> {
        Slot::Got((s, Marks::PLAIN))
    }
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = RunAcc::default();
        read_fields(cx, &mut map, path, RunField::ALL, 0, &mut acc)?;
        let RunAcc { text, em, strong, code, strike, href } = acc;
        let Some(text) = cx.req_str(text, "text", path) else { return Ok(Slot::Bad) };
        // `#id` is a link to a section of this story, not to the file.
        let fragment = match &href {
            Some(Val::Str(h)) => h
                .trim()
                .strip_prefix('#')
                .map(|f| percent_encoding::percent_decode_str(f).decode_utf8_lossy().into_owned()),
            _ => None,
        };
        let (href, section) = match fragment {
            Some(id) => {
                cx.section_links.push((path.field("href").kept(), id.clone()));
                (None, Some(id))
            }
            None => (cx.opt_link(href, "href", path), None),
        };
        let marks = Marks {
            em: cx.opt_bool(em, "em", path),
            strong: cx.opt_bool(strong, "strong", path),
            code: cx.opt_bool(code, "code", path),
            strike: cx.opt_bool(strike, "strike", path),
            href,
            section,
        };
        Ok(Slot::Got((text, marks)))
    }
}
