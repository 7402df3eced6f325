//! `/api/planner/{org}/people/{person}/queue`: a person's study queue, in order.

use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, IfMatch, Json, Path, Query};
use emmaus_planner::model::{Progress, StudyTarget};
use emmaus_planner::queue::{self, ItemChange, ItemView, NewItem, NewTarget};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProgressView {
    NotStarted,
    InProgress,
    Done,
}

impl From<Progress> for ProgressView {
    fn from(progress: Progress) -> Self {
        match progress {
            Progress::NotStarted => Self::NotStarted,
            Progress::InProgress => Self::InProgress,
            Progress::Done => Self::Done,
        }
    }
}

impl From<ProgressView> for Progress {
    fn from(progress: ProgressView) -> Self {
        match progress {
            ProgressView::NotStarted => Self::NotStarted,
            ProgressView::InProgress => Self::InProgress,
            ProgressView::Done => Self::Done,
        }
    }
}

/// The hub resource an item points at, as the reader may see it.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct StudyResource {
    pub id: String,
    pub title: String,
    /// `note`, `link` or `file`.
    pub kind: String,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct QueueItemView {
    pub id: String,
    pub person_id: String,
    pub goal_id: Option<String>,
    /// A hub resource the reader sees (else `hidden` is true and this is absent).
    pub resource: Option<StudyResource>,
    /// The item points at a hub resource the reader may not see, or one since deleted.
    pub hidden: bool,
    /// For a web link: its address and title.
    pub url: Option<String>,
    pub link_title: Option<String>,
    pub note: String,
    /// `YYYY-MM-DD`.
    pub due_date: Option<String>,
    pub progress: ProgressView,
    /// The day it was done, in the person's time zone.
    pub done_on: Option<String>,
    pub assigned_by: String,
    pub assigned_at: String,
    /// Its `ETag`, for `If-Match`.
    pub version: u64,
}

impl From<ItemView> for QueueItemView {
    fn from(view: ItemView) -> Self {
        let item = view.item.value;
        let (url, link_title) = match &item.target {
            StudyTarget::Link { url, title } => (Some(url.clone()), Some(title.clone())),
            StudyTarget::Resource { .. } => (None, None),
        };
        Self {
            id: item.id,
            person_id: item.person_id,
            goal_id: item.goal_id,
            resource: view.resource.map(|r| StudyResource {
                kind: serde_json::to_value(r.kind).ok().and_then(|k| k.as_str().map(str::to_owned)).unwrap_or_default(),
                id: r.id,
                title: r.title,
            }),
            hidden: view.hidden,
            url,
            link_title,
            note: item.note,
            due_date: item.due_date,
            progress: item.progress.into(),
            done_on: item.done_on,
            assigned_by: item.assigned_by,
            assigned_at: crate::rfc3339(item.assigned_at),
            version: view.item.version,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct QueueView {
    /// In the order the person keeps them.
    pub items: Vec<QueueItemView>,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct QueueFilter {
    /// Only the items of this goal.
    pub goal: Option<String>,
}

/// An item to put at the end of the queue: a hub resource (`resource_id`) or a web link (`url`).
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewItemBody {
    /// A hub resource that both the caller and the person may see.
    pub resource_id: Option<String>,
    /// An absolute http or https address.
    pub url: Option<String>,
    /// A link's title; default: the address's host.
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub note: String,
    /// `YYYY-MM-DD`.
    #[schema(pattern = r"^(\d{4}-\d{2}-\d{2})?$")]
    pub due_date: Option<String>,
    pub goal_id: Option<String>,
}

/// A change: each field present replaces what is there.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct ItemChangeBody {
    pub note: Option<String>,
    /// `YYYY-MM-DD`; an empty text takes it away.
    #[schema(pattern = r"^(\d{4}-\d{2}-\d{2})?$")]
    pub due_date: Option<String>,
    /// Marked by the person who studies.
    pub progress: Option<ProgressView>,
    /// An empty text takes the item out of its goal.
    pub goal_id: Option<String>,
}

/// Where to move an item.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct MoveBody {
    /// The item it goes just before; absent or null: the end of the queue.
    pub before: Option<String>,
}

type Answer = ApiResult<crate::Versioned<QueueItemView>>;

fn answer(status: StatusCode, view: ItemView) -> crate::Versioned<QueueItemView> {
    let version = view.item.version;
    crate::versioned(status, version, view.into())
}

/// The person's study queue in order.
#[utoipa::path(
    get, path = "/api/planner/{org}/people/{person}/queue", tag = "planner", operation_id = "listQueue",
    params(("org" = String, Path, description = "Organisation id"), ("person" = String, Path, description = "Person id"), QueueFilter),
    responses(
        (status = 200, description = "The queue", body = QueueView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person)): Path<(String, String)>,
    Query(filter): Query<QueueFilter>,
) -> ApiResult<Json<QueueView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let items = queue::list(&p, &actor, &person, filter.goal.as_deref()).await?;
    Ok(Json(QueueView { items: items.into_iter().map(Into::into).collect() }))
}

