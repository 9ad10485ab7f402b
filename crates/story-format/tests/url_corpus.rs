//! The hostile-URL corpus, checked natively. `tests/web.rs` at the project
//! root checks the same file against Chromium's own `URL` parser.

mod support;

use story_format::url::{resolve, Url};
use support::invariants::base;

#[test]
fn corpus_resolves_as_expected() {
    let cases = support::corpus::cases();
    assert!(cases.len() >= 50, "the corpus must keep at least 50 cases");
    let mut wrong = Vec::new();
    for c in &cases {
        let got = resolve(&c.input, &base()).ok().map(|u| u.as_str().to_owned());
        if got != c.href {
            wrong.push(format!("{:?} ({}): expected {:?}, got {:?}", c.input, c.why, c.href, got));
        }
    }
    assert!(wrong.is_empty(), "{} cases differ:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn a_local_base_allows_relative_references_only() {
    let base = Url::parse("file:///bundles/a/story.json").unwrap();
    assert_eq!(resolve("hero.jpg", &base).unwrap().as_str(), "file:///bundles/a/hero.jpg");
    assert!(resolve("file:///etc/passwd", &base).is_err());
    assert!(resolve("javascript:alert(1)", &base).is_err());
    assert_eq!(resolve("https://example.org/", &base).unwrap().as_str(), "https://example.org/");
}

#[test]
fn a_link_may_also_be_mailto_and_nothing_else_is_added() {
    use story_format::url::Base;
    let base = base();
    let links = Base::new(&base);
    let link = |s: &str| links.resolve_link(s).map(|u| u.as_str().to_owned());
    assert_eq!(link("mailto:desk@example.org").unwrap(), "mailto:desk@example.org");
    assert_eq!(
        link(" MAILTO:desk@example.org?subject=A tip").unwrap(),
        "mailto:desk@example.org?subject=A%20tip"
    );
    assert!(link("mailto:").is_err());
    // An image or a file is never mail.
    assert!(resolve("mailto:desk@example.org", &base).is_err());
    // Every other address reads as it does anywhere else.
    for c in support::corpus::cases() {
        if c.input.trim().to_ascii_lowercase().starts_with("mailto:") {
            assert!(link(&c.input).unwrap().starts_with("mailto:"), "{:?}", c.input);
        } else {
            assert_eq!(link(&c.input).ok(), c.href, "{:?}", c.input);
        }
    }
}

/// Every address field of the format, each holding every corpus case in
/// one story: each keeps exactly what `resolve` (or, for a link,
/// `resolve_link`) gives, or is refused with its own field path. A video
/// keeps its address written the one way for its site.
#[test]
fn every_address_field_takes_the_corpus_as_resolve_does() {
    use story_format::url::Base;
    use story_format::{Block, Document};
    let base = base();
    let links = Base::new(&base);
    for c in support::corpus::cases() {
        let a = &c.input;
        let story = serde_json::json!({
            "format": "story/1", "id": "x", "title": "T", "published": "2026-01-01",
            "source": { "name": "S", "url": a },
            "authors": [{ "name": "A", "url": a }],
            "hero": { "src": a, "alt": "", "credit": { "author_url": a, "provider_url": a, "license_url": a } },
            "sections": [{ "blocks": [
                [{ "text": "t", "href": a }],
                { "type": "image", "src": "ok.png", "alt": "", "link": a },
                { "type": "gallery", "images": [{ "src": a, "alt": "", "srcset": [{ "src": a, "width": 10 }] }] },
                { "type": "video", "src": a, "poster": a, "captions": a },
                { "type": "video", "src": "ok.mp4", "poster": a, "captions": a },
                { "type": "social", "url": a, "network": "mastodon", "author": "A", "text": "t",
                  "image": { "src": a, "alt": "" } }
            ] }]
        });
        let bytes = serde_json::to_vec(&story).unwrap();
        support::invariants::check_invariants(&bytes);
        let parsed = story_format::parse_document(&bytes, &base);
        let Some(Document::Story(s)) = parsed.value else { panic!("{a:?}: no story") };
        let url = c.href.clone();
        let link = links.resolve_link(a).ok().map(|u| u.as_str().to_owned());
        let got = |u: Option<&story_format::SafeUrl>| u.map(|u| u.as_str().to_owned());
        let hero = s.hero.as_ref().unwrap();
        let credit = hero.credit.as_ref();
        let blocks = &s.sections[0].blocks;
        let mut fields: Vec<(&str, Option<String>, Option<String>)> = vec![
            ("source.url", got(s.source.url.as_ref()), url.clone()),
            ("authors[0].url", got(s.authors.first().and_then(|x| x.url.as_ref())), url.clone()),
            ("hero.src", got(hero.src.as_ref()), url.clone()),
            ("hero.credit.author_url", got(credit.and_then(|c| c.author_url.as_ref())), url.clone()),
            ("hero.credit.license_url", got(credit.and_then(|c| c.license_url.as_ref())), url.clone()),
        ];
        let mut video_src = None;
        let mut posters = Vec::new();
        for b in blocks {
            match b {
                // `#id` in a run is a link to a section, not an address.
                Block::Paragraph(_) if a.trim_start().starts_with('#') => {}
                Block::Paragraph(p) => fields.push((
                    "blocks[0][0].href",
                    got(p.runs().next().unwrap().marks.href.as_ref()),
                    link.clone(),
                )),
                Block::Image(i) => fields.push(("blocks[1].link", got(i.link.as_ref()), link.clone())),
                Block::Gallery(g) => {
                    fields.push(("blocks[2].images[0].src", got(g.images[0].src.as_ref()), url.clone()));
                    let srcset = g.images[0].srcset.first().map(|(u, _)| u.as_str().to_owned());
                    fields.push(("blocks[2].images[0].srcset[0].src", srcset, url.clone()));
                }
                Block::Video(v) if v.src.as_str().ends_with("/ok.mp4") => {
                    fields.push(("blocks[4].poster", got(v.poster.as_ref()), url.clone()));
                    fields.push(("blocks[4].captions", got(v.captions.as_ref()), url.clone()));
                }
                Block::Video(v) => {
                    video_src = Some(v.src.as_str().to_owned());
                    posters.push(got(v.poster.as_ref()));
                }
                Block::Social(p) => {
                    fields.push(("blocks[5].url", Some(p.url.as_str().to_owned()), url.clone()));
                    let img = p.image.as_ref().unwrap();
                    fields.push(("blocks[5].image.src", got(img.src.as_ref()), url.clone()));
                }
                other => panic!("{a:?}: {other:?}"),
            }
        }
        // A video's own address: kept (one way for YouTube and Vimeo), or
        // the block refused; a social post without its address likewise.
        let video_want = url.as_deref().and_then(story_format::media::video_player).map(|(_, page)| page);
        fields.push(("blocks[3].src", video_src, video_want.clone()));
        if video_want.is_some() {
            fields.push(("blocks[3].poster", posters[0].clone(), url.clone()));
        }
        if url.is_none() {
            assert!(
                !blocks.iter().any(|b| matches!(b, Block::Social(_))),
                "{a:?}: a post without its address"
            );
        }
        for (field, got, want) in fields {
            assert_eq!(got, want, "{a:?} in {field} ({})", c.why);
            if want.is_none() {
                let reported = parsed.diagnostics.iter().any(|d| {
                    let at = d.at.to_string();
                    at == field
                        || at.ends_with(&format!(".{field}"))
                        || at.starts_with(&format!("{field}."))
                        || at == format!("sections[0].{field}")
                });
                assert!(reported, "{a:?}: no diagnostic at {field}: {:?}", parsed.diagnostics);
            }
        }
    }
}
