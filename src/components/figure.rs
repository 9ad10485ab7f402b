//! Figures: the hero and image blocks, with caption and credit.

use story_format::{Credit, Image, SafeUrl};
use yew::prelude::*;

use super::inline::inline;

/// The `sizes` attribute for a figure inside the reading column.
pub const SIZES: &str = "(min-width: 50rem) 46rem, 100vw";

#[derive(Properties, Clone, PartialEq)]
pub struct FigureProps {
    pub image: Image,
    /// Below the fold: `loading="lazy"`. The hero loads eagerly.
    #[prop_or(true)]
    pub lazy: bool,
    #[prop_or_default]
    pub class: Classes,
}

/// A `<figure>`: the image (or its alt text when its URL was unsafe), then a
/// `<figcaption>` with the caption and the credit.
#[function_component]
pub fn Figure(props: &FigureProps) -> Html {
    let img = &props.image;
    let (width, height) = img.size.map_or((None, None), |(w, h)| (Some(w.to_string()), Some(h.to_string())));
    let srcset = img.srcset_attr();
    let sizes = srcset.as_ref().map(|_| SIZES);
    let picture = match &img.src {
        Some(src) => html! {
            <img src={ src.to_string() } alt={ img.alt.clone() } {width} {height}
                 srcset={ srcset } sizes={ sizes }
                 loading={ if props.lazy { "lazy" } else { "eager" } } decoding="async" />
        },
        // The URL was unsafe: never loaded; its text alternative shows instead.
        None if !img.alt.is_empty() => html! { <p class="sv-img-missing">{ img.alt.clone() }</p> },
        None => html! {},
    };
    let has_caption = img.caption.is_some() || img.credit.is_some();
    html! {
        <figure class={ classes!("sv-figure", props.class.clone()) }>
            { picture }
            if has_caption {
                <figcaption>
                    if let Some(c) = &img.caption { <span class="sv-caption">{ inline(c) }</span> }
                    if let Some(c) = &img.credit { { " " }<span class="sv-credit">{ credit(c) }</span> }
                </figcaption>
            }
        </figure>
    }
}

fn name_or_link(name: Option<&str>, url: Option<&SafeUrl>) -> Option<Html> {
    let text = name.map(str::to_owned).or_else(|| url.and_then(|u| u.url().host_str().map(str::to_owned)))?;
    Some(match url {
        Some(u) => html! { <a href={ u.to_string() } rel="noopener noreferrer">{ text }</a> },
        None => html! { { text } },
    })
}

/// "Photo by AUTHOR on PROVIDER (LICENSE)", each name a link when its URL is given.
pub fn credit(c: &Credit) -> Html {
    let author = name_or_link(c.author.as_deref(), c.author_url.as_ref());
    let provider = name_or_link(c.provider.as_deref(), c.provider_url.as_ref());
    let license = name_or_link(c.license.as_deref(), c.license_url.as_ref());
    let main = match (author, provider) {
        (Some(a), Some(p)) => html! { <>{ "Photo by " }{ a }{ " on " }{ p }</> },
        (Some(a), None) => html! { <>{ "Photo by " }{ a }</> },
        (None, Some(p)) => html! { <>{ "Photo: " }{ p }</> },
        (None, None) => html! { { "Photo" } },
    };
    html! {
        <>
            { main }
            if let Some(l) = license { { " (" }{ l }{ ")" } }
        </>
    }
}
