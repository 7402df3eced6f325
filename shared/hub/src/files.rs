//! Files in the library. An upload is announced first (name, size, claimed type), which reserves
//! its room in the organisation's quota and answers where to send the bytes: straight to the store
//! through a presigned form where the store has one (S3, so no byte passes through a Lambda), else
//! to the hub's own upload route. Once the bytes are there, they are judged: a kind the library
//! accepts and what it claimed becomes a listed, searchable file; bytes that contradict their claim
//! are quarantined (kept, never served, reported); anything else is refused and removed. Downloads
//! are short-lived signed links, made after the permission check, that present the file as its
//! bytes say and never as a page of the app.

use std::time::Duration;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_app::error::{from_blob, from_kv};
use emmaus_domain::DomainError;
use emmaus_domain::audit::AuditAction;
use emmaus_domain::hub::content::{self, Verdict};
use emmaus_domain::hub::{ContentKind, Quota, ResourceKind, Serving, Usage, Visibility, content_disposition};
use emmaus_domain::permissions::Action;
use emmaus_identity::{Actor, audit};
use emmaus_ports::blob::validate_content_type;
use emmaus_ports::{BlobError, BlobKey, IndexKeys, Presentation, PresignedPost, Write};

use crate::access::{Reader, not_found};
use crate::keys;
use crate::model::{FileState, FileStatus, Reading, Resource};
use crate::resources::{self, Described, ResourceView};

/// How long an announced upload waits for its bytes before the purge job removes it.
pub const UPLOAD_WINDOW: Duration = Duration::from_hours(1);
/// How long a presigned upload form is valid; a retry after that announces the file again.
pub const FORM_LIFETIME: Duration = Duration::from_mins(30);
/// How long a download link lives: long enough to start a download or a player, no longer.
pub const LINK_LIFETIME: Duration = Duration::from_mins(5);
/// The longest file name kept, in characters.
pub const MAX_NAME_CHARS: usize = 255;
/// An organisation's default allowance, unless `EMMAUS_HUB_QUOTA_BYTES` and `EMMAUS_HUB_QUOTA_FILES` say otherwise.
pub const DEFAULT_QUOTA: Quota = Quota { max_bytes: 10 * 1024 * 1024 * 1024, max_files: 10_000 };
/// Bytes read from the start and the end of a file to judge it.
const HEAD_BYTES: u64 = 8 * 1024;
const TAIL_BYTES: u64 = 64 * 1024;

/// A file about to be uploaded, as the person's browser describes it.
#[derive(Debug, Clone, Default)]
pub struct Announced {
    pub described: Described,
    pub name: String,
    pub size: u64,
    pub content_type: String,
}

/// Where the bytes of an announced file go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadTarget {
    /// Post this form, the file last, straight to the store.
    Form(PresignedPost),
    /// `PUT` the bytes to the hub's upload route of this resource.
    Route,
}

/// A signed link to a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub url: String,
    pub expires_at: emmaus_domain::Timestamp,
}

/// The blob of a file's bytes.
pub fn original(org: &str, id: &str) -> Result<BlobKey, DomainError> {
    BlobKey::parse(format!("{}original", keys::blobs_of(org, id))).map_err(from_blob)
}

/// The organisation's allowance, from the host's settings.
pub fn quota(p: &Platform) -> Result<Quota, DomainError> {
    use emmaus_ports::config::ConfigExt as _;
    let setting = |key: &str, default: u64| {
        p.config.parsed::<u64>(key).map(|value| value.unwrap_or(default)).map_err(|error| DomainError::Misconfigured {
            what: "the library's storage allowance".into(),
            reason: error.to_string(),
        })
    };
    Ok(Quota {
        max_bytes: setting("EMMAUS_HUB_QUOTA_BYTES", DEFAULT_QUOTA.max_bytes)?,
        max_files: setting("EMMAUS_HUB_QUOTA_FILES", DEFAULT_QUOTA.max_files)?,
    })
}

