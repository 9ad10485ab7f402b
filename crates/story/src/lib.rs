//! The `story` command line as a library: the binary (`main.rs`) only reads
//! its arguments and calls these. Every file it reads goes through the one
//! parser in `story-format`, so a publisher sees the viewer's messages.
//!
//! - [`build`]: `story build`, a whole static site from the bundles;
//! - [`check`]: `story check`, bundles and catalogs against the format and
//!   against each other;
//! - [`index`]: `story index`, a catalog written from the bundles;
//! - [`markdown`]: `story import`, a `story.json` from Markdown;
//! - [`blog`]: `story import SRC... --out SITE`, a whole blog's posts;
//! - [`scaffold`]: `story new`, a bundle to start from;
//! - [`schema`]: `story schema`, the JSON Schema of both formats;
//! - [`serve`]: `story serve`, the site built, served and rebuilt as it is edited;
//! - [`viewer`]: where the viewer's files come from (`--viewer`, `dist/`, or built in);
//! - [`out`]: what the command line writes, and how (never half a file);
//! - [`report`]: each file's diagnostics, printed as lines or JSON, and counts;
//! - [`sandbox`]: the one way SITE is read (nothing outside it, only
//!   regular files, sizes counted while reading);
//! - [`paths`]: a list of paths in one buffer (every file a walk found);
//! - [`spill`]: what a build keeps of every story, on disk instead of in memory;
//! - [`memo`]: what each file gave the last build, found again by its bytes' hash.

// The schema is one `json!` literal, deeper than the default limit allows.
#![recursion_limit = "256"]

pub mod blog;
pub mod build;
pub mod check;
pub mod images;
pub mod index;
pub mod markdown;
pub mod memo;
pub mod out;
pub mod parallel;
pub mod paths;
pub mod report;
pub mod sandbox;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod spill;
pub mod viewer;
