//! The `planner` function: whose plans the caller may open (`/api/planner/{org}/people`), the
//! calendar across them (`/api/planner/{org}/calendar`), and a
//! person's Learning Planner under `/api/planner/{org}/people/{person}`:
//! their goals (set by them, or proposed by a mentor or their group's pastor and then accepted
//! or declined), their ordered study queue, their study tasks with recurrence, one occurrence
//! completed, skipped or moved, the calendar of a range of days, and a private calendar feed
//! (`/api/planner-feeds/{token}`, read by calendar apps without a session); meetings recorded with
//! the person; the conversation on their goals, study items and tasks (`…/threads`); and the
//! caller's dashboard (`/api/planner/{org}/dashboard`).
//!
//! Every handler resolves the caller to an actor in the organisation of the path (404 for anyone
//! who is not a member) and leaves the decision to the planner's use cases: a person outside the
//! organisation is not found, one the caller does not walk with is forbidden.

mod across;
mod calendar;
mod comments;
mod dashboard;
mod feed;
mod goals;
mod meetings;
mod people;
mod queue;
mod tasks;

use axum::http::{HeaderMap, StatusCode, header};
use emmaus_app::Platform;
use emmaus_http::{ApiResult, Json};
use emmaus_identity::{Actor, Principal, directory};

emmaus_http::function_entry_points! {
    [people::list],
    [across::across],
    [dashboard::dashboard],
    [goals::list, goals::create],
    [goals::read, goals::update],
    [goals::accept],
    [goals::decline],
    [queue::list, queue::assign],
    [queue::read, queue::update, queue::remove],
    [queue::move_item],
    [tasks::create],
    [tasks::read, tasks::update, tasks::delete],
    [tasks::split],
    [tasks::occurrence],
    [calendar::range],
    [meetings::list, meetings::create],
    [meetings::read, meetings::update, meetings::delete],
    [meetings::step_task],
    [comments::threads],
    [comments::list, comments::add],
    [comments::edit, comments::delete],
    [comments::read],
    [feed::status, feed::renew, feed::revoke],
    [feed::read],
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

/// A field a change may clear: absent keeps it, an empty text clears it, any other text sets it.
#[expect(clippy::option_option, reason = "a change's three answers: keep it, clear it, set it")]
fn clearable(value: Option<String>) -> Option<Option<String>> {
    value.map(|text| if text.trim().is_empty() { None } else { Some(text) })
}

/// The timestamps of the API: RFC 3339 in UTC.
fn rfc3339(at: emmaus_domain::Timestamp) -> String {
    jiff::Timestamp::from_millisecond(at.unix_millis()).map_or_else(|_| String::new(), |t| t.to_string())
}

#[cfg(target_arch = "wasm32")]
emmaus_host_spin::spin_component!(crate::router);
