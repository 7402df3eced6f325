//! The hub's records as stored: a resource (with a file's state), and a saved version of a note.

use emmaus_domain::Timestamp;
use emmaus_domain::hub::{Collection, ContentKind, ResourceKind, Source, Tag, Visibility};
use emmaus_ports::IndexKeys;

use crate::keys;

/// One thing in the library: a note, a link or a file, with what describes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Resource {
    pub id: String,
    pub org_id: String,
    pub kind: ResourceKind,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub collection: Option<Collection>,
    pub author_id: String,
    pub source: Source,
    pub visibility: Visibility,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub updated_by: String,
    /// Set while the resource is in the trash.
    #[serde(default)]
    pub deleted: Option<Deletion>,
    #[serde(default)]
    pub note: Option<NoteState>,
    #[serde(default)]
    pub link: Option<LinkState>,
    #[serde(default)]
    pub file: Option<FileState>,
    /// Where it came from in an Obsidian vault, for what was imported from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<VaultLink>,
}

/// A resource's place in an Obsidian vault (`crate::vault`): its links resolve within that vault.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VaultLink {
    pub vault_id: String,
    pub path: String,
    /// A note's aliases, as written.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// A note's other frontmatter fields, kept as they were.
    #[serde(default)]
    pub properties: serde_json::Map<String, serde_json::Value>,
}

/// An uploaded file: what the uploader said of it, and what its bytes turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileState {
    /// The name it was uploaded under: shown, and offered when it is downloaded; never in a key.
    pub name: String,
    /// Announced while uploading; what was stored once the bytes arrived.
    pub size: u64,
    /// The content type the uploader's browser claimed.
    pub declared_type: String,
    pub status: FileStatus,
    /// How far reading its text for search (and its thumbnail) has come: the `ingest` job's record.
    #[serde(default)]
    pub reading: Reading,
}

/// Where reading a file's text stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Reading {
    /// Waiting for the `ingest` job.
    #[default]
    Pending,
    /// A run began reading it at `at`. A later run that finds this knows the reader stopped its
    /// instance (a trap in Wasm, a crash) and records the failure instead of trying again.
    Started { at: Timestamp },
    /// Its text is in the blob `text` (and in search); `thumbnail` says whether one was made.
    Done { chars: u64, parts: u32, thumbnail: bool },
    /// Nothing was read, for the reason given (a damaged file, one over a limit); shown to people.
    Failed { reason: String },
    /// A kind with no text to read (an image, a recording); `thumbnail` as above.
    Skipped { thumbnail: bool },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FileStatus {
    /// Announced, its bytes awaited until `until`; after that the purge job removes it.
    Uploading { until: Timestamp },
    /// Its bytes are a kind the library accepts, and what they claimed: listed and served.
    Ready { kind: ContentKind },
    /// Its bytes contradict its declared type: kept aside, never served, reported.
    Quarantined { found: ContentKind },
}

/// When and by whom a resource was put in the trash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deletion {
    pub at: Timestamp,
    pub by: String,
}

/// Where a note's current text is, and the range of its saved versions.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoteState {
    pub bytes: u64,
    /// The current version's number; the first save is 1.
    pub number: u32,
    /// The oldest version still kept; older ones were dropped.
    pub oldest_kept: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkState {
    pub url: String,
    /// What the page said of itself, fetched by the `ingest` job.
    #[serde(default)]
    pub preview: Preview,
}

/// A link's preview: the page's title, description and image, fetched on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Preview {
    /// Waiting for the `ingest` job.
    #[default]
    Pending,
    /// Fetched; `image` says whether a preview image is kept as the blob `thumbnail`.
    Done { title: Option<String>, description: Option<String>, image: bool },
    /// Not fetched, for the reason given (a private address, no answer, too large); shown to people.
    Failed { reason: String },
    /// This server does not fetch links (Spin cannot check the addresses its host connects to).
    Off,
}

/// One saved text of a note (the current one included).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoteVersion {
    pub number: u32,
    /// The resource's title when this text was saved.
    pub title: String,
    pub bytes: u64,
    pub saved_at: Timestamp,
    pub saved_by: String,
    /// The markdown; left empty where versions are listed.
    #[serde(default)]
    pub text: String,
}

impl Resource {
    /// Whether it belongs in search and listings: live, and for a file, with accepted bytes.
    pub fn searchable(&self) -> bool {
        self.deleted.is_none() && self.file.as_ref().is_none_or(|file| matches!(file.status, FileStatus::Ready { .. }))
    }

    /// Where the resource is listed in the secondary indexes: the organisation's trash and the
    /// purge schedule while deleted; the purge schedule alone while a file's bytes are awaited
    /// (an upload never finished is removed); nowhere otherwise.
    pub fn index_keys(&self) -> IndexKeys {
        let awaited = self.file.as_ref().and_then(|file| match file.status {
            FileStatus::Uploading { until } => Some(until),
            _ => None,
        });
        match (&self.deleted, awaited) {
            (None, None) => IndexKeys::NONE,
            (None, Some(until)) => IndexKeys { one: None, two: Some(keys::purge_entry(&self.org_id, &self.id, until)) },
            (Some(deletion), _) => IndexKeys {
                one: Some(keys::trash_entry(&self.org_id, &self.id, deletion.at)),
                two: Some(keys::purge_entry(
                    &self.org_id,
                    &self.id,
                    emmaus_domain::hub::resources::purge_due(deletion.at),
                )),
            },
        }
    }
}
