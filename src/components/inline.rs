//! Inline text: runs with emphasis, strong, code, strike and links, and line
//! breaks. Text is only
//! ever a text node; a link's `href` is only ever a [`story_format::SafeUrl`].

use story_format::{Inline, Run};
use yew::prelude::*;

/// Provided by the story page: what a click on a section link does (draw
/// up to that section and scroll to it, inside the viewer).
#[derive(Clone, PartialEq)]
pub struct SectionNav(pub Callback<String>);

/// Provided where a story is read away from its page (a feed's content):
/// the page's address, so a section link is `PAGE#id`, not a bare `#id`
/// that a feed reader would resolve against the feed.
#[derive(Clone, PartialEq)]
pub struct SectionPage(pub AttrValue);

/// A headline as text, with short bracketed names such as `(小米)` kept on
/// one line (`story_format::text::headline_pieces` decides which).
pub fn headline(text: &str) -> Html {
    story_format::text::headline_pieces(text)
        .into_iter()
        .map(|(piece, whole)| {
            if whole {
                html! { <span class="sv-nowrap">{ piece.to_owned() }</span> }
            } else {
                html! { { piece.to_owned() } }
            }
        })
        .collect()
}

/// Draws inline text, run by run.
pub fn inline(text: &Inline, links: &super::Links) -> Html {
    text.runs().map(|r| run(r, links)).collect()
}

fn run(Run { text, marks: r }: Run<'_>, links: &super::Links) -> Html {
    let mut node = lines(text);
    if r.strike {
        node = html! { <s>{ node }</s> };
    }
    if r.code {
        node = html! { <code>{ node }</code> };
    }
    if r.em {
        node = html! { <em>{ node }</em> };
    }
    if r.strong {
        node = html! { <strong>{ node }</strong> };
    }
    if let Some(href) = &r.href {
        node = html! { <a href={ links.href(href) } rel="noopener noreferrer">{ node }</a> };
    } else if let Some(id) = &r.section {
        node = html! { <SectionLink id={ id.clone() }>{ node }</SectionLink> };
    }
    node
}

/// Text, its line breaks (`\n`) drawn as `<br>`.
fn lines(text: &str) -> Html {
    if !text.contains('\n') {
        return html! { { text.to_owned() } };
    }
    text.split('\n')
        .enumerate()
        .map(|(i, line)| html! { <>if i > 0 { <br /> }{ line.to_owned() }</> })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct SectionLinkProps {
    pub id: AttrValue,
    pub children: Html,
}

/// `<a href="#id">`: a plain click goes to the section through the story
/// page (so it works inside an element and before the section is drawn);
/// other clicks keep the browser's behaviour.
#[function_component]
pub fn SectionLink(props: &SectionLinkProps) -> Html {
    let onclick =
        use_context::<SectionNav>().map(|SectionNav(go)| super::in_app_click(go, props.id.to_string()));
    let mut href = story_format::text::section_href(&props.id);
    if let Some(SectionPage(page)) = use_context::<SectionPage>() {
        href.insert_str(0, &page);
    }
    html! { <a {href} {onclick}>{ props.children.clone() }</a> }
}
