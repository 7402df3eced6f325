//! A zipped vault uploaded through the API, imported by a job: the upload is announced (which
//! answers where its bytes go: the store's own form where it has one, so a large archive never
//! passes through a function), its bytes arrive, and starting it queues the `hub.import` task in
//! the `ingest` lane. The job runs the same importer as the command line; if it stops half way,
//! the outbox runs the task again and the files already imported are found unchanged, so the
//! import carries on where it stopped. People follow it on its record.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_app::error::{from_blob, from_kv};
use emmaus_app::outbox::{self, Failure, Handlers};
use emmaus_domain::{DomainError, Timestamp};
use emmaus_identity::{Actor, RequestMeta};
use emmaus_obsidian::archive::Limits;
use emmaus_ports::{BlobKey, IndexKeys, Key, Query, Write};

use super::VaultSpec;
use super::import::{self, Options, Summary};
use super::zip::ZipSource;
use crate::access::Reader;
use crate::files::UploadTarget;
use crate::keys;

/// Imports one uploaded vault: `{"org": …, "import": …}`.
pub const TASK: &str = "hub.import";
/// How long an announced archive waits for its bytes.
pub const UPLOAD_WINDOW: Duration = Duration::from_hours(1);
/// How long an import's record is kept, to be read back.
pub const KEPT_FOR: Duration = Duration::from_hours(24 * 30);
/// The most imports one list shows.
pub const MAX_LISTED: u32 = 20;

/// An uploaded vault's import, as people follow it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportJob {
    pub id: String,
    pub org_id: String,
    pub vault: String,
    #[serde(default)]
    pub collection: Option<String>,
    #[serde(default)]
    pub trash_removed: bool,
    /// The archive's size as announced.
    pub size: u64,
    pub by: String,
    pub created_at: Timestamp,
    pub state: ImportState,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ImportState {
    /// Waiting for the archive's bytes until `until`.
    Uploading { until: Timestamp },
    /// The archive is there; the job imports it.
    Queued,
    /// Imported; what it did.
    Done { summary: Box<Summary>, at: Timestamp },
    /// Not imported, for the reason given (an archive refused whole, a vault name taken).
    Failed { reason: String, at: Timestamp },
}

fn job_key(org: &str, id: &str) -> Key {
    Key::new(keys::library(org), format!("import#{id}"))
}

/// Where an uploaded archive waits.
pub fn archive(org: &str, id: &str) -> Result<BlobKey, DomainError> {
    BlobKey::parse(format!("hub/{org}/imports/{id}.zip")).map_err(from_blob)
}

/// The hub's import handler, added to the `ingest` lane's.
pub fn handlers(handlers: Handlers) -> Handlers {
    handlers.with(TASK, handle)
}

fn handle(p: Platform, payload: serde_json::Value) -> Pin<Box<dyn Future<Output = Result<(), Failure>> + Send>> {
    Box::pin(async move {
        let (org, id) = (outbox::payload_text(&payload, "org")?, outbox::payload_text(&payload, "import")?);
        run(&p, &org, &id).await.map_err(Failure::from)
    })
}

/// What an announced archive should be.
#[derive(Debug, Clone, Default)]
pub struct Announced {
    pub vault: String,
    pub collection: Option<String>,
    pub trash_removed: bool,
    pub size: u64,
}

fn expires(p: &Platform) -> i64 {
    p.clock.now().plus(KEPT_FOR).unix_seconds()
}

/// Announces an archive: checks what it will be and answers where to send it.
pub async fn announce(
    p: &Platform,
    actor: &Actor,
    announced: Announced,
) -> Result<(ImportJob, UploadTarget), DomainError> {
    let reader = Reader::of(p, actor).await?;
    if !reader.may_import() {
        return Err(DomainError::Forbidden);
    }
    let vault = super::parse_name("vault", &announced.vault)?;
    emmaus_domain::hub::collections::parse_collection("collection", announced.collection.as_deref())?;
    if announced.size == 0 {
        return Err(DomainError::invalid("size", "the archive is empty"));
    }
    let limit = p.blobs.max_size().min(Limits::default().max_total_bytes);
    if announced.size > limit {
        return Err(DomainError::TooLarge { what: "the archive".into(), limit });
    }
    let now = p.clock.now();
    let job = ImportJob {
        id: p.ids.new_id(),
        org_id: reader.org().to_owned(),
        vault,
        collection: announced.collection.filter(|c| !c.trim().is_empty()),
        trash_removed: announced.trash_removed,
        size: announced.size,
        by: reader.id().to_owned(),
        created_at: now,
        state: ImportState::Uploading { until: now.plus(UPLOAD_WINDOW) },
    };
    let write = docs::create_write(job_key(&job.org_id, &job.id), &job, Some(expires(p)));
    p.kv.batch(vec![write]).await.map_err(from_kv)?;
    let key = archive(&job.org_id, &job.id)?;
    let target = match p
        .blobs
        .presigned_post(&key, "application/zip", announced.size, crate::files::FORM_LIFETIME)
        .await
        .map_err(from_blob)?
    {
        Some(form) => UploadTarget::Form(form),
        // `PUT` to the import's archive route.
        None => UploadTarget::Route,
    };
    Ok((job, target))
}

/// The import `id`, for the member who started it (and the admins).
pub async fn status(p: &Platform, actor: &Actor, id: &str) -> Result<Doc<ImportJob>, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let doc: Option<Doc<ImportJob>> = docs::get(p.kv.as_ref(), job_key(reader.org(), id)).await?;
    match doc {
        Some(doc) if doc.value.by == reader.id() || reader.is_admin() => Ok(doc),
        _ => Err(DomainError::NotFound("the import".into())),
    }
}

