//! Components that draw what the core decided. None of them parses,
//! validates or resolves a URL: they receive `story_format` types.

pub mod alert;
pub mod catalog;
pub mod figure;
pub mod inline;
pub mod story;
pub mod time;
