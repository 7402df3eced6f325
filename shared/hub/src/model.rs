//! The hub's records as stored: a resource, and a saved version of a note.

use emmaus_domain::Timestamp;
use emmaus_domain::hub::{Collection, ResourceKind, Source, Tag, Visibility};
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
    /// Where the resource is listed in the secondary indexes: the organisation's trash and the
    /// purge schedule while deleted, nowhere otherwise.
    pub fn index_keys(&self) -> IndexKeys {
        match &self.deleted {
            None => IndexKeys::NONE,
            Some(deletion) => IndexKeys {
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
