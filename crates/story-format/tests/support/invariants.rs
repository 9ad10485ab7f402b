//! What must hold after parsing *any* bytes: one list, checked by the
//! property tests (`tests/props.rs`), the fuzz target (`fuzz/`) and nothing
//! else, so the two cannot drift apart.

use story_format::url::{Base, Url};
use story_format::{
    parse_document, parse_document_with_assets, Block, Document, Inline, Steps, MAX_DIAGNOSTICS,
};

/// The URL the generated and corpus inputs are read from: a bundle's `story.json`.
pub const BASE: &str = "https://example.com/news/a/story.json";

/// [`BASE`], parsed.
pub fn base() -> Url {
    Url::parse(BASE).expect("BASE is a URL")
}

/// Parses `bytes` and panics if any invariant is broken: listing assets
/// changes nothing else; diagnostics are capped and say where and what;
/// every URL that reached the model is http(s); section ids are unique;
/// every inline text's runs join back into its text on char boundaries;
/// parsing in steps, whatever their size, gives the same result.
pub fn check_invariants(bytes: &[u8]) {
    let (parsed, assets) = parse_document_with_assets(bytes, &base());
    assert_eq!(parsed, parse_document(bytes, &base()), "listing assets changes nothing else");
    for budget in [0, 40, usize::MAX] {
        assert_eq!(in_steps(bytes, budget), parsed, "parsed in steps of {budget} bytes");
    }
    assert!(parsed.diagnostics.len() <= MAX_DIAGNOSTICS + 1);
    for d in &parsed.diagnostics {
        assert!(!d.message.is_empty(), "{d:?}");
        if let story_format::Location::Text { line, column } = d.at {
            assert!(line >= 1 && column >= 1, "{d:?}");
        }
    }
    for a in &assets {
        assert!(matches!(a.url.scheme(), "http" | "https"), "{}", a.url);
    }
    // Runs join to the text, and a link is web or mail, never anything else.
    let inline = |i: &Inline| {
        assert_eq!(i.runs().map(|r| r.text).collect::<String>(), i.text());
        for r in i.runs() {
            if let Some(h) = &r.marks.href {
                assert!(matches!(h.scheme(), "http" | "https" | "mailto"), "{h}");
            }
        }
    };
    match &parsed.value {
        Some(Document::Story(s)) => {
            if let Some(u) = &s.source.url {
                assert!(matches!(u.scheme(), "http" | "https"), "{u}");
            }
            for block in s.sections.iter().flat_map(|s| &s.blocks) {
                match block {
                    Block::Paragraph(t) | Block::Quote { text: t, .. } | Block::PullQuote { text: t, .. } => {
                        inline(t)
                    }
                    Block::Gallery(g) => {
                        assert!(
                            !g.images.is_empty()
                                && g.images.len() <= story_format::limits::MAX_GALLERY_IMAGES
                        );
                        g.images.iter().flat_map(|i| &i.caption).chain(&g.caption).for_each(inline)
                    }
                    Block::Video(v) => {
                        for u in [Some(&v.src), v.poster.as_ref(), v.captions.as_ref()].into_iter().flatten()
                        {
                            assert!(matches!(u.scheme(), "http" | "https" | "file"), "{u}");
                        }
                        v.caption.iter().for_each(inline)
                    }
                    Block::Social(p) => {
                        assert!(matches!(p.url.scheme(), "http" | "https" | "file"), "{}", p.url);
                        assert!(!p.author.is_empty());
                        inline(&p.text);
                    }
                    Block::List(l) => l.each_text(&mut |t| inline(t)),
                    Block::Image(img) => img.caption.iter().for_each(inline),
                    Block::Table(t) => {
                        t.header.iter().chain(t.rows.iter().flatten()).chain(&t.caption).for_each(inline);
                        assert!(t
                            .rows
                            .iter()
                            .chain([&t.header])
                            .all(|r| r.is_empty() || r.len() == t.columns()));
                    }
                    Block::Code { .. } | Block::Divider | Block::Heading { .. } => {}
                }
            }
            let mut ids: Vec<&str> = s.sections.iter().map(|x| x.id.as_str()).collect();
            ids.sort_unstable();
            let n = ids.len();
            ids.dedup();
            assert_eq!(ids.len(), n, "duplicate section ids");
            let _ = s.reading_minutes();
        }
        Some(Document::Catalog(c)) => {
            for h in c.entries.iter().filter_map(|e| e.href.as_ref()) {
                assert!(matches!(h.scheme(), "http" | "https"), "{h}");
            }
        }
        None => {}
    }
}

/// `bytes` parsed by [`Steps`], `budget` bytes of sections per step.
pub fn in_steps(bytes: &[u8], budget: usize) -> story_format::Parsed<Document> {
    let url = base();
    let base = Base::new(&url);
    let mut steps = Steps::new(bytes, &base);
    let mut n = 0;
    while !steps.step(budget) {
        n += 1;
        assert!(n <= bytes.len() + 3, "steps must end");
    }
    steps.finish()
}
