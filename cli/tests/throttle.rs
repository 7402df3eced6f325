//! The sign-in throttle holds under concurrency on the local host's store: 30 wrong passwords for
//! one account at once reach the password check no more often than the window allows (five), and
//! every other attempt is answered 429, never a conflict.

use std::sync::Arc;

use emmaus_app::{Platform, PlatformParts};
use emmaus_identity::scenarios::sign_in_burst;
use emmaus_sqlite::SqliteKv;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_parallel_wrong_sign_ins_on_sqlite_get_five_checks() {
    let (platform, clock) = Platform::in_memory("local");
    let dir = tempfile::tempdir().unwrap();
    let kv = SqliteKv::open(&dir.path().join("emmaus.db"), clock).unwrap();
    let platform = Platform::new(PlatformParts { kv: Arc::new(kv), ..platform.parts() });
    let burst = sign_in_burst(&platform, 30).await;
    assert!(burst.other.is_empty(), "{burst:?}");
    assert!(burst.checked <= 5, "{burst:?}");
    assert_eq!(burst.refused, burst.checked, "every checked attempt was refused as wrong: {burst:?}");
    assert_eq!(burst.limited, 30 - burst.checked, "{burst:?}");
    assert!(burst.checked >= 1, "no attempt was checked at all: {burst:?}");
}
