//! The catalog page: its title, a search field, a tag filter, and its
//! stories newest first, drawn a page at a time so that 10,000 entries stay
//! responsive. What matches a search is decided by `crate::search`.

use std::cell::Cell;
use std::rc::Rc;

use story_format::{Catalog, Entry};
use yew::prelude::*;

use crate::components::entries::{search_form, EntryPage};
use crate::components::{island, maybe_click, use_headings, use_links, ByPtr, Island};
use crate::labels::ui;
use crate::search::{fold_decomposed, Index};

/// Entries drawn per page ("Show more stories" adds another): as many
/// as a built site's list page holds.
pub const PAGE: usize = story_format::layout::LIST_PAGE;

#[derive(Properties, Clone, PartialEq)]
pub struct CatalogViewProps {
    /// The catalog, compared by pointer.
    pub catalog: ByPtr<Catalog>,
    /// The chosen tag, if any.
    #[prop_or_default]
    pub tag: Option<AttrValue>,
    /// The search, as typed (`?q=`), if any.
    #[prop_or_default]
    pub query: Option<AttrValue>,
    /// The `href` of a story's link (a click is handled by `on_open`).
    pub story_href: Callback<String, String>,
    /// The `href` of a tag filter (a click is handled by `on_tag`).
    pub tag_href: Callback<Option<String>, String>,
    /// What a plain click on a story does (`None`: the link is followed).
    #[prop_or_default]
    pub on_open: Option<Callback<String>>,
    /// What a plain click on a tag does (`None`: the link is followed).
    #[prop_or_default]
    pub on_tag: Option<Callback<Option<String>>>,
    /// The search field changed (on every keystroke). `None`: no search
    /// field (a page built ahead, read without the viewer).
    #[prop_or_default]
    pub on_search: Option<Callback<String>>,
    /// One page of a built site (`page/2/`): that page's entries and links
    /// to the pages around it, instead of "Show more stories".
    #[prop_or_default]
    pub page: Option<Pager>,
    /// Pages of entries drawn at first (more when the reader comes back to
    /// a list they had opened further).
    #[prop_or(1)]
    pub initial_pages: usize,
    /// Told how many pages are drawn, whenever that changes.
    #[prop_or_default]
    pub on_pages: Callback<usize>,
    /// A catalog in pages whose next page the host can load: asked for by
    /// the "Older stories" button once every story loaded is drawn.
    #[prop_or_default]
    pub older: Option<Older>,
}

/// The next page of a catalog in pages, as the host loads it.
#[derive(Clone, PartialEq)]
pub struct Older {
    /// Loads it (the catalog given is then the longer one).
    pub load: Callback<()>,
    /// Loading now.
    pub loading: bool,
    /// Why the last try failed, if it did.
    pub failed: Option<AttrValue>,
}

/// One page of a built catalog: the `catalog` given then holds only that
/// page's entries (already filtered by tag), and this says where the page
/// sits among the others.
#[derive(Clone, Debug, PartialEq)]
pub struct Pager {
    /// Which page, from 0, of how many.
    pub index: usize,
    pub pages: usize,
    /// The stories on all the pages together.
    pub total: usize,
    /// The tags the filter offers (a built site's most used).
    pub tags: std::rc::Rc<Vec<String>>,
    /// The page of every tag and how many there are, when `tags` is not all.
    pub all_tags: Option<(AttrValue, usize)>,
    /// The `href` of the page before and after it, if any.
    pub prev: Option<AttrValue>,
    pub next: Option<AttrValue>,
}

