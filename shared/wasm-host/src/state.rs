//! What one request's `Store` holds: WASI and wasi:http contexts, the resource table, the options.

use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::HostOptions;

pub(crate) struct State {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    pub(crate) table: ResourceTable,
    pub(crate) options: Arc<HostOptions>,
}

impl State {
    pub(crate) fn new(options: Arc<HostOptions>) -> Self {
        // Spin passes the guest's stdout and stderr to its logs; here they go to ours, so a
        // guest's panic message appears next to the trap. No environment, files or sockets:
        // Spin components get none of them unless the manifest grants them.
        let wasi = WasiCtx::builder().inherit_stdout().inherit_stderr().build();
        Self { wasi, http: WasiHttpCtx::new(), table: ResourceTable::new(), options }
    }
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl WasiHttpView for State {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        // The default hooks send outbound requests for real (plain HTTP or TLS), as Spin does for
        // hosts its manifest allows; every host is allowed here, and tests only reach loopback.
        WasiHttpCtxView { ctx: &mut self.http, table: &mut self.table, hooks: wasmtime_wasi_http::default_hooks() }
    }
}
