//! `/api/planner/{org}/people/{person}/threads`: the conversation on a person's goals, study items
//! and tasks (a thread is `goal-<id>`, `item-<id>` or `task-<id>`), and what the caller has not read.

use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, IfMatch, Json, Path};
use emmaus_planner::comments::{self, CommentView as Seen, EDIT_MINUTES, SubjectKind, ThreadId, ThreadView};

#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKindView {
    Goal,
    Item,
    Task,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ThreadSummaryView {
    /// `goal-<id>`, `item-<id>` or `task-<id>`.
    pub thread: String,
    pub kind: SubjectKindView,
    /// The goal's, study item's or task's id.
    pub subject_id: String,
    pub count: usize,
    /// Comments by others the caller has not read (counted among the latest 50).
    pub unread: usize,
    /// RFC 3339, when the latest comment was written.
    pub last_at: Option<String>,
}

impl From<ThreadView> for ThreadSummaryView {
    fn from(view: ThreadView) -> Self {
        let id = ThreadId::parse(&view.summary.thread).ok();
        Self {
            kind: match id.as_ref().map(|t| t.kind) {
                Some(SubjectKind::Item) => SubjectKindView::Item,
                Some(SubjectKind::Task) => SubjectKindView::Task,
                _ => SubjectKindView::Goal,
            },
            subject_id: id.map(|t| t.subject).unwrap_or_default(),
            count: view.summary.count,
            unread: view.unread,
            last_at: view.summary.recent.last().map(|c| crate::rfc3339(c.at)),
            thread: view.summary.thread,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ThreadList {
    /// Every goal, study item and task that has comments.
    pub threads: Vec<ThreadSummaryView>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CommentView {
    pub id: String,
    pub thread: String,
    pub author_id: String,
    /// Their name, when they are still a member.
    pub author_name: Option<String>,
    /// Markdown as written.
    pub body: String,
    /// `body` as HTML safe to show (raw HTML shown as text, unsafe links dropped).
    pub body_html: String,
    pub created_at: String,
    pub edited_at: Option<String>,
    /// RFC 3339: until when its author may change it.
    pub editable_until: String,
    /// Whether the caller wrote it.
    pub mine: bool,
    /// Its `ETag`, for `If-Match`.
    pub version: u64,
}

fn view(seen: Seen, caller: &str) -> CommentView {
    let comment = seen.comment.value;
    CommentView {
        body_html: emmaus_hub::markdown::to_html(&comment.body),
        editable_until: crate::rfc3339(emmaus_domain::Timestamp::from_unix_millis(
            comment.created_at.unix_millis() + EDIT_MINUTES * 60_000,
        )),
        mine: comment.author_id == caller,
        id: comment.id,
        thread: comment.thread,
        author_id: comment.author_id,
        author_name: seen.author_name,
        body: comment.body,
        created_at: crate::rfc3339(comment.created_at),
        edited_at: comment.edited_at.map(crate::rfc3339),
        version: seen.comment.version,
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CommentList {
    /// Oldest first.
    pub comments: Vec<CommentView>,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct CommentBody {
    /// Markdown, 1 to 4,000 characters.
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub body: String,
}

/// The threads of a person's plan that have comments, with what the caller has not read.
#[utoipa::path(
    get, path = "/api/planner/{org}/people/{person}/threads", tag = "planner", operation_id = "listThreads",
    params(("org" = String, Path, description = "Organisation id"), ("person" = String, Path, description = "Person id")),
    responses(
        (status = 200, description = "Threads", body = ThreadList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn threads(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person)): Path<(String, String)>,
) -> ApiResult<Json<ThreadList>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let threads = comments::threads(&p, &actor, &person).await?;
    Ok(Json(ThreadList { threads: threads.into_iter().map(Into::into).collect() }))
}

/// The comments on a goal, study item or task, oldest first.
#[utoipa::path(
    get, path = "/api/planner/{org}/people/{person}/threads/{thread}/comments", tag = "planner", operation_id = "listComments",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("thread" = String, Path, description = "`goal-<id>`, `item-<id>` or `task-<id>`"),
    ),
    responses(
        (status = 200, description = "Comments", body = CommentList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, thread)): Path<(String, String, String)>,
) -> ApiResult<Json<CommentList>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let thread = ThreadId::parse(&thread)?;
    let found = comments::list(&p, &actor, &person, &thread).await?;
    Ok(Json(CommentList { comments: found.into_iter().map(|c| view(c, &actor.person_id)).collect() }))
}

/// Comments on a goal, study item or task of a plan one reads.
#[utoipa::path(
    post, path = "/api/planner/{org}/people/{person}/threads/{thread}/comments", tag = "planner", operation_id = "addComment",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("thread" = String, Path, description = "`goal-<id>`, `item-<id>` or `task-<id>`"),
    ),
    request_body = CommentBody,
    responses(
        (status = 201, description = "Added", body = CommentView, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, thread)): Path<(String, String, String)>,
    Json(body): Json<CommentBody>,
) -> ApiResult<crate::Versioned<CommentView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let thread = ThreadId::parse(&thread)?;
    let comment = comments::add(&p, &actor, &person, &thread, &body.body).await?;
    let version = comment.version;
    let seen = Seen { comment, author_name: Some(actor_name(&p, &actor.person_id).await) };
    Ok(crate::versioned(StatusCode::CREATED, version, view(seen, &actor.person_id)))
}

