//! Figures: the hero and image blocks, with caption and credit.

use story_format::{Credit, Image, SafeUrl};
use yew::prelude::*;

use super::inline::inline;
use super::{use_links, Links};
use crate::labels::{self, Labels};

/// A label in the viewer's words, marked with its own `lang` when the
/// content around it is in another language.
pub fn say(l: &Labels, content_lang: &str, text: impl Into<AttrValue>) -> Html {
    let text = text.into();
    match labels::lang_attr(l, content_lang) {
        Some(lang) => html! { <span {lang}>{ text }</span> },
        None => html! { { text } },
    }
}

/// The `sizes` attribute for a figure inside the reading column.
pub const SIZES: &str = "(min-width: 50rem) 46rem, 100vw";
/// The `sizes` of a catalog card's thumbnail: the card's width when cards
/// stack (a narrow viewer), else its 9rem column.
pub const THUMB_SIZES: &str = "(min-width: 36rem) 9rem, 100vw";

/// Built pages only: the versions `story build` made of each image, by the
/// address of its `src`, drawn as a `<picture>` whose WebP versions come
/// first. Not in the wasm: the viewer never draws a built page's images
/// again.
#[cfg(feature = "ssr")]
#[derive(Clone, Default, PartialEq)]
pub struct Pictures(pub std::sync::Arc<std::collections::HashMap<String, Picture>>);

/// One image's versions (see [`Pictures`]).
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    /// `(address, width)`, narrowest first.
    pub webp: Vec<(SafeUrl, u32)>,
    /// The same widths as JPEG (or PNG, with transparency).
    pub fallback: Vec<(SafeUrl, u32)>,
    /// The cleaned original (what `src` names on the page).
    pub src: SafeUrl,
    /// Its size upright, when the story gave none.
    pub size: (u32, u32),
}

#[derive(Properties, Clone, PartialEq)]
pub struct FigureProps {
    pub image: Image,
    /// Below the fold: `loading="lazy"`. The hero loads eagerly.
    #[prop_or(true)]
    pub lazy: bool,
    #[prop_or_default]
    pub class: Classes,
    /// The words around the credit, and the language of the content.
    #[prop_or(&labels::EN)]
    pub labels: &'static Labels,
    #[prop_or(AttrValue::Static("en"))]
    pub lang: AttrValue,
    /// The `sizes` attribute, when the image has other widths.
    #[prop_or(SIZES)]
    pub sizes: &'static str,
}

/// A `<figure>`: the image (or its alt text when its URL was unsafe), then a
/// `<figcaption>` with the caption and the credit.
#[function_component]
pub fn Figure(props: &FigureProps) -> Html {
    let img = &props.image;
    let links = use_links();
    // A built page's versions of this image, when `story build` made some.
    #[cfg(feature = "ssr")]
    let versions = use_context::<Pictures>().and_then(|p| Some(p.0.get(img.src.as_ref()?.as_str())?.clone()));
    let (width, height) = img.size.map_or((None, None), |(w, h)| (Some(w.to_string()), Some(h.to_string())));
    let srcset = img.srcset_attr(|u| links.href(u).to_string());
    let sizes = srcset.as_ref().map(|_| props.sizes);
    let loading = if props.lazy { "lazy" } else { "eager" };
    let picture = match &img.src {
        #[cfg(feature = "ssr")]
        Some(_) if versions.is_some() => {
            let p = versions.as_ref().expect("checked");
            let set = |list: &[(SafeUrl, u32)]| {
                list.iter().map(|(u, w)| format!("{} {w}w", links.href(u))).collect::<Vec<_>>().join(", ")
            };
            let (w, h) = img.size.unwrap_or(p.size);
            html! {
                <picture>
                    <source type="image/webp" srcset={ set(&p.webp) } sizes={ props.sizes } />
                    <img src={ links.href(&p.src) } alt={ img.alt.clone() } width={ w.to_string() } height={ h.to_string() }
                         srcset={ set(&p.fallback) } sizes={ props.sizes } {loading} decoding="async" />
                </picture>
            }
        }
        Some(src) => html! {
            <img src={ links.href(src) } alt={ img.alt.clone() } {width} {height}
                 srcset={ srcset } sizes={ sizes } {loading} decoding="async" />
        },
        // The URL was unsafe: never loaded; its text alternative shows instead.
        None if !img.alt.is_empty() => html! { <p class="sv-img-missing">{ img.alt.clone() }</p> },
        None => html! {},
    };
    // A linked image: its text alternative names the link.
    let picture = match (&img.link, &img.src) {
        (Some(link), Some(_)) => {
            html! { <a href={ links.href(link) } rel="noopener noreferrer">{ picture }</a> }
        }
        _ => picture,
    };
    let has_caption = img.caption.is_some() || img.credit.is_some();
    html! {
        <figure class={ classes!("sv-figure", props.class.clone()) }>
            { picture }
            if has_caption {
                <figcaption>
                    if let Some(c) = &img.caption { <span class="sv-caption">{ inline(c, &links) }</span> }
                    if let Some(c) = &img.credit { { " " }<span class="sv-credit">{ credit(c, props.labels, &props.lang, &links, false) }</span> }
                </figcaption>
            }
        </figure>
    }
}

fn name_or_link(name: Option<&str>, url: Option<&SafeUrl>, links: &Links) -> Option<Html> {
    let text = name.map(str::to_owned).or_else(|| url.and_then(|u| u.host().map(str::to_owned)))?;
    // <bdi>: a Latin name inside Arabic text (or the reverse) keeps its own order.
    Some(match url {
        Some(u) => html! { <bdi><a href={ links.href(u) } rel="noopener noreferrer">{ text }</a></bdi> },
        None => html! { <bdi>{ text }</bdi> },
    })
}

/// "Photo by AUTHOR on PROVIDER (LICENSE)" ("Video by …" for a video),
/// each name a link when its URL is given.
pub fn credit(c: &Credit, l: &Labels, lang: &str, links: &Links, video: bool) -> Html {
    let (by, only) =
        if video { (l.video_by, l.video_only_provider) } else { (l.photo_by, l.photo_only_provider) };
    let author = name_or_link(c.author.as_deref(), c.author_url.as_ref(), links);
    let provider = name_or_link(c.provider.as_deref(), c.provider_url.as_ref(), links);
    let license = name_or_link(c.license.as_deref(), c.license_url.as_ref(), links);
    let main = match (author, provider) {
        (Some(a), Some(p)) => {
            html! { <>{ say(l, lang, by) }{ a }{ say(l, lang, l.photo_on) }{ p }</> }
        }
        (Some(a), None) => html! { <>{ say(l, lang, by) }{ a }</> },
        (None, Some(p)) => html! { <>{ say(l, lang, only) }{ p }</> },
        (None, None) => html! {},
    };
    html! {
        <>
            { main }
            if let Some(l) = license { { " (" }{ l }{ ")" } }
        </>
    }
}
