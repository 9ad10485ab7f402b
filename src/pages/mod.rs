//! Route-level views: what the viewer shows for a story and for a catalog.
//! They draw what the core decided and hand the parts to `components`.

pub mod catalog;
pub mod story;
