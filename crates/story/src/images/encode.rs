//! One image's work: read its header, refuse what cannot or should not be
//! decoded, decode with limits, turn it upright (EXIF orientation), then
//! resize and encode. Nothing of the file's metadata (EXIF, XMP, ICC
//! names, GPS) is carried over: every output is made from pixels alone.

use std::borrow::Cow;

use fast_image_resize::{images::Image as FrImage, FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder, ImageReader};

use super::MAX_PIXELS;

/// The kinds of file the pipeline reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    WebP,
}

impl Kind {
    /// The extension its cleaned copy keeps.
    pub fn ext(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::WebP => "webp",
        }
    }
}

/// What the pipeline does with a file: re-encode it, or publish it as it is.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// A still raster image of this kind, `(width, height)` from its header.
    Raster(Kind, (u32, u32)),
    /// SVG, GIF, animated PNG or WebP, anything not a raster image: as it is.
    PassThrough,
}

/// Decides from the first bytes alone, before any decoding: the kind, the
/// size its header declares, and whether it is animated. A header that
/// declares more than [`MAX_PIXELS`] is refused here (a decompression
/// bomb: a small file that would decode to gigabytes).
/// `ext` (the file's extension, lower case) tells a damaged image from a
/// file that is no raster image at all (SVG).
pub fn plan(bytes: &[u8], ext: &str) -> Result<Plan, String> {
    use imagesize::ImageType;
    let kind = match imagesize::image_type(bytes) {
        Ok(ImageType::Jpeg) => Kind::Jpeg,
        Ok(ImageType::Png) if !png_is_animated(bytes) => Kind::Png,
        Ok(ImageType::Webp) if !webp_is_animated(bytes) => Kind::WebP,
        // Animated: published as it is (no still image stands for it).
        Ok(ImageType::Png | ImageType::Webp | ImageType::Gif) => return Ok(Plan::PassThrough),
        Ok(other) => {
            return Err(format!(
                "a {other:?} image cannot be published: not every browser shows it, and its metadata \
                 (camera, GPS) cannot be removed here; convert it to JPEG, PNG or WebP"
            ))
        }
        Err(_)
            if matches!(
                ext,
                "jpg" | "jpeg" | "png" | "webp" | "gif" | "avif" | "heic" | "tif" | "tiff" | "bmp"
            ) =>
        {
            return Err("not an image, or a damaged one: its first bytes are no image format's".into())
        }
        Err(_) => return Ok(Plan::PassThrough),
    };
    let size = imagesize::blob_size(bytes).map_err(|e| format!("the image's header cannot be read ({e})"))?;
    let (w, h) = (size.width as u64, size.height as u64);
    if w == 0 || h == 0 {
        return Err("the image's header declares no pixels".into());
    }
    if w * h > MAX_PIXELS {
        return Err(format!(
            "the image declares {w} x {h} pixels ({} megapixels), over the limit of {} megapixels; \
             make it smaller before publishing",
            w * h / 1_000_000,
            MAX_PIXELS / 1_000_000
        ));
    }
    if cut_short(kind, bytes) {
        return Err("the image is cut short (its end is missing): a truncated file".into());
    }
    Ok(Plan::Raster(kind, (w as u32, h as u32)))
}

/// Whether the file stops before its format's end: a JPEG's end marker
/// (`FF D9`, near the end), a PNG's `IEND` chunk, the length a WebP's RIFF
/// header declares. Decoders fill a truncated photo with grey rather than
/// fail, and a half-grey photo must not be published.
fn cut_short(kind: Kind, bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(64)..];
    match kind {
        Kind::Jpeg => !tail.windows(2).any(|w| w == [0xFF, 0xD9]),
        Kind::Png => !tail.windows(4).any(|w| w == b"IEND"),
        Kind::WebP => {
            let declared =
                bytes.get(4..8).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
            bytes.len() < declared.saturating_add(8)
        }
    }
}

/// An animated PNG has an `acTL` chunk before its first `IDAT`.
fn png_is_animated(bytes: &[u8]) -> bool {
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
        match &bytes[at + 4..at + 8] {
            b"acTL" => return true,
            b"IDAT" => return false,
            _ => at = at.saturating_add(12).saturating_add(len),
        }
    }
    false
}

/// An animated WebP says so in its `VP8X` flags (bit 1).
fn webp_is_animated(bytes: &[u8]) -> bool {
    bytes.len() > 20 && &bytes[12..16] == b"VP8X" && bytes[20] & 0x02 != 0
}

/// The image upright, decoded within limits. Corrupt and truncated files
/// are errors here, never panics.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("the image cannot be read ({e})"))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| format!("the image cannot be read ({e})"))?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img =
        DynamicImage::from_decoder(decoder).map_err(|e| format!("the image cannot be decoded ({e})"))?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// Pixels to encode: 8-bit RGB, or RGBA when the image has transparency.
#[derive(Clone)]
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub alpha: bool,
    pub data: Vec<u8>,
}

impl Pixels {
    pub fn of(img: DynamicImage) -> Pixels {
        let (width, height) = (img.width(), img.height());
        let alpha = img.color().has_alpha();
        let data = if alpha { img.into_rgba8().into_raw() } else { img.into_rgb8().into_raw() };
        Pixels { width, height, alpha, data }
    }

