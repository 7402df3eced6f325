//! OpenAPI shapes of domain types that several functions answer with.

/// A role: `admin`, `pastor`, `mentor` or `mentee` (the JSON of `emmaus_domain::identity::Role`).
#[derive(Debug, utoipa::ToSchema)]
pub enum MemberRole {
    #[schema(rename = "admin")]
    Admin,
    #[schema(rename = "pastor")]
    Pastor,
    #[schema(rename = "mentor")]
    Mentor,
    #[schema(rename = "mentee")]
    Mentee,
}
