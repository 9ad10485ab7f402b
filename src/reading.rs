//! Reading settings as plain data (no browser APIs; tested natively): text
//! size, theme, line width and typeface, each stored under its own key and
//! applied as a `data-sv-*` attribute on the page's root element, where the
//! stylesheet reads it. `static/reading.js` applies the stored values before
//! the first paint, with the same keys and values; this module is the
//! viewer's side of the same contract.

/// The steps of text size, from smallest to largest (0 is the default).
pub const SIZES: [(i8, &str); 7] = [(-2, "-2"), (-1, "-1"), (0, "0"), (1, "1"), (2, "2"), (3, "3"), (4, "4")];

/// One reader's settings. `Default` is what a reader who never chose sees.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reading {
    /// Text size step, -2 to 4.
    pub size: i8,
    pub theme: Theme,
    pub width: Width,
    pub serif: bool,
}

/// The colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// The reader's system setting.
    #[default]
    Auto,
    Light,
    Dark,
    Sepia,
}

/// The reading column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Width {
    Narrow,
    #[default]
    Normal,
    Wide,
}

impl Theme {
    pub const ALL: [Theme; 4] = [Theme::Auto, Theme::Light, Theme::Dark, Theme::Sepia];
    /// The stored and attribute value.
    pub fn value(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Sepia => "sepia",
        }
    }
}

impl Width {
    pub const ALL: [Width; 3] = [Width::Narrow, Width::Normal, Width::Wide];
    /// The stored and attribute value.
    pub fn value(self) -> &'static str {
        match self {
            Width::Narrow => "narrow",
            Width::Normal => "normal",
            Width::Wide => "wide",
        }
    }
}

/// The storage keys and the attribute each value goes to.
pub const KEYS: [(&str, &str); 4] = [
    ("story-viewer.size", "data-sv-size"),
    ("story-viewer.theme", "data-sv-theme"),
    ("story-viewer.width", "data-sv-width"),
    ("story-viewer.font", "data-sv-font"),
];

impl Reading {
    /// Reads stored values (`get(key)`); anything missing or unknown is the default.
    pub fn load(get: impl Fn(&str) -> Option<String>) -> Reading {
        let v = |i: usize| get(KEYS[i].0).unwrap_or_default();
        let size = SIZES.iter().find(|(_, s)| *s == v(0)).map_or(0, |(n, _)| *n);
        let theme = Theme::ALL.into_iter().find(|t| t.value() == v(1)).unwrap_or_default();
        let width = Width::ALL.into_iter().find(|w| w.value() == v(2)).unwrap_or_default();
        Reading { size, theme, width, serif: v(3) == "serif" }
    }

    /// Each key with its value, `None` where the setting is the default
    /// (the key is removed, and so is the attribute).
    pub fn entries(&self) -> [(&'static str, &'static str, Option<&'static str>); 4] {
        let size = SIZES.iter().find(|(n, _)| *n == self.size).map(|(_, s)| *s);
        let d = Reading::default();
        [
            (KEYS[0].0, KEYS[0].1, size.filter(|_| self.size != d.size)),
            (KEYS[1].0, KEYS[1].1, (self.theme != d.theme).then(|| self.theme.value())),
            (KEYS[2].0, KEYS[2].1, (self.width != d.width).then(|| self.width.value())),
            (KEYS[3].0, KEYS[3].1, self.serif.then_some("serif")),
        ]
    }

    /// One step larger or smaller, within the steps there are.
    pub fn resized(self, by: i8) -> Reading {
        let (min, max) = (SIZES[0].0, SIZES[SIZES.len() - 1].0);
        Reading { size: (self.size + by).clamp(min, max), ..self }
    }

    /// Whether the text can get smaller / larger.
    pub fn can_resize(&self, by: i8) -> bool {
        self.resized(by).size != self.size
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn stored_values_round_trip_and_garbage_is_the_default() {
        let r = Reading { size: 3, theme: Theme::Sepia, width: Width::Wide, serif: true };
        let stored: HashMap<&str, &str> =
            r.entries().iter().filter_map(|(k, _, v)| Some((*k, (*v)?))).collect();
        assert_eq!(Reading::load(|k| stored.get(k).map(|v| v.to_string())), r);
        assert_eq!(Reading::load(|_| Some("<script>".into())), Reading::default());
        assert_eq!(Reading::load(|_| None), Reading::default());
        assert!(Reading::default().entries().iter().all(|(_, _, v)| v.is_none()), "defaults store nothing");
    }

    #[test]
    fn reading_js_knows_the_same_keys_and_values() {
        // static/reading.js applies stored values before the viewer starts:
        // it must accept exactly what this module stores.
        let js = include_str!("../static/reading.js");
        for (key, attr) in KEYS {
            let name = key.strip_prefix("story-viewer.").unwrap();
            assert_eq!(attr, format!("data-sv-{name}"), "reading.js builds the attribute from the key");
            assert!(js.contains(&format!("{name}: [")), "reading.js has no list for {name}");
        }
        let mut values: Vec<&str> = SIZES.iter().filter(|(n, _)| *n != 0).map(|(_, s)| *s).collect();
        values.extend(Theme::ALL.iter().filter(|t| **t != Theme::Auto).map(|t| t.value()));
        values.extend(Width::ALL.iter().filter(|w| **w != Width::Normal).map(|w| w.value()));
        values.push("serif");
        for v in values {
            assert!(js.contains(&format!("'{v}'")), "reading.js does not accept {v}");
        }
        assert!(js.contains("`story-viewer.${key}`") && js.contains("`data-sv-${key}`"));
    }

    #[test]
    fn sizes_stop_at_both_ends() {
        let r = Reading::default();
        assert_eq!(r.resized(1).size, 1);
        assert_eq!(r.resized(-5).size, -2);
        assert_eq!(r.resized(9).size, 4);
        assert!(!r.resized(9).can_resize(1) && r.resized(9).can_resize(-1));
        assert!(SIZES.len() >= 5, "at least five steps");
    }
}
