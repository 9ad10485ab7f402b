//! Objects shared by stories and catalog entries: the source and the tags;
//! a story's authors and corrections.

use serde::de::{MapAccess, SeqAccess};

use super::shape::{read_fields, At, Field, Shape};
use super::slot::Slot;
use crate::diag::Code;
use crate::json::{Val, ValSeed};
use crate::limits::{MAX_AUTHORS, MAX_CORRECTIONS, MAX_NOTE_CHARS, MAX_TAGS, MAX_TAG_CHARS};
use crate::model::{Author, Source};
use crate::model::{Correction, CorrectionKind};

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
                Val::Str(s) => tags.extend(bounded_text(cx, &s, MAX_TAG_CHARS, "a tag", &p)),
                other => cx.type_error(&p, "a string", other.kind()),
            }
        }
        over_limit(cx, path, n, MAX_TAGS, "tags");
        Ok(Slot::Got(tags))
    }
}

scalars!(
    /// An author's fields.
    AuthorField => AuthorAcc { Name: name = "name", Url: url = "url" }
);

shape!(AuthorsShape);
impl<'de> Shape<'de> for AuthorsShape<'_, '_, '_> {
    type Out = Vec<Author>;
    const WANT: &'static str = "an array of authors";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let authors = bounded_list(cx, path, &mut seq, MAX_AUTHORS, "authors", |seq, cx, p| {
            Ok(seq.next_element_seed(AuthorShape::seed(cx, p))?.map(Slot::get))
        })?;
        Ok(Slot::Got(authors))
    }
}

shape!(AuthorShape);
impl<'de> Shape<'de> for AuthorShape<'_, '_, '_> {
    type Out = Author;
    const WANT: &'static str = "an author: a name, or an object with a name and a url";
    at_impl!();
    /// A bare string is the name alone.
    fn on_str(self, s: std::borrow::Cow<'de, str>) -> Slot<Author> {
        let At { cx, path } = self.0;
        match author_name(cx, Some(Val::Str(s)), path) {
            Some(name) => Slot::Got(Author { name, url: None }),
            None => Slot::Null,
        }
    }
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Author>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = AuthorAcc::default();
        read_fields(cx, &mut map, path, AuthorField::ALL, 0, &mut acc)?;
        let AuthorAcc { name, url } = acc;
        if matches!(name, None | Some(Val::Null)) {
            cx.missing(path, "name");
            return Ok(Slot::Null);
        }
        let url = cx.opt_url(url, "url", path);
        Ok(match author_name(cx, name, &path.field("name")) {
            Some(name) => Slot::Got(Author { name, url }),
            None => Slot::Null,
        })
    }
}

/// An author's name, trimmed: 1 to 120 characters (twice a tag's
/// limit), reported at `at` otherwise.
fn author_name(cx: &mut super::cx::Cx<'_>, v: Option<Val<'_>>, at: &crate::diag::Path<'_>) -> Option<String> {
    const MAX: usize = 2 * MAX_TAG_CHARS;
    match v {
        Some(Val::Str(s)) => bounded_text(cx, &s, MAX, "an author's name", at),
        Some(other) => {
            cx.type_error(at, "a string", other.kind());
            None
        }
        None => None,
    }
}

scalars!(
    /// A correction's fields.
    CorrectionField => CorrectionAcc { Kind: kind = "kind", Date: date = "date", Text: text = "text" }
);

shape!(CorrectionsShape);
impl<'de> Shape<'de> for CorrectionsShape<'_, '_, '_> {
    type Out = Vec<Correction>;
    const WANT: &'static str = "an array of corrections";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let notes = bounded_list(cx, path, &mut seq, MAX_CORRECTIONS, "corrections", |seq, cx, p| {
            Ok(seq.next_element_seed(CorrectionShape::seed(cx, p))?.map(Slot::get))
        })?;
        Ok(Slot::Got(notes))
    }
}

shape!(CorrectionShape);
impl<'de> Shape<'de> for CorrectionShape<'_, '_, '_> {
    type Out = Correction;
    const WANT: &'static str = "a correction: an object with a date and a text";
    at_impl!();
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Correction>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = CorrectionAcc::default();
        read_fields(cx, &mut map, path, CorrectionField::ALL, 0, &mut acc)?;
        let CorrectionAcc { kind, date, text } = acc;
        let kind = match cx.opt_str(kind, "kind", path).as_deref() {
            None | Some("correction") => Some(CorrectionKind::Correction),
            Some("update") => Some(CorrectionKind::Update),
            Some(other) => {
                cx.sink.error(
                    Code::Invalid,
                    &path.field("kind"),
                    format!("\"{other}\" is not a kind of note; use \"correction\" or \"update\""),
                );
                None
            }
        };
        let date = cx.req_timestamp(date, "date", path);
        let text = cx
            .req_str(text, "text", path)
            .and_then(|t| bounded_text(cx, &t, MAX_NOTE_CHARS, "a correction's text", &path.field("text")));
        Ok(match (kind, date, text) {
            (Some(kind), Some(date), Some(text)) => Slot::Got(Correction { kind, date, text }),
            _ => Slot::Null,
        })
    }
}

/// `s` trimmed, when it is 1 to `max` characters; otherwise an error at
/// `at` ("`what` must be 1-`max` characters; this one is N").
pub(super) fn bounded_text(
    cx: &mut super::cx::Cx<'_>,
    s: &str,
    max: usize,
    what: &str,
    at: &crate::diag::Path<'_>,
) -> Option<String> {
    let s = s.trim();
    let len = s.chars().count();
    if (1..=max).contains(&len) {
        return Some(s.to_owned());
    }
    cx.sink.error(Code::Invalid, at, format!("{what} must be 1-{max} characters; this one is {len}"));
    None
}

/// Reports a list of `n` `things` over its limit of `max`, if it is.
fn over_limit(cx: &mut super::cx::Cx<'_>, path: &crate::diag::Path<'_>, n: usize, max: usize, things: &str) {
    if n > max {
        cx.sink.error(
            Code::Limit,
            path,
            format!("{n} {things}, over the limit of {max} by {}; only the first {max} are used", n - max),
        );
    }
}

/// The first `max` elements of a list of `things`, each read by `one`
/// (`None`: the list ended; `Some(None)`: an element that failed, reported
/// already); past the limit, the rest are only counted, then reported.
pub(super) fn bounded_list<'de, A: SeqAccess<'de>, T>(
    cx: &mut super::cx::Cx<'_>,
    path: &crate::diag::Path<'_>,
    seq: &mut A,
    max: usize,
    things: &str,
    mut one: impl FnMut(
        &mut A,
        &mut super::cx::Cx<'_>,
        &crate::diag::Path<'_>,
    ) -> Result<Option<Option<T>>, A::Error>,
) -> Result<Vec<T>, A::Error> {
    let (mut list, mut n) = (Vec::new(), 0);
    loop {
        if n >= max {
            // Past the limit: only count what is left.
            n += super::slot::skip_rest(seq)?;
            break;
        }
        let Some(got) = one(seq, cx, &path.index(n))? else { break };
        n += 1;
        list.extend(got);
    }
    over_limit(cx, path, n, max, things);
    Ok(list)
}
