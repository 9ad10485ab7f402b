//! `story import SRC... --out SITE`: a whole blog's posts, each made a
//! bundle folder under SITE. A post is a Markdown file (`.md`,
//! `.markdown`) named on the command line or found below a folder named
//! there: Jekyll's `_posts/2025-01-29-slug.md`, Hugo's and Zola's page
//! bundles `slug/index.md`, a plain `slug.md`. Section pages (`_index.md`)
//! and `README.md` are not posts. Each post is imported as `story import
//! FILE` imports it (the same checks, the same messages); a post that cannot
//! be held writes nothing and the rest go on.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::markdown::{self, Problem};
use crate::sandbox::Sandbox;

/// What became of one post.
pub enum Outcome {
    /// Written to this bundle folder.
    Imported(PathBuf),
    /// `draft: true` in its front matter: left out.
    Draft,
    /// Refused: why, at its lines.
    Refused(Vec<Problem>),
    /// Could not be read or written (a message).
    Failed(String),
}

/// Every post found below `srcs`, in order, with what became of it.
pub struct Imported {
    pub posts: Vec<(PathBuf, Outcome)>,
    /// Links to folders and other entries passed over while looking.
    pub skipped: Vec<crate::sandbox::Skipped>,
}

impl Imported {
    /// How many posts ended each way: imported, drafts, refused (or failed).
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for (_, o) in &self.posts {
            match o {
                Outcome::Imported(_) => c.0 += 1,
                Outcome::Draft => c.1 += 1,
                Outcome::Refused(_) | Outcome::Failed(_) => c.2 += 1,
            }
        }
        c
    }
}

/// Whether `path` names a post: a Markdown file that is not a section's
/// index page or a README.
pub fn is_post(path: &Path) -> bool {
    let markdown = path.extension().is_some_and(|e| e == "md" || e == "markdown");
    let name = path.file_stem().and_then(|n| n.to_str()).unwrap_or("");
    markdown && !matches!(name, "_index" | "README" | "readme")
}

/// Imports every post of `srcs` (files or folders) into bundle folders
/// under `site`, each named by the story's id; nothing is read outside a
/// source's own folder. Fails only when a source cannot be read at all.
pub fn import_all(srcs: &[PathBuf], site: &Path, root: Option<&Path>) -> std::io::Result<Imported> {
    let mut out = Imported { posts: Vec::new(), skipped: Vec::new() };
    // Site-absolute images are read only inside ROOT, as posts only inside SRC.
    let root = root.map(Sandbox::new).transpose()?;
    let mut ids = HashSet::new();
    for src in srcs {
        let (sandbox, files) = if src.is_dir() {
            let sandbox = Sandbox::new(src)?;
            let root = sandbox.root().to_owned();
            let files = sandbox.walk(&root, &|p| is_post(p), &mut out.skipped)?;
            (sandbox, files)
        } else {
            (Sandbox::new(crate::sandbox::parent_dir(src))?, std::iter::once(src).collect())
        };
        for file in files.iter() {
            let outcome = import_one(&sandbox, root.as_ref(), file, site, &mut ids);
            out.posts.push((file.to_owned(), outcome));
        }
    }
    Ok(out)
}

fn import_one(
    sandbox: &Sandbox,
    root: Option<&Sandbox>,
    file: &Path,
    site: &Path,
    ids: &mut HashSet<String>,
) -> Outcome {
    let bytes = match crate::check::read_limited(sandbox, file) {
        Ok(b) => b,
        Err(d) => return Outcome::Failed(d.message),
    };
    if markdown::is_draft(&bytes) {
        return Outcome::Draft;
    }
    let imported = match markdown::import_bytes_rooted(&bytes, file, sandbox, root) {
        Ok(i) => i,
        Err(problems) => return Outcome::Refused(problems),
    };
    let id = imported.id.clone();
    if !ids.insert(id.clone()) {
        let message = format!("another post has the id \"{id}\": give this one its own (`id:` or `slug:`)");
        return Outcome::Refused(vec![Problem { line: 1, column: 1, message }]);
    }
    let dir = site.join(&id);
    let src_dir = crate::sandbox::parent_dir(file);
    match crate::out::write_bundle(sandbox, src_dir, &dir, &imported.images, imported.json.as_bytes(), root) {
        Ok(()) => Outcome::Imported(dir),
        Err(e) => Outcome::Failed(e),
    }
}

#[cfg(test)]
mod tests {
    use super::is_post;
    use std::path::Path;

    #[test]
    fn posts_are_markdown_files_but_index_pages_and_readmes() {
        for post in ["_posts/2025-01-29-a.md", "content/a/index.md", "a.markdown", "a.md"] {
            assert!(is_post(Path::new(post)), "{post}");
        }
        for not in ["content/_index.md", "README.md", "a.txt", "a.html", "a"] {
            assert!(!is_post(Path::new(not)), "{not}");
        }
    }
}
