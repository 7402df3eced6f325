//! What the people endpoints answer, as JSON.

use emmaus_domain::Timestamp;
use emmaus_domain::identity::{Group, Invitation, Mentorship, Organisation, Role};
use emmaus_identity::members::Member;

pub use emmaus_http::schemas::MemberRole;

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct OrgView {
    pub id: String,
    pub slug: String,
    pub name: String,
    /// Unix milliseconds.
    pub created_at: i64,
    #[schema(value_type = SessionPolicyView)]
    pub sessions: emmaus_domain::identity::SessionPolicy,
    /// Whether admins must sign in with a second factor.
    pub admins_need_second_factor: bool,
}

impl From<Organisation> for OrgView {
    fn from(o: Organisation) -> Self {
        Self {
            id: o.id,
            slug: o.slug.to_string(),
            name: o.name,
            created_at: o.created_at.unix_millis(),
            sessions: o.sessions,
            admins_need_second_factor: o.admins_need_second_factor,
        }
    }
}

// The OpenAPI shape of `emmaus_domain::identity::SessionPolicy`, which the API reads and writes
// as it is (the domain crate stays free of schema derives).
/// How long sessions last: for everyone, and for admins. A session ends when unused for the idle
/// time, and in any case after the maximum; someone in several organisations gets the shortest.
#[derive(Debug, utoipa::ToSchema)]
pub struct SessionPolicyView {
    #[schema(minimum = 1, maximum = 720)]
    pub idle_hours: u32,
    #[schema(minimum = 1, maximum = 365)]
    pub max_days: u32,
    #[schema(minimum = 1, maximum = 720)]
    pub admin_idle_hours: u32,
    #[schema(minimum = 1, maximum = 365)]
    pub admin_max_days: u32,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MemberView {
    pub person_id: String,
    pub email: String,
    pub display_name: String,
    #[schema(value_type = Vec<MemberRole>)]
    pub roles: Vec<Role>,
    pub joined_at: i64,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        Self {
            person_id: m.person.id,
            email: m.person.email.to_string(),
            display_name: m.person.display_name,
            roles: m.membership.roles.iter().collect(),
            joined_at: m.membership.joined_at.unix_millis(),
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    #[schema(value_type = MemberRole)]
    pub role: Role,
    pub group_id: Option<String>,
    pub invited_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// `pending`, `accepted`, `revoked` or `expired`.
    pub state: String,
    /// The link to give the invitee; only in the answer that creates the invitation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl InvitationView {
    pub fn new(i: Invitation, now: Timestamp, link: Option<String>) -> Self {
        let state = i.state(now).as_str().to_owned();
        Self {
            id: i.id,
            email: i.email.to_string(),
            role: i.role,
            group_id: i.group_id,
            invited_by: i.invited_by,
            created_at: i.created_at.unix_millis(),
            expires_at: i.expires_at.unix_millis(),
            state,
            link,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct GroupView {
    pub id: String,
    pub name: String,
    pub leader_id: String,
    pub created_at: i64,
    /// Present when one group is read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<String>>,
}

impl GroupView {
    pub fn new(g: Group, members: Option<Vec<String>>) -> Self {
        Self { id: g.id, name: g.name, leader_id: g.leader_id, created_at: g.created_at.unix_millis(), members }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MentorshipView {
    pub id: String,
    pub mentor_id: String,
    pub mentee_id: String,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub active: bool,
}

impl From<Mentorship> for MentorshipView {
    fn from(m: Mentorship) -> Self {
        Self {
            active: m.is_active(),
            id: m.id,
            mentor_id: m.mentor_id,
            mentee_id: m.mentee_id,
            started_at: m.started_at.unix_millis(),
            ended_at: m.ended_at.map(Timestamp::unix_millis),
        }
    }
}
