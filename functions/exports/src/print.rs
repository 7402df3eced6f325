//! `GET /api/exports/{org}/sessions/{session}/{format}`: a session as a PDF or a DOCX, and the
//! fonts it is set in, kept while the instance lives.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Path};
use emmaus_identity::directory;
use emmaus_print::{Picture, PictureKind, Sheet, pdf::Fonts};
use emmaus_sessions::embeds;
use emmaus_sessions::print as gather;

/// The installed font files, by key, with their sizes.
type Installed = Vec<(String, u64)>;

/// The fonts last read, with the installed set they were read from.
static FONTS: Mutex<Option<(Installed, Arc<Fonts>)>> = Mutex::new(None);

/// The fonts installed for printing: those kept from an earlier request while the installed set
/// is the same, else read again.
async fn fonts(p: &Platform) -> Result<Arc<Fonts>, DomainError> {
    let installed = gather::installed_fonts(p.blobs.as_ref()).await?;
    if let Some((seen, fonts)) = FONTS.lock().expect("the fonts lock").as_ref()
        && *seen == installed
    {
        return Ok(fonts.clone());
    }
    let files = gather::fonts(p).await?;
    let fonts = Arc::new(Fonts::new(files).map_err(|error| DomainError::Misconfigured {
        what: "printing (PDF and DOCX)".into(),
        reason: format!("the installed fonts: {error}"),
    })?);
    *FONTS.lock().expect("the fonts lock") = Some((installed, fonts.clone()));
    Ok(fonts)
}

/// The formats written here.
#[derive(Debug, Clone, Copy, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrintFormat {
    Pdf,
    Docx,
}

/// The session written out as the caller reads it: `pdf` (A4, fonts embedded, headings as the
/// outline, page numbers) or `docx` (Word's heading styles, page numbers).
#[utoipa::path(
    get, path = "/api/exports/{org}/sessions/{session}/{format}", tag = "sessions", operation_id = "printSession",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("session" = String, Path, description = "Session id"),
        ("format" = inline(PrintFormat), Path, description = "pdf or docx"),
    ),
    responses(
        (status = 200, description = "The document, as an attachment",
            content((Vec<u8> = "application/pdf"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn export(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, session, format)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let actor = directory::actor_in(&p, &who, &org).await?;
    let format = match format.as_str() {
        "pdf" => PrintFormat::Pdf,
        "docx" => PrintFormat::Docx,
        _ => return Err(DomainError::NotFound("that format (pdf or docx)".into()).into()),
    };
    let gathered = gather::gather(&p, &actor, &session).await?;
    let pictures = gather::pictures(&p, &actor.org_id, &gathered)
        .await?
        .into_iter()
        .map(|(block, (kind, bytes))| {
            let kind = match kind {
                embeds::PictureKind::Png => PictureKind::Png,
                embeds::PictureKind::Jpeg => PictureKind::Jpeg,
            };
            (block, Picture { kind, bytes })
        })
        .collect();
    let sheet = Sheet::of(&gathered.printable(), pictures);
    let fonts = fonts(&p).await?;
    let failed = |error: emmaus_print::PrintError| DomainError::unexpected(error);
    let title = &gathered.view.doc.value.title;
    let (bytes, content_type, extension) = match format {
        PrintFormat::Pdf => (emmaus_print::pdf::pdf(&sheet, &fonts).map_err(failed)?, "application/pdf", "pdf"),
        PrintFormat::Docx => (
            emmaus_print::docx::docx(&sheet, fonts.families()).map_err(failed)?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
    };
    let disposition = emmaus_domain::hub::content_disposition(
        emmaus_domain::hub::Serving::Attachment,
        &emmaus_sessions::export::file_name(title, extension),
    );
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
