//! Obsidian vaults in the library: a vault is a named set of notes and attachments, each kept as a
//! resource and found again by its path in the vault, so importing the same vault again updates
//! in place. The records here are what every door (the command line, a zip upload, the sync API)
//! reads and writes through [`import`] and [`sync`]:
//!
//! - the vault itself, in the library's partition (`vault#<id>`);
//! - in the vault's own partition, one entry per path (`f#<path>`: the resource, the content hash
//!   the manifest answers), and the lists a link is resolved through: every file by the name a
//!   link uses (`n#<name>`) and every note by each of its aliases (`a#<alias>`). A note is rendered
//!   and indexed by resolving its links through these lists, so a link whose target arrives later
//!   becomes live without rewriting the note that holds it.

pub mod import;
pub mod jobs;
pub mod render;
pub mod sync;
pub mod zip;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_app::error::from_kv;
use emmaus_domain::hub::{Collection, Visibility};
use emmaus_domain::{DomainError, Timestamp};
use emmaus_obsidian::path::VaultPath;
use emmaus_ports::{IndexKeys, Key, Query, Write};

use crate::access::Reader;
use crate::keys;

/// The longest vault name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// The most vaults one organisation keeps.
pub const MAX_VAULTS: usize = 100;
/// The longest path kept, in bytes: it is part of a key, with room for the entry's prefix.
pub const MAX_PATH_BYTES: usize = 900;
/// The longest alias or link name kept as a key, in bytes.
pub const MAX_NAME_KEY_BYTES: usize = 300;
/// The most aliases of one note that links can use; more are kept as written but not linkable,
/// so that one note's writes stay within one batch.
pub const MAX_ALIASES: usize = 8;

/// A vault, as the library knows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Vault {
    pub id: String,
    pub org_id: String,
    pub name: String,
    /// The person who imported it first: its resources are theirs; they and the admins sync it.
    pub owner_id: String,
    /// The collection its root folder becomes; its folders nest under it.
    #[serde(default)]
    pub collection: Option<Collection>,
    /// Who sees what is imported from it.
    pub visibility: Visibility,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One path of a vault and the resource it became.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub path: String,
    pub resource_id: String,
    /// The SHA-256 of the file's bytes, lowercase hex, as clients compute it.
    pub hash: String,
    pub bytes: u64,
    /// The aliases links may use to reach it (a note's; lowercase).
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// The files a link name (or an alias) may mean.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Named {
    pub files: Vec<NamedFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NamedFile {
    pub path: String,
    pub resource_id: String,
}

/// The vault's record.
pub fn vault_key(org: &str, id: &str) -> Key {
    Key::new(keys::library(org), format!("vault#{id}"))
}

/// The partition of one vault's entries and name lists.
pub fn partition(org: &str, vault: &str) -> String {
    format!("org#{org}#hub#vault#{vault}")
}

pub fn entry_key(org: &str, vault: &str, path: &str) -> Key {
    Key::new(partition(org, vault), format!("f#{path}"))
}

pub fn name_key(org: &str, vault: &str, name: &str) -> Key {
    Key::new(partition(org, vault), format!("n#{name}"))
}

pub fn alias_key(org: &str, vault: &str, alias: &str) -> Key {
    Key::new(partition(org, vault), format!("a#{alias}"))
}

/// An alias as links compare it: trimmed, lower case, composed (as `emmaus_obsidian` compares names).
pub fn alias_name(alias: &str) -> String {
    emmaus_obsidian::fold(alias.trim())
}

/// Whether a name fits in a key (aliases and link names longer than this are not linkable).
pub(crate) fn keyable(name: &str) -> bool {
    !name.is_empty() && name.len() <= MAX_NAME_KEY_BYTES
}

/// A vault's name as people give it: at most [`MAX_NAME_CHARS`] as sent (the API's `maxLength`),
/// one line, kept trimmed.
pub fn parse_name(field: &str, name: &str) -> Result<String, DomainError> {
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::invalid(field, format!("has at most {MAX_NAME_CHARS} characters")));
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid(field, "is required: the vault's name"));
    }
    if name.chars().any(char::is_control) {
        return Err(DomainError::invalid(field, "is one line without control characters"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::invalid(field, format!("has at most {MAX_NAME_CHARS} characters")));
    }
    Ok(name.to_owned())
}

/// The organisation's vaults, those the reader may sync (their own; every one for admins).
pub async fn list(p: &Platform, reader: &Reader) -> Result<Vec<Doc<Vault>>, DomainError> {
    let all: Vec<Doc<Vault>> = docs::all(p.kv.as_ref(), &keys::library(reader.org()), "vault#", MAX_VAULTS).await?;
    Ok(all.into_iter().filter(|doc| may_sync(reader, &doc.value)).collect())
}

/// Whether the reader may import into, sync and read the manifest of `vault`.
pub fn may_sync(reader: &Reader, vault: &Vault) -> bool {
    reader.is_admin() || vault.owner_id == reader.id()
}

/// The vault `id`, for a reader who may sync it; `NotFound` for anyone else.
pub async fn load(p: &Platform, reader: &Reader, id: &str) -> Result<Doc<Vault>, DomainError> {
    let doc: Option<Doc<Vault>> = docs::get(p.kv.as_ref(), vault_key(reader.org(), id)).await?;
    match doc {
        Some(doc) if may_sync(reader, &doc.value) => Ok(doc),
        _ => Err(DomainError::NotFound("the vault".into())),
    }
}

/// What a new vault is to be.
#[derive(Debug, Clone, Default)]
pub struct VaultSpec {
    pub name: String,
    pub collection: Option<String>,
    pub visibility: Option<Visibility>,
}

