//! A built site's search index, read over the network as a query needs it
//! (the files and their reading are `story_format::search`'s): the index
//! once, then for each term its group's chunk list and its chunk, then the
//! lists of stories that the results on screen come from. Every file is
//! fetched once per page and kept.

use std::cell::RefCell;
use std::rc::Rc;

use story_format::search::{self, Meta, QueryTerm};
use story_format::url::{resolve, Url};
use story_format::{Catalog, Document, Entry, SafeUrl};
use web_sys::AbortController;

use crate::fetch::{fetch_bytes, LoadError, LoadErrorKind};

/// The files read so far, by name below the site's root.
/// (A few of each: lists, not maps.)
#[derive(Default)]
pub struct Cache {
    meta: Option<Rc<Meta>>,
    groups: Vec<(usize, Rc<Meta>)>,
    chunks: Vec<(usize, Rc<str>)>,
    docs: Vec<(usize, Rc<Catalog>)>,
}

/// The file numbered `k` in `list`, if read.
fn known<T: Clone>(list: &[(usize, T)], k: usize) -> Option<T> {
    list.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
}

/// The site's index, with the files it read.
#[derive(Clone)]
pub struct SiteIndex {
    /// Any file at the site's root (its `stories.json`): names resolve against it.
    root: SafeUrl,
    cache: Rc<RefCell<Cache>>,
}

impl PartialEq for SiteIndex {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.cache, &other.cache)
    }
}

impl SiteIndex {
    /// The index of the site whose root holds `root_file`.
    pub fn new(root_file: SafeUrl) -> SiteIndex {
        SiteIndex { root: root_file, cache: Rc::default() }
    }

    /// `name` below the site's root, through the one URL gate.
    fn url(&self, name: &str) -> Result<SafeUrl, LoadError> {
        resolve(name, &self.root.to_url())
            .map_err(|_| LoadError::new(name, LoadErrorKind::Address("not a safe address".into())))
    }

    async fn text(&self, name: &str, cancel: &AbortController) -> Result<(SafeUrl, String), LoadError> {
        let url = self.url(name)?;
        let bytes = fetch_bytes(url.as_str(), cancel).await?;
        let text = String::from_utf8(bytes)
            .map_err(|_| LoadError::new(url.as_str(), LoadErrorKind::Unreadable("not UTF-8 text".into())))?;
        Ok((url, text))
    }

    /// Reads `name` with `parse`, whose error becomes the load's.
    async fn parsed<T>(
        &self,
        name: &str,
        cancel: &AbortController,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, LoadError> {
        let (url, text) = self.text(name, cancel).await?;
        parse(&text).map_err(|e| LoadError::new(url.as_str(), LoadErrorKind::Unreadable(e)))
    }

    /// The index file, if it has been read.
    pub fn known_meta(&self) -> Option<Rc<Meta>> {
        self.cache.borrow().meta.clone()
    }

    /// The index file.
    pub async fn meta(&self, cancel: &AbortController) -> Result<Rc<Meta>, LoadError> {
        if let Some(m) = self.cache.borrow().meta.clone() {
            return Ok(m);
        }
        let meta = Rc::new(self.parsed(search::INDEX_FILE, cancel, Meta::index).await?);
        self.cache.borrow_mut().meta = Some(meta.clone());
        Ok(meta)
    }

    async fn group(&self, j: usize, cancel: &AbortController) -> Result<Rc<Meta>, LoadError> {
        if let Some(g) = known(&self.cache.borrow().groups, j) {
            return Ok(g);
        }
        let group = Rc::new(self.parsed(&search::group_file(j), cancel, Meta::group).await?);
        self.cache.borrow_mut().groups.push((j, group.clone()));
        Ok(group)
    }

    async fn chunk(&self, k: usize, cancel: &AbortController) -> Result<Rc<str>, LoadError> {
        if let Some(c) = known(&self.cache.borrow().chunks, k) {
            return Ok(c);
        }
        let (url, text) = self.text(&search::chunk_file(k), cancel).await?;
        if text.len() > search::MAX_FILE {
            let why = "the file is over the search's limit".to_owned();
            return Err(LoadError::new(url.as_str(), LoadErrorKind::Unreadable(why)));
        }
        let chunk: Rc<str> = text.into();
        self.cache.borrow_mut().chunks.push((k, chunk.clone()));
        Ok(chunk)
    }

    /// The stories of `term`, and whether it has older ones not listed.
    async fn postings(
        &self,
        meta: &Meta,
        term: &QueryTerm,
        cancel: &AbortController,
    ) -> Result<(Vec<u32>, bool), LoadError> {
        let (mut out, mut more) = (Vec::new(), false);
        let Some(j) = meta.group_of(term) else { return Ok((out, more)) };
        let group = self.group(j, cancel).await?;
        let (chunks, prefix) = group.chunks_of(term, meta.groups.get(j + 1).map(String::as_str));
        for k in chunks {
            let chunk = self.chunk(k, cancel).await?;
            more |= search::postings(&chunk, &term.text, prefix, &mut out)
                .map_err(|e| LoadError::new(&search::chunk_file(k), LoadErrorKind::Unreadable(e)))?;
        }
        Ok((out, more))
    }

    /// The stories (numbers, newest first) that hold every term of the
    /// folded query `folded`, and have `tag` when one is given; and whether
    /// there may be older ones (a term listed only its newest).
    pub async fn find(
        &self,
        folded: &str,
        tag: Option<&str>,
        cancel: &AbortController,
    ) -> Result<(Vec<u32>, bool), LoadError> {
        let meta = self.meta(cancel).await?;
        let mut terms = search::query_terms(folded);
        if let Some(t) = tag {
            terms.push(QueryTerm { text: search::tag_term(&meta.folder_of(t)), prefix: false });
        }
        let (mut lists, mut more) = (Vec::new(), false);
        for t in &terms {
            let (list, cut) = self.postings(&meta, t, cancel).await?;
            lists.push(list);
            more |= cut;
        }
        Ok((search::intersect(&lists, meta.docs), more))
    }

    /// The catalog entries of stories `docs`, in their order.
    pub async fn entries(&self, docs: &[u32], cancel: &AbortController) -> Result<Vec<Entry>, LoadError> {
        let per = self.meta(cancel).await?.per_file.max(1) as usize;
        let mut out = Vec::with_capacity(docs.len());
        for &d in docs {
            let k = d as usize / per;
            let cached = known(&self.cache.borrow().docs, k);
            let list = match cached {
                Some(l) => l,
                None => {
                    let name = search::docs_file(k);
                    let (url, text) = self.text(&name, cancel).await?;
                    let base = Url::parse(url.as_str())
                        .map_err(|e| LoadError::new(url.as_str(), LoadErrorKind::Address(e.to_string())))?;
                    let list = match story_format::parse_document(text.as_bytes(), &base).value {
                        Some(Document::Catalog(c)) => Rc::new(c),
                        _ => {
                            let why = "not a list of stories".to_owned();
                            return Err(LoadError::new(url.as_str(), LoadErrorKind::Unreadable(why)));
                        }
                    };
                    self.cache.borrow_mut().docs.push((k, list.clone()));
                    list
                }
            };
            // By its place in the file: an entry left out as broken shifts no other.
            if let Some(e) = list.entries.iter().find(|e| e.index == d as usize % per) {
                out.push(e.clone());
            }
        }
        Ok(out)
    }
}
