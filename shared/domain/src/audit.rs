//! The audit log's entries and their keyed hash chain.
//!
//! Each organisation has one append-only sequence. Every entry carries the seal of the entry
//! before it (`prev_hash`, 64 zeros for the first) and its own seal over that and its content, so
//! changing, removing or reordering any entry breaks every seal after it; [`verify`] finds where.
//!
//! A seal is an HMAC-SHA256 under an [`AuditKey`] kept outside the store (a setting, like the
//! session keys), named in the entry by `key_id`. Someone who can write to the store but does not
//! hold the key cannot make a seal that verifies, so they cannot rewrite the chain and re-hash it.

use hmac::{Hmac, Mac as _};
use sha2::Sha256;

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
    SecondFactorEnabled => "auth.second_factor_enabled",
    SecondFactorDisabled => "auth.second_factor_disabled",
    SecondFactorFailed => "auth.second_factor_failed",
    RecoveryCodeUsed => "auth.recovery_code_used",
    RecoveryCodesRenewed => "auth.recovery_codes_renewed",
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
    FileQuarantined => "hub.file_quarantined",
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
    /// The key that sealed the entry; `None` for entries written before the chain was keyed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// The entry's seal: HMAC-SHA256 under the key `key_id` names, in hex.
    pub hash: String,
}

/// A key that seals audit entries. Its secret never appears in logs or debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey {
    pub id: String,
    secret: Vec<u8>,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditKey").field("id", &self.id).finish_non_exhaustive()
    }
}

impl AuditKey {
    /// At least this many secret bytes.
    pub const MIN_SECRET_BYTES: usize = 32;

    pub fn new(id: impl Into<String>, secret: Vec<u8>) -> Result<Self, String> {
        if secret.len() < Self::MIN_SECRET_BYTES {
            return Err(format!("an audit key needs at least {} secret bytes", Self::MIN_SECRET_BYTES));
        }
        Ok(Self { id: id.into(), secret })
    }
}

/// The content a seal covers: everything but the seal itself, in a fixed order.
#[derive(serde::Serialize)]
struct Sealed<'a> {
    seq: u64,
    org_id: &'a str,
    event: &'a AuditEvent,
    prev_hash: &'a str,
    key_id: &'a str,
}

fn seal_of(key: &AuditKey, seq: u64, org_id: &str, event: &AuditEvent, prev_hash: &str) -> String {
    let content = serde_json::to_vec(&Sealed { seq, org_id, event, prev_hash, key_id: &key.id })
        .expect("audit entries serialise");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key.secret).expect("HMAC takes keys of any length");
    mac.update(&content);
    hex::encode(mac.finalize().into_bytes())
}

/// Places `event` after the entry with `prev` (`None` for the first), sealed with `key`.
pub fn seal(key: &AuditKey, org_id: &str, event: AuditEvent, prev: Option<(u64, &str)>) -> AuditEntry {
    let (seq, prev_hash) = prev.map_or((1, GENESIS), |(seq, hash)| (seq + 1, hash));
    let hash = seal_of(key, seq, org_id, &event, prev_hash);
    AuditEntry {
        seq,
        org_id: org_id.to_owned(),
        event,
        prev_hash: prev_hash.to_owned(),
        key_id: Some(key.id.clone()),
        hash,
    }
}

/// Whether `entry`'s seal is right under the key it names, among `keys`.
fn sealed_by(entry: &AuditEntry, keys: &[AuditKey]) -> Result<(), &'static str> {
    let Some(kid) = &entry.key_id else { return Err("the entry is not sealed with an audit key") };
    let key = keys.iter().find(|k| &k.id == kid).ok_or("the entry is sealed with a key this server does not hold")?;
    // Both are hex of the same length; equality of MACs, so compared without an early exit.
    let expected = seal_of(key, entry.seq, &entry.org_id, &entry.event, &entry.prev_hash);
    let same = expected.len() == entry.hash.len()
        && expected.bytes().zip(entry.hash.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if same { Ok(()) } else { Err("the entry was changed after it was written") }
}

