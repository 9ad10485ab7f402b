//! Embeds the viewer's release files (`dist/`, from `./dev build`) in the
//! `story` binary when they are there at compile time, so that `story
//! serve` and `story build` work from an installed binary, without this
//! repository. Without `dist/`, the binary holds none and asks for
//! `--viewer DIR`.

use std::path::Path;

// `VIEWER_FILES`: the one list, shared with `build/mod.rs`.
include!("src/build/viewer_files.rs");

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it");
    let dist = Path::new(&manifest).join("../../dist");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets it")).join("viewer_files.rs");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/build/viewer_files.rs");
    let all_there = VIEWER_FILES.iter().all(|f| dist.join(f).is_file());
    let mut code = String::from("/// The viewer's files embedded at compile time (name, bytes).\npub const FILES: &[(&str, &[u8])] = &[\n");
    if all_there {
        for f in VIEWER_FILES {
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
