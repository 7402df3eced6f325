//! What one request's `Store` holds: WASI and wasi:http contexts, the resource table, the options.

use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::HostOptions;
use crate::outbound::Outbound;

pub(crate) struct State {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    outbound: Outbound,
    pub(crate) table: ResourceTable,
    pub(crate) options: Arc<HostOptions>,
}

impl State {
    pub(crate) fn new(options: Arc<HostOptions>, outbound: Outbound) -> Self {
        // Spin passes the guest's stdout and stderr to its logs; here they go to ours, so a
        // guest's panic message appears next to the trap. No environment, files or sockets:
        // Spin components get none of them unless the manifest grants them.
        let wasi = WasiCtx::builder().inherit_stdout().inherit_stderr().build();
        Self { wasi, http: WasiHttpCtx::new(), outbound, table: ResourceTable::new(), options }
    }
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl WasiHttpView for State {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        // Outbound requests go out for real (plain HTTP or TLS), as Spin sends them to the hosts its
        // manifest allows: every host, or a manifest's `allowed_outbound_hosts` (`outbound.rs`).
        WasiHttpCtxView { ctx: &mut self.http, table: &mut self.table, hooks: &mut self.outbound }
    }
}
