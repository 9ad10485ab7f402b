//! What a deploy must upload or delete after a build (`--changes`): the
//! files that differ between the site before (OUT) and the new one.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io;
use std::path::{Path, PathBuf};

use super::incremental::MANIFEST;
use super::manifest::{self, Kind, PageKey};

/// What differs between the site in `old` and the one in `new`, read from
/// their manifests when both list every file they hold: only the folders
/// of pages whose key differs (or that one site has and the other has
/// not) are compared, each without its subfolders, and every other file
/// the manifests name, but for a file whose key (`files`) is the same in
/// both. A page or file whose key is the same in both is the same bytes:
/// what keeping it from the last build rests on, and what the random-edit
/// tests hold. Walking both whole sites took 1.8 s at 100,000
/// stories with one story changed. Without two such manifests (no site
/// before, one from an older build), every file is compared ([`changes`]).
pub fn changes_between(old: &Path, new: &Path) -> io::Result<Vec<Change>> {
    let Some(Compared { folders, before, after }) = compare(&old.join(MANIFEST), &new.join(MANIFEST)) else {
        return changes(old, new);
    };
    let (old_others, new_others) = (&before.others, &after.others);
    // Compared by key, not read: the catalog's pages and the search's
    // lists of stories, 1 GB at 1,000,000 stories.
    let same_key = |rel: &str| before.files.get(rel).is_some_and(|k| after.files.get(rel) == Some(k));
    let how = Compare { same_device: same_device(old, new), deep: false, same_key: &same_key };
    let dir = |root: &Path, rel: &str| Some(root.join(rel)).filter(|d| d.is_dir());
    let mut out = Vec::new();
    for f in &folders {
        let (was, now) = (dir(old, f), dir(new, f));
        diff_dirs(was.as_deref(), now.as_deref(), f.trim_end_matches('/'), &how, &mut out)?;
    }
    let others: BTreeSet<&String> = old_others.iter().chain(new_others).collect();
    for rel in others {
        if let Some(folder) = rel.strip_suffix('/') {
            let (was, now) = (dir(old, rel), dir(new, rel));
            diff_dirs(was.as_deref(), now.as_deref(), folder, &Compare { deep: true, ..how }, &mut out)?;
            continue;
        }
        let file = |root: &Path| {
            Some(root.join(rel)).filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
        };
        match (file(old), file(new)) {
            (Some(a), Some(b)) if !same_key(rel) && !same_file(&a, &b)? => {
                out.push(Change::Changed(rel.clone()))
            }
            (None, Some(_)) => out.push(Change::Added(rel.clone())),
            (Some(_), None) => out.push(Change::Removed(rel.clone())),
            _ => {}
        }
    }
    out.retain(|c| !matches!(change_path(c), MANIFEST | super::SITE_MARK));
    out.sort_unstable();
    out.dedup();
    out.sort_by(|a, b| change_path(a).cmp(change_path(b)));
    Ok(out)
}

/// What one site's manifest says besides its stories' keys.
#[derive(Default)]
struct Side {
    lists: HashMap<String, PageKey>,
    files: HashMap<String, PageKey>,
    others: Vec<String>,
}

/// Two manifests read side by side: the folders of the pages whose key
/// differs, or that one site has and the other has not, and the rest of
/// what each says.
struct Compared {
    folders: BTreeSet<String>,
    before: Side,
    after: Side,
}

/// Stories' folders and keys the old manifest's reader hands over at a time.
const BATCH: usize = 4096;

