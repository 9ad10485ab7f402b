//! What the command line's integration tests share: a temporary folder per
//! test, the viewer's files as stand-ins, and running `story`.

#![allow(dead_code)] // each test file uses its own part of this

pub mod edits;
pub mod site;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh folder for one test, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("story-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    /// The folder itself.
    pub fn dir(&self) -> &Path {
        &self.0
    }
    /// Writes `text` at `rel` below it, with the folders on the way.
    pub fn write(&self, rel: &str, text: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.0.join(rel)).unwrap()
    }
    /// `rel` below it, as a command-line argument.
    pub fn path(&self, rel: &str) -> String {
        self.0.join(rel).to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Tests make read-only and odd files; removal must not follow links.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Stand-ins for the viewer's release files (the build copies them; their
/// contents do not matter here).
pub fn fake_viewer(dir: &Path) -> PathBuf {
    let v = dir.join("viewer");
    std::fs::create_dir_all(&v).unwrap();
    for f in story_cli::build::VIEWER_FILES {
        // embed.js holds the constant a built site's copy changes.
        let text = if f == "embed.js" { "const BUILT_SITE = false;\n".to_owned() } else { f.to_owned() };
        std::fs::write(v.join(f), text).unwrap();
    }
    v
}

/// `story ARGS...` in `dir`.
pub fn story_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_story")).args(args).current_dir(dir).output().unwrap()
}

/// Standard output and error together.
pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}
