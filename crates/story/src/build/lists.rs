//! The list pages: the catalog's own, newest first, and each tag's, a
//! [`layout::LIST_PAGE`] of entries each, and the tags page. A list page's
//! key is worked out from what its entries are read from, without reading
//! them ([`Entries::list_hash`]): they are read and parsed again only for a
//! page that is made, or whose date its stories cannot give.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use story_format::layout;
use story_format::Catalog;
use story_viewer::publish::{self, CatalogPage, Place};

use super::feeds::SitemapUrl;
use super::head::{self, Kind};
use super::stories::{Changes, Pages};
use super::{incremental, run_err, Failure, TagPath, TOP_TAGS};
use crate::parallel::parallel;
use crate::report;

/// The catalog's pages and each tag's; returns how many were written.
pub(super) fn catalog_pages<'a>(
    all_tags: &[String],
    out: &Path,
    pages: &Pages<'_>,
    tag_path: &TagPath,
    changes: &Changes<'_>,
    sitemap: &mut Vec<SitemapUrl<'a>>,
    list_keys: &mut BTreeMap<String, incremental::PageKey>,
) -> Result<usize, Failure> {
    let (info, place, catalog) = (pages.info, pages.place, changes.catalog);
    let tags: Vec<String> = catalog.all_tags().into_iter().map(str::to_owned).collect();
    let known: std::collections::HashSet<&str> = tags.iter().map(String::as_str).collect();
    let others: Vec<String> = all_tags.iter().filter(|t| !known.contains(t.as_str())).cloned().collect();
    let per = layout::LIST_PAGE;
    let count = |t: &str| catalog.tagged(t).len();
    let top = Arc::new(top_tags(&tags, &count));
    let every = tags.len() + others.len();
    let all_tags_page = (every > top.len()).then_some(every);
    // Every page of every list: (the list's entries, the page).
    let mut jobs = Vec::new();
    for tag in std::iter::once(None).chain(tags.iter().chain(&others).cloned().map(Some)) {
        // The list's entries by number: every one, or the tag's.
        let total = match &tag {
            None => catalog.len(),
            Some(t) => catalog.tagged(t).len(),
        };
        // The filter offers the top tags, and the page's own.
        let shown = match &tag {
            Some(t) if !top.contains(t) => Arc::new(top.iter().chain([t]).cloned().collect()),
            _ => top.clone(),
        };
        let pages = total.div_ceil(per).max(1);
        for index in 0..pages {
            let at = CatalogPage {
                tag: tag.clone(),
                index,
                pages,
                total,
                tags: shown.clone(),
                all_tags: all_tags_page,
            };
            jobs.push(at);
        }
    }
    // The spare's list pages this build does not make, removed first.
    let folders: std::collections::HashSet<String> =
        jobs.iter().map(|at| at.folder(at.index, &**tag_path)).collect();
    pages.previous.clear_spare_lists(out, |f| folders.contains(f)).map_err(|e| run_err(out, e))?;
    drop(folders);
    // Each entry's tags' folders, as one number (for the pages' keys).
    let tag_digests = catalog.tag_digests(&**tag_path);
    let written = parallel::<_, _, Failure>(&jobs, |at| {
        let (tag, index) = (&at.tag, at.index);
        let folder = at.folder(index, &**tag_path);
        let page = info.root.join(&folder).map_err(|e| Failure::Run(e.to_string()))?;
        let (first, end) = ((index * per).min(at.total), ((index + 1) * per).min(at.total));
        // This page's entries, by number; read again from the catalog's
        // files only when the page is made, or its date needs them.
        let numbers: Vec<u32> = match tag {
            None => (first as u32..end as u32).collect(),
            Some(t) => catalog.tagged(t)[first..end].to_vec(),
        };
        let mut read = None;
        let modified = match changes.list_modified_of(&numbers)? {
            Some(modified) => modified,
            None => changes.list_modified(read.insert(catalog.read_these(&numbers)?))?,
        };
        // In the tests' builds, the date from the stories alone is the
        // one the entries read give.
        #[cfg(debug_assertions)]
        if read.is_none() {
            let from_entries = changes.list_modified(&catalog.read_these(&numbers)?)?;
            assert_eq!(modified, from_entries, "{folder}: the list's date, from its stories alone");
        }
        let modified = modified.map(Cow::Owned);
        let name = &info.name;
        let title = match (&tag, index) {
            (None, 0) => name.clone(),
            (None, i) => format!("{name} (page {})", i + 1),
            (Some(t), 0) => format!("{t}: {name}"),
            (Some(t), i) => format!("{t}: {name} (page {})", i + 1),
        };
        let description = report::count_as(at.total, "story", "stories")
            + &tag.as_ref().map(|t| format!(" tagged “{t}”")).unwrap_or_default()
            + &format!(" from {name}");
        let pictures = pages.images.pictures_of(
            numbers.iter().filter_map(|&n| catalog.thumbnail(n)).map(|(src, focus)| (src, *focus)),
        )?;
        let place = Place { pictures, ..place(page.clone()) };
        // The entries by the hash of what they are read from (and their
        // tags' folders); the rest of the catalog as it is.
        let list = catalog.list_hash(&numbers, &tag_digests);
        let whole = (catalog.minor_version, &catalog.title, catalog.titled, &catalog.image, numbers.len());
        let key = incremental::list_key(
            &page,
            info,
            &[&list, &whole, at, &title, &description],
            &place.pictures,
            at.tags.iter().chain(tag).map(|t| (place.tag_path)(t)),
        );
        let dir = out.join(&folder);
        if !pages.previous.reuse_list(&folder, &key, &dir)? {
            let one = Catalog {
                minor_version: catalog.minor_version,
                title: catalog.title.clone(),
                titled: catalog.titled,
                image: catalog.image.clone(),
                entries: read.map_or_else(|| catalog.read_these(&numbers), Ok)?,
                next: None,
                prev: None,
                total: None,
            };
            let body = publish::catalog_html(one, at.clone(), place);
            let kind = Kind::List { title, description, tag: tag.clone() };
            let html = head::document(info, &page, &kind, info.preview.as_ref(), &body);
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join(layout::PAGE_FILE), html)?;
        }
        Ok((SitemapUrl { url: Cow::Owned(page), modified }, (folder, key)))
    })?;
    let mut n = written.len();
    // Every story is on a page of the main list (the first jobs).
    let main_pages = catalog.len().div_ceil(per).max(1);
    let newest = written.iter().take(main_pages).filter_map(|(u, _)| u.modified.clone()).max();
    let (urls, keys): (Vec<_>, Vec<_>) = written.into_iter().unzip();
    list_keys.extend(keys);
    sitemap.extend(urls);
    if all_tags_page.is_some() {
        // The tags page: every tag once, with its count (linear in the tags).
        let list = tags.iter().chain(&others).map(|t| (t.clone(), count(t))).collect();
        let page = info.root.join(layout::TAGS_FOLDER).map_err(|e| Failure::Run(e.to_string()))?;
        let body = publish::tags_html(list, place(page.clone()));
        let title = format!("{}: {}", story_viewer::labels::ui::TAGS, info.name);
        let description = report::count_as(every, "tag", "tags") + &format!(" of {}", info.name);
        let html = head::document(
            info,
            &page,
            &Kind::List { title, description, tag: None },
            info.preview.as_ref(),
            &body,
        );
        let dir = out.join(layout::TAGS_FOLDER);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(layout::PAGE_FILE), html)?;
        sitemap.push(SitemapUrl { url: Cow::Owned(page), modified: newest });
        n += 1;
    }
    Ok(n)
}

/// The [`TOP_TAGS`] tags with the most entries (ties: the catalog's
/// order), in the catalog's order.
fn top_tags(tags: &[String], count: &dyn Fn(&str) -> usize) -> Vec<String> {
    if tags.len() <= TOP_TAGS {
        return tags.to_vec();
    }
    let mut ranked: Vec<usize> = (0..tags.len()).collect();
    ranked.sort_by_key(|&i| (std::cmp::Reverse(count(&tags[i])), i));
    ranked.truncate(TOP_TAGS);
    ranked.sort_unstable();
    ranked.into_iter().map(|i| tags[i].clone()).collect()
}
