//! The audit log in the store: appending to an organisation's keyed chain, listing, exporting,
//! verifying in bounded steps.
//!
//! Appending reads the chain's head, then writes the new entry and the moved head in one atomic
//! batch conditioned on the head's version, so concurrent appends never fork the chain: the loser
//! retries on the new head. Nothing ever updates or deletes an entry. Entries are sealed with the
//! audit key ring from [`KEYS_SETTING`] (kept outside the store, like the session keys), so write
//! access to the store is not enough to rewrite the log. An event that cannot be appended is kept
//! aside as *lost* (and logged), and verification says how many there are.

use emmaus_domain::audit::{self, AuditAction, AuditEntry, AuditEvent, AuditKey, Break};
use emmaus_domain::permissions::Action;
use emmaus_domain::{DomainError, Timestamp};
use emmaus_ports::{ConfigExt as _, ConfigSource, Cursor, Key, Query};

use crate::context::{Actor, RequestMeta};
use crate::keys;
use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_app::error::from_kv;

/// The audit key ring: `kid:secret,…` (base64url secrets of at least 32 bytes). The first seals
/// new entries; every one verifies, so retired keys stay listed for as long as their entries.
pub const KEYS_SETTING: &str = "EMMAUS_AUDIT_KEYS";

/// Entries one verification step checks at most: well within a 10-second Lambda.
pub const VERIFY_STEP: usize = 2000;

/// The largest export in one download; a longer one answers a cursor to continue from.
pub const EXPORT_MAX: usize = 10_000;

/// Stored entries one export reads at most, so a rare filter over a long log still answers in
/// time (with a cursor).
const EXPORT_SCAN: usize = 50_000;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Head {
    seq: u64,
    hash: String,
}

fn entry_key(org: &str, seq: u64) -> Key {
    Key::new(keys::audit(org), entry_sort(seq))
}

fn entry_sort(seq: u64) -> String {
    format!("entry#{seq:012}")
}

fn head_key(org: &str) -> Key {
    Key::new(keys::audit(org), "head")
}

/// The keys that seal and verify, first the one that seals. `Misconfigured` when unset or bad.
pub fn key_ring(config: &dyn ConfigSource) -> Result<Vec<AuditKey>, DomainError> {
    let misconfigured = |reason: String| DomainError::Misconfigured { what: "the audit log".into(), reason };
    let text = config.required(KEYS_SETTING).map_err(|e| misconfigured(e.to_string()))?;
    parse_ring(&text).map_err(misconfigured)
}

/// Parses `kid:secret,…`; the error names the setting and the entry, never a secret.
pub fn parse_ring(text: &str) -> Result<Vec<AuditKey>, String> {
    use base64::Engine as _;
    let mut ring = Vec::new();
    for (i, entry) in text.split(',').map(str::trim).filter(|e| !e.is_empty()).enumerate() {
        let bad = |why: &str| format!("{KEYS_SETTING}: key {} {why}", i + 1);
        let (kid, secret) = entry.split_once(':').ok_or_else(|| bad("is not `kid:secret`"))?;
        let kid = kid.trim();
        if kid.is_empty() || kid.len() > 64 || !kid.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
            return Err(bad("has an invalid id"));
        }
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(secret.trim())
            .map_err(|_| bad("is not base64url"))?;
        ring.push(AuditKey::new(kid, bytes).map_err(|e| bad(&format!("is too short ({e})")))?);
    }
    if ring.is_empty() {
        return Err(format!("{KEYS_SETTING} holds no key"));
    }
    Ok(ring)
}

