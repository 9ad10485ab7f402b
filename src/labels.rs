//! The viewer's own words ("By", "min read", "Back to stories"…) in the
//! story's language where we have them (English, Chinese, Arabic), else in
//! English, marked `lang="en"` so that a screen reader does not read them
//! with the story's voice. Words outside a story (the catalog, loading,
//! failures) are in [`ui`], in English: a catalog has no language of its
//! own. Every word the viewer shows is in this file. Plain data: no browser
//! APIs, tested natively.

use story_format::text::primary_language;

/// One language's labels.
#[derive(Debug, PartialEq, Eq)]
pub struct Labels {
    /// BCP 47 tag of these labels.
    pub lang: &'static str,
    pub by: &'static str,
    pub source: &'static str,
    pub updated: &'static str,
    /// `{n}` is replaced by the number of minutes.
    pub reading: &'static str,
    pub back: &'static str,
    pub copy_link: &'static str,
    pub link_copied: &'static str,
    /// `{h}` is replaced by the section heading.
    pub copy_link_to: &'static str,
    pub view_source: &'static str,
    pub tags: &'static str,
    /// The table of contents of a long story.
    pub contents: &'static str,
    /// "Photo by AUTHOR on PROVIDER": the three pieces around the names.
    pub photo_by: &'static str,
    pub photo_on: &'static str,
    pub photo_only_provider: &'static str,
    /// A story's corrections and updates: the box's name, each kind, and
    /// what stands between a note's date and its text.
    pub notes: &'static str,
    pub correction: &'static str,
    pub update: &'static str,
    pub note_colon: &'static str,
    /// A video's credit: "Video by AUTHOR on PROVIDER", "Video: PROVIDER".
    pub video_by: &'static str,
    pub video_only_provider: &'static str,
    /// A YouTube or Vimeo video's stand-in and a social post's link: `{n}`
    /// is replaced by the site's name.
    pub watch_on: &'static str,
    pub view_on: &'static str,
    /// A video file's captions track, and its link for browsers without video.
    pub captions: &'static str,
    pub download_video: &'static str,
    /// The heading of a Markdown post's footnotes (`story import`).
    pub footnotes: &'static str,
}

pub const EN: Labels = Labels {
    lang: "en",
    by: "By ",
    source: "Source: ",
    updated: "Updated ",
    reading: "{n} min read",
    back: "← Back to stories",
    copy_link: "Copy link",
    link_copied: "Link copied",
    copy_link_to: "Copy link to section: {h}",
    view_source: "View original source",
    tags: "Tags",
    contents: "Contents",
    photo_by: "Photo by ",
    photo_on: " on ",
    photo_only_provider: "Photo: ",
    notes: "Corrections and updates",
    correction: "Correction",
    update: "Update",
    note_colon: ": ",
    video_by: "Video by ",
    video_only_provider: "Video: ",
    watch_on: "Watch on {n}",
    view_on: "View on {n}",
    captions: "Captions",
    download_video: "Download the video",
    footnotes: "Notes",
};

pub const ZH: Labels = Labels {
    lang: "zh",
    by: "作者：",
    source: "来源：",
    updated: "更新于 ",
    reading: "阅读约 {n} 分钟",
    back: "← 返回文章列表",
    copy_link: "复制链接",
    link_copied: "已复制链接",
    copy_link_to: "复制链接：{h}",
    view_source: "查看原文",
    tags: "标签",
    contents: "目录",
    photo_by: "摄影：",
    photo_on: "，来源：",
    photo_only_provider: "图片来源：",
    notes: "更正与更新",
    correction: "更正",
    update: "更新",
    note_colon: "：",
    video_by: "视频：",
    video_only_provider: "视频来源：",
    watch_on: "在 {n} 观看",
    view_on: "在 {n} 查看",
    captions: "字幕",
    download_video: "下载视频",
    footnotes: "注释",
};