/// Where a chain stops holding together.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Break {
    pub seq: u64,
    pub reason: &'static str,
}

/// Checks entries given in ascending order, starting at `seq` 1, or after `prev` when verifying
/// a later stretch, against the keys the server holds. Returns how many were checked, or the
/// first break.
pub fn verify<'a>(
    entries: impl IntoIterator<Item = &'a AuditEntry>,
    prev: Option<(u64, &str)>,
    keys: &[AuditKey],
) -> Result<u64, Break> {
    let (mut expected_seq, mut prev_hash) = prev.map_or((1, GENESIS.to_owned()), |(s, h)| (s + 1, h.to_owned()));
    let mut count = 0;
    for entry in entries {
        if entry.seq != expected_seq {
            return Err(Break { seq: expected_seq, reason: "an entry is missing or out of order" });
        }
        if entry.prev_hash != prev_hash {
            return Err(Break { seq: entry.seq, reason: "the entry does not follow the one before it" });
        }
        sealed_by(entry, keys).map_err(|reason| Break { seq: entry.seq, reason })?;
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

    fn key(id: &str, byte: u8) -> AuditKey {
        AuditKey::new(id, vec![byte; 32]).unwrap()
    }

    fn chain_with(key: &AuditKey, n: i64) -> Vec<AuditEntry> {
        let mut entries: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let prev = entries.last().map(|e| (e.seq, e.hash.as_str()));
            let entry = seal(key, "org", event(i), prev);
            entries.push(entry);
        }
        entries
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        chain_with(&key("a1", 1), n)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let keys = [key("a1", 1)];
        let entries = chain(5);
        assert_eq!(entries[0].prev_hash, GENESIS);
        assert_eq!(verify(&entries, None, &keys), Ok(5));
        assert_eq!(verify(&entries[2..], Some((2, entries[1].hash.as_str())), &keys), Ok(3));
    }

    #[test]
    fn tampering_shows_where_it_happened() {
        let keys = [key("a1", 1)];
        let mut entries = chain(5);
        entries[2].event.detail = Some("rewritten".into());
        assert_eq!(verify(&entries, None, &keys).unwrap_err().seq, 3);

        let mut removed = chain(5);
        removed.remove(1);
        assert_eq!(verify(&removed, None, &keys).unwrap_err().seq, 2);
    }

    #[test]
    fn without_the_key_a_rewritten_chain_does_not_verify() {
        let keys = [key("a1", 1)];
        // Someone with write access to the store rewrites entry 3 and re-seals everything after
        // it, with a key of their own under the real key's name: each forged seal is wrong.
        let mut entries = chain(5);
        let forger = key("a1", 2);
        for i in 2..5 {
            let prev = (entries[i - 1].seq, entries[i - 1].hash.clone());
            entries[i] = seal(&forger, "org", event(90 + i as i64), Some((prev.0, &prev.1)));
        }
        let broken = verify(&entries, None, &keys).unwrap_err();
        assert_eq!((broken.seq, broken.reason), (3, "the entry was changed after it was written"));
        // Unsealed entries (plain hashes, or none) and unknown keys do not pass either.
        let mut unsealed = chain(2);
        unsealed[1].key_id = None;
        assert_eq!(verify(&unsealed, None, &keys).unwrap_err().reason, "the entry is not sealed with an audit key");
        let other = chain_with(&key("zz", 3), 1);
        assert!(verify(&other, None, &keys).unwrap_err().reason.contains("does not hold"));
        // A retired key still verifies what it sealed while the server keeps it.
        let old = chain_with(&key("old", 4), 2);
        assert_eq!(verify(&old, None, &[key("new", 5), key("old", 4)]), Ok(2));
    }

    #[test]
    fn action_names_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.name()), Some(*action));
            assert_eq!(serde_json::to_string(action).unwrap(), format!("\"{}\"", action.name()));
        }
    }
}