/// A ring entry for `kid` with `secret`, as the hosts write it.
pub fn new_key_entry(kid: &str, secret: &[u8]) -> String {
    use base64::Engine as _;
    format!("{kid}:{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret))
}

/// Appends one event to `org`'s chain.
pub async fn append(p: &Platform, org: &str, event: AuditEvent) -> Result<AuditEntry, DomainError> {
    let ring = key_ring(p.config.as_ref())?;
    let sealing = &ring[0];
    for _ in 0..20 {
        let head: Option<Doc<Head>> = docs::get(p.kv.as_ref(), head_key(org)).await?;
        let prev = head.as_ref().map(|h| (h.value.seq, h.value.hash.as_str()));
        let entry = audit::seal(sealing, org, event.clone(), prev);
        let moved = Head { seq: entry.seq, hash: entry.hash.clone() };
        let head_write = match &head {
            Some(doc) => docs::replace_write(&Doc { value: moved, ..doc.clone() }, None),
            None => docs::create_write(head_key(org), &moved, None),
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

/// Records an event without failing the caller's work, where the action has already happened (a
/// sign-in) and refusing it afterwards helps nobody. An append that fails is logged as an error
/// and the event kept aside under `lost#…`, which verification counts, so it never vanishes.
pub async fn record(p: &Platform, org: &str, event: AuditEvent) {
    let action = event.action.name();
    if let Err(error) = append(p, org, event.clone()).await {
        tracing::error!(org, action, error = %error, "could not append to the audit log; the event is kept as lost");
        let key = Key::new(keys::audit(org), format!("lost#{}", p.ids.new_id()));
        if let Err(also) = docs::create(p.kv.as_ref(), key, &event, None).await {
            tracing::error!(org, action, error = %also, "could not keep the lost audit event either");
        }
    }
}

/// Events that could not be appended, oldest first (at most `max`).
pub async fn lost(p: &Platform, org: &str, max: usize) -> Result<Vec<AuditEvent>, DomainError> {
    Ok(docs::all::<AuditEvent>(p.kv.as_ref(), &keys::audit(org), "lost#", max)
        .await?
        .into_iter()
        .map(|d| d.value)
        .collect())
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

    /// Whether the scan, going newest first, has passed every entry the filter could admit:
    /// entries are appended in time order, so once one is older than `since`, so are the rest.
    fn passed(&self, entry: &AuditEntry) -> bool {
        self.since.is_some_and(|t| entry.event.at < t)
    }
}

/// Newest first, up to `limit` matching entries, reading at most `scan` stored ones; the cursor
/// continues where this stopped (`None` once the log is exhausted or the filter's `since` passed).
async fn scan_newest(
    p: &Platform,
    org: &str,
    filter: &Filter,
    limit: usize,
    scan: usize,
    cursor: Option<Cursor>,
) -> Result<(Vec<AuditEntry>, Option<Cursor>), DomainError> {
    let mut found = Vec::new();
    let mut cursor = cursor;
    let mut scanned = 0;
    loop {
        let query = Query::new(keys::audit(org), "entry#", 200).descending().after(cursor.take());
        let page = p.kv.query(&query).await.map_err(from_kv)?;
        for item in &page.items {
            scanned += 1;
            let entry: AuditEntry = serde_json::from_slice(&item.value).map_err(DomainError::unexpected)?;
            if filter.passed(&entry) {
                return Ok((found, None));
            }
            if filter.admits(&entry) {
                found.push(entry);
                if found.len() == limit {
                    return Ok((found, Some(Cursor::after(&item.key.sort))));
                }
            }
            if scanned >= scan {
                return Ok((found, Some(Cursor::after(&item.key.sort))));
            }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok((found, None)),
        }
    }
}

/// Newest first, up to `limit` matching entries; the cursor continues the scan. At most 1000
/// stored entries are read per call, so a filter that matches rarely still answers fast, with a
/// cursor to go on.
pub async fn list(
    p: &Platform,
    org: &str,
    filter: &Filter,
    limit: u32,
    cursor: Option<Cursor>,
) -> Result<(Vec<AuditEntry>, Option<Cursor>), DomainError> {
    scan_newest(p, org, filter, limit as usize, 1000, cursor).await
}

/// Every entry in order, oldest first, up to `max`; more than `max` is an error, never a silent cut.
pub async fn all(p: &Platform, org: &str, max: usize) -> Result<Vec<AuditEntry>, DomainError> {
    Ok(docs::all::<AuditEntry>(p.kv.as_ref(), &keys::audit(org), "entry#", max)
        .await?
        .into_iter()
        .map(|d| d.value)
        .collect())
}

/// One verification step.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    /// Entries checked in this step.
    pub checked: u64,
    /// The last entry checked and found sound (0 before the first).
    pub through: u64,
    pub intact: bool,
    pub first_break: Option<Break>,
    /// Where the next step starts (`after`), while there is more to check.
    pub next: Option<u64>,
    /// Events that could not be appended and were kept aside (counted on the last step).
    pub lost: u64,
}

/// Checks up to [`VERIFY_STEP`] entries after entry `after` (0: from the start). The entry at
/// `after` is read again for its seal: each seal proves itself under the key ring, so a step needs
/// no more than that from the steps before it. On the last step the head is compared with the
/// last entry (entries cut from the end leave an intact prefix) and lost events are counted.
pub async fn verify(p: &Platform, org: &str, after: u64) -> Result<Verification, DomainError> {
    let ring = key_ring(p.config.as_ref())?;
    let mut prev: Option<(u64, String)> = None;
    if after > 0 {
        let doc: Doc<AuditEntry> = docs::get(p.kv.as_ref(), entry_key(org, after))
            .await?
            .ok_or_else(|| DomainError::NotFound(format!("entry {after} of the audit log")))?;
        prev = Some((doc.value.seq, doc.value.hash));
    }
    let mut entries = Vec::new();
    let mut cursor = (after > 0).then(|| Cursor::after(&entry_sort(after)));
    let mut more = false;
    loop {
        let page =
            p.kv.query(&Query::new(keys::audit(org), "entry#", 200).after(cursor.take())).await.map_err(from_kv)?;
        for item in page.items {
            if entries.len() == VERIFY_STEP {
                more = true;
                break;
            }
            entries.push(serde_json::from_slice::<AuditEntry>(&item.value).map_err(DomainError::unexpected)?);
        }
        match page.next {
            Some(next) if !more => cursor = Some(next),
            _ => break,
        }
    }
    let checked = entries.len() as u64;
    let through = entries.last().map_or(after, |e| e.seq);
    let prev_ref = prev.as_ref().map(|(seq, hash)| (*seq, hash.as_str()));
    if let Err(broken) = audit::verify(&entries, prev_ref, &ring) {
        let through = broken.seq.saturating_sub(1);
        return Ok(Verification { checked, through, intact: false, first_break: Some(broken), next: None, lost: 0 });
    }
    if more {
        return Ok(Verification { checked, through, intact: true, first_break: None, next: Some(through), lost: 0 });
    }
    let lost = lost(p, org, 100_000).await?.len() as u64;
    let head: Option<Doc<Head>> = docs::get(p.kv.as_ref(), head_key(org)).await?;
    let first_break = head
        .filter(|h| h.value.seq != through)
        .map(|_| Break { seq: through + 1, reason: "entries at the end of the log are missing" });
    Ok(Verification { checked, through, intact: first_break.is_none(), first_break, next: None, lost })
}

/// The audit log as an admin reads it: [`list`] behind the permission check.
pub async fn read(
    p: &Platform,
    actor: &Actor,
    filter: &Filter,
    limit: u32,
    cursor: Option<Cursor>,
) -> Result<(Vec<AuditEntry>, Option<Cursor>), DomainError> {
    crate::access::authorize(p, actor, Action::AuditRead, crate::access::Target::Org).await?;
    list(p, &actor.org_id, filter, limit, cursor).await
}

/// The entries matching `filter`, newest first, at most [`EXPORT_MAX`] of them, the filter applied
/// inside the scan (and a `since` ending it); with a cursor to continue from when there are more.
/// The export itself is recorded.
pub async fn export(
    p: &Platform,
    actor: &Actor,
    filter: &Filter,
    cursor: Option<Cursor>,
) -> Result<(Vec<AuditEntry>, Option<Cursor>), DomainError> {
    crate::access::authorize(p, actor, Action::AuditExport, crate::access::Target::Org).await?;
    let (entries, next) = scan_newest(p, &actor.org_id, filter, EXPORT_MAX, EXPORT_SCAN, cursor).await?;
    let detail = Some(format!("{} entries{}", entries.len(), if next.is_some() { ", more to follow" } else { "" }));
    append(p, &actor.org_id, by(p, actor, AuditAction::AuditExported, None, detail)).await?;
    Ok((entries, next))
}

/// Verifies one step of the chain, for admins.
pub async fn check(p: &Platform, actor: &Actor, after: u64) -> Result<Verification, DomainError> {
    crate::access::authorize(p, actor, Action::AuditRead, crate::access::Target::Org).await?;
    verify(p, &actor.org_id, after).await
}
