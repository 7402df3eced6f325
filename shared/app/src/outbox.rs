//! Derived data through an outbox: follow-up work (indexing a document, extracting its text,
//! sending a notice) written in the same atomic batch as the change that needs it, and applied
//! later by the `apply-outbox` job, on every host.
//!
//! A task lives under `("outbox", "task#<id>")`, with time-ordered ids, so a run takes the oldest
//! first. A run claims a due task by writing a lease at the version it read (a second run at the
//! same moment loses that write and leaves the task alone), runs the task's handler, and deletes
//! the task. Application is **at least once**: a run that dies after the handler and before the
//! delete leaves the task to run again when the lease ends, so handlers must be idempotent (write
//! what the task's payload determines, conditionally, or check whether it is done). A handler that
//! fails for now is retried after 1, 2, 4 … minutes (at most four hours apart); after
//! [`MAX_ATTEMPTS`], or at once for a failure a retry cannot mend or a kind no handler knows, the
//! task is **parked** under `("outbox#parked", "task#<id>")`: kept, logged as an error, counted in
//! every run's summary, listed by [`parked`] and put back by [`requeue`] once mended.
//!
//! Modules register their handlers by kind ([`Handlers`]), and the function that applies the
//! outbox hands them over in `Platform::tasks` (`notify::task_handlers`), so this module knows no
//! module.
//!
//! A **lane** is a queue of its own, `("outbox#<lane>", …)`, for work that a job of another
//! function applies: reading an uploaded file's text (`ingest`) needs extractors that the function
//! applying the default lane should not carry, and may stop its instance (a trap in a Wasm
//! component), which must not hold up everyone else's tasks. Parked tasks of every lane share one
//! partition; each remembers its lane, so it is requeued where it came from.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use emmaus_domain::{DomainError, Timestamp};
use emmaus_ports::{Cursor, IndexKeys, Key, KvError, Query, Write};

use crate::Platform;
use crate::docs::{self, Doc};
use crate::error::from_kv;

const PARTITION: &str = "outbox";
const PARKED: &str = "outbox#parked";
const PREFIX: &str = "task#";
/// How long a claimed task is left to the run that claimed it.
pub const LEASE: Duration = Duration::from_mins(5);
/// Failed attempts before a task is parked (about a day of backoff in all).
pub const MAX_ATTEMPTS: u32 = 12;
/// Tasks one run applies at most, so a run ends well within a scheduled function's time limit.
pub const PER_RUN: u32 = 50;
/// The longest kind name, so keys and logs stay small.
const MAX_KIND_CHARS: usize = 64;

/// The partition of a lane's queue; the default lane (`""`) is `outbox`.
fn lane_partition(lane: &str) -> String {
    if lane.is_empty() { PARTITION.to_owned() } else { format!("{PARTITION}#{lane}") }
}

/// One piece of follow-up work.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Task {
    pub id: String,
    /// The queue it waits in: empty for the default one, else a lane such as `ingest`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub lane: String,
    /// Which handler applies it, e.g. `hub.index`.
    pub kind: String,
    /// What the handler needs, as the module that enqueued it wrote it.
    pub payload: serde_json::Value,
    /// Unix milliseconds when it was enqueued.
    pub enqueued_at: i64,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Unix milliseconds before which no run touches it (backoff, or another run's lease).
    pub not_before: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// Why a handler did not finish its task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A passing failure (a store or service unavailable): try again after a backoff.
    Retry(String),
    /// A failure a retry cannot mend (a payload that makes no sense): park the task at once.
    Permanent(String),
}

/// A use case's error as a handler's failure: what the payload itself makes impossible is
/// permanent; a store, service or race that may pass is retried.
impl From<DomainError> for Failure {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Validation(_)
            | DomainError::NotFound(_)
            | DomainError::TooLarge { .. }
            | DomainError::Forbidden
            | DomainError::Refused(_)
            | DomainError::Unauthenticated
            | DomainError::NeedsSecondFactor(_) => Self::Permanent(error.to_string()),
            other => Self::Retry(other.to_string()),
        }
    }
}