/// Assigns a hub resource or a link to study: it goes to the end of the person's queue.
#[utoipa::path(
    post, path = "/api/planner/{org}/people/{person}/queue", tag = "planner", operation_id = "assignStudy",
    params(("org" = String, Path, description = "Organisation id"), ("person" = String, Path, description = "Person id")),
    request_body = NewItemBody,
    responses(
        (status = 201, description = "Assigned", body = QueueItemView, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn assign(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person)): Path<(String, String)>,
    Json(body): Json<NewItemBody>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let target = match (body.resource_id, body.url) {
        (Some(resource_id), None) => NewTarget::Resource { resource_id },
        (None, Some(url)) => NewTarget::Link { url, title: body.title },
        _ => {
            return Err(emmaus_domain::DomainError::invalid(
                "resource_id",
                "give a hub resource or a url, one of them",
            )
            .into());
        }
    };
    let input = NewItem { target, note: body.note, due_date: body.due_date, goal_id: body.goal_id };
    Ok(answer(StatusCode::CREATED, queue::assign(&p, &actor, &person, input).await?))
}

/// One item of the queue.
#[utoipa::path(
    get, path = "/api/planner/{org}/people/{person}/queue/{item}", tag = "planner", operation_id = "getStudyItem",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("item" = String, Path, description = "Item id"),
    ),
    responses(
        (status = 200, description = "The item", body = QueueItemView, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, item)): Path<(String, String, String)>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(answer(StatusCode::OK, queue::get(&p, &actor, &person, &item).await?))
}

/// Changes an item (the person; or whoever assigned it, all but its progress); `If-Match` names
/// the version read.
#[utoipa::path(
    patch, path = "/api/planner/{org}/people/{person}/queue/{item}", tag = "planner", operation_id = "updateStudyItem",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("item" = String, Path, description = "Item id"),
        ("If-Match" = String, Header, description = "The ETag of the item as read"),
    ),
    request_body = ItemChangeBody,
    responses(
        (status = 200, description = "Changed", body = QueueItemView, headers(("ETag" = String, description = "The new version"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, item)): Path<(String, String, String)>,
    IfMatch(expected): IfMatch,
    Json(body): Json<ItemChangeBody>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let change = ItemChange {
        note: body.note,
        due_date: crate::clearable(body.due_date),
        progress: body.progress.map(Into::into),
        goal_id: crate::clearable(body.goal_id),
    };
    Ok(answer(StatusCode::OK, queue::update(&p, &actor, &person, &item, expected, change).await?))
}

/// Takes an item out of the queue (the person, or whoever assigned it).
#[utoipa::path(
    delete, path = "/api/planner/{org}/people/{person}/queue/{item}", tag = "planner", operation_id = "removeStudyItem",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("item" = String, Path, description = "Item id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn remove(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, item)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    queue::remove(&p, &actor, &person, &item).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Moves an item to just before another (or to the end): one write, so moves made at the same
/// time by two people both hold. Answers the queue in its new order.
#[utoipa::path(
    post, path = "/api/planner/{org}/people/{person}/queue/{item}/move", tag = "planner", operation_id = "moveStudyItem",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("item" = String, Path, description = "Item id"),
    ),
    request_body = MoveBody,
    responses(
        (status = 200, description = "The queue in its new order", body = QueueView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn move_item(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, item)): Path<(String, String, String)>,
    Json(body): Json<MoveBody>,
) -> ApiResult<Json<QueueView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let items = queue::move_item(&p, &actor, &person, &item, body.before.as_deref()).await?;
    Ok(Json(QueueView { items: items.into_iter().map(Into::into).collect() }))
}
