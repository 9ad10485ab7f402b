//! Small readings of Markdown text for the body's reader: template
//! syntax, where the body's headings start, `<br>`, a quote's dash.

use pulldown_cmark::{Event, HeadingLevel, Tag};

/// What template syntax `text` holds, named as its writer knows it: a
/// Liquid tag (`{% link … %}`, Jekyll), a Hugo shortcode (`{{< … >}}`,
/// `{{% … %}}`) or a template expression (`{{ … }}`). Code keeps them as
/// they are; anywhere else they would be printed literally.
pub(super) fn template_syntax(text: &str) -> Option<&'static str> {
    if text.contains("{{<") || text.contains("{{%") {
        Some("a Hugo shortcode")
    } else if text.contains("{%") && text.contains("%}") {
        Some("a Liquid tag")
    } else if text.contains("{{") && text.contains("}}") {
        Some("a template expression ({{ … }})")
    } else {
        None
    }
}

/// How far the body's headings move so that the highest of them (past a
/// title `#` before any text) is a section's `##`: +1 for a post whose
/// sections are `#`, -1 for one whose top level is `###`; 0 when `##` is
/// the top, or there is no heading. Levels keep their order and distance.
pub(super) fn heading_shift<'e, 'a: 'e>(events: impl Iterator<Item = &'e Event<'a>>) -> isize {
    let (mut top, mut seen_block) = (usize::MAX, false);
    for event in events {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let is_title = *level == HeadingLevel::H1 && !seen_block;
                if !is_title {
                    top = top.min(*level as usize);
                }
                seen_block = true;
            }
            Event::Start(_) | Event::Rule | Event::Html(_) => seen_block = true,
            _ => {}
        }
    }
    if top == usize::MAX {
        0
    } else {
        2 - top as isize
    }
}

/// `<br>`, `<br/>` or `<br />` (any case): a line break, the one piece of
/// HTML that Markdown writers use for what the format has.
pub(super) fn is_br(html: &str) -> bool {
    let tag = html.trim().to_ascii_lowercase();
    matches!(tag.as_str(), "<br>" | "<br/>" | "<br />")
}

/// `— name`, `-- name` or `―name`: the name.
pub(super) fn strip_dash(s: &str) -> Option<&str> {
    ["—", "―", "--"].iter().find_map(|d| s.strip_prefix(d)).map(str::trim_start)
}
