//! The Lambda host's search index (`SnapshotSearch`) against the search conformance suite on the
//! stores it runs on there: DynamoDB for the journal and pointers, S3 for the snapshots, both on a
//! protocol server (moto in `scripts/test`). Without a configured server each case says why and
//! passes; under `scripts/test` it fails instead.

use std::sync::Arc;

use emmaus_ports::{Clock, Ids, RandomIds, SystemClock};
use emmaus_sqlite::SnapshotSearch;
use emmaus_testkit::aws::aws_endpoint;
use emmaus_testkit::search::SearchHarness;

const TABLE: &str = "emmaus-search-conformance";
const BUCKET: &str = "emmaus-search-conformance";
/// Small parts, so the suite's snapshots are stored in several, as large ones are in AWS.
const PART_BYTES: u64 = 32 * 1024;

async fn harness() -> Option<SearchHarness> {
    static READY: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    let endpoint = aws_endpoint()?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let config = emmaus_dynamodb::testing::sdk_config().await;
    let kv = emmaus_dynamodb::DynamoKv::new(
        emmaus_dynamodb::dynamodb_client(&config, Some(&endpoint)),
        TABLE.to_owned(),
        clock.clone(),
    );
    let blobs = emmaus_s3::S3BlobStore::new(
        emmaus_s3::s3_client(&config, Some(&endpoint), true),
        BUCKET.to_owned(),
        PART_BYTES,
        clock.clone(),
    );
    READY
        .get_or_init(|| async {
            kv.create_table_if_missing().await.expect("the table is created");
            blobs.create_bucket_if_missing().await.expect("the bucket is created");
        })
        .await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let ids: Arc<dyn Ids> = Arc::new(RandomIds::new(clock.clone()));
    let index =
        SnapshotSearch::new(Arc::new(kv), Arc::new(blobs), ids, clock, dir.path()).expect("the cache folder is made");
    Some(SearchHarness::new(Arc::new(index), "snapshot-aws").guarding(dir))
}

emmaus_testkit::search_conformance_tests!(optional harness);
