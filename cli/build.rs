//! Points the binary at the built web app (`static-site/dist`) to embed, or at an empty folder
//! when the site has not been built, so the Rust build never depends on npm having run.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let dist = manifest.join("../static-site/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    let site = if dist.join("index.html").is_file() {
        dist.canonicalize().expect("dist exists")
    } else {
        let empty = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("no-site");
        std::fs::create_dir_all(&empty).expect("OUT_DIR is writable");
        empty
    };
    println!("cargo:rustc-env=EMMAUS_SITE_DIR={}", site.display());
}
