//! The few browser calls the components need, each a small function.

use std::cell::RefCell;

use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use yew::NodeRef;

pub fn window() -> web_sys::Window {
    web_sys::window().expect("the viewer runs in a window")
}

/// Resolves in a new task of the event loop (`setTimeout(0)`), so that the
/// browser can render (style, layout, paint) between two steps of drawing,
/// in its own task rather than in ours.
pub async fn yield_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if window().set_timeout_with_callback(&resolve).is_err() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Scrolls the element with this id inside `root` into view (works inside a
/// shadow root too, where `document.getElementById` cannot see).
pub fn scroll_to_id(root: &NodeRef, id: &str) {
    if let Some(el) = find_id(root, id) {
        el.scroll_into_view();
    }
}

/// The element with this id inside `root` (a shadow root included, where
/// `document.getElementById` cannot see).
fn find_id(root: &NodeRef, id: &str) -> Option<web_sys::HtmlElement> {
    let list = root.cast::<web_sys::Element>()?.query_selector_all("[id]").ok()?;
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .find(|el| el.id() == id)
}

/// Moves keyboard focus to `el`; `prevent_scroll`: leave the scroll position as it is.
fn focus(el: &web_sys::HtmlElement, prevent_scroll: bool) {
    let opts = web_sys::FocusOptions::new();
    opts.set_prevent_scroll(prevent_scroll);
    let _ = el.focus_with_options(&opts);
}

/// Copies text to the clipboard (best effort; the button says so).
pub fn copy_text(text: &str) {
    let _ = window().navigator().clipboard().write_text(text);
}

pub fn set_title(title: &str) {
    if let Some(doc) = window().document() {
        doc.set_title(title);
    }
}

/// The page's address, its query string and its fragment (decoded).
pub fn location() -> (String, String, Option<String>) {
    let loc = window().location();
    let hash = loc.hash().unwrap_or_default();
    let fragment = hash.strip_prefix('#').filter(|h| !h.is_empty()).map(|h| {
        js_sys::decode_uri_component(h).ok().and_then(|s| s.as_string()).unwrap_or_else(|| h.to_owned())
    });
    (loc.href().unwrap_or_default(), loc.search().unwrap_or_default(), fragment)
}

/// `history.pushState` to `query` on the current path (`""`: no query).
pub fn push_query(query: &str) {
    if let Ok(h) = window().history() {
        let _ = h.push_state_with_url(&JsValue::NULL, "", Some(&query_target(query)));
    }
}

/// The address for `query` on the current path: the query itself, or the
/// bare path when it is empty.
fn query_target(query: &str) -> String {
    if query.is_empty() {
        window().location().pathname().unwrap_or_else(|_| "./".into())
    } else {
        query.to_owned()
    }
}

/// `history.pushState` to a full URL (a section link on the standalone page).
pub fn push_url(url: &str) {
    if let Ok(h) = window().history() {
        let _ = h.push_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

/// Fires a bubbling, composed `CustomEvent` on `target`.
pub fn dispatch(target: &web_sys::EventTarget, name: &str, detail: &[(&str, &str)]) {
    let obj = js_sys::Object::new();
    for (k, v) in detail {
        let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&obj);
    if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = target.dispatch_event(&ev);
    }
}

/// `text` in Unicode compatibility decomposition (NFKD), by the browser's
/// own `String.prototype.normalize` (no tables in the wasm).
pub fn nfkd(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFKD").into()
}

/// `history.replaceState` to `query` on the current path: the address
/// follows what is typed without a history entry per keystroke.
pub fn replace_query(query: &str) {
    if let Ok(h) = window().history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&query_target(query)));
    }
}

/// Moves keyboard focus to the element with this id inside `root` (made
/// focusable with `tabindex="-1"` if it is not), without scrolling again.
pub fn focus_id(root: &NodeRef, id: &str) {
    if let Some(el) = find_id(root, id) {
        focus_target(&el);
    }
}

/// Moves keyboard focus to `el`, a link's target (made focusable with
/// `tabindex="-1"` if it is not), without scrolling again.
pub fn focus_target(el: &web_sys::HtmlElement) {
    if !el.has_attribute("tabindex") {
        let _ = el.set_attribute("tabindex", "-1");
    }
    focus(el, true);
}

/// The address of section `id` on the page at `page` (whose own
/// `#fragment`, if any, is replaced): what "Copy link" copies.
pub fn section_address(page: &str, id: &str) -> String {
    let without = page.split('#').next().unwrap_or(page);
    format!("{without}{}", story_format::text::section_href(id))
}

/// Moves keyboard focus to the first element matching `selector` inside
/// `root`; `prevent_scroll`: leave the scroll position as it is.
pub fn focus_selector(root: &NodeRef, selector: &str, prevent_scroll: bool) {
    let Some(root) = root.cast::<web_sys::Element>() else { return };
    let Some(el) = root.query_selector(selector).ok().flatten() else { return };
    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
        focus(&el, prevent_scroll);
    }
}

/// The app restores scroll positions itself (a catalog returned to from a
/// story): the browser's own restoration on Back would fight it.
pub fn manual_scroll_restoration() {
    if let Ok(h) = window().history() {
        let _ = h.set_scroll_restoration(web_sys::ScrollRestoration::Manual);
    }
}

thread_local! {
    /// The page's recent Content-Security-Policy violations: (blocked URI, directive).
    static VIOLATIONS: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
}

/// Starts recording the page's Content-Security-Policy violations, so that
/// a fetch the policy refused can say which directive refused it.
pub fn watch_policy() {
    let Some(doc) = window().document() else { return };
    let listener = Closure::<dyn Fn(web_sys::Event)>::new(|e: web_sys::Event| {
        let get = |k: &str| {
            js_sys::Reflect::get(&e, &k.into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
        };
        let (uri, directive) = (get("blockedURI"), get("effectiveDirective"));
        VIOLATIONS.with(|v| {
            let mut v = v.borrow_mut();
            if v.len() >= 20 {
                v.remove(0);
            }
            v.push((uri, directive));
        });
    });
    let _ =
        doc.add_event_listener_with_callback("securitypolicyviolation", listener.as_ref().unchecked_ref());
    listener.forget(); // for the page's lifetime
}

/// The directive that refused a request for `url`, if the policy reported one.
pub fn blocked_by_policy(url: &str) -> Option<String> {
    VIOLATIONS.with(|v| {
        v.borrow()
            .iter()
            .rev()
            .find(|(uri, _)| !uri.is_empty() && url.starts_with(uri.as_str()))
            .map(|(_, d)| d.clone())
    })
}

/// The page's origin (`https://news.example`).
pub fn page_origin() -> String {
    window().location().origin().unwrap_or_default()
}

/// The value stored under `key`, when the page may use `localStorage`.
pub fn stored(key: &str) -> Option<String> {
    window().local_storage().ok().flatten()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key` (`None` removes it); silently nothing when
/// the page may not use `localStorage`.
pub fn store(key: &str, value: Option<&str>) {
    let Some(storage) = window().local_storage().ok().flatten() else { return };
    let _ = match value {
        Some(v) => storage.set_item(key, v),
        None => storage.remove_item(key),
    };
}

/// Sets (or, with `None`, removes) an attribute of the page's root element.
pub fn set_root_attribute(name: &str, value: Option<&str>) {
    let Some(root) = window().document().and_then(|d| d.document_element()) else { return };
    let _ = match value {
        Some(v) => root.set_attribute(name, v),
        None => root.remove_attribute(name),
    };
}