async fn actor_name(p: &Platform, person: &str) -> String {
    emmaus_identity::directory::person(p, person)
        .await
        .ok()
        .flatten()
        .map(|doc| doc.value.display_name)
        .unwrap_or_default()
}

/// Changes one's own comment within 15 minutes of writing it; `If-Match` names the version read.
#[utoipa::path(
    patch, path = "/api/planner/{org}/people/{person}/threads/{thread}/comments/{comment}", tag = "planner",
    operation_id = "editComment",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("thread" = String, Path, description = "`goal-<id>`, `item-<id>` or `task-<id>`"),
        ("comment" = String, Path, description = "Comment id"),
        ("If-Match" = String, Header, description = "The ETag of the comment as read"),
    ),
    request_body = CommentBody,
    responses(
        (status = 200, description = "Changed", body = CommentView, headers(("ETag" = String, description = "The new version"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn edit(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, thread, comment)): Path<(String, String, String, String)>,
    IfMatch(expected): IfMatch,
    Json(body): Json<CommentBody>,
) -> ApiResult<crate::Versioned<CommentView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let thread = ThreadId::parse(&thread)?;
    let changed = comments::edit(&p, &actor, &person, &thread, &comment, expected, &body.body).await?;
    let version = changed.version;
    let seen = Seen { comment: changed, author_name: Some(actor_name(&p, &actor.person_id).await) };
    Ok(crate::versioned(StatusCode::OK, version, view(seen, &actor.person_id)))
}

/// Deletes one's own comment.
#[utoipa::path(
    delete, path = "/api/planner/{org}/people/{person}/threads/{thread}/comments/{comment}", tag = "planner",
    operation_id = "deleteComment",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("thread" = String, Path, description = "`goal-<id>`, `item-<id>` or `task-<id>`"),
        ("comment" = String, Path, description = "Comment id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, thread, comment)): Path<(String, String, String, String)>,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    let thread = ThreadId::parse(&thread)?;
    comments::delete(&p, &actor, &person, &thread, &comment).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks a thread read by the caller, up to its newest comment.
#[utoipa::path(
    post, path = "/api/planner/{org}/people/{person}/threads/{thread}/read", tag = "planner", operation_id = "markThreadRead",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("thread" = String, Path, description = "`goal-<id>`, `item-<id>` or `task-<id>`"),
    ),
    responses(
        (status = 204, description = "Read"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, thread)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    let thread = ThreadId::parse(&thread)?;
    comments::mark_read(&p, &actor, &person, &thread).await?;
    Ok(StatusCode::NO_CONTENT)
}
