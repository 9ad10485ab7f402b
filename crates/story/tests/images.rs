//! `story build`'s images as a publisher meets them: a camera JPEG with GPS
//! and a rotation in its EXIF, a decompression bomb, a truncated photo, a
//! file that only claims to be one, and a rebuild with the cache warm.
//! (e2e/images.test.mjs reads the results back with exiftool and Chromium.)

mod support;

use std::path::{Path, PathBuf};

use serde_json::json;
use support::site::{attr, page, select, snapshot, URL};
use support::{fake_viewer, text, TempDir};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/images").join(name)
}

/// A story whose hero is `hero` and whose one image block is `figure`.
fn story_with(tmp: &TempDir, hero: &str, figure: &str) {
    let s = json!({
        "format": "story/1", "id": "photos", "title": "Photos", "published": "2026-01-02",
        "hero": { "src": hero, "alt": "A valley", "focus": "50% 40%" },
        "sections": [{ "blocks": ["Text.", { "type": "image", "src": figure, "alt": "Turned" }] }]
    });
    tmp.write("site/photos/story.json", &s.to_string());
}

fn build(tmp: &TempDir) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_story"))
        .arg("build")
        .arg(tmp.dir().join("site"))
        .arg("--out")
        .arg(tmp.dir().join("out"))
        .args(["--url", URL, "--viewer"])
        .arg(fake_viewer(tmp.dir()))
        .arg("--cache")
        .arg(tmp.dir().join("cache"))
        .output()
        .unwrap()
}

/// Where a file keeps metadata: JPEG APP1 (EXIF, XMP) and APP13 (IPTC)
/// segments, PNG text and `eXIf` chunks, WebP `EXIF` and `XMP ` chunks.
fn metadata_in(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut at = 2;
        while at + 4 <= bytes.len() && bytes[at] == 0xFF {
            let marker = bytes[at + 1];
            if marker == 0xDA {
                break; // the image data: no more segments
            }
            let len = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
            if marker == 0xE1 || marker == 0xED {
                found.push(format!("JPEG APP{}", marker - 0xE0));
            }
            at += 2 + len;
        }
    } else if bytes.starts_with(b"\x89PNG") {
        let mut at = 8;
        while at + 8 <= bytes.len() {
            let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            let kind = String::from_utf8_lossy(&bytes[at + 4..at + 8]).into_owned();
            if ["eXIf", "tEXt", "iTXt", "zTXt"].contains(&kind.as_str()) {
                found.push(format!("PNG {kind}"));
            }
            at += 12 + len;
        }
    } else if bytes.starts_with(b"RIFF") {
        let mut at = 12;
        while at + 8 <= bytes.len() {
            let kind = String::from_utf8_lossy(&bytes[at..at + 4]).into_owned();
            let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
            if kind == "EXIF" || kind == "XMP " {
                found.push(format!("WebP {kind}"));
            }
            at += 8 + len + (len & 1);
        }
    }
    found
}

