//! The dev outbox page's data: mail held instead of sent, when no mail service is configured.
//!
//! Held mail carries reset and invitation links, so only the operator reads it: a request straight
//! from the machine the local host runs on (a loopback peer, no proxy), or a signed-in admin of
//! any organisation. Anyone else hears that there is no outbox, as on Lambda and Spin.

use axum::Extension;
use axum::extract::State;
use emmaus_app::Platform;
use emmaus_app::mail::Outbox;
use emmaus_domain::DomainError;
use emmaus_domain::identity::Role;
use emmaus_http::auth::{FromThisMachine, Session};
use emmaus_http::{ApiError, ApiResult, Json, Query};
use emmaus_ports::Cursor;

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct Page {
    /// At most this many messages (1 to 100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// From a previous page's `next`.
    pub cursor: Option<String>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct HeldMessage {
    pub id: String,
    /// Unix milliseconds.
    pub sent_at: i64,
    pub to: String,
    pub subject: String,
    pub text: String,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Outboxed {
    /// Newest first.
    pub messages: Vec<HeldMessage>,
    pub next: Option<String>,
}

/// Mail held by the dev outbox, newest first. 404 unless this is the local host holding mail and
/// the caller is its operator (on this machine, or signed in as an admin).
#[utoipa::path(
    get,
    path = "/api/auth/outbox",
    tag = "auth",
    operation_id = "listOutbox",
    params(Page),
    responses(
        (status = 200, description = "Held messages", body = Outboxed),
        (status = "default", description = "A problem (404 when mail is really sent, or for anyone but the operator)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    from_this_machine: Option<Extension<FromThisMachine>>,
    session: Result<Session, ApiError>,
    Query(page): Query<Page>,
) -> ApiResult<Json<Outboxed>> {
    let absent = || DomainError::NotFound("the dev outbox (it exists only on a local host that holds mail)".into());
    if p.mailer.adapter() != "outbox" || p.host.kind != "local" {
        return Err(absent().into());
    }
    let operator = from_this_machine.is_some()
        || match &session {
            Ok(Session(who)) => emmaus_identity::directory::orgs_of(&p, &who.person_id)
                .await?
                .iter()
                .any(|(_, membership)| membership.roles.contains(Role::Admin)),
            Err(_) => false,
        };
    if !operator {
        return Err(absent().into());
    }
    let limit = page.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(DomainError::invalid("limit", "must be between 1 and 100").into());
    }
    let outbox = Outbox::new(p.kv.clone(), p.clock.clone(), p.ids.clone());
    let (messages, next) = outbox
        .list(limit, page.cursor.filter(|c| !c.is_empty()).map(Cursor::from_token))
        .await
        .map_err(emmaus_app::error::from_kv)?;
    Ok(Json(Outboxed {
        messages: messages
            .into_iter()
            .map(|m| HeldMessage {
                id: m.id,
                sent_at: m.sent_at,
                to: m.message.to,
                subject: m.message.subject,
                text: m.message.text,
            })
            .collect(),
        next: next.map(|c| c.token().to_owned()),
    }))
}
