//! The story page: an `<article>` drawn from a [`Story`]: header (title,
//! dek, dates, byline, source, reading time), hero, sections, footer (tags,
//! source link). Large stories are drawn progressively, one step per task
//! of the event loop; `crate::progressive` decides how much each step
//! draws.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use story_format::Story;
use yew::prelude::*;

use crate::components::figure::{say, Figure};
use crate::components::inline::{headline, SectionNav};
use crate::components::sections::SectionGroup;
use crate::components::time::time;
use crate::components::ByPtr;
use crate::components::{in_app_click, maybe_click, use_headings, use_links};
use crate::labels::{self, ui};
use crate::progressive::Layout;

/// A tag's link: its `href` from the tag, and what a plain click does
/// (`None`: the link is followed).
pub type TagLink = (Callback<String, String>, Option<Callback<String>>);

#[derive(Properties, Clone, PartialEq)]
pub struct StoryViewProps {
    /// The story, compared by pointer (never by value: see `ByPtr`).
    pub story: ByPtr<Story>,
    /// "Back to stories": its `href` and what a click does (`None`: a plain link).
    #[prop_or_default]
    pub back: Option<(AttrValue, Option<Callback<MouseEvent>>)>,
    /// A section id to scroll to once it is drawn (from `#SECTION-ID`).
    #[prop_or_default]
    pub focus: Option<AttrValue>,
    /// Builds the link copied by a section's "Copy link" button (`None`: no buttons).
    #[prop_or_default]
    pub section_link: Option<Callback<String, String>>,
    /// Where a tag leads: its `href`, and what a plain click does (`None`:
    /// plain links). No `tag_link`: tags are plain text.
    #[prop_or_default]
    pub tag_link: Option<TagLink>,
    /// Draw the whole story at once instead of a screen first and the rest
    /// task by task: a page rendered ahead by `story build` is whole.
    #[prop_or_default]
    pub whole: bool,
}

/// Stories with more sections than this get a table of contents.
pub const TOC_SECTIONS: usize = 6;

