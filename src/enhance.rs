//! A page built by `story build` (`crate::publish`), brought to life in
//! place. The page is already whole: its article, links and metadata are
//! final HTML, so the viewer neither fetches nor parses the story, nor
//! draws the article again (a 50,000-block story would cost seconds of
//! main thread). It only draws the controls that need it, into the
//! islands the page left for them (`crate::components::island`), a few per
//! task, and moves focus the way the standalone viewer does.
//!
//! Links between pages stay plain links: the reader moves between folder
//! addresses (`a/b/`) with ordinary page loads, and Back and Forward are
//! the browser's own.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use crate::components::sections::{CopyLink, CopyLinkProps};
use crate::components::settings::{ReadingSettings, ReadingSettingsProps};
use crate::components::site_search::{SiteSearch, SiteSearchProps};
use crate::components::Island;
use crate::dom;

/// Islands drawn per task: each is a small Yew app of one button.
const PER_TASK: usize = 40;

/// Starts the controls of a built page whose content is in `root`.
pub fn published(root: Element) {
    let islands = root.query_selector_all("[data-sv-island]").ok();
    let islands: Vec<HtmlElement> = islands
        .map(|list| (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok()).collect())
        .unwrap_or_default();
    watch_fragments();
    focus_fragment();
    // The page's address, read once for every island.
    let (page, _, _) = dom::location();
    wasm_bindgen_futures::spawn_local(async move {
        for (n, island) in islands.into_iter().enumerate() {
            if n > 0 && n % PER_TASK == 0 {
                dom::yield_task().await;
            }
            bring_to_life(island, &page);
        }
    });
}

/// Draws the live control in place of an island's stand-in.
fn bring_to_life(island: HtmlElement, page: &str) {
    let kind = island.get_attribute("data-sv-island");
    match kind.as_deref() {
        Some(k) if k == Island::Settings.name() => {
            yew::Renderer::<ReadingSettings>::with_root_and_props(
                island.clone().into(),
                ReadingSettingsProps { host: None },
            )
            .render();
        }
        Some(k) if k == Island::CopyLink.name() => {
            let Some(props) = copy_link_props(&island, page) else { return };
            yew::Renderer::<CopyLink>::with_root_and_props(island.clone().into(), props).render();
        }
        Some(k) if k == Island::Search.name() => {
            let Some(props) = search_props(&island, page) else { return };
            yew::Renderer::<SiteSearch>::with_root_and_props(island.clone().into(), props).render();
        }
        _ => return,
    }
    let _ = island.remove_attribute("aria-hidden");
    let _ = island.class_list().add_1("sv-live");
}

/// A section's "Copy link": the heading before the island names the section.
fn copy_link_props(island: &HtmlElement, page: &str) -> Option<CopyLinkProps> {
    let heading = island.previous_element_sibling()?;
    let lang =
        island.closest("[lang]").ok().flatten().and_then(|e| e.get_attribute("lang")).unwrap_or_default();
    Some(CopyLinkProps {
        href: dom::section_address(page, &heading.id()).into(),
        heading: heading.text_content().unwrap_or_default().into(),
        labels: crate::labels::for_lang(&lang),
    })
}

/// A built catalog page's search: the site's catalog is at its root
/// (`data-root` on the page's `<main>`, relative), the page's tag in `data-tag`.
fn search_props(island: &HtmlElement, page: &str) -> Option<SiteSearchProps> {
    let main = island.closest("main[data-root]").ok().flatten()?;
    let list = island.closest(".sv-catalog").ok().flatten()?.dyn_into::<HtmlElement>().ok()?;
    let page = story_format::url::Url::parse(page).ok()?;
    let root = main.get_attribute("data-root")?;
    // Through the one URL gate, like every address the viewer uses.
    let catalog =
        story_format::url::resolve(&format!("{root}{}", story_format::layout::CATALOG_FILE), &page).ok()?;
    Some(SiteSearchProps { catalog, tag: main.get_attribute("data-tag").map(Into::into), list })
}

/// After a section link or the browser's Back moves to `#id`: focus
/// follows, so the next Tab continues from the section.
fn watch_fragments() {
    let cb = Closure::<dyn Fn()>::new(focus_fragment);
    let _ = dom::window().add_event_listener_with_callback("hashchange", cb.as_ref().unchecked_ref());
    cb.forget(); // for the page's life
}

/// Focuses the element the address's `#fragment` names, if any, where
/// the browser has scrolled it already.
fn focus_fragment() {
    let (_, _, fragment) = dom::location();
    let Some(id) = fragment else { return };
    let Some(doc) = dom::window().document() else { return };
    if let Some(el) = doc.get_element_by_id(&id).and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        dom::focus_target(&el);
    }
}
