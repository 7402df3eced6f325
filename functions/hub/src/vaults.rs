//! `/api/hub/{org}/vaults` and `/api/hub/{org}/imports`: Obsidian vaults in the library. A zipped
//! vault is uploaded (announced, its bytes sent, started) and imported by a job, followed on its
//! record; and the sync API a client watching a vault uses: the vault's manifest of paths and
//! hashes, putting one file by its path and hash, removing one path. Every door runs the hub's one
//! importer (`emmaus_hub::vault`).

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path, Query};
use emmaus_hub::vault::import::{Outcome, Summary};
use emmaus_hub::vault::jobs::{self, ImportJob, ImportState};
use emmaus_hub::vault::{self, Entry, Vault, VaultSpec, sync};
use emmaus_ports::Cursor;

use crate::files::{FileBytes, UploadTargetView};
use crate::views::VisibilityView;

/// A vault in the library.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VaultView {
    pub id: String,
    pub name: String,
    /// The collection its root folder becomes.
    pub collection: Option<String>,
    /// Who sees what is imported from it.
    pub visibility: VisibilityView,
    /// The member it belongs to.
    pub owner_id: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

impl From<Vault> for VaultView {
    fn from(vault: Vault) -> Self {
        Self {
            id: vault.id,
            name: vault.name,
            collection: vault.collection.map(Into::into),
            visibility: vault.visibility.into(),
            owner_id: vault.owner_id,
            created_at: vault.created_at.unix_millis(),
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VaultList {
    pub items: Vec<VaultView>,
}

/// A vault to find by its name, or create.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewVault {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub collection: Option<String>,
    pub visibility: Option<VisibilityView>,
}

/// The caller's vaults (every member's, for admins).
#[utoipa::path(
    get, path = "/api/hub/{org}/vaults", tag = "hub", operation_id = "listVaults",
    params(("org" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The vaults", body = VaultList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
) -> ApiResult<Json<VaultList>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let reader = emmaus_hub::Reader::of(&p, &actor).await?;
    let items = vault::list(&p, &reader).await?.into_iter().map(|doc| doc.value.into()).collect();
    Ok(Json(VaultList { items }))
}

/// The caller's vault of this name (names compare without case), created when there is none; a
/// client that syncs a vault starts here.
#[utoipa::path(
    post, path = "/api/hub/{org}/vaults", tag = "hub", operation_id = "openVault",
    params(("org" = String, Path, description = "Organisation id")),
    request_body = NewVault,
    responses(
        (status = 200, description = "The vault", body = VaultView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn open(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Json(body): Json<NewVault>,
) -> ApiResult<Json<VaultView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let reader = emmaus_hub::Reader::of(&p, &actor).await?;
    let spec = VaultSpec { name: body.name, collection: body.collection, visibility: body.visibility.map(Into::into) };
    Ok(Json(vault::find_or_create(&p, &reader, &spec).await?.value.into()))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ManifestQuery {
    /// Page size, 1 to 1000 (default 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// From a previous page's `next`.
    pub cursor: Option<String>,
}

/// One path the library holds of a vault.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EntryView {
    pub path: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub hash: String,
    pub bytes: u64,
    /// The resource it is in the library.
    pub resource_id: String,
}

impl From<Entry> for EntryView {
    fn from(entry: Entry) -> Self {
        Self { path: entry.path, hash: entry.hash, bytes: entry.bytes, resource_id: entry.resource_id }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Manifest {
    pub vault: VaultView,
    /// In path order.
    pub items: Vec<EntryView>,
    /// Present when more may follow.
    pub next: Option<String>,
}

/// Which paths and hashes the library holds of a vault, a page at a time, so a client sends only
/// what changed.
#[utoipa::path(
    get, path = "/api/hub/{org}/vaults/{vault}/manifest", tag = "hub", operation_id = "vaultManifest",
    params(("org" = String, Path, description = "Organisation id"), ("vault" = String, Path, description = "Vault id"), ManifestQuery),
    responses(
        (status = 200, description = "A page of the manifest", body = Manifest),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn manifest(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, vault)): Path<(String, String)>,
    Query(query): Query<ManifestQuery>,
) -> ApiResult<Json<Manifest>> {
    let limit = query.limit.unwrap_or(sync::MAX_PAGE);
    if !(1..=sync::MAX_PAGE).contains(&limit) {
        return Err(DomainError::invalid("limit", "must be between 1 and 1000").into());
    }
    let actor = crate::actor(&p, &who, &org).await?;
    let cursor = query.cursor.filter(|c| !c.is_empty()).map(Cursor::from_token);
    let (vault, entries, next) = sync::manifest(&p, &actor, &vault, cursor, limit).await?;
    Ok(Json(Manifest {
        vault: vault.into(),
        items: entries.into_iter().map(Into::into).collect(),
        next: next.map(|c| c.token().to_owned()),
    }))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct PutFileQuery {
    /// The file's path in the vault, `/`-separated (`Sermons/Grace.md`).
    #[param(min_length = 1, max_length = 900)]
    pub path: String,
    /// SHA-256 of the bytes sent, hexadecimal.
    #[param(pattern = "^[0-9a-fA-F]{64}$")]
    pub hash: String,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct RemoveFileQuery {
    /// The file's path in the vault, `/`-separated (`Sermons/Grace.md`).
    #[param(min_length = 1, max_length = 900)]
    pub path: String,
}

/// What putting one file did.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PutView {
    /// `created`, `updated`, `unchanged` or `moved` (the same bytes under a path removed a moment ago).
    pub outcome: String,
    pub entry: EntryView,
    /// What reading it warned of (a broken frontmatter, a tag left out); it was imported.
    pub warnings: Vec<String>,
}

fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Created => "created",
        Outcome::Updated => "updated",
        Outcome::Unchanged => "unchanged",
        Outcome::Moved => "moved",
    }
}

/// Puts one file of the vault by its path: a note (`.md`) or an attachment, imported as the whole
/// vault's files are. Sending the bytes the library holds already changes nothing.
#[utoipa::path(
    put, path = "/api/hub/{org}/vaults/{vault}/files", tag = "hub", operation_id = "putVaultFile",
    params(("org" = String, Path, description = "Organisation id"), ("vault" = String, Path, description = "Vault id"), PutFileQuery),
    request_body(content = FileBytes, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 200, description = "What it did", body = PutView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_file(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, vault)): Path<(String, String)>,
    Query(query): Query<PutFileQuery>,
    body: Body,
) -> ApiResult<Json<PutView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let bytes = crate::read_body(&p, body, "the file").await?;
    let put = sync::put(&p, &actor, &vault, &query.path, &query.hash, bytes).await?;
    Ok(Json(PutView { outcome: outcome_name(put.outcome).into(), entry: put.entry.into(), warnings: put.warnings }))
}

/// Removes one path of the vault: its resource goes to the trash; the same bytes put under a new
/// path within a day bring it back there (a rename).
#[utoipa::path(
    delete, path = "/api/hub/{org}/vaults/{vault}/files", tag = "hub", operation_id = "removeVaultFile",
    params(("org" = String, Path, description = "Organisation id"), ("vault" = String, Path, description = "Vault id"), RemoveFileQuery),
    responses(
        (status = 204, description = "Removed"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn remove_file(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, vault)): Path<(String, String)>,
    Query(query): Query<RemoveFileQuery>,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    sync::remove(&p, &actor, &vault, &query.path).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A zipped vault about to be uploaded.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewImport {
    /// The vault's name: importing under a name again updates that vault in place.
    #[schema(min_length = 1, max_length = 100)]
    pub vault: String,
    /// The collection its root folder becomes.
    pub collection: Option<String>,
    /// Move what the vault no longer has to the trash (else it is reported).
    #[serde(default)]
    pub trash_removed: bool,
    /// The archive's size in bytes.
    #[schema(minimum = 1)]
    pub size: u64,
}

/// Counts of links in an import.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LinkCountsView {
    pub resolved: u64,
    pub unresolved: u64,
    pub ambiguous: u64,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct UnresolvedView {
    /// The note that holds the link.
    pub source: String,
    pub target: String,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ChangesView {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub moved: u64,
    pub removed: u64,
    pub trashed: u64,
    pub failed: u64,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct WarningView {
    pub path: String,
    pub message: String,
}

/// What an import did.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SummaryView {
    pub vault_id: String,
    pub notes: u64,
    pub attachments: u64,
    pub skipped: u64,
    pub links: LinkCountsView,
    pub unresolved: Vec<UnresolvedView>,
    pub tags: u64,
    pub collections: u64,
    pub changes: ChangesView,
    pub removed: Vec<String>,
    pub warnings: Vec<WarningView>,
}

impl From<Summary> for SummaryView {
    fn from(s: Summary) -> Self {
        let c = s.changes;
        Self {
            vault_id: s.vault.id,
            notes: s.notes,
            attachments: s.attachments,
            skipped: s.skipped,
            links: LinkCountsView {
                resolved: s.links.resolved,
                unresolved: s.links.unresolved,
                ambiguous: s.links.ambiguous,
            },
            unresolved: s
                .unresolved
                .into_iter()
                .map(|u| UnresolvedView { source: u.source, target: u.target })
                .collect(),
            tags: s.tags,
            collections: s.collections,
            changes: ChangesView {
                created: c.created,
                updated: c.updated,
                unchanged: c.unchanged,
                moved: c.moved,
                removed: c.removed,
                trashed: c.trashed,
                failed: c.failed,
            },
            removed: s.removed,
            warnings: s.warnings.into_iter().map(|w| WarningView { path: w.path, message: w.message }).collect(),
        }
    }
}

/// An uploaded vault's import.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ImportView {
    pub id: String,
    pub vault: String,
    pub collection: Option<String>,
    pub trash_removed: bool,
    pub size: u64,
    pub by: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// `uploading`, `queued`, `done` or `failed`.
    pub state: String,
    /// When it finished (Unix milliseconds).
    pub finished_at: Option<i64>,
    /// Why it failed.
    pub reason: Option<String>,
    /// What it did, once done.
    pub summary: Option<SummaryView>,
}

impl From<ImportJob> for ImportView {
    fn from(job: ImportJob) -> Self {
        let (state, finished_at, reason, summary) = match job.state {
            ImportState::Uploading { .. } => ("uploading", None, None, None),
            ImportState::Queued => ("queued", None, None, None),
            ImportState::Done { summary, at } => ("done", Some(at.unix_millis()), None, Some((*summary).into())),
            ImportState::Failed { reason, at } => ("failed", Some(at.unix_millis()), Some(reason), None),
        };
        Self {
            id: job.id,
            vault: job.vault,
            collection: job.collection,
            trash_removed: job.trash_removed,
            size: job.size,
            by: job.by,
            created_at: job.created_at.unix_millis(),
            state: state.into(),
            finished_at,
            reason,
            summary,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ImportStarted {
    pub import: ImportView,
    pub upload: UploadTargetView,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ImportList {
    /// Newest first.
    pub items: Vec<ImportView>,
}

/// Announces a zipped vault: answered with where to send the archive (straight to the store
/// where it takes a form, else the archive route), and then where to start the import.
#[utoipa::path(
    post, path = "/api/hub/{org}/imports", tag = "hub", operation_id = "announceImport",
    params(("org" = String, Path, description = "Organisation id")),
    request_body = NewImport,
    responses(
        (status = 201, description = "Announced; send the archive", body = ImportStarted),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn announce(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Json(body): Json<NewImport>,
) -> ApiResult<(StatusCode, Json<ImportStarted>)> {
    let actor = crate::actor(&p, &who, &org).await?;
    let announced = jobs::Announced {
        vault: body.vault,
        collection: body.collection,
        trash_removed: body.trash_removed,
        size: body.size,
    };
    let (job, target) = jobs::announce(&p, &actor, announced).await?;
    let route = format!("/api/hub/{org}/imports/{}", job.id);
    let until = match job.state {
        ImportState::Uploading { until } => until.unix_millis(),
        _ => 0,
    };
    let upload = UploadTargetView::new(target, format!("{route}/archive"), format!("{route}/start"), until);
    Ok((StatusCode::CREATED, Json(ImportStarted { import: job.into(), upload })))
}

/// The archive's bytes, for stores that take no form; the import is queued at once.
#[utoipa::path(
    put, path = "/api/hub/{org}/imports/{import}/archive", tag = "hub", operation_id = "uploadImportArchive",
    params(("org" = String, Path, description = "Organisation id"), ("import" = String, Path, description = "Import id")),
    request_body(content = FileBytes, content_type = "application/octet-stream", description = "The zipped vault"),
    responses(
        (status = 202, description = "Queued", body = ImportView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn receive(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, import)): Path<(String, String)>,
    body: Body,
) -> ApiResult<(StatusCode, Json<ImportView>)> {
    let actor = crate::actor(&p, &who, &org).await?;
    let bytes = crate::read_body(&p, body, "the archive").await?;
    let job = jobs::receive(&p, &actor, &import, bytes).await?;
    Ok((StatusCode::ACCEPTED, Json(job.into())))
}

/// Starts an import whose archive went straight to the store; starting again answers it as it is.
#[utoipa::path(
    post, path = "/api/hub/{org}/imports/{import}/start", tag = "hub", operation_id = "startImport",
    params(("org" = String, Path, description = "Organisation id"), ("import" = String, Path, description = "Import id")),
    responses(
        (status = 202, description = "Queued (or as it is, if started already)", body = ImportView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, import)): Path<(String, String)>,
) -> ApiResult<(StatusCode, Json<ImportView>)> {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok((StatusCode::ACCEPTED, Json(jobs::start(&p, &actor, &import).await?.into())))
}

/// One import, as it stands.
#[utoipa::path(
    get, path = "/api/hub/{org}/imports/{import}", tag = "hub", operation_id = "getImport",
    params(("org" = String, Path, description = "Organisation id"), ("import" = String, Path, description = "Import id")),
    responses(
        (status = 200, description = "The import", body = ImportView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, import)): Path<(String, String)>,
) -> ApiResult<Json<ImportView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(Json(jobs::status(&p, &actor, &import).await?.value.into()))
}

/// The caller's latest imports (every member's, for admins).
#[utoipa::path(
    get, path = "/api/hub/{org}/imports", tag = "hub", operation_id = "listImports",
    params(("org" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "Newest first", body = ImportList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn recent(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
) -> ApiResult<Json<ImportList>> {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(Json(ImportList { items: jobs::recent(&p, &actor).await?.into_iter().map(Into::into).collect() }))
}
