//! The audit log's entries and their hash chain.
//!
//! Each organisation has one append-only sequence. Every entry carries the SHA-256 of the entry
//! before it (`prev_hash`, 64 zeros for the first) and its own hash over that and its content, so
//! changing, removing or reordering any entry breaks every hash after it; [`verify`] finds where.

use sha2::{Digest as _, Sha256};

use crate::time::Timestamp;

/// The `prev_hash` of an organisation's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

macro_rules! audit_actions {
    ($($variant:ident => $name:literal,)+) => {
        /// What happened. Names are stable: exports and filters use them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum AuditAction { $(#[serde(rename = $name)] $variant,)+ }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)+];

            pub const fn name(self) -> &'static str {
                match self { $(AuditAction::$variant => $name,)+ }
            }

            pub fn parse(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|action| action.name() == name)
            }
        }
    };
}

audit_actions! {
    OrgCreated => "org.created",
    OrgUpdated => "org.updated",
    SignIn => "auth.sign_in",
    SignInFailed => "auth.sign_in_failed",
    SignOut => "auth.sign_out",
    SignOutEverywhere => "auth.sign_out_everywhere",
    RefreshReuse => "auth.refresh_token_reused",
    PasswordResetRequested => "auth.password_reset_requested",
    PasswordReset => "auth.password_reset",
    PasswordChanged => "auth.password_changed",
    SsoLinked => "auth.sso_linked",
    InvitationCreated => "invitation.created",
    InvitationRevoked => "invitation.revoked",
    InvitationAccepted => "invitation.accepted",
    MemberRolesChanged => "member.roles_changed",
    MemberRemoved => "member.removed",
    GroupCreated => "group.created",
    GroupUpdated => "group.updated",
    GroupDeleted => "group.deleted",
    GroupMemberAdded => "group.member_added",
    GroupMemberRemoved => "group.member_removed",
    MentorshipCreated => "mentorship.created",
    MentorshipEnded => "mentorship.ended",
    AuditExported => "audit.exported",
    PrivateNoteRead => "note.private_read",
    SettingsChanged => "settings.changed",
}

/// Something to record, before it has a place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuditEvent {
    pub at: Timestamp,
    /// The person who acted, or `None` when nobody is signed in (a failed sign-in, a setup code).
    pub actor: Option<String>,
    pub action: AuditAction,
    /// What was acted on, e.g. `person:01J…`, `invitation:01J…`.
    pub target: Option<String>,
    pub request_id: Option<String>,
    /// A short readable detail, e.g. `roles: mentee -> mentor, mentee`. Never a secret.
    pub detail: Option<String>,
}

/// An entry in the chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuditEntry {
    /// 1 for an organisation's first entry, then each one more than the last.
    pub seq: u64,
    pub org_id: String,
    #[serde(flatten)]
    pub event: AuditEvent,
    pub prev_hash: String,
    pub hash: String,
}

/// The content a hash covers: everything but the hash itself, in a fixed order.
#[derive(serde::Serialize)]
struct Hashed<'a> {
    seq: u64,
    org_id: &'a str,
    event: &'a AuditEvent,
    prev_hash: &'a str,
}

fn hash_of(seq: u64, org_id: &str, event: &AuditEvent, prev_hash: &str) -> String {
    let content = serde_json::to_vec(&Hashed { seq, org_id, event, prev_hash }).expect("audit entries serialise");
    hex::encode(Sha256::digest(&content))
}

/// Places `event` after the entry with `prev` (`None` for the first), computing its hash.
pub fn seal(org_id: &str, event: AuditEvent, prev: Option<(u64, &str)>) -> AuditEntry {
    let (seq, prev_hash) = prev.map_or((1, GENESIS), |(seq, hash)| (seq + 1, hash));
    let hash = hash_of(seq, org_id, &event, prev_hash);
    AuditEntry { seq, org_id: org_id.to_owned(), event, prev_hash: prev_hash.to_owned(), hash }
}

/// Where a chain stops holding together.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Break {
    pub seq: u64,
    pub reason: &'static str,
}

/// Checks entries given in ascending order, starting at `seq` 1, or after `prev` when verifying
/// a later stretch. Returns the first break.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a AuditEntry>, prev: Option<(u64, &str)>) -> Result<u64, Break> {
    let (mut expected_seq, mut prev_hash) = prev.map_or((1, GENESIS.to_owned()), |(s, h)| (s + 1, h.to_owned()));
    let mut count = 0;
    for entry in entries {
        if entry.seq != expected_seq {
            return Err(Break { seq: expected_seq, reason: "an entry is missing or out of order" });
        }
        if entry.prev_hash != prev_hash {
            return Err(Break { seq: entry.seq, reason: "the entry does not follow the one before it" });
        }
        if hash_of(entry.seq, &entry.org_id, &entry.event, &entry.prev_hash) != entry.hash {
            return Err(Break { seq: entry.seq, reason: "the entry was changed after it was written" });
        }
        prev_hash.clone_from(&entry.hash);
        expected_seq += 1;
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: i64) -> AuditEvent {
        AuditEvent {
            at: Timestamp::from_unix_seconds(n),
            actor: Some("p1".into()),
            action: AuditAction::SignIn,
            target: None,
            request_id: Some(format!("r{n}")),
            detail: None,
        }
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut entries: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let prev = entries.last().map(|e| (e.seq, e.hash.as_str()));
            let entry = seal("org", event(i), prev);
            entries.push(entry);
        }
        entries
    }

    #[test]
    fn an_intact_chain_verifies() {
        let entries = chain(5);
        assert_eq!(entries[0].prev_hash, GENESIS);
        assert_eq!(verify(&entries, None), Ok(5));
        assert_eq!(verify(&entries[2..], Some((2, entries[1].hash.as_str()))), Ok(3));
    }

    #[test]
    fn tampering_shows_where_it_happened() {
        let mut entries = chain(5);
        entries[2].event.detail = Some("rewritten".into());
        assert_eq!(verify(&entries, None).unwrap_err().seq, 3);

        let mut removed = chain(5);
        removed.remove(1);
        assert_eq!(verify(&removed, None).unwrap_err().seq, 2);

        let mut relinked = chain(5);
        let forged = seal("org", event(99), Some((1, relinked[0].hash.as_str())));
        relinked[1] = forged;
        assert_eq!(verify(&relinked, None).unwrap_err().seq, 3, "a forged entry breaks its successor");
    }

    #[test]
    fn action_names_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.name()), Some(*action));
            assert_eq!(serde_json::to_string(action).unwrap(), format!("\"{}\"", action.name()));
        }
    }
}