/// What the organisation holds, at the version a change of it must name.
async fn usage_doc(p: &Platform, org: &str) -> Result<(Usage, u64), DomainError> {
    let doc: Option<Doc<Usage>> = docs::get(p.kv.as_ref(), keys::usage(org)).await?;
    Ok(doc.map_or((Usage::default(), 0), |doc| (doc.value, doc.version)))
}

/// The write that moves the organisation's usage from `(usage, version)` by `files` and `bytes`.
fn usage_write(org: &str, (usage, version): (Usage, u64), files: i64, bytes: i64) -> Write {
    let shift = |value: u64, by: i64| value.saturating_add_signed(by);
    let next = Usage { files: shift(usage.files, files), bytes: shift(usage.bytes, bytes) };
    let value = docs::encode(&next);
    match version {
        0 => Write::PutIfAbsent { key: keys::usage(org), value, expires_at: None, index: IndexKeys::NONE },
        expected => {
            Write::PutIfVersion { key: keys::usage(org), value, expected, expires_at: None, index: IndexKeys::NONE }
        }
    }
}

/// Times a change that moves the usage is tried when other changes of the usage win the race
/// (several files announced or judged at once, as a drop of many files does).
const USAGE_ATTEMPTS: usize = 8;

/// Commits a change that moves the organisation's usage by `files` and `bytes`: `writes` makes the
/// change's own writes for the usage read (and may refuse it, as the quota does), and the batch
/// carries them with the usage's (and, for the resource `indexed`, its index task). When the batch loses only because the usage moved meanwhile,
/// the usage is read again and the change tried again; a conflict of the change's own writes is
/// `conflict`'s error.
async fn with_usage(
    p: &Platform,
    org: &str,
    (files, bytes): (i64, i64),
    mut writes: impl FnMut(Usage) -> Result<Vec<Write>, DomainError>,
    conflict: fn() -> DomainError,
    indexed: Option<&str>,
) -> Result<(), DomainError> {
    for _ in 0..USAGE_ATTEMPTS {
        let usage = usage_doc(p, org).await?;
        let mut batch = writes(usage.0)?;
        batch.push(usage_write(org, usage, files, bytes));
        let committed = match indexed {
            // A change of a listed resource carries its index task, applied once it committed.
            Some(id) => resources::commit_keeping_conflicts(p, org, id, batch).await,
            None => p.kv.batch(batch).await,
        };
        match committed {
            Ok(()) => return Ok(()),
            Err(emmaus_ports::KvError::Conflict(_)) if usage_doc(p, org).await?.1 != usage.1 => {}
            Err(emmaus_ports::KvError::Conflict(_)) => return Err(conflict()),
            Err(other) => return Err(from_kv(other)),
        }
    }
    Err(DomainError::Unavailable("the library's usage kept changing; try again in a moment".into()))
}

/// The organisation's usage next to its allowance, for anyone who may read the library.
pub async fn usage(p: &Platform, actor: &Actor) -> Result<(Usage, Quota), DomainError> {
    let reader = Reader::of(p, actor).await?;
    Ok((usage_doc(p, reader.org()).await?.0, quota(p)?))
}

/// A file name as metadata: the last part of any path a browser sent, without control characters,
/// trimmed and at most [`MAX_NAME_CHARS`].
pub fn clean_name(name: &str) -> Result<String, DomainError> {
    // The name as sent is held to the limit too, so what the API documents is what it enforces.
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::invalid("name", format!("has at most {MAX_NAME_CHARS} characters")));
    }
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        return Err(DomainError::invalid("name", "is required: the file's name"));
    }
    if cleaned.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::invalid("name", format!("has at most {MAX_NAME_CHARS} characters")));
    }
    Ok(cleaned.to_owned())
}

