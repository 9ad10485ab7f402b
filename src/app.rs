//! The viewer: decides what to load for a [`Route`], loads it, and shows a
//! catalog, a story or an error. One component for both uses: the
//! standalone page (address in the location bar, History API, document
//! title) and the embedded element (address in its own state; events on the
//! host element instead of a title).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::AbortController;
use yew::prelude::*;

use crate::components::alert::{problems_alert, ErrorAlert};
use crate::components::settings::ReadingSettings;
use crate::components::{in_app_click, ByPtr, Headings};
use crate::dom;
use crate::labels::ui;
use crate::load::{fetch_view, Left, View};
use crate::pages::catalog::{CatalogView, Older};
use crate::pages::story::StoryView;
use crate::route::Route;

/// Where the viewer lives.
#[derive(Clone, PartialEq)]
pub enum Mode {
    /// The whole page: reads and writes the address, sets `document.title`.
    Standalone,
    /// Inside a `<story-viewer>` element: touches nothing outside it and
    /// fires `story-load` / `story-error` on it.
    Embedded(web_sys::HtmlElement),
}

#[derive(Properties, PartialEq)]
pub struct ViewerProps {
    pub mode: Mode,
    /// The first view.
    pub initial: Route,
    /// The file shown when the route names no `src`.
    pub default_src: AttrValue,
    /// What relative addresses resolve against: the page URL (standalone)
    /// or the host document's base URL (embedded).
    pub base: AttrValue,
    /// Section to scroll to on the first view (`#SECTION-ID`).
    #[prop_or_default]
    pub focus: Option<AttrValue>,
    /// The level of the top heading (`heading-level` on an embed).
    #[prop_or_default]
    pub headings: Headings,
    /// Whether an embed's host allows reading settings (`reading-settings`
    /// on the element); the standalone page always has them.
    #[prop_or_default]
    pub reading_settings: bool,
}

/// Tells the host what is shown: the page title (standalone) or events (embedded).
fn announce(mode: &Mode, view: &View) {
    match (mode, view) {
        (Mode::Standalone, View::Story { story, .. }) => dom::set_title(&story.title),
        (Mode::Standalone, View::Catalog { catalog, .. }) => dom::set_title(&catalog.title),
        (Mode::Standalone, View::Failed { .. }) => dom::set_title(ui::FAILED_TITLE),
        (Mode::Embedded(host), View::Story { story, .. }) => {
            dom::dispatch(host, "story-load", &[("id", &story.id), ("title", &story.title)]);
        }
        (Mode::Embedded(host), View::Failed { error: e, .. }) => {
            let directive = match &e.kind {
                crate::fetch::LoadErrorKind::Blocked(d) => d.as_str(),
                _ => "",
            };
            dom::dispatch(
                host,
                "story-error",
                &[("message", &format!("{e} ({})", e.url)), ("directive", directive)],
            );
        }
        _ => {}
    }
}

