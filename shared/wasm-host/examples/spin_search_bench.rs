//! `spin_search_bench COMPONENT SIZE...`: the search index on Spin, inside the `spin-conformance`
//! component in the Wasm test host with its SQLite in a temporary folder: build time (indexing
//! requests of 2,000 documents), the database's size, a cold request (a fresh instance answering
//! one query, timed by the client), and p50/p95 of the query mix timed inside the guest.

use std::path::PathBuf;
use std::time::Instant;

use emmaus_wasm_host::{HostOptions, WasmHost};

const PER_REQUEST: usize = 2_000;
const QUERIES: usize = 200;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let component = PathBuf::from(args.next().ok_or("usage: spin_search_bench COMPONENT SIZE...")?);
    let sizes: Vec<usize> = args.map(|a| a.parse()).collect::<Result<_, _>>()?;
    let client = reqwest::Client::new();
    println!(
        "{:<8} {:>7} {:>10} {:>10} {:>11} {:>9} {:>9}",
        "host", "docs", "build s", "size MiB", "cold ms", "p50 ms", "p95 ms"
    );
    for size in sizes {
        let dir = tempfile::tempdir()?;
        let options = HostOptions { sqlite_dir: Some(dir.path().to_owned()), ..HostOptions::default() };
        let host = WasmHost::start(&component, options).map_err(|e| format!("{e:?}"))?;
        let started = Instant::now();
        for from in (0..size).step_by(PER_REQUEST) {
            let count = PER_REQUEST.min(size - from);
            let url = format!("{}/bench/search/index?from={from}&count={count}", host.url());
            let response = client.post(url).send().await?;
            if !response.status().is_success() {
                return Err(format!("indexing answered {}: {}", response.status(), response.text().await?).into());
            }
        }
        let build = started.elapsed();
        let bytes: u64 =
            std::fs::read_dir(dir.path())?.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum();
        let started = Instant::now();
        let cold = client.post(format!("{}/bench/search/query?count=1", host.url())).send().await?;
        let cold_ms = started.elapsed().as_secs_f64() * 1000.0;
        if !cold.status().is_success() {
            return Err(format!("a query answered {}", cold.status()).into());
        }
        let timed =
            client.post(format!("{}/bench/search/query?count={QUERIES}", host.url())).send().await?.text().await?;
        let figure = |name: &str| -> f64 {
            timed
                .split(&format!("\"{name}\":"))
                .nth(1)
                .and_then(|rest| rest.split([',', '}']).next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(f64::NAN)
        };
        #[expect(clippy::cast_precision_loss, reason = "a size in MiB to one decimal")]
        let mib = bytes as f64 / (1024.0 * 1024.0);
        println!(
            "{:<8} {size:>7} {:>10.1} {mib:>10.1} {cold_ms:>11.1} {:>9.2} {:>9.2}",
            "spin",
            build.as_secs_f64(),
            figure("p50_ms"),
            figure("p95_ms")
        );
    }
    Ok(())
}
