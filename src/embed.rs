//! The `<story-viewer src="...">` custom element. A tiny JS class (a
//! wasm-bindgen snippet, served as a file, so a strict CSP allows it) calls
//! back into Rust when an element is connected, disconnected or its `src`
//! changes. Each element gets its own shadow root with the viewer's
//! stylesheet, and its own Yew app.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;
use yew::AppHandle;

use crate::app::{Mode, Viewer, ViewerProps};
use crate::route::Route;

#[wasm_bindgen(inline_js = r#"
export function defineStoryViewer(connect, disconnect, changed) {
  if (customElements.get('story-viewer')) return;
  customElements.define('story-viewer', class extends HTMLElement {
    static get observedAttributes() { return ['src', 'heading-level']; }
    connectedCallback() { connect(this); }
    disconnectedCallback() { disconnect(this); }
    attributeChangedCallback(name, before, after) {
      if (this.isConnected && before !== null && before !== after) changed(this);
    }
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = defineStoryViewer)]
    fn define_story_viewer(connect: &JsValue, disconnect: &JsValue, changed: &JsValue);
}

thread_local! {
    /// The running viewers, one per connected element.
    static MOUNTED: RefCell<Vec<(HtmlElement, AppHandle<Viewer>)>> = const { RefCell::new(Vec::new()) };
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
    let handle = MOUNTED.with(|m| {
        let mut m = m.borrow_mut();
        let at = m.iter().position(|(h, _)| h == host)?;
        Some(m.swap_remove(at).1)
    });
    if let Some(handle) = handle {
        handle.destroy();
    }
}

/// How many elements have a running viewer (for tests of clean-up).
#[wasm_bindgen(js_name = mountedViewers)]
pub fn mounted_viewers() -> usize {
    MOUNTED.with(|m| m.borrow().len())
}

/// Defines `<story-viewer>`; `stylesheet` is the URL of `viewer.css`.
pub fn define(stylesheet: &str) {
    STYLESHEET.with(|s| *s.borrow_mut() = stylesheet.to_owned());
    let connect = Closure::<dyn Fn(HtmlElement)>::new(mount);
    let disconnect = Closure::<dyn Fn(HtmlElement)>::new(|h: HtmlElement| unmount(&h));
    let changed = Closure::<dyn Fn(HtmlElement)>::new(mount);
    define_story_viewer(connect.as_ref(), disconnect.as_ref(), changed.as_ref());
    // The element class lives as long as the page.
    connect.forget();
    disconnect.forget();
    changed.forget();
}
