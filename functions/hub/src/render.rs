//! `POST /api/hub/{org}/render`: markdown rendered as the viewer renders notes, for an editor's
//! preview, so what a person previews is exactly what readers will see.

use axum::extract::State;
use emmaus_app::Platform;
use emmaus_domain::hub::resources::check_note;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path};

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct Markdown {
    /// Markdown, at most 256 KiB (a note's limit).
    #[schema(max_length = 262_144)]
    pub body: String,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Rendered {
    /// Safe HTML: raw HTML escaped, links other than http, https, mailto and relative ones dropped.
    pub html: String,
}

/// Renders markdown as a note is shown; nothing is stored.
#[utoipa::path(
    post, path = "/api/hub/{org}/render", tag = "hub", operation_id = "renderMarkdown",
    params(("org" = String, Path, description = "Organisation id")),
    request_body = Markdown,
    responses(
        (status = 200, description = "The HTML", body = Rendered),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn render(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Json(body): Json<Markdown>,
) -> ApiResult<Json<Rendered>> {
    // Any member may preview; the caller must belong to the organisation in the path.
    crate::actor(&p, &who, &org).await?;
    check_note(&body.body)?;
    Ok(Json(Rendered { html: emmaus_hub::markdown::to_html(&body.body) }))
}
