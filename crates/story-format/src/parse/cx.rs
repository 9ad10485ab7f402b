//! `Cx`, the context of one parse (diagnostics, the file's URL, counts),
//! and its validators of scalar fields: each reads a [`Val`], reports what
//! is wrong at its path, and returns what may be kept.

use std::borrow::Cow;

use super::Kind;
use crate::date::{self, Timestamp};
use crate::diag::{Code, Diagnostic, Path, Sink};
use crate::json::Val;
use crate::limits::{MAX_ID_BYTES, MAX_PIXELS, MAX_TITLE_CHARS};
use crate::model::{Asset, Inline, Source};
use crate::url::{self, SafeUrl};

use super::slot::Slot;

/// The parse context: diagnostics, the file's URL, what has been counted.
pub(super) struct Cx<'b> {
    pub(super) sink: Sink,
    /// The file's own URL, against which its references resolve.
    pub(super) base: &'b url::Base<'b>,
    /// Image URLs with their paths, when the caller asked for them.
    pub(super) assets: Option<&'b mut Vec<Asset>>,
    /// Links to sections (`#id`), with their paths: checked once ids are known.
    pub(super) section_links: Vec<(crate::diag::FieldPath, String)>,
    /// Blocks seen so far, all sections together.
    pub(super) blocks: usize,
    /// Set when a limit was passed: the file is refused with this message.
    pub(super) refused: Option<Diagnostic>,
    /// Set when the root's first key is not `format`: the pass stops, and
    /// the file is read again once `format` is found.
    pub(super) format_not_first: bool,
    /// Reused while reading each array of runs (see `InlineShape`).
    pub(super) scratch: Inline,
    /// Set by [`super::Steps`]: a story's sections (a catalog's entries)
    /// are only found in this pass, to be read a few at a time afterwards.
    pub(super) later: Option<Later>,
}

/// Where a story's sections or a catalog's entries are, for
/// [`super::Steps`] to read later.
pub(super) struct Later {
    /// The address of the text's first byte (slices are located from it).
    text: usize,
    /// Each item's place in the text, once the array is met.
    pub(super) items: Option<Vec<std::ops::Range<usize>>>,
    /// How many diagnostics came before the items: theirs go there.
    pub(super) diagnostics_at: usize,
}

impl Later {
    pub(super) fn new(text: &str) -> Self {
        Later { text: text.as_ptr() as usize, items: None, diagnostics_at: 0 }
    }

    /// Finds the place of each of the first `max` elements of `seq` (at
    /// tokenizer speed, reading nothing) and counts the rest.
    pub(super) fn find<'de, A: serde::de::SeqAccess<'de>>(
        &self,
        seq: &mut A,
        max: usize,
    ) -> Result<(Vec<std::ops::Range<usize>>, usize), A::Error> {
        let mut places = Vec::new();
        while places.len() < max {
            let Some(raw) = seq.next_element::<&'de serde_json::value::RawValue>()? else {
                let count = places.len();
                return Ok((places, count));
            };
            let part = raw.get();
            let start = (part.as_ptr() as usize).wrapping_sub(self.text);
            places.push(start..start + part.len());
        }
        let count = places.len() + super::slot::skip_rest(seq)?;
        Ok((places, count))
    }
}