/// The whole article.
#[function_component]
pub fn StoryView(props: &StoryViewProps) -> Html {
    let story = &props.story.0;
    let headings = use_headings();
    let links = use_links();
    // Computed once per story, not on every drawing step: reading time walks
    // every block, and a long story's contents has a link per section.
    let minutes = use_memo(props.story.clone(), |s| s.0.reading_minutes());
    // The contents' links reach the section navigation of the latest render.
    let nav_now = use_mut_ref(Callback::<String>::noop);
    let layout = ByPtr(use_memo(props.story.clone(), |s| Layout::of(&s.0)));
    let total = layout.0.total();
    // The section to show: from the address at first, then from section links.
    let focus = use_state_eq(|| props.focus.clone());
    {
        let focus = focus.clone();
        use_effect_with(props.focus.clone(), move |f| focus.set(f.clone()));
    }
    // Blocks that must be drawn for the focused section to be on the page.
    let needed =
        |f: &Option<AttrValue>| layout.0.needed_for(f.as_ref().and_then(|f| story.section_of(f.as_str())));
    let budget =
        use_state_eq(|| if props.whole { layout.0.total() } else { layout.0.first_budget(needed(&focus)) });
    if needed(&focus) > *budget {
        budget.set(needed(&focus));
    }
    let article = use_node_ref();

    // Draw the rest, one step per task, until all is drawn.
    {
        let (budget, layout) = (budget.clone(), layout.clone());
        use_effect_with(*budget, move |&b| {
            let alive = std::rc::Rc::new(Cell::new(true));
            if b < total {
                let alive = alive.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    crate::dom::yield_task().await;
                    if alive.get() {
                        budget.set(layout.0.next_budget(b));
                    }
                });
            }
            move || alive.set(false)
        });
    }
    // Scroll to the focused section once it is on the page (again on every
    // click of a section link: `jumps` counts them).
    let jumps = use_state(|| 0u32);
    {
        let article = article.clone();
        let drawn = needed(&focus) <= *budget;
        use_effect_with(((*focus).clone(), drawn, *jumps), move |(focus, drawn, _)| {
            if let (Some(id), true) = (focus, drawn) {
                crate::dom::scroll_to_id(&article, id);
                // The next Tab continues from the section, not from the link.
                crate::dom::focus_id(&article, id);
            }
        });
    }
    // Section links inside the story: focus (draw, then scroll) in place;
    // on the standalone page the address follows, so back and copy work.
    let nav = {
        let (focus, jumps, link) = (focus.clone(), jumps.clone(), props.section_link.clone());
        SectionNav(Callback::from(move |id: String| {
            if let Some(link) = &link {
                crate::dom::push_url(&link.emit(id.clone()));
            }
            focus.set(Some(AttrValue::from(id)));
            jumps.set(*jumps + 1);
        }))
    };
    *nav_now.borrow_mut() = nav.0.clone();

    let lang = AttrValue::from(story.lang.clone());
    let l = labels::for_lang(&story.lang);
    let toc = contents(&props.story, l, &nav_now, toc_listed(story.sections.len(), *budget, total));
    let groups = layout.0.groups(*budget).into_iter().map(|group| {
        html! {
            <SectionGroup key={ group.first } story={ props.story.clone() } layout={ layout.clone() } { group }
                link={ props.section_link.clone() } labels={ l } />
        }
    });
    let busy = if *budget < total { "true" } else { "false" };
    let class = classes!("sv-story", layout.0.is_long().then_some("sv-long"));
    let dir = story_format::text::direction(&story.lang);
    html! {
        <ContextProvider<SectionNav> context={ nav }>
        // aria-busy while the rest of a long story is still being drawn.
        <article {class} aria-busy={ busy } lang={ lang.clone() } {dir} ref={ article }>
            // Reading position: drawn by CSS from the page's scroll (no script,
            // no task per scroll), and hidden from assistive technology.
            <div class="sv-progress" aria-hidden="true"></div>
            if let Some((href, onclick)) = &props.back {
                <nav class="sv-back" aria-label={ ui::STORIES } lang="en">
                    <a href={ href.clone() } onclick={ onclick.clone() } lang={ l.lang }>{ l.back }</a>
                </nav>
            }
            // Header, contents, hero and sections are children of one box:
            // reader modes (Readability) keep the box that holds the most
            // text and drop its neighbours, so the hero and the dek live
            // beside the sections; the header's class avoids the word
            // "header", which Readability takes for page chrome.
            <div class="sv-body">
                <header class="sv-story-head">
                    <@{ headings.top() } class="sv-title">{ headline(&story.title) }</@>
                    if let Some(dek) = &story.dek { <p class="sv-dek">{ dek.clone() }</p> }
                    { meta(story, *minutes, l, &lang) }
                </header>
                { notes(story, l, &lang) }
                { toc }
                if let Some(hero) = &story.hero {
                    <Figure image={ hero.clone() } lazy={ false } class="sv-hero" labels={ l } lang={ lang.clone() } />
                }
                // The groups in a list of their own: all keyed, so Yew
                // diffs them by key, apart from the unkeyed parts above.
                <>{ for groups }</>
            </div>
            <footer class="sv-footer">
                if !story.tags.is_empty() {
                    <ul class="sv-tags" aria-label={ l.tags }>
                        { for story.tags.iter().map(|t| match &props.tag_link {
                            Some((href, go)) => html! {
                                <li><a href={ href.emit(t.clone()) } onclick={ maybe_click(go, t.clone()) }>
                                    { t.clone() }
                                </a></li>
                            },
                            None => html! { <li>{ t.clone() }</li> },
                        }) }
                    </ul>
                }
                if let Some(url) = &story.source.url {
                    <p>
                        <a class="sv-source-link" href={ links.href(url) } rel="noopener noreferrer">
                            { say(l, &lang, l.view_source) }
                        </a>
                    </p>
                }
            </footer>
        </article>
        </ContextProvider<SectionNav>>
    }
}

/// Stories with more sections than this get their contents folded (a
/// `<details>` the reader opens): a list that long would push the story
/// itself a screen or more down.
pub const TOC_FOLDED: usize = 20;

/// Contents entries are drawn in parts of this many sections, each a
/// component that is drawn again only when its own range changes.
const TOC_PART: usize = 100;

/// How many sections the contents list while `budget` of `total` blocks
/// are drawn: the first screen lists a few, each later step more, four
/// times as fast as the body, so the list is whole long before the story.
fn toc_listed(sections: usize, budget: usize, total: usize) -> usize {
    if budget >= total {
        return sections;
    }
    let ahead = sections.saturating_mul(budget.saturating_mul(4)) / total.max(1);
    sections.min(TOC_FOLDED + ahead)
}

