//! Components that draw what the core decided. None of them parses,
//! validates or resolves a URL: they receive `story_format` types.

pub mod alert;
pub mod catalog;
pub mod figure;
pub mod inline;
pub mod story;
pub mod time;

use std::rc::Rc;

/// An `Rc` compared by identity, for hook dependencies and props: `Rc<T>`'s
/// own `PartialEq` compares the contents, which for a 50,000-block story
/// on every frame is the difference between 1 s and 16 s of drawing.
#[derive(Debug)]
pub struct ByPtr<T>(pub Rc<T>);

impl<T> Clone for ByPtr<T> {
    fn clone(&self) -> Self {
        ByPtr(self.0.clone())
    }
}

impl<T> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
