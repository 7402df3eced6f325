//! `spin-bench [--native URL] COMPONENT...`: each component's size, compile and instantiation
//! times, and first response in the Wasm test host; then `GET /api/health` requests per second on
//! the first component next to the same on a native server (`emmaus serve`), with the same client.
//! The components run with `server_timing = true`, so each answer says how long its steps took
//! inside the component (`Server-Timing`: reading the request, building the Platform, the router,
//! the handler); their means are printed beside the host's instantiation time.
//!
//! Loopback only, and bounded: at most `REQUESTS` requests or `SECONDS` seconds per server.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use emmaus_wasm_host::{HostOptions, WasmHost};
use http_body_util::{BodyExt as _, Empty};
use hyper::body::Bytes;

const PATH: &str = "/api/health";
const REQUESTS: usize = 20_000;
const SECONDS: u64 = 10;
/// Enough to keep both of the machine's cores busy while the client waits on answers.
const CONNECTIONS: usize = 4;
const SIZE_GOAL_BYTES: u64 = 3 * 1024 * 1024;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let native = match args.iter().position(|a| a == "--native") {
        Some(at) if at + 1 < args.len() => Some(args.drain(at..=at + 1).nth(1).unwrap_or_default()),
        Some(_) => return Err("--native needs a URL".into()),
        None => None,
    };
    let components: Vec<PathBuf> = args.into_iter().map(PathBuf::from).collect();
    if components.is_empty() {
        return Err("usage: spin-bench [--native URL] COMPONENT...".into());
    }

    let sqlite = std::env::temp_dir().join(format!("emmaus-spin-bench-{}", std::process::id()));
    let variables = [("server_timing".to_owned(), "true".to_owned())].into_iter().collect();
    let options = HostOptions { sqlite_dir: Some(sqlite.clone()), variables };
    let mut hosts = Vec::new();
    println!(
        "{:<26} {:>10} {:>10} {:>8} {:>12} {:>15}",
        "component", "size", "compile", "link", "instantiate", "first response"
    );
    for component in &components {
        let size = std::fs::metadata(component).map_err(|e| format!("{}: {e}", component.display()))?.len();
        let host = WasmHost::start(component, options.clone()).map_err(|e| format!("{e:?}"))?;
        // Only `system` serves health; the others answer its path with their own 404 problem,
        // which is as much a first response through the component's router.
        let (_, elapsed, first) = load(address(host.url())?, 1, 1, Duration::from_secs(SECONDS), true).await?;
        let t = host.timings();
        let goal = if size <= SIZE_GOAL_BYTES { "" } else { "  (over the 3 MB goal)" };
        println!(
            "{:<26} {:>7.2} MB {:>10} {:>8} {:>12} {:>15}{goal}",
            component.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            approx(size) / 1_048_576.0,
            ms(t.compile),
            ms(t.link),
            t.mean_instantiation().map_or_else(|| "-".into(), ms),
            t.first_response.map_or_else(|| "-".into(), ms),
        );
        eprintln!("  (client saw the first answer after {}; inside the component: {})", ms(elapsed), first.summary());
        hosts.push(host);
    }

    println!("\nGET {PATH}: up to {REQUESTS} requests or {SECONDS} s, {CONNECTIONS} keep-alive connections");
    let host = &hosts[0];
    let mut servers = vec![("wasm test host".to_owned(), host.url().to_owned())];
    servers.extend(native.map(|url| ("emmaus serve".to_owned(), url)));
    let mut inside = Steps::default();
    for (index, (name, url)) in servers.into_iter().enumerate() {
        let (done, elapsed, steps) =
            load(address(&url)?, REQUESTS, CONNECTIONS, Duration::from_secs(SECONDS), false).await?;
        println!(
            "{name:<16} {:>9.0} requests/s  ({done} in {})",
            approx(done as u64) / elapsed.as_secs_f64(),
            ms(elapsed)
        );
        if index == 0 {
            inside = steps;
        }
    }
    let t = host.timings();
    println!("\nper request on the wasm test host, means:");
    println!("  instantiation (host)      {}", t.mean_instantiation().map_or_else(|| "-".into(), ms));
    for (step, mean) in inside.means() {
        println!("  {:<25} {}", format!("{step} (component)"), ms(mean));
    }
    drop(hosts);
    let _ = std::fs::remove_dir_all(sqlite);
    Ok(())
}

