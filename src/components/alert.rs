//! The failure message: `role="alert"`, the file's URL, the field paths or
//! HTTP status, and "Try again".

use story_format::Diagnostic;
use yew::prelude::*;

use crate::fetch::LoadError;
use crate::labels::ui;

#[derive(Properties, PartialEq)]
pub struct ErrorAlertProps {
    pub error: LoadError,
    /// "Try again": offered only when given (for failures a retry can fix).
    #[prop_or_default]
    pub on_retry: Option<Callback<()>>,
    /// "Back to stories": its `href` and what a click does, when the story
    /// was asked for from a catalog.
    #[prop_or_default]
    pub back: Option<(AttrValue, Option<Callback<MouseEvent>>)>,
}

/// Shown when a file cannot be shown at all.
#[function_component]
pub fn ErrorAlert(props: &ErrorAlertProps) -> Html {
    let e = &props.error;
    let l = &crate::labels::EN;
    let headings = super::use_headings();
    html! {
        <>
            if let Some((href, onclick)) = &props.back {
                <nav class="sv-back" aria-label={ ui::STORIES }>
                    <a href={ href.clone() } onclick={ onclick.clone() }>{ l.back }</a>
                </nav>
            }
            <div class="sv-alert" role="alert">
                <@{ headings.below() } class="sv-alert-title">{ ui::NOT_SHOWN }</@>
                <p>{ e.to_string() }</p>
                <p class="sv-alert-file">{ ui::FILE }<code>{ e.url.clone() }</code></p>
                { diagnostic_list(&e.diagnostics) }
                if let Some(retry) = &props.on_retry {
                    <button type="button" class="sv-button" onclick={ retry.reform(|_: MouseEvent| ()) }>
                        { ui::TRY_AGAIN }
                    </button>
                }
            </div>
        </>
    }
}

/// Shown above a story or catalog that has errors in some of its parts:
/// the rest is shown, and this says what was left out.
pub fn problems_alert(url: &AttrValue, items: &[Diagnostic]) -> Html {
    let errors: Vec<Diagnostic> = items.iter().filter(|d| d.is_error()).cloned().collect();
    if errors.is_empty() {
        return html! {};
    }
    let n = errors.len();
    html! {
        <div class="sv-alert sv-alert-soft" role="alert">
            <p>{ ui::problems_in_file(n) }</p>
            <details>
                <summary>{ ui::DETAILS }</summary>
                <p class="sv-alert-file">{ ui::FILE }<code>{ url.clone() }</code></p>
                { diagnostic_list(&errors) }
            </details>
        </div>
    }
}

/// The first 20 diagnostics, each with its place. Plain functions here and
/// in [`problems_alert`]: no state, and a component is about 1.5 KB of wasm.
fn diagnostic_list(items: &[Diagnostic]) -> Html {
    if items.is_empty() {
        return html! {};
    }
    html! {
        <ul class="sv-diagnostics">
            { for items.iter().take(20).map(|d| html! {
                <li><code>{ d.at.to_string() }</code>{ ": " }{ d.message.clone() }</li>
            }) }
        </ul>
    }
}
