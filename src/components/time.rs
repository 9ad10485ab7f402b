//! Dates in `<time>`: in the browser, formatted for the story's language by
//! `Intl`; on a page built ahead (no browser), by the core's
//! `story_format::date::format_long`.

use story_format::date::Timestamp;
use yew::prelude::*;

/// Formats `t` for `lang` ("March 14, 2026", "2026年3月14日"). A date without a
/// time is formatted in UTC so that it never shifts a day; a date-time is
/// shown in the reader's time zone. Falls back to the raw text.
#[cfg(target_arch = "wasm32")]
pub fn format_date(t: &Timestamp, lang: &str) -> String {
    use js_sys::{Array, Date, Intl, Object, Reflect};
    if story_format::date::same_as_intl(t, lang) {
        return story_format::date::format_long(t, lang);
    }
    // The reader's clock, from `Date` (cheap), for the core's wording.
    let offset = -Date::new(&JsValue::from_f64(t.unix as f64 * 1000.0)).get_timezone_offset() as i32;
    if let Some(words) = story_format::date::format_local(t, lang, offset) {
        return words;
    }
    use wasm_bindgen::JsValue;
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

/// Outside a browser (pages rendered by `story build`): the core's wording.
#[cfg(not(target_arch = "wasm32"))]
pub fn format_date(t: &Timestamp, lang: &str) -> String {
    story_format::date::format_long(t, lang)
}

/// `<time datetime="2026-03-14">March 14, 2026</time>`. A function, not a
/// component: it has no state, and each component costs about 1.5 KB of
/// wasm in Yew's machinery (docs/perf.md, "Size").
pub fn time(value: &Timestamp, lang: &str) -> Html {
    html! { <time datetime={ value.raw.clone() }>{ format_date(value, lang) }</time> }
}
