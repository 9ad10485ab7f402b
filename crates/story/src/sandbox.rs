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
//!
//! On Linux a file is opened with `openat2(RESOLVE_BENEATH)` from the
//! root's own descriptor: the kernel refuses any step out of the root
//! while it resolves the path, in one system call and with no window for a
//! folder to be swapped for a link between a check and the open. Anything
//! that call does not take (an absolute link that points back inside, an
//! older kernel, a path named another way) goes the portable way: the path
//! resolved (`canonicalize`), checked to be inside, then opened.

use crate::memo::Stamp;
use crate::paths::Paths;
use listing::{Entry, Folder, Kind};

mod listing;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// A folder whose files may be read, and nothing outside it.
#[derive(Clone, Debug)]
pub struct Sandbox {
    root: PathBuf,
    /// The root, opened (`O_PATH`), for `openat2` below it.
    #[cfg(target_os = "linux")]
    dir: Option<std::sync::Arc<std::os::fd::OwnedFd>>,
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
        #[cfg(target_os = "linux")]
        let dir = beneath::open_root(&root).ok().map(std::sync::Arc::new);
        Ok(Sandbox {
            root,
            #[cfg(target_os = "linux")]
            dir,
        })
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
        self.open_file(path).map(|(file, _)| file)
    }

    /// [`Sandbox::open`], with the open file's metadata.
    fn open_file(&self, path: &Path) -> Result<(File, std::fs::Metadata), Refused> {
        let file = match self.open_beneath(path) {
            Some(file) => file,
            None => {
                let real = self.file(path)?;
                open_nonblocking(&real).map_err(|e| Refused(cannot_read(&e)))?
            }
        };
        let meta = file.metadata().map_err(|e| Refused(cannot_read(&e)))?;
        if !meta.is_file() {
            return Err(Refused(format!("is {}, not a regular file; only files are read", kind(&meta))));
        }
        Ok((file, meta))
    }

    /// `path` opened by the kernel's own check that it stays below the
    /// root (see the module's documentation); `None`: take the portable way.
    #[cfg(target_os = "linux")]
    fn open_beneath(&self, path: &Path) -> Option<File> {
        let rel = path.strip_prefix(&self.root).ok()?;
        beneath::open(self.dir.as_deref()?, rel).ok()
    }

    #[cfg(not(target_os = "linux"))]
    fn open_beneath(&self, _path: &Path) -> Option<File> {
        None
    }

    /// `lstat` of `path` (its last step not followed): asked from the
    /// root's descriptor when `path` is plainly below the root, so the
    /// steps from `/` to the root are not looked up again for every file
    /// (the kernel's lookups of them were about 5 % of a build that
    /// changed nothing); else from `/`.
    pub fn lstat(&self, path: &Path) -> io::Result<Lstat> {
        #[cfg(target_os = "linux")]
        if let (Some(dir), Ok(rel)) = (self.dir.as_deref(), path.strip_prefix(&self.root)) {
            let plain = rel.components().all(|c| matches!(c, std::path::Component::Normal(_)));
            if plain && !rel.as_os_str().is_empty() {
                return beneath::lstat(dir, rel);
            }
        }
        lstat_from_root(path)
    }

    /// The stamp of the regular file `path` ([`Sandbox::lstat`]).
    pub fn stamp(&self, path: &Path) -> Option<Stamp> {
        self.lstat(path).ok()?.stamp
    }

    /// [`canonical`], and what `lstat` said of the file itself when it
    /// was asked on the way ([`Sandbox::lstat`]; `None` for a link, or a
    /// path libc resolved).
    pub fn canonical_and_lstat(&self, path: &Path) -> io::Result<(PathBuf, Option<Lstat>)> {
        canonical_with(path, &|p| self.lstat(p))
    }

    /// [`Sandbox::canonical_and_lstat`] of a path of a walk's list
    /// ([`Paths::walked`]): its folders are canonical already, so only
    /// its last name is asked (for 100,000 stories, the folders' lookups
    /// were about a third of a check that changed nothing). `stamp`: what
    /// the walk saw of it ([`Paths::stamp`]), when it was a regular file;
    /// then nothing is asked.
    pub fn walked_and_lstat(
        &self,
        path: &Path,
        stamp: Option<Stamp>,
    ) -> io::Result<(PathBuf, Option<Lstat>)> {
        if let Some(stamp) = stamp {
            return Ok((path.to_owned(), Some(Lstat { link: false, stamp: Some(stamp) })));
        }
        let meta = self.lstat(path)?;
        if meta.link {
            return Ok((std::fs::canonicalize(path)?, None));
        }
        Ok((path.to_owned(), Some(meta)))
    }

    /// Reads the regular file `path` inside the root, at most `limit`
    /// bytes: the limit is counted while reading, whatever the metadata
    /// says. `Err(Ok(len))`: the file is larger (at least `len` bytes).
    pub fn read(&self, path: &Path, limit: usize) -> Result<Vec<u8>, Result<u64, Refused>> {
        let (file, meta) = self.open_file(path).map_err(Err)?;
        let reported = meta.len();
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
    /// The folders in `dir` are walked on every core, each on its own (a
    /// walk reads a folder at a time: 100,000 bundles are 100,000 folders,
    /// about 0.6 s of system time on one core), their files put back in
    /// order.
    pub fn walk(
        &self,
        dir: &Path,
        keep: &(dyn Fn(&Path) -> bool + Sync),
        skipped: &mut Vec<Skipped>,
    ) -> io::Result<Paths> {
        let mut top = Folder::open(None, dir)?;
        let entries = top.entries(dir)?;
        let top = &top;
        let parts = crate::parallel::parallel_io(&entries, |e| {
            let (mut found, mut skipped) = (Paths::new(), Vec::new());
            walk_entry(top, e, keep, &mut skipped, &mut found)?;
            Ok::<_, io::Error>((found, skipped))
        })?;
        let mut found = Vec::with_capacity(parts.len());
        for (files, passed) in parts {
            found.push(files);
            skipped.extend(passed);
        }
        let mut all = Paths::concat(&found)?;
        // Found through folders opened by name, never through a link to
        // one ([`Folder::open`]): below a canonical `dir`, canonical.
        if std::fs::canonicalize(dir).is_ok_and(|real| real == dir) {
            all.mark_walked();
        }
        Ok(all)
    }
}