/// Announces a file: checks it, reserves its room and answers where its bytes go.
pub async fn start(
    p: &Platform,
    actor: &Actor,
    announced: Announced,
) -> Result<(ResourceView, UploadTarget), DomainError> {
    let reader = Reader::of(p, actor).await?;
    let visibility = announced.described.visibility.clone().unwrap_or(Visibility::Organisation);
    reader.check_visibility(p, &visibility).await?;
    let name = clean_name(&announced.name)?;
    let limit = p.blobs.max_size();
    if announced.size == 0 {
        return Err(DomainError::invalid("size", "the file is empty"));
    }
    if announced.size > limit {
        return Err(DomainError::TooLarge { what: format!("{name} ({} bytes)", announced.size), limit });
    }
    let declared = match announced.content_type.trim() {
        "" => "application/octet-stream".to_owned(),
        claimed => {
            validate_content_type(claimed)
                .map_err(|_| DomainError::invalid("content_type", "is not a content type"))?;
            claimed.to_ascii_lowercase()
        }
    };
    let title = match announced.described.title.trim() {
        "" => name.clone(),
        title => title.to_owned(),
    };
    let mut resource =
        resources::new_resource(p, &reader, ResourceKind::File, &title, &announced.described, visibility)?;
    let org = reader.org().to_owned();
    let quota = quota(p)?;
    let now = p.clock.now();
    resource.file = Some(FileState {
        name,
        size: announced.size,
        declared_type: declared.clone(),
        status: FileStatus::Uploading { until: now.plus(UPLOAD_WINDOW) },
        reading: Reading::Pending,
    });
    let size = i64::try_from(announced.size).unwrap_or(i64::MAX);
    let put = Write::PutIfAbsent {
        key: keys::resource(&org, &resource.id),
        value: docs::encode(&resource),
        expires_at: None,
        index: resource.index_keys(),
    };
    let writes = |usage: Usage| quota.admit(usage, announced.size).map(|()| vec![put.clone()]);
    // The resource's id is new: only the usage can have moved.
    let conflict = || DomainError::Conflict("the upload could not be recorded; try again".into());
    with_usage(p, &org, (1, size), writes, conflict, None).await?;
    let key = original(&org, &resource.id)?;
    let target =
        match p.blobs.presigned_post(&key, &declared, announced.size, FORM_LIFETIME).await.map_err(from_blob)? {
            Some(form) => UploadTarget::Form(form),
            None => UploadTarget::Route,
        };
    let view = ResourceView { resource, version: 1, body: None, html: None, may_change: true, suggestions: Vec::new() };
    Ok((view, target))
}

/// The upload awaiting bytes from its uploader, or 404 for anyone else and for any other resource.
async fn awaited(p: &Platform, reader: &Reader, id: &str) -> Result<Doc<Resource>, DomainError> {
    let doc = resources::load(p, reader.org(), id).await?;
    let own = doc.value.author_id == reader.id() && doc.value.deleted.is_none();
    if !own || doc.value.file.is_none() {
        return Err(not_found());
    }
    Ok(doc)
}

/// The bytes of an announced file, through the hub's own route (stores without an upload form):
/// at most the announced size, then judged as [`finish`] does.
pub async fn receive(p: &Platform, actor: &Actor, id: &str, bytes: Vec<u8>) -> Result<ResourceView, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let doc = awaited(p, &reader, id).await?;
    let file = doc.value.file.as_ref().expect("awaited files have a file");
    let FileStatus::Uploading { until } = file.status else {
        return Err(DomainError::Conflict("this file's bytes have arrived already".into()));
    };
    if p.clock.now() >= until {
        return Err(DomainError::Conflict("this upload has expired; add the file again".into()));
    }
    if bytes.is_empty() {
        return Err(DomainError::invalid("file", "the file is empty"));
    }
    if bytes.len() as u64 > file.size {
        return Err(DomainError::TooLarge { what: "the file".into(), limit: file.size });
    }
    p.blobs.put(&original(reader.org(), id)?, bytes, &file.declared_type).await.map_err(from_blob)?;
    judge(p, &reader, doc).await
}

/// Finishes an upload whose bytes went straight to the store; answers the file as it is once it
/// has been judged (again, harmlessly, if it was already).
pub async fn finish(p: &Platform, actor: &Actor, id: &str) -> Result<ResourceView, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let doc = awaited(p, &reader, id).await?;
    judge(p, &reader, doc).await
}