/// Reads the manifests `old` and `new` together, the old one on a thread
/// of its own, and walks their stories (each in its folders' order as
/// text) side by side, as two sorted lists are merged: one parse of each,
/// and no table of either's keys (four parses and two million lookups
/// took 2.4 s at 1,000,000 stories). `None`, and every file is compared,
/// when either is not a manifest of this version that lists every file,
/// names a path not plainly below the site, or lists its stories out of
/// that order.
fn compare(old: &Path, new: &Path) -> Option<Compared> {
    /// Reads one manifest: its stories to `story` in order, the rest into
    /// the side; `None` as above.
    fn read(path: &Path, mut story: impl FnMut(&str, PageKey)) -> Option<Side> {
        let (mut side, mut fine, mut last) = (Side::default(), true, String::new());
        let others = manifest::each(path, |kind, f, k| {
            fine &= manifest::is_plain(f);
            match kind {
                Kind::Story => {
                    fine &= last.is_empty() || last.as_str() < f;
                    last.clear();
                    last.push_str(f);
                    story(f, k);
                }
                Kind::List => drop(side.lists.insert(f.to_owned(), k)),
                Kind::File => drop(side.files.insert(f.to_owned(), k)),
            }
        })?;
        side.others = others?;
        fine &= side.others.iter().all(|o| manifest::is_plain(o));
        fine.then_some(side)
    }
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<(String, PageKey)>>(4);
    std::thread::scope(|s| {
        let reader = s.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            let side = read(old, |f, k| {
                batch.push((f.to_owned(), k));
                if batch.len() == BATCH {
                    let _ = tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
                }
            });
            let _ = tx.send(batch);
            side
        });
        let mut theirs = rx.iter().flatten().peekable();
        let mut folders = BTreeSet::new();
        let after = read(new, |f, k| {
            // The old site's folders before this one: it has them, this one not.
            while let Some((gone, _)) = theirs.next_if(|(o, _)| o.as_str() < f) {
                folders.insert(gone);
            }
            match theirs.next_if(|(o, _)| o == f) {
                Some((_, was)) if was == k => {}
                _ => drop(folders.insert(f.to_owned())),
            }
        });
        // The old site's last folders (read to its end, so the reader is done).
        folders.extend(theirs.map(|(gone, _)| gone));
        let before = reader.join().ok()??;
        let after = after?;
        for (mine, theirs) in [(&before.lists, &after.lists), (&after.lists, &before.lists)] {
            folders.extend(mine.iter().filter(|(f, k)| theirs.get(*f) != Some(k)).map(|(f, _)| f.clone()));
        }
        Some(Compared { folders, before, after })
    })
}

/// Whether `a` and `b` are on one device (an inode number then names one file).
fn same_device(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let device = |p: &Path| std::fs::symlink_metadata(p).map(|m| m.dev());
    device(a).ok().is_some_and(|d| device(b).is_ok_and(|e| e == d))
}

/// A file of the site that a deploy must upload (added or changed) or delete.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added(String),
    Changed(String),
    Removed(String),
}

impl Change {
    /// The file's path in the site (`a/b/index.html`).
    pub fn path(&self) -> &str {
        change_path(self)
    }
    /// `A path`, `M path` or `D path` (as `git diff --name-status`).
    pub fn line(&self) -> String {
        match self {
            Change::Added(p) => format!("A {p}"),
            Change::Changed(p) => format!("M {p}"),
            Change::Removed(p) => format!("D {p}"),
        }
    }
}

/// What differs between the site in `old` (absent: nothing) and the one in
/// `new`, every file compared (the build's own marks left out), in path order.
/// The two trees are walked together a folder at a time, so memory holds
/// one folder's names, not every path of both sites (about 530,000 each at
/// 100,000 stories).
pub fn changes(old: &Path, new: &Path) -> io::Result<Vec<Change>> {
    let same_device = same_device(old, new);
    let old = std::fs::symlink_metadata(old).is_ok().then_some(old);
    let mut out = Vec::new();
    let how = Compare { same_device, deep: true, same_key: &|_| false };
    diff_dirs(old, Some(new), "", &how, &mut out)?;
    out.retain(|c| !matches!(change_path(c), MANIFEST | super::SITE_MARK));
    out.sort_unstable_by(|a, b| change_path(a).cmp(change_path(b)));
    Ok(out)
}

fn change_path(c: &Change) -> &str {
    match c {
        Change::Added(p) | Change::Changed(p) | Change::Removed(p) => p,
    }
}