impl Cx<'_> {
    /// For [`super::Steps`]: when this pass only finds the items of an array
    /// (and has not found them yet), finds where each of the first `max`
    /// elements of `seq` is, notes where their diagnostics go, and returns
    /// how many elements there are. `None`: read them now.
    pub(super) fn find_later<'de, A: serde::de::SeqAccess<'de>>(
        &mut self,
        seq: &mut A,
        max: usize,
    ) -> Result<Option<usize>, A::Error> {
        let at = self.sink.list.len();
        let Some(later) = self.later.as_mut().filter(|l| l.items.is_none()) else { return Ok(None) };
        let (places, count) = later.find(seq, max)?;
        later.items = Some(places);
        later.diagnostics_at = at;
        Ok(Some(count))
    }

    #[cold]
    #[inline(never)]
    pub(super) fn type_error(&mut self, path: &Path<'_>, want: &str, found: &str) {
        self.sink.error(Code::Type, path, format!("expected {want}, found {found}"));
    }

    #[cold]
    #[inline(never)]
    pub(super) fn missing(&mut self, path: &Path<'_>, name: &str) {
        self.sink.error(
            Code::Missing,
            &path.field(name),
            format!("the required field \"{name}\" is missing"),
        );
    }

    /// An optional string field; `null` counts as absent.
    pub(super) fn opt_str<'de>(
        &mut self,
        v: Option<Val<'de>>,
        name: &'static str,
        path: &Path<'_>,
    ) -> Option<Cow<'de, str>> {
        match v? {
            Val::Str(s) => Some(s),
            Val::Null => None,
            other => {
                self.type_error(&path.field(name), "a string", other.kind());
                None
            }
        }
    }

    pub(super) fn req_str<'de>(
        &mut self,
        v: Option<Val<'de>>,
        name: &'static str,
        path: &Path<'_>,
    ) -> Option<Cow<'de, str>> {
        if matches!(v, None | Some(Val::Null)) {
            self.missing(path, name);
            return None;
        }
        self.opt_str(v, name, path)
    }

    /// An optional text field, trimmed; empty text counts as absent.
    pub(super) fn opt_text(
        &mut self,
        v: Option<Val<'_>>,
        name: &'static str,
        path: &Path<'_>,
    ) -> Option<String> {
        let s = self.opt_str(v, name, path)?;
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_owned())
    }

    pub(super) fn opt_bool(&mut self, v: Option<Val<'_>>, name: &'static str, path: &Path<'_>) -> bool {
        match v {
            None | Some(Val::Null) => false,
            Some(Val::Bool(b)) => b,
            Some(other) => {
                self.type_error(&path.field(name), "true or false", other.kind());
                false
            }
        }
    }

    pub(super) fn opt_uint(
        &mut self,
        v: Option<Val<'_>>,
        name: &'static str,
        path: &Path<'_>,
    ) -> Option<u32> {
        match v? {
            Val::Null => None,
            Val::Int(n) if (1..=i128::from(MAX_PIXELS)).contains(&n) => Some(n as u32),
            Val::Int(_) | Val::Float(_) => {
                self.sink.error(
                    Code::Invalid,
                    &path.field(name),
                    format!("must be a whole number of pixels from 1 to {MAX_PIXELS}"),
                );
                None
            }
            other => {
                self.type_error(&path.field(name), "a whole number", other.kind());
                None
            }
        }
    }

    /// A link's address (a run's `href`): as [`Cx::opt_url`], `mailto:` allowed too.
    pub(super) fn opt_link(
        &mut self,
        v: Option<Val<'_>>,
        name: &'static str,
        path: &Path<'_>,
    ) -> Option<SafeUrl> {
        let s = self.opt_str(v, name, path)?;
        let resolved = self.base.resolve_link(&s);
        self.kept(resolved, &path.field(name))
    }

    /// Whether `u` is the file being read (its fragment aside).
    pub(super) fn is_this_file(&self, u: &SafeUrl) -> bool {
        let strip = |s: &str| s.split('#').next().unwrap_or_default().to_owned();
        strip(u.as_str()) == strip(self.base.url().as_str())
    }

    pub(super) fn url(&mut self, reference: &str, path: &Path<'_>) -> Option<SafeUrl> {
        let resolved = self.base.resolve(reference);
        self.kept(resolved, path)
    }

    /// A resolved address, or its error reported at `path`.
    fn kept(&mut self, resolved: Result<SafeUrl, url::UrlError>, path: &Path<'_>) -> Option<SafeUrl> {
        match resolved {
            Ok(u) => Some(u),
            Err(e) => {
                self.sink.error(Code::UnsafeUrl, path, e.to_string());
                None
            }
        }
    }

    /// An image URL: resolved like any URL and remembered as an asset.
    pub(super) fn asset(&mut self, reference: &str, path: &Path<'_>) -> Option<SafeUrl> {
        let url = self.url(reference, path)?;
        Some(self.keep_asset(url, path))
    }

    /// A URL already resolved, remembered as the asset named at `path`.
    pub(super) fn keep_asset(&mut self, url: SafeUrl, path: &Path<'_>) -> SafeUrl {
        if let Some(assets) = &mut self.assets {
            assets.push(Asset { path: path.kept(), url: url.clone() });
        }
        url
    }

    /// An optional address field, resolved against the file.
    pub(super) fn opt_url(
        &mut self,
        v: Option<Val<'_>>,
        name: &'static str,
        path: &Path<'_>,
    ) -> Option<SafeUrl> {
        let s = self.opt_str(v, name, path)?;
        self.url(&s, &path.field(name))
    }

    pub(super) fn lang(&mut self, v: Option<Val<'_>>, path: &Path<'_>) -> Option<String> {
        let s = self.opt_str(v, "lang", path)?;
        if is_language_tag(&s) {
            Some(s.into_owned())
        } else {
            self.sink.error(
                Code::Invalid,
                &path.field("lang"),
                format!("\"{s}\" is not a BCP 47 language tag such as \"en\" or \"zh-Hans\""),
            );
            None
        }
    }

    /// A required date (`published`): absent is reported.
    pub(super) fn req_timestamp(
        &mut self,
        v: Option<Val<'_>>,
        name: &'static str,
        path: &Path<'_>,
    ) -> Option<Timestamp> {
        let s = self.req_str(v, name, path)?;
        self.date(&s, name, path)
    }

    /// An optional date (`updated`); `null` counts as absent.
    pub(super) fn opt_timestamp(
        &mut self,
        v: Option<Val<'_>>,
        name: &'static str,
        path: &Path<'_>,
    ) -> Option<Timestamp> {
        let s = self.opt_str(v, name, path)?;
        self.date(&s, name, path)
    }

    fn date(&mut self, s: &str, name: &'static str, path: &Path<'_>) -> Option<Timestamp> {
        match date::parse(s) {
            Ok(t) => Some(t),
            Err(msg) => {
                self.sink.error(Code::Invalid, &path.field(name), msg);
                None
            }
        }
    }

    /// The `format` field: `PREFIX1` or `PREFIX1.N`.
    pub(super) fn format(&mut self, v: Option<Val<'_>>) -> Option<(Kind, u32)> {
        let root = Path::Root;
        let f = self.req_str(v, "format", &root)?;
        let kind = if f.starts_with(Kind::Catalog.prefix()) {
            Kind::Catalog
        } else if f.starts_with(Kind::Story.prefix()) {
            Kind::Story
        } else {
            self.sink.error(
                Code::Format,
                &root.field("format"),
                format!("\"{f}\" is not a format this viewer reads (\"story/1\" or \"story-index/1\")"),
            );
            return None;
        };
        let version = &f[kind.prefix().len()..];
        let (major, minor) = version.split_once('.').unwrap_or((version, "0"));
        let digits = |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
        if major == "1" && digits(minor) {
            return Some((kind, minor.parse().unwrap_or(0)));
        }
        let p = kind.prefix();
        self.sink.error(
            Code::Format,
            &root.field("format"),
            format!("the file is \"{f}\", a version this viewer does not read; it reads {p}1 and its minor versions ({p}1.x)"),
        );
        None
    }

    pub(super) fn id(&mut self, v: Option<Val<'_>>, path: &Path<'_>) -> String {
        let Some(id) = self.req_str(v, "id", path) else { return String::new() };
        if crate::text::is_valid_story_id(&id) {
            id.into_owned()
        } else {
            self.sink.error(
                Code::Invalid,
                &path.field("id"),
                format!(
                    "\"{}\" is not a valid id: use 1-{MAX_ID_BYTES} characters of a-z, 0-9 and -",
                    truncate(&id, 120)
                ),
            );
            String::new()
        }
    }

    pub(super) fn title(&mut self, v: Option<Val<'_>>, path: &Path<'_>) -> String {
        let Some(t) = self.req_str(v, "title", path) else { return String::new() };
        let t = t.trim();
        let n = t.chars().count();
        if n == 0 {
            self.sink.error(Code::Invalid, &path.field("title"), "the title is empty");
        } else if n > MAX_TITLE_CHARS {
            self.sink.error(
                Code::Invalid,
                &path.field("title"),
                format!("the title is {n} characters long; the limit is {MAX_TITLE_CHARS}"),
            );
        }
        t.to_owned()
    }

    /// `source`, optional: a newsroom's own story has none (an empty name).
    pub(super) fn source(&mut self, s: Option<Slot<Source>>) -> Source {
        s.and_then(Slot::get).unwrap_or_default()
    }
}

/// Whether `s` looks like a BCP 47 tag: a 2-8 letter language subtag, then
/// subtags of 1-8 letters or digits separated by `-`.
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// `s`, cut to `max` characters with `…` when longer (for quoting input in a message).
pub(super) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}