#[test]
fn photos_are_published_upright_in_several_sizes_without_their_metadata() {
    let tmp = TempDir::new("images-photos");
    std::fs::create_dir_all(tmp.dir().join("site/photos")).unwrap();
    std::fs::copy(fixture("photo.jpg"), tmp.dir().join("site/photos/photo.jpg")).unwrap();
    std::fs::copy(fixture("rotated.jpg"), tmp.dir().join("site/photos/rotated.jpg")).unwrap();
    assert!(!metadata_in(&std::fs::read(fixture("photo.jpg")).unwrap()).is_empty(), "the fixture has EXIF");
    story_with(&tmp, "photo.jpg", "rotated.jpg");
    let o = build(&tmp);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("images: 2 encoded, 0 from the cache"), "{}", text(&o));

    let out = tmp.dir().join("out");
    let files = snapshot(&out.join("photos"));
    let images: Vec<&String> =
        files.keys().filter(|f| !f.ends_with(".json") && !f.ends_with(".html")).collect();
    // The original names, the versions (480, 800, 1200, 1600; 1800 is wider
    // than the largest), the crops; the 64 px image has only its own width.
    for (name, bytes) in &files {
        assert!(metadata_in(bytes).is_empty(), "{name} keeps {:?}", metadata_in(bytes));
    }
    let widths = |stem: &str, ext: &str| -> Vec<u32> {
        let mut w: Vec<u32> = images
            .iter()
            .filter(|f| f.starts_with(&format!("{stem}.")) && f.ends_with(ext) && f.matches('-').count() == 1)
            .filter_map(|f| f.rsplit('-').next()?.split('.').next()?.parse().ok())
            .collect();
        w.sort_unstable();
        w
    };
    assert_eq!(widths("photo", ".webp"), [480, 800, 1200, 1600]);
    assert_eq!(widths("photo", ".jpg"), [480, 800, 1200, 1600]);
    assert_eq!(widths("rotated", ".webp"), [48], "turned upright: 48 wide");
    for ratio in ["16x9", "4x3", "1x1"] {
        assert!(
            images.iter().any(|f| f.starts_with("photo.") && f.ends_with(&format!("-{ratio}.jpg"))),
            "{ratio}"
        );
    }
    // Under its own name, the photo is re-encoded too (same size, upright).
    let size = |name: &str| {
        let s = imagesize::blob_size(&files[name]).unwrap();
        (s.width, s.height)
    };
    assert_eq!(size("photo.jpg"), (1800, 1200));
    assert_eq!(size("rotated.jpg"), (48, 64));
    assert_ne!(files["photo.jpg"], std::fs::read(fixture("photo.jpg")).unwrap());

    // The page: a <picture> with WebP first, sizes, the size upright for the figure.
    let doc = page(out.join("photos/index.html"));
    let source = select(&doc, ".sv-hero picture source");
    assert_eq!(source[0].value().attr("type"), Some("image/webp"));
    assert!(source[0].value().attr("srcset").unwrap().contains("-1600.webp 1600w"));
    assert_eq!(attr(&doc, ".sv-hero img", "src"), "photo.jpg");
    assert_eq!(attr(&doc, ".sv-section picture img", "width"), "48");
    assert_eq!(attr(&doc, ".sv-section picture img", "height"), "64");
    let og = attr(&doc, "meta[property='og:image']", "content");
    assert!(og.starts_with(&format!("{URL}photos/photo.")) && og.ends_with("-1200.jpg"), "{og}");
    assert_eq!(attr(&doc, "meta[property='og:image:height']", "content"), "800");

    // Again, the cache warm: nothing encoded, the same site to the byte.
    let o = build(&tmp);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("images: 0 encoded, 2 from the cache"), "{}", text(&o));
    assert_eq!(snapshot(&out.join("photos")), files);
    // The cache deleted: all made again, the same bytes.
    std::fs::remove_dir_all(tmp.dir().join("cache")).unwrap();
    let o = build(&tmp);
    assert!(text(&o).contains("images: 2 encoded, 0 from the cache"), "{}", text(&o));
    assert_eq!(snapshot(&out.join("photos")), files);
}

#[test]
fn bad_images_are_refused_by_name_and_out_is_left_as_it_was() {
    let tmp = TempDir::new("images-bad");
    std::fs::create_dir_all(tmp.dir().join("site/photos")).unwrap();
    std::fs::copy(fixture("rotated.jpg"), tmp.dir().join("site/photos/good.jpg")).unwrap();
    story_with(&tmp, "good.jpg", "good.jpg");
    let o = build(&tmp);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let before = snapshot(&tmp.dir().join("out"));

    // A PNG declaring 50,000 x 50,000 pixels in 60 bytes.
    let mut bomb = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    bomb.extend_from_slice(&50_000u32.to_be_bytes());
    bomb.extend_from_slice(&50_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0x15, 0x8a, 0x37, 0x16]);
    let photo = std::fs::read(fixture("photo.jpg")).unwrap();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("bomb.png", bomb, "50000 x 50000"),
        ("truncated.jpg", photo[..photo.len() / 3].to_vec(), "cut short"),
        ("page.jpg", b"<!doctype html><title>Not found</title>".to_vec(), "not an image"),
        ("scan.bmp", bmp(), "cannot be published"),
    ];
    for (name, bytes, says) in cases {
        std::fs::write(tmp.dir().join("site/photos").join(name), &bytes).unwrap();
        story_with(&tmp, "good.jpg", name);
        let o = build(&tmp);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", text(&o));
        let t = text(&o);
        assert!(t.contains(&format!("photos/{name}")) && t.contains(says), "{name}: {t}");
        assert!(!t.contains("panicked"), "{t}");
        assert_eq!(snapshot(&tmp.dir().join("out")), before, "{name}: OUT changed");
    }
}

/// A 1x1 BMP: an image browsers show, that the pipeline cannot clean.
fn bmp() -> Vec<u8> {
    let mut b = b"BM".to_vec();
    b.extend_from_slice(&58u32.to_le_bytes());
    b.extend_from_slice(&[0, 0, 0, 0]);
    b.extend_from_slice(&54u32.to_le_bytes());
    b.extend_from_slice(&40u32.to_le_bytes());
    b.extend_from_slice(&1i32.to_le_bytes());
    b.extend_from_slice(&1i32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&24u16.to_le_bytes());
    b.extend_from_slice(&[0; 24]);
    b.extend_from_slice(&[0, 0, 255, 0]);
    b
}
