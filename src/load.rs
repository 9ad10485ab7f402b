//! What the viewer shows ([`View`]) and how it gets there: what a route
//! asks for, fetched and parsed (`crate::fetch`), resolved through the
//! core's one URL gate, a story found through its catalog. No drawing here.

use std::collections::HashSet;
use std::rc::Rc;

use story_format::url::{resolve, Url};
use story_format::{Catalog, Diagnostic, Document, Story};
use web_sys::AbortController;
use yew::AttrValue;

use crate::fetch::LoadErrorKind::*;
use crate::fetch::{load, LoadError};
use crate::route::{Plan, Route};

/// What is on screen. (No `PartialEq`: comparing would walk whole stories.)
#[derive(Clone)]
pub(crate) enum View {
    Loading,
    /// `from_catalog`: the story was asked for from a catalog, so "Back to
    /// stories" is offered (on a failure too).
    Failed {
        error: LoadError,
        from_catalog: bool,
    },
    Story {
        story: Rc<Story>,
        from_catalog: bool,
        url: AttrValue,
        problems: Rc<Vec<Diagnostic>>,
    },
    /// `pages`: pages of entries drawn at first (more when coming back).
    Catalog {
        catalog: Rc<Catalog>,
        url: AttrValue,
        problems: Rc<Vec<Diagnostic>>,
        pages: usize,
    },
}

/// A catalog as the reader left it for one of its stories: "Back to
/// stories" (or the browser's Back) shows it again as it was, with no
/// fetch: the same pages drawn, the same scroll position, and focus on the
/// story just read.
pub(crate) struct Left {
    /// The catalog's `src` in the route (`None`: the default catalog).
    pub(crate) src: Option<String>,
    pub(crate) catalog: Rc<Catalog>,
    pub(crate) url: AttrValue,
    pub(crate) problems: Rc<Vec<Diagnostic>>,
    pub(crate) pages: usize,
    /// The page's scroll position (standalone; an embed does not own it).
    pub(crate) scroll: f64,
    /// The story opened from it.
    pub(crate) story: String,
}

/// The address `src` (from the route or the element), resolved against
/// `base` through the core's one URL gate: only http(s) comes out.
fn resolve_address(src: &str, base: &str) -> Result<story_format::SafeUrl, LoadError> {
    let base = Url::parse(base).map_err(|e| LoadError::new(base, PageAddress(e.to_string())))?;
    resolve(src, &base).map_err(|e| LoadError::new(src, Address(e.to_string())))
}

/// The address of story `id` in `catalog` (at `catalog_url`).
fn entry_href(catalog: &Catalog, id: &str, catalog_url: &str) -> Result<story_format::SafeUrl, LoadError> {
    let entry = catalog.find(id).ok_or_else(|| LoadError::new(catalog_url, NoSuchStory(id.to_owned())))?;
    entry.href.clone().ok_or_else(|| LoadError::new(catalog_url, UnsafeLink(id.to_owned())))
}

/// Loads the story at `href`, named by a catalog.
async fn story_from(href: &story_format::SafeUrl, cancel: &AbortController) -> Result<View, LoadError> {
    let loaded = load(href, cancel).await?;
    let url = AttrValue::from(loaded.url.to_string());
    match loaded.doc {
        Document::Story(s) => Ok(View::Story {
            story: Rc::new(s),
            from_catalog: true,
            url,
            problems: Rc::new(loaded.diagnostics),
        }),
        Document::Catalog(_) => Err(LoadError::new(&url, CatalogNotStory)),
    }
}

/// `catalog` with the page its `next` names added (a catalog in pages;
/// see `Catalog::append_page`), and that page's problems.
pub(crate) async fn older_page(
    catalog: &Catalog,
    cancel: &AbortController,
) -> Result<(Catalog, Vec<Diagnostic>), LoadError> {
    let mut longer = catalog.clone();
    let problems = append_next(&mut longer, &mut catalog.ids(), cancel).await?;
    Ok((longer, problems))
}

/// Adds the page `catalog`'s `next` names to it, in place (`known`: the
/// ids it lists, kept across pages); returns that page's problems.
async fn append_next(
    catalog: &mut Catalog,
    known: &mut HashSet<String>,
    cancel: &AbortController,
) -> Result<Vec<Diagnostic>, LoadError> {
    let Some(next) = catalog.next.clone() else { return Ok(Vec::new()) };
    let loaded = load(&next, cancel).await?;
    match loaded.doc {
        Document::Catalog(page) => {
            catalog.append_page_known(page, known);
            Ok(loaded.diagnostics)
        }
        Document::Story(_) => Err(LoadError::new(next.as_str(), StoryNotCatalog(String::new()))),
    }
}

/// Loads what `route` asks for. `known`: the catalog on screen when the
/// story was opened from it (its URL and entries), so that opening a story
/// fetches the story alone.
pub(crate) async fn fetch_view(
    route: Route,
    base: AttrValue,
    default_src: AttrValue,
    cancel: AbortController,
    known: Option<(AttrValue, Rc<Catalog>)>,
) -> View {
    let result = async {
        match route.plan(&default_src) {
            Plan::Document(src) => {
                let loaded = load(&resolve_address(src, &base)?, &cancel).await?;
                let url = AttrValue::from(loaded.url.to_string());
                let problems = Rc::new(loaded.diagnostics);
                Ok(match loaded.doc {
                    Document::Story(s) => {
                        View::Story { story: Rc::new(s), from_catalog: false, url, problems }
                    }
                    Document::Catalog(c) => View::Catalog { catalog: Rc::new(c), url, problems, pages: 1 },
                })
            }
            Plan::StoryIn { id, .. } if known.is_some() => {
                let (catalog_url, catalog) = known.expect("matched");
                story_from(&entry_href(&catalog, id, &catalog_url)?, &cancel).await
            }
            Plan::StoryIn { catalog, id } => {
                let loaded = load(&resolve_address(catalog, &base)?, &cancel).await?;
                let catalog_url = loaded.url.to_string();
                let entry = match loaded.doc {
                    Document::Story(s) if s.id == id => {
                        let url = AttrValue::from(catalog_url);
                        return Ok(View::Story {
                            story: Rc::new(s),
                            from_catalog: false,
                            url,
                            problems: Rc::new(loaded.diagnostics),
                        });
                    }
                    Document::Story(_) => {
                        return Err(LoadError::new(&catalog_url, StoryNotCatalog(id.to_owned())))
                    }
                    Document::Catalog(mut c) => {
                        // A catalog in pages: an older story is on a later page.
                        let mut known = c.ids();
                        while !known.contains(id) && c.next.is_some() {
                            append_next(&mut c, &mut known, &cancel).await?;
                        }
                        entry_href(&c, id, &catalog_url)?
                    }
                };
                story_from(&entry, &cancel).await
            }
        }
    };
    let from_catalog = matches!(route.plan(&default_src), Plan::StoryIn { .. });
    result.await.unwrap_or_else(|error| View::Failed { error, from_catalog })
}
