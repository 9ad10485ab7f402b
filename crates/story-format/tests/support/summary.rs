//! A story as text for `.expect` files: its fields, then every section and
//! every field of every block, one line each. The `match` on `Block` is
//! exhaustive, so a new block type fails to compile here until the
//! summary shows it. Used by the parser's fixtures and the golden tests of
//! each block type (`crates/story/tests/blocks.rs`).

use std::fmt::Write;

use story_format::{Block, Image, Inline, Story};

/// The whole story, one line per field group, section and block.
pub fn story(s: &Story) -> String {
    let mut out = format!(
        "story {:?} lang={} title={:?} published={:?} tags={:?} reading={}min\n",
        s.id,
        s.lang,
        s.title,
        s.published.as_ref().map(|t| &t.raw),
        s.tags,
        s.reading_minutes()
    );
    writeln!(
        out,
        "source {:?} lang={:?} url={:?}",
        s.source.name,
        s.source.lang,
        s.source.url.as_ref().map(|u| u.as_str())
    )
    .unwrap();
    for a in &s.authors {
        writeln!(out, "author {:?} url={:?}", a.name, a.url.as_ref().map(|u| u.as_str())).unwrap();
    }
    for c in &s.corrections {
        writeln!(out, "correction {:?} date={} text={:?}", c.kind, c.date.raw, c.text).unwrap();
    }
    if let Some(h) = &s.hero {
        writeln!(out, "hero {}", image(h)).unwrap();
    }
    for sec in &s.sections {
        writeln!(out, "section #{} heading={:?}", sec.id, sec.heading).unwrap();
        for b in &sec.blocks {
            writeln!(out, "  {}", block(b)).unwrap();
        }
    }
    out
}

/// One block: its type, then each field.
pub fn block(b: &Block) -> String {
    match b {
        Block::Paragraph(text) => format!("paragraph {}", inline(text)),
        Block::Quote { text, cite } => format!("quote {} cite={cite:?}", inline(text)),
        Block::List(l) => format!("list {}", list(l)),
        Block::Image(i) => format!("image {}", image(i)),
        Block::Code { text, language } => format!("code language={language:?} text={text:?}"),
        Block::Divider => "divider".to_owned(),
        Block::Heading { text, level, id } => format!("heading level={level} id={id} text={text:?}"),
        Block::PullQuote { text, cite } => format!("pullquote {} cite={cite:?}", inline(text)),
        Block::Gallery(g) => {
            let mut s = format!("gallery caption={}", opt_inline(&g.caption));
            for i in &g.images {
                write!(s, "\n    image {}", image(i)).unwrap();
            }
            s
        }
        Block::Video(v) => {
            let url = |u: &Option<story_format::SafeUrl>| u.as_ref().map(|u| u.as_str().to_owned());
            format!(
                "video player={:?} src={:?} title={:?} poster={:?} captions={:?} size={:?} caption={} credit={}",
                v.player,
                v.src.as_str(),
                v.title,
                url(&v.poster),
                url(&v.captions),
                v.size,
                opt_inline(&v.caption),
                v.credit.as_ref().map_or_else(|| "None".to_owned(), |c| format!("{{{}}}", credit(c)))
            )
        }
        Block::Social(p) => format!(
            "social network={:?} url={:?} author={:?} handle={:?} date={:?} text={}\n    image {}",
            p.network,
            p.url.as_str(),
            p.author,
            p.handle,
            p.date.as_ref().map(|d| &d.raw),
            inline(&p.text),
            p.image.as_ref().map_or_else(|| "None".to_owned(), image)
        ),
        Block::Table(t) => {
            let row = |r: &[Inline]| r.iter().map(inline).collect::<Vec<_>>().join(" | ");
            let mut s = format!(
                "table columns={} align={:?} caption={}\n    header: {}",
                t.columns(),
                t.align.iter().map(|a| a.map(|a| a.name())).collect::<Vec<_>>(),
                t.caption.as_ref().map_or_else(|| "None".to_owned(), inline),
                row(&t.header)
            );
            for r in &t.rows {
                write!(s, "\n    row: {}", row(r)).unwrap();
            }
            s
        }
    }
}

/// A list's every field, nested lists inside their items.
pub fn list(l: &story_format::List) -> String {
    let items: Vec<String> = l
        .items
        .iter()
        .map(|i| match &i.list {
            Some(sub) => format!("{} > {}", inline(&i.text), list(sub)),
            None => inline(&i.text),
        })
        .collect();
    format!("ordered={} start={:?} items=[{}]", l.ordered, l.start, items.join(", "))
}

/// An image's every field.
pub fn image(i: &Image) -> String {
    let url = |u: &story_format::SafeUrl| u.as_str().to_owned();
    let credit = i.credit.as_ref().map(credit);
    format!(
        "src={:?} alt={:?} size={:?} srcset={:?} caption={} credit={} link={:?} focus={:?}",
        i.src.as_ref().map(url),
        i.alt,
        i.size,
        i.srcset_attr(url),
        opt_inline(&i.caption),
        credit.map_or_else(|| "None".to_owned(), |c| format!("{{{c}}}")),
        i.link.as_ref().map(url),
        i.focus
    )
}

/// A credit's every field.
fn credit(c: &story_format::Credit) -> String {
    let url = |u: &Option<story_format::SafeUrl>| u.as_ref().map(|u| u.as_str().to_owned());
    format!(
        "author={:?} author_url={:?} provider={:?} provider_url={:?} license={:?} license_url={:?}",
        c.author,
        url(&c.author_url),
        c.provider,
        url(&c.provider_url),
        c.license,
        url(&c.license_url)
    )
}

fn opt_inline(i: &Option<Inline>) -> String {
    i.as_ref().map_or_else(|| "None".to_owned(), inline)
}

/// Inline text: each run quoted, with its marks (`em`, `strong`, `code`,
/// `href=…`, `section=…`) after it.
pub fn inline(i: &Inline) -> String {
    let runs: Vec<String> = i
        .runs()
        .map(|r| {
            let m = r.marks;
            let mut s = format!("{:?}", r.text);
            for (on, name) in [(m.em, "em"), (m.strong, "strong"), (m.code, "code"), (m.strike, "strike")] {
                if on {
                    s.push('+');
                    s.push_str(name);
                }
            }
            if let Some(h) = &m.href {
                write!(s, "+href={}", h.as_str()).unwrap();
            }
            if let Some(id) = &m.section {
                write!(s, "+section={id}").unwrap();
            }
            s
        })
        .collect();
    format!("[{}]", runs.join(" "))
}
