//! What each story gave the last build, so that the next need not parse it
//! again: kept beside OUT (`.NAME.memo`), one record a story, found by its
//! file's path and used only when the file's bytes hash to what the record
//! was made from. A story whose JSON did not change is then neither parsed
//! nor cut into search terms (at 100,000 stories those were most of an
//! incremental build's stories phase), and not even read when its file's
//! stamp vouches for its bytes ([`crate::memo::Stamp`]).
//!
//! A record holds what the build needs of a story besides its pages:
//! its id, dates, tags, images (what their versions and the preview are
//! worked out from), the local files it uses and its search terms. Its
//! pages' key is worked out from these as from the parsed story
//! ([`super::incremental::story_key`] takes the JSON's hash), so a page
//! is kept or made again exactly as without the memo. Records are kept
//! only for `story.json` bundles (a `story.md` is imported each time).
//! Any doubt (another version, site or address; a record cut short; a
//! URL that no longer resolves) is a miss: the story is parsed as before.

use std::path::{Path, PathBuf};

use story_format::url::{resolve, Url};
use story_format::Image;

use crate::memo::{Dec, Enc};

/// The context of a build's memos: this version, the site, its address.
pub(super) fn context(site: &Path, root: &Url) -> Vec<u8> {
    let version = super::incremental::VERSION.as_bytes();
    crate::memo::context(&[version, site.as_os_str().as_encoded_bytes(), root.as_str().as_bytes()])
}

/// Where a memo of the site at `out` is kept: `.NAME.memo` (the
/// stories'), `.NAME.checked` (the check's).
pub(super) fn memo_path(out: &Path, kind: &str) -> PathBuf {
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("site");
    crate::sandbox::parent_dir(out).join(format!(".{name}.{kind}"))
}

/// An image as the memo keeps it: `(src, alt, size, focus)`, what its
/// versions and a preview are worked out from.
pub(super) type Pic = (Option<String>, String, Option<(u32, u32)>, Option<(u8, u8)>);

/// What a story gave: see the module's documentation.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Remembered {
    /// SHA-256 of its JSON as published.
    pub(super) json_hash: [u8; 32],
    pub(super) id: super::entries::IdHash,
    pub(super) published: Option<i64>,
    /// Its `updated`, else its `published`, as written.
    pub(super) modified: Option<String>,
    pub(super) tags: Vec<String>,
    /// The hero (when `hero`) then every other image pages show, as
    /// `story_images` gives them: `(src, alt, size, focus)`.
    pub(super) images: Vec<Pic>,
    pub(super) hero: bool,
    /// The local files it uses, below the site's root.
    pub(super) assets: Vec<String>,
    /// Its own text's search terms, each once, each ended by a line break
    /// (one string: a string a term cost 20 million allocations a build at
    /// 100,000 stories). As bytes: read back, they are checked as UTF-8
    /// only when the index takes them ([`Remembered::terms`]), not for a
    /// story whose terms the index carries (a tenth of the stories phase
    /// at 100,000 stories).
    pub(super) terms: Vec<u8>,
}

impl Remembered {
    /// Its search terms as text; `None` when the record's are not UTF-8.
    pub(super) fn terms(&self) -> Option<&str> {
        std::str::from_utf8(&self.terms).ok()
    }

    /// The images again, each `src` resolved as any URL of the format is
    /// (`None`: one no longer resolves, and the record is not used).
    pub(super) fn images(&self, base: &Url) -> Option<Vec<Image>> {
        self.images
            .iter()
            .map(|(src, alt, size, focus)| {
                let src = match src {
                    Some(s) => Some(resolve(s, base).ok()?),
                    None => None,
                };
                Some(Image {
                    src,
                    alt: alt.clone(),
                    size: *size,
                    srcset: Vec::new(),
                    caption: None,
                    credit: None,
                    link: None,
                    focus: *focus,
                })
            })
            .collect()
    }

