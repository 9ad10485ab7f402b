//! The media blocks as the core decided them: a gallery of figures, a
//! video (the browser's player for a file; for YouTube and Vimeo a link
//! that opens the video there, so that nothing is asked of them before a
//! click), a social post as a card, and a pull quote.

use story_format::{Gallery, Inline, SocialPost, Video};
use yew::prelude::*;

use super::figure::{credit, say, Figure};
use super::inline::inline;
use super::time::time;
use super::Links;
use crate::labels::Labels;

/// A gallery figure's `sizes`: three columns in the reading column, two on
/// a tablet, one on a phone (as `.sv-gallery` lays them out).
pub const GALLERY_SIZES: &str = "(min-width: 50rem) 15rem, (min-width: 30rem) 50vw, 100vw";

/// `<figure class="sv-gallery">`: a list of figures, then the gallery's caption.
pub fn gallery(g: &Gallery, labels: &'static Labels, lang: &AttrValue, links: &Links) -> Html {
    let items = g.images.iter().map(|img| {
        html! {
            <li><Figure image={ img.clone() } {labels} lang={ lang.clone() } sizes={ GALLERY_SIZES } /></li>
        }
    });
    html! {
        <figure class="sv-gallery">
            <ul class="sv-gallery-items">{ for items }</ul>
            if let Some(c) = &g.caption { <figcaption class="sv-caption">{ inline(c, links) }</figcaption> }
        </figure>
    }
}

/// A video: `<video>` with its captions track for a file; for YouTube or
/// Vimeo, the publisher's poster (never the site's own thumbnail) under a
/// link that opens the video there.
pub fn video(v: &Video, l: &'static Labels, lang: &AttrValue, links: &Links) -> Html {
    let (width, height) = v.size.map_or((None, None), |(w, h)| (Some(w.to_string()), Some(h.to_string())));
    let poster = v.poster.as_ref().map(|p| links.href(p));
    let player = match v.player.site() {
        None => html! {
            <video controls=true preload="none" poster={ poster } src={ links.href(&v.src) }
                   width={ width } height={ height } aria-label={ v.title.clone() } playsinline=true>
                if let Some(c) = &v.captions {
                    <track kind="captions" src={ links.href(c) } srclang={ lang.clone() } label={ l.captions } default=true />
                }
                <a href={ links.href(&v.src) }>{ say(l, lang, l.download_video) }</a>
            </video>
        },
        Some(site) => html! {
            <a class="sv-play" href={ links.href(&v.src) } rel="noopener noreferrer">
                if let Some(p) = poster {
                    <img src={ p } alt="" width={ width } height={ height } loading="lazy" decoding="async" />
                }
                <span class="sv-play-label">
                    <span class="sv-play-icon" aria-hidden="true">{ "▶" }</span>
                    { say(l, lang, l.on_site(l.watch_on, site)) }
                    if let Some(t) = &v.title { { ": " }<bdi>{ t.clone() }</bdi> }
                </span>
            </a>
        },
    };
    let has_caption = v.caption.is_some() || v.credit.is_some();
    html! {
        <figure class="sv-video">
            { player }
            if has_caption {
                <figcaption>
                    if let Some(c) = &v.caption { <span class="sv-caption">{ inline(c, links) }</span> }
                    if let Some(c) = &v.credit { { " " }<span class="sv-credit">{ credit(c, l, lang, links, true) }</span> }
                </figcaption>
            }
        </figure>
    }
}

/// A social post as a card: its words quoted, its picture, then who wrote
/// it, when, and a link to the original.
pub fn social(p: &SocialPost, l: &'static Labels, lang: &AttrValue, links: &Links) -> Html {
    let href = links.href(&p.url);
    html! {
        <figure class="sv-social">
            <blockquote cite={ href.clone() }><p>{ inline(&p.text, links) }</p></blockquote>
            if let Some(img) = &p.image {
                <Figure image={ img.clone() } labels={ l } lang={ lang.clone() } />
            }
            <figcaption>
                <bdi class="sv-social-author">{ p.author.clone() }</bdi>
                if let Some(h) = &p.handle { { " " }<bdi class="sv-social-handle" dir="ltr">{ h.clone() }</bdi> }
                { " " }<span class="sv-social-meta">
                    if let Some(d) = &p.date { { time(d, lang) }{ " · " } }
                    <a href={ href } rel="noopener noreferrer">{ say(l, lang, l.on_site(l.view_on, p.network.name())) }</a>
                </span>
            </figcaption>
        </figure>
    }
}

/// A pull quote: an `<aside>`, which reader modes leave out, as the words
/// are the story's own, repeated.
pub fn pull_quote(text: &Inline, cite: &Option<String>, links: &Links) -> Html {
    html! {
        <aside class="sv-pullquote">
            <p class="sv-pullquote-text">{ inline(text, links) }</p>
            if let Some(c) = cite { <p class="sv-pullquote-cite">{ "— " }<cite>{ c.clone() }</cite></p> }
        </aside>
    }
}