#[expect(clippy::cast_precision_loss, reason = "figures for display; counts stay far below 2^52")]
fn approx(n: u64) -> f64 {
    n as f64
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

fn address(url: &str) -> Result<SocketAddr, String> {
    let rest = url.strip_prefix("http://").ok_or_else(|| format!("not a plain http URL: {url}"))?;
    rest.trim_end_matches('/').parse().map_err(|e| format!("{url}: {e}"))
}

/// The steps a component reported in `Server-Timing`, summed over the answers that carried them.
#[derive(Debug, Default)]
struct Steps {
    totals: BTreeMap<String, (Duration, u32)>,
    /// The order the component named them in.
    order: Vec<String>,
}

impl Steps {
    /// Adds one `Server-Timing` value (`name;dur=1.234, ...`, milliseconds).
    fn add(&mut self, header: &str) {
        for entry in header.split(',') {
            let mut parts = entry.trim().split(';');
            let name = parts.next().unwrap_or_default().trim().to_owned();
            let Some(ms) = parts.find_map(|p| p.trim().strip_prefix("dur=")).and_then(|d| d.parse::<f64>().ok()) else {
                continue;
            };
            self.record(name, Duration::from_secs_f64(ms / 1000.0), 1);
        }
    }

    /// Adds `count` answers that spent `took` in step `name`.
    fn record(&mut self, name: String, took: Duration, count: u32) {
        if !self.totals.contains_key(&name) {
            self.order.push(name.clone());
        }
        let total = self.totals.entry(name).or_default();
        total.0 += took;
        total.1 += count;
    }

    fn merge(&mut self, other: Self) {
        for name in other.order {
            let (took, count) = other.totals[&name];
            self.record(name, took, count);
        }
    }

    fn means(&self) -> Vec<(String, Duration)> {
        self.order
            .iter()
            .map(|name| {
                let (took, count) = self.totals[name];
                (name.clone(), took / count.max(1))
            })
            .collect()
    }

    fn summary(&self) -> String {
        if self.order.is_empty() {
            return "no Server-Timing".into();
        }
        self.means().into_iter().map(|(name, mean)| format!("{name} {}", ms(mean))).collect::<Vec<_>>().join(", ")
    }
}

/// Sends up to `total` requests over `connections` keep-alive connections until `limit`, and
/// returns how many were answered with a 200 or 503 (health answers 503 when a store fails), or
/// with anything when `any_status`, with the steps the answers' `Server-Timing` reported.
async fn load(
    address: SocketAddr,
    total: usize,
    connections: usize,
    limit: Duration,
    any_status: bool,
) -> Result<(usize, Duration, Steps), String> {
    let issued = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let issued = issued.clone();
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(address).await.map_err(|e| e.to_string())?;
            let io = wasmtime_wasi_http::io::TokioIo::new(stream);
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(io).await.map_err(|e| e.to_string())?;
            tokio::spawn(connection);
            let mut answered = 0;
            let mut steps = Steps::default();
            while issued.fetch_add(1, Ordering::Relaxed) < total && started.elapsed() < limit {
                let request = hyper::Request::get(PATH)
                    .header(hyper::header::HOST, address.to_string())
                    .body(Empty::<Bytes>::new())
                    .map_err(|e| e.to_string())?;
                let response = sender.send_request(request).await.map_err(|e| e.to_string())?;
                let status = response.status().as_u16();
                if let Some(timing) = response.headers().get("server-timing").and_then(|v| v.to_str().ok()) {
                    steps.add(timing);
                }
                response.into_body().collect().await.map_err(|e| e.to_string())?;
                if !any_status && status != 200 && status != 503 {
                    return Err(format!("GET {PATH} answered {status}"));
                }
                answered += 1;
            }
            Ok::<(usize, Steps), String>((answered, steps))
        }));
    }
    let mut done = 0;
    let mut steps = Steps::default();
    for task in tasks {
        let (answered, reported) = task.await.map_err(|e| e.to_string())??;
        done += answered;
        steps.merge(reported);
    }
    Ok((done, started.elapsed(), steps))
}
