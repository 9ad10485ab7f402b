/// The files of the viewer a site needs (with their `.br`/`.gz` twins when
/// present). Included by `build/mod.rs` and by `build.rs`, which embeds them.
pub const VIEWER_FILES: [&str; 7] = [
    "story-viewer.js",
    "story-viewer_bg.wasm",
    "embed.js",
    "embed-frame.js",
    "reading.js",
    "viewer.css",
    "favicon.svg",
];
