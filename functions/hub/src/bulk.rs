//! `POST /api/hub/{org}/bulk`: add or remove tags, move to a collection, or delete many resources.

use axum::extract::State;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path};
use emmaus_hub::bulk::{self, BulkAction, Outcome};

/// What to do to each resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkActionName {
    AddTags,
    RemoveTags,
    Move,
    Delete,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct BulkChange {
    /// 1 to 100 resource ids, none twice.
    #[schema(min_items = 1, max_items = 100)]
    pub ids: Vec<String>,
    pub action: BulkActionName,
    /// For `add_tags` and `remove_tags`: at least one.
    #[serde(default)]
    pub tags: Vec<String>,
    /// For `move`: the collection path; empty or absent takes them out of any collection.
    pub collection: Option<String>,
}

/// What became of one resource: `done`, `unchanged`, `not_found` (or not yours to see),
/// `forbidden` (yours to see, not to change), `stale` (changed meanwhile: try again) or `invalid`
/// (it would hold more than 50 tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkOutcome {
    Done,
    Unchanged,
    NotFound,
    Forbidden,
    Stale,
    Invalid,
}

impl From<Outcome> for BulkOutcome {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Done => Self::Done,
            Outcome::Unchanged => Self::Unchanged,
            Outcome::NotFound => Self::NotFound,
            Outcome::Forbidden => Self::Forbidden,
            Outcome::Stale => Self::Stale,
            Outcome::Invalid => Self::Invalid,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct BulkResult {
    /// One per id asked, in the same order.
    pub outcomes: Vec<BulkOutcome>,
}

/// Changes many resources, each on its own: one that fails leaves the others done.
#[utoipa::path(
    post, path = "/api/hub/{org}/bulk", tag = "hub", operation_id = "bulkChangeResources",
    params(("org" = String, Path, description = "Organisation id")),
    request_body = BulkChange,
    responses(
        (status = 200, description = "What became of each", body = BulkResult),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Json(body): Json<BulkChange>,
) -> ApiResult<Json<BulkResult>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let action = match body.action {
        BulkActionName::AddTags => BulkAction::AddTags(body.tags),
        BulkActionName::RemoveTags => BulkAction::RemoveTags(body.tags),
        BulkActionName::Move => BulkAction::Move(body.collection),
        BulkActionName::Delete => BulkAction::Delete,
    };
    let outcomes = bulk::apply(&p, &actor, &body.ids, &action).await?;
    Ok(Json(BulkResult { outcomes: outcomes.into_iter().map(Into::into).collect() }))
}
