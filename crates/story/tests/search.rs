//! The built site's search index (#24): every story's title, dek, source,
//! tags, byline and full text, in any script, found from the static files
//! alone, read with the same functions the viewer uses.

mod support;

use std::path::Path;

use serde_json::json;
use story_format::search::{self, Meta};
use story_format::url::Url;
use support::site::build;
use support::{fake_viewer, text, TempDir};

fn bundle(site: &Path, id: &str, story: serde_json::Value) {
    let dir = site.join(id);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("story.json"), story.to_string()).unwrap();
}

/// The ids of the stories `query` finds on the built site at `out`, newest first.
fn find(out: &Path, query: &str) -> Vec<String> {
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    let meta = Meta::index(&read(search::INDEX_FILE)).unwrap();
    let mut lists = Vec::new();
    let folded = story_cli::build::search::fold(query);
    for t in search::query_terms(&folded) {
        let mut list = Vec::new();
        if let Some(j) = meta.group_of(&t) {
            let group = Meta::group(&read(&search::group_file(j))).unwrap();
            let (chunks, prefix) = group.chunks_of(&t, meta.groups.get(j + 1).map(String::as_str));
            for k in chunks {
                search::postings(&read(&search::chunk_file(k)), &t.text, prefix, &mut list).unwrap();
            }
        }
        lists.push(list);
    }
    search::intersect(&lists, meta.docs)
        .into_iter()
        .map(|doc| {
            let k = doc as usize / search::DOCS_PER_FILE;
            let name = search::docs_file(k);
            let url = Url::parse(&format!("https://news.example/{name}")).unwrap();
            let docs = story_format::parse_catalog(read(&name).as_bytes(), &url).value.unwrap();
            let e = docs.entries.iter().find(|e| e.index == doc as usize % search::DOCS_PER_FILE).unwrap();
            assert_eq!(
                e.href.as_ref().unwrap().as_str(),
                format!("https://news.example/{}/story.json", e.id)
            );
            e.id.clone()
        })
        .collect()
}

#[test]
fn every_field_and_script_is_found_from_the_static_files() {
    let tmp = TempDir::new("search-index");
    let site = tmp.dir().join("site");
    bundle(
        &site,
        "cranes",
        json!({
            "format": "story/1", "id": "cranes", "lang": "en", "title": "Harbour cranes go electric",
            "dek": "Quieter quays", "published": "2026-03-14", "byline": "Ana Quintero",
            "source": { "name": "Port Weekly" }, "tags": ["Energy", "Ports"],
            "sections": [{ "heading": "Batteries", "blocks": [
                "The terminal's lithium packs recharge overnight.",
                { "type": "table", "header": ["Crane", "Kilowatts"], "rows": [["STS-4", "Tidewater"]] },
                { "type": "code", "text": "recharge --zeppelin" }
            ]}]
        }),
    );
    bundle(
        &site,
        "chips",
        json!({
            "format": "story/1", "id": "chips", "lang": "zh", "title": "深圳开源芯片工作室迎来第一批学生",
            "published": "2026-03-12", "source": { "name": "凤凰科技", "lang": "zh" }, "tags": ["energy"],
            "sections": [{ "blocks": ["学生们在这里设计自己的处理器。"] }]
        }),
    );
    bundle(
        &site,
        "solar",
        json!({
            "format": "story/1", "id": "solar", "lang": "ar", "title": "تعاونية شمسية في قلب الصحراء",
            "published": "2026-03-11", "source": { "name": "صَحِيفَة" },
            "sections": [{ "blocks": ["الطاقة الشمسية تضيء القرية"] }]
        }),
    );
    let out = tmp.dir().join("out");
    let o = build(&site, &out, &fake_viewer(tmp.dir()));
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("search index of 3 stories"), "{}", text(&o));

    assert_eq!(find(&out, "cranes"), ["cranes"], "title");
    assert_eq!(find(&out, "QUIETER"), ["cranes"], "dek, any case");
    assert_eq!(find(&out, "quintero"), ["cranes"], "byline");
    assert_eq!(find(&out, "lithium overnight"), ["cranes"], "full text, every word");
    assert_eq!(find(&out, "tidewater"), ["cranes"], "a table cell");
    assert_eq!(find(&out, "zeppelin"), ["cranes"], "code");
    assert_eq!(find(&out, "batter"), ["cranes"], "a heading, by its start");
    assert_eq!(find(&out, "cranes 芯片"), Vec::<String>::new(), "every word must match");
    assert_eq!(find(&out, "芯片"), ["chips"], "Chinese without spaces");
    assert_eq!(find(&out, "处理器"), ["chips"], "Chinese full text");
    assert_eq!(find(&out, "凤凰科技"), ["chips"], "the source's name");
    assert_eq!(find(&out, "صحيفة"), ["solar"], "Arabic without its vowel marks");
    assert_eq!(find(&out, "صحراء"), ["solar"], "Arabic without the article");
    assert_eq!(find(&out, "energy"), ["cranes", "chips"], "tags as words, newest first");

    // A tag is a term of its own, by its folder: `Energy` took `energy`,
    // so `energy` (the Chinese story's) is `energy-2`.
    let meta = Meta::index(&std::fs::read_to_string(out.join(search::INDEX_FILE)).unwrap()).unwrap();
    assert_eq!(meta.folder_of("Energy"), "energy");
    assert_eq!(meta.folder_of("energy"), "energy-2");
    assert!(out.join("tags/energy-2/index.html").exists());
    assert!(
        search::query_terms("#energy").iter().all(|t| !t.text.starts_with('#')),
        "a query's # is not a tag"
    );
    let tagged = |folder: &str| {
        let t = search::QueryTerm { text: search::tag_term(folder), prefix: false };
        let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
        let group = Meta::group(&read(&search::group_file(meta.group_of(&t).unwrap()))).unwrap();
        let (chunks, _) = group.chunks_of(&t, None);
        let mut list = Vec::new();
        for k in chunks {
            search::postings(&read(&search::chunk_file(k)), &t.text, false, &mut list).unwrap();
        }
        list
    };
    assert_eq!(tagged("energy"), [2], "the newest story (number 2 of 0..3)");
    assert_eq!(tagged("energy-2"), [1]);
}