/// [`Sandbox::walk`]'s recursion: entries in name order, a folder's files
/// where its name sorts. Without links to folders a walk cannot loop, and
/// its depth is bounded by the system's longest path (each folder is open
/// while its own are walked).
fn walk_into(
    parent: &Folder,
    dir: &Path,
    keep: &(dyn Fn(&Path) -> bool + Sync),
    skipped: &mut Vec<Skipped>,
    found: &mut Paths,
) -> io::Result<()> {
    let mut folder = Folder::open(Some(parent), dir)?;
    for e in folder.entries(dir)? {
        walk_entry(&folder, &e, keep, skipped, found)?;
    }
    Ok(())
}

/// One entry of a walk, in the folder `parent`: a folder walked into, a
/// link to one passed over (in `skipped`), a file kept in `found` when
/// `keep` says so, with its stamp ([`Paths::stamp`]). (Hidden names were
/// left out of the folder's entries.)
fn walk_entry(
    parent: &Folder,
    e: &Entry,
    keep: &(dyn Fn(&Path) -> bool + Sync),
    skipped: &mut Vec<Skipped>,
    found: &mut Paths,
) -> io::Result<()> {
    match e.kind {
        Kind::Folder => walk_into(parent, &e.path, keep, skipped, found)?,
        Kind::Link if e.path.is_dir() => skipped.push(Skipped {
            path: e.path.clone(),
            why: "a link to a folder is not followed (it could loop or lead outside the site); \
                  put the folder itself here"
                .into(),
        }),
        // Its stamp asked from its folder, where the kernel looks up one
        // name: from the root, a bundle's `story.json` is three.
        _ if keep(&e.path) => {
            let stamp = if e.kind == Kind::Other { parent.stamp(&e.path) } else { None };
            found.push_walked(&e.path, stamp)?
        }
        _ => {}
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

/// `openat2(RESOLVE_BENEATH)` (Linux 5.6 and later).
#[cfg(target_os = "linux")]
mod beneath {
    use std::ffi::CString;
    use std::fs::File;
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    /// `struct open_how` (linux/openat2.h).
    #[repr(C)]
    struct OpenHow {
        flags: u64,
        mode: u64,
        resolve: u64,
    }

    /// The root folder as a descriptor to resolve below (`O_PATH`: it
    /// reads nothing itself).
    pub(super) fn open_root(root: &Path) -> io::Result<OwnedFd> {
        let c = CString::new(root.as_os_str().as_bytes())?;
        // SAFETY: a NUL-terminated path; the descriptor returned is ours.
        let fd = unsafe { libc::open(c.as_ptr(), libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just opened and is owned by nothing else.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }

    /// `lstat` of `rel` below `root` (`fstatat`, the last step not
    /// followed; the steps before it are, as from `/`).
    pub(super) fn lstat(root: &OwnedFd, rel: &Path) -> io::Result<super::Lstat> {
        let c = CString::new(rel.as_os_str().as_bytes())?;
        // SAFETY: `stat` is plain data that `fstatat` fills; zeros are a valid start.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: a NUL-terminated path, a descriptor we hold, and a `stat` to fill.
        if unsafe { libc::fstatat(root.as_raw_fd(), c.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let link = st.st_mode & libc::S_IFMT == libc::S_IFLNK;
        Ok(super::Lstat { link, stamp: crate::memo::Stamp::of_stat(&st) })
    }

    /// `rel` below `root`, opened for reading without blocking; any link
    /// followed must stay below `root` (`RESOLVE_BENEATH`), and no
    /// `/proc` magic link is followed.
    pub(super) fn open(root: &OwnedFd, rel: &Path) -> io::Result<File> {
        let c = CString::new(rel.as_os_str().as_bytes())?;
        let how = OpenHow {
            flags: (libc::O_RDONLY | libc::O_NONBLOCK | libc::O_CLOEXEC) as u64,
            mode: 0,
            resolve: libc::RESOLVE_BENEATH | libc::RESOLVE_NO_MAGICLINKS,
        };
        // SAFETY: the arguments are as openat2(2) documents them; `how`
        // outlives the call and its size is passed with it.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                root.as_raw_fd(),
                c.as_ptr(),
                &how as *const OpenHow,
                std::mem::size_of::<OpenHow>(),
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just opened and is owned by nothing else.
        Ok(unsafe { File::from_raw_fd(fd as i32) })
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

/// `path` with every link resolved, as [`std::fs::canonicalize`] gives it,
/// for naming a file (the check's keys, the memos'), never for deciding
/// what may be read ([`Sandbox::resolve`] does that). The libc way asks
/// after every part of the path in turn, from the root each time: at
/// 100,000 stories that was 7 % of a build that changed nothing. Here an
/// absolute path whose last part is not a link is its folder's canonical
/// path (remembered, a few thousand folders a thread) and its name; any
/// other path goes the libc way.
pub fn canonical(path: &Path) -> io::Result<PathBuf> {
    canonical_with(path, &lstat_from_root).map(|(real, _)| real)
}

/// What `lstat` said of a path: whether it is a link, and its stamp when
/// it is a regular file (what the memo's records are vouched for by,
/// without asking again).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lstat {
    pub link: bool,
    pub stamp: Option<Stamp>,
}

/// `lstat` of `path`, from `/` (or the working folder).
fn lstat_from_root(path: &Path) -> io::Result<Lstat> {
    let m = std::fs::symlink_metadata(path)?;
    Ok(Lstat { link: m.file_type().is_symlink(), stamp: Stamp::of_meta(&m) })
}

/// [`canonical`], each `lstat` on the way asked of `lstat`, and what it
/// said of the file itself (`None` for a link, or a path libc resolved).
fn canonical_with(
    path: &Path,
    lstat: &dyn Fn(&Path) -> io::Result<Lstat>,
) -> io::Result<(PathBuf, Option<Lstat>)> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::path::Component;
    thread_local! {
        static FOLDERS: RefCell<HashMap<PathBuf, PathBuf>> = RefCell::new(HashMap::new());
    }
    const FOLDERS_HELD: usize = 4096;
    let plain = path.is_absolute()
        && path.components().all(|c| matches!(c, Component::RootDir | Component::Normal(_)));
    let (Some(dir), Some(name), true) = (path.parent(), path.file_name(), plain) else {
        return Ok((std::fs::canonicalize(path)?, None));
    };
    let meta = lstat(path)?;
    if meta.link {
        return Ok((std::fs::canonicalize(path)?, None));
    }
    let known = FOLDERS.with(|f| f.borrow().get(dir).cloned());
    let dir_real = match known {
        Some(real) => real,
        None => {
            let (real, _) = canonical_with(dir, lstat)?;
            FOLDERS.with(|f| {
                let mut f = f.borrow_mut();
                if f.len() >= FOLDERS_HELD {
                    f.clear();
                }
                f.insert(dir.to_owned(), real.clone());
            });
            real
        }
    };
    Ok((dir_real.join(name), Some(meta)))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// [`canonical`] gives what `canonicalize` gives: through links to
    /// folders and files, relative paths, `..`, and for what is missing.
    #[test]
    fn canonical_is_what_canonicalize_gives() {
        let tmp = std::env::temp_dir().join(format!("story-canonical-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(tmp.join("a/b")).unwrap();
        std::fs::write(tmp.join("a/b/story.json"), "{}").unwrap();
        symlink(tmp.join("a"), tmp.join("link-a")).unwrap();
        symlink("b/story.json", tmp.join("a/file-link.json")).unwrap();
        let paths = [
            tmp.join("a/b/story.json"),
            tmp.join("a/b"),
            tmp.join("link-a/b/story.json"),
            tmp.join("link-a/b/story.json"),
            tmp.join("a/file-link.json"),
            tmp.join("link-a/file-link.json"),
            tmp.join("a/b/../b/story.json"),
            tmp.join("a/./b/story.json"),
            tmp.join("a/b/missing.json"),
            tmp.join("missing/story.json"),
            PathBuf::from("Cargo.toml"),
            PathBuf::from("/"),
        ];
        for p in &paths {
            let (ours, libc) = (canonical(p), std::fs::canonicalize(p));
            assert_eq!(ours.as_ref().ok(), libc.as_ref().ok(), "{}", p.display());
            assert_eq!(ours.is_err(), libc.is_err(), "{}", p.display());
        }
        // What `lstat` said on the way is of the file itself, and none for
        // a link; from the root's descriptor or from `/`, the same, and
        // the same canonical path.
        let tmp = std::fs::canonicalize(&tmp).unwrap();
        let file = tmp.join("a/b/story.json");
        let stamp = Stamp::of(&file);
        assert!(stamp.is_some());
        for sandbox in [Sandbox::new(&tmp).unwrap(), Sandbox::new(&tmp.join("a/b")).unwrap()] {
            let (real, lstat) = sandbox.canonical_and_lstat(&file).unwrap();
            assert_eq!((real, lstat), (file.clone(), Some(Lstat { link: false, stamp })));
            assert_eq!(sandbox.stamp(&file), stamp);
            let (real, lstat) = sandbox.canonical_and_lstat(&tmp.join("link-a/file-link.json")).unwrap();
            assert_eq!((real, lstat), (file.clone(), None));
            assert_eq!(
                sandbox.lstat(&tmp.join("a/file-link.json")).unwrap(),
                Lstat { link: true, stamp: None }
            );
            assert_eq!(sandbox.lstat(&tmp.join("a/b")).unwrap(), Lstat { link: false, stamp: None });
            assert!(sandbox.lstat(&tmp.join("a/b/missing.json")).is_err());
            assert_eq!(sandbox.stamp(&tmp.join("a/b/../b/story.json")), stamp, "not plain: from /");
        }
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    /// The kernel's check (`openat2`) and the portable way agree: links
    /// that stay inside are read, relative or absolute; a link or a `..`
    /// that leads out is refused by name, whichever way the open went.
    #[test]
    fn links_inside_are_read_and_links_out_are_refused_either_way() {
        let tmp = std::env::temp_dir().join(format!("story-sandbox-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let (site, outside) = (tmp.join("site"), tmp.join("secret.txt"));
        std::fs::create_dir_all(site.join("a")).unwrap();
        std::fs::write(site.join("a/real.txt"), "inside").unwrap();
        std::fs::write(&outside, "secret").unwrap();
        let site = std::fs::canonicalize(&site).unwrap();
        symlink("real.txt", site.join("a/relative.txt")).unwrap();
        symlink(site.join("a/real.txt"), site.join("a/absolute.txt")).unwrap();
        symlink("../../secret.txt", site.join("a/out.txt")).unwrap();
        symlink(&outside, site.join("a/out-absolute.txt")).unwrap();
        let sandbox = Sandbox::new(&site).unwrap();
        for name in ["a/real.txt", "a/relative.txt", "a/absolute.txt"] {
            assert_eq!(sandbox.read(&site.join(name), 100).unwrap(), b"inside", "{name}");
        }
        for name in ["a/out.txt", "a/out-absolute.txt", "a/../../secret.txt"] {
            match sandbox.read(&site.join(name), 100) {
                Err(Err(Refused(why))) => {
                    assert!(why.starts_with("leads outside the site's folder"), "{why}")
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        assert_eq!(sandbox.read(&site.join("a/real.txt"), 3), Err(Ok(6)));
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
