//! Where each page of a built site lives, below the site's root: the one
//! place that decides it, for `story build` (which writes the pages) and
//! the viewer (whose search on a built page links to them).
//!
//! - a story: the folder of its bundle, each name percent-encoded
//!   ([`story_folder`]: `harbour-cranes/`, `a%3Fb/`; [`story_page`] from
//!   its `story.json`'s address);
//! - the catalog: the root, then `page/2/`, `page/3/`... ([`list_folder`]),
//!   [`LIST_PAGE`] entries each;
//! - a tag: `tags/NAME/` and its pages ([`TagFolders`]);
//! - every tag: [`TAGS_FOLDER`];
//! - the site's machine-read files at the root: [`CATALOG_FILE`] (what the
//!   viewer's search reads), [`ATOM_FEED`], [`JSON_FEED`], [`SITEMAP`],
//!   [`ROBOTS`]; [`RESERVED`] is every name at the root the build writes;
//! - beside each story's page: [`EMBED_PAGE`], [`OEMBED_FILE`] and
//!   [`EMBED_SNIPPET`] ([`STORY_OUTPUTS`] is every name written there).

use std::collections::HashMap;

use crate::Catalog;

/// The catalog a built site publishes at its root (the viewer's search
/// on a built page fetches it).
pub const CATALOG_FILE: &str = "stories.json";
/// A catalog's later pages, at the root, past [`CATALOG_PAGE`] stories:
/// `stories-2.json`, `stories-3.json`... ([`catalog_file`]).
pub const CATALOG_PART: &str = "stories-";
/// Stories in one file of a catalog in pages, as `story index` and `story
/// build` write it: about 0.5 MB of JSON, so that a list's first screen
/// does not wait for an archive (a file may hold up to
/// [`crate::limits::MAX_ENTRIES`]).
pub const CATALOG_PAGE: usize = 1000;

/// The name of page `n` (from 1) of the site's catalog.
///
/// ```
/// use story_format::layout::catalog_file;
/// assert_eq!(catalog_file(1), "stories.json");
/// assert_eq!(catalog_file(2), "stories-2.json");
/// ```
pub fn catalog_file(n: usize) -> String {
    if n <= 1 {
        CATALOG_FILE.to_owned()
    } else {
        format!("{CATALOG_PART}{n}.json")
    }
}
/// The Atom feed, at the root.
pub const ATOM_FEED: &str = "feed.xml";
/// The JSON Feed, at the root.
pub const JSON_FEED: &str = "feed.json";
/// The sitemap, at the root.
pub const SITEMAP: &str = "sitemap.xml";
/// The sitemap's parts, at the root, past the protocol's limits
/// (`sitemap-1.xml`, `sitemap-2.xml`...): the sitemap is then their index.
pub const SITEMAP_PART: &str = "sitemap-";
/// `robots.txt`, at the root.
pub const ROBOTS: &str = "robots.txt";
/// A folder's page.
pub const PAGE_FILE: &str = "index.html";
/// Names at the site's root that the build writes itself (a bundle folder
/// by one of these names is refused): pages, lists, feeds and the
/// viewer's `snippets/`.
pub const RESERVED: [&str; 9] =
    [PAGE_FILE, "page", "tags", ATOM_FEED, JSON_FEED, SITEMAP, ROBOTS, "snippets", "search"];

/// Beside each story's page, in its folder: the story alone as a page to
/// show in an `<iframe>` (and the HTML the `<story-viewer>` element draws
/// before, or without, the viewer), readable without JavaScript.
pub const EMBED_PAGE: &str = "embed.html";
/// Beside each story's page: its oEmbed response (JSON), linked from the page.
pub const OEMBED_FILE: &str = "oembed.json";
/// Beside each story's page: HTML to paste into another page (the element
/// with the story prerendered in a declarative shadow root).
pub const EMBED_SNIPPET: &str = "embed-code.html";
/// The files the build writes in a story's folder: no file the story uses
/// may have one of these names.
pub const STORY_OUTPUTS: [&str; 5] = [PAGE_FILE, "story.json", EMBED_PAGE, OEMBED_FILE, EMBED_SNIPPET];

/// Entries on one list page (the catalog's, a tag's).
pub const LIST_PAGE: usize = 50;

/// The page of a story whose `story.json` is at `href` (relative or
/// absolute): its folder, the file name dropped.
///
/// ```
/// use story_format::layout::story_page;
/// assert_eq!(story_page("news/a/story.json".into()), "news/a/");
/// assert_eq!(story_page("https://x.test/a/story.json".into()), "https://x.test/a/");
/// ```
pub fn story_page(href: String) -> String {
    match href.strip_suffix("story.json") {
        Some(folder) => folder.to_owned(),
        None => href,
    }
}

