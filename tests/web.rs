//! Component tests in real Chromium (`wasm-pack test --headless --chrome`).
//! Each test mounts into a fresh element ([`mount`]), waits for Yew's
//! scheduler (never a sleep) or for the event the app fires, and asserts on
//! what a reader perceives: headings, links, text, attributes. The app is
//! destroyed and its element removed when the test's [`Mounted`] drops.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use story_format::url::{resolve, Url};
use story_format::{parse_catalog, parse_story, Story};
use story_viewer::app::{Mode, Viewer, ViewerProps};
use story_viewer::components::alert::ErrorAlert;
use story_viewer::components::alert::ErrorAlertProps;
use story_viewer::components::ByPtr;
use story_viewer::fetch::{LoadError, LoadErrorKind};
use story_viewer::pages::catalog::{CatalogView, CatalogViewProps};
use story_viewer::pages::story::{StoryView, StoryViewProps};
use story_viewer::route::Route;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;
use yew::{AppHandle, BaseComponent};

wasm_bindgen_test_configure!(run_in_browser);

// The core's shared test support: the URL corpus and its base.
#[path = "../crates/story-format/tests/support/corpus.rs"]
mod corpus;
#[path = "../crates/story-format/tests/support/invariants.rs"]
#[allow(dead_code)]
mod invariants;

/// The base of the test stories, as `crates/story-format/tests/fixtures.rs` uses it.
const BASE: &str = "https://example.com/bundles/cranes/story.json";

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh, attached element to mount into.
fn fresh_root() -> Element {
    let el = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

/// A component mounted for one test: derefs to its root element; dropping
/// it destroys the app and removes the element.
struct Mounted<C: BaseComponent> {
    root: Element,
    app: Option<AppHandle<C>>,
}

impl<C: BaseComponent> std::ops::Deref for Mounted<C> {
    type Target = Element;
    fn deref(&self) -> &Element {
        &self.root
    }
}

impl<C: BaseComponent> Drop for Mounted<C> {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.remove();
    }
}

/// Mounts `C` into `root` (attached to the page) and waits for its first render.
async fn mount_into<C: BaseComponent>(root: Element, props: C::Properties) -> Mounted<C> {
    let app = yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    Mounted { root, app: Some(app) }
}

/// Mounts `C` into a fresh element and waits for its first render.
async fn mount<C: BaseComponent>(props: C::Properties) -> Mounted<C> {
    mount_into(fresh_root(), props).await
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).map(|i| list.item(i).unwrap().dyn_into::<Element>().unwrap()).collect()
}

