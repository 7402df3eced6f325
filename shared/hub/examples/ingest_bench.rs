//! `ingest_bench COPIES`: the `ingest` job on the local host (SQLite store, files in a folder, FTS5
//! index). It uploads COPIES of each test document (a two-page PDF, a DOCX with a table, a PPTX with
//! speaker notes, and a Markdown text), runs the job until it is idle, and prints the documents read
//! per second and the process's peak memory before and after. Then, for 20 PDFs one at a time, the
//! time from announcing the upload to finding it by a word on its second page, with the job run at
//! once (on the local host it runs every two seconds, which adds up to 2 s to each figure).
//! The documents are the fixtures `scripts/fixtures/make_documents.py` made. Release build:
//! `scripts/bench/ingest`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use emmaus_app::{Platform, PlatformParts};
use emmaus_domain::identity::{Role, RoleSet};
use emmaus_hub::files::{self, Announced};
use emmaus_hub::search::{Listing, find};
use emmaus_identity::{Actor, RequestMeta};
use emmaus_ports::{SystemClock, UrlSigner};

const PDF: &[u8] = include_bytes!("../../extract/tests/fixtures/two-pages.pdf");
const DOCX: &[u8] = include_bytes!("../../extract/tests/fixtures/document.docx");
const PPTX: &[u8] = include_bytes!("../../extract/tests/fixtures/slides.pptx");
const ORG: &str = "BENCHORG";
const LATENCY_RUNS: usize = 20;

fn markdown() -> Vec<u8> {
    use std::fmt::Write as _;
    let mut text = String::from("# Walking to Emmaus\n\n");
    for i in 0..200 {
        let _ = write!(text, "Paragraph {i}: two disciples walked and talked, and *their hearts burned*.\n\n");
    }
    text.into_bytes()
}

/// The process's peak resident memory so far, in MiB (Linux `VmHWM`).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let copies: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(25);
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(SystemClock);
    let (base, _) = Platform::in_memory("local");
    let p = Platform::new(PlatformParts {
        kv: Arc::new(emmaus_sqlite::SqliteKv::open(&dir.path().join("emmaus.db"), clock.clone())?),
        blobs: Arc::new(emmaus_fs::FsBlobStore::open(
            &dir.path().join("files"),
            64 * 1024 * 1024,
            clock.clone(),
            UrlSigner::new("", vec![1; 32]),
        )?),
        search: Arc::new(emmaus_sqlite::SqliteSearch::open(&dir.path().join("search.db"))?),
        clock,
        ..base.parts()
    });
    let admin = Actor {
        person_id: "1".into(),
        session_id: "bench".into(),
        org_id: ORG.into(),
        roles: RoleSet::new([Role::Admin]),
        meta: RequestMeta::default(),
    };
    let markdown = markdown();
    let documents: [(&str, &str, &[u8]); 4] = [
        ("sermon.pdf", "application/pdf", PDF),
        ("study.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", DOCX),
        ("talk.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", PPTX),
        ("notes.md", "text/markdown", &markdown),
    ];
    for copy in 0..copies {
        for (name, content_type, bytes) in documents {
            upload(&p, &admin, &format!("{copy} {name}"), content_type, bytes).await?;
        }
    }
    let total = copies * documents.len();
    let before = peak_mib();
    let started = Instant::now();
    let mut read = 0;
    loop {
        let applied = emmaus_app::outbox::run_lane(&with_handlers(&p), emmaus_hub::ingest::LANE, p.clock.now()).await?;
        read += applied.done as usize;
        if !applied.more && applied.done == 0 {
            break;
        }
    }
    let elapsed = started.elapsed();
    assert_eq!(read, total, "every document read once");
    println!(
        "ingestion: {total} documents ({copies} each of PDF, DOCX, PPTX, Markdown) in {:.2} s: {:.1} documents/s; peak memory {:.1} MiB before, {:.1} MiB after",
        elapsed.as_secs_f64(),
        f64::from(u32::try_from(total)?) / elapsed.as_secs_f64(),
        before,
        peak_mib()
    );

    let mut times = Vec::with_capacity(LATENCY_RUNS);
    for run in 0..LATENCY_RUNS {
        let name = format!("fossil {run}.pdf");
        let started = Instant::now();
        upload(&p, &admin, &name, "application/pdf", PDF).await?;
        emmaus_app::outbox::run_lane(&with_handlers(&p), emmaus_hub::ingest::LANE, p.clock.now()).await?;
        let listing = Listing { text: "quetzalcoatlus".into(), limit: 50, ..Listing::default() };
        let found = find(&p, &admin, &listing).await?;
        assert!(found.items.iter().any(|f| f.resource.title == name), "found by a word on its second page");
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "upload to searchable (announce, send, judge, read, index, find), job run at once: p50 {:.1} ms, p95 {:.1} ms; the local scheduler adds up to 2 s",
        ms(times[LATENCY_RUNS / 2]),
        ms(times[LATENCY_RUNS * 95 / 100])
    );
    Ok(())
}

fn with_handlers(p: &Platform) -> Platform {
    Platform::new(PlatformParts {
        tasks: Arc::new(emmaus_hub::ingest::handlers(emmaus_app::outbox::Handlers::default())),
        ..p.parts()
    })
}

async fn upload(
    p: &Platform,
    admin: &Actor,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<(), Box<dyn std::error::Error>> {
    let announced = Announced {
        name: name.into(),
        size: bytes.len() as u64,
        content_type: content_type.into(),
        ..Announced::default()
    };
    let (view, _) = files::start(p, admin, announced).await?;
    files::receive(p, admin, &view.resource.id, bytes.to_vec()).await?;
    Ok(())
}
