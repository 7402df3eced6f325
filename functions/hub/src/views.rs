//! What the hub endpoints read and answer, as JSON.

use emmaus_domain::hub::{ResourceKind, Serving, Source, Visibility};
use emmaus_hub::model::{FileState, FileStatus, Preview, Reading};
use emmaus_hub::search::Found;
use emmaus_hub::{NoteVersion, Resource, ResourceView};
use emmaus_ports::search::Segment;

/// What a resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KindView {
    File,
    Note,
    Link,
}

impl From<ResourceKind> for KindView {
    fn from(kind: ResourceKind) -> Self {
        match kind {
            ResourceKind::File => Self::File,
            ResourceKind::Note => Self::Note,
            ResourceKind::Link => Self::Link,
        }
    }
}

impl From<KindView> for ResourceKind {
    fn from(kind: KindView) -> Self {
        match kind {
            KindView::File => Self::File,
            KindView::Note => Self::Note,
            KindView::Link => Self::Link,
        }
    }
}

/// Where a resource came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceView {
    Direct,
    Obsidian,
    OneDrive,
}

impl From<Source> for SourceView {
    fn from(source: Source) -> Self {
        match source {
            Source::Direct => Self::Direct,
            Source::Obsidian => Self::Obsidian,
            Source::OneDrive => Self::OneDrive,
        }
    }
}

impl From<SourceView> for Source {
    fn from(source: SourceView) -> Self {
        match source {
            SourceView::Direct => Self::Direct,
            SourceView::Obsidian => Self::Obsidian,
            SourceView::OneDrive => Self::OneDrive,
        }
    }
}

/// Who may see a resource besides the organisation's admins: every member, one group's members
/// and leader, or its author alone (admins included).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "scope", rename_all = "snake_case", deny_unknown_fields)]
pub enum VisibilityView {
    Organisation,
    Group { group_id: String },
    Private,
}

impl From<Visibility> for VisibilityView {
    fn from(visibility: Visibility) -> Self {
        match visibility {
            Visibility::Organisation => Self::Organisation,
            Visibility::Group { group_id } => Self::Group { group_id },
            Visibility::Private => Self::Private,
        }
    }
}

impl From<VisibilityView> for Visibility {
    fn from(visibility: VisibilityView) -> Self {
        match visibility {
            VisibilityView::Organisation => Self::Organisation,
            VisibilityView::Group { group_id } => Self::Group { group_id },
            VisibilityView::Private => Self::Private,
        }
    }
}

/// A resource as lists show it.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ResourceSummary {
    pub id: String,
    pub kind: KindView,
    pub title: String,
    pub description: String,
    /// Canonical hierarchical tags, e.g. `theology/grace`.
    pub tags: Vec<String>,
    /// The collection path, e.g. `Sermons/Advent 2026`.
    pub collection: Option<String>,
    pub author_id: String,
    pub source: SourceView,
    pub visibility: VisibilityView,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds.
    pub updated_at: i64,
    pub updated_by: String,
    /// A link's address.
    pub url: Option<String>,
    /// What a link's page says of itself, fetched on the server.
    pub link_preview: Option<LinkPreviewView>,
    /// A file's name, size and state.
    pub file: Option<FileView>,
    /// The version to send back in `If-Match` (the `ETag` of the resource).
    pub version: u64,
}

/// Where a link's preview stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PreviewStateView {
    /// Waiting to be fetched (a moment after the link was added).
    Pending,
    /// Fetched.
    Done,
    /// Not fetched; `error` says why.
    Failed,
    /// This server does not fetch links.
    Off,
}

/// A link's page, as it describes itself.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LinkPreviewView {
    pub state: PreviewStateView,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Whether a preview image was kept (`/file?thumbnail=true`).
    pub image: bool,
    pub error: Option<String>,
}

