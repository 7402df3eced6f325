//! The identity records as stored and as use cases see them.

use std::time::Duration;

use crate::error::DomainError;
use crate::identity::{Email, OrgSlug, Role, RoleSet};
use crate::time::Timestamp;

/// An organisation: a church or a mentoring programme.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Organisation {
    pub id: String,
    pub slug: OrgSlug,
    pub name: String,
    pub created_at: Timestamp,
    /// How long its people's sessions last.
    #[serde(default)]
    pub sessions: SessionPolicy,
    /// Whether its admins must use a second factor: an admin without one may act in this
    /// organisation only once they have set one up.
    #[serde(default)]
    pub admins_need_second_factor: bool,
}

/// How long sessions last for an organisation's people, and (shorter by default) for its admins:
/// a session ends when unused for the idle time, and in any case after the maximum. Someone in
/// several organisations gets the shortest that applies to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionPolicy {
    pub idle_hours: u32,
    pub max_days: u32,
    pub admin_idle_hours: u32,
    pub admin_max_days: u32,
}

impl Default for SessionPolicy {
    /// Two weeks idle and sixty days in all; an admin's, twelve hours idle and a week in all.
    fn default() -> Self {
        Self { idle_hours: 14 * 24, max_days: 60, admin_idle_hours: 12, admin_max_days: 7 }
    }
}

impl SessionPolicy {
    pub const MAX_IDLE_HOURS: u32 = 30 * 24;
    pub const MAX_DAYS: u32 = 365;

    /// Refuses limits outside 1 hour to 30 days idle and 1 to 365 days in all, or an idle time
    /// longer than the maximum.
    pub fn check(&self) -> Result<(), DomainError> {
        let pairs = [
            ("sessions.idle_hours", self.idle_hours, "sessions.max_days", self.max_days),
            ("sessions.admin_idle_hours", self.admin_idle_hours, "sessions.admin_max_days", self.admin_max_days),
        ];
        for (idle_field, idle, max_field, max) in pairs {
            if !(1..=Self::MAX_IDLE_HOURS).contains(&idle) {
                return Err(DomainError::invalid(idle_field, format!("must be 1 to {} hours", Self::MAX_IDLE_HOURS)));
            }
            if !(1..=Self::MAX_DAYS).contains(&max) {
                return Err(DomainError::invalid(max_field, format!("must be 1 to {} days", Self::MAX_DAYS)));
            }
            if idle > max * 24 {
                return Err(DomainError::invalid(idle_field, "must not be longer than the maximum"));
            }
        }
        Ok(())
    }

    /// `(idle, maximum)` for a member, or for an admin.
    pub fn limits(&self, admin: bool) -> (Duration, Duration) {
        let (idle, max) =
            if admin { (self.admin_idle_hours, self.admin_max_days) } else { (self.idle_hours, self.max_days) };
        (Duration::from_hours(u64::from(idle)), Duration::from_hours(u64::from(max) * 24))
    }
}

/// A person's account, shared by every organisation they belong to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Person {
    pub id: String,
    pub email: Email,
    pub display_name: String,
    /// The argon2id PHC string; `None` for people who only sign in with SSO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
    /// The organisation the person last worked in, opened first after sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_org: Option<String>,
    pub created_at: Timestamp,
    /// Whether the person has shown they read mail at `email`: a link we emailed them was used, or
    /// a trusted sign-in provider vouched for it. Only then may a provider's verified email find
    /// this account; an account someone else made by hand for an address stays unlinkable.
    #[serde(default)]
    pub email_verified: bool,
    /// How dates, times and numbers are shown to them, and the app's language; the browser's
    /// when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<crate::preferences::Locale>,
    /// The zone their dates and times are shown in and their plans keep; the browser's when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<crate::preferences::TimeZoneName>,
}

/// A person's place in one organisation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Membership {
    pub org_id: String,
    pub person_id: String,
    pub roles: RoleSet,
    pub joined_at: Timestamp,
}

/// A group of members overseen by a pastor.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Group {
    pub id: String,
    pub org_id: String,
    pub name: String,
    /// The pastor who leads the group.
    pub leader_id: String,
    pub created_at: Timestamp,
}

/// A mentor walking with a mentee, from `started_at` until `ended_at`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mentorship {
    pub id: String,
    pub org_id: String,
    pub mentor_id: String,
    pub mentee_id: String,
    pub started_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
}

impl Mentorship {
    pub fn is_active(&self) -> bool {
        self.ended_at.is_none()
    }
}

/// An invitation to join an organisation with a role, redeemed once before it expires.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Invitation {
    pub id: String,
    pub org_id: String,
    pub email: Email,
    pub role: Role,
    /// The group the invitee joins, when a pastor invites into their group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    pub invited_by: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<Timestamp>,
    /// Attempts to accept that were refused (not signed in as the invited account). At
    /// [`Invitation::MAX_FAILED_ATTEMPTS`] the invitation is withdrawn.
    #[serde(default)]
    pub failed_attempts: u32,
}

impl Invitation {
    /// Refused attempts an invitation survives; the next one withdraws it.
    pub const MAX_FAILED_ATTEMPTS: u32 = 5;
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl InvitationState {
    /// The name in JSON: `pending`, `accepted`, `revoked` or `expired`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
        }
    }
}

impl Invitation {
    pub fn state(&self, now: Timestamp) -> InvitationState {
        if self.accepted_at.is_some() {
            InvitationState::Accepted
        } else if self.revoked_at.is_some() {
            InvitationState::Revoked
        } else if now >= self.expires_at {
            InvitationState::Expired
        } else {
            InvitationState::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitations_expire_at_their_deadline() {
        let invitation = Invitation {
            id: "i".into(),
            org_id: "o".into(),
            email: Email::parse("a@example.org").unwrap(),
            role: Role::Mentee,
            group_id: None,
            invited_by: "p".into(),
            created_at: Timestamp::from_unix_seconds(0),
            expires_at: Timestamp::from_unix_seconds(100),
            accepted_at: None,
            revoked_at: None,
            failed_attempts: 0,
        };
        assert_eq!(invitation.state(Timestamp::from_unix_seconds(99)), InvitationState::Pending);
        assert_eq!(invitation.state(Timestamp::from_unix_seconds(100)), InvitationState::Expired);
        assert_eq!(
            serde_json::to_string(&InvitationState::Expired).unwrap(),
            format!("\"{}\"", InvitationState::Expired.as_str())
        );
        let accepted = Invitation { accepted_at: Some(Timestamp::from_unix_seconds(5)), ..invitation };
        assert_eq!(accepted.state(Timestamp::from_unix_seconds(500)), InvitationState::Accepted);
    }
}
