//! The story page: an `<article>` drawn from a [`Story`]. Large stories are
//! drawn progressively: the first screen at once, then more blocks on each
//! animation frame, in chunk components so that no frame re-draws what is
//! already on the page (see ARCHITECTURE.md, "Drawing large stories").

use std::cell::Cell;
use std::rc::Rc;

use story_format::{Block, Story};
use yew::prelude::*;

use super::figure::{say, Figure};
use super::inline::inline;
use super::inline::SectionNav;
use super::time::Time;
use crate::labels::{self, Labels};

/// Blocks drawn before the first paint.
pub const FIRST_BLOCKS: usize = 120;
/// Blocks added per step after that; each step runs in a task of its own
/// (`dom::yield_task`), so the browser renders between steps. Measured on a
/// 2-core machine in headless Chromium, even with the other core busy: no
/// task over 50 ms (see ARCHITECTURE.md, "Drawing large stories").
pub const STEP_BLOCKS: usize = 300;
/// Blocks per chunk component.
pub const CHUNK: usize = 50;
/// Stories with more blocks than this get `content-visibility: auto` on
/// their sections (class `sv-long`).
pub const LONG_STORY_BLOCKS: usize = 500;
/// Sections per group component: a frame re-lists at most
/// `sections / GROUP` groups, never every section.
pub const GROUP: usize = 40;

#[derive(Properties, Clone)]
pub struct StoryViewProps {
    pub story: Rc<Story>,
    /// "Back to stories": its `href` and what a click does.
    #[prop_or_default]
    pub back: Option<(AttrValue, Callback<MouseEvent>)>,
    /// A section id to scroll to once it is drawn (from `#SECTION-ID`).
    #[prop_or_default]
    pub focus: Option<AttrValue>,
    /// Builds the link copied by a section's "Copy link" button (`None`: no buttons).
    #[prop_or_default]
    pub section_link: Option<Callback<String, String>>,
}

impl PartialEq for StoryViewProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.story, &o.story)
            && self.back == o.back
            && self.focus == o.focus
            && self.section_link == o.section_link
    }
}

/// Number of blocks before each section, and in all.
fn offsets(story: &Story) -> (Rc<Vec<usize>>, usize) {
    let mut at = 0;
    let starts = story
        .sections
        .iter()
        .map(|s| {
            let start = at;
            at += s.blocks.len();
            start
        })
        .collect();
    (Rc::new(starts), at)
}