pub const AR: Labels = Labels {
    lang: "ar",
    by: "بقلم ",
    source: "المصدر: ",
    updated: "حُدِّث في ",
    reading: "مدة القراءة: {n} د",
    back: "→ العودة إلى القصص",
    copy_link: "نسخ الرابط",
    link_copied: "تم نسخ الرابط",
    copy_link_to: "نسخ الرابط: {h}",
    view_source: "عرض المصدر الأصلي",
    tags: "الوسوم",
    contents: "المحتويات",
    photo_by: "تصوير ",
    photo_on: " عبر ",
    photo_only_provider: "الصورة: ",
    notes: "التصحيحات والتحديثات",
    correction: "تصحيح",
    update: "تحديث",
    note_colon: ": ",
    video_by: "فيديو ",
    video_only_provider: "الفيديو: ",
    watch_on: "شاهد على {n}",
    view_on: "اعرض على {n}",
    captions: "الترجمة",
    download_video: "تنزيل الفيديو",
    footnotes: "الحواشي",
};

/// The labels for a story in `lang` (its primary subtag decides).
pub fn for_lang(lang: &str) -> &'static Labels {
    match primary_language(lang).as_str() {
        "zh" => &ZH,
        "ar" => &AR,
        _ => &EN,
    }
}

/// The `lang` attribute a label needs inside content in `content_lang`:
/// `None` when the label is already in that language.
pub fn lang_attr(labels: &Labels, content_lang: &str) -> Option<&'static str> {
    (primary_language(content_lang) != labels.lang).then_some(labels.lang)
}

impl Labels {
    /// "3 min read" / "阅读约 3 分钟".
    pub fn reading_time(&self, minutes: u32) -> String {
        self.reading.replace("{n}", &minutes.to_string())
    }
    /// "Watch on YouTube" / "View on Mastodon".
    pub fn on_site(&self, words: &str, site: &str) -> String {
        words.replace("{n}", site)
    }
    /// "Copy link to section: Why now".
    pub fn copy_link_to(&self, heading: &str) -> String {
        self.copy_link_to.replace("{h}", heading)
    }
}

/// The viewer's words outside a story: catalog, loading and failures.
pub mod ui {
    /// Shown while a file loads.
    pub const LOADING: &str = "Loading…";
    /// The heading of a failure.
    pub const NOT_SHOWN: &str = "This could not be shown";
    /// Before a file's URL in a failure.
    pub const FILE: &str = "File: ";
    /// The button that loads a failed file again.
    pub const TRY_AGAIN: &str = "Try again";
    /// The summary of the diagnostics above a partly shown file.
    pub const DETAILS: &str = "Details for the publisher";
    /// The document title after a failure (standalone page).
    pub const FAILED_TITLE: &str = "Could not load";
    /// The name of the "Back to stories" landmark.
    pub const STORIES: &str = "Stories";
    /// The tag filter: its landmark name and its first choice.
    pub const FILTER_BY_TAG: &str = "Filter by tag";
    pub const ALL_TAGS: &str = "All";
    /// The name of a catalog card's list of tags.
    pub const TAGS: &str = "Tags";
    /// The search field's label.
    pub const SEARCH: &str = "Search stories";
    /// A built catalog's pages: the landmark and the links to the pages around.
    pub const PAGES: &str = "Pages";
    pub const NEWER: &str = "Newer stories";
    pub const OLDER: &str = "Older stories";
    /// Reading settings: the control, its groups and choices.
    pub const READING_SETTINGS: &str = "Reading settings";
    pub const TEXT_SIZE: &str = "Text size";
    pub const SMALLER: &str = "Smaller";
    pub const LARGER: &str = "Larger";
    pub const THEME: &str = "Theme";
    pub const THEMES: [&str; 4] = ["Auto", "Light", "Dark", "Sepia"];
    pub const LINE_WIDTH: &str = "Line width";
    pub const WIDTHS: [&str; 3] = ["Narrow", "Normal", "Wide"];
    pub const TYPEFACE: &str = "Typeface";
    pub const TYPEFACES: [&str; 2] = ["Sans-serif", "Serif"];
    pub const RESET: &str = "Reset";