/// Judges the bytes of an awaited upload from its start and end, and lists, quarantines or
/// removes it.
async fn judge(p: &Platform, reader: &Reader, mut doc: Doc<Resource>) -> Result<ResourceView, DomainError> {
    let org = reader.org().to_owned();
    let id = doc.value.id.clone();
    let file = doc.value.file.clone().expect("awaited files have a file");
    if !matches!(file.status, FileStatus::Uploading { .. }) {
        return resources::read(p, &reader.actor, &id).await;
    }
    let key = original(&org, &id)?;
    let stored = match p.blobs.head(&key).await {
        Ok(meta) => meta,
        Err(BlobError::NotFound(_)) => {
            return Err(DomainError::Conflict("the file's bytes have not arrived; send them, then finish".into()));
        }
        Err(other) => return Err(from_blob(other)),
    };
    if stored.size == 0 || stored.size > file.size {
        // The store's form bounds the size; this is the check for any store that did not.
        p.blobs.delete(&key).await.map_err(from_blob)?;
        return Err(DomainError::TooLarge { what: "the file that arrived".into(), limit: file.size });
    }
    let head = p.blobs.get_range(&key, 0, HEAD_BYTES).await.map_err(from_blob)?.bytes;
    let tail =
        p.blobs.get_range(&key, stored.size.saturating_sub(TAIL_BYTES), stored.size).await.map_err(from_blob)?.bytes;
    let resize = i64::try_from(stored.size).unwrap_or(i64::MAX) - i64::try_from(file.size).unwrap_or(i64::MAX);
    let stale = resources::stale;
    let status = match content::check(&file.declared_type, &head, &tail) {
        Verdict::Accepted(kind) => FileStatus::Ready { kind },
        Verdict::Quarantined { declared, found } => {
            let detail = format!("{}: claimed {declared}, its bytes are {}", file.name, found.mime());
            let event =
                audit::by(p, &reader.actor, AuditAction::FileQuarantined, Some(format!("resource:{id}")), Some(detail));
            audit::record(p, &org, event).await;
            FileStatus::Quarantined { found }
        }
        Verdict::Refused { found } => {
            // Nothing of a refused file stays: its bytes, its record, its room in the quota.
            p.blobs.delete(&key).await.map_err(from_blob)?;
            let size = i64::try_from(file.size).unwrap_or(i64::MAX);
            let remove = Write::DeleteIfVersion { key: doc.key.clone(), expected: doc.version };
            let writes = |_| Ok(vec![remove.clone()]);
            with_usage(p, &org, (-1, -size), writes, stale, None).await?;
            return Err(DomainError::invalid(
                "file",
                format!("{} is {found}, which the library does not accept", file.name),
            ));
        }
    };
    let accepted = matches!(status, FileStatus::Ready { .. });
    let resource = &mut doc.value;
    resource.file = Some(FileState { size: stored.size, status, ..file });
    resource.updated_at = p.clock.now();
    let writes = |_| {
        let mut writes = vec![resources::put_with_index(&doc)];
        if accepted {
            // Its text is read by the `ingest` job, in the same batch that lists it: at least once.
            writes.push(crate::ingest::task(p, &org, &id)?);
        }
        Ok(writes)
    };
    with_usage(p, &org, (0, resize), writes, stale, Some(&id)).await?;
    let version = doc.version + 1;
    let suggestions = crate::tagging::suggestions(p, &doc.value, None).await?;
    Ok(ResourceView { resource: doc.value, version, body: None, html: None, may_change: true, suggestions })
}

/// What became of a file's bytes brought in by an import.
#[derive(Debug)]
pub(crate) enum Imported {
    /// Stored and listed (or updated in place), its text queued for the `ingest` job.
    Stored,
    /// Not taken, for the reason given (a kind the library does not accept, bytes that contradict
    /// their name, over a limit); nothing of it was kept.
    Refused(String),
}

