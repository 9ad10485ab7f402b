//! Addresses of the standalone page, as plain data (no browser APIs):
//! `?src=URL`, `?story=ID`, `?tag=TAG`, and what each asks the viewer to load.

use url::form_urlencoded;

/// What the page shows, as written in its query string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route {
    /// `src`: a story or catalog URL (relative to the page); `None` for the default catalog.
    pub src: Option<String>,
    /// `story`: a story id from the catalog in effect.
    pub story: Option<String>,
    /// `tag`: the catalog is filtered to stories with this tag.
    pub tag: Option<String>,
}

impl Route {
    /// Reads a query string (`?src=a.json&story=x`, with or without `?`).
    /// Unknown parameters are ignored; the first of a repeated one wins.
    pub fn from_query(query: &str) -> Route {
        let mut route = Route::default();
        for (k, v) in form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
            let slot = match k.as_ref() {
                "src" => &mut route.src,
                "story" => &mut route.story,
                "tag" => &mut route.tag,
                _ => continue,
            };
            if slot.is_none() && !v.trim().is_empty() {
                *slot = Some(v.into_owned());
            }
        }
        route
    }

    /// The query string for this route, `""` when it is the default view.
    pub fn to_query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("src", &self.src), ("story", &self.story), ("tag", &self.tag)] {
            if let Some(v) = v {
                q.append_pair(k, v);
            }
        }
        let q = q.finish();
        if q.is_empty() {
            q
        } else {
            format!("?{q}")
        }
    }

    /// The catalog view this route belongs to (for "Back to stories").
    pub fn catalog(&self) -> Route {
        Route { src: self.src.clone(), story: None, tag: None }
    }

    /// The same catalog with story `id` open.
    pub fn with_story(&self, id: &str) -> Route {
        Route { src: self.src.clone(), story: Some(id.to_owned()), tag: None }
    }

    /// The same catalog filtered by `tag` (`None` clears the filter).
    pub fn with_tag(&self, tag: Option<&str>) -> Route {
        Route { src: self.src.clone(), story: None, tag: tag.map(str::to_owned) }
    }

    /// What to fetch for this route: the `src` document (story or catalog),
    /// else `default_catalog`; with `story`, that catalog's entry.
    pub fn plan<'a>(&'a self, default_catalog: &'a str) -> Plan<'a> {
        let src = self.src.as_deref().unwrap_or(default_catalog);
        match &self.story {
            None => Plan::Document(src),
            Some(id) => Plan::StoryIn { catalog: src, id },
        }
    }
}

/// What the viewer fetches for a [`Route`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan<'a> {
    /// One file: a story or a catalog, told apart by its `format`.
    Document(&'a str),
    /// A catalog, then the story with this id from it (a `src` that is
    /// itself that story is accepted too).
    StoryIn { catalog: &'a str, id: &'a str },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trips() {
        let r = Route {
            src: Some("https://example.com/a b/stories.json".into()),
            story: Some("x-1".into()),
            tag: None,
        };
        assert_eq!(r.to_query(), "?src=https%3A%2F%2Fexample.com%2Fa+b%2Fstories.json&story=x-1");
        assert_eq!(Route::from_query(&r.to_query()), r);
        assert_eq!(Route::default().to_query(), "");
        assert_eq!(
            Route::from_query("?tag=%E7%A7%91%E6%8A%80&x=1"),
            Route { tag: Some("科技".into()), ..Route::default() }
        );
    }

    #[test]
    fn first_value_wins_and_blank_is_absent() {
        assert_eq!(
            Route::from_query("story=a&story=b&src="),
            Route { story: Some("a".into()), ..Route::default() }
        );
    }

    #[test]
    fn plans() {
        let d = "samples/stories.json";
        assert_eq!(Route::default().plan(d), Plan::Document(d));
        let r = Route::from_query("?story=cranes");
        assert_eq!(r.plan(d), Plan::StoryIn { catalog: d, id: "cranes" });
        let r = Route::from_query("?src=s.json");
        assert_eq!(r.plan(d), Plan::Document("s.json"));
        assert_eq!(r.with_story("a").catalog(), r);
    }
}
