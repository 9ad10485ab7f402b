//! Pages rendered ahead, outside a browser, by `story build`: the same
//! components the viewer draws, rendered to HTML with Yew's `ssr` feature.
//! Only the `<body>`'s content is made here; the command line writes the
//! `<head>` around it. Links are written relative to the page (see
//! [`Links`]), every link is a real link, and controls that need the
//! viewer are left as hidden stand-ins (see [`crate::components::island`])
//! that `crate::enhance` brings to life.

use std::sync::Arc;

use story_format::layout;
use story_format::url::Url;
use story_format::{Catalog, Story};
use yew::prelude::*;

pub use crate::components::figure::{Picture, Pictures};
use crate::components::{island, ByPtr, Island, Links};
use crate::labels::ui;
use crate::pages::catalog::{CatalogView, Pager};
use crate::pages::story::StoryView;
use story_format::layout::story_page;

/// The `id` of the element a built page's content is in (the viewer's own
/// root on the standalone page).
pub const ROOT_ID: &str = "story-viewer-app";

/// Where a page is and how its links are written.
#[derive(Clone)]
pub struct Place {
    /// This page's address (a folder: `https://news.example/s/a/b/`).
    pub page: Url,
    /// The site's root (`https://news.example/s/`).
    pub root: Url,
    /// A tag's page, relative to the root (`tags/energy/`).
    pub tag_path: Arc<dyn Fn(&str) -> String + Send + Sync>,
    /// The versions `story build` made of the page's images.
    pub pictures: Pictures,
}

impl Place {
    /// The `href` on this page of a page of the site (`path_from_root`:
    /// `tags/energy/`), through the one URL gate.
    fn href(&self, path_from_root: &str) -> AttrValue {
        let path = if path_from_root.is_empty() { "./" } else { path_from_root };
        match story_format::url::resolve(path, &self.root) {
            Ok(safe) => AttrValue::from(story_format::url::relative_ref(&safe, &self.page, &self.root)),
            Err(_) => AttrValue::from("./"),
        }
    }
}

#[derive(Properties)]
struct PageProps {
    place: Place,
    body: Body,
}

impl PartialEq for PageProps {
    fn eq(&self, _: &Self) -> bool {
        false // rendered once
    }
}

enum Body {
    Story(ByPtr<Story>),
    Catalog(ByPtr<Catalog>, CatalogPage),
    /// Every tag of the site, with how many stories each has.
    Tags(Vec<(String, usize)>),
}

/// Which page of a built catalog, and what it needs to know about the others.
#[derive(Clone, Debug)]
pub struct CatalogPage {
    /// The tag this list is of (`None`: all stories).
    pub tag: Option<String>,
    /// Which page, from 0, of how many.
    pub index: usize,
    pub pages: usize,
    /// Stories on all the pages together.
    pub total: usize,
    /// The tags the filter offers: the most used of the whole catalog (a
    /// page's size does not grow with the site's tags).
    pub tags: Arc<Vec<String>>,
    /// How many tags the site has, when that is more than `tags`: the
    /// filter then links to the tags page ([`layout::TAGS_FOLDER`]).
    pub all_tags: Option<usize>,
}

impl CatalogPage {
    /// The folder of page `i` of this list, relative to the site's root
    /// (`""`, `page/2/`, `tags/energy/page/3/`).
    pub fn folder(&self, i: usize, tag_path: &dyn Fn(&str) -> String) -> String {
        layout::list_folder(&self.tag.as_deref().map(tag_path).unwrap_or_default(), i)
    }
}

