//! OUT and the folder that replaces it: which OUT may be replaced, the
//! staging folder beside it (marked as ours from its first moment to its
//! last), the swap, and removing what a build leaves (its own, an
//! interrupted one's, the old site).

use std::path::{Path, PathBuf};

use super::incremental::{Previous, Spare};
use super::{run_err, Failure, SITE_MARK};
use crate::parallel::parallel_io;

/// Where a build keeps the site OUT held before it (`.NAME.spare` beside
/// OUT), for the next build to update in place ([`Staging::adopt_spare`]).
pub(super) fn spare_path(out: &Path) -> PathBuf {
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("site");
    crate::sandbox::parent_dir(out).join(format!(".{name}.spare"))
}

/// OUT must be neither SITE nor inside it nor around it, never a link, and,
/// when it exists, a folder that is empty or holds a previous build (its
/// [`SITE_MARK`]): a home folder named by mistake is refused, not replaced.
pub(super) fn check_out(site: &Path, out: &Path) -> Result<(), Failure> {
    let parent = crate::sandbox::parent_dir(out);
    let parent = std::fs::canonicalize(parent).map_err(|e| run_err(parent, e))?;
    let name =
        out.file_name().ok_or_else(|| Failure::Run(format!("--out {}: not a folder name", out.display())))?;
    let full = parent.join(name);
    if full.starts_with(site) || site.starts_with(&full) {
        return Err(Failure::Run(format!(
            "--out {}: the output cannot be the site's folder, inside it or around it",
            out.display()
        )));
    }
    let Ok(meta) = std::fs::symlink_metadata(out) else { return Ok(()) };
    if meta.file_type().is_symlink() {
        return Err(Failure::Run(format!(
            "--out {}: is a link; name the real folder (a link would be replaced, or what it points to removed)",
            out.display()
        )));
    }
    if !meta.is_dir() {
        return Err(Failure::Run(format!("--out {}: exists and is not a folder", out.display())));
    }
    let empty = std::fs::read_dir(out).map_err(|e| run_err(out, e))?.next().is_none();
    let marked = std::fs::symlink_metadata(out.join(SITE_MARK)).is_ok_and(|m| m.is_file());
    if !empty && !marked {
        return Err(Failure::Run(format!(
            "--out {}: holds files that story build did not write (no {SITE_MARK} file); \
             name a new or empty folder, or one a previous build wrote",
            out.display()
        )));
    }
    Ok(())
}

/// A folder beside OUT that becomes OUT at the end; removed if the build
/// stops first. It holds [`SITE_MARK`] from its first moment to its last
/// (the file is removed after everything else), so a folder left by a
/// killed build, or by one killed while removing the old site, is known as
/// ours and removed by the next build.
pub(super) struct Staging {
    path: PathBuf,
    done: bool,
}

