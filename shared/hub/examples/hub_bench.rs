//! `hub_bench SIZE...`: the hub's search on the local store at each library size, with each engine
//! of the search port (tantivy, the local host's; SQLite FTS5, Spin's and Lambda's; ADR 0020), next
//! to a naive scan of the same records. For each size and engine it prints the rebuild of the index
//! from the store (`index::rebuild`, resources per second, merges included) and its size on disk,
//! the p50 and p95 of a fixed mix of 200 searches through `search::find` (the reader's groups read,
//! the search port queried, the page's records read back) and of a filtered listing paged through
//! 50 pages as the web app pages (a tag and a kind, newest first, no words; facets counted with the
//! first page only), and the same searches answered by reading every record and note text and
//! matching in memory (on a sample of 20: a scan takes seconds), with the ratio of the two p95s.
//!
//! The corpus and queries are `emmaus_testkit::search::corpus`'s, as notes: titles of 3 to 8
//! words, 25-word descriptions, bodies of 100 to 600 words, a fifth shared with a group, a
//! twentieth private. Release build: `scripts/bench/hub`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use emmaus_app::docs;
use emmaus_app::{Platform, PlatformParts};
use emmaus_domain::Timestamp;
use emmaus_domain::hub::{ResourceKind, Source, Tag, Visibility};
use emmaus_domain::identity::{Role, RoleSet};
use emmaus_hub::model::{NoteState, NoteVersion, Resource};
use emmaus_hub::search::{Listing, Order};
use emmaus_hub::{keys, search};
use emmaus_identity::access::GroupLink;
use emmaus_identity::{Actor, RequestMeta};
use emmaus_ports::{Query, SearchDoc, SystemClock};
use emmaus_testkit::search::corpus::{corpus, query_mix};

const ORG: &str = "BENCHORG";
const QUERIES: usize = 200;
const SCAN_SAMPLE: usize = 20;
const WRITE_CHUNK: usize = 2000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sizes: Vec<usize> = std::env::args().skip(1).map(|a| a.parse()).collect::<Result<_, _>>()?;
    if sizes.is_empty() {
        return Err("usage: hub_bench SIZE...".into());
    }
    println!(
        "{:>7} {:>8} {:>12} {:>10} {:>9} {:>9} {:>11} {:>11} {:>10} {:>11} {:>8}",
        "notes",
        "engine",
        "rebuild/s",
        "index MiB",
        "p50 ms",
        "p95 ms",
        "list p95",
        "scan p50",
        "scan p95",
        "scan/hub",
        "results"
    );
    for size in sizes {
        run(size).await?;
    }
    Ok(())
}

/// The two engines of the search port on the local host's files: tantivy (what `emmaus serve`
/// uses) and SQLite FTS5 (what Spin and Lambda use; ADR 0020).
const ENGINES: [&str; 2] = ["tantivy", "fts5"];

fn engine(name: &str, dir: &std::path::Path) -> Result<Arc<dyn emmaus_ports::SearchIndex>, Box<dyn std::error::Error>> {
    Ok(match name {
        "tantivy" => Arc::new(emmaus_search_tantivy::TantivySearch::open(dir.join("search"))?),
        _ => Arc::new(emmaus_sqlite::SqliteSearch::open(&dir.join("search.db"))?),
    })
}

