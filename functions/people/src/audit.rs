//! `/api/people/{org}/audit`: the organisation's audit log, filtered, exported and verified.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use emmaus_app::Platform;
use emmaus_domain::audit::{AuditAction, AuditEntry};
use emmaus_domain::{DomainError, Timestamp};
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path, Query};
use emmaus_identity::audit::{self, Filter};
use emmaus_ports::Cursor;

/// Filters; every one optional.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Only this action, e.g. `auth.sign_in`.
    #[param(schema_with = action_names)]
    pub action: Option<String>,
    /// Only entries by this person id.
    pub actor: Option<String>,
    /// From this time on (Unix milliseconds).
    pub since: Option<i64>,
    /// Before this time (Unix milliseconds).
    pub until: Option<i64>,
    /// Page size, 1 to 200 (default 50). Not used by exports.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// From a previous page's `next`.
    pub cursor: Option<String>,
    /// Export format: `jsonl` (default, with seals) or `csv`.
    #[param(schema_with = export_formats)]
    pub format: Option<String>,
}

/// Every audit action's name, as the schema of the `action` filter.
fn action_names() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(AuditAction::ALL.iter().map(|action| action.name())))
        .build()
}

/// The export formats, as the schema of `format`.
fn export_formats() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["jsonl", "csv"]))
        .build()
}

impl AuditQuery {
    /// Checks every parameter, also those the route at hand does not use (a list's `format`, an
    /// export's `limit`): what the schema refuses is refused on both.
    fn filter(&self) -> Result<Filter, DomainError> {
        if self.limit.is_some_and(|limit| !(1..=200).contains(&limit)) {
            return Err(DomainError::invalid("limit", "must be between 1 and 200"));
        }
        if self.format.as_deref().is_some_and(|f| !matches!(f, "jsonl" | "csv")) {
            return Err(DomainError::invalid("format", "must be jsonl or csv"));
        }
        let action = match self.action.as_deref() {
            None => None,
            Some(name) => {
                Some(AuditAction::parse(name).ok_or_else(|| DomainError::invalid("action", "is not an audit action"))?)
            }
        };
        Ok(Filter {
            action,
            actor: self.actor.clone().filter(|a| !a.is_empty()),
            since: self.since.map(Timestamp::from_unix_millis),
            until: self.until.map(Timestamp::from_unix_millis),
        })
    }
}

/// One entry, as listed and exported.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AuditEntryView {
    pub seq: u64,
    /// Unix milliseconds.
    pub at: i64,
    pub actor: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub request_id: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: String,
    /// The audit key that sealed the entry.
    pub key_id: Option<String>,
    /// The entry's seal (HMAC-SHA256 under that key, hex).
    pub hash: String,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        Self {
            seq: e.seq,
            at: e.event.at.unix_millis(),
            actor: e.event.actor,
            action: e.event.action.name().to_owned(),
            target: e.event.target,
            request_id: e.event.request_id,
            detail: e.event.detail,
            prev_hash: e.prev_hash,
            key_id: e.key_id,
            hash: e.hash,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditEntryView>,
    /// Present when more entries may follow (a filter that matches rarely may return fewer than
    /// `limit` with a `next`).
    pub next: Option<String>,
}

/// One step of checking the chain: call again with `after` = `next` until `next` is null.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ChainCheck {
    /// Entries checked in this step (at most 2000).
    pub checked: u64,
    /// The last entry found sound so far.
    pub through: u64,
    pub intact: bool,
    /// The first entry where the chain breaks, and why.
    pub broken_at: Option<u64>,
    pub reason: Option<String>,
    /// Where the next step starts; null when the whole log has been checked (or it broke).
    pub next: Option<u64>,
    /// Events that could not be appended and were kept aside (reported on the last step).
    pub lost: u64,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct VerifyQuery {
    /// Continue after this entry (a previous step's `next`); from the start when absent.
    #[param(minimum = 0)]
    pub after: Option<u64>,
}

/// Where an export with more entries than one download holds continues.
pub const NEXT_CURSOR_HEADER: &str = "x-emmaus-next-cursor";

