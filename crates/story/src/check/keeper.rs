//! What keeps each story instead of the check ([`Keeper`]), and what it
//! kept ([`Listed`]).

use std::io;
use std::path::{Path, PathBuf};

use story_format::Story;

use super::{Facts, IdKey, Recalled};
use crate::memo::Stamp;
use crate::spill;

/// What keeps each story instead of the check, which then holds only
/// what is kept of it ([`Listed`]): the build's catalog listing
/// (`Listing`, in `index.rs`).
pub trait Keeper: Sync {
    fn keep(&self, story: &Story) -> io::Result<Listed>;
    /// The id of a story kept, as written (for a message).
    fn id(&self, listed: &Listed) -> io::Result<String>;
    /// What a catalog's entry is compared with, of a story kept; `None`
    /// when this keeper does not hold it (the story is read again).
    fn facts(&self, _listed: &Listed) -> io::Result<Option<Facts>> {
        Ok(None)
    }
    /// Whether this keeper remembers stories between runs (a build's
    /// memo): the check then hashes each `story.json` it reads.
    fn recalls(&self) -> bool {
        false
    }
    /// What the story at `real` (its canonical path) hashes to, unread,
    /// and what was kept of it the last time: when its `stamp` now
    /// vouches for its bytes ([`crate::memo::Stamp`]).
    fn recall_by_stamp(&self, _real: &Path, _stamp: &Stamp) -> Option<([u8; 32], Recalled)> {
        None
    }
    /// What was kept of the story at `real` (its canonical path) the last
    /// time, when its JSON hashes to `hash` as it did then.
    fn recall(&self, _real: &Path, _hash: &[u8; 32]) -> Option<Recalled> {
        None
    }
    /// Keeps a recalled story again, as [`Keeper::keep`] kept it, and
    /// remembers it again for the next run (the story at `real`, its
    /// JSON's hash `hash`, its stamp before it was read; `vouched`: that
    /// stamp gave it, and its record is carried over as it is).
    fn keep_recalled(
        &self,
        _real: &Path,
        _hash: &[u8; 32],
        _stamp: Option<&Stamp>,
        _r: &Recalled,
        _vouched: bool,
    ) -> io::Result<Listed> {
        Err(io::Error::other("this keeper recalls nothing"))
    }
    /// Remembers a story checked with nothing to say, for the next run:
    /// its JSON's `hash` (and its stamp before it was read), what was kept
    /// of it, and the local files it names (`checked`: looked for again
    /// when it is recalled).
    #[allow(clippy::too_many_arguments)]
    fn remember(
        &self,
        _real: &Path,
        _hash: &[u8; 32],
        _stamp: Option<&Stamp>,
        _listed: &Listed,
        _story: &Story,
        _checked: &[PathBuf],
    ) {
    }
}

/// A story as a [`Keeper`] kept it.
#[derive(Clone, Debug)]
pub struct Listed {
    /// Where it is in the keeper's spill.
    pub at: spill::At,
    /// Its `published`, in seconds: the catalog's order.
    pub published: Option<i64>,
    /// Its id's hash ([`super::id_key`]).
    pub id: IdKey,
    /// The first 16 bytes of the SHA-256 of its JSON as checked, when the
    /// check knew it (read, or vouched for by its stamp); zeros when not.
    /// The build finds what the story gave the last build by it, without
    /// looking at the file again.
    pub json: [u8; 16],
}

/// The first 16 bytes of `hash` ([`Listed::json`]).
pub fn json_prefix(hash: &[u8; 32]) -> [u8; 16] {
    hash[..16].try_into().expect("16 bytes")
}