async fn run(size: usize) -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(SystemClock);
    let (base, _) = Platform::in_memory("local");
    let store_platform = Platform::new(PlatformParts {
        kv: Arc::new(emmaus_sqlite::SqliteKv::open(&dir.path().join("emmaus.db"), clock.clone())?),
        ..base.parts()
    });
    let reader = member(&store_platform).await?;
    // The records, written straight to the store in large batches (the use cases would index each
    // one as it is written, which is what the rebuild below measures in bulk).
    for chunk in corpus(0, size).chunks(WRITE_CHUNK) {
        store(&store_platform, chunk).await?;
    }
    let listings: Vec<Listing> = query_mix(QUERIES).iter().map(listing).collect();
    // The scan reads the store only, so it is measured once for both engines.
    let mut scan_times = Vec::new();
    for l in listings.iter().take(SCAN_SAMPLE) {
        let started = Instant::now();
        scan(&store_platform, &reader, l).await?;
        scan_times.push(started.elapsed());
    }
    let (s50, s95) = (percentile(&mut scan_times, 50), percentile(&mut scan_times, 95));
    // `HUB_BENCH_ENGINES=tantivy` measures one engine only.
    let only = std::env::var("HUB_BENCH_ENGINES").ok();
    for name in
        ENGINES.into_iter().filter(|name| only.as_deref().is_none_or(|only| only.split(',').any(|o| o == *name)))
    {
        let p = Platform::new(PlatformParts { search: engine(name, dir.path())?, ..store_platform.parts() });
        let rebuild_started = Instant::now();
        let rebuilt = emmaus_hub::index::rebuild(&p, ORG, |_, _| {}).await?;
        let rebuild_time = rebuild_started.elapsed();
        assert_eq!(rebuilt.indexed as usize, size);

        // One warm pass, then the measured one.
        for l in &listings {
            search::find(&p, &reader, l).await?;
        }
        let mut times = Vec::new();
        let mut results = 0;
        for l in &listings {
            let started = Instant::now();
            results += search::find(&p, &reader, l).await?.items.len();
            times.push(started.elapsed());
        }
        let filtered = Listing {
            kinds: vec![ResourceKind::Note],
            tag: Some(Tag::parse("theology")?),
            order: Order::Updated,
            limit: 20,
            ..Listing::default()
        };
        let mut list_times = Vec::new();
        for offset in 0..50 {
            // As the web app pages: the facets with the first page, none with the others.
            let page = Listing { offset: offset * 20, without_facets: offset > 0, ..filtered.clone() };
            let started = Instant::now();
            search::find(&p, &reader, &page).await?;
            list_times.push(started.elapsed());
        }
        let (p50, p95) = (percentile(&mut times, 50), percentile(&mut times, 95));
        let list95 = percentile(&mut list_times, 95);
        println!(
            "{size:>7} {name:>8} {:>12.0} {:>10.1} {:>9.2} {:>9.2} {:>11.2} {:>11.1} {:>10.1} {:>10.0}x {:>8}",
            f64::from(u32::try_from(size).unwrap_or(u32::MAX)) / rebuild_time.as_secs_f64(),
            mib(index_bytes(dir.path(), name)),
            ms(p50),
            ms(p95),
            ms(list95),
            ms(s50),
            ms(s95),
            s95.as_secs_f64() / p95.as_secs_f64(),
            results / QUERIES,
        );
    }
    Ok(())
}

/// What the engine's index takes on disk: tantivy's folder, or FTS5's file with its write-ahead log.
fn index_bytes(dir: &std::path::Path, engine: &str) -> u64 {
    fn walk(path: &std::path::Path) -> u64 {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                std::fs::read_dir(path).map_or(0, |entries| entries.flatten().map(|entry| walk(&entry.path())).sum())
            }
            Ok(meta) => meta.len(),
            Err(_) => 0,
        }
    }
    match engine {
        "tantivy" => walk(&dir.join("search")),
        _ => walk(&dir.join("search.db")) + walk(&dir.join("search.db-wal")),
    }
}

#[expect(clippy::cast_precision_loss, reason = "sizes of a few hundred MiB")]
fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(times: &mut [Duration], p: usize) -> Duration {
    times.sort();
    times[(times.len() * p / 100).min(times.len() - 1)]
}

/// A mentee in groups 1 and 2, as the corpus's member readers are.
async fn member(p: &Platform) -> Result<Actor, Box<dyn std::error::Error>> {
    for group in ["1", "2"] {
        let key = emmaus_ports::Key::new(emmaus_identity::keys::groups_of(ORG, "3"), format!("group#{group}"));
        p.kv.batch(vec![docs::create_write(key, &GroupLink { group: group.to_owned() }, None)]).await?;
    }
    Ok(Actor {
        person_id: "3".into(),
        session_id: "bench".into(),
        org_id: ORG.into(),
        roles: RoleSet::new([Role::Mentee]),
        meta: RequestMeta::default(),
    })
}

