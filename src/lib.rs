//! # story-viewer
//!
//! The browser shell over `story-format`: Yew components that draw what the
//! core decided, a fetch with limits, the standalone page and the
//! `<story-viewer>` element. `lib.rs` only declares modules and the one
//! entry point; see ARCHITECTURE.md for the map.

pub mod app;
pub mod components;
pub mod dom;
pub mod embed;
pub mod enhance;
pub mod fetch;
pub mod labels;
mod load;
pub mod pages;
pub mod progressive;
#[cfg(feature = "ssr")]
pub mod publish;
pub mod reading;
pub mod route;
pub mod search;
mod site_index;

use wasm_bindgen::prelude::*;

/// Talc in place of the default dlmalloc: fewer wasm bytes, and a faster
/// parse of a large story, which allocates every string it keeps.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use crate::app::{Mode, Viewer, ViewerProps};
use crate::route::Route;

/// Called once by `embed.js` after the module loads. `asset_base` is the
/// folder the viewer's files are served from (`new URL('./', import.meta.url)`).
/// On the standalone page (an element with id `story-viewer-app`) mounts the
/// viewer there; `<story-viewer>` elements are mounted by `embed.js`
/// through [`embed::mount_viewer`].
/// `early`: `{ url, response }`, the first file's fetch that `embed.js`
/// started while the viewer loaded (see `fetch::set_early`), if any.
#[wasm_bindgen]
pub fn start(asset_base: &str, early: JsValue) {
    let stylesheet = format!(
        "{}viewer.css",
        if asset_base.ends_with('/') { asset_base.to_owned() } else { format!("{asset_base}/") }
    );
    dom::watch_policy();
    embed::set_stylesheet(&stylesheet);
    let Some(root) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("story-viewer-app"))
    else {
        return;
    };
    // A page built by `story build`: whole already; only its controls start.
    if root.has_attribute("data-published") {
        enhance::published(root);
        return;
    }
    fetch::set_early(&early);
    dom::manual_scroll_restoration();
    let (href, query, fragment) = dom::location();
    let props = ViewerProps {
        mode: Mode::Standalone,
        initial: Route::from_query(&query),
        default_src: root
            .get_attribute("data-default-src")
            .unwrap_or_else(|| "samples/stories.json".into())
            .into(),
        base: href.into(),
        focus: fragment.map(Into::into),
        headings: Default::default(),
        reading_settings: false,
    };
    yew::Renderer::<Viewer>::with_root_and_props(root, props).render();
}

/// Parses and validates a file exactly as the viewer does and returns the
/// number of errors found (`-1`: the file cannot be shown at all). For hosts
/// that want to check a file before showing it, and for the browser
/// benchmark (`e2e/bench.mjs`), which times it beside `JSON.parse`.
#[wasm_bindgen(js_name = checkDocument)]
pub fn check_document(bytes: &[u8], url: &str) -> i32 {
    let Ok(base) = story_format::url::Url::parse(url) else { return -1 };
    let parsed = story_format::parse_document(bytes, &base);
    match parsed.value {
        Some(_) => parsed.errors().count() as i32,
        None => -1,
    }
}
