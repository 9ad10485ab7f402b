//! Search on a built site's catalog page (drawn by the viewer's `enhance` into
//! the page's search island). The page lists one page of stories; a search
//! covers them all, so the site's `stories.json` and the pages it names
//! are fetched (once, at the first keystroke) and searched as the catalog view searches
//! (`crate::search`). While a search is typed its results stand in for the
//! page's list, tag filter and page links (`sv-searching` on the list's
//! section); clearing it brings them back. The address keeps the search
//! (`?q=`), so a reload or Back shows it again.

use std::rc::Rc;

use story_format::layout::TagFolders;
use story_format::Catalog;
use web_sys::{AbortController, HtmlElement};
use yew::prelude::*;

use super::entries::{search_form, EntryPage};
use crate::components::{use_headings, ByPtr};
use crate::dom;
use crate::fetch::LoadError;
use crate::labels::ui;
use crate::search::{fold_decomposed, Index};
use story_format::layout::{story_page, LIST_PAGE as PAGE};

#[derive(Properties, PartialEq)]
pub struct SiteSearchProps {
    /// The site's catalog (its `stories.json`), already resolved.
    pub catalog: story_format::SafeUrl,
    /// The tag this page lists, if any: a search stays within it.
    #[prop_or_default]
    pub tag: Option<AttrValue>,
    /// The section whose list the results stand in for.
    pub list: HtmlElement,
}

/// The catalog, once asked for.
#[derive(Clone)]
enum Loaded {
    Not,
    Loading,
    /// The catalog, its search index, and each tag's folder (`energy`).
    Done(ByPtr<Catalog>, Rc<Index>, Rc<TagFolders>),
    Failed(LoadError),
}

#[function_component]
pub fn SiteSearch(props: &SiteSearchProps) -> Html {
    let headings = use_headings();
    let query = use_state(|| initial_query().unwrap_or_default());
    let loaded = use_state(|| Loaded::Not);
    let pages = use_state_eq(|| 1usize);
    let searching = !query.trim().is_empty();

    // Fetch the catalog at the first search (or at once for `?q=`).
    {
        let (loaded, url) = (loaded.clone(), props.catalog.clone());
        use_effect_with(searching, move |&on| {
            if on && matches!(*loaded, Loaded::Not) {
                loaded.set(Loaded::Loading);
                wasm_bindgen_futures::spawn_local(async move {
                    let Ok(cancel) = AbortController::new() else { return };
                    loaded.set(match crate::load::whole_catalog(&url, &cancel).await {
                        Ok(c) => {
                            let index = Rc::new(Index::new(&c, dom::nfkd));
                            let folders = Rc::new(TagFolders::of_catalog(&c));
                            Loaded::Done(ByPtr(Rc::new(c)), index, folders)
                        }
                        Err(e) => Loaded::Failed(e),
                    });
                });
            }
        });
    }
    // The page's own list steps aside while a search is shown.
    {
        let list = props.list.clone();
        use_effect_with(searching, move |&on| {
            let _ = list.class_list().toggle_with_force("sv-searching", on);
        });
    }
    let on_search = {
        let (query, pages) = (query.clone(), pages.clone());
        Callback::from(move |q: String| {
            let next = if q.trim().is_empty() { String::new() } else { format!("?q={}", url_query(&q)) };
            dom::replace_query(&next);
            pages.set(1);
            query.set(q);
        })
    };
    let results = match (&*loaded, searching) {
        (_, false) => html! {},
        (Loaded::Not | Loaded::Loading, true) => html! {
            <p class="sv-count" role="status">{ ui::LOADING }</p>
        },
        (Loaded::Failed(e), true) => html! { <p class="sv-count" role="alert">{ e.to_string() }</p> },
        (Loaded::Done(catalog, index, folders), true) => {
            let tag = props.tag.clone();
            let tagged = catalog
                .0
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| tag.as_ref().is_none_or(|t| e.tags.iter().any(|x| x == t.as_str())));
            let folded = fold_decomposed(&dom::nfkd(&query));
            let matching = index.matching(&folded, tagged.map(|(i, _)| i));
            let total = matching.len();
            let shown = (*pages * PAGE).min(total);
            let indexes = ByPtr(Rc::new(matching));
            let story_href = {
                let catalog = catalog.clone();
                Callback::from(move |id: String| {
                    let href = catalog.0.find(&id).and_then(|e| e.href.as_ref());
                    href.map(|h| story_page(h.to_string())).unwrap_or_default()
                })
            };
            // A tag in a result leads to that tag's page of the site.
            let tag_href = {
                let (folders, url) = (folders.clone(), props.catalog.clone());
                Callback::from(move |t: Option<String>| {
                    let path =
                        t.and_then(|t| folders.path(&t).map(str::to_owned)).unwrap_or_else(|| "./".into());
                    story_format::url::resolve(&path, &url.to_url())
                        .map(|u| u.to_string())
                        .unwrap_or_default()
                })
            };
            let more = {
                let pages = pages.clone();
                Callback::from(move |_| pages.set(*pages + 1))
            };
            html! {
                <>
                    <p class="sv-count" aria-live="polite">
                        { ui::story_count(total, props.tag.as_deref(), Some(query.as_str())) }
                    </p>
                    <ol class="sv-entries">
                        { for (0..shown).step_by(PAGE).map(|start| html! {
                            <EntryPage key={ start } catalog={ catalog.clone() } indexes={ indexes.clone() } { start }
                                end={ (start + PAGE).min(shown) } story_href={ story_href.clone() } on_open={ None }
                                tag_href={ tag_href.clone() } on_tag={ None } {headings} />
                        }) }
                    </ol>
                    if shown < total {
                        <button type="button" class="sv-button" onclick={ more }>{ ui::show_more(shown, total) }</button>
                    }
                </>
            }
        }
    };
    html! {
        <>
            { search_form(&query, Some(on_search)) }
            <div class="sv-results">{ results }</div>
        </>
    }
}

/// `?q=` of the page's address, if any.
fn initial_query() -> Option<String> {
    let (_, query, _) = dom::location();
    crate::route::Route::from_query(&query).q
}

/// `q` encoded for a query string.
fn url_query(q: &str) -> String {
    js_sys::encode_uri_component(q).into()
}
