//! Addresses of the standalone page, as plain data (no browser APIs):
//! `?src=URL`, `?story=ID`, `?tag=TAG`, `?q=SEARCH`, and what each asks the
//! viewer to load. A story opened from a filtered or searched catalog keeps
//! the filter and the search in its address, so "Back to stories" (and a
//! reload, and a shared address) returns to the same list.

/// What the page shows, as written in its query string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route {
    /// `src`: a story or catalog URL (relative to the page); `None` for the default catalog.
    pub src: Option<String>,
    /// `story`: a story id from the catalog in effect.
    pub story: Option<String>,
    /// `tag`: the catalog is filtered to stories with this tag.
    pub tag: Option<String>,
    /// `q`: the catalog is searched for this text.
    pub q: Option<String>,
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
                "q" => &mut route.q,
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
        for (k, v) in [("src", &self.src), ("story", &self.story), ("tag", &self.tag), ("q", &self.q)] {
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

    /// The catalog view this route belongs to, as it was left (for "Back to
    /// stories"): the same filter and search.
    pub fn catalog(&self) -> Route {
        Route { story: None, ..self.clone() }
    }

    /// Story `id` of the same catalog, remembering the list it was opened from.
    pub fn with_story(&self, id: &str) -> Route {
        Route { story: Some(id.to_owned()), ..self.clone() }
    }

    /// The same catalog filtered by `tag` (`None` clears the filter), still searched.
    pub fn with_tag(&self, tag: Option<&str>) -> Route {
        Route { story: None, tag: tag.map(str::to_owned), ..self.clone() }
    }

    /// The same catalog searched for `q` (blank clears the search), still filtered.
    pub fn with_query(&self, q: &str) -> Route {
        let q = (!q.trim().is_empty()).then(|| q.to_owned());
        Route { story: None, q, ..self.clone() }
    }

    /// The catalog's list of stories with `tag`, neither searched nor
    /// filtered otherwise (where a tag on a story leads).
    pub fn tag_list(&self, tag: &str) -> Route {
        Route { src: self.src.clone(), tag: Some(tag.to_owned()), ..Route::default() }
    }

    /// What must be fetched for this route: the same key means the same
    /// file is shown, and only the filter or search changed.
    pub fn document_key(&self) -> (Option<&str>, Option<&str>) {
        (self.src.as_deref(), self.story.as_deref())
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
            ..Route::default()
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

    #[test]
    fn a_story_remembers_the_list_it_came_from() {
        let list = Route::from_query("?tag=Energy&q=cranes");
        let story = list.with_story("harbour");
        assert_eq!(story.to_query(), "?story=harbour&tag=Energy&q=cranes");
        assert_eq!(story.catalog(), list, "Back returns to the same filter and search");
        assert_eq!(story.document_key(), (None, Some("harbour")));
        // Filtering and searching keep each other, and change no document.
        assert_eq!(list.with_tag(Some("Ports")).q.as_deref(), Some("cranes"));
        assert_eq!(list.with_query("trains").tag.as_deref(), Some("Energy"));
        assert_eq!(list.with_query("  ").q, None);
        assert_eq!(list.with_query("x").document_key(), list.document_key());
        // A tag on a story leads to that tag's whole list.
        assert_eq!(story.tag_list("Ports").to_query(), "?tag=Ports");
    }
}