impl From<Preview> for LinkPreviewView {
    fn from(preview: Preview) -> Self {
        let empty = |state| Self { state, title: None, description: None, image: false, error: None };
        match preview {
            Preview::Pending => empty(PreviewStateView::Pending),
            Preview::Off => empty(PreviewStateView::Off),
            Preview::Failed { reason } => Self { error: Some(reason), ..empty(PreviewStateView::Failed) },
            Preview::Done { title, description, image } => {
                Self { state: PreviewStateView::Done, title, description, image, error: None }
            }
        }
    }
}

/// Where an uploaded file stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileStateView {
    /// Announced; its bytes are awaited.
    Uploading,
    /// Accepted: listed, searchable and served.
    Ready,
    /// Its bytes contradict the type it was sent as: kept aside, never served.
    Quarantined,
}

/// An uploaded file.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FileView {
    /// The name it was uploaded under.
    pub name: String,
    /// Bytes: announced while uploading, stored after.
    pub size: u64,
    /// The type the uploader's browser claimed.
    pub declared_type: String,
    pub state: FileStateView,
    /// The type its bytes are, once judged (quarantined files included).
    pub content_type: Option<String>,
    /// Whether a browser may show it (a PDF, an image, a recording, text); others only download.
    pub viewable: bool,
    /// Unix milliseconds until which an upload waits for its bytes.
    pub upload_until: Option<i64>,
    /// How far reading its text for search has come.
    pub reading: ReadingView,
    /// Why its text could not be read, when `reading` is `failed`.
    pub reading_error: Option<String>,
    /// Characters of text read from it, and its pages or slides, once read.
    pub text_chars: Option<u64>,
    pub parts: Option<u32>,
    /// Whether a thumbnail was made (`/file?thumbnail=true`).
    pub thumbnail: bool,
}

/// Where reading a file's text for search stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadingView {
    /// Waiting to be read (a moment after upload).
    Pending,
    /// Being read now.
    Reading,
    /// Its text is searchable.
    Done,
    /// Its text could not be read; `reading_error` says why.
    Failed,
    /// A kind with no text to read (a picture, a recording).
    Skipped,
}

impl From<FileState> for FileView {
    fn from(file: FileState) -> Self {
        let (state, kind, until) = match file.status {
            FileStatus::Uploading { until } => (FileStateView::Uploading, None, Some(until.unix_millis())),
            FileStatus::Ready { kind } => (FileStateView::Ready, Some(kind), None),
            FileStatus::Quarantined { found } => (FileStateView::Quarantined, Some(found), None),
        };
        let (reading, reading_error, text_chars, parts, thumbnail) = match file.reading {
            Reading::Pending => (ReadingView::Pending, None, None, None, false),
            Reading::Started { .. } => (ReadingView::Reading, None, None, None, false),
            Reading::Done { chars, parts, thumbnail } => (ReadingView::Done, None, Some(chars), Some(parts), thumbnail),
            Reading::Failed { reason } => (ReadingView::Failed, Some(reason), None, None, false),
            Reading::Skipped { thumbnail } => (ReadingView::Skipped, None, None, None, thumbnail),
        };
        Self {
            name: file.name,
            size: file.size,
            declared_type: file.declared_type,
            state,
            content_type: kind.map(|kind| kind.mime().to_owned()),
            viewable: state == FileStateView::Ready && kind.is_some_and(|kind| kind.serving() == Serving::Inline),
            upload_until: until,
            reading,
            reading_error,
            text_chars,
            parts,
            thumbnail,
        }
    }
}

impl ResourceSummary {
    pub fn new(r: Resource, version: u64) -> Self {
        let link_preview = r.link.as_ref().map(|link| LinkPreviewView::from(link.preview.clone()));
        Self {
            url: r.link.map(|link| link.url),
            link_preview,
            file: r.file.map(FileView::from),
            id: r.id,
            kind: r.kind.into(),
            title: r.title,
            description: r.description,
            tags: r.tags.into_iter().map(String::from).collect(),
            collection: r.collection.map(String::from),
            author_id: r.author_id,
            source: r.source.into(),
            visibility: r.visibility.into(),
            created_at: r.created_at.unix_millis(),
            updated_at: r.updated_at.unix_millis(),
            updated_by: r.updated_by,
            version,
        }
    }
}

