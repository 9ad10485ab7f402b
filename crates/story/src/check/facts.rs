//! What a catalog's entry is checked against: a few facts of its story
//! ([`Facts`]), and `story check`'s keeper, which holds them on disk
//! instead of each story's document in memory (at 1,000,000 stories the
//! documents, even without their sections, took 1.5 GB).

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};
use story_format::{Code, Diagnostic, Entry, Location, Severity, Story};

use super::{Keeper, Listed};
use crate::spill::Spill;

/// What an entry is compared with ([`compare`]): its story's id, title,
/// `published`, dek, tags and hero image's addresses.
#[derive(Debug, Serialize, Deserialize)]
pub struct Facts {
    pub id: String,
    pub title: String,
    /// `published`: in seconds (what is compared), and as written.
    pub published: Option<(i64, String)>,
    pub dek: Option<String>,
    pub tags: Vec<String>,
    /// The hero image's `src` and its `srcset`'s addresses.
    pub hero: Option<(Option<String>, Vec<String>)>,
}

impl Facts {
    pub fn of(story: &Story) -> Facts {
        Facts {
            id: story.id.clone(),
            title: story.title.clone(),
            published: story.published.as_ref().map(|t| (t.unix, t.raw.clone())),
            dek: story.dek.clone(),
            tags: story.tags.clone(),
            hero: story.hero.as_ref().map(|h| {
                let src = h.src.as_ref().map(|u| u.as_str().to_owned());
                (src, h.srcset.iter().map(|(u, _)| u.as_str().to_owned()).collect())
            }),
        }
    }
}

/// `story check`'s [`Keeper`]: each story's [`Facts`] in a spill (a file
/// with no name, in the system's temporary folder; its first 8 MB held in
/// memory), read back when a catalog lists the story.
pub struct FactsKeeper(Spill);

impl FactsKeeper {
    pub fn new(dir: &Path) -> io::Result<FactsKeeper> {
        Ok(FactsKeeper(Spill::held(dir, 8 << 20)?))
    }
}

impl Keeper for FactsKeeper {
    fn keep(&self, story: &Story) -> io::Result<Listed> {
        let json = serde_json::to_vec(&Facts::of(story)).map_err(io::Error::other)?;
        let published = story.published.as_ref().map(|t| t.unix);
        Ok(Listed { at: self.0.push(&json)?, published, id: super::id_key(&story.id), json: [0; 16] })
    }
    fn id(&self, listed: &Listed) -> io::Result<String> {
        Ok(self.facts(listed)?.map(|f| f.id).unwrap_or_default())
    }
    fn facts(&self, listed: &Listed) -> io::Result<Option<Facts>> {
        let bytes = self.0.read(listed.at)?;
        serde_json::from_slice(&bytes).map(Some).map_err(io::Error::other)
    }
}

