//! `/api/planner/{org}/people`: whose plans the caller may open.

use axum::extract::State;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path};
use emmaus_planner::people::{self, PlanPerson, Relation};

#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanRelation {
    /// The caller's own plan.
    Own,
    /// Someone the caller mentors now.
    Mentee,
    /// Someone in a group the caller leads.
    Group,
    /// Any member (as an organisation's totals count them).
    Member,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PlanPersonView {
    pub person_id: String,
    pub display_name: String,
    pub relation: PlanRelation,
    /// Their IANA time zone, when they chose one (their plan's days are read in it; else UTC).
    pub time_zone: Option<String>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PlanPeople {
    /// The caller first, then their mentees, then the people of the groups they lead, by name.
    pub people: Vec<PlanPersonView>,
}

/// The people whose plans the caller may open.
#[utoipa::path(
    get, path = "/api/planner/{org}/people", tag = "planner", operation_id = "listPlanPeople",
    params(("org" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "People", body = PlanPeople),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
) -> ApiResult<Json<PlanPeople>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let people = people::list(&p, &actor).await?;
    Ok(Json(PlanPeople { people: people.into_iter().map(Into::into).collect() }))
}

impl From<PlanPerson> for PlanPersonView {
    fn from(person: PlanPerson) -> Self {
        Self {
            person_id: person.person_id,
            display_name: person.display_name,
            relation: match person.relation {
                Relation::Own => PlanRelation::Own,
                Relation::Mentee => PlanRelation::Mentee,
                Relation::Group => PlanRelation::Group,
                Relation::Member => PlanRelation::Member,
            },
            time_zone: person.time_zone,
        }
    }
}
