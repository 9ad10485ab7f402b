//! The media blocks (gallery, video, social post): their fields beyond
//! those every block shares, and the block each makes. What they hold is
//! `crate::media`'s.

use serde::de::SeqAccess;

use super::common::{bounded_list, bounded_text};
use super::cx::Cx;
use super::images::{ImageParts, ImageShape};
use super::shape::{At, Shape};
use super::slot::Slot;
use crate::diag::{Code, Path};
use crate::json::Val;
use crate::limits::{MAX_GALLERY_IMAGES, MAX_HANDLE_CHARS, MAX_VIDEO_TITLE_CHARS};
use crate::media::{video_player, Network, Player};
use crate::model::{Block, Gallery, Image, Inline, SocialPost, Video};

/// The fields only media blocks have, as read (checked when the block is
/// finished, knowing its type).
#[derive(Default)]
pub(super) struct MediaAcc<'de> {
    pub(super) images: Option<Slot<Vec<Image>>>,
    pub(super) image: Option<Slot<Image>>,
    pub(super) src: Option<Val<'de>>,
    pub(super) title: Option<Val<'de>>,
    pub(super) poster: Option<Val<'de>>,
    pub(super) captions: Option<Val<'de>>,
    pub(super) url: Option<Val<'de>>,
    pub(super) network: Option<Val<'de>>,
    pub(super) author: Option<Val<'de>>,
    pub(super) handle: Option<Val<'de>>,
    pub(super) date: Option<Val<'de>>,
}

impl MediaAcc<'_> {
    /// A gallery: at least one image.
    pub(super) fn gallery(self, cx: &mut Cx<'_>, caption: Option<Inline>, path: &Path<'_>) -> Option<Block> {
        let images = match self.images {
            None | Some(Slot::Null) => {
                cx.missing(path, "images");
                return None;
            }
            Some(Slot::Bad) => return None,
            Some(Slot::Got(images)) => images,
        };
        if images.is_empty() {
            cx.sink.error(Code::Invalid, &path.field("images"), "a gallery needs at least one image");
            return None;
        }
        Some(Block::Gallery(Box::new(Gallery { images, caption })))
    }

    /// A video: a file (an asset, published with the story) or a YouTube
    /// or Vimeo video's address, written the one way for its site.
    pub(super) fn video(self, cx: &mut Cx<'_>, parts: ImageParts, path: &Path<'_>) -> Option<Block> {
        let at = path.field("src");
        let reference = cx.req_str(self.src, "src", path)?;
        let resolved = cx.url(&reference, &at)?;
        let (player, src) = match video_player(resolved.as_str()) {
            Some((Player::File, _)) => (Player::File, cx.keep_asset(resolved, &at)),
            Some((player, page)) => (player, cx.url(&page, &at)?),
            None => {
                let msg = "a YouTube or Vimeo address must name one video (youtube.com/watch?v=ID, youtu.be/ID, vimeo.com/ID)";
                cx.sink.error(Code::Invalid, &at, msg);
                return None;
            }
        };
        let title = cx.opt_str(self.title, "title", path).and_then(|t| {
            bounded_text(cx, &t, MAX_VIDEO_TITLE_CHARS, "a video's title", &path.field("title"))
        });
        let poster =
            cx.opt_str(self.poster, "poster", path).and_then(|p| cx.asset(&p, &path.field("poster")));
        let mut captions = None;
        if let Some(c) = cx.opt_str(self.captions, "captions", path) {
            if player == Player::File {
                captions = cx.asset(&c, &path.field("captions"));
            } else {
                let msg =
                    "captions are for a video file; YouTube and Vimeo show their own, so these are not used";
                cx.sink.warning(Code::Invalid, &path.field("captions"), msg);
            }
        }
        let ImageParts { size, caption, credit } = parts;
        Some(Block::Video(Box::new(Video { src, player, title, poster, captions, size, caption, credit })))
    }

    /// A social post: its address, network (named, or known from the
    /// host), author and text at least.
    pub(super) fn social(
        self,
        cx: &mut Cx<'_>,
        text: Option<Slot<Inline>>,
        path: &Path<'_>,
    ) -> Option<Block> {
        let url = cx.req_str(self.url, "url", path).and_then(|u| cx.url(&u, &path.field("url")));
        let network = match cx.opt_str(self.network, "network", path) {
            Some(key) => Network::from_key(&key).or_else(|| {
                let names: Vec<&str> = Network::ALL.iter().map(|n| n.key()).collect();
                let msg = format!("\"{}\" is not one of {}", super::cx::truncate(&key, 30), names.join(", "));
                cx.sink.error(Code::Invalid, &path.field("network"), msg);
                None
            }),
            None => match url.as_ref().map(|u| Network::from_url(u.as_str())) {
                Some(None) => {
                    let msg = "name the post's network (\"mastodon\" for a Mastodon server): its host is not one the format knows";
                    cx.sink.error(Code::Missing, &path.field("network"), msg);
                    None
                }
                known => known.flatten(),
            },
        };
        let name = |cx: &mut Cx<'_>, v, field: &'static str, what| {
            let s = cx.opt_str(v, field, path)?;
            bounded_text(cx, &s, MAX_HANDLE_CHARS, what, &path.field(field))
        };
        if matches!(self.author, None | Some(Val::Null)) {
            cx.missing(path, "author");
        }
        let author = name(cx, self.author, "author", "a post's author");
        let handle = name(cx, self.handle, "handle", "a handle");
        let text = match text {
            None | Some(Slot::Null) => {
                cx.missing(path, "text");
                None
            }
            Some(t) => t.get(),
        };
        let date = cx.opt_timestamp(self.date, "date", path);
        let image = self.image.and_then(Slot::get);
        let (url, network, author, text) = (url?, network?, author?, text?);
        Some(Block::Social(Box::new(SocialPost { url, network, author, handle, text, date, image })))
    }
}

// A gallery's images: image objects, at most [`MAX_GALLERY_IMAGES`].
shape!(GalleryShape);
impl<'de> Shape<'de> for GalleryShape<'_, '_, '_> {
    type Out = Vec<Image>;
    const WANT: &'static str = "an array of images";
    at_impl!();
    fn on_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot<Self::Out>, A::Error> {
        let At { cx, path } = self.0;
        let images = bounded_list(cx, path, &mut seq, MAX_GALLERY_IMAGES, "images", |seq, cx, p| {
            Ok(seq.next_element_seed(ImageShape::seed(cx, p))?.map(Slot::get))
        })?;
        Ok(Slot::Got(images))
    }
}
