//! `story new DIR`: a bundle to start from, a `story.md` whose front matter
//! names every field (the optional ones commented out) and whose body shows
//! each kind of block. It imports as it is: `story import DIR/story.md`.

use std::path::Path;

/// The `story.md` of a new bundle, dated `today` (`YYYY-MM-DD`), with the id `id`.
pub fn template(id: &str, today: &str) -> String {
    format!(
        r#"---
# The story's fields; the same names and nesting as story.json.
# Required: title, published. Text is plain text, never HTML.
# id: a-z, 0-9 and -; stable, as addresses use it.
id: {id}
title: Your headline here
# dek: One or two sentences under the headline, also shown in lists.
# published: YYYY-MM-DD, or a date-time such as 2026-03-14T09:30:00+01:00.
published: {today}
# updated: {today}
# byline: Your Name
# lang: the story's language (BCP 47: en, zh-Hans, ar...); en by default.
# lang: en
# source: where the story first ran, when it is another publication's.
source:
  name: Your publication
  # lang: en                  # the language of the name, if not the story's
  # url: https://example.com/the-original-article
# hero:                       # the lead image, a file beside this one
#   src: hero.jpg
#   alt: What the photo shows, for readers who cannot see it
#   caption: A line under the photo
#   credit:
#     author: A. Photographer
#     provider: Example Photos
#     license: CC BY 4.0
# tags: [Energy, Transport]   # at most 20
#
# Images: put the files in this folder and, in the text, write
#   ![What the image shows](chart.png "A caption")
# on a line of its own. Width and height are read from the file.
---

The first paragraph, before any heading, opens the story. **Strong**,
*emphasis*, `code` and [links](https://example.com) are kept.

## A section heading {{#a-section}}

A paragraph in the section. The `{{#a-section}}` after a heading fixes its
id for deep links; without it the id comes from the heading.

> A quotation, one paragraph long.
> — Who said it

- A list item
- Another item
"#
    )
}

/// Today's date in UTC as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The id a new bundle in `dir` gets: its folder name, made a valid id.
pub fn id_for(dir: &Path) -> String {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("story").to_ascii_lowercase();
    let mut id = String::new();
    for c in name.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            id.push(c);
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-').chars().take(100).collect::<String>();
    if id.is_empty() {
        "story".to_owned()
    } else {
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_ids() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_526), (2026, 3, 14));
        assert_eq!(id_for(Path::new("news/Night Trains!")), "night-trains");
        assert_eq!(id_for(Path::new("新闻")), "story");
    }
}