/// The reader's vault named `spec.name` (names compare without case), created when there is none.
/// An existing vault keeps its collection and visibility unless the spec names others.
pub async fn find_or_create(p: &Platform, reader: &Reader, spec: &VaultSpec) -> Result<Doc<Vault>, DomainError> {
    if !reader.may_import() {
        return Err(DomainError::Forbidden);
    }
    let name = parse_name("vault", &spec.name)?;
    let collection = emmaus_domain::hub::collections::parse_collection("collection", spec.collection.as_deref())?;
    let all: Vec<Doc<Vault>> = docs::all(p.kv.as_ref(), &keys::library(reader.org()), "vault#", MAX_VAULTS).await?;
    let wanted = name.to_lowercase();
    if let Some(mut doc) = all.iter().find(|doc| doc.value.name.to_lowercase() == wanted).cloned() {
        if !may_sync(reader, &doc.value) {
            return Err(DomainError::Conflict(format!(
                "another member's vault is called {name:?}; choose another name"
            )));
        }
        let mut changed = false;
        if collection.is_some() && collection != doc.value.collection {
            doc.value.collection = collection;
            changed = true;
        }
        if let Some(visibility) = &spec.visibility
            && *visibility != doc.value.visibility
        {
            reader.check_visibility(p, visibility).await?;
            doc.value.visibility = visibility.clone();
            changed = true;
        }
        if changed {
            doc.value.updated_at = p.clock.now();
            doc.version = docs::replace(p.kv.as_ref(), &doc, None).await?;
        }
        return Ok(doc);
    }
    if all.len() >= MAX_VAULTS {
        return Err(DomainError::Conflict(format!("the organisation keeps at most {MAX_VAULTS} vaults")));
    }
    let visibility = spec.visibility.clone().unwrap_or_else(|| reader.default_visibility());
    reader.check_visibility(p, &visibility).await?;
    let now = p.clock.now();
    let vault = Vault {
        id: p.ids.new_id(),
        org_id: reader.org().to_owned(),
        name,
        owner_id: reader.id().to_owned(),
        collection,
        visibility,
        created_at: now,
        updated_at: now,
    };
    let key = vault_key(reader.org(), &vault.id);
    p.kv.batch(vec![docs::create_write(key.clone(), &vault, None)]).await.map_err(from_kv)?;
    Ok(Doc { key, value: vault, version: 1 })
}

/// Every entry of a vault (its manifest), in path order, with the versions a change names.
pub async fn entries(p: &Platform, org: &str, vault: &str) -> Result<Vec<Doc<Entry>>, DomainError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let (page, next) = entries_page(p, org, vault, cursor, emmaus_ports::kv::MAX_QUERY_LIMIT).await?;
        out.extend(page);
        match next {
            Some(next) => cursor = Some(next),
            None => return Ok(out),
        }
    }
}

/// One page of a vault's entries after `cursor`, in path order.
pub async fn entries_page(
    p: &Platform,
    org: &str,
    vault: &str,
    cursor: Option<emmaus_ports::Cursor>,
    limit: u32,
) -> Result<(Vec<Doc<Entry>>, Option<emmaus_ports::Cursor>), DomainError> {
    let query = Query::new(partition(org, vault), "f#", limit).after(cursor);
    let page = p.kv.query(&query).await.map_err(from_kv)?;
    let entries = page.items.into_iter().map(docs::from_item).collect::<Result<_, _>>()?;
    Ok((entries, page.next))
}

/// The change of one name list: the files to take out of it and to add to it.
#[derive(Debug, Default)]
pub(crate) struct ListChange {
    pub remove: Vec<String>,
    pub add: Vec<NamedFile>,
}

/// The writes that apply `changes` (list key to change) to the name and alias lists as read now,
/// each conditional on the version read, so two imports changing one list never lose a file.
pub(crate) async fn list_writes(
    p: &Platform,
    changes: std::collections::BTreeMap<Key, ListChange>,
) -> Result<Vec<Write>, DomainError> {
    let keys: Vec<Key> = changes.keys().cloned().collect();
    let found = docs::get_items(p.kv.as_ref(), &keys).await?;
    let mut writes = Vec::new();
    for (key, item) in keys.iter().zip(found) {
        let (mut list, version) = match item {
            Some(item) => {
                let doc: Doc<Named> = docs::from_item(item)?;
                (doc.value, doc.version)
            }
            None => (Named::default(), 0),
        };
        let change = &changes[key];
        let before = list.clone();
        list.files.retain(|file| !change.remove.contains(&file.path));
        for file in &change.add {
            list.files.retain(|held| held.path != file.path);
            list.files.push(file.clone());
        }
        list.files.sort_by(|a, b| a.path.cmp(&b.path));
        if list == before {
            continue;
        }
        writes.push(match (version, list.files.is_empty()) {
            (0, true) => continue,
            (0, false) => Write::PutIfAbsent {
                key: key.clone(),
                value: docs::encode(&list),
                expires_at: None,
                index: IndexKeys::NONE,
            },
            (expected, true) => Write::DeleteIfVersion { key: key.clone(), expected },
            (expected, false) => Write::PutIfVersion {
                key: key.clone(),
                value: docs::encode(&list),
                expected,
                expires_at: None,
                index: IndexKeys::NONE,
            },
        });
    }
    Ok(writes)
}

/// A vault path checked for the library: its length fits a key.
pub(crate) fn storable(path: &VaultPath) -> Result<(), String> {
    if path.as_str().len() > MAX_PATH_BYTES {
        return Err(format!("the path is longer than {MAX_PATH_BYTES} bytes"));
    }
    if !keyable(&path.link_name()) {
        return Err(format!("the file name is longer than {MAX_NAME_KEY_BYTES} bytes"));
    }
    Ok(())
}
