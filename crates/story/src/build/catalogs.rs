//! The site's catalog for `story build`: SITE's own `stories.json` and the
//! pages it names, or one made from the bundles as `story index` makes it
//! (in pages of [`layout::CATALOG_PAGE`] past that many stories). Every page
//! is written to the new site as it is; the build lists every entry of them
//! all, as one catalog, read again from those files ([`Entries`]).

use std::collections::HashSet;
use std::path::Path;

use story_format::layout;
use story_format::url::{SafeUrl, Url};
use story_format::{parse_document_with_assets, Asset, Catalog, Document};

use super::entries::{Entries, GatheredPage, Gathering};
use super::files::{below, local_path};
use super::kept_pages;
use super::manifest::{file_key, Keyed};
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
    pub thumbnails: Vec<SafeUrl>,
    /// SITE had its own `stories.json`.
    pub own: bool,
    /// Each page made from the bundles with a key: its file's name and its
    /// key in the manifest ([`super::manifest::file_key`]).
    pub keyed: Vec<Keyed>,
    /// The pages made from the bundles that were kept as the last build
    /// made them ([`kept_pages`]).
    pub kept: usize,
}

/// Where the pages made from the bundles hand each page: its file's name,
/// its key when it has one ([`kept_pages::page_key`]), and what makes its
/// JSON (not called for a page kept from the last build).
pub type PageSink<'a> = dyn FnMut(String, Option<[u8; 32]>, &mut dyn FnMut() -> Result<String, Failure>) -> Result<(), Failure>
    + 'a;

/// Reads SITE's own catalog, or has `made` make its pages from the
/// bundles (as [`crate::index::each_page`] names them, handing each to
/// the sink it is given as it is made, [`PageSink`]), and writes its pages
/// to `out`. `kept` is where the last build's made pages are kept
/// ([`kept_pages`]) and their memo's context.
pub fn site_catalog(
    sandbox: &Sandbox,
    site: &Path,
    root: &Url,
    out: &Path,
    made: impl FnOnce(&mut PageSink<'_>) -> Result<(), Failure>,
    files: usize,
    kept: (&Path, &[u8]),
) -> Result<SiteCatalog, Failure> {
    let own = std::fs::symlink_metadata(site.join(layout::CATALOG_FILE)).is_ok();
    let mut gathering = Entries::gather();
    let mut thumbnails = Vec::new();
    let (mut kept_pages, mut keyed) = (0, Vec::new());
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
            thumbnails.extend(page.1.into_iter().map(|a| a.url));
            gathering.add(out.join(&rel), url, &bytes, page.0, |_| ())?;
        }
    } else {
        (gathering, thumbnails, kept_pages, keyed) =
            made_pages(root, out, made, files, (gathering, thumbnails), kept)?;
    }
    Ok(SiteCatalog { catalog: gathering.done()?, thumbnails, own, keyed, kept: kept_pages })
}

/// A page made from the bundles, on its way to be gathered.
enum Made {
    /// Made now: its JSON, and its key to keep it by.
    New { name: String, json: String, key: Option<[u8; 32]> },
    /// As the last build made it ([`kept_pages`]).
    Kept { name: String, page: GatheredPage, assets: Vec<SafeUrl>, bytes: Vec<u8> },
}

/// The pages `made` makes, each parsed, written and gathered as it comes,
/// on a thread of its own: making a page (its entries read back and
/// written as JSON) and parsing it again take about as long, and each
/// took a core for half a second at 100,000 stories while the other
/// waited. At most [`PAGES_AHEAD`] made pages wait to be parsed. A page
/// the last build made from the same entries is taken as it was, neither
/// made nor parsed ([`kept_pages`]); the first never is (it also gives
/// the catalog's title and image). Gives how many were kept, and each
/// keyed page's name and key in the manifest.
fn made_pages(
    root: &Url,
    out: &Path,
    made: impl FnOnce(&mut PageSink<'_>) -> Result<(), Failure>,
    files: usize,
    (mut gathering, mut thumbnails): (Gathering, Vec<SafeUrl>),
    (kept_at, context): (&Path, &[u8]),
) -> Result<(Gathering, Vec<SafeUrl>, usize, Vec<Keyed>), Failure> {
    let last = crate::memo::Memo::open(kept_at, context);
    let new_at = out.join(PAGES_NEW);
    let keep =
        crate::memo::Writer::after(last.as_ref(), &new_at, context).map_err(|e| run_err(&new_at, e))?;
    let url_of = |name: &str| root.join(name).map_err(|e| Failure::Run(e.to_string()));
    let mut keyed = Vec::new();
    let ((gathering, thumbnails), taken) = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Made>(PAGES_AHEAD);
        let (keep, last) = (&keep, last.as_ref());
        let gather = s.spawn(move || {
            for made in rx {
                match made {
                    Made::New { name, json, key } => {
                        let url = url_of(&name)?;
                        let shown = || format!("{name} (made from the bundles)");
                        let (page, assets) = parse_page(json.as_bytes(), &url, shown, files)?;
                        write(out, &name, json.as_bytes())?;
                        let assets: Vec<SafeUrl> = assets.into_iter().map(|a| a.url).collect();
                        let record = |page: &GatheredPage| {
                            if let Some(key) = key {
                                let record = kept_pages::encode(&key, &url, page, &assets, json.as_bytes());
                                // A page not kept is only made again next time.
                                let _ = keep.put(Path::new(&name), None, &record);
                            }
                        };
                        gathering.add(out.join(&name), url.clone(), json.as_bytes(), page, record)?;
                        thumbnails.extend(assets);
                    }
                    Made::Kept { name, page, assets, bytes } => {
                        write(out, &name, &bytes)?;
                        thumbnails.extend(assets);
                        gathering.add_kept(out.join(&name), url_of(&name)?, page)?;
                        if let Some(last) = last {
                            let _ = keep.carry(Path::new(&name), last);
                        }
                    }
                }
            }
            Ok::<_, Failure>((gathering, thumbnails))
        });
        // A page not taken: the gathering stopped, and says why below.
        let gone = || Failure::Run("the catalog's pages were not gathered".into());
        let (mut first, mut taken) = (true, 0);
        let making = made(&mut |name, key, json| {
            let record = match (key, last) {
                (Some(key), Some(last)) if !first => last.get(Path::new(&name), &key),
                _ => None,
            };
            first = false;
            let decoded = record.and_then(|r| kept_pages::decode(&r, &url_of(&name).ok()?));
            if let Some(key) = &key {
                keyed.push((name.clone(), file_key(context, key)));
            }
            let made = match decoded {
                Some((page, assets, bytes)) => {
                    taken += 1;
                    Made::Kept { name, page, assets, bytes }
                }
                None => Made::New { json: json()?, name, key },
            };
            tx.send(made).map_err(|_| gone())
        });
        drop(tx);
        let gathered = gather.join().map_err(|_| gone())?;
        let gathered = gathered?;
        making.map(|()| (gathered, taken))
    })?;
    keep.finish(kept_at, last.as_ref()).map_err(|e| run_err(kept_at, e))?;
    Ok((gathering, thumbnails, taken, keyed))
}

/// The memo of made pages being written ([`kept_pages`]), until the
/// catalog is gathered.
const PAGES_NEW: &str = ".story-pages";

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