fn text(el: &Element) -> String {
    el.text_content().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn texts(root: &Element, selector: &str) -> Vec<String> {
    all(root, selector).iter().map(text).collect()
}

fn story(json: &str) -> Rc<Story> {
    let parsed = parse_story(json.as_bytes(), &Url::parse(BASE).unwrap());
    Rc::new(parsed.value.expect("the fixture parses"))
}

const FULL: &str = include_str!("../crates/story-format/tests/fixtures/full-story.json");

async fn mount_story(s: Rc<Story>) -> Mounted<StoryView> {
    mount(StoryViewProps {
        story: ByPtr(s),
        back: None,
        focus: None,
        section_link: None,
        tag_link: None,
        whole: false,
    })
    .await
}

/// `(type, story.json, page.expect)` for each named type.
macro_rules! golden {
    ($($t:literal),+) => {
        [$(($t,
            include_str!(concat!("../crates/story/tests/blocks/", $t, "/story.json")),
            include_str!(concat!("../crates/story/tests/blocks/", $t, "/page.expect")))),+]
    };
}
/// The golden bundle of each block type (`crates/story/tests/blocks/`),
/// with the section HTML its built page holds.
const GOLDEN: [(&str, &str, &str); 12] = golden!(
    "paragraph",
    "quote",
    "list",
    "image",
    "code",
    "divider",
    "heading",
    "table",
    "pullquote",
    "gallery",
    "video",
    "social"
);

/// What a reader's browser gets from `node`: each element with its
/// attributes (addresses resolved against `page`, as the browser does),
/// and its text. Islands (a built page's stand-ins for controls) are left
/// out: the viewer draws the live control there.
fn outline(node: &web_sys::Node, page: &Url, out: &mut String) {
    if let Some(el) = node.dyn_ref::<Element>() {
        if el.class_list().contains("sv-island") {
            return;
        }
        let attrs = el.attributes();
        let mut list: Vec<(String, String)> = (0..attrs.length())
            .filter_map(|i| attrs.item(i))
            .map(|a| {
                let (name, value) = (a.name(), a.value());
                let resolved = match name.as_str() {
                    "href" | "src" | "poster" | "cite" => page.join(&value).map_or(value, |u| u.to_string()),
                    "srcset" => value
                        .split(", ")
                        .map(|part| match part.split_once(' ') {
                            Some((u, w)) => {
                                format!("{} {w}", page.join(u).map_or(u.to_owned(), |u| u.to_string()))
                            }
                            None => part.to_owned(),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    _ => value,
                };
                (name, resolved)
            })
            .collect();
        list.sort();
        out.push_str(&format!("<{}", el.tag_name().to_lowercase()));
        for (n, v) in list {
            out.push_str(&format!(" {n}={v:?}"));
        }
        out.push('>');
        let children = node.child_nodes();
        for i in 0..children.length() {
            outline(&children.item(i).unwrap(), page, out);
        }
        out.push_str(&format!("</{}>", el.tag_name().to_lowercase()));
    } else if node.node_type() == web_sys::Node::TEXT_NODE {
        out.push_str(&node.text_content().unwrap_or_default());
    }
}

fn outline_all(root: &Element, selector: &str, page: &Url) -> Vec<String> {
    all(root, selector)
        .iter()
        .map(|s| {
            let mut out = String::new();
            outline(s, page, &mut out);
            out
        })
        .collect()
}

#[wasm_bindgen_test]
async fn each_block_type_draws_as_its_built_page_holds_it() {
    let mut declared: Vec<&str> = story_format::BlockType::ALL.iter().map(|t| t.name()).collect();
    let mut golden: Vec<&str> = GOLDEN.iter().map(|(t, ..)| *t).collect();
    declared.sort_unstable();
    golden.sort_unstable();
    assert_eq!(golden, declared, "every block type's golden bundle is mounted here");
    for (name, json, page_html) in GOLDEN {
        let page = Url::parse(&format!("https://news.example/{name}/")).unwrap();
        let parsed = parse_story(json.as_bytes(), &page.join("story.json").unwrap());
        assert!(parsed.diagnostics.is_empty(), "{name}: {:?}", parsed.diagnostics);
        let root = mount_story(Rc::new(parsed.value.unwrap())).await;
        let drawn = outline_all(&root, "article .sv-section", &page);
        let built = web_sys::DomParser::new()
            .unwrap()
            .parse_from_string(page_html, web_sys::SupportedType::TextHtml)
            .unwrap();
        let body: Element = built.body().unwrap().into();
        let expected = outline_all(&body, ".sv-section", &page);
        assert_eq!(drawn.len(), expected.len(), "{name}: sections");
        for (d, e) in drawn.iter().zip(&expected) {
            assert_eq!(d, e, "{name}: the viewer and the built page differ");
        }
    }
}

#[wasm_bindgen_test]
async fn a_story_is_semantic_html() {
    let root = mount_story(story(FULL)).await;
    // One article in the story's language, with one h1: the title.
    let article = root.query_selector("article").unwrap().expect("an article");
    assert_eq!(article.get_attribute("lang").as_deref(), Some("en"));
    // A short story renders every section exactly (no content-visibility).
    assert!(!article.class_list().contains("sv-long"));
    assert_eq!(texts(&root, "h1"), ["Harbour cranes go electric"]);
    assert_eq!(texts(&root, ".sv-dek"), ["A port swaps diesel for batteries, one crane at a time."]);
    // Dates in <time datetime>, formatted by Intl for the story's language.
    let times = all(&root, "time");
    assert_eq!(times[0].get_attribute("datetime").as_deref(), Some("2026-03-14"));
    assert_eq!(text(&times[0]), "March 14, 2026");
    assert_eq!(times[1].get_attribute("datetime").as_deref(), Some("2026-03-15T08:30:00+08:00"));
    assert!(text(&root).contains("By Mei Lin and Tom Ashdown"));
    // The source name is marked up in its own language.
    let source = root.query_selector("[lang=zh]").unwrap().expect("the source name");
    assert_eq!(text(&source), "港口日报");
    // Section headings are h2 carrying their ids.
    let h2: Vec<(String, String)> = all(&root, "h2").iter().map(|h| (h.id(), text(h))).collect();
    assert_eq!(h2, [("why-now".into(), "Why now".into()), ("zh".into(), "为什么现在".into())]);
}

#[wasm_bindgen_test]
async fn hero_figure_has_size_srcset_and_credit() {
    let root = mount_story(story(FULL)).await;
    let img = root.query_selector(".sv-hero img").unwrap().expect("hero image");
    assert_eq!(img.get_attribute("alt").as_deref(), Some("Two cranes above stacked containers at dusk"));
    assert_eq!(img.get_attribute("src").as_deref(), Some("https://example.com/bundles/cranes/hero.jpg"));
    assert_eq!(img.get_attribute("width").as_deref(), Some("1600"));
    assert_eq!(img.get_attribute("height").as_deref(), Some("900"));
    assert!(img.get_attribute("srcset").unwrap().contains("hero-800.jpg 800w"));
    assert!(img.get_attribute("sizes").is_some());
    assert_eq!(img.get_attribute("loading").as_deref(), Some("eager"));
    let caption = text(&root.query_selector(".sv-hero figcaption").unwrap().unwrap());
    assert_eq!(caption, "The first electric crane. Photo by A. Photographer on Example Photos (CC BY 4.0)");
    let provider = all(&root, ".sv-hero figcaption a");
    assert_eq!(provider[0].get_attribute("href").as_deref(), Some("https://example.com/photos"));
    assert_eq!(provider[0].get_attribute("rel").as_deref(), Some("noopener noreferrer"));
    // Images below the fold load lazily.
    let block_img = all(&root, ".sv-section img");
    assert_eq!(block_img[0].get_attribute("loading").as_deref(), Some("lazy"));
}

#[wasm_bindgen_test]
async fn blocks_become_paragraphs_quotes_lists_and_inline_marks() {
    let root = mount_story(story(FULL)).await;
    assert!(texts(&root, "p").contains(&"Prices fell by a third in two years.".to_owned()));
    assert_eq!(texts(&root, "strong"), ["by a third"]);
    assert_eq!(texts(&root, ".sv-section code"), ["crane.charge()"]);
    let link = |name: &str| all(&root, ".sv-section p a").into_iter().find(|a| text(a) == name).expect(name);
    assert_eq!(
        link("years").get_attribute("href").as_deref(),
        Some("https://example.com/bundles/data/prices.html")
    );
    // A link to a section of the story stays in the page.
    assert_eq!(link("why now").get_attribute("href").as_deref(), Some("#why-now"));
    assert_eq!(texts(&root, "blockquote"), ["We charge them at night."]);
    assert_eq!(texts(&root, "cite"), ["the port's engineer"]);
    assert_eq!(texts(&root, "ol > li"), ["One", "Two three"]);
    assert_eq!(texts(&root, "ul:not(.sv-tags) > li"), ["一"]);
    assert_eq!(texts(&root, ".sv-tags li"), ["Energy", "Logistics"]);
    let source = all(&root, "a.sv-source-link");
    assert_eq!(text(&source[0]), "View original source");
    assert_eq!(source[0].get_attribute("href").as_deref(), Some("https://example.com/cranes"));
    assert_eq!(source[0].get_attribute("rel").as_deref(), Some("noopener noreferrer"));
}

#[wasm_bindgen_test]
async fn unsafe_urls_never_reach_an_attribute() {
    let json = r#"{"format":"story/1","id":"x","title":"<b>Hi</b>","published":"2026-01-01",
      "source":{"name":"S","url":"javascript:alert(1)"},
      "hero":{"src":"java\tscript:alert(1)","alt":"The hero's alt text"},
      "sections":[{"blocks":[["Click ",{"text":"here","href":"data:text/html,<script>alert(1)</script>"}]]}]}"#;
    let root = mount_story(story(json)).await;
    // Text is text: the title shows its nine characters, no <b> element.
    assert_eq!(texts(&root, "h1"), ["<b>Hi</b>"]);
    assert!(root.query_selector("h1 b").unwrap().is_none());
    // The unsafe image is not loaded; its alt text shows instead.
    assert!(root.query_selector("img").unwrap().is_none());
    assert_eq!(texts(&root, ".sv-img-missing"), ["The hero's alt text"]);
    // The unsafe link is plain text; no "View original source" link.
    assert!(texts(&root, "p").contains(&"Click here".to_owned()));
    for a in all(&root, "a") {
        let href = a.get_attribute("href").unwrap_or_default();
        assert!(href.starts_with("https://") || href.starts_with("http://"), "unsafe href {href}");
    }
    assert!(root.query_selector("a.sv-source-link").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn right_to_left_stories_set_dir() {
    let json = r#"{"format":"story/1","id":"ar","lang":"ar","title":"عنوان","published":"2026-01-28",
      "source":{"name":"صحيفة"},"sections":[{"heading":"لماذا الآن","blocks":["نص."]}]}"#;
    let root = mount_story(story(json)).await;
    let article = root.query_selector("article").unwrap().unwrap();
    assert_eq!(article.get_attribute("dir").as_deref(), Some("rtl"));
    // An Arabic heading gets a usable id.
    assert_eq!(all(&root, "h2")[0].id(), "لماذا-الآن");
}

#[wasm_bindgen_test]
async fn a_large_story_draws_in_steps_and_finishes() {
    // 3,000 blocks: more than the first step, so drawing continues on frames.
    let blocks: Vec<String> = (0..3000).map(|i| format!("\"Paragraph {i}.\"")).collect();
    let json = format!(
        r#"{{"format":"story/1","id":"big","title":"Big","published":"2026-01-01","source":{{"name":"S"}},
        "sections":[{{"heading":"All","blocks":[{}]}}]}}"#,
        blocks.join(",")
    );
    let s = story(&json);
    let root = mount_story(s).await;
    assert!(root.query_selector("article").unwrap().unwrap().class_list().contains("sv-long"));
    let first = all(&root, ".sv-section p").len();
    assert_eq!(
        root.query_selector("article").unwrap().unwrap().get_attribute("aria-busy").as_deref(),
        Some("true")
    );
    let screen = story_viewer::progressive::FIRST_BLOCKS;
    assert!((screen..3000).contains(&first), "first paint draws a first screen, not everything ({first})");
    // Each task adds a step; wait tasks (the app's own clock) until all is drawn.
    for _ in 0..20 {
        story_viewer::dom::yield_task().await;
        yew::scheduler::flush().await;
    }
    assert_eq!(all(&root, ".sv-section p").len(), 3000);
    let article = root.query_selector("article").unwrap().unwrap();
    assert_eq!(
        article.get_attribute("aria-busy").as_deref(),
        Some("false"),
        "no longer busy once all is drawn"
    );
    assert_eq!(texts(&root, ".sv-section p").last().unwrap(), "Paragraph 2999.");
}

#[wasm_bindgen_test]
async fn catalog_lists_newest_first_and_filters_by_tag() {
    let json = include_str!("../crates/story-format/tests/fixtures/catalog.json");
    let base = Url::parse("https://example.com/news/stories.json").unwrap();
    let catalog = ByPtr(Rc::new(parse_catalog(json.as_bytes(), &base).value.unwrap()));
    let opened = Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let log = opened.clone();
    let root = mount::<CatalogView>(yew::props!(CatalogViewProps {
        catalog: catalog.clone(),
        story_href: Callback::from(|id: String| format!("?story={id}")),
        tag_href: Callback::from(|t: Option<String>| format!("?tag={}", t.unwrap_or_default())),
        on_open: Some(Callback::from(move |id: String| log.borrow_mut().push(id))),
        on_tag: Some(Callback::from(|_| ())),
        on_search: Some(Callback::from(|_| ())),
    }))
    .await;
    assert_eq!(texts(&root, "h1"), ["Harbour news"]);
    // Newest first; the entry with an unsafe href is not a link.
    assert_eq!(texts(&root, ".sv-entry-title"), ["New", "Mid", "Old", "Bad"]);
    assert_eq!(texts(&root, ".sv-entry-title a"), ["New", "Mid", "Old"]);
    assert_eq!(texts(&root, "[lang=zh]"), ["凤凰科技"]);
    // A plain click opens the story through the app, not the browser.
    let link: HtmlElement = all(&root, ".sv-entry-title a")[0].clone().dyn_into().unwrap();
    assert_eq!(link.get_attribute("href").as_deref(), Some("?story=new"));
    link.click();
    assert_eq!(*opened.borrow(), ["new"]);
    // The tag filter offers each tag once.
    assert_eq!(texts(&root, ".sv-filter a"), ["All", "Tech"]);

    // Filtered by a tag, only its stories remain.
    let root2 = mount::<CatalogView>(CatalogViewProps {
        tag: Some(AttrValue::from("Tech")),
        ..catalog_only(catalog)
    })
    .await;
    assert_eq!(texts(&root2, ".sv-entry-title"), ["New"]);
    assert_eq!(texts(&root2, ".sv-filter a[aria-current=true]"), ["Tech"]);
}

/// A catalog view whose links and controls lead nowhere: for tests of what it draws.
fn catalog_only(catalog: ByPtr<story_format::Catalog>) -> CatalogViewProps {
    yew::props!(CatalogViewProps {
        catalog,
        story_href: Callback::from(|id: String| id),
        tag_href: Callback::from(|_| String::new()),
        on_open: Some(Callback::from(|_| ())),
        on_tag: Some(Callback::from(|_| ())),
        on_search: Some(Callback::from(|_| ())),
    })
}

#[wasm_bindgen_test]
async fn a_catalog_of_ten_thousand_draws_one_page() {
    let entries: Vec<String> = (0..10_000).map(|i| format!(
        r#"{{"id":"s{i}","title":"Story {i}","published":"2026-01-01","source":{{"name":"S"}},"href":"s{i}/story.json"}}"#)).collect();
    let json = format!(r#"{{"format":"story-index/1","stories":[{}]}}"#, entries.join(","));
    let catalog = ByPtr(Rc::new(parse_catalog(json.as_bytes(), &Url::parse(BASE).unwrap()).value.unwrap()));
    let root = mount::<CatalogView>(catalog_only(catalog)).await;
    assert_eq!(all(&root, ".sv-entry").len(), 50);
    let more: HtmlElement = root.query_selector("button").unwrap().unwrap().dyn_into().unwrap();
    assert_eq!(text(&more), "Show more stories (50 of 10000 shown)");
    more.click();
    yew::scheduler::flush().await;
    assert_eq!(all(&root, ".sv-entry").len(), 100);
}

#[wasm_bindgen_test]
async fn an_error_is_an_alert_with_the_file_and_try_again() {
    let tries = Rc::new(std::cell::Cell::new(0));
    let t = tries.clone();
    let mut error =
        LoadError::new("https://example.com/x/story.json", LoadErrorKind::Http(503, "Busy".into()));
    error.diagnostics.push(story_format::Diagnostic::error(
        story_format::Code::Type,
        story_format::FieldPath::root().field("sections").index(3).field("blocks").index(0).field("text"),
        "expected text",
    ));
    let root = mount::<ErrorAlert>(ErrorAlertProps {
        error,
        on_retry: Some(Callback::from(move |()| t.set(t.get() + 1))),
        back: None,
    })
    .await;
    let alert = root.query_selector("[role=alert]").unwrap().expect("an alert");
    let t = text(&alert);
    assert!(t.contains("https://example.com/x/story.json"), "{t}");
    assert!(t.contains("HTTP 503 Busy"), "{t}");
    assert!(t.contains("sections[3].blocks[0].text"), "{t}");
    let button: HtmlElement = alert.query_selector("button").unwrap().unwrap().dyn_into().unwrap();
    assert_eq!(text(&button), "Try again");
    button.click();
    assert_eq!(tries.get(), 1);
}

/// A host element attached to the page, and the props of a viewer embedded
/// in it (as `<story-viewer src=...>` makes them) showing `src`.
fn embedded(src: &str) -> (HtmlElement, ViewerProps) {
    let host: HtmlElement = document().create_element("div").unwrap().dyn_into().unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let props = ViewerProps {
        mode: Mode::Embedded(host.clone()),
        initial: Route::default(),
        default_src: src.into(),
        base: web_sys::window().unwrap().location().href().unwrap().into(),
        focus: None,
        headings: Default::default(),
        reading_settings: false,
    };
    (host, props)
}

#[wasm_bindgen_test]
async fn a_failure_a_retry_cannot_fix_offers_no_try_again_but_keeps_the_way_back() {
    let error = LoadError::new("https://example.com/x/story.json", LoadErrorKind::NotFound(404));
    assert!(!error.retryable());
    assert!(LoadError::new("u", LoadErrorKind::Timeout).retryable());
    let back = Some((AttrValue::from("?"), Some(Callback::from(|_: MouseEvent| ()))));
    let root = mount::<ErrorAlert>(ErrorAlertProps { error, on_retry: None, back }).await;
    assert!(root.query_selector("button").unwrap().is_none(), "no Try again");
    let link = root.query_selector("nav a").unwrap().expect("Back to stories");
    assert_eq!(text(&link), "← Back to stories");
    assert!(text(&root.query_selector("[role=alert]").unwrap().unwrap()).contains("HTTP 404"));
}

/// Resolves when `target` fires `name`; returns the event's `detail`.
/// The listener is added at once (not when the future is first polled), so
/// an event fired while the component mounts is not missed.
fn next_event(target: &web_sys::EventTarget, name: &str) -> impl std::future::Future<Output = JsValue> {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let opts = web_sys::AddEventListenerOptions::new();
        opts.set_once(true);
        let f = wasm_bindgen::closure::Closure::once_into_js(move |e: web_sys::CustomEvent| {
            resolve.call1(&JsValue::NULL, &e.detail()).unwrap();
        });
        target
            .add_event_listener_with_callback_and_add_event_listener_options(name, f.unchecked_ref(), &opts)
            .unwrap();
    });
    async move { wasm_bindgen_futures::JsFuture::from(promise).await.unwrap() }
}

#[wasm_bindgen_test]
async fn the_embedded_viewer_refuses_an_unsafe_src_with_an_event_and_an_alert() {
    let title_before = document().title();
    let (host, props) = embedded("javascript:alert(1)");
    let event = next_event(&host, "story-error");
    let root = mount_into::<Viewer>(host.into(), props).await;
    let detail = event.await;
    let message = js_sys::Reflect::get(&detail, &"message".into()).unwrap().as_string().unwrap();
    assert!(message.contains("javascript"), "{message}");
    yew::scheduler::flush().await;
    let alert = root.query_selector("[role=alert]").unwrap().expect("an alert");
    assert!(text(&alert).contains("only http:, https:"), "{}", text(&alert));
    assert_eq!(document().title(), title_before, "an embedded viewer never changes the host's title");
}

#[wasm_bindgen_test]
async fn a_missing_file_ends_in_an_alert_naming_the_url() {
    // The test runner's own server answers 404 for a file it does not have.
    let (host, props) = embedded("no-such-bundle/story.json");
    let event = next_event(&host, "story-error");
    let _viewer = mount_into::<Viewer>(host.into(), props).await;
    let message = js_sys::Reflect::get(&event.await, &"message".into()).unwrap().as_string().unwrap();
    assert!(message.contains("no-such-bundle/story.json"), "{message}");
    assert!(message.contains("not found"), "{message}");
}

/// The hostile-URL corpus against Chromium's own URL parser. In the wasm the
/// core parses with it too (`crates/browser-url`), so this is also the proof
/// that the viewer's core gives every case's expected address, as `url`
/// does natively (`url_corpus.rs`). Where the core accepts, the browser gives the same URL; where it refuses, the browser
/// either cannot parse it or gives a scheme other than http(s). Exceptions,
/// each written in the corpus: empty references (refused by policy) and
/// known Chromium departures from the standard where the core is stricter.
#[wasm_bindgen_test]
fn url_corpus_agrees_with_the_browser() {
    let cases = corpus::cases();
    let base = invariants::BASE;
    let core_base = invariants::base();
    let mut wrong = Vec::new();
    for c in &cases {
        let browser = web_sys::Url::new_with_base(&c.input, base).ok();
        let core = resolve(&c.input, &core_base).ok().map(|u| u.as_str().to_owned());
        assert_eq!(core, c.href, "core vs corpus for {:?}", c.input);
        match (&core, &browser) {
            (Some(h), Some(b)) if *h == b.href() => {}
            (None, None) => {}
            (None, Some(b)) if !matches!(b.protocol().as_str(), "http:" | "https:") => {}
            (None, Some(_)) if c.input.trim().is_empty() => {} // policy: empty is refused
            (None, Some(b)) if c.chromium.as_deref() == Some(b.href().as_str()) => {} // known, stricter
            _ => wrong.push(format!(
                "{:?} ({}): core {:?}, browser {:?}",
                c.input,
                c.why,
                core,
                browser.map(|b| b.href())
            )),
        }
    }
    assert!(wrong.is_empty(), "core and browser disagree:\n{}", wrong.join("\n"));
}

/// The viewer skips `Intl` (about 30 ms at first use) where the core's own
/// wording is the same: checked here against Chromium's `Intl` itself.
#[wasm_bindgen_test]
fn dates_worded_without_intl_read_as_intl_words_them() {
    use js_sys::{Array, Date, Intl, Object, Reflect};
    let intl = |raw: &str, lang: &str| -> String {
        let t = story_format::date::parse(raw).unwrap();
        let options = Object::new();
        Reflect::set(&options, &"dateStyle".into(), &"long".into()).unwrap();
        Reflect::set(&options, &"timeZone".into(), &"UTC".into()).unwrap();
        let format = Intl::DateTimeFormat::new(&Array::of1(&JsValue::from_str(lang)), &options).format();
        let date = Date::new(&JsValue::from_f64(t.unix as f64 * 1000.0));
        format.call1(&JsValue::NULL, &date).unwrap().as_string().unwrap()
    };
    let mut checked = 0;
    for lang in ["en", "en-US", "zh", "zh-Hans", "zh-TW", "ja", "ko", "en-GB", "fr", "ar"] {
        for raw in ["2026-03-14", "2025-12-01", "2024-02-29", "1999-07-04"] {
            let t = story_format::date::parse(raw).unwrap();
            if story_format::date::same_as_intl(&t, lang) {
                assert_eq!(story_format::date::format_long(&t, lang), intl(raw, lang), "{raw} in {lang}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 8 * 4, "en, en-US, zh, zh-Hans, zh-TW, ja, ko and ar skip Intl");
}

/// The same for date-times, in several time zones: the core's wording for
/// the reader's offset against Chromium's `Intl` in that zone.
#[wasm_bindgen_test]
fn date_times_worded_without_intl_read_as_intl_words_them() {
    use js_sys::{Array, Date, Intl, Object, Reflect};
    let intl = |unix: i64, lang: &str, zone: &str| -> String {
        let options = Object::new();
        for (k, v) in [("dateStyle", "long"), ("timeStyle", "short"), ("timeZone", zone)] {
            Reflect::set(&options, &k.into(), &v.into()).unwrap();
        }
        let format = Intl::DateTimeFormat::new(&Array::of1(&JsValue::from_str(lang)), &options).format();
        format
            .call1(&JsValue::NULL, &Date::new(&JsValue::from_f64(unix as f64 * 1000.0)))
            .unwrap()
            .as_string()
            .unwrap()
    };
    let zones = [("UTC", 0), ("Etc/GMT-8", 480), ("Etc/GMT+5", -300), ("Asia/Kolkata", 330)];
    let mut checked = 0;
    for lang in ["en", "en-US", "zh", "zh-Hans", "ja", "ko", "en-GB", "zh-TW", "de"] {
        for raw in [
            "2026-03-16T09:30:00+08:00",
            "2025-12-31T23:59:00Z",
            "2024-02-29T12:00:00-05:00",
            "2026-07-01T00:05:00Z",
        ] {
            let t = story_format::date::parse(raw).unwrap();
            for (zone, offset) in zones {
                if let Some(words) = story_format::date::format_local(&t, lang, offset) {
                    assert_eq!(words, intl(t.unix, lang, zone), "{raw} in {lang}, {zone}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 6 * 4 * 4, "en, en-US, zh, zh-Hans, ja and ko skip Intl");
}

#[wasm_bindgen_test]
async fn a_prerendered_story_gains_its_reading_settings_and_nothing_else() {
    // What embed.js draws from a built story's embed.html (the fixture's
    // HTML is the test's own, never a story's text).
    let host: HtmlElement = document().create_element("div").unwrap().dyn_into().unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let shadow = host.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open)).unwrap();
    shadow.set_inner_html(
        "<div class=\"sv-embed-main\"><div class=\"sv-root\"><article class=\"sv-story\">\
         <h1>Harbour cranes go electric</h1><p>Text.</p></article></div></div>",
    );
    let before = story_viewer::embed::mounted_viewers();
    story_viewer::embed::enhance_viewer(host.clone());
    yew::scheduler::flush().await;
    let root = shadow.query_selector(".sv-root").unwrap().unwrap();
    let first = root.first_element_child().unwrap();
    let button = first.query_selector("button").unwrap().expect("the settings' toggle, first in the box");
    assert_eq!(text(&button), "Reading settings");
    assert_eq!(all(&root, "article").len(), 1, "the story is not drawn again");
    assert_eq!(text(&root.query_selector("h1").unwrap().unwrap()), "Harbour cranes go electric");
    assert_eq!(story_viewer::embed::mounted_viewers(), before + 1);
    // Woken again (the element left the page and came back): still one control.
    story_viewer::embed::enhance_viewer(host.clone());
    yew::scheduler::flush().await;
    assert_eq!(all(&root, "button").len(), 1);
    assert_eq!(story_viewer::embed::mounted_viewers(), before + 1);
    story_viewer::embed::unmount_viewer(host.clone());
    assert_eq!(story_viewer::embed::mounted_viewers(), before);
    host.remove();
}

#[wasm_bindgen_test]
async fn corrections_are_listed_under_the_header_in_the_storys_language() {
    let s = story(
        r#"{"format":"story/1","id":"z","lang":"zh","title":"港口","published":"2026-03-14",
            "corrections":[{"date":"2026-03-16","text":"电池容量已更正。"},{"kind":"update","date":"2026-03-17","text":"<b>新增</b>时间表。"}],
            "sections":[{"blocks":["正文。"]}]}"#,
    );
    let root = mount_story(s).await;
    let notes = root.query_selector(".sv-story-head + .sv-notes").unwrap().expect("under the header");
    assert_eq!(notes.get_attribute("aria-label").as_deref(), Some("更正与更新"));
    let items = texts(&notes, "li");
    assert_eq!(items.len(), 2);
    assert!(items[0].starts_with("更正 ") && items[0].ends_with("：电池容量已更正。"), "{}", items[0]);
    assert!(
        items[1].starts_with("更新 ") && items[1].ends_with("：<b>新增</b>时间表。"),
        "text stays text: {}",
        items[1]
    );
    assert!(notes.query_selector("b").unwrap().is_none());
    assert_eq!(all(&notes, "time").len(), 2);
}
