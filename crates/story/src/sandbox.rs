//! SITE as a sandbox: the one way the command line reads a publisher's
//! folder. Whoever can write SITE (a contributor's pull request, a shared
//! drive) is not trusted with anything outside it, so:
//!
//! - a path is read only when it resolves (links followed) to a place
//!   inside the sandbox's root: a link out of it, to `/etc/passwd` or to
//!   `/proc/self/environ`, is refused by name;
//! - only regular files are read (a FIFO, `/dev/zero` or a folder named
//!   `story.json` is refused before it is opened for reading), and a size
//!   limit is enforced while reading, never trusted from the metadata;
//! - folders are walked without following links to folders, so a link can
//!   neither loop nor lead out; such a link is reported, not followed.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// A folder whose files may be read, and nothing outside it.
#[derive(Clone, Debug)]
pub struct Sandbox {
    root: PathBuf,
}

/// Why a path was not read: a phrase for the publisher that follows the
/// path's name ("leads outside the site's folder ...", "is a FIFO ...").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A path found below a folder that the walk did not take (a link to a
/// folder), with the reason, for the publisher to read as a warning.
#[derive(Clone, Debug)]
pub struct Skipped {
    pub path: PathBuf,
    pub why: String,
}

impl Sandbox {
    /// The sandbox rooted at `root`, which must be a folder (a link to one is
    /// resolved: the publisher named it).
    pub fn new(root: &Path) -> io::Result<Sandbox> {
        let root = std::fs::canonicalize(root)?;
        if !root.is_dir() {
            return Err(io::Error::other("not a folder"));
        }
        Ok(Sandbox { root })
    }

    /// The sandbox of the folders the publisher named: their deepest common
    /// folder (a file counts as its folder).
    pub fn around(paths: &[&Path]) -> io::Result<Sandbox> {
        let mut common: Option<PathBuf> = None;
        for p in paths {
            let full = std::fs::canonicalize(p)?;
            let dir = if full.is_dir() { full } else { parent_dir(&full).to_owned() };
            common = Some(match common {
                None => dir,
                Some(c) => c.ancestors().find(|a| dir.starts_with(a)).unwrap_or(Path::new("/")).to_owned(),
            });
        }
        Sandbox::new(&common.unwrap_or_else(|| PathBuf::from(".")))
    }

    /// The root, canonical.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where `path` really is (links resolved), when that is inside the
    /// root; else why not.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, Refused> {
        let real = std::fs::canonicalize(path).map_err(|e| Refused(cannot_read(&e)))?;
        if !real.starts_with(&self.root) {
            return Err(Refused(format!(
                "leads outside the site's folder {} (to {}); only files inside it are read",
                self.root.display(),
                real.display()
            )));
        }
        Ok(real)
    }

    /// Where the regular file `path` really is, inside the root.
    pub fn file(&self, path: &Path) -> Result<PathBuf, Refused> {
        let real = self.resolve(path)?;
        let meta = std::fs::metadata(&real).map_err(|e| Refused(cannot_read(&e)))?;
        if !meta.is_file() {
            return Err(Refused(format!("is {}, not a regular file; only files are read", kind(&meta))));
        }
        Ok(real)
    }

    /// Opens the regular file `path` inside the root for reading. Opened
    /// without blocking and checked again once open, so a FIFO put in its
    /// place in between cannot hang the reader.
    pub fn open(&self, path: &Path) -> Result<File, Refused> {
        let real = self.file(path)?;
        let file = open_nonblocking(&real).map_err(|e| Refused(cannot_read(&e)))?;
        let meta = file.metadata().map_err(|e| Refused(cannot_read(&e)))?;
        if !meta.is_file() {
            return Err(Refused(format!("is {}, not a regular file; only files are read", kind(&meta))));
        }
        Ok(file)
    }

    /// Reads the regular file `path` inside the root, at most `limit`
    /// bytes: the limit is counted while reading, whatever the metadata
    /// says. `Err(Ok(len))`: the file is larger (at least `len` bytes).
    pub fn read(&self, path: &Path, limit: usize) -> Result<Vec<u8>, Result<u64, Refused>> {
        let file = self.open(path).map_err(Err)?;
        let reported = file.metadata().map(|m| m.len()).unwrap_or(0);
        if reported > limit as u64 {
            return Err(Ok(reported));
        }
        let mut bytes = Vec::with_capacity(reported as usize);
        let read = file.take(limit as u64 + 1).read_to_end(&mut bytes);
        read.map_err(|e| Err(Refused(cannot_read(&e))))?;
        if bytes.len() > limit {
            return Err(Ok(reported.max(bytes.len() as u64)));
        }
        Ok(bytes)
    }

    /// Every file below `dir` (inside the root) for which `keep` says yes,
    /// in sorted order, without following links to folders (listed in
    /// `skipped`). Hidden files and folders (`.git`, `.env`) are passed over.
    pub fn walk(
        &self,
        dir: &Path,
        keep: &mut dyn FnMut(&Path) -> bool,
        skipped: &mut Vec<Skipped>,
    ) -> io::Result<Vec<PathBuf>> {
        let mut found = Vec::new();
        walk_into(dir, keep, skipped, &mut found)?;
        Ok(found)
    }
}

/// [`Sandbox::walk`]'s recursion: entries in name order, a folder's files
/// where its name sorts. Without links to folders a walk cannot loop, and
/// its depth is bounded by the system's longest path.
fn walk_into(
    dir: &Path,
    keep: &mut dyn FnMut(&Path) -> bool,
    skipped: &mut Vec<Skipped>,
    found: &mut Vec<PathBuf>,
) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let path = e.path();
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = e.file_type()?;
        if kind.is_dir() {
            walk_into(&path, keep, skipped, found)?;
        } else if kind.is_symlink() && path.is_dir() {
            skipped.push(Skipped {
                path,
                why: "a link to a folder is not followed (it could loop or lead outside the site); \
                      put the folder itself here"
                    .into(),
            });
        } else if keep(&path) {
            found.push(path);
        }
    }
    Ok(())
}

/// "cannot be read: ..." for an I/O error ("does not exist" for the most common).
fn cannot_read(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "does not exist".into(),
        _ => format!("cannot be read: {e}"),
    }
}

/// What a non-regular file is, for a message.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "something else"
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// The folder `path` is in (`.` for a bare name).
pub fn parent_dir(path: &Path) -> &Path {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}