/// The text field `name` of a task's payload; a payload without it is a permanent failure (no
/// retry will add it).
pub fn payload_text(payload: &serde_json::Value, name: &str) -> Result<String, Failure> {
    payload[name].as_str().map(str::to_owned).ok_or_else(|| Failure::Permanent(format!("the task has no {name}")))
}

/// Applies one task's payload; must be idempotent (see the module documentation).
pub type Handler =
    fn(Platform, serde_json::Value) -> Pin<Box<dyn Future<Output = Result<(), Failure>> + Send + 'static>>;

/// The handlers of every module, by task kind.
#[derive(Clone, Default)]
pub struct Handlers {
    by_kind: BTreeMap<&'static str, Handler>,
}

impl std::fmt::Debug for Handlers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.by_kind.keys()).finish()
    }
}

impl Handlers {
    /// Adds the handler of `kind`. Two handlers of one kind are a wiring mistake.
    #[must_use]
    pub fn with(mut self, kind: &'static str, handler: Handler) -> Self {
        assert!(valid_kind(kind), "task kind {kind:?} is not a short dotted name");
        assert!(self.by_kind.insert(kind, handler).is_none(), "two handlers for the task kind {kind}");
        self
    }

    pub fn get(&self, kind: &str) -> Option<Handler> {
        self.by_kind.get(kind).copied()
    }

    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.by_kind.keys().copied()
    }
}

fn valid_kind(kind: &str) -> bool {
    !kind.is_empty()
        && kind.chars().count() <= MAX_KIND_CHARS
        && kind.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
}

fn task_key(partition: &str, id: &str) -> Key {
    Key::new(partition, format!("{PREFIX}{id}"))
}

/// The write that enqueues a task of `kind`, for the batch of the change that needs it: both are
/// stored, or neither.
pub fn enqueue(p: &Platform, kind: &str, payload: serde_json::Value) -> Result<Write, DomainError> {
    enqueue_in(p, "", kind, payload)
}

/// [`enqueue`] into the queue of `lane`, which the job of that lane applies ([`run_lane`]).
pub fn enqueue_in(p: &Platform, lane: &str, kind: &str, payload: serde_json::Value) -> Result<Write, DomainError> {
    if !valid_kind(kind) || !(lane.is_empty() || valid_kind(lane)) {
        return Err(DomainError::invalid("kind", "must be a short dotted name such as hub.index"));
    }
    let task = Task {
        id: p.ids.new_id(),
        lane: lane.to_owned(),
        kind: kind.to_owned(),
        payload,
        enqueued_at: p.clock.now().unix_millis(),
        attempts: 0,
        // Due at once, even for a run whose `now` was read a moment before this was enqueued.
        not_before: 0,
        last_error: None,
    };
    Ok(docs::create_write(task_key(&lane_partition(lane), &task.id), &task, None))
}

/// Applies a task whose batch has just committed, at once, with `handler` (the one registered for
/// its kind): for derived data the person who made the change is waiting for, such as a new note
/// in their own search. On success the task is removed; on failure, or when a run of the job
/// claimed it meanwhile, it stays for the job to apply as usual (at least once either way, so the
/// handler's idempotence covers both running).
pub async fn apply_now(p: &Platform, enqueued: &Write, handler: Handler) {
    let Write::PutIfAbsent { key, value, .. } = enqueued else { return };
    let Ok(task) = serde_json::from_slice::<Task>(value) else { return };
    match handler(p.clone(), task.payload).await {
        // Version 1 is the task as enqueued; a run that claimed it has moved it on and deletes it.
        Ok(()) => {
            if let Err(error) = p.kv.delete_if_version(key.clone(), 1).await
                && !matches!(error, KvError::Conflict(_))
            {
                tracing::warn!(%error, task = %task.id, kind = %task.kind, "an applied task stayed queued; the job applies it again");
            }
        }
        Err(Failure::Retry(reason) | Failure::Permanent(reason)) => {
            tracing::warn!(task = %task.id, kind = %task.kind, %reason, "a task applied at once failed; the job takes it over");
        }
    }
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    pub done: u32,
    /// Failed for now; tried again after a backoff.
    pub deferred: u32,
    /// Parked by this run.
    pub parked: u32,
    /// Due tasks were left for the next run.
    pub more: bool,
}

