//! `ingest`: reading an accepted file's text for search, and making an image's thumbnail; the same
//! job fetches links' previews (`crate::preview`).
//!
//! Accepting a file writes a `hub.ingest` task in the same batch, in the outbox lane `ingest`,
//! which the `ingest` function's job applies (the extractors are large, so only that function
//! carries them). The task reads the file, keeps its text as the blob `text` beside it (and a
//! thumbnail as `thumbnail`), records on the resource how reading went, and brings the search
//! entry up to date, so the file is found by words inside it.
//!
//! Reading a broken file may panic in a parser. Natively the panic is caught and recorded as the
//! file's failure. In a Wasm component a panic aborts the instance, which its host contains but
//! nothing inside it survives; so before reading, the task records that it started, and a later
//! run that finds a start never finished records the failure instead of reading again. Either
//! way the person sees why the file's text is missing; nothing is dropped silently.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use emmaus_app::Platform;
use emmaus_app::docs;
use emmaus_app::error::from_blob;
use emmaus_app::jobs::{JobSpec, Outcome};
use emmaus_app::outbox::{self, Failure, Handlers};
use emmaus_domain::hub::ContentKind;
use emmaus_domain::{DomainError, Timestamp};
use emmaus_ports::{BlobKey, Write};

use crate::model::{FileStatus, Reading, Resource};
use crate::{files, keys};

/// Reads one file: `{"org": …, "id": …}`.
pub const TASK: &str = "hub.ingest";
/// The outbox lane its tasks wait in, which the `ingest` job applies.
pub const LANE: &str = "ingest";
/// The longest side of a thumbnail, in pixels: sharp in a list and on a card at twice the density.
pub const THUMBNAIL_SIDE: u32 = 480;

/// `ingest`, every minute when deployed, every two seconds locally (a file becomes searchable by
/// its contents a moment after it is uploaded).
pub const INGEST: JobSpec =
    JobSpec { name: "ingest", run: run_job, every: Duration::from_mins(1), locally_every: Duration::from_secs(2) };

fn run_job(mut p: Platform, now: Timestamp) -> Pin<Box<dyn Future<Output = Outcome> + Send>> {
    p.tasks = std::sync::Arc::new(handlers(Handlers::default()));
    Box::pin(async move {
        match outbox::run_lane(&p, LANE, now).await {
            Ok(applied) if applied == outbox::Applied::default() => Outcome::Idle,
            Ok(applied) => Outcome::Done(format!(
                "{} read, {} deferred, {} parked{}",
                applied.done,
                applied.deferred,
                applied.parked,
                if applied.more { "; more waiting" } else { "" }
            )),
            Err(error) => Outcome::Retryable(format!("ingest: {error}")),
        }
    })
}

/// The ingest task's handler, added to a host's.
pub fn handlers(handlers: Handlers) -> Handlers {
    crate::vault::jobs::handlers(handlers.with(TASK, handle).with(crate::preview::TASK, crate::preview::handle))
}

fn handle(p: Platform, payload: serde_json::Value) -> Pin<Box<dyn Future<Output = Result<(), Failure>> + Send>> {
    Box::pin(async move {
        let field = |name: &str| outbox::payload_text(&payload, name);
        let (org, id) = (field("org")?, field("id")?);
        ingest(&p, &org, &id).await.map_err(Failure::from)
    })
}

/// The write that enqueues reading `id` of `org`, for the batch that accepts the file.
pub(crate) fn task(p: &Platform, org: &str, id: &str) -> Result<Write, DomainError> {
    outbox::enqueue_in(p, LANE, TASK, serde_json::json!({ "org": org, "id": id }))
}

pub fn text_blob(org: &str, id: &str) -> Result<BlobKey, DomainError> {
    BlobKey::parse(format!("{}text", keys::blobs_of(org, id))).map_err(from_blob)
}

pub fn thumbnail_blob(org: &str, id: &str) -> Result<BlobKey, DomainError> {
    BlobKey::parse(format!("{}thumbnail", keys::blobs_of(org, id))).map_err(from_blob)
}