/// What an entry says that its story does not, as diagnostics whose path is
/// the entry's field: its id, title and date (errors), its dek, tags and
/// thumbnail (warnings; the thumbnail must be the hero or in its srcset).
pub fn compare(entry: &Entry, story: &Facts) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut differ = |severity: Severity, field: &str, entry_says: String, story_says: String| {
        let message = match field {
            "published" => format!("the entry says {entry_says} but the story was published {story_says}"),
            "tags" => format!("the entry says {entry_says} but the story's tags are {story_says}"),
            _ => format!("the entry says {entry_says} but the story's {field} is {story_says}"),
        };
        out.push(Diagnostic { severity, code: Code::Mismatch, at: Location::top(field), message });
    };
    let quoted = |s: &str| format!("\"{s}\"");
    let or_none = |s: Option<&str>| s.map_or_else(|| "absent".to_owned(), quoted);
    if story.id != entry.id {
        differ(Severity::Error, "id", quoted(&entry.id), quoted(&story.id));
    }
    if story.title != entry.title {
        differ(Severity::Error, "title", quoted(&entry.title), quoted(&story.title));
    }
    if story.published.as_ref().map(|t| t.0) != entry.published.as_ref().map(|t| t.unix) {
        differ(
            Severity::Error,
            "published",
            or_none(entry.published.as_ref().map(|t| t.raw.as_str())),
            or_none(story.published.as_ref().map(|t| t.1.as_str())),
        );
    }
    if story.dek != entry.dek {
        differ(Severity::Warning, "dek", or_none(entry.dek.as_deref()), or_none(story.dek.as_deref()));
    }
    let sorted = |t: &[String]| {
        let mut t = t.to_vec();
        t.sort();
        t
    };
    if sorted(&entry.tags) != sorted(&story.tags) {
        let list = |t: &[String]| format!("[{}]", t.iter().map(|s| quoted(s)).collect::<Vec<_>>().join(", "));
        differ(Severity::Warning, "tags", list(&entry.tags), list(&story.tags));
    }
    if let Some(thumb) = entry.thumbnail.as_ref().and_then(|t| t.src.as_ref()) {
        let thumb = thumb.as_str();
        let hero = story.hero.as_ref();
        let is_hero = hero
            .is_some_and(|(src, srcset)| src.as_deref() == Some(thumb) || srcset.iter().any(|u| u == thumb));
        if !is_hero {
            let message = match hero.and_then(|(src, _)| src.as_deref()) {
                Some(h) => {
                    format!("the thumbnail {thumb} is not the story's hero image ({h}) nor in its srcset")
                }
                None => format!("the thumbnail {thumb} is shown for a story that has no hero image"),
            };
            out.push(Diagnostic::warning(Code::Mismatch, Location::top("thumbnail"), message));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check_files_and_docs, collect};
    use crate::sandbox::Sandbox;

    /// A keeper that holds nothing to compare with: the check reads the story again.
    struct Forgetful(FactsKeeper);

    impl Keeper for Forgetful {
        fn keep(&self, story: &Story) -> io::Result<Listed> {
            self.0.keep(story)
        }
        fn id(&self, listed: &Listed) -> io::Result<String> {
            self.0.id(listed)
        }
    }

    /// The fixture whose catalog disagrees with its stories in every field
    /// gives the same messages whether the check holds the documents, keeps
    /// the stories' facts on disk (`story check`'s keeper and the build's,
    /// which then hold no document) or reads a story again for its entry.
    #[test]
    fn an_entry_is_compared_alike_from_documents_from_facts_kept_and_read_again() {
        let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check/mismatches.site");
        let sandbox = Sandbox::new(&site).unwrap();
        let (mut files, mut notes) = (crate::paths::Paths::new(), Vec::new());
        collect(&sandbox, sandbox.root(), &mut files, &mut notes).unwrap();
        let mut messages = |keeper: Option<&dyn Keeper>| {
            let (reports, docs) = check_files_and_docs(&sandbox, &mut files, keeper);
            let lines: Vec<String> = reports
                .iter()
                .flat_map(|r| r.diagnostics.iter().map(move |d| format!("{}: {}", r.file, d.message)))
                .collect();
            (lines, docs.all().count())
        };
        let (held, held_docs) = messages(None);
        assert_eq!(held.len(), 6, "{held:#?}");
        assert!(held.iter().any(|m| m.contains("the story's title is \"Real title\"")), "{held:#?}");
        assert!(held.iter().any(|m| m.contains("is not the story's hero image")), "{held:#?}");
        assert_eq!(held_docs, 1, "the story held");
        let kept = FactsKeeper::new(&std::env::temp_dir()).unwrap();
        assert_eq!(messages(Some(&kept)), (held.clone(), 0), "facts kept, no document held");
        let forgetful = Forgetful(FactsKeeper::new(&std::env::temp_dir()).unwrap());
        assert_eq!(messages(Some(&forgetful)), (held.clone(), 0), "read again");
        let base = crate::check::file_url(&sandbox.root().join("stories.json")).unwrap();
        let listing = crate::index::Listing::new(&std::env::temp_dir(), base).unwrap();
        assert_eq!(messages(Some(&listing)), (held, 0), "the build's keeper: its facts beside each entry");
    }
}
