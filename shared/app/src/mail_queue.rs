//! Mail waiting to go out. Use cases queue messages in the key-value store and the `deliver-mail`
//! job hands them to the mailer, so a request never waits on a mail server, a slow or failing
//! server costs retries rather than lost mail, and no request takes longer because it sent one.
//!
//! A message lives under `("mail#queue", "msg#<id>")` with time-ordered ids, so the job reads the
//! oldest first. Before sending, a run claims the message by writing a lease at the version it
//! read; a second run at the same moment loses that write and leaves the message alone. Delivery is
//! at least once: a run that dies between sending and deleting sends again when the lease ends.

use std::time::Duration;

use emmaus_domain::{DomainError, Timestamp};
use emmaus_ports::{EmailMessage, Key, MailError, Query};

use crate::Platform;
use crate::docs::{self, Doc};
use crate::error::from_kv;

const PARTITION: &str = "mail#queue";
/// A message nobody could deliver in three days is forgotten by the store's TTL.
const KEEP_FOR: Duration = Duration::from_hours(3 * 24);
/// How long a claimed message is left to the run that claimed it.
const LEASE: Duration = Duration::from_mins(2);
/// Attempts before a message is given up on (about a day of backoff in all).
pub const MAX_ATTEMPTS: u32 = 12;
/// Messages one run sends at most, so a run ends well within a scheduled function's time limit.
pub const PER_RUN: u32 = 25;

/// One message in the queue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Queued {
    pub id: String,
    /// Unix milliseconds when it was queued.
    pub queued_at: i64,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Unix milliseconds before which no run touches it (backoff, or another run's lease); 0 for
    /// a message never tried.
    pub not_before: i64,
    /// Why the last attempt failed, for the log.
    pub last_error: Option<String>,
    pub message: EmailMessage,
}

/// What one delivery run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: u32,
    /// Failed for now; tried again after a backoff.
    pub deferred: u32,
    /// Refused as malformed, or out of attempts; logged and dropped.
    pub dropped: u32,
    /// Due messages were left for the next run.
    pub more: bool,
}

/// Queues `message` for the next delivery run.
pub async fn queue(p: &Platform, message: EmailMessage) -> Result<(), DomainError> {
    let now = p.clock.now();
    let queued = Queued {
        id: p.ids.new_id(),
        queued_at: now.unix_millis(),
        attempts: 0,
        // Due at once, even for a run whose `now` was read a moment before this was queued.
        not_before: 0,
        last_error: None,
        message,
    };
    let key = Key::new(PARTITION, format!("msg#{}", queued.id));
    docs::create(p.kv.as_ref(), key, &queued, Some(now.plus(KEEP_FOR).unix_seconds())).await
}

/// The messages waiting, oldest first, at most `PER_RUN` × 40 of them (what a long outage could
/// pile up), for operators and tests.
pub async fn pending(p: &Platform) -> Result<Vec<EmailMessage>, DomainError> {
    let queued: Vec<Doc<Queued>> = docs::all(p.kv.as_ref(), PARTITION, "msg#", PER_RUN as usize * 40).await?;
    Ok(queued.into_iter().map(|doc| doc.value.message).collect())
}

pub use crate::jobs::backoff;

/// Sends what is due at `now`, oldest first, at most [`PER_RUN`] messages. Only a store failure is
/// an error; a mail failure defers or drops its message and the run goes on.
pub async fn deliver(p: &Platform, now: Timestamp) -> Result<Delivery, DomainError> {
    let mut delivery = Delivery::default();
    let mut cursor = None;
    let mut tried = 0;
    loop {
        let page = p.kv.query(&Query::new(PARTITION, "msg#", 100).after(cursor)).await.map_err(from_kv)?;
        for item in page.items {
            let Ok(value) = serde_json::from_slice::<Queued>(&item.value) else {
                tracing::error!(key = %item.key, "a queued message does not parse; dropping it");
                let _ = p.kv.delete_if_version(item.key, item.version).await;
                delivery.dropped += 1;
                continue;
            };
            if value.not_before > now.unix_millis() {
                continue;
            }
            if tried == PER_RUN {
                delivery.more = true;
                return Ok(delivery);
            }
            tried += 1;
            let doc = Doc { key: item.key, value, version: item.version };
            attempt(p, doc, now, &mut delivery).await?;
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(delivery),
        }
    }
}

/// Claims one due message, sends it, and deletes, defers or drops it.
async fn attempt(
    p: &Platform,
    mut doc: Doc<Queued>,
    now: Timestamp,
    delivery: &mut Delivery,
) -> Result<(), DomainError> {
    let expires = Some(Timestamp::from_unix_millis(doc.value.queued_at).plus(KEEP_FOR).unix_seconds());
    doc.value.not_before = now.plus(LEASE).unix_millis();
    doc.version = match docs::replace(p.kv.as_ref(), &doc, expires).await {
        Ok(version) => version,
        // Another run claimed it first, or it is gone: not ours to send.
        Err(DomainError::Conflict(_)) => return Ok(()),
        Err(other) => return Err(other),
    };
    let id = doc.value.id.clone();
    match p.mailer.send(&doc.value.message).await {
        Ok(()) => {
            delivery.sent += 1;
            // A failed delete only means the message goes again after the lease: at least once.
            if let Err(error) = p.kv.delete_if_version(doc.key, doc.version).await {
                tracing::warn!(%error, message = %id, "a sent message stayed queued; it may be sent twice");
            }
        }
        Err(MailError::Invalid(reason)) => {
            tracing::error!(message = %id, %reason, "the mailer refused a queued message; dropping it");
            delivery.dropped += 1;
            let _ = p.kv.delete_if_version(doc.key, doc.version).await;
        }
        Err(error @ MailError::Unavailable(_)) => {
            doc.value.attempts += 1;
            doc.value.last_error = Some(error.to_string());
            if doc.value.attempts >= MAX_ATTEMPTS {
                tracing::error!(message = %id, attempts = doc.value.attempts, %error, "giving up on a queued message");
                delivery.dropped += 1;
                let _ = p.kv.delete_if_version(doc.key, doc.version).await;
            } else {
                let wait = backoff(doc.value.attempts);
                tracing::warn!(message = %id, attempts = doc.value.attempts, %error, retry_in_s = wait.as_secs(), "mail deferred");
                delivery.deferred += 1;
                doc.value.not_before = now.plus(wait).unix_millis();
                docs::replace(p.kv.as_ref(), &doc, expires).await?;
            }
        }
    }
    Ok(())
}
