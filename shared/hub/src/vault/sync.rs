//! The sync API's use cases, for a client that watches a vault and sends what changed: the
//! manifest (which paths and hashes the library holds, a page at a time), putting one file by its
//! path with its hash (the same hash twice changes nothing), and removing one path.
//!
//! A removed path leaves a tombstone under its hash for [`TOMBSTONE_LIFETIME`]: a put of the same
//! bytes under a new path within that time is the file renamed or moved (a watcher sees a rename
//! as a removal and an addition), and brings the same resource back under the new path.

use std::time::Duration;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_identity::Actor;
use emmaus_obsidian::path::VaultPath;
use emmaus_ports::{Cursor, IndexKeys, Key, Write};

use super::import::{self, FileFailure, Incoming, Outcome, Parsed, Plan};
use super::{Entry, Vault, entry_key, partition};
use crate::access::Reader;
use crate::index;

/// How long a removed path's resource can come back under a new path with the same bytes.
pub const TOMBSTONE_LIFETIME: Duration = Duration::from_hours(24);
/// The most entries one manifest page holds.
pub const MAX_PAGE: u32 = 1000;

fn tombstone_key(org: &str, vault: &str, hash: &str) -> Key {
    Key::new(partition(org, vault), format!("t#{hash}"))
}

/// A page of the vault's manifest: paths and hashes in path order.
pub async fn manifest(
    p: &Platform,
    actor: &Actor,
    vault: &str,
    cursor: Option<Cursor>,
    limit: u32,
) -> Result<(Vault, Vec<Entry>, Option<Cursor>), DomainError> {
    let reader = Reader::of(p, actor).await?;
    let vault = super::load(p, &reader, vault).await?.value;
    let (entries, next) = super::entries_page(p, reader.org(), &vault.id, cursor, limit.clamp(1, MAX_PAGE)).await?;
    Ok((vault, entries.into_iter().map(|doc| doc.value).collect(), next))
}

/// What a put did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Put {
    pub outcome: Outcome,
    pub entry: Entry,
    /// What the file's reading warned of (a broken frontmatter, a tag left out).
    pub warnings: Vec<String>,
}

/// A client's hash, checked: 64 lowercase hexadecimal digits.
fn parse_hash(hash: &str) -> Result<String, DomainError> {
    let hash = hash.trim().to_ascii_lowercase();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(DomainError::invalid("hash", "is the SHA-256 of the file's bytes, as 64 hexadecimal digits"));
    }
    Ok(hash)
}

/// A path as a client sends it, checked as a zip entry's name is.
pub fn parse_path(path: &str) -> Result<VaultPath, DomainError> {
    let path = VaultPath::parse(path).map_err(|error| DomainError::invalid("path", error.to_string()))?;
    if let Some(skip) = emmaus_obsidian::path::skipped(&path) {
        return Err(DomainError::invalid("path", format!("is one Obsidian leaves out of a vault ({skip:?})")));
    }
    super::storable(&path).map_err(|reason| DomainError::invalid("path", reason))?;
    Ok(path)
}

/// Puts one file of the vault by its path: `hash` is what the client computed of `bytes`
/// (a transfer that damaged them is refused). The same hash as the library holds changes nothing.
pub async fn put(
    p: &Platform,
    actor: &Actor,
    vault: &str,
    path: &str,
    hash: &str,
    bytes: Vec<u8>,
) -> Result<Put, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let vault = super::load(p, &reader, vault).await?.value;
    let path = parse_path(path)?;
    let hash = parse_hash(hash)?;
    if emmaus_obsidian::content_hash(&bytes) != hash {
        return Err(DomainError::invalid("hash", "does not match the bytes that arrived; send the file again"));
    }
    let org = reader.org().to_owned();
    let held: Option<Doc<Entry>> = docs::get(p.kv.as_ref(), entry_key(&org, &vault.id, path.as_str())).await?;
    if let Some(entry) = &held
        && entry.value.hash == hash
    {
        return Ok(Put { outcome: Outcome::Unchanged, entry: entry.value.clone(), warnings: Vec::new() });
    }
    let (parsed, warnings) = if path.is_note() {
        let note = import::parse_note(&path, &bytes).map_err(|reason| DomainError::invalid("file", reason))?;
        let warnings = note.warnings.clone();
        (Parsed::Note(Box::new(note)), warnings)
    } else {
        (Parsed::Attachment, Vec::new())
    };
    let plan = match held {
        Some(entry) => Plan::Update(entry),
        None => match docs::get::<Entry>(p.kv.as_ref(), tombstone_key(&org, &vault.id, &hash)).await? {
            Some(tomb) => Plan::Move(tomb),
            None => Plan::Create,
        },
    };
    let incoming = Incoming { path: &path, hash: &hash, bytes, parsed: &parsed };
    let (outcome, task) = import::write_file(p, &reader, &vault, incoming, plan).await.map_err(failure)?;
    if let Some((id, task)) = task {
        index::apply_imported(p, &org, &[(id, task)], &[]).await;
    }
    let entry = docs::get::<Entry>(p.kv.as_ref(), entry_key(&org, &vault.id, path.as_str()))
        .await?
        .map(|doc| doc.value)
        .ok_or_else(|| DomainError::Conflict("the path was removed while it was written".into()))?;
    Ok(Put { outcome, entry, warnings })
}

/// Removes one path: its resource goes to the trash (restorable for 30 days), and for a day the
/// same bytes put under another path bring it back there.
pub async fn remove(p: &Platform, actor: &Actor, vault: &str, path: &str) -> Result<(), DomainError> {
    let reader = Reader::of(p, actor).await?;
    let vault = super::load(p, &reader, vault).await?.value;
    let path = VaultPath::parse(path).map_err(|error| DomainError::invalid("path", error.to_string()))?;
    let org = reader.org().to_owned();
    let Some(entry) = docs::get::<Entry>(p.kv.as_ref(), entry_key(&org, &vault.id, path.as_str())).await? else {
        return Err(DomainError::NotFound("the path in the vault".into()));
    };
    let task = import::remove_path(p, &reader, &vault, &entry).await.map_err(failure)?;
    let expires = p.clock.now().plus(TOMBSTONE_LIFETIME).unix_seconds();
    let tomb = Write::PutIfAbsent {
        key: tombstone_key(&org, &vault.id, &entry.value.hash),
        value: docs::encode(&entry.value),
        expires_at: Some(expires),
        index: IndexKeys::NONE,
    };
    // A tombstone of the same bytes there already (two copies removed) keeps the first.
    let _ = p.kv.batch(vec![tomb]).await;
    if let Some(task) = task {
        index::apply_imported(p, &org, &[task], &[]).await;
    }
    Ok(())
}

fn failure(failure: FileFailure) -> DomainError {
    match failure {
        FileFailure::Refused(reason) => DomainError::invalid("file", reason),
        FileFailure::Raced => DomainError::Conflict("the file changed while it was written; send it again".into()),
        FileFailure::Store(error) => error,
    }
}
