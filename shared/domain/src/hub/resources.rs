//! A hub resource's rules: its kinds and sources, who may see it, what a title, a description,
//! a note and a link may hold, how long the trash keeps it, how many versions of a note stay, and
//! an organisation's quota.

use std::time::Duration;

use crate::error::{DomainError, FieldError};
use crate::time::Timestamp;
use crate::validation::Validator;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;
/// A note's markdown, in bytes. A note is a record, not a file: each saved version is one
/// key-value item (at most 350 KiB with its escaping), so a book-length note is uploaded as a file.
pub const MAX_NOTE_BYTES: usize = 256 * 1024;
pub const MAX_URL_CHARS: usize = 2_048;
/// How long a deleted resource can be restored; the purge job removes it (blobs included) after.
pub const TRASH_RETENTION: Duration = Duration::from_hours(30 * 24);
/// How many earlier versions of a note are kept for restoring.
pub const NOTE_VERSIONS_KEPT: usize = 20;

/// What a resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// Bytes uploaded (a PDF, slides, a recording).
    File,
    /// Markdown written here or imported.
    Note,
    /// A web address, with what its page says of itself.
    Link,
}

/// Where a resource came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Uploaded, written or linked in Emmaus.
    Direct,
    Obsidian,
    OneDrive,
}

/// Who may see a resource, besides the admins of its organisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum Visibility {
    /// Every member of the organisation.
    Organisation,
    /// The members of one group (and its leader).
    Group { group_id: String },
    /// Its author alone.
    Private,
}

/// Checks a title and description as a person typed them; both are trimmed.
pub fn check_text(title: &str, description: &str) -> Result<(), DomainError> {
    Validator::new()
        .text("title", title, MAX_TITLE_CHARS)
        .check(
            description.trim().chars().count() <= MAX_DESCRIPTION_CHARS,
            "description",
            &format!("must be at most {MAX_DESCRIPTION_CHARS} characters"),
        )
        .finish()
}

/// Checks a note's markdown: at most [`MAX_NOTE_BYTES`]; it may be empty (a title alone).
pub fn check_note(body: &str) -> Result<(), DomainError> {
    if body.len() > MAX_NOTE_BYTES {
        return Err(DomainError::TooLarge { what: "the note".into(), limit: MAX_NOTE_BYTES as u64 });
    }
    Ok(())
}

/// A link's address, checked and normalised: absolute `http` or `https`, a host, no user name or
/// password in it, at most [`MAX_URL_CHARS`]. Whether the address may be fetched from the server
/// (no private or metadata addresses) is decided when it is fetched, on the address connected to.
pub fn link_url(field: &str, text: &str) -> Result<url::Url, DomainError> {
    let text = text.trim();
    let refuse = |message: &str| DomainError::Validation(vec![FieldError::new(field, message)]);
    if text.is_empty() {
        return Err(refuse("is required"));
    }
    if text.chars().count() > MAX_URL_CHARS {
        return Err(refuse(&format!("must be at most {MAX_URL_CHARS} characters")));
    }
    let url = url::Url::parse(text).map_err(|_| refuse("must be a web address such as https://example.org/page"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse("must start with http:// or https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refuse("must name a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("must not carry a user name or password"));
    }
    Ok(url)
}

/// Whether a resource deleted at `deleted_at` can still be restored at `now`.
pub fn restorable(deleted_at: Timestamp, now: Timestamp) -> bool {
    now < purge_due(deleted_at)
}

/// When the purge job removes a resource deleted at `deleted_at`.
pub fn purge_due(deleted_at: Timestamp) -> Timestamp {
    deleted_at.plus(TRASH_RETENTION)
}

/// How many of a note's `kept` earlier versions to drop after a new one is saved, oldest first.
pub fn versions_to_drop(kept: usize) -> usize {
    kept.saturating_sub(NOTE_VERSIONS_KEPT)
}

/// An organisation's storage allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Quota {
    pub max_bytes: u64,
    pub max_files: u64,
}

/// What an organisation holds now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Usage {
    pub bytes: u64,
    pub files: u64,
}

