//! Benchmark routes: the search index inside the guest, timed by the guest, so the figures are the
//! component's own work on Spin's SQLite (`shared/wasm-host/examples/spin_search_bench.rs` drives
//! them). Each request is a fresh instance, as on Spin.
//!
//! - `POST /bench/search/index?from=F&count=C` indexes the corpus's documents `F..F+C` in batches
//!   of 100: `{"ms": elapsed}`.
//! - `POST /bench/search/query?count=Q` runs the first `Q` queries of the mix twice and times the
//!   second pass: `{"first_ms": the very first query (opening included), "p50_ms", "p95_ms"}`.

use std::time::Instant;

use emmaus_ports::SearchIndex as _;
use emmaus_spin::SpinSqliteSearch;
use emmaus_testkit::search::corpus::{corpus, query_mix};

const ORG: &str = "bench-org";

pub(crate) fn respond(action: &str, query: &str) -> Result<String, String> {
    let param = |name: &str| -> Result<usize, String> {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .ok_or_else(|| format!("missing {name}"))?
            .parse()
            .map_err(|_| format!("{name} is not a number"))
    };
    let runtime = tokio::runtime::Builder::new_current_thread().build().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let index = SpinSqliteSearch::new("default");
    match action {
        "index" => {
            let (from, count) = (param("from")?, param("count")?);
            for first in (from..from + count).step_by(100) {
                let docs = corpus(first, 100.min(from + count - first));
                runtime.block_on(index.index(ORG, docs)).map_err(|e| e.to_string())?;
            }
            Ok(format!("{{\"ms\":{:.1}}}", started.elapsed().as_secs_f64() * 1000.0))
        }
        "query" => {
            let queries = query_mix(param("count")?);
            let mut first = None;
            for query in &queries {
                runtime.block_on(index.search(ORG, query)).map_err(|e| e.to_string())?;
                first.get_or_insert_with(|| started.elapsed());
            }
            let mut times = Vec::with_capacity(queries.len());
            for query in &queries {
                let started = Instant::now();
                runtime.block_on(index.search(ORG, query)).map_err(|e| e.to_string())?;
                times.push(started.elapsed());
            }
            times.sort();
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
            Ok(format!(
                "{{\"first_ms\":{:.2},\"p50_ms\":{:.2},\"p95_ms\":{:.2}}}",
                ms(first.unwrap_or_default()),
                ms(times[times.len() / 2]),
                ms(times[times.len() * 95 / 100])
            ))
        }
        other => Err(format!("no bench action {other}")),
    }
}