/// Stores the bytes of a file an import brings as the resource `doc` (version 0: a new one, whose
/// `file` is set here; otherwise the resource as read, whose bytes are replaced in place), with
/// `extra` writes in the same batch as the record and the usage. Its kind is judged from its bytes
/// against the type its name claims, as an upload's is; unlike an upload, bytes that contradict
/// their name are refused rather than quarantined, since no one is there to be told.
pub(crate) async fn store_imported(
    p: &Platform,
    mut doc: Doc<Resource>,
    name: &str,
    bytes: Vec<u8>,
    extra: Vec<Write>,
) -> Result<Imported, DomainError> {
    let org = doc.value.org_id.clone();
    let id = doc.value.id.clone();
    let size = bytes.len() as u64;
    if size == 0 {
        return Ok(Imported::Refused("the file is empty".into()));
    }
    let limit = p.blobs.max_size();
    if size > limit {
        return Ok(Imported::Refused(format!("the file is larger than this server's limit of {limit} bytes")));
    }
    let claimed = mime_guess::from_path(name).first_or_octet_stream().essence_str().to_owned();
    let head = &bytes[..bytes.len().min(HEAD_BYTES as usize)];
    let tail = &bytes[bytes.len().saturating_sub(TAIL_BYTES as usize)..];
    let kind = match content::check(&claimed, head, tail) {
        Verdict::Accepted(kind) => kind,
        Verdict::Quarantined { declared, found } => {
            return Ok(Imported::Refused(format!("its name says {declared} but its bytes are {}", found.mime())));
        }
        Verdict::Refused { found } => {
            return Ok(Imported::Refused(format!("it is {found}, which the library does not accept")));
        }
    };
    let new = doc.version == 0;
    let old_size = doc.value.file.as_ref().map_or(0, |file| file.size);
    doc.value.file = Some(FileState {
        name: clean_name(name)?,
        size,
        declared_type: claimed.clone(),
        status: FileStatus::Ready { kind },
        reading: Reading::Pending,
    });
    let quota = quota(p)?;
    let key = original(&org, &id)?;
    p.blobs.put(&key, bytes, &claimed).await.map_err(from_blob)?;
    let record = if new {
        Write::PutIfAbsent {
            key: keys::resource(&org, &id),
            value: docs::encode(&doc.value),
            expires_at: None,
            index: doc.value.index_keys(),
        }
    } else {
        resources::put_with_index(&doc)
    };
    let ingest = crate::ingest::task(p, &org, &id)?;
    let grows = size.saturating_sub(old_size);
    // A refusal of the quota is this file's outcome, not the import's failure.
    let mut over_quota = None;
    let writes = |usage: Usage| {
        let admitted = if new {
            quota.admit(usage, size)
        } else if grows > 0 {
            // The file is counted already: only the bytes it gains must fit.
            quota.admit(Usage { files: usage.files.saturating_sub(1), ..usage }, grows)
        } else {
            Ok(())
        };
        if let Err(refusal) = admitted {
            over_quota = Some(refusal.to_string());
            return Err(refusal);
        }
        let mut writes = vec![record.clone(), ingest.clone()];
        writes.extend(extra.iter().cloned());
        Ok(writes)
    };
    let conflict = || DomainError::Conflict("the file changed while it was imported".into());
    let delta = i64::try_from(size).unwrap_or(i64::MAX) - i64::try_from(old_size).unwrap_or(i64::MAX);
    let result = with_usage(p, &org, (i64::from(new), delta), writes, conflict, None).await;
    if let Err(error) = result {
        if new {
            // Nothing of a file that was not recorded stays behind.
            let _ = p.blobs.delete(&key).await;
        }
        return match over_quota {
            Some(reason) => Ok(Imported::Refused(reason)),
            None => Err(error),
        };
    }
    Ok(Imported::Stored)
}

/// Which bytes of a file a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The file itself, shown in the browser where its kind is safe to show, unless `attachment`.
    Original { attachment: bool },
    /// Its thumbnail (a JPEG): a picture's, made by the `ingest` job, or a link's preview image.
    Thumbnail,
}

/// A short-lived link to a resource's bytes for a reader who may see it.
pub async fn download(p: &Platform, actor: &Actor, id: &str, variant: Variant) -> Result<Download, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let doc = resources::visible(p, &reader, id).await?;
    reader.check(Action::HubRead, &doc.value)?;
    let (key, presentation) = match variant {
        Variant::Original { attachment } => original_of(&reader, &doc.value, attachment)?,
        Variant::Thumbnail => thumbnail_of(&reader, &doc.value)?,
    };
    let url = p.blobs.signed_url(&key, LINK_LIFETIME, &presentation).await.map_err(from_blob)?;
    Ok(Download { url, expires_at: p.clock.now().plus(LINK_LIFETIME) })
}