impl Quota {
    /// Whether one more file of `size` bytes fits; the refusal says which limit and by how much.
    pub fn admit(self, usage: Usage, size: u64) -> Result<(), DomainError> {
        if usage.files >= self.max_files {
            return Err(DomainError::Conflict(format!(
                "the organisation holds its limit of {} files; delete some or ask an admin to raise the limit",
                self.max_files
            )));
        }
        let after = usage.bytes.saturating_add(size);
        if after > self.max_bytes {
            return Err(DomainError::Conflict(format!(
                "this file needs {size} bytes and the organisation has {} of its {} left",
                self.max_bytes.saturating_sub(usage.bytes),
                self.max_bytes
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(error: DomainError) -> Vec<(String, String)> {
        match error {
            DomainError::Validation(errors) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn titles_are_required_and_texts_bounded() {
        assert!(check_text(" Romans 8 ", "").is_ok());
        let errors = fields(check_text("  ", &"d".repeat(MAX_DESCRIPTION_CHARS + 1)).unwrap_err());
        assert_eq!(errors[0], ("title".into(), "is required".into()));
        assert_eq!(errors[1].0, "description");
        assert!(check_note(&"x".repeat(MAX_NOTE_BYTES)).is_ok());
        assert!(matches!(check_note(&"x".repeat(MAX_NOTE_BYTES + 1)), Err(DomainError::TooLarge { .. })));
    }

    #[test]
    fn links_are_web_addresses_without_credentials() {
        assert_eq!(link_url("url", " https://example.org/a b ").unwrap().as_str(), "https://example.org/a%20b");
        assert_eq!(link_url("url", "HTTP://Example.ORG").unwrap().as_str(), "http://example.org/");
        for (text, message) in [
            ("", "is required"),
            ("example.org/page", "web address"),
            ("javascript:alert(1)", "http:// or https://"),
            ("file:///etc/passwd", "http:// or https://"),
            ("ftp://example.org/", "http:// or https://"),
            ("https://user:secret@example.org/", "user name or password"),
            ("https://user@example.org/", "user name or password"),
        ] {
            let errors = fields(link_url("url", text).unwrap_err());
            assert!(errors[0].1.contains(message), "{text:?}: {errors:?}");
            assert_eq!(errors[0].0, "url");
        }
        assert!(
            fields(link_url("url", &format!("https://example.org/{}", "a".repeat(MAX_URL_CHARS))).unwrap_err())[0]
                .1
                .contains("at most")
        );
    }

    #[test]
    fn the_trash_keeps_a_resource_thirty_days() {
        let deleted = Timestamp::from_unix_seconds(1_000_000);
        let day = Duration::from_hours(24);
        assert!(restorable(deleted, deleted.plus(day * 29)));
        assert!(!restorable(deleted, deleted.plus(day * 30)));
        assert_eq!(purge_due(deleted), deleted.plus(day * 30));
    }

    #[test]
    fn a_note_keeps_its_last_versions() {
        assert_eq!(versions_to_drop(0), 0);
        assert_eq!(versions_to_drop(NOTE_VERSIONS_KEPT), 0);
        assert_eq!(versions_to_drop(NOTE_VERSIONS_KEPT + 3), 3);
    }

    #[test]
    fn the_quota_refuses_past_either_limit_and_says_which() {
        let quota = Quota { max_bytes: 1_000, max_files: 3 };
        assert!(quota.admit(Usage { bytes: 400, files: 2 }, 600).is_ok());
        let bytes = quota.admit(Usage { bytes: 400, files: 2 }, 601).unwrap_err().to_string();
        assert!(bytes.contains("601 bytes") && bytes.contains("600 of its 1000"), "{bytes}");
        let files = quota.admit(Usage { bytes: 0, files: 3 }, 1).unwrap_err().to_string();
        assert!(files.contains("limit of 3 files"), "{files}");
    }

    #[test]
    fn visibility_travels_with_its_scope_named() {
        let group = Visibility::Group { group_id: "g1".into() };
        assert_eq!(serde_json::to_value(&group).unwrap(), serde_json::json!({"scope": "group", "group_id": "g1"}));
        assert_eq!(serde_json::to_value(Visibility::Private).unwrap(), serde_json::json!({"scope": "private"}));
        assert_eq!(serde_json::to_value(ResourceKind::Link).unwrap(), "link");
        assert_eq!(serde_json::to_value(Source::OneDrive).unwrap(), "one_drive");
    }
}