    fn pixel_type(&self) -> PixelType {
        if self.alpha {
            PixelType::U8x4
        } else {
            PixelType::U8x3
        }
    }

    /// The part `(x, y, w, h)` of the image, scaled to `to_w` wide
    /// (Lanczos3); the image itself, not a copy, when that is all of it.
    pub fn resized(&self, (x, y, w, h): (u32, u32, u32, u32), to_w: u32) -> Result<Cow<'_, Pixels>, String> {
        let to_h = ((u64::from(h) * u64::from(to_w) + u64::from(w) / 2) / u64::from(w)).max(1) as u32;
        if (x, y, w, h) == (0, 0, self.width, self.height) && to_w == self.width {
            return Ok(Cow::Borrowed(self));
        }
        let src =
            fast_image_resize::images::ImageRef::new(self.width, self.height, &self.data, self.pixel_type())
                .map_err(|e| e.to_string())?;
        let mut dst = FrImage::new(to_w, to_h, self.pixel_type());
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3)).crop(
            f64::from(x),
            f64::from(y),
            f64::from(w),
            f64::from(h),
        );
        Resizer::new().resize(&src, &mut dst, &options).map_err(|e| e.to_string())?;
        Ok(Cow::Owned(Pixels { width: to_w, height: to_h, alpha: self.alpha, data: dst.into_vec() }))
    }

    pub fn webp(&self, quality: f32) -> Vec<u8> {
        let enc = if self.alpha {
            webp::Encoder::from_rgba(&self.data, self.width, self.height)
        } else {
            webp::Encoder::from_rgb(&self.data, self.width, self.height)
        };
        enc.encode(quality).to_vec()
    }

    pub fn jpeg(&self, quality: u8) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let rgb;
        let data = if self.alpha {
            // JPEG has no transparency: composed onto white.
            rgb = self
                .data
                .chunks_exact(4)
                .flat_map(|p| {
                    let a = u16::from(p[3]);
                    [0, 1, 2].map(|i| ((u16::from(p[i]) * a + 255 * (255 - a)) / 255) as u8)
                })
                .collect::<Vec<u8>>();
            &rgb
        } else {
            &self.data
        };
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
            .encode(data, self.width, self.height, image::ExtendedColorType::Rgb8)
            .map_err(|e| e.to_string())?;
        Ok(out)
    }

    pub fn png(&self) -> Result<Vec<u8>, String> {
        use image::ImageEncoder;
        let mut out = Vec::new();
        let color = if self.alpha { image::ExtendedColorType::Rgba8 } else { image::ExtendedColorType::Rgb8 };
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&self.data, self.width, self.height, color)
            .map_err(|e| e.to_string())?;
        Ok(out)
    }
}

/// The part of a `w` x `h` image with aspect `aw:ah` that keeps the focus
/// point `(fx, fy)` (fractions of the width and height) as near its centre
/// as the image allows: `(x, y, width, height)`.
pub fn crop_around(w: u32, h: u32, (aw, ah): (u32, u32), (fx, fy): (f64, f64)) -> (u32, u32, u32, u32) {
    let (cw, ch) = if u64::from(w) * u64::from(ah) > u64::from(h) * u64::from(aw) {
        ((u64::from(h) * u64::from(aw) / u64::from(ah)) as u32, h)
    } else {
        (w, (u64::from(w) * u64::from(ah) / u64::from(aw)) as u32)
    };
    let place = |len: u32, cut: u32, f: f64| -> u32 {
        let centre = f.clamp(0.0, 1.0) * f64::from(len);
        (centre - f64::from(cut) / 2.0).clamp(0.0, f64::from(len - cut)).round() as u32
    };
    (place(w, cw, fx), place(h, ch, fy), cw.max(1), ch.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crops_keep_the_focus_inside_the_image() {
        // A wide image cut square around its centre, then around a point near its right edge.
        assert_eq!(crop_around(1600, 900, (1, 1), (0.5, 0.5)), (350, 0, 900, 900));
        assert_eq!(crop_around(1600, 900, (1, 1), (0.95, 0.5)), (700, 0, 900, 900));
        // A tall image cut 16:9 around a point near its top.
        assert_eq!(crop_around(900, 1600, (16, 9), (0.5, 0.1)), (0, 0, 900, 506));
        assert_eq!(crop_around(900, 1600, (16, 9), (0.5, 0.5)), (0, 547, 900, 506));
    }

    #[test]
    fn a_header_declaring_a_bomb_is_refused_before_decoding() {
        // A PNG header declaring 50,000 x 50,000 pixels, and nothing else.
        let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        png.extend_from_slice(&50_000u32.to_be_bytes());
        png.extend_from_slice(&50_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        let e = plan(&png, "png").unwrap_err();
        assert!(e.contains("50000 x 50000"), "{e}");
        assert_eq!(plan(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "svg"), Ok(Plan::PassThrough));
        assert!(plan(b"<html>not found</html>", "jpg").unwrap_err().contains("not an image"));
    }
}
