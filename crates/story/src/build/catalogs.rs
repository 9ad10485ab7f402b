//! The site's catalog for `story build`: SITE's own `stories.json` and the
//! pages it names, or one made from the bundles as `story index` makes it
//! (in pages of [`layout::CATALOG_PAGE`] past that many stories). Every page
//! is written to the new site as it is; the build lists every entry of them
//! all, as one catalog, read again from those files ([`Entries`]).

use std::collections::HashSet;
use std::path::Path;

use story_format::layout;
use story_format::url::Url;
use story_format::{parse_document_with_assets, Asset, Catalog, Document};

use super::entries::{Entries, Gathering};
use super::files::{below, local_path};
use super::{run_err, Failure};
use crate::check;
use crate::report::{self, Report};
use crate::sandbox::Sandbox;

/// Pages one catalog may have: 10,000 entries each at most, so a hundred
/// million stories; a chain longer than this is a loop or a mistake.
pub const MAX_PAGES: usize = 100_000;

/// The catalog of every page together (first page's title and image), its
/// entries read again from the pages written when needed, and the
/// thumbnails its entries name.
pub struct SiteCatalog {
    pub catalog: Entries,
    pub thumbnails: Vec<Asset>,
    /// SITE had its own `stories.json`.
    pub own: bool,
}

/// Reads SITE's own catalog, or has `made` make its pages from the
/// bundles (as [`crate::index::each_page`] names them, handing each to
/// the function it is given as it is made), and writes its pages to `out`.
pub fn site_catalog(
    sandbox: &Sandbox,
    site: &Path,
    root: &Url,
    out: &Path,
    made: impl FnOnce(&mut dyn FnMut(String, String) -> Result<(), Failure>) -> Result<(), Failure>,
    files: usize,
) -> Result<SiteCatalog, Failure> {
    let own = std::fs::symlink_metadata(site.join(layout::CATALOG_FILE)).is_ok();
    let mut gathering = Entries::gather();
    let mut thumbnails = Vec::new();
    if own {
        let mut seen = HashSet::new();
        let mut name = Some(layout::CATALOG_FILE.to_owned());
        while let Some(rel) = name.take() {
            let path = local_path(site, &rel)?;
            if !seen.insert(rel.clone()) || seen.len() > MAX_PAGES {
                return Err(Failure::Run(format!(
                    "{}: the catalog's pages come round to this one again; each page's \"next\" must name a newer-to-older chain that ends",
                    path.display()
                )));
            }
            let bytes = check::read_limited(sandbox, &path)
                .map_err(|d| Failure::Run(format!("{}: {}", path.display(), d.message)))?;
            let url = root.join(&rel).map_err(|e| Failure::Run(e.to_string()))?;
            let page = parse_page(&bytes, &url, || report::shown(&path), files)?;
            name = match &page.0.next {
                None => None,
                Some(next) => Some(below(root, next.as_str()).ok_or_else(|| {
                    Failure::Run(format!(
                        "{}: \"next\" names {}, which is not a file of this site; a built site's catalog pages are its own",
                        path.display(),
                        next.as_str()
                    ))
                })?),
            };
            write(out, &rel, &bytes)?;
            thumbnails.extend(page.1);
            gathering.add(out.join(&rel), url, &bytes, page.0)?;
        }
    } else {
        (gathering, thumbnails) = made_pages(root, out, made, files, (gathering, thumbnails))?;
    }
    Ok(SiteCatalog { catalog: gathering.done()?, thumbnails, own })
}

/// The pages `made` makes, each parsed, written and gathered as it comes,
/// on a thread of its own: making a page (its entries read back and
/// written as JSON) and parsing it again take about as long, and each
/// took a core for half a second at 100,000 stories while the other
/// waited. At most [`PAGES_AHEAD`] made pages wait to be parsed.
fn made_pages(
    root: &Url,
    out: &Path,
    made: impl FnOnce(&mut dyn FnMut(String, String) -> Result<(), Failure>) -> Result<(), Failure>,
    files: usize,
    (mut gathering, mut thumbnails): (Gathering, Vec<Asset>),
) -> Result<(Gathering, Vec<Asset>), Failure> {
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(String, String)>(PAGES_AHEAD);
        let gather = s.spawn(move || {
            for (name, json) in rx {
                let url = root.join(&name).map_err(|e| Failure::Run(e.to_string()))?;
                let shown = || format!("{name} (made from the bundles)");
                let (page, assets) = parse_page(json.as_bytes(), &url, shown, files)?;
                write(out, &name, json.as_bytes())?;
                thumbnails.extend(assets);
                gathering.add(out.join(&name), url, json.as_bytes(), page)?;
            }
            Ok::<_, Failure>((gathering, thumbnails))
        });
        // A page not taken: the gathering stopped, and says why below.
        let making = made(&mut |name, json| {
            tx.send((name, json)).map_err(|_| Failure::Run("the catalog's pages were not gathered".into()))
        });
        drop(tx);
        let gathered =
            gather.join().map_err(|_| Failure::Run("the catalog's pages were not gathered".into()))?;
        let gathered = gathered?;
        making.map(|()| gathered)
    })
}

/// Made pages that may wait to be parsed ([`made_pages`]): each is about
/// 2 MB of JSON at [`layout::CATALOG_PAGE`] entries.
const PAGES_AHEAD: usize = 2;

/// One page parsed; its errors stop the build (a page SITE wrote was
/// checked already; one made from the bundles can still break a limit).
fn parse_page(
    bytes: &[u8],
    url: &Url,
    shown: impl FnOnce() -> String,
    files: usize,
) -> Result<(Catalog, Vec<Asset>), Failure> {
    let (parsed, assets) = parse_document_with_assets(bytes, url);
    match parsed.value {
        Some(Document::Catalog(c)) if parsed.diagnostics.iter().all(|d| !d.is_error()) => Ok((c, assets)),
        Some(Document::Story(_)) => {
            Err(Failure::Run(format!("{}: a story where the catalog's page should be", shown())))
        }
        _ => {
            let report = Report { file: shown(), diagnostics: parsed.diagnostics };
            Err(Failure::Input { reports: vec![report], files })
        }
    }
}

fn write(out: &Path, rel: &str, bytes: &[u8]) -> Result<(), Failure> {
    let to = out.join(rel);
    std::fs::create_dir_all(crate::sandbox::parent_dir(&to)).map_err(|e| run_err(&to, e))?;
    std::fs::write(&to, bytes).map_err(|e| run_err(&to, e))
}
