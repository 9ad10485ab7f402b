//! Shared widgets that draw what the core decided (the route-level views
//! are in `crate::pages`). None of them parses, validates or resolves a
//! URL: they receive `story_format` types.

pub mod alert;
pub mod entries;
pub mod figure;
pub mod inline;
pub mod media;
pub mod sections;
pub mod settings;
pub mod site_search;
pub mod time;

use std::rc::Rc;

use story_format::url::Url;
use story_format::SafeUrl;
use yew::{AttrValue, Callback, MouseEvent};

/// The level of the viewer's top heading: 1 on the standalone page; set by
/// `heading-level` on an embedded element so that a host page keeps its one
/// `h1`. A story's title (and a catalog's) is at this level, its sections
/// (and catalog entries) one below. Provided by the `Viewer` as a context;
/// a component mounted alone gets level 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Headings(pub u8);

impl Default for Headings {
    fn default() -> Self {
        Headings(1)
    }
}

impl Headings {
    /// From an attribute's text: 1-5, else 1.
    pub fn parse(attr: Option<&str>) -> Headings {
        Headings(attr.and_then(|a| a.trim().parse().ok()).filter(|n| (1..=5).contains(n)).unwrap_or(1))
    }
    /// The tag of the top heading (`"h1"`).
    pub fn top(self) -> String {
        format!("h{}", self.0)
    }
    /// The tag one level below (`"h2"`).
    pub fn below(self) -> String {
        self.at(1)
    }
    /// The tag `depth` levels below the top (at most `h6`): a story's
    /// sub-headings of level 3 and 4 are 2 and 3 below its title.
    pub fn at(self, depth: u8) -> String {
        format!("h{}", (self.0 + depth).min(6))
    }
}

/// The headings in effect (level 1 outside a `Viewer`).
#[yew::hook]
pub fn use_headings() -> Headings {
    yew::use_context::<Headings>().unwrap_or_default()
}

/// How a [`SafeUrl`] is written into an `href` or `src`: absolute in the
/// browser (the default), or, on a page built by `story build`, relative to
/// that page when it lies under the site's root, so that a built site works
/// from any path. Provided as a context by [`crate::publish`].
/// (The relative form exists only in the `ssr` build: the wasm never
/// carries `relative_ref`.)
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Links(Option<Rc<(Url, Url)>>);

impl Links {
    /// Links written relative to `page`, for addresses under `root`.
    #[cfg(feature = "ssr")]
    pub fn relative(page: Url, root: Url) -> Links {
        Links(Some(Rc::new((page, root))))
    }
    /// Whether these are a built page's links (components then draw the
    /// stand-ins of the controls the viewer adds: see [`island`]).
    pub fn is_relative(&self) -> bool {
        self.0.is_some()
    }
    /// The attribute text for `u`; the one way a `SafeUrl` reaches the DOM.
    pub fn href(&self, u: &SafeUrl) -> AttrValue {
        match &self.0 {
            #[cfg(feature = "ssr")]
            Some(pr) => story_format::url::relative_ref(u, &pr.0, &pr.1).into(),
            _ => u.to_string().into(),
        }
    }
}

/// The links in effect (absolute outside a published page).
#[yew::hook]
pub fn use_links() -> Links {
    yew::use_context::<Links>().unwrap_or_default()
}

/// The controls a built page leaves to the viewer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Island {
    /// The reading settings' toggle, above the article or catalog.
    Settings,
    /// A section's "Copy link".
    CopyLink,
    /// A built catalog page's search field (`SiteSearch`).
    Search,
}

impl Island {
    /// Its `data-sv-island` value.
    pub fn name(self) -> &'static str {
        match self {
            Island::Settings => "settings",
            Island::CopyLink => "copy-link",
            Island::Search => "search",
        }
    }
}

/// Where a built page leaves room for a control that only works with the
/// viewer running: `stand_in` is the control as the viewer will draw it,
/// hidden from everyone (viewer.css: not drawn without JavaScript, and
/// `visibility: hidden`, so neither seen nor focusable, while it starts);
/// it keeps the control's exact room, so nothing moves when the viewer
/// draws the live control in its place (`crate::enhance`).
pub fn island(kind: Island, stand_in: yew::Html) -> yew::Html {
    yew::html! { <div class="sv-island" data-sv-island={ kind.name() } aria-hidden="true">{ stand_in }</div> }
}

/// [`in_app_click`] where the app handles the click, else none: a plain link.
pub fn maybe_click<T: Clone + 'static>(go: &Option<Callback<T>>, arg: T) -> Option<Callback<MouseEvent>> {
    go.clone().map(|go| in_app_click(go, arg))
}

/// A click that the app handles itself (not one meant for a new tab or window).
pub fn plain_click(e: &MouseEvent) -> bool {
    e.button() == 0 && !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key())
}

/// The `onclick` of a link the app follows itself: a plain click is
/// prevented and becomes `go(arg)`; other clicks (new tab, …) keep the
/// link's `href`.
pub fn in_app_click<T: Clone + 'static>(go: Callback<T>, arg: T) -> Callback<MouseEvent> {
    Callback::from(move |e: MouseEvent| {
        if plain_click(&e) {
            e.prevent_default();
            go.emit(arg.clone());
        }
    })
}

/// An `Rc` compared by identity, for hook dependencies and props: `Rc<T>`'s
/// own `PartialEq` compares the contents, which for a 50,000-block story
/// on every step doubled the drawing time (docs/perf.md). Every
/// prop that holds a story, a catalog or a list derived from one is a
/// `ByPtr`, so props derive `PartialEq` and never compare by value.
#[derive(Debug)]
pub struct ByPtr<T>(pub Rc<T>);

impl<T> Clone for ByPtr<T> {
    fn clone(&self) -> Self {
        ByPtr(self.0.clone())
    }
}

impl<T> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
