//! Objects shared by stories and catalog entries: the source and the tags.

use serde::de::{MapAccess, SeqAccess};

use super::shape::{read_fields, At, Field, Shape};
use super::slot::Slot;
use crate::diag::Code;
use crate::json::{Val, ValSeed};
use crate::limits::{MAX_TAGS, MAX_TAG_CHARS};
use crate::model::Source;

scalars!(
    /// A source's fields.
    SourceField => SourceAcc { Name: name = "name", Lang: lang = "lang", Url: url = "url" }
);

shape!(SourceShape);
impl<'de> Shape<'de> for SourceShape<'_, '_, '_> {
    type Out = Source;
    const WANT: &'static str = "an object";
    at_impl!();
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Source>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = SourceAcc::default();
        read_fields(cx, &mut map, path, SourceField::ALL, 0, &mut acc)?;
        let SourceAcc { name, lang, url } = acc;
        let name = match cx.req_str(name, "name", path).as_deref().map(str::trim) {
            Some("") => {
                cx.sink.error(Code::Invalid, &path.field("name"), "the source name is empty");
                String::new()
            }
            Some(n) => n.to_owned(),
            None => String::new(),
        };
        Ok(Slot::Got(Source { name, lang: cx.lang(lang, path), url: cx.opt_url(url, "url", path) }))
    }
}

shape!(TagsShape);
impl<'de> Shape<'de> for TagsShape<'_, '_, '_> {
    type Out = Vec<String>;
    const WANT: &'static str = "an array of strings";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut tags = Vec::new();
        let mut n = 0;
        while let Some(v) = seq.next_element_seed(ValSeed)? {
            n += 1;
            if n > MAX_TAGS {
                continue;
            }
            let p = path.index(n - 1);
            match v {
                Val::Str(s) => {
                    let s = s.trim();
                    let len = s.chars().count();
                    if (1..=MAX_TAG_CHARS).contains(&len) {
                        tags.push(s.to_owned());
                    } else {
                        cx.sink.error(
                            Code::Invalid,
                            &p,
                            format!("a tag must be 1-{MAX_TAG_CHARS} characters; this one is {len}"),
                        );
                    }
                }
                other => cx.type_error(&p, "a string", other.kind()),
            }
        }
        if n > MAX_TAGS {
            cx.sink.error(
                Code::Limit,
                path,
                format!(
                    "{n} tags, over the limit of {MAX_TAGS} by {}; only the first {MAX_TAGS} are used",
                    n - MAX_TAGS
                ),
            );
        }
        Ok(Slot::Got(tags))
    }
}
