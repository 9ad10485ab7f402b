//! A catalog in pages: `next`, `prev` and `total` read and checked, and a
//! page appended to what a reader has loaded.

use story_format::url::Url;
use story_format::{parse_catalog, Catalog};

fn page(url: &str, extra: &str, ids: &[&str]) -> (Catalog, Vec<String>) {
    let entries: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(r#"{{"id":"{id}","title":"T {id}","published":"2026-01-02","href":"{id}/story.json"}}"#)
        })
        .collect();
    let json = format!(r#"{{"format":"story-index/1"{extra},"stories":[{}]}}"#, entries.join(","));
    let parsed = parse_catalog(json.as_bytes(), &Url::parse(url).unwrap());
    let messages = parsed.diagnostics.iter().map(|d| d.to_string()).collect();
    (parsed.value.unwrap(), messages)
}

#[test]
fn a_page_names_its_neighbours_and_the_total() {
    let (c, problems) = page(
        "https://news.example/stories-2.json",
        r#","prev":"stories.json","next":"stories-3.json","total":2345"#,
        &["a", "b"],
    );
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(c.prev.unwrap().as_str(), "https://news.example/stories.json");
    assert_eq!(c.next.unwrap().as_str(), "https://news.example/stories-3.json");
    assert_eq!(c.total, Some(2345));
    // An old single catalog: none of them, and its total is what it lists.
    let (old, problems) = page("https://news.example/stories.json", "", &["a", "b"]);
    assert!(problems.is_empty() && old.next.is_none() && old.prev.is_none() && old.total.is_none());
    assert_eq!(old.total(), 2);
}

#[test]
fn a_page_that_names_itself_a_bad_address_or_a_wrong_total_is_an_error_at_its_field() {
    let url = "https://news.example/stories.json";
    let (_, problems) = page(url, r#","next":"stories.json#top""#, &["a"]);
    assert_eq!(
        problems,
        ["next: error: a page of a catalog cannot name itself as the page before or after it"]
    );
    let (c, problems) = page(url, r#","next":"javascript:alert(1)","prev":"data:text/html,x""#, &["a"]);
    assert!(c.next.is_none() && c.prev.is_none());
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("next: error:") && problems[1].starts_with("prev: error:"),
        "{problems:?}"
    );
    let (_, problems) = page(url, r#","total":1"#, &["a", "b"]);
    assert_eq!(problems, ["total: error: the catalog lists 2 stories, more than its total of 1"]);
    let (_, problems) = page(url, r#","total":"many""#, &["a"]);
    assert_eq!(problems, ["total: error: expected a whole number, found a string"]);
    let (_, problems) = page(url, r#","total":-1"#, &["a"]);
    assert_eq!(problems, ["total: error: expected a whole number, found a number"]);
}

#[test]
fn an_older_page_adds_its_new_stories_and_a_ring_of_pages_ends() {
    let (mut first, _) =
        page("https://news.example/stories.json", r#","next":"stories-2.json","total":5"#, &["a", "b"]);
    let (second, _) = page(
        "https://news.example/stories-2.json",
        r#","prev":"stories.json","next":"stories-3.json","total":5"#,
        &["b", "c", "d"],
    );
    assert_eq!(first.append_page(second), 2, "b was listed already");
    let ids: Vec<&str> = first.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert_eq!(first.next.as_ref().unwrap().as_str(), "https://news.example/stories-3.json");
    assert_eq!(first.total(), 5);
    // The third page names the first again: it adds nothing new the second
    // time, and the chain ends there.
    let (third, _) = page("https://news.example/stories-3.json", r#","next":"stories.json""#, &["e"]);
    assert_eq!(first.append_page(third), 1);
    assert_eq!(first.next.as_ref().unwrap().as_str(), "https://news.example/stories.json");
    let (again, _) = page("https://news.example/stories.json", r#","next":"stories-2.json""#, &["a", "b"]);
    assert_eq!(first.append_page(again), 0);
    assert!(first.next.is_none());
}
