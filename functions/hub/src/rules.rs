//! `/api/hub/{org}/tag-rules`: the organisation's keyword rules that suggest tags.

use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, IfMatch, Json, Path};
use emmaus_hub::tagging::{self, Rules};

/// Where `keyword` (a word or a phrase of up to five, case ignored, whole words only) appears, suggest `tag`.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TagRuleView {
    #[schema(min_length = 1, max_length = 100)]
    pub keyword: String,
    #[schema(min_length = 1, max_length = 100)]
    pub tag: String,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TagRules {
    pub rules: Vec<TagRuleView>,
    /// The version to send back in `If-Match` (0 while there are none yet).
    pub version: u64,
}

/// The rules to keep, replacing all of them.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct TagRulesChange {
    /// At most 500, one per keyword.
    #[schema(max_items = 500)]
    pub rules: Vec<TagRuleView>,
}

fn answer(rules: Rules) -> crate::Versioned<TagRules> {
    let version = rules.version;
    let rules = TagRules {
        rules: rules.rules.into_iter().map(|r| TagRuleView { keyword: r.keyword, tag: r.tag.into() }).collect(),
        version,
    };
    crate::versioned(StatusCode::OK, version, rules)
}

/// The keyword rules; any member may read them.
#[utoipa::path(
    get, path = "/api/hub/{org}/tag-rules", tag = "hub", operation_id = "getTagRules",
    params(("org" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The rules", body = TagRules, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
) -> ApiResult<crate::Versioned<TagRules>> {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(answer(tagging::rules(&p, &actor).await?))
}

/// Replaces the keyword rules as read (`If-Match`, `"0"` while there are none); admins only.
#[utoipa::path(
    put, path = "/api/hub/{org}/tag-rules", tag = "hub", operation_id = "setTagRules",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("If-Match" = String, Header, description = "The ETag of the rules as read"),
    ),
    request_body = TagRulesChange,
    responses(
        (status = 200, description = "The rules as saved", body = TagRules, headers(("ETag" = String, description = "The new version"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn replace(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    IfMatch(expected): IfMatch,
    Json(body): Json<TagRulesChange>,
) -> ApiResult<crate::Versioned<TagRules>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let pairs: Vec<(String, String)> = body.rules.into_iter().map(|r| (r.keyword, r.tag)).collect();
    Ok(answer(tagging::set_rules(&p, &actor, &pairs, expected).await?))
}
