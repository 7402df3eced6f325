//! `emmaus serve`: binds, serves the API, the web app and signed downloads, and stops cleanly.

use std::net::IpAddr;
use std::sync::Arc;

use anyhow::Context as _;
use axum::Router;
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, Request};
use axum::response::Response;
use axum::serve::IncomingStream;
use emmaus_app::Platform;
use emmaus_http::auth::{ClientAddress, FromThisMachine};
use emmaus_http::{HttpSettings, RequestScope};
use emmaus_ports::UrlSigner;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::config::ServeConfig;
use crate::proxies::TrustedProxies;
use crate::site::Site;

/// The whole local application: every function's API, signed downloads and the web app, with
/// clients seen directly (no trusted proxies).
pub fn app(platform: &Platform, signer: UrlSigner, limits: HttpSettings, site: Site) -> Router {
    app_behind(platform, signer, limits, site, TrustedProxies::default())
}

/// [`app`] behind the reverse proxies `proxies` names.
pub fn app_behind(
    platform: &Platform,
    signer: UrlSigner,
    limits: HttpSettings,
    site: Site,
    proxies: TrustedProxies,
) -> Router {
    let downloads = emmaus_http::downloads::routes(platform.clone(), signer);
    let site = Arc::new(site);
    let routes = crate::api::routes(platform).merge(downloads).fallback(move |request: Request| {
        let site = site.clone();
        async move { site.respond(request).await }
    });
    emmaus_http::layers_in(routes, platform.ids.clone(), limits, LocalScope { proxies: Arc::new(proxies) })
}

/// What the local host adds around each request: the client's address, and one SQLite read
/// transaction for the request's key-value reads (see [`emmaus_sqlite::one_snapshot`]): a
/// signed-in page reads several times, and a transaction per read was a fifth of its cost.
#[derive(Clone)]
struct LocalScope {
    proxies: Arc<TrustedProxies>,
}

impl RequestScope for LocalScope {
    /// Records the client's address for throttling and the audit log: the socket's peer, or behind
    /// a trusted proxy the client it names (see [`crate::proxies`]); and marks a request straight
    /// from this machine, which may read the dev outbox.
    fn prepare(&self, request: &mut Request) {
        let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<Peer>>().cloned() else {
            return;
        };
        let client = self.proxies.client(peer.ip, request.headers());
        if crate::proxies::direct_from_this_machine(client, request.headers()) {
            request.extensions_mut().insert(FromThisMachine);
        }
        let address = if client == peer.ip { peer.text.to_string() } else { client.to_string() };
        request.extensions_mut().insert(ClientAddress(address));
    }

    fn run<F>(&self, work: F) -> impl Future<Output = Response> + Send + 'static
    where
        F: Future<Output = Response> + Send + 'static,
    {
        emmaus_sqlite::one_snapshot(work)
    }
}

/// A connection's peer, its address written out once for the connection rather than again for
/// each of its requests.
#[derive(Debug, Clone)]
struct Peer {
    ip: IpAddr,
    text: Arc<str>,
}

impl Connected<IncomingStream<'_, TcpListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, TcpListener>) -> Self {
        let ip = stream.remote_addr().ip();
        Self { ip, text: ip.to_string().into() }
    }
}

/// Serves until Ctrl-C or SIGTERM, then lets requests in flight finish.
pub async fn run(config: &ServeConfig) -> anyhow::Result<()> {
    let site = match &config.site_dir {
        Some(dir) if dir.join("index.html").is_file() => Site::Folder(dir.clone()),
        Some(dir) => {
            anyhow::bail!("--site-dir {}: no index.html there (build the app with `npm run build`)", dir.display())
        }
        None => Site::Embedded,
    };
    let listener = TcpListener::bind(config.listen).await.map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            " (is Emmaus already running? choose another address with --listen)"
        } else {
            ""
        };
        anyhow::anyhow!("cannot listen on {}: {e}{hint}", config.listen)
    })?;
    let address = listener.local_addr().context("the listener has no address")?;
    // Opened after binding, so links default to the address really bound (port 0 picks one).
    let (platform, signer) = crate::platform::open(&ServeConfig { listen: address, ..config.clone() })?;
    if matches!(site, Site::Embedded) && !Site::embedded_available() {
        tracing::warn!("this binary was built without the web app; only the API is served");
    }
    let limits = HttpSettings { max_body_bytes: config.max_body_bytes, ..HttpSettings::for_platform(&platform) };
    let app = app_behind(&platform, signer, limits, site, config.trusted_proxies.clone());
    // The one line scripts and tests read to find the server.
    println!("Emmaus listening on http://{address}");
    tracing::info!(%address, data_dir = %config.data_dir.display(), mailer = platform.mailer.adapter(), "started");
    if platform.mailer.adapter() == "outbox" {
        tracing::info!(url = %format!("http://{address}/dev/outbox"), "mail is held in the dev outbox, not sent");
    }
    // While no organisation exists, a fresh one-time code is printed for the first-run page.
    emmaus_identity::setup::reissue_code(&platform).await?;
    let jobs = crate::scheduler::start(&platform);
    let service = app.into_make_service_with_connect_info::<Peer>();
    let served = axum::serve(listener, service).with_graceful_shutdown(shutdown_signal()).await;
    jobs.iter().for_each(JoinHandle::abort);
    served.context("the server failed")?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
