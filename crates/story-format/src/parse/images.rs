//! Images (a story's hero, image blocks, catalog thumbnails), their
//! `srcset` and their credit.

use serde::de::{MapAccess, SeqAccess};

use super::cx::Cx;
use super::inline::InlineShape;
use super::shape::{read_fields, At, Field, Fields, Shape};
use super::slot::Slot;
use crate::diag::{Code, Path};
use crate::json::{Source as ValueSource, Val, ValSeed};
use crate::model::{Credit, Image, Inline};
use crate::url::SafeUrl;

fields!(
    /// An image's fields (an image block has these and `type`).
    ImageField {
        Src = "src",
        Alt = "alt",
        Width = "width",
        Height = "height",
        Srcset = "srcset",
        Caption = "caption",
        Credit = "credit",
        Focus = "focus",
    }
);

scalars!(
    /// The fields of one `srcset` candidate.
    SrcsetField => SrcsetAcc { Src: src = "src", Width: width = "width" }
);

scalars!(
    /// A credit's fields.
    CreditField => CreditAcc {
        Author: author = "author",
        AuthorUrl: author_url = "author_url",
        Provider: provider = "provider",
        ProviderUrl: provider_url = "provider_url",
        License: license = "license",
        LicenseUrl: license_url = "license_url",
    }
);

#[derive(Default)]
pub(super) struct ImageAcc<'de> {
    src: Option<Val<'de>>,
    alt: Option<Val<'de>>,
    width: Option<Val<'de>>,
    height: Option<Val<'de>>,
    srcset: Vec<(SafeUrl, u32)>,
    caption: Option<Inline>,
    credit: Option<Credit>,
    focus: Option<Val<'de>>,
}

impl<'de> Fields<'de> for ImageAcc<'de> {
    type Field = ImageField;
    fn field<A: MapAccess<'de>>(
        &mut self,
        cx: &mut Cx<'_>,
        f: ImageField,
        src: &mut ValueSource<'_, 'de, A>,
        path: &Path<'_>,
    ) -> Result<(), A::Error> {
        let p = path.field(f.name());
        match f {
            ImageField::Src => self.src = Some(src.value(ValSeed)?),
            ImageField::Alt => self.alt = Some(src.value(ValSeed)?),
            ImageField::Width => self.width = Some(src.value(ValSeed)?),
            ImageField::Height => self.height = Some(src.value(ValSeed)?),
            ImageField::Srcset => {
                self.srcset = src.value(SrcsetShape::seed(cx, &p))?.get().unwrap_or_default()
            }
            ImageField::Caption => self.caption = src.value(InlineShape::seed(cx, &p))?.get(),
            ImageField::Credit => self.credit = src.value(CreditShape::seed(cx, &p))?.get(),
            ImageField::Focus => self.focus = Some(src.value(ValSeed)?),
        }
        Ok(())
    }
}

/// What a video shares with an image: its size, caption and credit.
pub(super) struct ImageParts {
    pub(super) size: Option<(u32, u32)>,
    pub(super) caption: Option<Inline>,
    pub(super) credit: Option<Credit>,
}

impl ImageAcc<'_> {
    pub(super) fn finish(mut self, cx: &mut Cx<'_>, path: &Path<'_>) -> Option<Image> {
        let src = cx.req_str(self.src.take(), "src", path).and_then(|s| cx.asset(&s, &path.field("src")));
        let alt = cx.req_str(self.alt.take(), "alt", path).map(|a| a.trim().to_owned()).unwrap_or_default();
        let (focus, srcset) = (self.focus.take(), std::mem::take(&mut self.srcset));
        let ImageParts { size, caption, credit } = self.parts(cx, path);
        let focus = cx.opt_str(focus, "focus", path).and_then(|f| match percents(&f) {
            Some(xy) => Some(xy),
            None => {
                let msg = "expected two percentages from 0% to 100%, across then down (\"50% 30%\")";
                cx.sink.error(Code::Invalid, &path.field("focus"), msg);
                None
            }
        });
        Some(Image { src, alt, size, srcset, caption, credit, link: None, focus })
    }

    /// The size (both or neither of `width` and `height`), caption and credit.
    pub(super) fn parts(self, cx: &mut Cx<'_>, path: &Path<'_>) -> ImageParts {
        let has = |v: &Option<Val<'_>>| !matches!(v, None | Some(Val::Null));
        let (has_w, has_h) = (has(&self.width), has(&self.height));
        let (w, h) = (cx.opt_uint(self.width, "width", path), cx.opt_uint(self.height, "height", path));
        let size = if has_w != has_h {
            cx.sink.error(Code::Invalid, path, "give both \"width\" and \"height\", or neither");
            None
        } else {
            w.zip(h)
        };
        ImageParts { size, caption: self.caption, credit: self.credit }
    }
}