/// The page listing every tag of a site.
pub const TAGS_FOLDER: &str = "tags/";

/// The folder of a story whose bundle is at `names` below the site (one
/// folder name each, as on disk), as a URL path: each name encoded as one
/// path segment, so `?`, `#`, `%` and `:` cannot change the address.
///
/// ```
/// use story_format::layout::story_folder;
/// assert_eq!(story_folder(["news", "a?b"]), "news/a%3Fb/");
/// assert_eq!(story_folder(["%2e%2e"]), "%252e%252e/");
/// ```
pub fn story_folder<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().map(|n| crate::text::path_segment(n) + "/").collect()
}

/// The folder of page `index` (from 0) of a list whose first page is at
/// `first` (`""` for the catalog, `tags/energy/` for a tag).
///
/// ```
/// use story_format::layout::list_folder;
/// assert_eq!(list_folder("", 0), "");
/// assert_eq!(list_folder("tags/energy/", 2), "tags/energy/page/3/");
/// ```
pub fn list_folder(first: &str, index: usize) -> String {
    if index == 0 {
        first.to_owned()
    } else {
        format!("{first}page/{}/", index + 1)
    }
}

/// Each tag's folder on a built site (`tags/energy/`). The catalog's tags
/// are named first, in sorted order, then the tags only stories have, so
/// that a reader with the catalog alone (the viewer's search on a built
/// page) names every catalog tag's folder exactly as the build does, also
/// when a story says "Energy" and the catalog "energy".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TagFolders {
    /// Every tag, in the order named (the catalog's first).
    tags: Vec<String>,
    paths: HashMap<String, String>,
}

impl TagFolders {
    /// The folders of `catalog`'s tags and then of `more` (tags that only
    /// stories have; those the catalog has are passed over).
    pub fn new<'a>(catalog: &Catalog, more: impl IntoIterator<Item = &'a str>) -> TagFolders {
        TagFolders::of_tags(catalog.all_tags(), more)
    }

    /// As [`TagFolders::new`], given the catalog's tags (each once, in
    /// any order) rather than the catalog.
    pub fn of_tags<'a>(tags: Vec<&str>, more: impl IntoIterator<Item = &'a str>) -> TagFolders {
        let mut tags: Vec<&str> = tags;
        tags.sort();
        let known: std::collections::HashSet<&str> = tags.iter().copied().collect();
        let mut extra: Vec<&str> = more.into_iter().filter(|t| !known.contains(t)).collect();
        extra.sort();
        extra.dedup();
        tags.extend(extra);
        let folders = crate::text::tag_folders(&tags);
        let paths =
            tags.iter().zip(folders).map(|(t, f)| ((*t).to_owned(), format!("{TAGS_FOLDER}{f}/"))).collect();
        TagFolders { tags: tags.into_iter().map(str::to_owned).collect(), paths }
    }

    /// The folders of `catalog`'s tags alone.
    pub fn of_catalog(catalog: &Catalog) -> TagFolders {
        TagFolders::new(catalog, [])
    }

    /// The folder of `tag` (`tags/energy/`), if the site has the tag.
    pub fn path(&self, tag: &str) -> Option<&str> {
        self.paths.get(tag).map(String::as_str)
    }

    /// Every tag: the catalog's, sorted, then the stories' own, sorted.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::Url;

    fn catalog(tags: &[&str]) -> Catalog {
        let entries: Vec<String> = tags
            .iter()
            .enumerate()
            .map(|(i, t)| {
                format!(r#"{{"id":"s{i}","title":"T","published":"2026-01-02","source":{{"name":"S"}},"href":"s{i}/story.json","tags":["{t}"]}}"#)
            })
            .collect();
        let json =
            format!(r#"{{"format":"story-index/1","title":"News","stories":[{}]}}"#, entries.join(","));
        let base = Url::parse("https://news.example/stories.json").unwrap();
        crate::parse_catalog(json.as_bytes(), &base).value.unwrap()
    }

    #[test]
    fn a_story_tag_that_differs_in_case_does_not_move_the_catalogs_tag() {
        // The catalog says "energy", a story "Energy": the build knows both,
        // the search on a built page only the catalog's.
        let c = catalog(&["energy", "Ports"]);
        let build = TagFolders::new(&c, ["Energy", "Ports", "Zebra"]);
        let search = TagFolders::of_catalog(&c);
        assert_eq!(build.path("energy"), Some("tags/energy/"));
        assert_eq!(build.path("Energy"), Some("tags/energy-2/"));
        assert_eq!(build.path("Zebra"), Some("tags/zebra/"));
        for t in search.tags() {
            assert_eq!(build.path(t), search.path(t), "{t}");
        }
        assert_eq!(build.tags(), ["Ports", "energy", "Energy", "Zebra"]);
    }
}
