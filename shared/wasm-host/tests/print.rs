//! Printing on Spin: the exports component in the Wasm test host, with what `spin.toml` grants it
//! and Spin's `default` database shared with auth, where the fonts are kept with the files
//! (`blob_store = "sqlite"`, installed as `emmaus fonts add --spin-database` does). Ada, signed in
//! through the auth component, prints her session as a PDF and a DOCX in a fresh instance each;
//! the PDF is read back by poppler's pdftotext.

mod seed;
mod support;

use std::path::Path;
use std::sync::Arc;

use emmaus_identity::setup::NewOrg;
use emmaus_testkit::api::set_cookies;
use emmaus_wasm_host::WasmHost;
use serde_json::json;

const PASSWORD: &str = "a long spin passphrase";
const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

fn start(component: &str, dir: &Path) -> WasmHost {
    support::start_granted(component, dir, "unused by printing")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_is_printed_on_spin() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let new = NewOrg {
        slug: "spin-print",
        name: "Spin",
        admin_email: "ada@spin.test",
        admin_name: "Ada",
        admin_password: PASSWORD,
    };
    let (p, org) = seed::organisation(dir.path(), &new).await;
    // The fonts, kept with the files in the component's database (what `emmaus fonts add
    // --spin-database` writes).
    let clock: Arc<dyn emmaus_ports::Clock> = Arc::new(emmaus_ports::SystemClock);
    let ids: Arc<dyn emmaus_ports::Ids> = Arc::new(emmaus_ports::RandomIds::new(clock.clone()));
    let signer = emmaus_ports::UrlSigner::new("http://emmaus.test", vec![0; 32]);
    let blobs = emmaus_kv_blobs::KvBlobStore::new(p.kv.clone(), ids, clock, signer, 64 * 1024 * 1024);
    let font = std::fs::read(FONT).unwrap_or_else(|e| panic!("{FONT}: {e}; scripts/test installs the print fonts"));
    emmaus_sessions::print::install_font(&blobs, "DejaVuSans.ttf", font).await.unwrap();
    let ada = emmaus_identity::directory::person_by_email(
        &p,
        &emmaus_domain::identity::Email::parse("ada@spin.test").unwrap(),
    )
    .await
    .unwrap()
    .unwrap()
    .value
    .id;
    let principal = emmaus_identity::Principal {
        person_id: ada,
        session_id: "s".into(),
        meta: emmaus_identity::RequestMeta::default(),
    };
    let actor = emmaus_identity::directory::actor_in(&p, &principal, &org).await.unwrap();
    let session = emmaus_sessions::sessions::NewSession {
        title: "Spin evening".into(),
        date: "2026-05-05".into(),
        time: Some("18:00".into()),
        audience: emmaus_sessions::model::Audience::Open,
        facilitators: Vec::new(),
        template_id: None,
        planned_minutes: None,
    };
    let made = emmaus_sessions::sessions::create(&p, &actor, session).await.unwrap();
    let outline = vec![emmaus_sessions::model::BlockInput {
        id: "q".into(),
        kind: emmaus_sessions::model::BlockKind::Question,
        title: String::new(),
        body: "What does the shepherd know of his sheep?".into(),
        reference: None,
        minutes: 10,
        nested: false,
        resource_id: None,
        show: emmaus_sessions::model::Show::Live,
        pin: false,
    }];
    let change = emmaus_sessions::sessions::SessionChange { blocks: Some(outline), ..Default::default() };
    emmaus_sessions::sessions::update(&p, &actor, &made.doc.value.id, 1, change).await.unwrap();

    let auth = start("auth", dir.path());
    let exports = start("exports", dir.path());
    let client = reqwest::Client::new();
    let signed_in = client
        .post(format!("{}/api/auth/sign-in", auth.url()))
        .json(&json!({"email": "ada@spin.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let jar = set_cookies(signed_in.headers());
    let cookie = format!("__Host-emmaus-access={}", jar["__Host-emmaus-access"]);
    let url = |format: &str| format!("{}/api/exports/{org}/sessions/{}/{format}", exports.url(), made.doc.value.id);

    let pdf = client.get(url("pdf")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(pdf.status(), 200, "{}", pdf.text().await.unwrap_or_default());
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    let file = dir.path().join("spin.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let text =
        std::process::Command::new("pdftotext").args([file.to_str().unwrap(), "-"]).output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Spin evening") && text.contains("What does the shepherd know of his sheep?"), "{text}");
    let docx = client.get(url("docx")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(docx.status(), 200);
    assert!(docx.bytes().await.unwrap().starts_with(b"PK\x03\x04"));
}
