//! Synthetic "photos" for `./dev bench` when no real ones are given: sky,
//! hills and grain, as JPEG at a camera's sizes, so that resizing and
//! encoding work as hard as on real photos (flat colour would be cheaper).
//!
//! `cargo run --release -p story --example make_photos -- DIR COUNT WIDTHxHEIGHT...`
//! writes DIR/photo-N.jpg, cycling through the sizes.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, count, sizes @ ..] = &args[..] else {
        eprintln!("usage: make_photos DIR COUNT WIDTHxHEIGHT...");
        std::process::exit(2);
    };
    let count: usize = count.parse().expect("COUNT is a number");
    let sizes: Vec<(u32, u32)> = sizes
        .iter()
        .map(|s| {
            let (w, h) = s.split_once('x').expect("WIDTHxHEIGHT");
            (w.parse().expect("a width"), h.parse().expect("a height"))
        })
        .collect();
    std::fs::create_dir_all(dir).expect("the folder can be made");
    for n in 0..count {
        let (w, h) = sizes[n % sizes.len()];
        let mut seed = 12_345u32 + n as u32;
        let mut grain = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            (seed % 17) as f32 - 8.0
        };
        let phase = n as f32;
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
            let hill = 0.6 + 0.1 * (fx * 9.0 + phase).sin() + 0.05 * (fx * 23.0).cos();
            let (r, g, b) = if fy < hill {
                (120.0 + 100.0 * fy, 160.0 + 60.0 * fy, 230.0 - 40.0 * fy)
            } else {
                (60.0 + 40.0 * fx, 110.0 + 30.0 * (fx * 40.0 + phase).sin(), 50.0 + 20.0 * fy)
            };
            let g0 = grain();
            image::Rgb([
                (r + g0).clamp(0.0, 255.0) as u8,
                (g + g0).clamp(0.0, 255.0) as u8,
                (b + g0).clamp(0.0, 255.0) as u8,
            ])
        });
        let path = std::path::Path::new(dir).join(format!("photo-{n}.jpg"));
        let mut f = std::fs::File::create(&path).expect("the photo can be written");
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut f, 88).encode_image(&img).expect("encodes");
    }
}
