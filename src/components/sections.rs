//! A story's sections and blocks, drawn in groups and chunks so that each
//! step of progressive drawing touches only what is new (the sizes and the
//! arithmetic are in `crate::progressive`). Props compare by pointer and by
//! clamped counts: a finished group or chunk is never drawn again.

use story_format::{Block, Story};
use yew::prelude::*;

use super::figure::Figure;
use super::inline::inline;
use super::media;
use super::ByPtr;
use crate::labels::Labels;
use crate::progressive::{chunks, Group, Layout};

#[derive(Properties, Clone, PartialEq)]
pub struct SectionGroupProps {
    pub story: ByPtr<Story>,
    pub layout: ByPtr<Layout>,
    /// Which sections, and how many of the story's blocks are drawn.
    pub group: Group,
    /// Builds a section's "Copy link" address (`None`: no buttons).
    pub link: Option<Callback<String, String>>,
    pub labels: &'static Labels,
}

/// Up to [`crate::progressive::GROUP`] sections; drawn again only while
/// its blocks are growing.
#[function_component]
pub fn SectionGroup(props: &SectionGroupProps) -> Html {
    let Group { first, last, shown } = props.group;
    let sections = (first..last).filter_map(|i| {
        let shown = props.layout.0.section_shown(i, shown)?;
        let s = &props.story.0.sections[i];
        Some(html! {
            <SectionView key={ s.id.clone() } story={ props.story.clone() } index={ i } { shown }
                link={ props.link.clone() } labels={ props.labels } />
        })
    });
    html! { <>{ for sections }</> }
}

#[derive(Properties, Clone, PartialEq)]
struct SectionProps {
    story: ByPtr<Story>,
    index: usize,
    /// How many of its blocks are drawn so far.
    shown: usize,
    link: Option<Callback<String, String>>,
    labels: &'static Labels,
}