/// The audit log, newest first.
#[utoipa::path(
    get, path = "/api/people/{org}/audit", tag = "people", operation_id = "listAudit",
    params(("org" = String, Path, description = "Organisation id"), AuditQuery),
    responses(
        (status = 200, description = "Entries", body = AuditPage),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Query(query): Query<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let filter = query.filter()?;
    let limit = query.limit.unwrap_or(50);
    let cursor = query.cursor.clone().filter(|c| !c.is_empty()).map(Cursor::from_token);
    let (entries, next) = audit::read(&p, &actor, &filter, limit, cursor).await?;
    Ok(Json(AuditPage {
        entries: entries.into_iter().map(AuditEntryView::from).collect(),
        next: next.map(|c| c.token().to_owned()),
    }))
}

/// Downloads the matching entries, newest first, as JSON lines (with seals) or CSV: at most 10,000
/// in one download; when there are more, `x-emmaus-next-cursor` holds the `cursor` for the next.
#[utoipa::path(
    get, path = "/api/people/{org}/audit/export", tag = "people", operation_id = "exportAudit",
    params(("org" = String, Path, description = "Organisation id"), AuditQuery),
    responses(
        (status = 200, description = "The export: JSON lines, or CSV with `format=csv`",
            content((String = "application/x-ndjson"), (String = "text/csv")),
            headers(("x-emmaus-next-cursor" = String, description = "Present when more entries follow: the `cursor` of the next download"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn export(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Query(query): Query<AuditQuery>,
) -> ApiResult<Response> {
    let actor = crate::actor(&p, &who, &org).await?;
    let filter = query.filter()?;
    let csv = query.format.as_deref() == Some("csv");
    let cursor = query.cursor.clone().filter(|c| !c.is_empty()).map(Cursor::from_token);
    let (entries, next) = audit::export(&p, &actor, &filter, cursor).await?;
    let views = entries.into_iter().map(AuditEntryView::from);
    let (body, content_type, extension) = if csv {
        let mut text = String::from("seq,at,actor,action,target,request_id,detail,prev_hash,key_id,hash\n");
        for v in views {
            let fields = [
                v.seq.to_string(),
                v.at.to_string(),
                v.actor.unwrap_or_default(),
                v.action,
                v.target.unwrap_or_default(),
                v.request_id.unwrap_or_default(),
                v.detail.unwrap_or_default(),
                v.prev_hash,
                v.key_id.unwrap_or_default(),
                v.hash,
            ];
            text.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
            text.push('\n');
        }
        (text, "text/csv; charset=utf-8", "csv")
    } else {
        let mut text = String::new();
        for v in views {
            text.push_str(&serde_json::to_string(&v).map_err(DomainError::unexpected)?);
            text.push('\n');
        }
        (text, "application/x-ndjson", "jsonl")
    };
    let disposition = format!("attachment; filename=\"audit-{org}.{extension}\"");
    let mut response =
        ([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)], body)
            .into_response();
    if let Some(next) = next.and_then(|c| header::HeaderValue::from_str(c.token()).ok()) {
        response.headers_mut().insert(NEXT_CURSOR_HEADER, next);
    }
    Ok(response)
}

/// Quotes a CSV field when needed, and defuses spreadsheet formulas.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_owned() };
    if value.contains([',', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

/// Checks one step (up to 2000 entries) of the keyed chain; repeat with `after` = `next`.
#[utoipa::path(
    get, path = "/api/people/{org}/audit/verify", tag = "people", operation_id = "verifyAudit",
    params(("org" = String, Path, description = "Organisation id"), VerifyQuery),
    responses(
        (status = 200, description = "The result", body = ChainCheck),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn verify(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Query(query): Query<VerifyQuery>,
) -> ApiResult<Json<ChainCheck>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let result = audit::check(&p, &actor, query.after.unwrap_or(0)).await?;
    Ok(Json(ChainCheck {
        checked: result.checked,
        through: result.through,
        intact: result.intact,
        broken_at: result.first_break.as_ref().map(|b| b.seq),
        reason: result.first_break.map(|b| b.reason.to_owned()),
        next: result.next,
        lost: result.lost,
    }))
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
    }
}
