//! Embeds a blog writes as a template's shortcode, read as the block they
//! stand for: Hugo's `{{< youtube ID >}}` and `{{< vimeo ID >}}` (also with
//! `id="…"` and `title="…"`) become video blocks. Any other shortcode is
//! still refused by name.

use crate::out::TypedOut;

/// The video block a paragraph holding only a YouTube or Vimeo shortcode
/// stands for; `None` for any other text.
pub(super) fn video_shortcode(text: &str) -> Option<TypedOut> {
    let inner = text
        .strip_prefix("{{<")
        .and_then(|t| t.strip_suffix(">}}"))
        .or_else(|| text.strip_prefix("{{%").and_then(|t| t.strip_suffix("%}}")))?;
    let mut words = inner.split_whitespace();
    let site = words.next()?;
    let rest: Vec<&str> = words.collect();
    let rest = rest.join(" ");
    let (mut id, mut title) = (None, None);
    for (i, (key, value)) in arguments(&rest)?.into_iter().enumerate() {
        match key {
            None if i == 0 => id = Some(value),
            Some("id") => id = Some(value),
            Some("title") => title = Some(value),
            // Hugo's options (autoplay, class, loading, start…): the
            // reader's player decides those.
            Some(_) => {}
            None => return None,
        }
    }
    let id = id.filter(|id| id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))?;
    let src = match site {
        "youtube" => format!("https://www.youtube.com/watch?v={id}"),
        "vimeo" => format!("https://vimeo.com/{id}"),
        _ => return None,
    };
    Some(TypedOut::Video { src, title: title.filter(|t| !t.trim().is_empty()) })
}

/// A shortcode's arguments: `value`, `"quoted value"` or `key="value"`.
fn arguments(mut s: &str) -> Option<Vec<(Option<&str>, String)>> {
    let mut out = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return Some(out);
        }
        let (key, rest) = match s.find(['=', ' ', '"']) {
            Some(eq) if s.as_bytes()[eq] == b'=' => (Some(&s[..eq]), &s[eq + 1..]),
            _ => (None, s),
        };
        let (value, after) = if let Some(q) = rest.strip_prefix('"') {
            let end = q.find('"')?;
            (q[..end].to_owned(), &q[end + 1..])
        } else {
            let end = rest.find(' ').unwrap_or(rest.len());
            (rest[..end].to_owned(), &rest[end..])
        };
        out.push((key, value));
        s = after;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Option<(String, Option<String>)> {
        match video_shortcode(text)? {
            TypedOut::Video { src, title } => Some((src, title)),
            _ => None,
        }
    }

    #[test]
    fn hugo_video_shortcodes_become_videos() {
        let yt = "https://www.youtube.com/watch?v=w7Ft2ymGmfc".to_owned();
        assert_eq!(src("{{< youtube w7Ft2ymGmfc >}}"), Some((yt.clone(), None)));
        assert_eq!(src("{{<youtube \"w7Ft2ymGmfc\">}}"), Some((yt.clone(), None)));
        assert_eq!(
            src("{{< youtube id=\"w7Ft2ymGmfc\" title=\"A talk, in full\" autoplay=\"true\" >}}"),
            Some((yt, Some("A talk, in full".to_owned())))
        );
        assert_eq!(src("{{< vimeo 146022717 >}}"), Some(("https://vimeo.com/146022717".to_owned(), None)));
        for other in [
            "{{< tweet user=\"x\" id=\"1\" >}}",
            "{{< youtube >}}",
            "{{< youtube w7F\" onload=\"x >}}",
            "{{< youtube id=\"a/b\" >}}",
            "see {{< youtube w7Ft2ymGmfc >}}",
        ] {
            assert_eq!(src(other), None, "{other}");
        }
    }
}
