//! The HTTP side: accepts connections, and runs each request in a fresh store and instance.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use wasmtime::Store;
use wasmtime_wasi_http::WasiHttpView as _;
use wasmtime_wasi_http::io::TokioIo;
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use crate::outbound::{AllowedHosts, Outbound};
use crate::state::State;
use crate::{HostOptions, Timings};

/// One component ready to serve: linked, with the options every request's store gets.
pub(crate) struct Served {
    pub(crate) pre: ProxyPre<State>,
    pub(crate) options: Arc<HostOptions>,
    pub(crate) timings: Arc<Mutex<Timings>>,
    /// `None`: the component may call any host.
    pub(crate) allowed: Option<Arc<AllowedHosts>>,
    pub(crate) denied: Arc<Mutex<Vec<String>>>,
    pub(crate) name: String,
}

pub(crate) async fn serve(listener: tokio::net::TcpListener, served: Arc<Served>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                eprintln!("wasm-host {}: accept failed: {e}", served.name);
                continue;
            }
        };
        let served = served.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                let served = served.clone();
                // As Spin's HTTP trigger does: its own `spin-client-addr` after whatever the caller sent.
                if let Ok(value) = hyper::header::HeaderValue::from_str(&peer.to_string()) {
                    request.headers_mut().append("spin-client-addr", value);
                }
                async move { Ok::<_, Infallible>(served.handle(request).await) }
            });
            // Errors here are clients going away mid-request; the next connection is unaffected.
            let _ = http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

impl Served {
    async fn handle(&self, request: hyper::Request<Incoming>) -> hyper::Response<HyperOutgoingBody> {
        let arrived = Instant::now();
        let line = format!("{} {}", request.method(), request.uri());
        match self.run(request).await {
            Ok(response) => {
                let mut timings = self.lock();
                timings.first_response.get_or_insert_with(|| arrived.elapsed());
                response
            }
            Err(error) => {
                // A trap is the guest's failure, not the host's: answer 500 as Spin does, log the
                // whole chain (the guest's panic message went to stderr just before), keep serving.
                eprintln!("wasm-host {}: {line}: {error:?}", self.name);
                let body = Full::new(Bytes::from("Internal Server Error\n")).map_err(Into::into).boxed_unsync();
                let mut response = hyper::Response::new(body);
                *response.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
                response
            }
        }
    }

    async fn run(&self, request: hyper::Request<Incoming>) -> wasmtime::Result<hyper::Response<HyperOutgoingBody>> {
        let outbound = Outbound { allowed: self.allowed.clone(), denied: self.denied.clone() };
        let mut store = Store::new(self.pre.engine(), State::new(self.options.clone(), outbound));
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let request = store.data_mut().http().new_incoming_request(Scheme::Http, request)?;
        let out = store.data_mut().http().new_response_outparam(sender)?;

        let started = Instant::now();
        let proxy = self.pre.instantiate_async(&mut store).await?;
        {
            let mut timings = self.lock();
            timings.instantiations += 1;
            timings.instantiation_total += started.elapsed();
        }
        // The guest keeps running after it has set the response head, to stream the body; so it
        // runs in its own task and the response goes back as soon as the head is set.
        let task =
            tokio::spawn(async move { proxy.wasi_http_incoming_handler().call_handle(&mut store, request, out).await });
        match receiver.await {
            Ok(Ok(response)) => {
                // A trap while streaming the body can only cut the body short; it still goes to the log.
                let name = self.name.clone();
                tokio::spawn(async move {
                    if let Ok(Err(trap)) = task.await {
                        eprintln!("wasm-host {name}: the guest trapped after answering: {trap:?}");
                    }
                });
                Ok(response)
            }
            Ok(Err(code)) => Err(wasmtime::format_err!("the guest answered with an error code: {code:?}")),
            // The outparam was dropped unset: the task says why (a trap, usually).
            Err(_) => match task.await {
                Ok(Ok(())) => Err(wasmtime::format_err!("the guest returned without setting a response")),
                Ok(Err(trap)) => Err(trap.context("the guest trapped")),
                Err(join) => Err(wasmtime::format_err!("the guest's task failed: {join}")),
            },
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Timings> {
        self.timings.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