pub use crate::jobs::backoff;

/// Applies what is due at `now`, oldest first, at most [`PER_RUN`] tasks, with the handlers of
/// `p.tasks`. Only a store failure is an error; a handler's failure defers or parks its task and
/// the run goes on.
pub async fn run(p: &Platform, now: Timestamp) -> Result<Applied, DomainError> {
    run_lane(p, "", now).await
}

/// [`run`] over the queue of `lane`.
pub async fn run_lane(p: &Platform, lane: &str, now: Timestamp) -> Result<Applied, DomainError> {
    let partition = lane_partition(lane);
    let mut applied = Applied::default();
    let mut cursor = None;
    let mut tried = 0;
    loop {
        let page = p.kv.query(&Query::new(partition.as_str(), PREFIX, 100).after(cursor)).await.map_err(from_kv)?;
        for item in page.items {
            let Ok(task) = serde_json::from_slice::<Task>(&item.value) else {
                tracing::error!(key = %item.key, "an outbox task does not parse; parking it as it is");
                park_unreadable(p, &item.key, item.version, &item.value).await?;
                applied.parked += 1;
                continue;
            };
            if task.not_before > now.unix_millis() {
                continue;
            }
            if tried == PER_RUN {
                applied.more = true;
                return Ok(applied);
            }
            tried += 1;
            attempt(p, Doc { key: item.key, value: task, version: item.version }, now, &mut applied).await?;
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(applied),
        }
    }
}

/// Claims one due task, runs its handler, and deletes, defers or parks it.
async fn attempt(p: &Platform, mut doc: Doc<Task>, now: Timestamp, applied: &mut Applied) -> Result<(), DomainError> {
    doc.value.not_before = now.plus(LEASE).unix_millis();
    doc.version = match docs::replace(p.kv.as_ref(), &doc, None).await {
        Ok(version) => version,
        // Another run claimed it first, or it is gone: not ours to apply.
        Err(DomainError::Conflict(_)) => return Ok(()),
        Err(other) => return Err(other),
    };
    let (id, kind) = (doc.value.id.clone(), doc.value.kind.clone());
    let outcome = match p.tasks.get(&kind) {
        Some(handler) => handler(p.clone(), doc.value.payload.clone()).await,
        None => Err(Failure::Permanent(format!("no handler for the task kind {kind}"))),
    };
    match outcome {
        Ok(()) => {
            applied.done += 1;
            // A failed delete only means the task runs again after the lease: at least once.
            if let Err(error) = p.kv.delete_if_version(doc.key, doc.version).await {
                tracing::warn!(%error, task = %id, %kind, "an applied task stayed queued; it will be applied again");
            }
        }
        Err(Failure::Retry(reason)) if doc.value.attempts + 1 < MAX_ATTEMPTS => {
            doc.value.attempts += 1;
            let wait = backoff(doc.value.attempts);
            tracing::warn!(task = %id, %kind, attempts = doc.value.attempts, %reason, retry_in_s = wait.as_secs(), "task deferred");
            doc.value.last_error = Some(reason);
            doc.value.not_before = now.plus(wait).unix_millis();
            applied.deferred += 1;
            docs::replace(p.kv.as_ref(), &doc, None).await?;
        }
        Err(Failure::Retry(reason) | Failure::Permanent(reason)) => {
            doc.value.attempts += 1;
            tracing::error!(task = %id, %kind, attempts = doc.value.attempts, %reason, "task parked; it waits for an operator");
            doc.value.last_error = Some(reason);
            park(p, doc).await?;
            applied.parked += 1;
        }
    }
    Ok(())
}

/// Moves a claimed task to the parked partition, atomically.
async fn park(p: &Platform, doc: Doc<Task>) -> Result<(), DomainError> {
    let parked = docs::create_write(task_key(PARKED, &doc.value.id), &doc.value, None);
    move_to_parked(p, &doc.key, doc.version, parked).await
}