#[test]
fn a_site_may_not_have_its_own_search_folder() {
    let tmp = TempDir::new("search-reserved");
    let site = tmp.dir().join("site");
    bundle(
        &site,
        "a",
        json!({
            "format": "story/1", "id": "a", "title": "A", "published": "2026-03-14",
            "sections": [{ "blocks": ["Text."] }]
        }),
    );
    std::fs::create_dir_all(site.join("search")).unwrap();
    let o = build(&site, &tmp.dir().join("out"), &fake_viewer(tmp.dir()));
    assert!(!o.status.success());
    assert!(text(&o).contains("writes its own search"), "{}", text(&o));
}

/// Folding skips decomposition for text already in NFKD: the quick path
/// must fold exactly as the full one, composed or decomposed, in any script.
#[test]
fn folding_is_the_same_whether_text_comes_composed_or_decomposed() {
    use unicode_normalization::UnicodeNormalization;
    let fold = story_cli::build::search::fold;
    for text in
        ["Café Zürich", "ﬁnance ① Ｔｏｋｙｏ", "凤凰科技 报道", "مرحبا بالعالم", "plain ascii", "Ångström ǅ"]
    {
        let decomposed: String = text.nfkd().collect();
        assert_eq!(fold(text), fold(&decomposed), "{text}");
        assert_eq!(fold(text), story_format::search::fold_decomposed(&decomposed), "{text}");
    }
    assert_eq!(fold("Café"), fold("cafe"));
    assert_eq!(fold("ﬁnance"), fold("finance"));
}

/// Past its memory budget the index's terms go to disk in runs and are
/// merged when the files are written: the same files, byte for byte, as
/// an index held whole (here a budget of 4 KB against the default).
#[test]
fn an_index_built_in_runs_on_disk_is_the_index_held_whole() {
    let tmp = TempDir::new("search-runs");
    let site = tmp.dir().join("site");
    let words = ["harbour", "cranes", "solar", "river", "train", "電車", "太陽", "نهر", "قطار"];
    for i in 0..240 {
        let w = |k: usize| words[(i * k + k) % words.len()];
        bundle(
            &site,
            &format!("s{i:03}"),
            json!({
                "format": "story/1.1", "id": format!("s{i:03}"), "lang": "en",
                "title": format!("{} {} number{i}", w(1), w(2)),
                "published": format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                "tags": [w(3)],
                "sections": [{"blocks": [format!("{} {} {} unique{i} and the rest", w(4), w(5), w(6))]}]
            }),
        );
    }
    let viewer = fake_viewer(tmp.dir());
    let (held, runs) = (tmp.dir().join("held"), tmp.dir().join("runs"));
    let o = build(&site, &held, &viewer);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("went to disk"), "{}", text(&o));
    let in_runs = |out: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_story"))
            .env("STORY_INDEX_BUDGET", "4096")
            .args(["build"])
            .arg(&site)
            .arg("--out")
            .arg(out)
            .args(["--url", support::site::URL, "--viewer"])
            .arg(&viewer)
            .output()
            .unwrap()
    };
    let o = in_runs(&runs);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("its terms went to disk in "), "{}", text(&o));
    let files = |out: &Path| {
        let mut f: Vec<(String, Vec<u8>)> = std::fs::read_dir(out.join("search"))
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
            .collect();
        f.sort();
        f
    };
    let (a, b) = (files(&held), files(&runs));
    assert!(a.len() > 3);
    assert_eq!(a.iter().map(|f| &f.0).collect::<Vec<_>>(), b.iter().map(|f| &f.0).collect::<Vec<_>>());
    for (x, y) in a.iter().zip(&b) {
        assert!(x.1 == y.1, "search/{} differs", x.0);
    }
    assert_eq!(find(&runs, "unique235"), ["s235"]);
    assert_eq!(find(&runs, "number123"), ["s123"]);

    // A third of the stories given new text: the next build carries the
    // rest's lists from the last one and merges them with its runs, and
    // its files are a full build's.
    for i in (0..240).step_by(3) {
        let file = site.join(format!("s{i:03}/story.json"));
        let json = std::fs::read_to_string(&file).unwrap().replace("and the rest", "and a changed end");
        std::fs::write(&file, json).unwrap();
    }
    let o = in_runs(&runs);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("160 stories' terms carried"), "{}", text(&o));
    assert!(text(&o).contains("went to disk in "), "{}", text(&o));
    let full = tmp.dir().join("full");
    let o = build(&site, &full, &viewer);
    assert!(o.status.success(), "{}", text(&o));
    let (a, b) = (files(&full), files(&runs));
    assert_eq!(a.iter().map(|f| &f.0).collect::<Vec<_>>(), b.iter().map(|f| &f.0).collect::<Vec<_>>());
    for (x, y) in a.iter().zip(&b) {
        assert!(x.1 == y.1, "search/{} differs after the edits", x.0);
    }
    assert_eq!(find(&runs, "changed"), find(&full, "changed"));
    assert_eq!(find(&runs, "changed").len(), 80);
}
