//! An organisation and its first admin, made natively in the SQLite file a component's Spin
//! `default` database lives in (the same table as the local host's, ADR 0006), for the tests that
//! then let components at it.

use std::path::Path;
use std::sync::Arc;

use emmaus_app::{Platform, PlatformParts};
use emmaus_identity::RequestMeta;
use emmaus_identity::setup::{self, NewOrg};
use emmaus_ports::SystemClock;

/// A platform on the database in `dir` (in-memory adapters for the rest), and the organisation
/// `new` made in it; returns both, with the organisation's id.
pub async fn organisation(dir: &Path, new: &NewOrg<'_>) -> (Platform, String) {
    let clock = Arc::new(SystemClock);
    let kv = emmaus_sqlite::SqliteKv::open(&dir.join("sqlite_db.db"), clock.clone()).expect("the database opens");
    let (base, _) = Platform::in_memory("local");
    let p = Platform::new(PlatformParts { kv: Arc::new(kv), clock, ..base.parts() });
    let (org, _) = setup::create_org(&p, new, &RequestMeta::default()).await.expect("the organisation is made");
    (p, org.id)
}
