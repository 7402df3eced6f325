//! The `sessions` function: the Session Builder under `/api/sessions/{org}`: the organisation's
//! session templates and one's personal ones (`/templates`), and sessions (`/sessions`) made from
//! a template or blank, their outline of blocks saved whole under its version, the earlier
//! outlines those saves kept (`/revisions`), exports as Markdown and HTML (`/export`), private
//! links to follow a session read-only (`/links`, read at `/api/session-links/{token}`) and the
//! block a facilitator presents (`/presenting`); and the organisation's leaders, to choose
//! facilitators from (`/leaders`).
//!
//! Every handler resolves the caller to an actor in the organisation of the path (404 for anyone
//! who is not a member) and leaves the decision to the module's use cases (`emmaus-sessions`).

mod blocks;
mod links;
mod sessions;
mod templates;

use axum::http::{HeaderMap, StatusCode, header};
use emmaus_app::Platform;
use emmaus_http::{ApiResult, Json};
use emmaus_identity::{Actor, Principal, directory};

emmaus_http::function_entry_points! {
    [templates::list, templates::create],
    [templates::read, templates::update, templates::delete],
    [sessions::list, sessions::create],
    [sessions::read, sessions::update, sessions::delete],
    [sessions::revisions],
    [sessions::restore],
    [sessions::export],
    [links::list, links::create],
    [links::revoke],
    [links::present],
    [links::follow],
    [sessions::leaders],
}

/// An answer carrying the version of what it holds as its `ETag`, for the next `If-Match`.
type Versioned<T> = (StatusCode, HeaderMap, Json<T>);

fn versioned<T>(status: StatusCode, version: u64, body: T) -> Versioned<T> {
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, emmaus_http::etag(version));
    (status, headers, Json(body))
}

/// The caller as a member of `org`.
async fn actor(p: &Platform, who: &Principal, org: &str) -> ApiResult<Actor> {
    Ok(directory::actor_in(p, who, org).await?)
}

/// The timestamps of the API: RFC 3339 in UTC.
fn rfc3339(at: emmaus_domain::Timestamp) -> String {
    jiff::Timestamp::from_millisecond(at.unix_millis()).map_or_else(|_| String::new(), |t| t.to_string())
}

#[cfg(target_arch = "wasm32")]
emmaus_host_spin::spin_component!(crate::router);
