//! The printed session through the exports router (as every host serves it): a PDF and a DOCX of
//! a session the caller reads, in the fonts installed in the blob store, named after its title;
//! 503 naming printing while no font is installed; 404 for a format that is not one, a session the
//! caller may not read and another organisation's.

use emmaus_app::Platform;
use emmaus_domain::identity::Role;
use emmaus_identity::{sessions, testing};
use emmaus_sessions::model::Audience;
use emmaus_testkit::api::{ApiResponse, ApiTarget};

const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

struct Api {
    p: Platform,
    target: ApiTarget,
    tokens: std::collections::BTreeMap<&'static str, String>,
    session: String,
}

impl Api {
    async fn new() -> Self {
        let (p, _) = emmaus_hub::in_memory_platform();
        let paul = testing::member(&p, "org", "paul", "Paul", &[Role::Pastor]).await;
        testing::member(&p, "org", "sam", "Sam", &[Role::Mentee]).await;
        testing::member(&p, "other", "bea", "Bea", &[Role::Pastor]).await;
        let new = emmaus_sessions::sessions::NewSession {
            title: "Psalm 23 evening".into(),
            date: "2026-03-10".into(),
            time: Some("19:00".into()),
            audience: Audience::Open,
            facilitators: Vec::new(),
            template_id: None,
            planned_minutes: None,
        };
        let made = emmaus_sessions::sessions::create(&p, &paul, new).await.unwrap();
        let mut tokens = std::collections::BTreeMap::new();
        for who in ["paul", "sam", "bea"] {
            tokens.insert(who, sessions::open(&p, who).await.unwrap().access_token);
        }
        let router =
            emmaus_http::finish(::exports::routes(p.clone()), p.ids.clone(), emmaus_http::HttpSettings::default());
        Self { p, target: ApiTarget::in_process(router), tokens, session: made.doc.value.id }
    }

    async fn get(&self, who: &str, path: &str) -> ApiResponse {
        let request = http::Request::builder()
            .uri(path)
            .header("authorization", format!("Bearer {}", self.tokens[who]))
            .body(Vec::new())
            .unwrap();
        self.target.send(request).await
    }
}

#[tokio::test]
async fn a_session_is_printed_as_pdf_and_docx_in_the_installed_fonts() {
    let api = Api::new().await;
    let path = |format: &str| format!("/api/exports/org/sessions/{}/{format}", api.session);
    // No font yet: printing is not set up here, and the answer says only that.
    let none = api.get("paul", &path("pdf")).await;
    assert_eq!(none.status, 503, "{}", String::from_utf8_lossy(&none.body));
    assert!(String::from_utf8_lossy(&none.body).contains("printing (PDF and DOCX) is not set up"));

    let font = std::fs::read(FONT).unwrap_or_else(|e| panic!("{FONT}: {e}; scripts/test installs the print fonts"));
    emmaus_sessions::print::install_font(api.p.blobs.as_ref(), "DejaVuSans.ttf", font).await.unwrap();
    let pdf = api.get("paul", &path("pdf")).await;
    assert_eq!(pdf.status, 200, "{}", String::from_utf8_lossy(&pdf.body));
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert_eq!(pdf.header("content-disposition"), Some("attachment; filename=\"Psalm-23-evening.pdf\""));
    assert!(pdf.body.starts_with(b"%PDF-"));
    let docx = api.get("paul", &path("docx")).await;
    assert_eq!(docx.status, 200);
    assert_eq!(
        docx.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    );
    assert!(docx.body.starts_with(b"PK\x03\x04"));

    // Not a format; a session Sam may not read; another organisation's pastor: none of them is there.
    assert_eq!(api.get("paul", &path("odt")).await.status, 404);
    assert_eq!(api.get("sam", &path("pdf")).await.status, 404);
    assert_eq!(api.get("bea", &path("pdf")).await.status, 404);
}

#[tokio::test]
async fn only_font_files_are_installed() {
    let api = Api::new().await;
    let bad =
        emmaus_sessions::print::install_font(api.p.blobs.as_ref(), "notes.txt", b"\x00\x01\x00\x00".to_vec()).await;
    assert!(matches!(bad, Err(emmaus_domain::DomainError::Validation(_))));
    let fake = emmaus_sessions::print::install_font(api.p.blobs.as_ref(), "Fake.ttf", b"<html>".to_vec()).await;
    assert!(matches!(fake, Err(emmaus_domain::DomainError::Validation(_))));
    assert!(emmaus_sessions::print::installed_fonts(api.p.blobs.as_ref()).await.unwrap().is_empty());
}