/// A note's current text.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct NoteView {
    /// The markdown as written.
    pub body: String,
    /// The markdown rendered to HTML on the server: raw HTML in the note is escaped and links
    /// other than http, https, mailto and relative ones are dropped, so it is safe to show.
    pub html: String,
    /// The number of the current version (see the versions list).
    pub version_number: u32,
}

/// A tag the organisation's keyword rules suggest.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SuggestedTag {
    pub tag: String,
    /// The keyword that found it.
    pub keyword: String,
    /// How often the keyword appears.
    pub count: u64,
}

/// Where an imported resource lives in its Obsidian vault.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VaultSourceView {
    pub vault_id: String,
    /// Its path in the vault.
    pub path: String,
    /// A note's aliases, which links may use.
    pub aliases: Vec<String>,
    /// A note's other frontmatter fields, as they were.
    #[schema(value_type = Object)]
    pub properties: serde_json::Map<String, serde_json::Value>,
}

/// One resource in full.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ResourceDetail {
    #[serde(flatten)]
    pub summary: ResourceSummary,
    pub note: Option<NoteView>,
    /// Where it came from, for what was imported from an Obsidian vault.
    pub obsidian: Option<VaultSourceView>,
    /// Whether the caller may edit, delete and restore it.
    pub may_change: bool,
    /// Tags the organisation's keyword rules suggest, for those who may change it (most frequent first).
    pub suggested_tags: Vec<SuggestedTag>,
}

impl From<ResourceView> for ResourceDetail {
    fn from(view: ResourceView) -> Self {
        let number = view.resource.note.as_ref().map_or(0, |note| note.number);
        let html = view.html.unwrap_or_default();
        let note = view.body.map(|body| NoteView { html, body, version_number: number });
        let suggested_tags = view
            .suggestions
            .into_iter()
            .map(|s| SuggestedTag { tag: s.tag.into(), keyword: s.keyword, count: s.count as u64 })
            .collect();
        let obsidian = view.resource.vault.clone().map(|link| VaultSourceView {
            vault_id: link.vault_id,
            path: link.path,
            aliases: link.aliases,
            properties: link.properties,
        });
        Self {
            summary: ResourceSummary::new(view.resource, view.version),
            note,
            obsidian,
            may_change: view.may_change,
            suggested_tags,
        }
    }
}

/// A run of text; `hit` marks the words the search matched.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SegmentView {
    pub text: String,
    pub hit: bool,
}

fn segments(segments: Vec<Segment>) -> Vec<SegmentView> {
    segments.into_iter().map(|s| SegmentView { text: s.text, hit: s.hit }).collect()
}

/// One search result.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FoundView {
    pub resource: ResourceSummary,
    /// The title with matching words marked.
    pub title: Vec<SegmentView>,
    /// A passage with matching words marked; empty without search words.
    pub snippet: Vec<SegmentView>,
}

impl From<Found> for FoundView {
    fn from(found: Found) -> Self {
        Self {
            resource: ResourceSummary::new(found.resource, found.version),
            title: segments(found.title),
            snippet: segments(found.snippet),
        }
    }
}

/// How many matches hold a value.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

/// A saved version of a note.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VersionView {
    pub number: u32,
    /// The title the note had when this text was saved.
    pub title: String,
    pub bytes: u64,
    /// Unix milliseconds.
    pub saved_at: i64,
    pub saved_by: String,
}

impl From<NoteVersion> for VersionView {
    fn from(v: NoteVersion) -> Self {
        Self {
            number: v.number,
            title: v.title,
            bytes: v.bytes,
            saved_at: v.saved_at.unix_millis(),
            saved_by: v.saved_by,
        }
    }
}
