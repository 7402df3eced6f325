//! `/api/hub/{org}/uploads` and a file's link: announcing an upload (answered with where its bytes
//! go), the upload route for stores without a form of their own, finishing an upload, a short-lived
//! download link, and the organisation's storage next to its allowance.

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path, Query};
use emmaus_hub::files::{self, Announced, UploadTarget};

use crate::resources::{Answer, answer, described};
use crate::views::{ResourceDetail, VisibilityView};

/// A file about to be uploaded.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewUpload {
    /// The file's name: shown and offered on download, never part of where it is stored.
    #[schema(min_length = 1, max_length = 255)]
    pub name: String,
    /// Its size in bytes; the upload may not exceed it.
    #[schema(minimum = 1)]
    pub size: u64,
    /// The type the browser gives it; checked against the bytes once they arrive.
    #[serde(default)]
    pub content_type: String,
    /// Default: the file's name.
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub collection: Option<String>,
    pub visibility: Option<VisibilityView>,
}

/// A file's bytes, as a request body.
#[derive(Debug, utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(dead_code, reason = "only its schema is used: the route reads the body as it streams")]
pub struct FileBytes(Vec<u8>);

/// How to send the bytes.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct UploadTargetView {
    /// `POST` a `multipart/form-data` form of `fields` (in order) and then the file as `file`,
    /// or `PUT` the bytes as the request body.
    pub method: String,
    pub url: String,
    /// The form's fields, in order, each `[name, value]`; empty for `PUT`.
    pub fields: Vec<(String, String)>,
    /// Unix milliseconds after which the target refuses the bytes.
    pub expires_at: i64,
    /// After the bytes, `POST` here to have them checked and the file listed (a `PUT` does it itself).
    pub finish_url: String,
}

impl UploadTargetView {
    /// Where bytes go: the store's form, else `PUT` to `route` (open until `until`, Unix
    /// milliseconds); then `POST` to `finish_url`.
    pub fn new(target: UploadTarget, route: String, finish_url: String, until: i64) -> Self {
        match target {
            UploadTarget::Form(form) => Self {
                method: "POST".into(),
                url: form.url,
                fields: form.fields,
                expires_at: form.expires_at_unix.saturating_mul(1000),
                finish_url,
            },
            UploadTarget::Route => {
                Self { method: "PUT".into(), url: route, fields: Vec::new(), expires_at: until, finish_url }
            }
        }
    }
}

/// An upload announced, and where its bytes go.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct UploadStarted {
    pub resource: ResourceDetail,
    pub upload: UploadTargetView,
}

/// Announces a file: checked against the organisation's quota and the size limit, and answered
/// with where to send its bytes (straight to the store where it takes a form, else the upload route).
#[utoipa::path(
    post, path = "/api/hub/{org}/uploads", tag = "hub", operation_id = "startUpload",
    params(("org" = String, Path, description = "Organisation id")),
    request_body = NewUpload,
    responses(
        (status = 201, description = "Announced; send the bytes", body = UploadStarted),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Json(body): Json<NewUpload>,
) -> ApiResult<(StatusCode, Json<UploadStarted>)> {
    let actor = crate::actor(&p, &who, &org).await?;
    let announced = Announced {
        described: described(body.title, body.description, body.tags, body.collection, body.visibility),
        name: body.name,
        size: body.size,
        content_type: body.content_type,
    };
    let (view, target) = files::start(&p, &actor, announced).await?;
    let id = view.resource.id.clone();
    let route = format!("/api/hub/{org}/uploads/{id}");
    let until = view.resource.file.as_ref().and_then(|f| match f.status {
        emmaus_hub::model::FileStatus::Uploading { until } => Some(until.unix_millis()),
        _ => None,
    });
    let upload = UploadTargetView::new(target, route.clone(), format!("{route}/finish"), until.unwrap_or_default());
    Ok((StatusCode::CREATED, Json(UploadStarted { resource: view.into(), upload })))
}

/// The bytes of an announced file, as the request body (at most the announced size), for stores
/// that take no form; checked from the bytes and listed at once.
#[utoipa::path(
    put, path = "/api/hub/{org}/uploads/{resource}", tag = "hub", operation_id = "uploadBytes",
    params(("org" = String, Path, description = "Organisation id"), ("resource" = String, Path, description = "Resource id")),
    request_body(content = FileBytes, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 200, description = "The file as judged from its bytes", body = ResourceDetail, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn receive(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, resource)): Path<(String, String)>,
    body: Body,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    // The use case holds the bytes to the size that was announced.
    let bytes = crate::read_body(&p, body, "the file").await?;
    let view = files::receive(&p, &actor, &resource, bytes).await?;
    Ok(answer(StatusCode::OK, view.into()))
}

/// Finishes an upload whose bytes went straight to the store: they are checked and the file
/// listed, held back when they contradict their type, or removed when the library does not take
/// their kind. Finishing again answers the file as it is.
#[utoipa::path(
    post, path = "/api/hub/{org}/uploads/{resource}/finish", tag = "hub", operation_id = "finishUpload",
    params(("org" = String, Path, description = "Organisation id"), ("resource" = String, Path, description = "Resource id")),
    responses(
        (status = 200, description = "The file as judged from its bytes", body = ResourceDetail, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn finish(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, resource)): Path<(String, String)>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let view = files::finish(&p, &actor, &resource).await?;
    Ok(answer(StatusCode::OK, view.into()))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct LinkParams {
    /// `true` asks for a download even of a file a browser could show.
    #[serde(default)]
    pub download: bool,
    /// `true` asks for the resource's thumbnail (a JPEG): a picture's (`file.thumbnail`) or a
    /// link's preview image (`link_preview.image`).
    #[serde(default)]
    pub thumbnail: bool,
}

/// A link to a file's bytes.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FileLink {
    /// Opens the file without signing in, until it expires (a few minutes); ranges work.
    pub url: String,
    /// Unix milliseconds.
    pub expires_at: i64,
}

/// A short-lived link to a file's bytes (or a thumbnail), for a reader who may see it.
#[utoipa::path(
    get, path = "/api/hub/{org}/resources/{resource}/file", tag = "hub", operation_id = "fileLink",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("resource" = String, Path, description = "Resource id"),
        LinkParams,
    ),
    responses(
        (status = 200, description = "The link", body = FileLink),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn link(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, resource)): Path<(String, String)>,
    Query(params): Query<LinkParams>,
) -> ApiResult<Json<FileLink>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let variant = if params.thumbnail {
        files::Variant::Thumbnail
    } else {
        files::Variant::Original { attachment: params.download }
    };
    let link = files::download(&p, &actor, &resource, variant).await?;
    Ok(Json(FileLink { url: link.url, expires_at: link.expires_at.unix_millis() }))
}

/// What the organisation's files take up, and its allowance.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct StorageView {
    pub bytes: u64,
    pub files: u64,
    pub max_bytes: u64,
    pub max_files: u64,
    /// The largest single file this server takes, in bytes.
    pub max_file_bytes: u64,
}

/// The organisation's storage: bytes and files held (the trash included, until purged) and the limits.
#[utoipa::path(
    get, path = "/api/hub/{org}/storage", tag = "hub", operation_id = "hubStorage",
    params(("org" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "Usage and limits", body = StorageView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn storage(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
) -> ApiResult<Json<StorageView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let (usage, quota) = files::usage(&p, &actor).await?;
    Ok(Json(StorageView {
        bytes: usage.bytes,
        files: usage.files,
        max_bytes: quota.max_bytes,
        max_files: quota.max_files,
        max_file_bytes: p.blobs.max_size(),
    }))
}
