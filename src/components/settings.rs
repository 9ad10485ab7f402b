//! "Reading settings": a button (with `aria-expanded`) that opens a panel
//! of text size, theme, line width and typeface, and "Reset". Escape closes
//! it and returns focus to the button. Choices are kept per reader in
//! `localStorage` and applied as attributes on the page's root element
//! (`crate::reading` decides the keys and values; `static/reading.js`
//! applies them before the first paint of the next visit). A page that may
//! not use storage still gets the settings for the visit.

use yew::prelude::*;

use crate::dom;
use crate::labels::ui;
use crate::reading::{Reading, Theme, Width, SIZES};

/// Writes `r` to the attributes of `host` (an embed) or of the page's root
/// element, and, when `store`, to storage.
fn apply(r: Reading, host: Option<&web_sys::HtmlElement>, store: bool) {
    for (key, attr, value) in r.entries() {
        if store {
            dom::store(key, value);
        }
        match (host, value) {
            (Some(h), Some(v)) => drop(h.set_attribute(attr, v)),
            (Some(h), None) => drop(h.remove_attribute(attr)),
            (None, _) => dom::set_root_attribute(attr, value),
        }
    }
}

#[derive(Properties, PartialEq, Default)]
pub struct ReadingSettingsProps {
    /// The embedded element whose host allows reading settings (they apply
    /// to it alone); `None`: the standalone page.
    #[prop_or_default]
    pub host: Option<web_sys::HtmlElement>,
}

#[function_component]
pub fn ReadingSettings(props: &ReadingSettingsProps) -> Html {
    let reading = use_state(|| Reading::load(dom::stored));
    // An embed applies the stored settings when it starts (the standalone
    // page had them applied before its first paint, by reading.js).
    {
        let (host, r) = (props.host.clone(), *reading);
        use_effect_with((), move |_| {
            if host.is_some() {
                apply(r, host.as_ref(), false);
            }
        });
    }
    let open = use_state(|| false);
    let button = use_node_ref();
    let r = *reading;
    let set = {
        let (reading, host) = (reading.clone(), props.host.clone());
        Callback::from(move |next: Reading| {
            apply(next, host.as_ref(), true);
            reading.set(next);
        })
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let onkeydown = {
        let (open, button) = (open.clone(), button.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && *open {
                e.prevent_default();
                open.set(false);
                if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                    let _ = b.focus();
                }
            }
        })
    };
    let resize = |by: i8| set.reform(move |_: MouseEvent| r.resized(by));
    let radio = |group: &'static str, label: &'static str, checked: bool, next: Reading| {
        let onchange = set.reform(move |_: Event| next);
        html! {
            <label class="sv-choice">
                <input type="radio" name={ group } {checked} {onchange} />{ label }
            </label>
        }
    };
    let step = SIZES.iter().position(|(n, _)| *n == r.size).unwrap_or(2) + 1;
    html! {
        <div class="sv-settings" {onkeydown}>
            <button type="button" class="sv-settings-toggle" ref={ button } onclick={ toggle }
                aria-expanded={ if *open { "true" } else { "false" } } aria-controls="sv-settings-panel">
                { ui::READING_SETTINGS }
            </button>
            if *open {
                <div id="sv-settings-panel" class="sv-settings-panel" role="group" aria-label={ ui::READING_SETTINGS }>
                    <fieldset>
                        <legend>{ ui::TEXT_SIZE }</legend>
                        <button type="button" onclick={ resize(-1) } disabled={ !r.can_resize(-1) }>{ ui::SMALLER }</button>
                        <span class="sv-size" aria-live="polite">{ ui::size_of(step, SIZES.len()) }</span>
                        <button type="button" onclick={ resize(1) } disabled={ !r.can_resize(1) }>{ ui::LARGER }</button>
                    </fieldset>
                    <fieldset>
                        <legend>{ ui::THEME }</legend>
                        { for Theme::ALL.iter().zip(ui::THEMES).map(|(&t, label)| {
                            radio("sv-theme", label, r.theme == t, Reading { theme: t, ..r })
                        }) }
                    </fieldset>
                    <fieldset>
                        <legend>{ ui::LINE_WIDTH }</legend>
                        { for Width::ALL.iter().zip(ui::WIDTHS).map(|(&w, label)| {
                            radio("sv-width", label, r.width == w, Reading { width: w, ..r })
                        }) }
                    </fieldset>
                    <fieldset>
                        <legend>{ ui::TYPEFACE }</legend>
                        { radio("sv-font", ui::TYPEFACES[0], !r.serif, Reading { serif: false, ..r }) }
                        { radio("sv-font", ui::TYPEFACES[1], r.serif, Reading { serif: true, ..r }) }
                    </fieldset>
                    <button type="button" class="sv-reset" onclick={ set.reform(|_: MouseEvent| Reading::default()) }>
                        { ui::RESET }
                    </button>
                </div>
            }
        </div>
    }
}