/// A folder's regular files and folders (links are not followed), by name:
/// whether each is a folder, and its inode number as the folder lists it.
fn entries(dir: Option<&Path>) -> io::Result<BTreeMap<String, (bool, u64)>> {
    use std::os::unix::fs::DirEntryExt;
    let mut out = BTreeMap::new();
    let Some(dir) = dir else { return Ok(out) };
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let kind = e.file_type()?;
        if kind.is_dir() || kind.is_file() {
            out.insert(e.file_name().to_string_lossy().into_owned(), (kind.is_dir(), e.ino()));
        }
    }
    Ok(out)
}

/// How [`diff_dirs`] compares two sites' files.
#[derive(Clone, Copy)]
struct Compare<'k> {
    /// Both sites on one device: two files with the inode number their
    /// folders list are one file (a reused page, hard-linked), known
    /// without a `stat` of either.
    same_device: bool,
    /// Into the folders' folders too.
    deep: bool,
    /// Whether both manifests give the file (its path in the site) one key.
    same_key: &'k dyn Fn(&str) -> bool,
}

/// The changes below `rel` between folder `old` and folder `new` (either
/// absent: everything in the other is added or removed), compared `how`.
fn diff_dirs(
    old: Option<&Path>,
    new: Option<&Path>,
    rel: &str,
    how: &Compare<'_>,
    out: &mut Vec<Change>,
) -> io::Result<()> {
    let (before, after) = (entries(old)?, entries(new)?);
    let names: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for name in names {
        let path = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        let (was_ino, now_ino) = (before.get(name).map(|e| e.1), after.get(name).map(|e| e.1));
        let was = before.get(name).map(|&(dir, _)| (old.map(|d| d.join(name)), dir));
        let now = after.get(name).map(|&(dir, _)| (new.map(|d| d.join(name)), dir));
        let sub = |e: &Option<(Option<PathBuf>, bool)>| match e {
            Some((p, true)) => p.clone(),
            _ => None,
        };
        let (was_dir, now_dir) = (sub(&was), sub(&now));
        if how.deep && (was_dir.is_some() || now_dir.is_some()) {
            diff_dirs(was_dir.as_deref(), now_dir.as_deref(), &path, how, out)?;
        }
        match (&was, &now) {
            (Some((Some(a), false)), Some((Some(b), false))) => {
                if (how.same_device && was_ino == now_ino) || (how.same_key)(&path) || same_file(a, b)? {
                    continue;
                }
                out.push(Change::Changed(path));
            }
            (_, Some((_, false))) => out.push(Change::Added(path)),
            (Some((_, false)), _) => out.push(Change::Removed(path)),
            _ => {}
        }
    }
    Ok(())
}

