//! Parse + validate benchmark at the format's limits (not a test).
//!
//! Generates a story of 2,000 sections and 50,000 blocks, close to 8 MiB,
//! then times, in this run: serde_json to an untyped `Value` (the naive
//! baseline), serde_json skipping everything (`IgnoredAny`: the tokenizer's
//! floor), and `parse_document` (parse + validate). Prints medians and ratios.
//!
//! `cargo run --release -p story-format --example bench [-- --write FILE]`
//! (`--write` also saves the story and a quarter of it, for the browser
//! benchmark `e2e/bench.mjs`).

use std::time::Instant;

use serde::de::IgnoredAny;
use story_format::url::Url;
use story_format::{parse_document, Document};

/// A story at the limits (2,000 sections): every block kind, runs, links,
/// images. `sections` scales it down for the linearity check.
pub fn limit_story(section_count: usize) -> String {
    let mut sections = Vec::with_capacity(section_count);
    let para = "Eight cranes ran on diesel that idled between lifts; new ones charge at night.";
    for s in 0..section_count {
        let mut blocks = Vec::with_capacity(25);
        for b in 0..25 {
            let block = match b % 5 {
                0 => format!("\"{para} ({s}.{b})\""),
                1 => format!(
                    r#"["Prices fell ", {{"text": "by a third", "strong": true}}, " in two years, says the ", {{"text": "tariff study", "href": "../data/t{s}.html"}}, ". {para}"]"#
                ),
                2 => format!(
                    r#"{{"type": "quote", "text": "We charge them at night, when nobody else wants the power ({s}.{b}). {}", "cite": "the engineer"}}"#,
                    &para[..60]
                ),
                3 => format!(
                    r#"{{"type": "list", "ordered": true, "items": ["One crane converted", ["Seven ", {{"text": "to go", "em": true}}], "{}"]}}"#,
                    &para[..40]
                ),
                _ => format!(
                    r#"{{"type": "image", "src": "img/{s}-{b}.png", "alt": "A crane at dusk", "width": 1200, "height": 675, "caption": "Figure {s}.{b}: {}"}}"#,
                    &para[..40]
                ),
            };
            blocks.push(block);
        }
        sections.push(format!(r#"{{"heading": "Part {s}: why now", "blocks": [{}]}}"#, blocks.join(",")));
    }
    format!(
        r#"{{"format": "story/1", "id": "limit-story", "lang": "en", "title": "A story at the limits",
"published": "2026-03-14", "source": {{"name": "港口日报", "lang": "zh", "url": "https://example.com/x"}},
"sections": [{}]}}"#,
        sections.join(",\n")
    )
}

fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn main() {
    let json = limit_story(2000);
    if let Some(i) = std::env::args().position(|a| a == "--write") {
        // FILE, and FILE with `-quarter` before `.json` (500 sections), for
        // the browser's linearity check.
        let file = std::env::args().nth(i + 1).expect("--write FILE");
        std::fs::write(&file, &json).unwrap();
        let quarter_file = file.strip_suffix(".json").unwrap_or(&file).to_owned() + "-quarter.json";
        std::fs::write(&quarter_file, limit_story(500)).unwrap();
        eprintln!("wrote {file} and {quarter_file}");
    }
    let bytes = json.as_bytes();
    let base = Url::parse("https://example.com/bundles/limit/story.json").unwrap();
    let parsed = parse_document(bytes, &base);
    let Some(Document::Story(story)) = &parsed.value else { panic!("the generated story parses") };
    let blocks: usize = story.sections.iter().map(|s| s.blocks.len()).sum();
    assert_eq!((story.sections.len(), blocks, parsed.diagnostics.len()), (2000, 50_000, 0));

    let runs = 9;
    let skip = median_ms(runs, || {
        serde_json::from_slice::<IgnoredAny>(bytes).unwrap();
    });
    let value = median_ms(runs, || {
        serde_json::from_slice::<serde_json::Value>(bytes).unwrap();
    });
    let ours = median_ms(runs, || {
        std::hint::black_box(parse_document(bytes, &base));
    });
    println!(
        "story: {:.2} MiB, {} sections, {} blocks (median of {runs} runs, native, release)",
        bytes.len() as f64 / 1048576.0,
        story.sections.len(),
        blocks
    );
    println!("serde_json IgnoredAny (tokenizer floor): {skip:8.2} ms");
    println!("serde_json Value (untyped baseline):     {value:8.2} ms");
    println!("parse_document (parse + validate):       {ours:8.2} ms");
    println!("ratio parse_document / Value:     {:.2}x", ours / value);
    println!("ratio parse_document / IgnoredAny: {:.2}x", ours / skip);
    // The viewer parses files over 256 KiB in steps of 512 KiB of sections,
    // each in a task of its own: the whole, and the longest step.
    let url_base = story_format::url::Base::new(&base);
    let mut longest = 0f64;
    let stepped = median_ms(runs, || {
        let mut steps = story_format::Steps::new(bytes, &url_base);
        loop {
            let t = std::time::Instant::now();
            let done = steps.step(512 << 10);
            longest = longest.max(t.elapsed().as_secs_f64() * 1000.0);
            if done {
                break;
            }
        }
        std::hint::black_box(steps.finish());
    });
    println!("Steps (512 KiB of sections a step), all: {stepped:8.2} ms ({:.2}x parse_document; longest step {longest:.2} ms)", stepped / ours);
    // Linear time: a quarter of the story should take a quarter of the time.
    let quarter = limit_story(500);
    let q = median_ms(runs, || {
        std::hint::black_box(parse_document(quarter.as_bytes(), &base));
    });
    let qv = median_ms(runs, || {
        serde_json::from_slice::<serde_json::Value>(quarter.as_bytes()).unwrap();
    });
    let qs = median_ms(runs, || {
        serde_json::from_slice::<IgnoredAny>(quarter.as_bytes()).unwrap();
    });
    println!("linearity (full / quarter; 4.00 is linear; memory and caches add some):");
    println!(
        "  parse_document {:.2}, serde_json Value {:.2}, IgnoredAny {:.2}",
        ours / q,
        value / qv,
        skip / qs
    );
}