/// One `<section>`: its heading (an `h2` with the section's id, and "Copy
/// link" on the standalone page), then its blocks in chunks.
#[function_component]
fn SectionView(props: &SectionProps) -> Html {
    let section = &props.story.0.sections[props.index];
    let headings = super::use_headings();
    let prerendered = super::use_links().is_relative();
    let chunks = chunks(props.shown).map(|(start, end)| {
        html! {
            <BlockChunk key={ start } story={ props.story.clone() } section={ props.index } { start } { end }
                labels={ props.labels } />
        }
    });
    // Without a heading, the section itself carries the id.
    let (section_id, heading) = match &section.heading {
        Some(h) => (None, Some(h.clone())),
        None => (Some(section.id.clone()), None),
    };
    html! {
        <section class="sv-section" id={ section_id }>
            if let Some(h) = heading {
                // A <header>, not a <div>: reader modes drop a div that
                // holds only a heading and a control.
                <header class="sv-section-head">
                    <@{ headings.below() } id={ section.id.clone() } class="sv-section-title">{ h.clone() }</@>
                    if let Some(link) = &props.link {
                        <CopyLink href={ link.emit(section.id.clone()) } heading={ h } labels={ props.labels } />
                    } else if prerendered {
                        { super::island(super::Island::CopyLink, html! {
                            <button type="button" class="sv-copy">{ props.labels.copy_link }</button>
                        }) }
                    }
                </header>
            }
            { for chunks }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct CopyLinkProps {
    pub href: AttrValue,
    pub heading: AttrValue,
    pub labels: &'static Labels,
}

/// A button that copies the link to a section, and says so.
#[function_component]
pub fn CopyLink(props: &CopyLinkProps) -> Html {
    let copied = use_state(|| false);
    let onclick = {
        let (copied, href) = (copied.clone(), props.href.clone());
        Callback::from(move |_| {
            crate::dom::copy_text(&href);
            copied.set(true);
        })
    };
    let l = props.labels;
    html! {
        <button type="button" class="sv-copy" {onclick} aria-label={ l.copy_link_to(&props.heading) }>
            { if *copied { l.link_copied } else { l.copy_link } }
        </button>
    }
}

/// `<ol>` (from its `start`) or `<ul>`, an item's own list inside its `<li>`.
fn list(l: &story_format::List, links: &super::Links) -> Html {
    let items: Html = l
        .items
        .iter()
        .map(|item| {
            html! {
                <li>
                    { inline(&item.text, links) }
                    if let Some(sub) = &item.list { { list(sub, links) } }
                </li>
            }
        })
        .collect();
    if l.ordered {
        html! { <ol start={ l.start.map(|n| n.to_string()) }>{ items }</ol> }
    } else {
        html! { <ul>{ items }</ul> }
    }
}

/// A real `<table>` (header cells `th scope="col"`), in a focusable box
/// that scrolls sideways on a narrow screen; alignment by class (a strict
/// CSP forbids `style` attributes).
fn table(t: &story_format::Table, links: &super::Links) -> Html {
    let class = |c: usize| t.align[c].map(|a| format!("sv-align-{}", a.name()));
    let cells = |row: &[story_format::Inline], header: bool| -> Html {
        row.iter()
            .enumerate()
            .map(|(c, cell)| {
                if header {
                    html! { <th scope="col" class={ class(c) }>{ inline(cell, links) }</th> }
                } else {
                    html! { <td class={ class(c) }>{ inline(cell, links) }</td> }
                }
            })
            .collect()
    };
    html! {
        <div class="sv-table" tabindex="0">
            <table>
                if let Some(c) = &t.caption { <caption>{ inline(c, links) }</caption> }
                if !t.header.is_empty() { <thead><tr>{ cells(&t.header, true) }</tr></thead> }
                <tbody>{ for t.rows.iter().map(|r| html! { <tr>{ cells(r, false) }</tr> }) }</tbody>
            </table>
        </div>
    }
}

#[derive(Properties, Clone, PartialEq)]
struct ChunkProps {
    story: ByPtr<Story>,
    section: usize,
    start: usize,
    end: usize,
    labels: &'static Labels,
}

/// Up to [`crate::progressive::CHUNK`] blocks; re-drawn only while it is
/// still growing.
#[function_component]
fn BlockChunk(props: &ChunkProps) -> Html {
    let story = &props.story.0;
    let blocks = &story.sections[props.section].blocks[props.start..props.end];
    let lang = AttrValue::from(story.lang.clone());
    let links = super::use_links();
    let headings = super::use_headings();
    html! { <>{ for blocks.iter().map(|b| block(b, props.labels, &lang, &links, headings)) }</> }
}

fn block(
    b: &Block,
    labels: &'static Labels,
    lang: &AttrValue,
    links: &super::Links,
    headings: super::Headings,
) -> Html {
    let inline = |i: &story_format::Inline| inline(i, links);
    match b {
        Block::Paragraph(runs) => html! { <p>{ inline(runs) }</p> },
        Block::Quote { text, cite } => html! {
            <figure class="sv-quote">
                <blockquote><p>{ inline(text) }</p></blockquote>
                if let Some(c) = cite { <figcaption>{ "— " }<cite>{ c.clone() }</cite></figcaption> }
            </figure>
        },
        Block::List(l) => list(l, links),
        Block::Image(img) => html! { <Figure image={ (**img).clone() } {labels} lang={ lang.clone() } /> },
        // Focusable, so that a keyboard can scroll it sideways; left to right
        // and untranslated whatever the story's language.
        Block::Code { text, language } => html! {
            <pre class="sv-code" tabindex="0" dir="ltr" translate="no" data-language={ language.clone() }>
                <code>{ text.clone() }</code>
            </pre>
        },
        Block::Divider => html! { <hr class="sv-divider" /> },
        Block::Table(t) => table(t, links),
        // Level 3 is one below the section's heading, as `h3` is below `h2`.
        Block::Heading { text, level, id } => html! {
            <@{ headings.at(level - 1) } id={ id.clone() } class="sv-subheading">{ text.clone() }</@>
        },
        Block::PullQuote { text, cite } => media::pull_quote(text, cite, links),
        Block::Gallery(g) => media::gallery(g, labels, lang, links),
        Block::Video(v) => media::video(v, labels, lang, links),
        Block::Social(p) => media::social(p, labels, lang, links),
    }
}