/// The text read from a file, once it has been read (`None` before, or for a file with none).
pub async fn text_of(p: &Platform, resource: &Resource) -> Result<Option<String>, DomainError> {
    let Some(file) = &resource.file else { return Ok(None) };
    if !matches!(file.reading, Reading::Done { .. }) {
        return Ok(None);
    }
    match p.blobs.get(&text_blob(&resource.org_id, &resource.id)?).await {
        Ok(blob) => Ok(Some(String::from_utf8_lossy(&blob.bytes).into_owned())),
        Err(emmaus_ports::BlobError::NotFound(_)) => Ok(None),
        Err(other) => Err(from_blob(other)),
    }
}

/// Reads the file `id` of `org` if it waits to be read; idempotent (a file read already, gone, or
/// not accepted is left as it is).
pub async fn ingest(p: &Platform, org: &str, id: &str) -> Result<(), DomainError> {
    let Some(doc) = docs::get::<Resource>(p.kv.as_ref(), keys::resource(org, id)).await? else { return Ok(()) };
    let Some(file) = &doc.value.file else { return Ok(()) };
    let FileStatus::Ready { kind } = file.status else { return Ok(()) };
    match &file.reading {
        Reading::Pending => {}
        Reading::Started { .. } => {
            // A run before this one began and never finished: the reader stopped its instance.
            let failed = Reading::Failed { reason: "the file could not be read: reading it stopped the reader".into() };
            return record(p, org, id, failed).await;
        }
        Reading::Done { .. } | Reading::Failed { .. } | Reading::Skipped { .. } => return Ok(()),
    }
    let declared = file.declared_type.clone();
    let mut started = doc.clone();
    if let Some(file) = started.value.file.as_mut() {
        file.reading = Reading::Started { at: p.clock.now() };
    }
    docs::replace(p.kv.as_ref(), &started, None).await?;

    let bytes = p.blobs.get(&files::original(org, id)?).await.map_err(from_blob)?.bytes;
    let thumbnail = make_thumbnail(p, org, id, kind, &bytes).await?;
    let reading = match emmaus_extract::extract_contained(&bytes, &reading_type(kind, &declared)) {
        Ok(extracted) => {
            let chars = extracted.text.chars().count() as u64;
            p.blobs
                .put(&text_blob(org, id)?, extracted.text.into_bytes(), "text/plain; charset=utf-8")
                .await
                .map_err(from_blob)?;
            Reading::Done { chars, parts: extracted.parts, thumbnail }
        }
        Err(emmaus_extract::ExtractError::Unsupported(_)) => Reading::Skipped { thumbnail },
        Err(error) => Reading::Failed { reason: error.to_string() },
    };
    record(p, org, id, reading).await
}

/// The type to read a file as: its bytes' kind, but for text the type it was sent as, so
/// Markdown is read as Markdown and not as plain text.
fn reading_type(kind: ContentKind, declared: &str) -> String {
    if kind == ContentKind::Text && declared.starts_with("text/") {
        declared.to_owned()
    } else {
        kind.mime().to_owned()
    }
}

/// A thumbnail of a picture (an uploaded one, or a link's preview image), stored beside resource
/// `id`; whether one was made. A picture too large or damaged to shrink is only logged: an upload
/// is still shown whole, a link without its image.
pub(crate) async fn make_thumbnail(
    p: &Platform,
    org: &str,
    id: &str,
    kind: ContentKind,
    bytes: &[u8],
) -> Result<bool, DomainError> {
    if !matches!(kind, ContentKind::Png | ContentKind::Jpeg) {
        return Ok(false);
    }
    match emmaus_extract::thumbnail(bytes, kind.mime(), THUMBNAIL_SIDE) {
        Ok(made) => {
            p.blobs.put(&thumbnail_blob(org, id)?, made.bytes, made.content_type).await.map_err(from_blob)?;
            Ok(true)
        }
        Err(error) => {
            tracing::info!(org, resource = id, %error, "no thumbnail of a picture");
            Ok(false)
        }
    }
}

/// Records how reading went on the file as it is now, and brings its search entry up to date.
async fn record(p: &Platform, org: &str, id: &str, reading: Reading) -> Result<(), DomainError> {
    crate::resources::record_derived(p, org, id, |resource| match resource.file.as_mut() {
        Some(file) => {
            file.reading = reading.clone();
            true
        }
        None => false,
    })
    .await
}