/// Parks a stored task that does not parse, keeping its bytes for an operator to read.
async fn park_unreadable(p: &Platform, key: &Key, version: u64, bytes: &[u8]) -> Result<(), DomainError> {
    let parked = Write::PutIfAbsent {
        key: Key::new(PARKED, key.sort.clone()),
        value: bytes.to_vec(),
        expires_at: None,
        index: IndexKeys::NONE,
    };
    move_to_parked(p, key, version, parked).await
}

/// Deletes the task at `key` (at `version`) and writes `parked` in one batch.
async fn move_to_parked(p: &Platform, key: &Key, version: u64, parked: Write) -> Result<(), DomainError> {
    let writes = vec![Write::DeleteIfVersion { key: key.clone(), expected: version }, parked];
    match p.kv.batch(writes).await {
        // Taken by another run after our lease ran out: that run decides.
        Ok(()) | Err(KvError::Conflict(_)) => Ok(()),
        Err(other) => Err(from_kv(other)),
    }
}

/// A page of tasks waiting to run (`Pending`) or parked (`Parked`), oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    Pending,
    Parked,
}

/// One page of a queue: the tasks (a parked task that never parsed is shown with its raw text as
/// its payload and the kind `unreadable`), and the cursor of the next page.
pub async fn list(
    p: &Platform,
    queue: Queue,
    cursor: Option<Cursor>,
    limit: u32,
) -> Result<(Vec<Task>, Option<Cursor>), DomainError> {
    let partition = match queue {
        Queue::Pending => PARTITION,
        Queue::Parked => PARKED,
    };
    let page = p.kv.query(&Query::new(partition, PREFIX, limit).after(cursor)).await.map_err(from_kv)?;
    let tasks = page
        .items
        .into_iter()
        .map(|item| {
            serde_json::from_slice::<Task>(&item.value).unwrap_or_else(|_| Task {
                id: item.key.sort.trim_start_matches(PREFIX).to_owned(),
                lane: String::new(),
                kind: "unreadable".into(),
                payload: serde_json::Value::String(String::from_utf8_lossy(&item.value).into_owned()),
                enqueued_at: 0,
                attempts: 0,
                not_before: 0,
                last_error: Some("the stored task does not parse".into()),
            })
        })
        .collect();
    Ok((tasks, page.next))
}

/// How many tasks are parked, counted up to `max` (the count says "at least" past it).
pub async fn parked_count(p: &Platform, max: usize) -> Result<usize, DomainError> {
    let mut count = 0;
    let mut cursor = None;
    loop {
        let page = p.kv.query(&Query::new(PARKED, PREFIX, 1000).after(cursor)).await.map_err(from_kv)?;
        count += page.items.len();
        match page.next {
            Some(next) if count < max => cursor = Some(next),
            _ => return Ok(count.min(max)),
        }
    }
}

/// Puts a parked task back in the queue, due at once with its attempts reset, once whatever made
/// it fail is mended. `NotFound` when no task of that id is parked.
pub async fn requeue(p: &Platform, id: &str) -> Result<Task, DomainError> {
    let key = task_key(PARKED, id);
    let doc: Doc<Task> =
        docs::get(p.kv.as_ref(), key).await?.ok_or_else(|| DomainError::NotFound(format!("a parked task {id}")))?;
    let mut task = doc.value.clone();
    task.attempts = 0;
    task.not_before = 0;
    let writes = vec![
        Write::DeleteIfVersion { key: doc.key, expected: doc.version },
        docs::create_write(task_key(&lane_partition(&task.lane), id), &task, None),
    ];
    p.kv.batch(writes).await.map_err(from_kv)?;
    Ok(task)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_short_dotted_names() {
        assert!(valid_kind("hub.index") && valid_kind("planner.remind-2"));
        assert!(
            !valid_kind("") && !valid_kind("Hub.Index") && !valid_kind("hub index") && !valid_kind(&"k".repeat(65))
        );
    }
}
