//! A list of catalog entries as cards, and the search field above it: the
//! catalog page's, and a built page's search (`SiteSearch`), the same markup.

use story_format::{Catalog, Entry};
use yew::prelude::*;

use super::figure::Figure;
use super::inline::headline;
use super::time::time;
use super::{maybe_click, ByPtr, Headings};
use crate::labels::ui;

/// The search field: the catalog's, and a built page's (`SiteSearch`), the
/// same markup. `on_search`: told the text on every keystroke.
pub fn search_form(query: &str, on_search: Option<Callback<String>>) -> Html {
    let on_input = on_search
        .map(|s| s.reform(|e: InputEvent| e.target_unchecked_into::<web_sys::HtmlInputElement>().value()));
    html! {
        <form class="sv-search" role="search" onsubmit={ Callback::from(|e: SubmitEvent| e.prevent_default()) }>
            <label for="sv-search-input">{ ui::SEARCH }</label>
            <input id="sv-search-input" type="search" value={ query.to_owned() } oninput={ on_input }
                autocomplete="off" spellcheck="false" />
        </form>
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct EntryPageProps {
    pub catalog: ByPtr<Catalog>,
    /// Indexes into the catalog's entries, in the order shown.
    pub indexes: ByPtr<Vec<usize>>,
    /// Which of `indexes` this page draws.
    pub start: usize,
    pub end: usize,
    pub story_href: Callback<String, String>,
    pub on_open: Option<Callback<String>>,
    pub tag_href: Callback<Option<String>, String>,
    pub on_tag: Option<Callback<Option<String>>>,
    pub headings: Headings,
}

/// One page of entries (`<li>` cards); drawn once.
#[function_component]
pub fn EntryPage(props: &EntryPageProps) -> Html {
    let entries = props.indexes.0[props.start..props.end].iter().map(|&i| &props.catalog.0.entries[i]);
    html! { <>{ for entries.enumerate().map(|(n, e)| entry(e, props, props.start + n < EAGER)) }</> }
}

/// The first cards' thumbnails load at once: on a phone the first one is
/// the largest thing on screen (largest contentful paint), so it must not
/// wait for the lazy loader.
const EAGER: usize = 2;

/// One catalog card: thumbnail, title (a link), dek, date, source, tags
/// (each a link to its list).
fn entry(e: &Entry, props: &EntryPageProps, eager: bool) -> Html {
    let onclick = maybe_click(&props.on_open, e.id.clone());
    let story_href = &props.story_href;
    let lang = AttrValue::from("en");
    html! {
        <li class="sv-entry" key={ e.id.clone() }>
            if let Some(t) = &e.thumbnail {
                <Figure image={ (**t).clone() } class="sv-thumb" lazy={ !eager } sizes={ super::figure::THUMB_SIZES } />
            }
            <div class="sv-entry-text">
                // Title and dek in the story's language where the entry
                // gives it, and each in its own direction.
                <@{ props.headings.below() } class="sv-entry-title" lang={ e.lang.clone() } dir="auto">
                    if e.href.is_some() {
                        <a href={ story_href.emit(e.id.clone()) } {onclick} data-story={ e.id.clone() }>
                            { headline(&e.title) }
                        </a>
                    } else {
                        { headline(&e.title) }
                    }
                </@>
                if let Some(d) = &e.dek { <p class="sv-dek" lang={ e.lang.clone() } dir="auto">{ d.clone() }</p> }
                <p class="sv-meta"><span class="sv-meta-items">
                    if let Some(p) = &e.published { <span>{ time(p, &lang) }</span> }
                    if !e.source.name.is_empty() { <span lang={ e.source.lang.clone() }>{ e.source.name.clone() }</span> }
                </span></p>
                if !e.tags.is_empty() {
                    <ul class="sv-tags" aria-label={ ui::TAGS }>
                        { for e.tags.iter().map(|t| {
                            let tag = Some(t.clone());
                            let onclick = maybe_click(&props.on_tag, tag.clone());
                            html! { <li><a href={ props.tag_href.emit(tag) } {onclick}>{ t.clone() }</a></li> }
                        }) }
                    </ul>
                }
            </div>
        </li>
    }
}