/// The whole article.
#[function_component]
pub fn StoryView(props: &StoryViewProps) -> Html {
    let story = &props.story;
    let (starts, total) = use_memo(super::ByPtr(story.clone()), |s| offsets(&s.0)).as_ref().clone();
    // The section to show: from the address at first, then from section links.
    let focus = use_state_eq(|| props.focus.clone());
    {
        let focus = focus.clone();
        use_effect_with(props.focus.clone(), move |f| focus.set(f.clone()));
    }
    // Blocks that must be drawn for the focused section to be on the page.
    let needed = |f: &Option<AttrValue>| {
        f.as_ref()
            .and_then(|f| story.sections.iter().position(|s| s.id == f.as_str()))
            .map_or(0, |i| starts[i] + story.sections[i].blocks.len() + FIRST_BLOCKS)
            .min(total)
    };
    let budget = use_state_eq(|| FIRST_BLOCKS.max(needed(&focus)).min(total));
    if needed(&focus) > *budget {
        budget.set(needed(&focus));
    }
    let article = use_node_ref();

    // Draw the rest, one step per task, until all is drawn.
    {
        let budget = budget.clone();
        use_effect_with(*budget, move |&b| {
            let alive = Rc::new(Cell::new(true));
            if b < total {
                let alive = alive.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    crate::dom::yield_task().await;
                    if alive.get() {
                        budget.set((b + STEP_BLOCKS).min(total));
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

    let lang = AttrValue::from(story.lang.clone());
    let minutes = story.reading_minutes();
    let l = labels::for_lang(&story.lang);
    // Sections are drawn in groups; a group's `shown` is clamped to its own
    // blocks, so finished groups keep equal props and are never re-drawn.
    let groups = (0..story.sections.len()).step_by(GROUP).map(|first| {
        let last = (first + GROUP).min(story.sections.len());
        let start = starts[first];
        let end = if last < story.sections.len() { starts[last] } else { total };
        (first, last, start, (*budget).clamp(start, end))
    }).filter(|&(_, _, start, _)| start <= *budget).map(|(first, last, _, shown)| html! {
        <SectionGroup key={ first } story={ story.clone() } starts={ starts.clone() } { first } { last } { shown }
            link={ props.section_link.clone() } labels={ l } />
    });
    html! {
        <ContextProvider<SectionNav> context={ nav }>
        // aria-busy while the rest of a long story is still being drawn.
        <article class={ classes!("sv-story", (total > LONG_STORY_BLOCKS).then_some("sv-long")) }
            aria-busy={ if *budget < total { "true" } else { "false" } } lang={ lang.clone() } dir={ story_format::text::direction(&story.lang) } ref={ article }>
            if let Some((href, onclick)) = &props.back {
                <nav class="sv-back" aria-label="Stories" lang="en"><a href={ href.clone() } onclick={ onclick.clone() } lang={ l.lang }>{ l.back }</a></nav>
            }
            <header class="sv-header">
                <h1>{ story.title.clone() }</h1>
                if let Some(dek) = &story.dek { <p class="sv-dek">{ dek.clone() }</p> }
                <p class="sv-meta">
                    if let Some(p) = &story.published { <span><Time value={ p.clone() } lang={ lang.clone() } /></span> }
                    if let Some(u) = &story.updated { <span>{ say(l, &lang, l.updated) }<Time value={ u.clone() } lang={ lang.clone() } /></span> }
                    if let Some(b) = &story.byline { <span class="sv-byline">{ say(l, &lang, l.by) }{ b.clone() }</span> }
                    if !story.source.name.is_empty() {
                        <span class="sv-source">{ say(l, &lang, l.source) }<span lang={ story.source.lang.clone() } dir="auto">{ story.source.name.clone() }</span></span>
                    }
                    <span class="sv-reading">{ say(l, &lang, l.reading_time(minutes)) }</span>
                </p>
            </header>
            if let Some(hero) = &story.hero {
                <Figure image={ hero.clone() } lazy={ false } class="sv-hero" labels={ l } lang={ lang.clone() } />
            }
            <div class="sv-body">{ for groups }</div>
            <footer class="sv-footer">
                if !story.tags.is_empty() {
                    <ul class="sv-tags" aria-label={ l.tags }>{ for story.tags.iter().map(|t| html! { <li>{ t.clone() }</li> }) }</ul>
                }
                if let Some(url) = &story.source.url {
                    <p><a class="sv-source-link" href={ url.to_string() } rel="noopener noreferrer">{ say(l, &lang, l.view_source) }</a></p>
                }
            </footer>
        </article>
        </ContextProvider<SectionNav>>
    }
}

#[derive(Properties, Clone)]
struct GroupProps {
    story: Rc<Story>,
    starts: Rc<Vec<usize>>,
    first: usize,
    last: usize,
    /// Blocks drawn so far, clamped to this group's range.
    shown: usize,
    link: Option<Callback<String, String>>,
    labels: &'static Labels,
}

impl PartialEq for GroupProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.story, &o.story)
            && (self.first, self.last, self.shown) == (o.first, o.last, o.shown)
            && self.link == o.link
            && std::ptr::eq(self.labels, o.labels)
    }
}

/// Up to [`GROUP`] sections; drawn again only while its blocks are growing.
#[function_component]
fn SectionGroup(props: &GroupProps) -> Html {
    let story = &props.story;
    let budget = props.shown;
    // A section is drawn once its first block is within the budget.
    let drawn = |i: usize| {
        props.starts[i] < budget || (props.starts[i] == budget && story.sections[i].blocks.is_empty())
    };
    html! {
        <>{ for (props.first..props.last).filter(|&i| drawn(i)).map(|i| {
            let s = &story.sections[i];
            let shown = (budget - props.starts[i]).min(s.blocks.len());
            html! { <SectionView key={ s.id.clone() } story={ story.clone() } index={ i } { shown } link={ props.link.clone() } labels={ props.labels } /> }
        }) }</>
    }
}

#[derive(Properties, Clone)]
struct SectionProps {
    story: Rc<Story>,
    index: usize,
    /// How many of its blocks are drawn so far.
    shown: usize,
    link: Option<Callback<String, String>>,
    labels: &'static Labels,
}

impl PartialEq for SectionProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.story, &o.story)
            && self.index == o.index
            && self.shown == o.shown
            && self.link == o.link
            && std::ptr::eq(self.labels, o.labels)
    }
}

