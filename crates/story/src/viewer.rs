//! Where the viewer's release files come from for `story build` and `story
//! serve`: `--viewer DIR`, else `dist/` in the working folder, else the
//! files built into this program (`build.rs` embeds `dist/` when it exists
//! at compile time), so that an installed `story` needs no repository.

use std::path::{Path, PathBuf};

use crate::build::VIEWER_FILES;

include!(concat!(env!("OUT_DIR"), "/viewer_files.rs"));

/// The folder of the viewer's files: `given`, else `dist/` here, else the
/// embedded files written out into `work/viewer`.
pub fn viewer_dir(given: Option<PathBuf>, work: &Path) -> Result<PathBuf, String> {
    if let Some(dir) = given {
        return Ok(dir);
    }
    let here = PathBuf::from("dist");
    if VIEWER_FILES.iter().all(|f| here.join(f).is_file()) {
        return Ok(here);
    }
    if FILES.is_empty() {
        return Err("no viewer: give --viewer DIR (the viewer's release files, from ./dev build)".into());
    }
    let dir = work.join("viewer");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (name, bytes) in FILES {
        std::fs::write(dir.join(name), bytes).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    Ok(dir)
}
