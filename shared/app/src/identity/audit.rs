//! The audit log in the store: appending to an organisation's chain, listing, exporting, verifying.
//!
//! Appending reads the chain's head, then writes the new entry and the moved head in one atomic
//! batch conditioned on the head's version, so concurrent appends never fork the chain: the loser
//! retries on the new head. Nothing ever updates or deletes an entry.

use emmaus_domain::audit::{self, AuditAction, AuditEntry, AuditEvent, Break};
use emmaus_domain::permissions::Action;
use emmaus_domain::{DomainError, Timestamp};
use emmaus_ports::{Cursor, Key, Query};

use super::context::{Actor, RequestMeta};
use super::keys;
use crate::Platform;
use crate::docs::{self, Doc};
use crate::error::from_kv;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Head {
    seq: u64,
    hash: String,
}

fn entry_key(org: &str, seq: u64) -> Key {
    Key::new(keys::audit(org), format!("entry#{seq:012}"))
}

/// Appends one event to `org`'s chain.
pub async fn append(p: &Platform, org: &str, event: AuditEvent) -> Result<AuditEntry, DomainError> {
    let head_key = Key::new(keys::audit(org), "head");
    for _ in 0..20 {
        let head: Option<Doc<Head>> = docs::get(p.kv.as_ref(), head_key.clone()).await?;
        let prev = head.as_ref().map(|h| (h.value.seq, h.value.hash.as_str()));
        let entry = audit::seal(org, event.clone(), prev);
        let moved = Head { seq: entry.seq, hash: entry.hash.clone() };
        let head_write = match &head {
            Some(doc) => docs::replace_write(&Doc { value: moved, ..doc.clone() }, None),
            None => docs::create_write(head_key.clone(), &moved, None),
        };
        let entry_write = docs::create_write(entry_key(org, entry.seq), &entry, None);
        match p.kv.batch(vec![head_write, entry_write]).await {
            Ok(()) => return Ok(entry),
            Err(emmaus_ports::KvError::Conflict(_)) => {}
            Err(other) => return Err(from_kv(other)),
        }
    }
    Err(DomainError::Unavailable("the audit log (too many writers at once)".into()))
}

/// An event done by `actor` now.
pub fn by(
    p: &Platform,
    actor: &Actor,
    action: AuditAction,
    target: Option<String>,
    detail: Option<String>,
) -> AuditEvent {
    AuditEvent {
        at: p.clock.now(),
        actor: Some(actor.person_id.clone()),
        action,
        target,
        request_id: actor.meta.request_id.clone(),
        detail,
    }
}

/// An event with an explicit (or no) actor, e.g. sign-in attempts.
pub fn event(
    p: &Platform,
    meta: &RequestMeta,
    actor: Option<&str>,
    action: AuditAction,
    target: Option<String>,
    detail: Option<String>,
) -> AuditEvent {
    AuditEvent {
        at: p.clock.now(),
        actor: actor.map(str::to_owned),
        action,
        target,
        request_id: meta.request_id.clone(),
        detail,
    }
}

/// Records an event without failing the caller's work: a failed append is logged loudly. Used
/// where the action has already happened (a sign-in) and refusing it afterwards helps nobody.
pub async fn record(p: &Platform, org: &str, event: AuditEvent) {
    let action = event.action.name();
    if let Err(error) = append(p, org, event).await {
        tracing::error!(org, action, error = %error, "could not append to the audit log");
    }
}

/// Filters for listing; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub action: Option<AuditAction>,
    pub actor: Option<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

impl Filter {
    fn admits(&self, entry: &AuditEntry) -> bool {
        self.action.is_none_or(|a| a == entry.event.action)
            && self.actor.as_ref().is_none_or(|a| entry.event.actor.as_ref() == Some(a))
            && self.since.is_none_or(|t| entry.event.at >= t)
            && self.until.is_none_or(|t| entry.event.at < t)
    }
}

