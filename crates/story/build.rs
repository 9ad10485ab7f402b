//! Embeds the viewer's release files (`dist/`, from `./dev build`) in the
//! `story` binary when they are there at compile time, so that `story
//! serve` and `story build` work from an installed binary, without this
//! repository. Without `dist/`, the binary holds none and asks for
//! `--viewer DIR`.

use std::path::Path;

/// The files a site needs (as `build::VIEWER_FILES`), with their twins.
const FILES: [&str; 7] = [
    "story-viewer.js",
    "story-viewer_bg.wasm",
    "embed.js",
    "embed-frame.js",
    "reading.js",
    "viewer.css",
    "favicon.svg",
];

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it");
    let dist = Path::new(&manifest).join("../../dist");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets it")).join("viewer_files.rs");
    println!("cargo::rerun-if-changed=build.rs");
    let all_there = FILES.iter().all(|f| dist.join(f).is_file());
    let mut code = String::from("/// The viewer's files embedded at compile time (name, bytes).\npub const FILES: &[(&str, &[u8])] = &[\n");
    if all_there {
        for f in FILES {
            for name in [f.to_owned(), format!("{f}.br"), format!("{f}.gz")] {
                let path = dist.join(&name);
                if path.is_file() {
                    println!("cargo::rerun-if-changed={}", path.display());
                    let abs = std::fs::canonicalize(&path).expect("the file is there");
                    code.push_str(&format!(
                        "    ({name:?}, include_bytes!({:?})),\n",
                        abs.display().to_string()
                    ));
                }
            }
        }
    } else {
        // Rebuilt when the viewer is built (trunk writes its files here).
        println!("cargo::rerun-if-changed={}", dist.join("story-viewer_bg.wasm").display());
    }
    code.push_str("];\n");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
