//! Inline text: runs with emphasis, strong, code and links. Text is only
//! ever a text node; a link's `href` is only ever a [`story_format::SafeUrl`].

use story_format::Run;
use yew::prelude::*;

/// Draws a sequence of runs.
pub fn inline(runs: &[Run]) -> Html {
    runs.iter().map(run).collect()
}

fn run(r: &Run) -> Html {
    let mut node = html! { { r.text.clone() } };
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
        node = html! { <a href={ href.to_string() } rel="noopener noreferrer">{ node }</a> };
    }
    node
}
