//! Following a session without being its audience: `/api/sessions/{org}/sessions/{session}/links`
//! (private links made, listed and revoked by its facilitators), `/presenting` (the block a
//! facilitator shows now), and `/api/session-links/{token}`, the session as a link shows it,
//! read with no session unless the link asks for sign-in.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use emmaus_app::Platform;
use emmaus_http::auth::{Session, public_origin};
use emmaus_http::{ApiError, ApiResult, Json, Path};
use emmaus_sessions::links::{self, Link, NewLink, Opener, Presenting};

use crate::blocks::{BlockView, block_view};

/// A private link as its facilitators see it: its address was shown once, when it was made.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LinkView {
    pub id: String,
    pub label: String,
    /// Whether only signed-in members of the organisation may follow it.
    pub sign_in: bool,
    /// RFC 3339; the link stops working then.
    pub expires_at: String,
    pub created_at: String,
    pub created_by: String,
}

impl From<Link> for LinkView {
    fn from(link: Link) -> Self {
        Self {
            id: link.id,
            label: link.label,
            sign_in: link.sign_in,
            expires_at: crate::rfc3339(link.expires_at),
            created_at: crate::rfc3339(link.created_at),
            created_by: link.created_by,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LinkList {
    /// The links that still work, newest first (at most 10).
    pub links: Vec<LinkView>,
}

/// A link to make.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewLinkBody {
    /// To tell links apart, such as "Thursday group"; at most 100 characters.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub label: String,
    /// How many days it works: 1 to 90; 14 by default.
    #[schema(minimum = 1, maximum = 90)]
    pub days: Option<u32>,
    /// Whether only signed-in members of the organisation may follow it; true by default. Without
    /// sign-in, anyone with the address follows it, and hub resources show only as far as the whole
    /// organisation sees them.
    pub sign_in: Option<bool>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MadeLinkView {
    pub link: LinkView,
    /// The address to hand out; shown this once (only its digest is kept).
    pub url: String,
    /// Blocks whose hub resource those following without sign-in will not see.
    pub hidden_from_readers: Vec<String>,
}

/// The block a facilitator shows now.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PresentingView {
    /// None once they stopped presenting.
    pub block_id: Option<String>,
    /// RFC 3339, when this block came up.
    pub since: String,
}

impl From<Presenting> for PresentingView {
    fn from(presenting: Presenting) -> Self {
        Self { block_id: presenting.block_id, since: crate::rfc3339(presenting.since) }
    }
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct PresentingBody {
    /// A block of the session, or null when presenting ends.
    #[schema(max_length = 64)]
    pub block_id: Option<String>,
}

/// A session as a private link shows it: no notes, facilitators or audience, and hub resources as
/// the link's reader may see them.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FollowedSession {
    pub title: String,
    /// `YYYY-MM-DD`, in `zone`.
    pub date: String,
    /// `HH:MM`, in `zone`.
    pub time: Option<String>,
    pub zone: String,
    pub planned_minutes: Option<u32>,
    pub total_minutes: u32,
    /// Hub resources never carry their id here.
    pub blocks: Vec<BlockView>,
    /// Each block's text as sanitised HTML, by block id (blocks without text are absent).
    pub rendered: std::collections::BTreeMap<String, String>,
    /// The block a facilitator shows now, if they are presenting.
    pub presenting: Option<PresentingView>,
    /// RFC 3339, when the link stops working.
    pub expires_at: String,
}

/// The session's private links that still work.
#[utoipa::path(
    get, path = "/api/sessions/{org}/sessions/{session}/links", tag = "sessions", operation_id = "listSessionLinks",
    params(("org" = String, Path, description = "Organisation id"), ("session" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "Links", body = LinkList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, session)): Path<(String, String)>,
) -> ApiResult<Json<LinkList>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let found = links::list(&p, &actor, &session).await?;
    Ok(Json(LinkList { links: found.into_iter().map(Into::into).collect() }))
}