    pub(super) fn encode(&self) -> Vec<u8> {
        let mut e = Enc(Vec::with_capacity(256 + self.terms.len()));
        e.0.extend_from_slice(&self.json_hash);
        e.0.extend_from_slice(&self.id);
        e.opt(self.published.map(|p| p.to_le_bytes().to_vec()).as_deref());
        e.opt(self.modified.as_deref().map(str::as_bytes));
        e.strs(&self.tags);
        e.u32(self.images.len() as u32);
        for (src, alt, size, focus) in &self.images {
            e.opt(src.as_deref().map(str::as_bytes));
            e.bytes(alt.as_bytes());
            let size = size.map(|(w, h)| [w.to_le_bytes(), h.to_le_bytes()].concat());
            e.opt(size.as_deref());
            e.opt(focus.map(|(x, y)| [x, y]).as_ref().map(|f| &f[..]));
        }
        e.0.push(u8::from(self.hero));
        e.strs(&self.assets);
        e.bytes(&self.terms);
        e.0
    }

    pub(super) fn decode(bytes: &[u8]) -> Option<Remembered> {
        let mut d = Dec(bytes);
        let json_hash = d.take(32)?.try_into().ok()?;
        let id = d.take(16)?.try_into().ok()?;
        let published = match d.opt()? {
            Some(b) => Some(i64::from_le_bytes(b.try_into().ok()?)),
            None => None,
        };
        let modified = d.opt()?.map(|b| String::from_utf8(b.to_vec())).transpose().ok()?;
        let tags = d.strs()?;
        let mut images = Vec::new();
        for _ in 0..d.u32()? {
            let src = d.opt()?.map(|b| String::from_utf8(b.to_vec())).transpose().ok()?;
            let alt = String::from_utf8(d.bytes()?.to_vec()).ok()?;
            let size = match d.opt()? {
                Some(b) if b.len() == 8 => Some((
                    u32::from_le_bytes(b[..4].try_into().ok()?),
                    u32::from_le_bytes(b[4..].try_into().ok()?),
                )),
                Some(_) => return None,
                None => None,
            };
            let focus = match d.opt()? {
                Some(&[x, y]) => Some((x, y)),
                Some(_) => return None,
                None => None,
            };
            images.push((src, alt, size, focus));
        }
        let hero = d.take(1)?[0] == 1;
        let assets = d.strs()?;
        let terms = d.bytes()?.to_vec();
        d.0.is_empty().then_some(Remembered {
            json_hash,
            id,
            published,
            modified,
            tags,
            images,
            hero,
            assets,
            terms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: u8) -> Remembered {
        Remembered {
            json_hash: [n; 32],
            id: [n; 16],
            published: (n % 2 == 0).then_some(1_700_000_000 + i64::from(n)),
            modified: Some(format!("2026-03-{:02}T09:30:00.5+05:30", 1 + n)),
            tags: vec!["Ports".into(), "科技".into()],
            images: vec![
                (
                    Some("https://news.example/a/hero.png".into()),
                    "A crane".into(),
                    Some((640, 480)),
                    Some((30, 70)),
                ),
                (None, "".into(), None, None),
            ],
            hero: n % 3 == 0,
            assets: vec!["a/hero.png".into()],
            terms: "crane\n港口\n#ports\n".as_bytes().to_vec(),
        }
    }

    /// A story's record comes back as it was made, its images as the
    /// format's own (their `src` resolved again); a record cut short is
    /// no record.
    #[test]
    fn a_story_record_comes_back_as_it_was_made() {
        for n in 0..6u8 {
            assert_eq!(Remembered::decode(&sample(n).encode()), Some(sample(n)));
        }
        let root = Url::parse("https://news.example/a/story.json").unwrap();
        let images = sample(0).images(&root).unwrap();
        assert_eq!(images[0].src.as_ref().unwrap().as_str(), "https://news.example/a/hero.png");
        assert_eq!((images[0].size, images[0].focus), (Some((640, 480)), Some((30, 70))));
        assert!(images[1].src.is_none());
        let bad = Remembered {
            images: vec![(Some("javascript:alert(1)".into()), "".into(), None, None)],
            ..sample(1)
        };
        assert!(bad.images(&root).is_none(), "a src that does not resolve: no record");
        assert_eq!(sample(1).terms(), Some("crane\n港口\n#ports\n"));
        let broken = Remembered { terms: vec![b'a', 0xff], ..sample(1) };
        assert_eq!(
            Remembered::decode(&broken.encode()).unwrap().terms(),
            None,
            "read back, checked when used"
        );
        for cut in 0..sample(1).encode().len() {
            assert!(Remembered::decode(&sample(1).encode()[..cut]).is_none());
        }
    }
}