    /// The link from a list's tag filter to the page of every tag.
    pub fn all_tags(n: usize) -> String {
        format!("All {n} tags")
    }

    /// The count on the page of every tag.
    pub fn tag_count(n: usize) -> String {
        if n == 1 {
            "1 tag".into()
        } else {
            format!("{n} tags")
        }
    }

    /// "Size 3 of 7".
    pub fn size_of(step: usize, steps: usize) -> String {
        format!("Size {step} of {steps}")
    }

    /// "1 story", "3 stories tagged “Energy”", "2 stories matching “cranes”",
    /// "No stories.".
    pub fn story_count(n: usize, tag: Option<&str>, query: Option<&str>) -> String {
        if n == 0 {
            return "No stories.".to_owned();
        }
        let mut out = format!("{n} {}", plural(n, "story", "stories"));
        if let Some(t) = tag {
            out.push_str(&format!(" tagged “{t}”"));
        }
        if let Some(q) = query {
            out.push_str(&format!(" matching “{}”", q.trim()));
        }
        out
    }

    /// Between the links to the pages around: "Page 2 of 5".
    pub fn page_of(page: usize, pages: usize) -> String {
        format!("Page {page} of {pages}")
    }

    /// After a search's count when a word's list holds only its newest stories.
    pub const NEWEST_OF_MORE: &str = " (the newest; there are more)";

    /// The button that draws another page of the catalog.
    pub fn show_more(shown: usize, total: usize) -> String {
        format!("Show more stories ({shown} of {total} shown)")
    }

    /// The button that loads a catalog's next page: "Older stories (1000 of
    /// 2345 loaded)".
    pub fn load_older(loaded: usize, total: usize) -> String {
        if total > loaded {
            format!("{OLDER} ({loaded} of {total} loaded)")
        } else {
            OLDER.to_owned()
        }
    }
    /// While it loads, and when it failed.
    pub const LOADING_OLDER: &str = "Loading older stories…";
    pub const OLDER_FAILED: &str = "The older stories could not be loaded:";

    /// Above a story or catalog shown without its broken parts.
    pub fn problems_in_file(n: usize) -> String {
        format!("{n} {} in this file; the parts concerned are not shown.", plural(n, "problem", "problems"))
    }

    fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
        if n == 1 {
            one
        } else {
            many
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_labels_by_primary_language() {
        assert_eq!(for_lang("zh-Hans").lang, "zh");
        assert_eq!(for_lang("AR-eg").lang, "ar");
        assert_eq!(for_lang("de").lang, "en");
        assert_eq!(for_lang("").lang, "en");
    }

    #[test]
    fn english_labels_are_marked_inside_other_languages() {
        assert_eq!(lang_attr(for_lang("de"), "de"), Some("en"));
        assert_eq!(lang_attr(for_lang("en-GB"), "en-GB"), None);
        assert_eq!(lang_attr(for_lang("zh-Hans"), "zh-Hans"), None);
    }

    #[test]
    fn counts_read_as_english() {
        assert_eq!(ui::story_count(0, None, None), "No stories.");
        assert_eq!(ui::story_count(1, None, None), "1 story");
        assert_eq!(ui::story_count(3, Some("Energy"), None), "3 stories tagged “Energy”");
        assert_eq!(
            ui::story_count(2, Some("Energy"), Some("cranes ")),
            "2 stories tagged “Energy” matching “cranes”"
        );
        assert_eq!(ui::problems_in_file(1), "1 problem in this file; the parts concerned are not shown.");
        assert_eq!(ui::show_more(50, 10_000), "Show more stories (50 of 10000 shown)");
        assert_eq!(ui::load_older(1000, 2345), "Older stories (1000 of 2345 loaded)");
        assert_eq!(ui::load_older(1000, 1000), "Older stories");
    }

    #[test]
    fn fills_in_numbers_and_headings() {
        assert_eq!(EN.reading_time(3), "3 min read");
        assert_eq!(ZH.reading_time(3), "阅读约 3 分钟");
        assert_eq!(EN.copy_link_to("Why now"), "Copy link to section: Why now");
    }
}
