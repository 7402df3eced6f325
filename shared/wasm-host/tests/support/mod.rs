//! Finds the release components the tests run, building them first so they are never stale, and
//! starts one with exactly what `spin.toml` grants it.
//!
//! Each test binary builds what it needs with `cargo build --release --target wasm32-wasip2 -p
//! <crate> --lib` into the same target directory as the tests (`CARGO_TARGET_DIR`, or the
//! workspace's `target/`). When the components are fresh, as after `scripts/test`'s "spin
//! components" step, that is a no-op of a second; a failed build fails the test, never skips it.

#![allow(dead_code, reason = "each test file uses its own share of these helpers")]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, PoisonError};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the workspace root exists")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_root().join("target"), PathBuf::from)
}

/// The freshly built component of `package`, e.g. `system` -> `.../system.wasm`.
pub fn component(package: &str) -> PathBuf {
    // Once per test process: the tests run in parallel and would otherwise queue on Cargo's lock.
    static BUILT: Mutex<Vec<(String, PathBuf)>> = Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, file)) = built.iter().find(|(name, _)| name == package) {
        return file.clone();
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--release", "--target", "wasm32-wasip2", "-p", package, "--lib"])
        .env("CARGO_TARGET_DIR", target_dir())
        .current_dir(workspace_root())
        .status()
        .unwrap_or_else(|e| panic!("cannot run cargo to build the {package} component: {e}"));
    assert!(status.success(), "building the {package} component failed ({status}); see cargo's output above");
    let file = target_dir().join("wasm32-wasip2/release").join(format!("{}.wasm", package.replace('-', "_")));
    assert!(file.is_file(), "cargo built {package} but {} is missing", file.display());
    built.push((package.to_owned(), file.clone()));
    file
}

/// `component` with exactly what `spin.toml` grants it (its variables, its outbound hosts), the
/// keys every component reads set, the jobs token `jobs_token`, on the `default` database in `dir`.
pub fn start_granted(component: &str, dir: &Path, jobs_token: &str) -> emmaus_wasm_host::WasmHost {
    use emmaus_identity::tokens::{KEYS_SETTING, KeyRing};
    let manifest = emmaus_wasm_host::SpinManifest::read(&workspace_root().join("spin.toml")).expect("spin.toml parses");
    let values = HashMap::from([
        (KEYS_SETTING.trim_start_matches("EMMAUS_").to_ascii_lowercase(), KeyRing::new_entry("spin", &[9; 32])),
        ("public_url".to_owned(), "http://emmaus.test".to_owned()),
        ("audit_keys".to_owned(), emmaus_identity::audit::new_key_entry("spin", &[8; 32])),
        ("seal_keys".to_owned(), emmaus_app::sealing::new_key_entry("spin", &[10; 32])),
        ("jobs_token".to_owned(), jobs_token.to_owned()),
    ]);
    let grants = manifest.grants(component, &values, Some(dir.to_owned())).unwrap_or_else(|e| panic!("{e:?}"));
    emmaus_wasm_host::WasmHost::start_granted(&self::component(component), grants).unwrap_or_else(|e| panic!("{e:?}"))
}