shape!(ImageShape);
impl<'de> Shape<'de> for ImageShape<'_, '_, '_> {
    type Out = Image;
    const WANT: &'static str = "an object";
    at_impl!();
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Image>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = ImageAcc::default();
        read_fields(cx, &mut map, path, ImageField::ALL, 0, &mut acc)?;
        Ok(acc.finish(cx, path).map_or(Slot::Bad, Slot::Got))
    }
}

shape!(SrcsetShape);
impl<'de> Shape<'de> for SrcsetShape<'_, '_, '_> {
    type Out = Vec<(SafeUrl, u32)>;
    const WANT: &'static str = "an array of {src, width}";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        Ok(Slot::Got(elements!(seq, cx, path, SrcsetItemShape)))
    }
}

shape!(SrcsetItemShape);
impl<'de> Shape<'de> for SrcsetItemShape<'_, '_, '_> {
    type Out = (SafeUrl, u32);
    const WANT: &'static str = "an object";
    at_impl!();
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = SrcsetAcc::default();
        read_fields(cx, &mut map, path, SrcsetField::ALL, 0, &mut acc)?;
        let SrcsetAcc { src, width } = acc;
        let u = cx.req_str(src, "src", path).and_then(|s| cx.asset(&s, &path.field("src")));
        let w = if matches!(width, None | Some(Val::Null)) {
            cx.missing(path, "width");
            None
        } else {
            cx.opt_uint(width, "width", path)
        };
        Ok(u.zip(w).map_or(Slot::Bad, Slot::Got))
    }
}

shape!(CreditShape);
impl<'de> Shape<'de> for CreditShape<'_, '_, '_> {
    type Out = Credit;
    const WANT: &'static str = "an object";
    at_impl!();
    fn on_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot<Credit>, A::Error> {
        let At { cx, path } = self.0;
        let mut acc = CreditAcc::default();
        read_fields(cx, &mut map, path, CreditField::ALL, 0, &mut acc)?;
        let CreditAcc { author, author_url, provider, provider_url, license, license_url } = acc;
        let given = |v: &Option<Val<'_>>| !matches!(v, None | Some(Val::Null));
        let none =
            ![&author, &author_url, &provider, &provider_url, &license, &license_url].into_iter().any(given);
        let c = Credit {
            author: cx.opt_text(author, "author", path),
            author_url: cx.opt_url(author_url, "author_url", path),
            provider: cx.opt_text(provider, "provider", path),
            provider_url: cx.opt_url(provider_url, "provider_url", path),
            license: cx.opt_text(license, "license", path),
            license_url: cx.opt_url(license_url, "license_url", path),
        };
        if none {
            let names: Vec<&str> = CreditField::ALL.iter().map(|f| f.name()).collect();
            cx.sink.error(
                Code::Invalid,
                path,
                format!("a credit needs at least one of {}", names.join(", ")),
            );
            return Ok(Slot::Bad);
        }
        Ok(Slot::Got(c))
    }
}

/// `"50% 30%"` (as CSS `object-position` writes it): two whole percentages.
fn percents(s: &str) -> Option<(u8, u8)> {
    let mut parts =
        s.split_whitespace().map(|p| p.strip_suffix('%')?.parse::<u8>().ok().filter(|n| *n <= 100));
    let xy = (parts.next()??, parts.next()??);
    parts.next().is_none().then_some(xy)
}