#[function_component]
fn SectionView(props: &SectionProps) -> Html {
    let section = &props.story.sections[props.index];
    let chunks = (0..props.shown).step_by(CHUNK).map(|start| {
        let end = (start + CHUNK).min(props.shown);
        html! { <BlockChunk key={ start } story={ props.story.clone() } section={ props.index } { start } { end } labels={ props.labels } /> }
    });
    let (section_id, heading) = match &section.heading {
        Some(h) => (None, Some(h.clone())),
        None => (Some(section.id.clone()), None),
    };
    html! {
        <section class="sv-section" id={ section_id }>
            if let Some(h) = heading {
                <div class="sv-section-head">
                    <h2 id={ section.id.clone() }>{ h.clone() }</h2>
                    if let Some(link) = &props.link {
                        <CopyLink href={ link.emit(section.id.clone()) } heading={ h } labels={ props.labels } />
                    }
                </div>
            }
            { for chunks }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CopyLinkProps {
    href: AttrValue,
    heading: AttrValue,
    labels: &'static Labels,
}

/// A button that copies the link to a section, and says so.
#[function_component]
fn CopyLink(props: &CopyLinkProps) -> Html {
    let copied = use_state(|| false);
    let onclick = {
        let (copied, href) = (copied.clone(), props.href.clone());
        Callback::from(move |_| {
            crate::dom::copy_text(&href);
            copied.set(true);
        })
    };
    html! {
        <button type="button" class="sv-copy" {onclick} aria-label={ props.labels.copy_link_to(&props.heading) }>
            { if *copied { props.labels.link_copied } else { props.labels.copy_link } }
        </button>
    }
}

#[derive(Properties, Clone)]
struct ChunkProps {
    story: Rc<Story>,
    section: usize,
    start: usize,
    end: usize,
    labels: &'static Labels,
}

impl PartialEq for ChunkProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.story, &o.story)
            && (self.section, self.start, self.end) == (o.section, o.start, o.end)
    }
}

/// Up to [`CHUNK`] blocks; re-drawn only while it is still growing.
#[function_component]
fn BlockChunk(props: &ChunkProps) -> Html {
    let blocks = &props.story.sections[props.section].blocks[props.start..props.end];
    let lang = AttrValue::from(props.story.lang.clone());
    html! { <>{ for blocks.iter().map(|b| block(b, props.labels, &lang)) }</> }
}

fn block(b: &Block, labels: &'static Labels, lang: &AttrValue) -> Html {
    match b {
        Block::Paragraph(runs) => html! { <p>{ inline(runs) }</p> },
        Block::Quote { text, cite } => html! {
            <figure class="sv-quote">
                <blockquote><p>{ inline(text) }</p></blockquote>
                if let Some(c) = cite { <figcaption>{ "— " }<cite>{ c.clone() }</cite></figcaption> }
            </figure>
        },
        Block::List { ordered: true, items } => {
            html! { <ol>{ for items.iter().map(|i| html! { <li>{ inline(i) }</li> }) }</ol> }
        }
        Block::List { ordered: false, items } => {
            html! { <ul>{ for items.iter().map(|i| html! { <li>{ inline(i) }</li> }) }</ul> }
        }
        Block::Image(img) => html! { <Figure image={ (**img).clone() } {labels} lang={ lang.clone() } /> },
    }
}
