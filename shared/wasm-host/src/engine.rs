//! One Wasmtime engine per process, and compiled components cached by file and modification time.
//!
//! Compiling a component is the slow part (about a second for ours); tests start a host per case,
//! so the same file is compiled once per test process, as Spin compiles once per application.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

use wasmtime::component::Component;
use wasmtime::{Config, Engine};

pub(crate) fn engine() -> Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            // The defaults: Cranelift, and trap messages that name the guest's functions.
            Engine::new(&Config::new()).expect("the default Wasmtime configuration is valid")
        })
        .clone()
}

type Cache = Mutex<HashMap<PathBuf, (SystemTime, Component)>>;

/// The compiled component at `path`, from the cache unless the file changed since.
pub(crate) fn component(path: &Path) -> wasmtime::Result<Component> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(|e| wasmtime::format_err!("cannot read component {}: {e}", path.display()))?;
    let cache = CACHE.get_or_init(Cache::default);
    if let Some((at, component)) = cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(path)
        && *at == modified
    {
        return Ok(component.clone());
    }
    let component = Component::from_file(&engine(), path)
        .map_err(|e| e.context(format!("cannot compile component {}", path.display())))?;
    cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(path.to_owned(), (modified, component.clone()));
    Ok(component)
}
