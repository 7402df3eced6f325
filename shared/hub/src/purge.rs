//! `purge-trash`: resources in the trash past their 30 days are removed for good, with their
//! versions, their blobs and their index entry, and so are uploads whose bytes never came; a
//! file's room in the organisation's quota is given back in the same batch that removes it.
//!
//! The job reads the purge schedule (index two, by due time, across organisations), re-reads each
//! resource by its key (an index read may lag a restore), and removes in an order that a run cut
//! short can resume: the index entry, the blobs, the version records, and the resource itself last,
//! so a resource whose removal was interrupted is still scheduled and the next run finishes it.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_app::error::{from_blob, from_kv};
use emmaus_app::jobs::{JobSpec, Outcome};
use emmaus_domain::hub::resources::purge_due;
use emmaus_domain::{DomainError, Timestamp};
use emmaus_ports::{Index, Query, Write};

use crate::index::from_search;
use crate::keys;
use crate::model::{FileState, FileStatus, Resource};

/// Resources one run removes at most, so a run stays well inside a function's time limit.
pub const PER_RUN: u32 = 100;

/// `purge-trash`, hourly when deployed.
pub const PURGE_TRASH: JobSpec = JobSpec {
    name: "purge-trash",
    run: purge_trash,
    every: Duration::from_hours(1),
    locally_every: Duration::from_mins(10),
};

fn purge_trash(p: Platform, now: Timestamp) -> Pin<Box<dyn Future<Output = Outcome> + Send>> {
    Box::pin(async move {
        match purge(&p, now).await {
            Ok(Purged { removed: 0, .. }) => Outcome::Idle,
            Ok(Purged { removed, more }) => Outcome::Done(format!(
                "{removed} resources removed for good{}",
                if more { "; more waiting" } else { "" }
            )),
            Err(error) => Outcome::Retryable(format!("purge: {error}")),
        }
    })
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub removed: u32,
    pub more: bool,
}

/// Removes what is due at `now`, at most [`PER_RUN`] resources.
pub async fn purge(p: &Platform, now: Timestamp) -> Result<Purged, DomainError> {
    let query = Query::on_index(Index::Two, keys::PURGE, "", PER_RUN).range(None, Some(keys::purge_until(now)));
    let page = p.kv.query(&query).await.map_err(from_kv)?;
    let mut purged = Purged { removed: 0, more: page.next.is_some() };
    for item in page.items {
        let listed: Doc<Resource> = docs::from_item(item)?;
        // Read again by key: the index may still list a resource restored a moment ago.
        let Some(doc) = docs::get::<Resource>(p.kv.as_ref(), listed.key.clone()).await? else { continue };
        if due(&doc.value, now) {
            remove(p, &doc).await?;
            purged.removed += 1;
        }
    }
    Ok(purged)
}

/// Whether `resource` is to go at `now`: deleted 30 days ago, or announced and never uploaded.
fn due(resource: &Resource, now: Timestamp) -> bool {
    if let Some(deletion) = &resource.deleted {
        return purge_due(deletion.at) <= now;
    }
    matches!(resource.file, Some(FileState { status: FileStatus::Uploading { until }, .. }) if until <= now)
}

async fn remove(p: &Platform, doc: &Doc<Resource>) -> Result<(), DomainError> {
    let (org, id) = (&doc.value.org_id, &doc.value.id);
    p.search.delete(org, std::slice::from_ref(id)).await.map_err(from_search)?;
    let prefix = keys::blobs_of(org, id);
    loop {
        let page = p.blobs.list(&prefix, None, 1000).await.map_err(from_blob)?;
        for blob in &page.items {
            p.blobs.delete(&blob.key).await.map_err(from_blob)?;
        }
        if page.items.is_empty() || page.next.is_none() {
            break;
        }
    }
    loop {
        let versions = p.kv.query(&Query::new(keys::versions(org, id), "", 25)).await.map_err(from_kv)?;
        if versions.items.is_empty() {
            break;
        }
        let writes = versions
            .items
            .iter()
            .map(|item| Write::DeleteIfVersion { key: item.key.clone(), expected: item.version })
            .collect();
        p.kv.batch(writes).await.map_err(from_kv)?;
    }
    let mut last = vec![Write::DeleteIfVersion { key: doc.key.clone(), expected: doc.version }];
    last.extend(crate::files::release(p, &doc.value).await?);
    p.kv.batch(last).await.map_err(from_kv)?;
    tracing::info!(org = %org, resource = %id, "a resource left the trash for good");
    Ok(())
}