#[function_component]
pub fn CatalogView(props: &CatalogViewProps) -> Html {
    let catalog = &props.catalog.0;
    let headings = use_headings();
    let pages = use_state_eq(|| props.initial_pages.max(1));
    // A new filter or search starts again from the first page (not the
    // first render: a list the reader comes back to keeps its pages).
    {
        let (pages, first) = (pages.clone(), use_mut_ref(|| true));
        use_effect_with((props.tag.clone(), props.query.clone()), move |_| {
            if !std::mem::replace(&mut *first.borrow_mut(), false) {
                pages.set(1);
            }
        });
    }
    {
        let on_pages = props.on_pages.clone();
        use_effect_with(*pages, move |&n| on_pages.emit(n));
    }
    let prerendered = use_links().is_relative();
    let chosen = props.tag.as_deref();
    let query = props.query.as_deref().unwrap_or("");
    let searching = !query.trim().is_empty();
    let index = use_search_index(&props.catalog, searching);
    // Indexes of the entries that match the filter and the search, as a
    // pointer-compared list.
    let matching =
        ByPtr(use_memo((props.catalog.clone(), props.tag.clone(), props.query.clone()), |(c, tag, q)| {
            let has_tag = |e: &Entry| tag.as_ref().is_none_or(|t| e.tags.iter().any(|x| x == t.as_str()));
            let tagged = c.0.entries.iter().enumerate().filter(|(_, e)| has_tag(e)).map(|(i, _)| i);
            match (index.as_ref(), q.as_deref().map(|q| fold_decomposed(&crate::dom::nfkd(q)))) {
                (Some(index), Some(q)) if !q.trim().is_empty() => index.matching(&q, tagged),
                _ => tagged.collect::<Vec<_>>(),
            }
        }));
    let (total, shown, tags) = match &props.page {
        Some(p) => (p.total, matching.0.len(), p.tags.iter().map(String::as_str).collect()),
        None => (matching.0.len(), (*pages * PAGE).min(matching.0.len()), catalog.all_tags()),
    };
    let tag_link = |tag: Option<&str>, label: String| {
        let owned = tag.map(str::to_owned);
        let onclick = maybe_click(&props.on_tag, owned.clone());
        let current = (tag == chosen).then_some("true");
        html! { <li><a href={ props.tag_href.emit(owned) } aria-current={ current } {onclick}>{ label }</a></li> }
    };
    let more = {
        let pages = pages.clone();
        Callback::from(move |_| pages.set(*pages + 1))
    };
    let search = match &props.on_search {
        Some(on_search) => search_form(query, Some(on_search.clone())),
        // A built page: the viewer draws the search field here (`SiteSearch`).
        None if prerendered => island(Island::Search, search_form("", None)),
        None => html! {},
    };
    let pager = props.page.as_ref().filter(|p| p.prev.is_some() || p.next.is_some()).map(|p| {
        html! {
            <nav class="sv-pager" aria-label={ ui::PAGES }>
                if let Some(href) = &p.prev { <a href={ href.clone() } rel="prev">{ ui::NEWER }</a> }
                <span>{ ui::page_of(p.index + 1, p.pages) }</span>
                if let Some(href) = &p.next { <a href={ href.clone() } rel="next">{ ui::OLDER }</a> }
            </nav>
        }
    });
    let entry_pages = (0..shown).step_by(PAGE).map(|start| {
        html! {
            <EntryPage key={ start } catalog={ props.catalog.clone() } indexes={ matching.clone() } { start }
                end={ (start + PAGE).min(shown) } story_href={ props.story_href.clone() }
                on_open={ props.on_open.clone() } tag_href={ props.tag_href.clone() } on_tag={ props.on_tag.clone() }
                {headings} />
        }
    });
    html! {
        <section class="sv-catalog" aria-labelledby="sv-catalog-title">
            <@{ headings.top() } id="sv-catalog-title" class="sv-catalog-title">{ catalog.title.clone() }</@>
            { search }
            if !tags.is_empty() {
                <nav class="sv-filter" aria-label={ ui::FILTER_BY_TAG }>
                    <ul>
                        { tag_link(None, ui::ALL_TAGS.into()) }
                        { for tags.iter().map(|t| tag_link(Some(t), (*t).to_owned())) }
                        if let Some((href, n)) = props.page.as_ref().and_then(|p| p.all_tags.clone()) {
                            <li><a href={ href }>{ ui::all_tags(n) }</a></li>
                        }
                    </ul>
                </nav>
            }
            <p class="sv-count" aria-live="polite">{ ui::story_count(total, chosen, searching.then_some(query)) }</p>
            <ol class="sv-entries">{ for entry_pages }</ol>
            { pager }
            if shown < total && props.page.is_none() {
                <button type="button" class="sv-button" onclick={ more }>{ ui::show_more(shown, total) }</button>
            }
            if let Some(older) = props.older.as_ref().filter(|_| shown >= total && props.page.is_none()) {
                { older_button(older, catalog, pages.clone()) }
            }
        </section>
    }
}