/// The reader's latest imports (every member's, for admins), newest first.
pub async fn recent(p: &Platform, actor: &Actor) -> Result<Vec<ImportJob>, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let query = Query::new(keys::library(reader.org()), "import#", 200).descending();
    let page = p.kv.query(&query).await.map_err(from_kv)?;
    let mut out = Vec::new();
    for item in page.items {
        let doc: Doc<ImportJob> = docs::from_item(item)?;
        if doc.value.by == reader.id() || reader.is_admin() {
            out.push(doc.value);
            if out.len() == MAX_LISTED as usize {
                break;
            }
        }
    }
    Ok(out)
}

/// The archive's bytes through the hub's own route (stores without a form), then queued.
pub async fn receive(p: &Platform, actor: &Actor, id: &str, bytes: Vec<u8>) -> Result<ImportJob, DomainError> {
    let doc = status(p, actor, id).await?;
    let ImportState::Uploading { until } = doc.value.state else {
        return Err(DomainError::Conflict("this archive has arrived already".into()));
    };
    if p.clock.now() >= until {
        return Err(DomainError::Conflict("this upload has expired; upload the vault again".into()));
    }
    if bytes.len() as u64 > doc.value.size {
        return Err(DomainError::TooLarge { what: "the archive".into(), limit: doc.value.size });
    }
    p.blobs.put(&archive(&doc.value.org_id, id)?, bytes, "application/zip").await.map_err(from_blob)?;
    start(p, actor, id).await
}

/// Queues the import of an archive whose bytes have arrived; starting again answers it as it is.
pub async fn start(p: &Platform, actor: &Actor, id: &str) -> Result<ImportJob, DomainError> {
    let mut doc = status(p, actor, id).await?;
    if !matches!(doc.value.state, ImportState::Uploading { .. }) {
        return Ok(doc.value);
    }
    let key = archive(&doc.value.org_id, id)?;
    let Some(stored) = p.blobs.head_if_present(&key).await.map_err(from_blob)? else {
        return Err(DomainError::Conflict("the archive has not arrived; send it, then start the import".into()));
    };
    if stored.size == 0 || stored.size > doc.value.size {
        p.blobs.delete(&key).await.map_err(from_blob)?;
        return Err(DomainError::TooLarge { what: "the archive that arrived".into(), limit: doc.value.size });
    }
    doc.value.state = ImportState::Queued;
    let task = outbox::enqueue_in(
        p,
        crate::ingest::LANE,
        TASK,
        serde_json::json!({ "org": doc.value.org_id, "import": doc.value.id }),
    )?;
    let write = Write::PutIfVersion {
        key: doc.key.clone(),
        value: docs::encode(&doc.value),
        expected: doc.version,
        expires_at: Some(expires(p)),
        index: IndexKeys::NONE,
    };
    p.kv.batch(vec![write, task]).await.map_err(crate::resources::stale_on_conflict)?;
    Ok(doc.value)
}

/// Runs the import `id` of `org` if it is queued: the job's work.
pub async fn run(p: &Platform, org: &str, id: &str) -> Result<(), DomainError> {
    let Some(doc) = docs::get::<ImportJob>(p.kv.as_ref(), job_key(org, id)).await? else { return Ok(()) };
    if !matches!(doc.value.state, ImportState::Queued) {
        return Ok(());
    }
    let job = &doc.value;
    let key = archive(org, id)?;
    let outcome = match member(p, org, &job.by).await? {
        None => Err("the member who started it has left the organisation".to_owned()),
        Some(actor) => {
            let bytes = p.blobs.get(&key).await.map_err(from_blob)?.bytes;
            match ZipSource::open(&bytes, Limits::default()) {
                Err(error) => Err(error.to_string()),
                Ok(mut source) => {
                    let spec =
                        VaultSpec { name: job.vault.clone(), collection: job.collection.clone(), visibility: None };
                    let options = Options { trash_removed: job.trash_removed };
                    match import::import(p, &actor, &spec, &mut source, options, |_| {}).await {
                        Ok(summary) => Ok(summary),
                        // The vault's name is another's, or the member may not import: told, not retried.
                        Err(
                            error @ (DomainError::Conflict(_) | DomainError::Forbidden | DomainError::Validation(_)),
                        ) => Err(error.to_string()),
                        Err(other) => return Err(other),
                    }
                }
            }
        }
    };
    let at = p.clock.now();
    let mut done = doc.clone();
    done.value.state = match outcome {
        Ok(summary) => ImportState::Done { summary: Box::new(summary), at },
        Err(reason) => ImportState::Failed { reason, at },
    };
    let write = Write::PutIfVersion {
        key: done.key.clone(),
        value: docs::encode(&done.value),
        expected: done.version,
        expires_at: Some(expires(p)),
        index: IndexKeys::NONE,
    };
    p.kv.batch(vec![write]).await.map_err(from_kv)?;
    p.search.refresh().await.map_err(crate::index::from_search)?;
    match p.blobs.delete(&key).await {
        Ok(()) | Err(emmaus_ports::BlobError::NotFound(_)) => Ok(()),
        Err(other) => Err(from_blob(other)),
    }
}

/// The member who started an import, as they are in the organisation now.
async fn member(p: &Platform, org: &str, person: &str) -> Result<Option<Actor>, DomainError> {
    let membership = emmaus_identity::directory::membership(p, org, person).await?;
    Ok(membership.filter(|m| !m.value.roles.is_empty()).map(|m| Actor {
        person_id: person.to_owned(),
        session_id: "import".into(),
        org_id: org.to_owned(),
        roles: m.value.roles,
        meta: RequestMeta::default(),
    }))
}
