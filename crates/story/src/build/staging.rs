//! OUT and the folder that replaces it: which OUT may be replaced, the
//! staging folder beside it (marked as ours from its first moment to its
//! last), the swap, and removing what a build leaves (its own, an
//! interrupted one's, the old site).

use std::path::{Path, PathBuf};

use super::{run_err, Failure, SITE_MARK};
use crate::parallel::parallel_io;

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
        std::fs::write(path.join(SITE_MARK), "a site made by `story build`; it may replace this folder\n")?;
        Ok(Staging { path, done: false })
    }
    pub(super) fn path(&self) -> &Path {
        &self.path
    }
    /// Makes this folder OUT; the old OUT is removed after. `Ok(Some(why))`:
    /// the new site is in place but the old one could not be removed whole.
    pub(super) fn replace(mut self, out: &Path) -> Result<Option<String>, Failure> {
        let old = crate::out::exchange_dir(&self.path, out)?;
        self.done = true;
        let Some(old) = old else { return Ok(None) };
        Ok(remove_tree(&old).err().map(|e| {
            let why = match e {
                Failure::Run(m) | Failure::Changed(m) => m,
                Failure::Input { .. } => "a file could not be read".into(),
            };
            format!("the old site is left at {} ({why}); delete it", old.display())
        }))
    }
}

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
