//! Search on a built site's catalog page (drawn by the viewer's `enhance` into
//! the page's search island). The page lists one page of stories; a search
//! covers the whole archive through the site's search index (`search/`,
//! read by `crate::site_index`): the words of each story's title, dek,
//! source, tags, byline and full text, newest first. While a search is
//! typed its results stand in for the page's list, tag filter and page
//! links (`sv-searching` on the list's section); clearing it brings them
//! back. The address keeps the search (`?q=`), so a reload or Back shows it
//! again.

use std::rc::Rc;

use story_format::search::SEARCH_PAGE as PAGE;
use story_format::{Catalog, Entry};
use web_sys::{AbortController, HtmlElement};
use yew::prelude::*;

use super::entries::{search_form, EntryPage};
use crate::components::{use_headings, ByPtr};
use crate::dom;
use crate::fetch::LoadError;
use crate::labels::ui;
use crate::search::fold_decomposed;
use crate::site_index::SiteIndex;
use story_format::layout::story_page;

#[derive(Properties, PartialEq)]
pub struct SiteSearchProps {
    /// The site's catalog (its `stories.json`), already resolved: the
    /// search files are beside it.
    pub catalog: story_format::SafeUrl,
    /// The tag this page lists, if any: a search stays within it.
    #[prop_or_default]
    pub tag: Option<AttrValue>,
    /// The section whose list the results stand in for.
    pub list: HtmlElement,
}

/// What a search found.
#[derive(Clone)]
enum Found {
    None,
    Loading,
    /// Every story found (numbers, newest first), whether there may be
    /// older ones, and the entries of the first ones, those on screen, as
    /// a catalog.
    Done(Rc<Vec<u32>>, bool, ByPtr<Catalog>),
    Failed(LoadError),
}

#[function_component]
pub fn SiteSearch(props: &SiteSearchProps) -> Html {
    let headings = use_headings();
    let query = use_state(|| initial_query().unwrap_or_default());
    let index = use_memo(props.catalog.clone(), |c| SiteIndex::new(c.clone()));
    let found = use_state(|| Found::None);
    let pages = use_state_eq(|| 1usize);
    let searching = !query.trim().is_empty();

    // Each query (and each "show more") reads what it needs of the index;
    // a newer one aborts the older.
    {
        let (found, index, tag) = (found.clone(), index.clone(), props.tag.clone());
        use_effect_with(((*query).clone(), *pages), move |(q, pages)| {
            let cancel = AbortController::new().ok();
            if let (Some(cancel), false) = (cancel.clone(), q.trim().is_empty()) {
                let (q, shown) = (q.clone(), *pages * PAGE);
                if !matches!(*found, Found::Done(..)) {
                    found.set(Found::Loading);
                }
                wasm_bindgen_futures::spawn_local(async move {
                    let folded = fold_decomposed(&dom::nfkd(&q));
                    let result = async {
                        let (docs, more) = index.find(&folded, tag.as_deref(), &cancel).await?;
                        let entries = index.entries(&docs[..shown.min(docs.len())], &cancel).await?;
                        Ok::<_, LoadError>((docs, more, entries))
                    }
                    .await;
                    if cancel.signal().aborted() {
                        return;
                    }
                    found.set(match result {
                        Ok((docs, more, entries)) => {
                            Found::Done(Rc::new(docs), more, ByPtr(Rc::new(listed(entries))))
                        }
                        Err(e) => Found::Failed(e),
                    });
                });
            }
            move || {
                if let Some(c) = cancel {
                    c.abort();
                }
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
    let results = match (&*found, searching) {
        (_, false) => html! {},
        (Found::None | Found::Loading, true) => html! {
            <p class="sv-count" role="status">{ ui::LOADING }</p>
        },
        (Found::Failed(e), true) => html! { <p class="sv-count" role="alert">{ e.to_string() }</p> },
        (Found::Done(docs, cut, catalog), true) => {
            let cut = *cut;
            let total = docs.len();
            let shown = catalog.0.entries.len();
            let indexes = ByPtr(Rc::new((0..shown).collect::<Vec<_>>()));
            let story_href = {
                let catalog = catalog.clone();
                Callback::from(move |id: String| {
                    let href = catalog.0.find(&id).and_then(|e| e.href.as_ref());
                    href.map(|h| story_page(h.to_string())).unwrap_or_default()
                })
            };
            // A tag in a result leads to that tag's page of the site.
            let tag_href = {
                let (index, url) = (index.clone(), props.catalog.clone());
                Callback::from(move |t: Option<String>| {
                    let path = match (t, index.known_meta()) {
                        (Some(t), Some(meta)) => {
                            format!("{}{}/", story_format::layout::TAGS_FOLDER, meta.folder_of(&t))
                        }
                        _ => "./".into(),
                    };
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
                        if cut { { ui::NEWEST_OF_MORE } }
                    </p>
                    <ol class="sv-entries">
                        <EntryPage catalog={ catalog.clone() } { indexes } start={ 0 } end={ shown }
                            { story_href } on_open={ None } { tag_href } on_tag={ None } {headings} />
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

/// `entries` as a catalog, in their order.
fn listed(entries: Vec<Entry>) -> Catalog {
    Catalog {
        minor_version: 0,
        title: String::new(),
        titled: false,
        image: None,
        entries,
        next: None,
        prev: None,
        total: None,
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
