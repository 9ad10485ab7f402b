//! Between the image pipeline (`crate::images`) and the pages: which files
//! of SITE a page's images are, what the page draws for each (a
//! `<picture>` of the versions), what its head shows (the 1200 px preview
//! and the crops), and the files published for each.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use story_format::diag::{Code, Diagnostic, Location};
use story_format::url::Url;
use story_format::{Image, SafeUrl};
use story_viewer::publish::{Picture, Pictures};

use super::files::{below, local_path};
use super::Failure;
use crate::images::{Derived, Pipeline, Want};
use crate::report::{self, Report};
use crate::sandbox::Sandbox;

/// The largest image file read (a 50-megapixel camera JPEG is about 25 MB).
pub const MAX_IMAGE_BYTES: usize = 64 << 20;

/// A page's link-preview image: `og:image` and the crops for JSON-LD.
#[derive(Clone, Debug)]
pub struct Preview {
    pub url: SafeUrl,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    /// 16:9, 4:3 and 1:1 (`crate::images::CROPS`).
    pub crops: Vec<SafeUrl>,
}

/// What a build's pages need to find their images.
pub struct Images<'a> {
    pub sandbox: &'a Sandbox,
    pub root: &'a Url,
    pub pipeline: &'a Pipeline,
}

impl Images<'_> {
    /// The file of SITE an image address names, when it is one (and not
    /// an address elsewhere): its real path, for reading and as the key.
    fn file_of(&self, src: &SafeUrl) -> Result<Option<PathBuf>, Failure> {
        let Some(rel) = below(self.root, src.as_str()) else { return Ok(None) };
        let from = local_path(self.sandbox.root(), &rel)?;
        let real =
            self.sandbox.file(&from).map_err(|why| Failure::Run(format!("{} {why}", from.display())))?;
        Ok(Some(real))
    }

    /// The image in `file`, as `want` asks; an image that cannot be read
    /// is an error naming its file, as `story check` names a story's.
    /// A file a page (or an earlier page) already asked for is not read again.
    fn derive(&self, file: &Path, want: Want) -> Result<Option<Derived>, Failure> {
        if let Some(done) = self.pipeline.finished(file, want.versions) {
            return done.map_err(|why| bad_image(file, why));
        }
        let bytes = self.sandbox.read(file, MAX_IMAGE_BYTES).map_err(|e| match e {
            Ok(len) => bad_image(
                file,
                format!(
                    "the file is {len} bytes, over the limit of {} MiB for an image",
                    MAX_IMAGE_BYTES >> 20
                ),
            ),
            Err(refused) => Failure::Run(format!("{} {refused}", file.display())),
        })?;
        self.pipeline.image(file, &bytes, want).map_err(|why| bad_image(file, why))
    }

    /// The versions of `images` (a page's), by the address of each `src`.
    pub fn pictures<'i>(&self, images: impl IntoIterator<Item = &'i Image>) -> Result<Pictures, Failure> {
        self.pictures_of(images.into_iter().filter_map(|img| Some((img.src.as_ref()?, img.focus))))
    }

    /// [`Images::pictures`] of images given by what their versions are
    /// made from: each one's address and focus.
    pub fn pictures_of<'i>(
        &self,
        images: impl IntoIterator<Item = (&'i SafeUrl, Option<(u8, u8)>)>,
    ) -> Result<Pictures, Failure> {
        let mut map = HashMap::new();
        for (src, focus) in images {
            if map.contains_key(src.as_str()) {
                continue;
            }
            if let Some(d) = self.versions(src, focus)? {
                map.insert(src.as_str().to_owned(), picture(src, &d));
            }
        }
        Ok(Pictures(Arc::new(map)))
    }

    /// An image's versions, processed or from the cache.
    fn versions(&self, src: &SafeUrl, focus: Option<(u8, u8)>) -> Result<Option<Derived>, Failure> {
        let Some(file) = self.file_of(src)? else { return Ok(None) };
        let (x, y) = focus.unwrap_or((50, 50));
        let want = Want { versions: true, focus: (f64::from(x) / 100.0, f64::from(y) / 100.0) };
        Ok(self.derive(&file, want)?.filter(|d| !d.versions.is_empty()))
    }

    /// The preview of `img` (a hero, the site's image): its 1200 px version
    /// and crops when it is a raster file of the site, else itself.
    pub fn preview(&self, img: &Image) -> Result<Option<Preview>, Failure> {
        let Some(src) = &img.src else { return Ok(None) };
        let Some(d) = self.versions(src, img.focus)? else {
            let (width, height) = img.size.unwrap_or((0, 0));
            return Ok(Some(Preview {
                url: src.clone(),
                width,
                height,
                alt: img.alt.clone(),
                crops: Vec::new(),
            }));
        };
        let at = beside(src);
        let (w, _, fallback) = d.preview().expect("versions are not empty");
        let height = ((u64::from(d.height) * u64::from(*w)) / u64::from(d.width.max(1))) as u32;
        Ok(Some(Preview {
            url: at(fallback).unwrap_or_else(|| src.clone()),
            width: *w,
            height,
            alt: img.alt.clone(),
            crops: d.crops.iter().filter_map(|c| at(c)).collect(),
        }))
    }

    /// The files to publish for a raster image of SITE at `rel` (below the
    /// root): `(from, to)` pairs, `to` relative to OUT; `None` for a file
    /// published as it is (not an image, SVG, GIF, animated).
    pub fn published(&self, rel: &str, from: &Path) -> Result<Option<Vec<(PathBuf, String)>>, Failure> {
        // With its versions when a page showed it (they hold the cleaned
        // copy too), else only cleaned (a `srcset` entry of the story's own).
        let d = match self.pipeline.with_versions(from) {
            Some(d) => d,
            None => match self.derive(from, Want { versions: false, focus: (0.5, 0.5) })? {
                Some(d) => d,
                None => return Ok(None),
            },
        };
        let (folder, name) = rel.rsplit_once('/').map_or(("", rel), |(f, n)| (f, n));
        let to = |n: &str| if folder.is_empty() { n.to_owned() } else { format!("{folder}/{n}") };
        Ok(Some(d.files(name).into_iter().map(|(c, p)| (d.dir.join(c), to(&p))).collect()))
    }
}

/// The last part of an address's path, decoded (`hero.jpg`).
fn file_name(src: &SafeUrl) -> String {
    let path = src.as_str().split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("image");
    percent_encoding::percent_decode_str(last).decode_utf8_lossy().into_owned()
}

/// The address of an output (by its name in the cache) published beside `src`.
fn beside(src: &SafeUrl) -> impl Fn(&str) -> Option<SafeUrl> + '_ {
    let name = file_name(src);
    move |n| story_format::url::resolve(&encode(&Derived::published(&name, n)), &src.to_url()).ok()
}

fn picture(src: &SafeUrl, d: &Derived) -> Picture {
    let at = beside(src);
    let list = |pick: fn(&(u32, String, String)) -> &String| {
        d.versions.iter().filter_map(|v| Some((at(pick(v))?, v.0))).collect::<Vec<_>>()
    };
    Picture { webp: list(|v| &v.1), fallback: list(|v| &v.2), src: src.clone(), size: (d.width, d.height) }
}

/// A file name as a relative address (`a b.jpg` is `a%20b.jpg`).
fn encode(name: &str) -> String {
    story_format::text::path_segment(name)
}

fn bad_image(file: &Path, why: String) -> Failure {
    let report = Report {
        file: report::shown(file),
        diagnostics: vec![Diagnostic::error(Code::Invalid, Location::document(), why)],
    };
    Failure::Input { reports: vec![report], files: 1 }
}