/// Newest first, up to `limit` matching entries; the cursor continues the scan. At most
/// `SCAN` stored entries are read per call, so a filter that matches rarely still answers fast,
/// with a cursor to go on.
pub async fn list(
    p: &Platform,
    org: &str,
    filter: &Filter,
    limit: u32,
    cursor: Option<Cursor>,
) -> Result<(Vec<AuditEntry>, Option<Cursor>), DomainError> {
    const SCAN: u32 = 1000;
    let mut found = Vec::new();
    let mut cursor = cursor;
    let mut scanned = 0;
    loop {
        let query = Query::new(keys::audit(org), "entry#", 100).descending().after(cursor.take());
        let page = p.kv.query(&query).await.map_err(from_kv)?;
        for item in &page.items {
            scanned += 1;
            let entry: AuditEntry = serde_json::from_slice(&item.value).map_err(DomainError::unexpected)?;
            if filter.admits(&entry) {
                found.push(entry);
                if found.len() == limit as usize {
                    return Ok((found, Some(Cursor::after(&item.key.sort))));
                }
            }
            if scanned >= SCAN {
                return Ok((found, Some(Cursor::after(&item.key.sort))));
            }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok((found, None)),
        }
    }
}

/// Every entry in order, oldest first, up to `max` (exports and verification).
pub async fn all(p: &Platform, org: &str, max: usize) -> Result<Vec<AuditEntry>, DomainError> {
    Ok(docs::all::<AuditEntry>(p.kv.as_ref(), &keys::audit(org), "entry#", max)
        .await?
        .into_iter()
        .map(|d| d.value)
        .collect())
}

/// The result of checking a whole chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    pub entries: u64,
    pub intact: bool,
    pub first_break: Option<Break>,
}

pub async fn verify(p: &Platform, org: &str) -> Result<Verification, DomainError> {
    let entries = all(p, org, usize::MAX).await?;
    let head: Option<Doc<Head>> = docs::get(p.kv.as_ref(), Key::new(keys::audit(org), "head")).await?;
    let mut result = match audit::verify(&entries, None) {
        Ok(count) => Verification { entries: count, intact: true, first_break: None },
        Err(broken) => Verification { entries: entries.len() as u64, intact: false, first_break: Some(broken) },
    };
    // Entries removed from the end leave an intact prefix; the head still remembers the last one.
    let last = entries.last().map_or(0, |e| e.seq);
    if result.intact && head.is_some_and(|h| h.value.seq != last) {
        result.intact = false;
        result.first_break = Some(Break { seq: last + 1, reason: "entries at the end of the log are missing" });
    }
    Ok(result)
}

/// The audit log as an admin reads it: [`list`] behind the permission check.
pub async fn read(
    p: &Platform,
    actor: &Actor,
    filter: &Filter,
    limit: u32,
    cursor: Option<Cursor>,
) -> Result<(Vec<AuditEntry>, Option<Cursor>), DomainError> {
    super::access::authorize(p, actor, Action::AuditRead, super::access::Target::Org).await?;
    list(p, &actor.org_id, filter, limit, cursor).await
}

/// Every entry matching `filter`, oldest first, for a download; the export itself is recorded.
pub async fn export(p: &Platform, actor: &Actor, filter: &Filter) -> Result<Vec<AuditEntry>, DomainError> {
    super::access::authorize(p, actor, Action::AuditExport, super::access::Target::Org).await?;
    let entries: Vec<AuditEntry> =
        all(p, &actor.org_id, EXPORT_MAX).await?.into_iter().filter(|e| filter.admits(e)).collect();
    let detail = Some(format!("{} entries", entries.len()));
    append(p, &actor.org_id, by(p, actor, AuditAction::AuditExported, None, detail)).await?;
    Ok(entries)
}

/// The largest export in one download.
pub const EXPORT_MAX: usize = 100_000;

/// Verifies the chain, for admins.
pub async fn check(p: &Platform, actor: &Actor) -> Result<Verification, DomainError> {
    super::access::authorize(p, actor, Action::AuditRead, super::access::Target::Org).await?;
    verify(p, &actor.org_id).await
}