#[function_component]
pub fn Viewer(props: &ViewerProps) -> Html {
    let route = use_state(|| props.initial.clone());
    let attempt = use_state(|| 0u32);
    let view = use_state(|| View::Loading);
    let focus = use_state(|| props.focus.clone());
    let standalone = props.mode == Mode::Standalone;
    let left = use_mut_ref(|| None::<Left>);
    let pages_now = use_mut_ref(|| 1usize);
    // The story whose link gets focus once the catalog it was opened from is back.
    let returning = use_mut_ref(|| None::<(f64, String)>);
    let root = use_node_ref();
    // A catalog in pages: its next page loading, or why it failed; and the
    // catalog on screen (a page that arrives after the reader moved on is
    // dropped).
    let older = use_state(|| (false, None::<AttrValue>));
    let on_screen = use_mut_ref(|| None::<std::rc::Rc<story_format::Catalog>>);

    // Load whenever the document the route names (or the attempt) changes;
    // abort what is in flight. A new filter or search of the catalog on
    // screen loads nothing: the list changes in place, and focus stays where
    // the reader is.
    {
        let (view, mode) = (view.clone(), props.mode.clone());
        let key = route.document_key();
        let key = (key.0.map(str::to_owned), key.1.map(str::to_owned));
        let deps = (key, *attempt, props.base.clone(), props.default_src.clone());
        let current = route.clone();
        let (left, returning, older) = (left.clone(), returning.clone(), older.clone());
        use_effect_with(deps, move |(_, _, base, default_src)| {
            older.set((false, None));
            // Back to the catalog a story was opened from: as it was left.
            if let Some(l) =
                left.borrow().as_ref().filter(|l| current.story.is_none() && l.src == current.src)
            {
                let v = View::Catalog {
                    catalog: l.catalog.clone(),
                    url: l.url.clone(),
                    problems: l.problems.clone(),
                    pages: l.pages,
                };
                announce(&mode, &v);
                *returning.borrow_mut() = Some((l.scroll, l.story.clone()));
                view.set(v);
                return Box::new(|| ()) as Box<dyn FnOnce()>;
            }
            let cancel = AbortController::new().ok();
            view.set(View::Loading);
            if let Some(cancel) = cancel.clone() {
                let known = left
                    .borrow()
                    .as_ref()
                    .filter(|l| l.src == current.src)
                    .map(|l| (l.url.clone(), l.catalog.clone()));
                let fut =
                    fetch_view((*current).clone(), base.clone(), default_src.clone(), cancel.clone(), known);
                wasm_bindgen_futures::spawn_local(async move {
                    let v = fut.await;
                    if !cancel.signal().aborted() {
                        announce(&mode, &v);
                        view.set(v);
                    }
                });
            }
            Box::new(move || {
                if let Some(c) = cancel {
                    c.abort();
                }
            })
        });
    }
    // Once the catalog is back on screen: the same scroll position, and
    // focus on the story just read.
    {
        let (returning, root, view) = (returning.clone(), root.clone(), view.clone());
        use_effect(move || {
            if matches!(*view, View::Catalog { .. }) {
                if let Some((scroll, story)) = returning.borrow_mut().take() {
                    // After this task: the catalog's pages (child components)
                    // are drawn by then.
                    let root = root.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        dom::yield_task().await;
                        if standalone {
                            dom::window().scroll_to_with_x_and_y(0.0, scroll);
                        }
                        let selector = format!("a[data-story=\"{}\"]", story.replace(['"', '\\'], ""));
                        dom::focus_selector(&root, &selector, standalone);
                    });
                }
            }
        });
    }

    // Back and forward (standalone only).
    {
        let (route, focus) = (route.clone(), focus.clone());
        use_effect_with(standalone, move |&standalone| {
            let listener = standalone.then(|| {
                let cb = Closure::<dyn Fn()>::new(move || {
                    let (_, query, fragment) = dom::location();
                    focus.set(fragment.map(AttrValue::from));
                    route.set(Route::from_query(&query));
                });
                let _ =
                    dom::window().add_event_listener_with_callback("popstate", cb.as_ref().unchecked_ref());
                cb
            });
            move || {
                if let Some(cb) = listener {
                    let _ = dom::window()
                        .remove_event_listener_with_callback("popstate", cb.as_ref().unchecked_ref());
                }
            }
        });
    }

    let navigate = {
        let (route, focus) = (route.clone(), focus.clone());
        Callback::from(move |next: Route| {
            if standalone {
                dom::push_query(&next.to_query());
                if next.document_key() != route.document_key() {
                    dom::window().scroll_to_with_x_and_y(0.0, 0.0);
                }
            }
            focus.set(None);
            route.set(next);
        })
    };
    // Typing in the search field: the address follows without a history
    // entry per keystroke.
    let search = {
        let route = route.clone();
        Callback::from(move |q: String| {
            let next = route.with_query(&q);
            if standalone {
                dom::replace_query(&next.to_query());
            }
            route.set(next);
        })
    };
    let href_for = |r: Route| -> AttrValue {
        let q = r.to_query();
        AttrValue::from(if q.is_empty() { "?".to_owned() } else { q })
    };
    let retry = {
        let attempt = attempt.clone();
        Callback::from(move |()| attempt.set(*attempt + 1))
    };

    let r = (*route).clone();
    let back = |from_catalog: bool| {
        from_catalog.then(|| {
            let to = r.catalog();
            (href_for(to.clone()), Some(in_app_click(navigate.clone(), to)))
        })
    };
    // A file that failed, opened by its own address (a shared link) rather
    // than from a list: the way on is the site's own stories.
    let way_on = |from_catalog: bool| {
        back(from_catalog).or_else(|| {
            (standalone && r.src.is_some()).then(|| {
                let to = Route::default();
                (href_for(to.clone()), Some(in_app_click(navigate.clone(), to)))
            })
        })
    };
    let body = match &*view {
        View::Loading => html! {
            <div class="sv-loading" role="status"><span class="sv-loading-text">{ ui::LOADING }</span></div>
        },
        View::Failed { error, from_catalog } => {
            let on_retry = error.retryable().then_some(retry);
            html! { <ErrorAlert error={ error.clone() } {on_retry} back={ way_on(*from_catalog) } /> }
        }
        View::Story { story, from_catalog, url, problems } => {
            let section_link = standalone.then(|| {
                let (page, _, _) = dom::location();
                Callback::from(move |id: String| dom::section_address(&page, &id))
            });
            let tag_link = {
                let (r2, nav) = (r.clone(), navigate.clone());
                let href = Callback::from(move |t: String| href_for(r2.tag_list(&t)).to_string());
                let r3 = r.clone();
                (href, Some(Callback::from(move |t: String| nav.emit(r3.tag_list(&t)))))
            };
            html! {
                <>
                    { problems_alert(url, problems) }
                    <StoryView story={ ByPtr(story.clone()) } back={ back(*from_catalog) } focus={ (*focus).clone() }
                        { section_link } tag_link={ Some(tag_link) } />
                </>
            }
        }
        View::Catalog { catalog, url, problems, pages } => {
            let story_href = {
                let r = r.clone();
                Callback::from(move |id: String| href_for(r.with_story(&id)).to_string())
            };
            let tag_href = {
                let r = r.clone();
                Callback::from(move |t: Option<String>| href_for(r.with_tag(t.as_deref())).to_string())
            };
            let on_open = {
                let (r, nav, left, pages_now) =
                    (r.clone(), navigate.clone(), left.clone(), pages_now.clone());
                let (catalog, url, problems) = (catalog.clone(), url.clone(), problems.clone());
                Callback::from(move |id: String| {
                    let scroll = if standalone { dom::window().scroll_y().unwrap_or(0.0) } else { 0.0 };
                    *left.borrow_mut() = Some(Left {
                        src: r.src.clone(),
                        catalog: catalog.clone(),
                        url: url.clone(),
                        problems: problems.clone(),
                        pages: *pages_now.borrow(),
                        scroll,
                        story: id.clone(),
                    });
                    nav.emit(r.with_story(&id))
                })
            };
            let on_pages = {
                let pages_now = pages_now.clone();
                Callback::from(move |n: usize| *pages_now.borrow_mut() = n)
            };
            let on_tag = {
                let (r, nav) = (r.clone(), navigate.clone());
                Callback::from(move |t: Option<String>| nav.emit(r.with_tag(t.as_deref())))
            };
            *on_screen.borrow_mut() = Some(catalog.clone());
            let older_pages = catalog.next.as_ref().map(|_| {
                let (loading, failed) = (older.0, older.1.clone());
                let (view, older, on_screen, pages_now) =
                    (view.clone(), older.clone(), on_screen.clone(), pages_now.clone());
                let (catalog, url, problems) = (catalog.clone(), url.clone(), problems.clone());
                let load = Callback::from(move |()| {
                    older.set((true, None));
                    let (view, older, on_screen, pages_now) =
                        (view.clone(), older.clone(), on_screen.clone(), pages_now.clone());
                    let (catalog, url, problems) = (catalog.clone(), url.clone(), problems.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        let Ok(cancel) = AbortController::new() else { return };
                        let result = crate::load::older_page(&catalog, &cancel).await;
                        if !on_screen.borrow().as_ref().is_some_and(|c| std::rc::Rc::ptr_eq(c, &catalog)) {
                            return;
                        }
                        match result {
                            Ok((longer, more)) => {
                                older.set((false, None));
                                let problems = if more.is_empty() {
                                    problems
                                } else {
                                    std::rc::Rc::new(problems.iter().cloned().chain(more).collect())
                                };
                                let pages = *pages_now.borrow();
                                let catalog = std::rc::Rc::new(longer);
                                view.set(View::Catalog { catalog, url, problems, pages });
                            }
                            Err(e) => older.set((false, Some(e.to_string().into()))),
                        }
                    });
                });
                Older { load, loading, failed }
            });
            html! {
                <>
                    { problems_alert(url, problems) }
                    <CatalogView catalog={ ByPtr(catalog.clone()) } tag={ r.tag.clone().map(AttrValue::from) }
                        query={ r.q.clone().map(AttrValue::from) }
                        {story_href} {tag_href} on_open={ Some(on_open) } on_tag={ Some(on_tag) }
                        on_search={ Some(search) }
                        initial_pages={ *pages } {on_pages} older={ older_pages } />
                </>
            }
        }
    };
    html! {
        <ContextProvider<Headings> context={ props.headings }>
            <div class="sv-root" ref={ root }>
                // Reading settings: on the page the reader owns, and in an
                // embed only where its host allows them.
                if standalone { <ReadingSettings /> }
                if let (Mode::Embedded(host), true) = (&props.mode, props.reading_settings) {
                    <ReadingSettings host={ Some(host.clone()) } />
                }
                { body }
            </div>
        </ContextProvider<Headings>>
    }
}