/// "Older stories": loads the catalog's next page, and draws one more page
/// of entries, so that the first of the older stories appear where the
/// reader is.
fn older_button(older: &Older, catalog: &Catalog, pages: UseStateHandle<usize>) -> Html {
    let onclick = {
        let load = older.load.clone();
        Callback::from(move |_| {
            pages.set(*pages + 1);
            load.emit(());
        })
    };
    html! {
        <>
            if let Some(why) = &older.failed {
                <p class="sv-older-failed" role="alert">{ ui::OLDER_FAILED }{ " " }{ why.clone() }</p>
            }
            if older.loading {
                <p class="sv-count" role="status">{ ui::LOADING_OLDER }</p>
            } else {
                <button type="button" class="sv-button" {onclick}>
                    { ui::load_older(catalog.entries.len(), catalog.total()) }
                </button>
            }
        </>
    }
}

/// Catalogs with more entries than this are folded for search a part per
/// task, once they are drawn: 10,000 entries folded at the first keystroke
/// took one task of 60-70 ms (docs/perf.md, "Catalog search").
const FOLD_STEP: usize = 1500;

/// Every entry's text folded for search, once per catalog: a small catalog
/// at the first search, a large one [`FOLD_STEP`] entries a task from the
/// moment it is shown. A search that comes first folds what is left at once.
#[hook]
fn use_search_index(catalog: &ByPtr<Catalog>, searching: bool) -> Option<Rc<Index>> {
    // The entries folded so far, for the catalog they belong to (`None`
    // once whole: it moved to `whole`).
    let partial = use_mut_ref(|| None::<(ByPtr<Catalog>, Index)>);
    let whole = use_state(|| None::<(ByPtr<Catalog>, Rc<Index>)>);
    {
        let (partial, whole) = (partial.clone(), whole.clone());
        use_effect_with(catalog.clone(), move |c| {
            *partial.borrow_mut() = Some((c.clone(), Index::default()));
            let alive = Rc::new(Cell::new(true));
            if c.0.entries.len() > FOLD_STEP {
                let (c, alive) = (c.clone(), alive.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    loop {
                        crate::dom::yield_task().await;
                        let mut slot = partial.borrow_mut();
                        let Some((_, index)) = slot.as_mut().filter(|(of, _)| *of == c && alive.get()) else {
                            return; // another catalog, or a search folded the rest
                        };
                        index.extend(&c.0, index.len() + FOLD_STEP, crate::dom::nfkd);
                        if index.len() >= c.0.entries.len() {
                            let done = slot.take().map(|(_, index)| Rc::new(index));
                            drop(slot);
                            whole.set(done.map(|index| (c, index)));
                            return;
                        }
                    }
                });
            }
            move || alive.set(false)
        });
    }
    if let Some((of, index)) = &*whole {
        if of == catalog {
            return Some(index.clone());
        }
    }
    if !searching {
        return None;
    }
    let mut slot = partial.borrow_mut();
    let mut index = match slot.take() {
        Some((of, index)) if of == *catalog => index,
        _ => Index::default(),
    };
    index.extend(&catalog.0, catalog.0.entries.len(), crate::dom::nfkd);
    let index = Rc::new(index);
    whole.set(Some((catalog.clone(), index.clone())));
    Some(index)
}