#[function_component]
fn Page(props: &PageProps) -> Html {
    let place = &props.place;
    let links = Links::relative(place.page.clone(), place.root.clone());
    let tag_href = {
        let place = place.clone();
        Callback::from(move |t: String| place.href(&(place.tag_path)(&t)).to_string())
    };
    let body = match &props.body {
        Body::Story(story) => html! {
            <StoryView story={ story.clone() } whole=true back={ Some((place.href("./"), None)) }
                tag_link={ Some((tag_href, None)) } />
        },
        Body::Tags(tags) => {
            let items = tags.iter().map(|(t, n)| {
                html! { <li><a href={ tag_href.emit(t.clone()) }>{ t.clone() }</a>{ format!(" ({n})") }</li> }
            });
            html! {
                <section class="sv-catalog" aria-labelledby="sv-catalog-title">
                    <h1 id="sv-catalog-title" class="sv-catalog-title">{ ui::TAGS }</h1>
                    <p class="sv-count">{ ui::tag_count(tags.len()) }</p>
                    <nav class="sv-filter" aria-label={ ui::TAGS }>
                        <ul><li><a href={ place.href("./") }>{ ui::ALL_TAGS }</a></li>{ for items }</ul>
                    </nav>
                </section>
            }
        }
        Body::Catalog(catalog, at) => {
            let folder = |i: usize| place.href(&at.folder(i, &*place.tag_path));
            let page = Pager {
                index: at.index,
                pages: at.pages,
                total: at.total,
                tags: std::rc::Rc::new(at.tags.to_vec()),
                all_tags: at.all_tags.map(|n| (place.href(layout::TAGS_FOLDER), n)),
                prev: (at.index > 0).then(|| folder(at.index - 1)),
                next: (at.index + 1 < at.pages).then(|| folder(at.index + 1)),
            };
            let tag = at.tag.clone();
            let entries = catalog.clone();
            let story_href = {
                let (place, entries) = (place.clone(), entries.clone());
                Callback::from(move |id: String| {
                    let href = entries.0.find(&id).and_then(|e| e.href.as_ref());
                    href.map(|h| story_page(story_format::url::relative_ref(h, &place.page, &place.root)))
                        .unwrap_or_default()
                })
            };
            let tag_href = {
                let place = place.clone();
                Callback::from(move |t: Option<String>| match t {
                    Some(t) => place.href(&(place.tag_path)(&t)).to_string(),
                    None => place.href("./").to_string(),
                })
            };
            html! {
                <CatalogView catalog={ catalog.clone() } tag={ tag.clone().map(AttrValue::from) } {story_href}
                    {tag_href} page={ Some(page) } />
            }
        }
    };
    html! {
        <ContextProvider<Links> context={ links }>
        <ContextProvider<Pictures> context={ place.pictures.clone() }>
            <div class="sv-root">
                { island(Island::Settings, html! {
                    <div class="sv-settings">
                        <button type="button" class="sv-settings-toggle" aria-expanded="false">
                            { ui::READING_SETTINGS }
                        </button>
                    </div>
                }) }
                { body }
            </div>
        </ContextProvider<Pictures>>
        </ContextProvider<Links>>
    }
}

/// Renders `C` to HTML on this thread. Yew's `ServerRenderer` sends each
/// render to a pool of its own and waits for it: with `story build`'s own
/// workers, a third of a 100,000-story build went to the threads' hand-offs
/// (docs/perf.md, "Session 21"). Each thread keeps one current-thread
/// runtime and renders inside a `LocalSet`, where a component that suspends
/// can spawn its tasks.
fn render_here<C: BaseComponent>(props: C::Properties) -> String {
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime without I/O or timers needs no system resources");
    }
    let render = yew::LocalServerRenderer::<C>::with_props(props).hydratable(false).render();
    RUNTIME.with(|rt| tokio::task::LocalSet::new().block_on(rt, render))
}

fn render(place: Place, body: Body) -> String {
    render_here::<Page>(PageProps { place, body })
}

/// The HTML of the page listing every tag (`tags`: each with its count).
pub fn tags_html(tags: Vec<(String, usize)>, place: Place) -> String {
    render(place, Body::Tags(tags))
}

/// The HTML of a story's article, as the viewer draws it, whole (`story`
/// may be shared with [`embed_html`]'s: neither render copies it).
pub fn story_html(story: impl Into<std::rc::Rc<Story>>, place: Place) -> String {
    render(place, Body::Story(ByPtr(story.into())))
}

/// The HTML of one page of a catalog: `entries` are that page's (already
/// filtered by its tag).
pub fn catalog_html(catalog: Catalog, at: CatalogPage, place: Place) -> String {
    render(place, Body::Catalog(ByPtr(std::rc::Rc::new(catalog)), at))
}

#[derive(Properties)]
struct EmbedProps {
    story: ByPtr<Story>,
    place: Place,
    /// The site's name, on the link to the story's page under it.
    site: String,
}

impl PartialEq for EmbedProps {
    fn eq(&self, _: &Self) -> bool {
        false // rendered once
    }
}

