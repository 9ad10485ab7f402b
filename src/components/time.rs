//! Dates in `<time>`, formatted for the story's language by the browser's `Intl`.

use js_sys::{Array, Date, Intl, Object, Reflect};
use story_format::date::Timestamp;
use wasm_bindgen::JsValue;
use yew::prelude::*;

/// Formats `t` for `lang` ("14 March 2026", "2026年3月14日"). A date without a
/// time is formatted in UTC so that it never shifts a day; a date-time is
/// shown in the reader's time zone. Falls back to the raw text.
pub fn format_date(t: &Timestamp, lang: &str) -> String {
    let options = Object::new();
    let set = |k: &str, v: &str| Reflect::set(&options, &k.into(), &v.into()).is_ok();
    set("dateStyle", "long");
    if t.has_time {
        set("timeStyle", "short");
    } else {
        set("timeZone", "UTC");
    }
    let locales = Array::of1(&JsValue::from_str(lang));
    let date = Date::new(&JsValue::from_f64(t.unix as f64 * 1000.0));
    let format = Intl::DateTimeFormat::new(&locales, &options).format();
    format.call1(&JsValue::NULL, &date).ok().and_then(|s| s.as_string()).unwrap_or_else(|| t.raw.clone())
}

#[derive(Properties, PartialEq)]
pub struct TimeProps {
    pub value: Timestamp,
    pub lang: AttrValue,
}

/// `<time datetime="2026-03-14">14 March 2026</time>`.
#[function_component]
pub fn Time(props: &TimeProps) -> Html {
    html! { <time datetime={ props.value.raw.clone() }>{ format_date(&props.value, &props.lang) }</time> }
}
