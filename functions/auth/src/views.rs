//! What the auth endpoints accept and answer, as JSON.

use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_domain::identity::Role;
use emmaus_identity::second_factor;

/// The signed-in person.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PersonView {
    pub id: String,
    pub email: String,
    pub display_name: String,
    /// Whether the person can sign in with a password (SSO-only people cannot).
    pub has_password: bool,
    /// Their chosen BCP 47 locale; `null` means the browser's.
    pub locale: Option<String>,
    /// Their chosen IANA time zone; `null` means the browser's.
    pub time_zone: Option<String>,
}

/// One organisation the person belongs to, with their roles there.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct OrgMembershipView {
    pub id: String,
    pub slug: String,
    pub name: String,
    #[schema(value_type = Vec<MemberRole>)]
    pub roles: Vec<Role>,
}

pub use emmaus_http::schemas::MemberRole;

/// The session as the web app sees it.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SessionView {
    pub person: PersonView,
    /// Every organisation the person belongs to, by name.
    pub organisations: Vec<OrgMembershipView>,
    /// The organisation to open first: the last one used, else the first.
    pub current_org: Option<String>,
    pub second_factor: SecondFactorView,
}

/// The person's second factor.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SecondFactorView {
    /// Whether sign-in asks for a code from an authenticator app.
    pub enabled: bool,
    /// Unused recovery codes (0 when not enabled).
    pub recovery_codes_left: usize,
    /// Organisations (by name) that require it of the person as their admin. Until it is set up,
    /// the person cannot act as an admin there.
    pub required_by: Vec<String>,
}

pub async fn session_view(p: &Platform, person_id: &str) -> Result<SessionView, DomainError> {
    let (person, memberships, status) = second_factor::person_orgs_and_status(p, person_id).await?;
    let person = person.ok_or(DomainError::Unauthenticated)?.value;
    let organisations: Vec<OrgMembershipView> = memberships
        .into_iter()
        .map(|(org, member)| OrgMembershipView {
            id: org.id,
            slug: org.slug.to_string(),
            name: org.name,
            roles: member.roles.iter().collect(),
        })
        .collect();
    let current_org = person
        .last_org
        .clone()
        .filter(|id| organisations.iter().any(|o| o.id == *id))
        .or_else(|| organisations.first().map(|o| o.id.clone()));
    Ok(SessionView {
        person: PersonView {
            id: person.id,
            email: person.email.to_string(),
            display_name: person.display_name,
            has_password: person.password_hash.is_some(),
            locale: person.locale.map(String::from),
            time_zone: person.time_zone.map(String::from),
        },
        organisations,
        current_org,
        second_factor: SecondFactorView {
            enabled: status.enabled,
            recovery_codes_left: status.recovery_codes_left,
            required_by: status.required_by,
        },
    })
}