/// A story alone, to be shown inside another page (an `<iframe>`, or the
/// `<story-viewer>` element's shadow root): the article without the
/// site's controls, every link absolute but section links (`#id`: the
/// embed moves to the section in place), tags linking to the site's tag
/// pages.
#[function_component]
fn Embed(props: &EmbedProps) -> Html {
    let place = &props.place;
    let tag_href = {
        let place = place.clone();
        Callback::from(move |t: String| {
            let path = (place.tag_path)(&t);
            story_format::url::resolve(&path, &place.root).map(|u| u.to_string()).unwrap_or_default()
        })
    };
    // Through the one URL gate, absolute: the element draws this page elsewhere.
    let page = story_format::url::resolve(place.page.as_str(), &place.root).map(|u| u.to_string()).ok();
    html! {
        <ContextProvider<Pictures> context={ place.pictures.clone() }>
            <div class="sv-root">
                <StoryView story={ props.story.clone() } whole=true tag_link={ Some((tag_href, None)) } />
                <p class="sv-embed-credit"><a href={ page }>{ props.site.clone() }</a></p>
            </div>
        </ContextProvider<Pictures>>
    }
}

/// The HTML of a story's embed page's content (see [`Embed`]): `place.page`
/// is the story's own page, `site` the site's name (the last line links
/// to the page under it).
pub fn embed_html(story: impl Into<std::rc::Rc<Story>>, place: Place, site: &str) -> String {
    let site = site.to_owned();
    render_here::<Embed>(EmbedProps { story: ByPtr(story.into()), place, site })
}

#[derive(Properties)]
struct ContentProps {
    story: ByPtr<Story>,
    /// The story's page (absolute), where its section links point.
    page: AttrValue,
    pictures: Pictures,
}

impl PartialEq for ContentProps {
    fn eq(&self, _: &Self) -> bool {
        false // rendered once
    }
}

/// A story's text for a feed reader: the hero, then every section, drawn
/// by the viewer's components with absolute links and no controls.
#[function_component]
fn Content(props: &ContentProps) -> Html {
    let story = &props.story.0;
    let l = crate::labels::for_lang(&story.lang);
    let layout = ByPtr(std::rc::Rc::new(crate::progressive::Layout::of(story)));
    let groups = layout.0.groups(layout.0.total()).into_iter().map(|group| {
        html! {
            <crate::components::sections::SectionGroup key={ group.first } story={ props.story.clone() }
                layout={ layout.clone() } { group } link={ None::<Callback<String, String>> } labels={ l } />
        }
    });
    let page = crate::components::inline::SectionPage(props.page.clone());
    html! {
        <ContextProvider<Pictures> context={ props.pictures.clone() }>
        <ContextProvider<crate::components::inline::SectionPage> context={ page }>
            { crate::pages::story::notes(story, l, &AttrValue::from(story.lang.clone())) }
            if let Some(hero) = &story.hero {
                <crate::components::figure::Figure image={ hero.clone() } lazy={ false } labels={ l }
                    lang={ AttrValue::from(story.lang.clone()) } />
            }
            { for groups }
        </ContextProvider<crate::components::inline::SectionPage>>
        </ContextProvider<Pictures>>
    }
}

/// A story's full text as HTML for feeds: hero and sections, every link
/// absolute (a section link is `page#id`), since feed readers resolve
/// relative ones against the feed.
pub fn story_content_html(story: Story, page: &str, pictures: Pictures) -> String {
    let page = page.to_owned();
    render_here::<Content>(ContentProps {
        story: ByPtr(std::rc::Rc::new(story)),
        page: AttrValue::from(page),
        pictures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[function_component]
    fn Waits() -> HtmlResult {
        // Suspends once: its task is spawned on the thread's `LocalSet`.
        let text = yew::suspense::use_future(|| async { "after the wait".to_owned() })?;
        Ok(html! { <p>{ (*text).clone() }</p> })
    }

    #[function_component]
    fn Holder() -> Html {
        html! { <Suspense fallback={ html! { <p>{ "waiting" }</p> } }><Waits /></Suspense> }
    }

    #[test]
    fn a_component_that_suspends_renders_on_the_thread_of_its_caller() {
        assert_eq!(render_here::<Holder>(()), "<p>after the wait</p>");
        // And again on the same thread, with its runtime kept.
        assert_eq!(render_here::<Holder>(()), "<p>after the wait</p>");
    }
}
