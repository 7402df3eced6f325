//! A test host for Spin components on Wasmtime, standing in for the `spin` CLI where it cannot run.
//!
//! It serves a component's `wasi:http/incoming-handler@0.2.0` export over HTTP on loopback, with
//! WASI 0.2, outbound `wasi:http`, and the two Spin interfaces our components import:
//! `fermyon:spin/sqlite@2.0.0` on real SQLite files and `fermyon:spin/variables@2.0.0` from a map.
//! As in Spin, every request gets a fresh `Store` and instance, so no guest state survives a request.
//!
//! [`WasmHost::start`] lets a component call any host. [`WasmHost::start_granted`] runs it with
//! what `spin.toml` grants it ([`SpinManifest::grants`]): its variables, its database, and only its
//! `allowed_outbound_hosts`, enforced as Spin enforces them.

mod engine;
mod manifest;
mod outbound;
mod server;
mod spin;
mod sqlite;
mod state;

pub use manifest::{Grants, SpinManifest};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wasmtime::component::Linker;
use wasmtime_wasi_http::p2::bindings::ProxyPre;

use crate::outbound::AllowedHosts;
use crate::state::State;

/// What the host gives a component besides WASI and HTTP.
#[derive(Debug, Clone, Default)]
pub struct HostOptions {
    /// Spin variables (`fermyon:spin/variables`), by name.
    pub variables: HashMap<String, String>,
    /// Where the `default` SQLite database lives (`<dir>/sqlite_db.db`, as Spin names it under
    /// `.spin/`). `None` means the component was granted no database: `open` answers `access-denied`.
    pub sqlite_dir: Option<PathBuf>,
}

/// How long the host took to get a component ready and to answer, for `scripts/bench/spin`.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Reading and compiling the component to machine code (`Component::from_file`).
    pub compile: Duration,
    /// Linking its imports (`instantiate_pre`), where a missing interface is reported.
    pub link: Duration,
    /// Instantiations so far (one per request) and their total time.
    pub instantiations: u32,
    pub instantiation_total: Duration,
    /// From the first request's arrival to its response head, instantiation included.
    pub first_response: Option<Duration>,
}

impl Timings {
    pub fn mean_instantiation(&self) -> Option<Duration> {
        (self.instantiations > 0).then(|| self.instantiation_total / self.instantiations)
    }
}

/// A component served on `127.0.0.1`; dropping it stops the server and its runtime.
pub struct WasmHost {
    url: String,
    timings: Arc<Mutex<Timings>>,
    denied: Arc<Mutex<Vec<String>>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for WasmHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WasmHost({})", self.url)
    }
}

impl WasmHost {
    /// Compiles and links `component`, then serves it on a free loopback port. Fails, naming the
    /// interface, when the component imports something this host does not provide.
    pub fn start(component: &Path, options: HostOptions) -> wasmtime::Result<Self> {
        Self::serve(component, options, None)
    }

    /// [`Self::start`] with what a manifest grants: outbound requests to hosts outside
    /// `allowed_outbound_hosts` fail with `HttpRequestDenied` (see [`Self::denied_requests`]).
    /// An entry Spin would refuse (empty, or with a path) fails the start, naming it.
    pub fn start_granted(component: &Path, grants: Grants) -> wasmtime::Result<Self> {
        let allowed = AllowedHosts::parse(&grants.allowed_outbound_hosts).map_err(|e| {
            wasmtime::format_err!("{e}; Spin would deny every outbound request of {}", component.display())
        })?;
        Self::serve(component, grants.options, Some(Arc::new(allowed)))
    }

    fn serve(component: &Path, options: HostOptions, allowed: Option<Arc<AllowedHosts>>) -> wasmtime::Result<Self> {
        let engine = engine::engine();
        let started = Instant::now();
        let compiled = engine::component(component)?;
        let compile = started.elapsed();

        let started = Instant::now();
        let mut linker = Linker::<State>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        spin::add_to_linker(&mut linker)?;
        let pre = linker
            .instantiate_pre(&compiled)
            .map_err(|e| e.context(format!("cannot link {} in the test host", component.display())))?;
        let pre = ProxyPre::new(pre)
            .map_err(|e| e.context(format!("{} does not export wasi:http/incoming-handler", component.display())))?;
        let link = started.elapsed();

        let timings = Arc::new(Mutex::new(Timings { compile, link, ..Timings::default() }));
        let denied = Arc::new(Mutex::new(Vec::new()));
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let url = format!("http://{}", listener.local_addr()?);
        // Its own runtime, so the host outlives whichever runtime (or none) the caller has, and
        // `Drop` can stop it from any context.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("wasm-host")
            .enable_all()
            .build()?;
        let served = server::Served {
            pre,
            options: Arc::new(options),
            timings: timings.clone(),
            allowed,
            denied: denied.clone(),
            name: component.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        };
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        runtime.spawn(server::serve(listener, Arc::new(served)));
        Ok(Self { url, timings, denied, runtime: Some(runtime) })
    }

    /// The base URL, `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn timings(&self) -> Timings {
        self.timings.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The URLs of the outbound requests denied so far, in order (none without a manifest).
    pub fn denied_requests(&self) -> Vec<String> {
        self.denied.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

impl Drop for WasmHost {
    fn drop(&mut self) {
        // Not a blocking shutdown: tests drop the host inside their own runtime, where blocking panics.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
