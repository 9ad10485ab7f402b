//! The catalog page: its title, a tag filter, and its stories newest first,
//! drawn a page at a time so that 10,000 entries stay responsive.

use std::rc::Rc;

use story_format::{Catalog, Entry};
use yew::prelude::*;

use super::figure::Figure;
use super::time::Time;

/// Entries drawn per page ("Show more stories" adds another).
pub const PAGE: usize = 50;

#[derive(Properties, Clone)]
pub struct CatalogViewProps {
    pub catalog: Rc<Catalog>,
    /// The chosen tag, if any.
    #[prop_or_default]
    pub tag: Option<AttrValue>,
    /// The `href` of a story's link (a click is handled by `on_open`).
    pub story_href: Callback<String, String>,
    /// The `href` of a tag filter (a click is handled by `on_tag`).
    pub tag_href: Callback<Option<String>, String>,
    pub on_open: Callback<String>,
    pub on_tag: Callback<Option<String>>,
}

impl PartialEq for CatalogViewProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.catalog, &o.catalog)
            && self.tag == o.tag
            && self.story_href == o.story_href
            && self.tag_href == o.tag_href
            && self.on_open == o.on_open
            && self.on_tag == o.on_tag
    }
}

#[function_component]
pub fn CatalogView(props: &CatalogViewProps) -> Html {
    let catalog = &props.catalog;
    let pages = use_state_eq(|| 1usize);
    {
        let pages = pages.clone();
        use_effect_with(props.tag.clone(), move |_| pages.set(1));
    }
    let chosen = props.tag.as_deref();
    let matching: Rc<Vec<usize>> =
        use_memo((super::ByPtr(catalog.clone()), props.tag.clone()), |(c, tag)| {
            c.0.entries
                .iter()
                .enumerate()
                .filter(|(_, e)| tag.as_ref().is_none_or(|t| e.tags.iter().any(|x| x == t.as_str())))
                .map(|(i, _)| i)
                .collect()
        });
    let shown = (*pages * PAGE).min(matching.len());
    let tags = catalog.all_tags();
    let tag_link = |tag: Option<&str>, label: String| {
        let owned = tag.map(str::to_owned);
        let onclick = super::in_app_click(props.on_tag.clone(), owned.clone());
        let current = (tag == chosen).then_some("true");
        html! { <li><a href={ props.tag_href.emit(owned) } aria-current={ current } {onclick}>{ label }</a></li> }
    };
    let more = {
        let pages = pages.clone();
        Callback::from(move |_| pages.set(*pages + 1))
    };
    html! {
        <section class="sv-catalog" aria-labelledby="sv-catalog-title">
            <h1 id="sv-catalog-title">{ catalog.title.clone() }</h1>
            if !tags.is_empty() {
                <nav class="sv-filter" aria-label="Filter by tag">
                    <ul>
                        { tag_link(None, "All".into()) }
                        { for tags.iter().map(|t| tag_link(Some(t), (*t).to_owned())) }
                    </ul>
                </nav>
            }
            <p class="sv-count" aria-live="polite">{
                match (chosen, matching.len()) {
                    (_, 0) => "No stories.".to_owned(),
                    (Some(t), n) => format!("{n} {} tagged “{t}”", if n == 1 { "story" } else { "stories" }),
                    (None, n) => format!("{n} {}", if n == 1 { "story" } else { "stories" }),
                }
            }</p>
            <ol class="sv-entries">
                { for (0..shown).step_by(PAGE).map(|start| html! {
                    <EntryPage key={ start } catalog={ catalog.clone() } indexes={ matching.clone() } { start } end={ (start + PAGE).min(shown) }
                        story_href={ props.story_href.clone() } on_open={ props.on_open.clone() } />
                }) }
            </ol>
            if shown < matching.len() {
                <button type="button" class="sv-button" onclick={ more }>{ format!("Show more stories ({} of {} shown)", shown, matching.len()) }</button>
            }
        </section>
    }
}

#[derive(Properties, Clone)]
struct EntryPageProps {
    catalog: Rc<Catalog>,
    indexes: Rc<Vec<usize>>,
    start: usize,
    end: usize,
    story_href: Callback<String, String>,
    on_open: Callback<String>,
}

impl PartialEq for EntryPageProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.catalog, &o.catalog)
            && Rc::ptr_eq(&self.indexes, &o.indexes)
            && self.start == o.start
            && self.end == o.end
            && self.story_href == o.story_href
            && self.on_open == o.on_open
    }
}

/// One page of entries; drawn once.
#[function_component]
fn EntryPage(props: &EntryPageProps) -> Html {
    let entries = props.indexes[props.start..props.end].iter().map(|&i| &props.catalog.entries[i]);
    html! { <>{ for entries.map(|e| entry(e, &props.story_href, &props.on_open)) }</> }
}

fn entry(e: &Entry, story_href: &Callback<String, String>, on_open: &Callback<String>) -> Html {
    let onclick = super::in_app_click(on_open.clone(), e.id.clone());
    let lang = AttrValue::from("en");
    html! {
        <li class="sv-entry" key={ e.id.clone() }>
            if let Some(t) = &e.thumbnail {
                <Figure image={ t.clone() } class="sv-thumb" />
            }
            <div class="sv-entry-text">
                // The catalog format has no language per entry: let each
                // title and dek take its own direction at least.
                <h2 class="sv-entry-title" dir="auto">
                    if e.href.is_some() {
                        <a href={ story_href.emit(e.id.clone()) } {onclick}>{ e.title.clone() }</a>
                    } else {
                        { e.title.clone() }
                    }
                </h2>
                if let Some(d) = &e.dek { <p class="sv-dek" dir="auto">{ d.clone() }</p> }
                <p class="sv-meta">
                    if let Some(p) = &e.published { <span><Time value={ p.clone() } lang={ lang.clone() } /></span> }
                    if !e.source.name.is_empty() { <span lang={ e.source.lang.clone() }>{ e.source.name.clone() }</span> }
                </p>
                if !e.tags.is_empty() {
                    <ul class="sv-tags" aria-label="Tags">{ for e.tags.iter().map(|t| html! { <li>{ t.clone() }</li> }) }</ul>
                }
            </div>
        </li>
    }
}