/// A short-lived link that shows a file in the page (a picture embedded in a note), for a
/// resource whose reader was checked by the caller.
pub(crate) async fn inline_url(p: &Platform, resource: &Resource) -> Result<String, DomainError> {
    let Some(file) = &resource.file else { return Err(DomainError::NotFound("a file of this resource".into())) };
    let FileStatus::Ready { kind } = file.status else {
        return Err(DomainError::NotFound("a file of this resource".into()));
    };
    let presentation = Presentation {
        content_type: Some(kind.mime().to_owned()),
        disposition: Some(content_disposition(kind.serving(), &file.name)),
    };
    let key = original(&resource.org_id, &resource.id)?;
    p.blobs.signed_url(&key, LINK_LIFETIME, &presentation).await.map_err(from_blob)
}

/// The blob of a file's bytes and how to present them.
fn original_of(reader: &Reader, resource: &Resource, attachment: bool) -> Result<(BlobKey, Presentation), DomainError> {
    let Some(file) = &resource.file else {
        return Err(DomainError::NotFound("a file of this resource".into()));
    };
    let kind: ContentKind = match file.status {
        FileStatus::Ready { kind } => kind,
        FileStatus::Uploading { .. } => return Err(DomainError::Conflict("this file is still being uploaded".into())),
        FileStatus::Quarantined { found } => {
            return Err(DomainError::Conflict(format!(
                "this file is held back: it was sent as {} but its bytes are {}",
                file.declared_type,
                found.mime()
            )));
        }
    };
    let serving = if attachment { Serving::Attachment } else { kind.serving() };
    let presentation = Presentation {
        content_type: Some(kind.mime().to_owned()),
        disposition: Some(content_disposition(serving, &file.name)),
    };
    Ok((original(reader.org(), &resource.id)?, presentation))
}

/// The blob of a resource's thumbnail, where one was made.
fn thumbnail_of(reader: &Reader, resource: &Resource) -> Result<(BlobKey, Presentation), DomainError> {
    let made = match (&resource.file, &resource.link) {
        (Some(file), _) => {
            matches!(file.status, FileStatus::Ready { .. })
                && matches!(file.reading, Reading::Done { thumbnail: true, .. } | Reading::Skipped { thumbnail: true })
        }
        (None, Some(link)) => matches!(link.preview, crate::model::Preview::Done { image: true, .. }),
        (None, None) => false,
    };
    if !made {
        return Err(DomainError::NotFound("a thumbnail of this resource".into()));
    }
    let presentation = Presentation {
        content_type: Some("image/jpeg".into()),
        disposition: Some(content_disposition(Serving::Inline, "thumbnail.jpg")),
    };
    Ok((crate::ingest::thumbnail_blob(reader.org(), &resource.id)?, presentation))
}

/// The write that takes a purged resource's room out of the usage, for the purge job.
pub(crate) async fn release(p: &Platform, resource: &Resource) -> Result<Option<Write>, DomainError> {
    let Some(file) = &resource.file else { return Ok(None) };
    let usage = usage_doc(p, &resource.org_id).await?;
    Ok(Some(usage_write(&resource.org_id, usage, -1, -i64::try_from(file.size).unwrap_or(i64::MAX))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_metadata_without_paths_or_control_characters() {
        assert_eq!(clean_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(clean_name("C:\\Users\\me\\Sermon 1.pdf").unwrap(), "Sermon 1.pdf");
        assert_eq!(clean_name(" Psalm\u{0}\u{7} 23.txt ").unwrap(), "Psalm 23.txt");
        assert!(clean_name("dir/").is_err());
        assert!(clean_name("..").is_err());
        assert!(clean_name(&"a".repeat(MAX_NAME_CHARS + 1)).is_err());
        assert_eq!(clean_name("Ἀγάπη.pdf").unwrap(), "Ἀγάπη.pdf");
    }
}