impl Staging {
    pub(super) fn new(out: &Path) -> Result<Staging, Failure> {
        let parent = crate::sandbox::parent_dir(out);
        let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("site");
        let prefix = format!(".{name}.building-");
        // An interrupted build's folder (its process is gone).
        if let Ok(entries) = std::fs::read_dir(parent) {
            for e in entries.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                let Some(pid) = n.strip_prefix(&prefix) else { continue };
                let gone = !Path::new(&format!("/proc/{pid}")).exists();
                if gone && e.file_type().is_ok_and(|t| t.is_dir()) && is_ours(&e.path()) {
                    let _ = remove_tree(&e.path());
                }
            }
        }
        let path = parent.join(format!("{prefix}{}", std::process::id()));
        if std::fs::symlink_metadata(&path).is_ok() {
            remove_tree(&path)?;
        }
        std::fs::create_dir(&path)?;
        std::fs::write(path.join(SITE_MARK), MARK_TEXT)?;
        Ok(Staging { path, done: false })
    }
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Takes the spare site beside OUT ([`spare_path`]), when a build left
    /// one, as this folder: the build then updates it in place. Called
    /// after the check (a story with an error leaves the spare as it was),
    /// while this folder holds nothing but its mark (the spills made in it
    /// are already unlinked). A spare whose manifest does not list every
    /// file it holds is removed; anything else by that name that is not a
    /// build's is left alone.
    pub(super) fn adopt_spare(&mut self, out: &Path) -> Option<Spare> {
        let spare = spare_path(out);
        let ours = std::fs::symlink_metadata(&spare).is_ok_and(|m| m.is_dir())
            && std::fs::symlink_metadata(spare.join(SITE_MARK)).is_ok_and(|m| m.is_file());
        if !ours {
            return None;
        }
        let Some(found) = Previous::read_spare(&spare) else {
            let _ = remove_tree(&spare);
            return None;
        };
        let mark = self.path.join(SITE_MARK);
        std::fs::remove_file(&mark).ok()?;
        if std::fs::remove_dir(&self.path).is_err() || std::fs::rename(&spare, &self.path).is_err() {
            // This folder as it was (a build with nothing to update).
            let _ = std::fs::create_dir(&self.path);
            let _ = std::fs::write(&mark, MARK_TEXT);
            return None;
        }
        // From here a kill leaves a build's folder, which the next build
        // removes. Its manifest no longer says what it holds: renamed, and
        // read once more for its stories' names when it is cleared.
        let manifest = self.path.join(super::incremental::MANIFEST);
        let spare_manifest = self.path.join(super::incremental::SPARE_MANIFEST);
        if std::fs::rename(manifest, spare_manifest).is_err() {
            // A fresh folder after all (a build with nothing to update).
            let fresh = remove_tree(&self.path).is_ok() && std::fs::create_dir(&self.path).is_ok();
            let _ = fresh && std::fs::write(&mark, MARK_TEXT).is_ok();
            return None;
        }
        Some(found)
    }

    /// Makes this folder OUT. The old OUT is kept as the next build's
    /// spare when `keep` (it is a build whose manifest lists every file),
    /// else removed. `Ok(Some(why))`: the new site is in place but the old
    /// one could not be removed whole.
    pub(super) fn replace(mut self, out: &Path, keep: bool) -> Result<Option<String>, Failure> {
        let old = crate::out::exchange_dir(&self.path, out)?;
        self.done = true;
        let Some(old) = old else { return Ok(None) };
        if keep && std::fs::rename(&old, spare_path(out)).is_ok() {
            return Ok(None);
        }
        Ok(remove_tree(&old).err().map(|e| {
            let why = match e {
                Failure::Run(m) | Failure::Changed(m) => m,
                Failure::Input { .. } => "a file could not be read".into(),
            };
            format!("the old site is left at {} ({why}); delete it", old.display())
        }))
    }
}

const MARK_TEXT: &str = "a site made by `story build`; it may replace this folder\n";

/// Whether a leftover folder is a build's: it holds [`SITE_MARK`], or
/// nothing but empty folders (a removal that got that far).
fn is_ours(dir: &Path) -> bool {
    if std::fs::symlink_metadata(dir.join(SITE_MARK)).is_ok_and(|m| m.is_file()) {
        return true;
    }
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { return false };
        for e in entries.flatten() {
            if !e.file_type().is_ok_and(|t| t.is_dir()) {
                return false;
            }
            stack.push(e.path());
        }
    }
    true
}

/// Removes a folder and everything below it, [`SITE_MARK`] last; its
/// top folders on every core, each removed a folder at a time (memory
/// holds one folder's names, not every path of the site: about 510,000 at
/// 100,000 stories). Links are removed, never followed.
fn remove_tree(dir: &Path) -> Result<(), Failure> {
    let mut subdirs = Vec::new();
    for e in std::fs::read_dir(dir).map_err(|e| run_err(dir, e))? {
        let e = e.map_err(|e| run_err(dir, e))?;
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            subdirs.push(e.path());
        } else if e.file_name() != SITE_MARK {
            std::fs::remove_file(e.path()).map_err(|err| run_err(&e.path(), err))?;
        }
    }
    parallel_io(&subdirs, |d| {
        remove_below(d).and_then(|()| std::fs::remove_dir(d)).map_err(|e| run_err(d, e))
    })?;
    let mark = dir.join(SITE_MARK);
    if std::fs::symlink_metadata(&mark).is_ok() {
        std::fs::remove_file(&mark).map_err(|e| run_err(&mark, e))?;
    }
    std::fs::remove_dir(dir).map_err(|e| run_err(dir, e))
}

/// Everything below the folder `dir` removed, depth first.
fn remove_below(dir: &Path) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let path = e.path();
        if e.file_type()?.is_dir() {
            remove_below(&path)?;
            std::fs::remove_dir(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = remove_tree(&self.path);
        }
    }
}
