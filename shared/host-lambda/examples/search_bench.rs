//! `search_bench SIZE... [--aws ENDPOINT]`: the search index on the local host (an FTS5 file) and
//! on Lambda's (snapshots over DynamoDB and S3 at ENDPOINT, moto in `scripts/bench/search`), at each
//! library size: build time, index size, cold open, and query latency p50/p95 over a fixed mix of
//! 200 queries (`emmaus_testkit::search::corpus`). Prints one line per host and size, and for
//! Lambda what publishing costs.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use emmaus_ports::{BlobStore, Clock, Ids, KvStore, RandomIds, SearchIndex, SystemClock};
use emmaus_sqlite::{SnapshotSearch, SqliteSearch};
use emmaus_testkit::search::corpus::{corpus, query_mix};

const ORG: &str = "bench-org";
const BATCH: usize = 100;
const QUERIES: usize = 200;
/// Documents written through Lambda's journal to measure its rate.
const JOURNAL_SAMPLE: usize = 500;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let aws = match args.iter().position(|a| a == "--aws") {
        Some(at) if at + 1 < args.len() => Some(args.drain(at..=at + 1).nth(1).unwrap_or_default()),
        Some(_) => return Err("--aws needs an endpoint".into()),
        None => None,
    };
    let sizes: Vec<usize> = args.iter().map(|a| a.parse()).collect::<Result<_, _>>()?;
    if sizes.is_empty() {
        return Err("usage: search_bench SIZE... [--aws ENDPOINT]".into());
    }
    println!(
        "{:<8} {:>7} {:>10} {:>10} {:>11} {:>9} {:>9}",
        "host", "docs", "build s", "size MiB", "cold ms", "p50 ms", "p95 ms"
    );
    for &size in &sizes {
        let built = local(size).await?;
        if let Some(endpoint) = &aws {
            lambda(size, endpoint, built.path()).await?;
        }
    }
    Ok(())
}

/// The local host's index; returns its folder, whose file the Lambda run then publishes.
async fn local(size: usize) -> Result<tempfile::TempDir, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("search.db");
    let index = SqliteSearch::open(&path)?;
    let started = Instant::now();
    fill(&index, size).await?;
    let build = started.elapsed();
    drop(index);
    let bytes = folder_bytes(dir.path());
    let started = Instant::now();
    let index = SqliteSearch::open(&path)?;
    index.search(ORG, &query_mix(1)[0]).await?;
    let cold = started.elapsed();
    let (p50, p95) = latencies(&index).await?;
    report("local", size, build, bytes, cold, p50, p95);
    Ok(dir)
}

/// Lambda's snapshots. Indexing a whole library through the journal on moto is not measured at
/// these sizes (moto holds every item and object in memory, and runs out of it), so the library is
/// the local run's file, published whole as a rebuild would be; the journal's own rate is measured
/// on `JOURNAL_SAMPLE` documents.
async fn lambda(size: usize, endpoint: &str, built: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let config = emmaus_dynamodb::testing::sdk_config().await;
    let table = format!("emmaus-search-bench-{size}-{}", std::process::id());
    let kv =
        emmaus_dynamodb::DynamoKv::new(emmaus_dynamodb::dynamodb_client(&config, Some(endpoint)), table, clock.clone());
    kv.create_table_if_missing().await?;
    let bucket = format!("emmaus-search-bench-{size}-{}", std::process::id());
    let s3 = emmaus_s3::S3BlobStore::new(
        emmaus_s3::s3_client(&config, Some(endpoint), true),
        bucket,
        25 * 1024 * 1024,
        clock.clone(),
    );
    s3.create_bucket_if_missing().await?;
    let (kv, blobs): (Arc<dyn KvStore>, Arc<dyn BlobStore>) = (Arc::new(kv), Arc::new(s3));
    let ids: Arc<dyn Ids> = Arc::new(RandomIds::new(clock.clone()));
    let writer_cache = tempfile::tempdir()?;
    let writer = SnapshotSearch::new(kv.clone(), blobs.clone(), ids.clone(), clock.clone(), writer_cache.path())?;
    let started = Instant::now();
    writer.publish_file(ORG, &built.join("search.db")).await?;
    let publish = started.elapsed();
    let mut bytes = 0;
    let mut cursor = None;
    loop {
        let page = blobs.list(&format!("search/{ORG}/"), cursor.as_deref(), 1000).await?;
        bytes += page.items.iter().map(|meta| meta.size).sum::<u64>();
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    // One change on a library of this size: what every later publish costs.
    let started = Instant::now();
    writer.index(ORG, corpus(0, 1)).await?;
    writer.refresh().await?;
    let one_change = started.elapsed();
    // The journal's rate: a sample of documents written, then published on top.
    let started = Instant::now();
    fill_from(&writer, size, JOURNAL_SAMPLE).await?;
    let journal = started.elapsed();
    let started = Instant::now();
    writer.refresh().await?;
    let sample_publish = started.elapsed();
    let reader_cache = tempfile::tempdir()?;
    let reader = SnapshotSearch::new(kv, blobs, ids, clock, reader_cache.path())?;
    let started = Instant::now();
    reader.search(ORG, &query_mix(1)[0]).await?;
    let cold = started.elapsed();
    let (p50, p95) = latencies(&reader).await?;
    report("lambda", size, publish, bytes, cold, p50, p95);
    println!(
        "         lambda: publishing the built file {:.1} s; one change, then refresh {:.1} s; \
         {JOURNAL_SAMPLE} documents into the journal {:.1} s, then refresh {:.1} s",
        publish.as_secs_f64(),
        one_change.as_secs_f64(),
        journal.as_secs_f64(),
        sample_publish.as_secs_f64()
    );
    Ok(())
}

async fn fill(index: &dyn SearchIndex, size: usize) -> Result<(), Box<dyn std::error::Error>> {
    fill_from(index, 0, size).await
}

async fn fill_from(index: &dyn SearchIndex, first: usize, count: usize) -> Result<(), Box<dyn std::error::Error>> {
    for at in (first..first + count).step_by(BATCH) {
        index.index(ORG, corpus(at, BATCH.min(first + count - at))).await?;
    }
    Ok(())
}

/// p50 and p95 of the query mix, after one pass to warm the caches.
async fn latencies(index: &dyn SearchIndex) -> Result<(Duration, Duration), Box<dyn std::error::Error>> {
    let queries = query_mix(QUERIES);
    for query in &queries {
        index.search(ORG, query).await?;
    }
    let mut times = Vec::with_capacity(queries.len());
    for query in &queries {
        let started = Instant::now();
        index.search(ORG, query).await?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok((times[times.len() / 2], times[times.len() * 95 / 100]))
}

fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map_or(0, |entries| entries.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
}

fn report(host: &str, size: usize, build: Duration, bytes: u64, cold: Duration, p50: Duration, p95: Duration) {
    #[expect(clippy::cast_precision_loss, reason = "a size in MiB to one decimal")]
    let mib = bytes as f64 / (1024.0 * 1024.0);
    println!(
        "{host:<8} {size:>7} {:>10.1} {mib:>10.1} {:>11.1} {:>9.2} {:>9.2}",
        build.as_secs_f64(),
        cold.as_secs_f64() * 1000.0,
        p50.as_secs_f64() * 1000.0,
        p95.as_secs_f64() * 1000.0
    );
}