/// A long story's table of contents: a navigation landmark with a link to
/// each of the first `listed` sections that have a heading; folded when
/// the story has more than [`TOC_FOLDED`] sections.
fn contents(story: &ByPtr<Story>, l: &'static labels::Labels, nav: &NavNow, listed: usize) -> Html {
    let n = story.0.sections.len();
    if n <= TOC_SECTIONS {
        return html! {};
    }
    let parts = (0..listed).step_by(TOC_PART).map(|from| {
        let to = (from + TOC_PART).min(listed);
        html! { <TocPart key={ from } story={ story.clone() } {from} {to} nav={ nav.clone() } /> }
    });
    let list = html! { <ol>{ for parts }</ol> };
    html! {
        <nav class="sv-toc" aria-label={ l.contents }>
            if n > TOC_FOLDED {
                <details>
                    <summary class="sv-toc-title">{ l.contents }</summary>
                    { list }
                </details>
            } else {
                <p class="sv-toc-title">{ l.contents }</p>
                { list }
            }
        </nav>
    }
}

/// The contents' links reach the section navigation of the latest render.
type NavNow = Rc<RefCell<Callback<String>>>;

#[derive(Properties)]
struct TocPartProps {
    story: ByPtr<Story>,
    /// The sections listed: `from..to`.
    from: usize,
    to: usize,
    nav: NavNow,
}

impl PartialEq for TocPartProps {
    fn eq(&self, other: &Self) -> bool {
        self.story == other.story
            && (self.from, self.to) == (other.from, other.to)
            && Rc::ptr_eq(&self.nav, &other.nav)
    }
}

/// Contents entries for sections `from..to` (those with a heading).
#[function_component]
fn TocPart(p: &TocPartProps) -> Html {
    let sections = p.story.0.sections.get(p.from..p.to).unwrap_or_default();
    let links = sections.iter().filter_map(|s| {
        let heading = s.heading.clone()?;
        // Plain links, not a component each: a story at the limits has 2,000.
        let go = {
            let nav = p.nav.clone();
            Callback::from(move |id: String| nav.borrow().emit(id))
        };
        let href = story_format::text::section_href(&s.id);
        Some(html! { <li><a {href} onclick={ in_app_click(go, s.id.clone()) }>{ heading }</a></li> })
    });
    html! { <>{ for links }</> }
}

/// A story's corrections and updates, each with its date, under its
/// header (and at the top of its text in feeds).
pub fn notes(story: &Story, l: &'static labels::Labels, lang: &AttrValue) -> Html {
    if story.corrections.is_empty() {
        return html! {};
    }
    let items = story.corrections.iter().map(|c| {
        let kind = match c.kind {
            story_format::CorrectionKind::Correction => l.correction,
            story_format::CorrectionKind::Update => l.update,
        };
        html! {
            <li>
                <strong class="sv-note-kind">{ say(l, lang, kind) }</strong>{ " " }
                { time(&c.date, lang) }{ say(l, lang, l.note_colon) }
                { c.text.clone() }
            </li>
        }
    });
    html! {
        <aside class="sv-notes" aria-label={ l.notes }>
            <ul>{ for items }</ul>
        </aside>
    }
}

/// The line under the dek: dates, byline, source, reading time.
fn meta(story: &Story, minutes: u32, l: &'static labels::Labels, lang: &AttrValue) -> Html {
    let source = &story.source;
    html! {
        // Each item starts with its separator, clipped at a line's start
        // (see .sv-meta-items), so no line ends or starts with a dangling "·".
        <p class="sv-meta"><span class="sv-meta-items">
            if let Some(p) = &story.published {
                <span>{ time(p, lang) }</span>
            }
            if let Some(u) = &story.updated {
                <span>{ say(l, lang, l.updated) }{ time(u, lang) }</span>
            }
            if let Some(b) = story.credit_line() {
                <span class="sv-byline">{ say(l, lang, l.by) }{ story_format::people::without_by(&b) }</span>
            }
            if !source.name.is_empty() {
                <span class="sv-source">
                    { say(l, lang, l.source) }
                    <span lang={ source.lang.clone() } dir="auto">{ source.name.clone() }</span>
                </span>
            }
            <span class="sv-reading">{ say(l, lang, l.reading_time(minutes)) }</span>
        </span></p>
    }
}