/// The same inode, or the same bytes.
fn same_file(a: &Path, b: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let (ma, mb) = (std::fs::metadata(a)?, std::fs::metadata(b)?);
    if ma.dev() == mb.dev() && ma.ino() == mb.ino() {
        return Ok(true);
    }
    if ma.len() != mb.len() {
        return Ok(false);
    }
    Ok(std::fs::read(a)? == std::fs::read(b)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, body: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }

    #[test]
    fn changes_walk_both_sites_together_and_list_every_kind_of_change() {
        let root = std::env::temp_dir().join(format!("story-changes-test-{}", std::process::id()));
        let (old, new) = (root.join("old"), root.join("new"));
        let _ = std::fs::remove_dir_all(&root);
        for (rel, body) in
            [("a/index.html", "a"), ("b/index.html", "b"), ("gone/x/y.html", "y"), ("swap", "f")]
        {
            write(&old, rel, body);
        }
        write(&old, "linked.html", "same");
        write(&old, MANIFEST, "{}");
        write(&new, "a/index.html", "a");
        write(&new, "b/index.html", "B");
        write(&new, "new/deep/z.html", "z");
        write(&new, "swap/inside.html", "now a folder");
        write(&new, MANIFEST, "{\"other\": 1}");
        std::fs::hard_link(old.join("linked.html"), new.join("linked.html")).unwrap();
        let lines: Vec<String> = changes(&old, &new).unwrap().iter().map(Change::line).collect();
        assert_eq!(
            lines,
            ["M b/index.html", "D gone/x/y.html", "A new/deep/z.html", "D swap", "A swap/inside.html"]
        );
        // No old site: everything is added.
        let all = changes(&root.join("absent"), &new).unwrap();
        assert_eq!(all.len(), 5);
        assert!(all.iter().all(|c| matches!(c, Change::Added(_))));
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// With both manifests, a folder whose page key is the same in both is
    /// not looked at (its bytes are the key's), one whose key differs is
    /// compared without its subfolders, and every other file and folder
    /// the manifests name is compared, but for a file of the same key in
    /// both (`files`); without them, every file is.
    #[test]
    fn changes_between_reads_the_manifests_and_compares_only_what_they_leave_open() {
        let root = std::env::temp_dir().join(format!("story-changes-manifest-{}", std::process::id()));
        let (old, new) = (root.join("old"), root.join("new"));
        let _ = std::fs::remove_dir_all(&root);
        // Each story's folder and key (a hex digit, repeated), in order.
        let manifest = |stories: &[(&str, char)], docs: char| {
            let key = |c: char| c.to_string().repeat(32);
            let version = super::super::incremental::VERSION;
            let stories: Vec<String> =
                stories.iter().map(|(f, k)| format!(r#""{f}":"{}""#, key(*k))).collect();
            format!(
                r#"{{"version":"{version}","stories":{{{}}},"lists":{{"":"{}"}},"files":{{"search/docs-0.json":"{}","search/docs-2.json":"{}"}},"others":["feed.xml","search/"]}}"#,
                stories.join(","),
                key('0'),
                key('d'),
                key(docs)
            )
        };
        let old_stories = [("a/", 'a'), ("b/", 'b'), ("gone/", 'e'), ("kept/", 'f')];
        let new_stories = [("a/", 'a'), ("added/", '1'), ("b/", 'c'), ("kept/", 'f'), ("last/", '2')];
        for (site, stories, docs, body) in
            [(&old, &old_stories[..], 'b', "old"), (&new, &new_stories[..], 'c', "new")]
        {
            write(site, MANIFEST, &manifest(stories, docs));
            write(site, "search/docs-0.json", body);
            write(site, "search/docs-2.json", body);
            write(site, "index.html", "list");
            write(site, "a/index.html", body);
            write(site, "b/index.html", body);
            write(site, "b/c/index.html", body);
            write(site, "kept/index.html", body);
            write(site, "feed.xml", body);
            write(site, "search/index.txt", body);
        }
        write(&old, "gone/index.html", "old");
        write(&new, "added/index.html", "new");
        write(&new, "last/index.html", "new");
        write(&new, "search/docs-1.json", "new");
        let lines: Vec<String> = changes_between(&old, &new).unwrap().iter().map(Change::line).collect();
        assert_eq!(
            lines,
            [
                "A added/index.html",
                "M b/index.html",
                "M feed.xml",
                "D gone/index.html",
                "A last/index.html",
                "A search/docs-1.json",
                "M search/docs-2.json",
                "M search/index.txt"
            ],
            "a/, kept/ and search/docs-0.json have the same key, b/c/ is another page's folder"
        );
        // Stories out of their order in either manifest: every file compared.
        write(
            &new,
            MANIFEST,
            &manifest(&[("b/", 'c'), ("a/", 'a'), ("added/", '1'), ("kept/", 'f'), ("last/", '2')], 'c'),
        );
        let all: Vec<String> = changes_between(&old, &new).unwrap().iter().map(Change::line).collect();
        assert!(all.contains(&"M a/index.html".to_owned()), "{all:?}");
        write(&new, MANIFEST, &manifest(&new_stories, 'c'));
        std::fs::remove_file(old.join(MANIFEST)).unwrap();
        let all: Vec<String> = changes_between(&old, &new).unwrap().iter().map(Change::line).collect();
        for seen in ["M a/index.html", "M b/c/index.html", "M kept/index.html", "M search/docs-0.json"] {
            assert!(all.contains(&seen.to_owned()), "{seen}");
        }
        std::fs::remove_dir_all(&root).unwrap();
    }
}