/// Makes a private link to the session, for people to follow it read-only.
#[utoipa::path(
    post, path = "/api/sessions/{org}/sessions/{session}/links", tag = "sessions", operation_id = "createSessionLink",
    params(("org" = String, Path, description = "Organisation id"), ("session" = String, Path, description = "Session id")),
    request_body = NewLinkBody,
    responses(
        (status = 201, description = "Made; its address is shown this once", body = MadeLinkView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(p): State<Platform>,
    Session(who): Session,
    headers: HeaderMap,
    Path((org, session)): Path<(String, String)>,
    Json(body): Json<NewLinkBody>,
) -> ApiResult<(StatusCode, Json<MadeLinkView>)> {
    let actor = crate::actor(&p, &who, &org).await?;
    let input = NewLink { label: body.label, days: body.days.unwrap_or(14), sign_in: body.sign_in.unwrap_or(true) };
    let made = links::create(&p, &actor, &session, input).await?;
    // In the fragment, so the token reaches neither server logs nor Referer headers.
    let url = format!("{}/follow#token={}", public_origin(&p, &headers), made.token);
    Ok((StatusCode::CREATED, Json(MadeLinkView { link: made.link.into(), url, hidden_from_readers: made.hidden })))
}

/// Revokes a private link: its address stops working at once.
#[utoipa::path(
    delete, path = "/api/sessions/{org}/sessions/{session}/links/{link}", tag = "sessions", operation_id = "revokeSessionLink",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("session" = String, Path, description = "Session id"),
        ("link" = String, Path, description = "Link id"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, session, link)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    links::revoke(&p, &actor, &session, &link).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Says which block the facilitator shows now, for those following by a link.
#[utoipa::path(
    put, path = "/api/sessions/{org}/sessions/{session}/presenting", tag = "sessions", operation_id = "presentSessionBlock",
    params(("org" = String, Path, description = "Organisation id"), ("session" = String, Path, description = "Session id")),
    request_body = PresentingBody,
    responses(
        (status = 200, description = "Where the session is now", body = PresentingView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn present(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, session)): Path<(String, String)>,
    Json(body): Json<PresentingBody>,
) -> ApiResult<Json<PresentingView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(Json(links::present(&p, &actor, &session, body.block_id).await?.into()))
}

/// The session a private link shows, read-only. No session is needed unless the link asks for
/// sign-in (then 401 without one); an address revoked, expired or never made is 404.
#[utoipa::path(
    get, path = "/api/session-links/{token}", tag = "sessions", operation_id = "followSession",
    params(("token" = String, Path, description = "The link's secret token")),
    responses(
        (status = 200, description = "The session", body = FollowedSession),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn follow(
    State(p): State<Platform>,
    signed_in: Result<Session, ApiError>,
    Path(token): Path<String>,
) -> ApiResult<Response> {
    let principal = signed_in.ok().map(|Session(who)| who);
    let opener = principal.as_ref().map_or(Opener::Anyone, Opener::Signed);
    let followed = links::open(&p, &token, opener).await?;
    let s = followed.session;
    let body = FollowedSession {
        total_minutes: s.total_minutes(),
        title: s.title,
        date: s.date,
        time: s.time,
        zone: s.zone,
        planned_minutes: s.planned_minutes,
        blocks: s
            .blocks
            .into_iter()
            .map(|block| {
                let shown = followed.embeds.get(&block.id);
                let mut view = block_view(block, shown);
                if let Some(embed) = view.embed.as_mut() {
                    embed.resource_id = None;
                }
                view
            })
            .collect(),
        rendered: followed.rendered,
        presenting: followed.presenting.map(Into::into),
        expires_at: crate::rfc3339(followed.expires_at),
    };
    // Read again every few seconds while presenting; never kept by a shared cache.
    Ok(([(header::CACHE_CONTROL, "private, no-store")], Json(body)).into_response())
}