/// A corpus document as a note: its resource and its one version.
async fn store(p: &Platform, docs_: &[SearchDoc]) -> Result<(), Box<dyn std::error::Error>> {
    let mut writes = Vec::new();
    for doc in docs_ {
        let (visibility, author) = match doc.readers[0].split_once(':') {
            Some(("group", id)) => (Visibility::Group { group_id: id.to_owned() }, "author".to_owned()),
            Some(("person", id)) => (Visibility::Private, id.to_owned()),
            _ => (Visibility::Organisation, "author".to_owned()),
        };
        let updated = Timestamp::from_unix_seconds(doc.dates["updated"]);
        let title: String = doc.title.chars().take(200).collect();
        let resource = Resource {
            id: doc.id.clone(),
            org_id: ORG.into(),
            kind: ResourceKind::Note,
            title: title.clone(),
            description: doc.summary.chars().take(2000).collect(),
            tags: doc.paths["tags"].iter().filter_map(|t| Tag::parse(t).ok()).collect(),
            collection: None,
            author_id: author.clone(),
            source: Source::Direct,
            visibility,
            created_at: updated,
            updated_at: updated,
            updated_by: author.clone(),
            deleted: None,
            note: Some(NoteState { bytes: doc.body.len() as u64, number: 1, oldest_kept: 1 }),
            link: None,
            file: None,
            vault: None,
        };
        let version = NoteVersion {
            number: 1,
            title,
            bytes: doc.body.len() as u64,
            saved_at: updated,
            saved_by: author,
            text: doc.body.clone(),
        };
        writes.push(docs::create_write(keys::resource(ORG, &doc.id), &resource, None));
        writes.push(docs::create_write(keys::version(ORG, &doc.id, 1), &version, None));
    }
    for batch in writes.chunks(24) {
        p.kv.batch(batch.to_vec()).await?;
    }
    Ok(())
}

/// The corpus query as the hub's listing.
fn listing(query: &emmaus_ports::SearchQuery) -> Listing {
    let mut listing = Listing { text: query.text.clone(), limit: 20, ..Listing::default() };
    for filter in &query.filters {
        match filter {
            emmaus_ports::search::Filter::Path { under, .. } => listing.tag = Tag::parse(under).ok(),
            emmaus_ports::search::Filter::Keyword { .. } => listing.kinds = vec![ResourceKind::Note],
            emmaus_ports::search::Filter::Date { .. } => {}
        }
    }
    if matches!(query.sort, emmaus_ports::search::Sort::Date { .. }) {
        listing.order = Order::Updated;
    }
    listing
}

/// The naive answer: every record and note text read from the store, visibility, filters and
/// every word (as a word's beginning, case ignored) checked in memory, newest first.
async fn scan(p: &Platform, reader: &Actor, listing: &Listing) -> Result<usize, Box<dyn std::error::Error>> {
    let hub_reader = emmaus_hub::Reader::of(p, reader).await?;
    let terms: Vec<String> = listing.text.split_whitespace().map(|t| t.trim_matches('"').to_lowercase()).collect();
    let mut matches: Vec<(Timestamp, String)> = Vec::new();
    let mut cursor = None;
    loop {
        let page = p.kv.query(&Query::new(keys::library(ORG), "res#", 500).after(cursor)).await?;
        let resources: Vec<Resource> = page
            .items
            .into_iter()
            .map(|item| docs::from_item::<Resource>(item).map(|d| d.value))
            .collect::<Result<_, _>>()?;
        let mut texts = BTreeMap::new();
        for chunk in resources.chunks(100) {
            let keys: Vec<_> = chunk.iter().map(|r| keys::version(ORG, &r.id, 1)).collect();
            for (resource, item) in chunk.iter().zip(p.kv.get_many(&keys).await?) {
                if let Some(item) = item {
                    let version: NoteVersion = docs::from_item(item)?.value;
                    texts.insert(resource.id.clone(), version.text);
                }
            }
        }
        for resource in resources {
            if !hub_reader.may_see(&resource) {
                continue;
            }
            if let Some(tag) = &listing.tag
                && !resource.tags.iter().any(|t| t.is_within(tag))
            {
                continue;
            }
            let text = format!(
                "{} {} {}",
                resource.title,
                resource.description,
                texts.get(&resource.id).map_or("", String::as_str)
            )
            .to_lowercase();
            let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
            if terms.iter().all(|term| term.split_whitespace().all(|t| words.iter().any(|w| w.starts_with(t)))) {
                matches.push((resource.updated_at, resource.id));
            }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    matches.sort_by(|a, b| b.cmp(a));
    matches.truncate(listing.limit as usize);
    Ok(matches.len())
}
