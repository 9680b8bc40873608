//! Compiles the built app (Trunk's `dist/`, or `DOORWAY_EMBED_DIST`) into the
//! binary, so one file serves the checker; `--dist` still overrides it. With
//! no app built yet, the binary embeds an empty folder and says so at start.

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=DOORWAY_EMBED_DIST");
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let dist = env::var_os("DOORWAY_EMBED_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../dist"));
    // A folder is watched whole; a missing one makes cargo look again each build.
    println!("cargo:rerun-if-changed={}", dist.display());
    let embedded = if dist.join("index.html").is_file() {
        dist
    } else {
        let empty = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets it")).join("no-app");
        std::fs::create_dir_all(&empty).expect("OUT_DIR is writable");
        empty
    };
    println!(
        "cargo:rustc-env=DOORWAY_EMBEDDED_APP={}",
        embedded.display()
    );
}
