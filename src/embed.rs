//! The `<story-viewer src="...">` custom element's Rust side. The element
//! class itself is defined by `static/embed.js`, before this module is even
//! fetched: it loads the module only when an element nears the viewport
//! (or has `loading="eager"`), then calls [`mount_viewer`] for it, again
//! when its `src` or `heading-level` changes, and [`unmount_viewer`] when
//! it leaves the page. Each element gets its own shadow root with the
//! viewer's stylesheet, and its own Yew app.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;
use yew::AppHandle;

use crate::app::{Mode, Viewer, ViewerProps};
use crate::components::settings::{ReadingSettings, ReadingSettingsProps};
use crate::route::Route;

thread_local! {
    /// The running viewers, one per connected element.
    static MOUNTED: Running<Viewer> = const { RefCell::new(Vec::new()) };
    /// The reading settings of elements showing a prerendered story.
    static CONTROLS: Running<ReadingSettings> = const { RefCell::new(Vec::new()) };
    static STYLESHEET: RefCell<String> = const { RefCell::new(String::new()) };
}

fn mount(host: HtmlElement) {
    unmount(&host);
    let shadow = match host.shadow_root() {
        Some(s) => s,
        None => match host.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open)) {
            Ok(s) => s,
            Err(_) => return,
        },
    };
    shadow.set_text_content(None);
    let Some(doc) = host.owner_document() else { return };
    if let Ok(link) = doc.create_element("link") {
        let _ = link.set_attribute("rel", "stylesheet");
        STYLESHEET.with(|s| link.set_attribute("href", &s.borrow())).ok();
        let _ = shadow.append_child(&link);
    }
    let Ok(root) = doc.create_element("div") else { return };
    let _ = shadow.append_child(&root);
    let src = host.get_attribute("src").unwrap_or_default();
    let base = doc.base_uri().ok().flatten().unwrap_or_default();
    let props = ViewerProps {
        mode: Mode::Embedded(host.clone()),
        initial: Route::default(),
        default_src: src.into(),
        base: base.into(),
        focus: None,
        headings: crate::components::Headings::parse(host.get_attribute("heading-level").as_deref()),
        reading_settings: host.has_attribute("reading-settings"),
    };
    let handle = yew::Renderer::<Viewer>::with_root_and_props(root, props).render();
    MOUNTED.with(|m| m.borrow_mut().push((host, handle)));
}

fn unmount(host: &HtmlElement) {
    if let Some(handle) = take(&MOUNTED, host) {
        handle.destroy();
    }
    if let Some(handle) = take(&CONTROLS, host) {
        handle.destroy();
    }
}

/// Apps running in elements, one per element.
type Running<C> = RefCell<Vec<(HtmlElement, AppHandle<C>)>>;

/// The app running in `host`, taken out of `list`.
fn take<C: yew::BaseComponent>(
    list: &'static std::thread::LocalKey<Running<C>>,
    host: &HtmlElement,
) -> Option<AppHandle<C>> {
    list.with(|m| {
        let mut m = m.borrow_mut();
        let at = m.iter().position(|(h, _)| h == host)?;
        Some(m.swap_remove(at).1)
    })
}

/// Adds the live controls to a `<story-viewer>` that shows a story built
/// by `story build` from its HTML (`embed.js` drew it into the shadow
/// root): the reading settings, which apply to this element. The story
/// itself is neither fetched nor drawn again.
#[wasm_bindgen(js_name = enhanceViewer)]
pub fn enhance_viewer(host: HtmlElement) {
    unmount(&host);
    let Some(root) = host.shadow_root().and_then(|s| s.query_selector(".sv-root").ok().flatten()) else {
        return;
    };
    let Some(doc) = host.owner_document() else { return };
    // One box for the controls, however often the element is woken.
    if let Ok(Some(old)) = root.query_selector(":scope > .sv-controls") {
        old.remove();
    }
    let Ok(slot) = doc.create_element("div") else { return };
    slot.set_class_name("sv-controls");
    if root.prepend_with_node_1(&slot).is_err() {
        return;
    }
    let props = ReadingSettingsProps { host: Some(host.clone()) };
    let handle = yew::Renderer::<ReadingSettings>::with_root_and_props(slot, props).render();
    CONTROLS.with(|m| m.borrow_mut().push((host, handle)));
}

/// How many elements have a running viewer or controls (for tests of clean-up).
#[wasm_bindgen(js_name = mountedViewers)]
pub fn mounted_viewers() -> usize {
    MOUNTED.with(|m| m.borrow().len()) + CONTROLS.with(|m| m.borrow().len())
}

/// Sets the URL of `viewer.css`, which each element's shadow root links.
pub fn set_stylesheet(stylesheet: &str) {
    STYLESHEET.with(|s| *s.borrow_mut() = stylesheet.to_owned());
}

/// Draws a viewer in `host` (a `<story-viewer>`), replacing any it had:
/// called by `embed.js` when the element nears the viewport, and when its
/// `src` or `heading-level` changes.
#[wasm_bindgen(js_name = mountViewer)]
pub fn mount_viewer(host: HtmlElement) {
    mount(host);
}

/// Removes the viewer drawn in `host`, if any (the element left the page).
#[wasm_bindgen(js_name = unmountViewer)]
pub fn unmount_viewer(host: HtmlElement) {
    unmount(&host);
}
