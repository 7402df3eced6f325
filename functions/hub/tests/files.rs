//! Files through the hub's HTTP contract, on a store without upload forms (as on the local host and
//! Spin): an upload announced, its bytes sent to the upload route, judged from the bytes (listed,
//! quarantined or refused), served through a signed link that presents it safely, counted against
//! the organisation's quota, hidden from those who may not see it, and removed when never sent.

use std::sync::Arc;
use std::time::Duration;

use emmaus_app::Platform;
use emmaus_domain::identity::Role;
use emmaus_identity::setup::{self, NewOrg};
use emmaus_identity::{RequestMeta, sessions};
use emmaus_ports::{ConfigSource, LayeredConfig, MapConfig, UrlSigner};
use emmaus_testkit::api::{ApiResponse, ApiTarget};

/// A PDF made by reportlab (see `scripts/fixtures/make_documents.py`).
const PDF: &[u8] = include_bytes!("../../../shared/extract/tests/fixtures/two-pages.pdf");
/// A JPEG made by Pillow.
const JPEG: &[u8] = include_bytes!("../../../shared/extract/tests/fixtures/photo.jpg");

struct Files {
    p: Platform,
    clock: Arc<emmaus_memory::ManualClock>,
    target: ApiTarget,
    base: String,
    admin: String,
    mentee: String,
    people: [String; 2],
}

impl Files {
    async fn new(settings: &[(&str, &str)]) -> Self {
        let (mut p, clock): (Platform, _) = emmaus_hub::in_memory_platform();
        let mut extra = MapConfig::new();
        for (key, value) in settings {
            extra.insert(*key, *value);
        }
        p.config = Arc::new(LayeredConfig::new(vec![Arc::new(extra) as Arc<dyn ConfigSource>, p.config.clone()]));
        let new = NewOrg {
            slug: "grace",
            name: "Grace",
            admin_email: "ada@grace.test",
            admin_name: "Ada",
            admin_password: "a long admin passphrase",
        };
        let (org, admin) = setup::create_org(&p, &new, &RequestMeta::default()).await.unwrap();
        let mentee = emmaus_identity::testing::member(&p, &org.id, "PMIA", "mia", &[Role::Mentee]).await.person_id;
        let token = |person: &str| {
            let p = p.clone();
            let person = person.to_owned();
            async move { sessions::open(&p, &person).await.unwrap().access_token }
        };
        let people = [admin.id.clone(), mentee.clone()];
        let (admin, mentee) = (token(&admin.id).await, token(&mentee).await);
        // The in-memory store signs its links with this key; the route serves them as the local host does.
        let downloads = emmaus_http::downloads::routes(p.clone(), UrlSigner::new("", vec![0; 32]));
        let router = emmaus_http::finish(
            hub::routes(p.clone()).merge(downloads),
            p.ids.clone(),
            emmaus_http::HttpSettings::default(),
        );
        Self {
            p,
            clock,
            target: ApiTarget::in_process(router),
            base: format!("/api/hub/{}", org.id),
            admin,
            mentee,
            people,
        }
    }

    /// Moves the clock on and signs both people in again, as access tokens live minutes.
    async fn later(&mut self, by: Duration) {
        self.clock.advance(by);
        self.admin = sessions::open(&self.p, &self.people[0]).await.unwrap().access_token;
        self.mentee = sessions::open(&self.p, &self.people[1]).await.unwrap().access_token;
    }

    async fn send(&self, token: &str, method: &str, path: &str, body: Body<'_>) -> ApiResponse {
        let uri = if path.starts_with('/') && !path.starts_with("/_blob") {
            format!("{}{path}", self.base)
        } else {
            path.into()
        };
        let mut request =
            http::Request::builder().method(method).uri(uri).header("authorization", format!("Bearer {token}"));
        let bytes = match body {
            Body::Json(json) => {
                request = request.header("content-type", "application/json");
                serde_json::to_vec(&json).unwrap()
            }
            Body::Bytes(bytes) => {
                request = request.header("content-type", "application/octet-stream");
                bytes.to_vec()
            }
            Body::None => Vec::new(),
        };
        self.target.send(request.body(bytes).unwrap()).await
    }

    /// Announces a file as the admin, sends its bytes and answers the route's response.
    async fn upload(&self, name: &str, content_type: &str, bytes: &[u8], extra: serde_json::Value) -> ApiResponse {
        let mut announce = serde_json::json!({"name": name, "size": bytes.len(), "content_type": content_type});
        announce.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
        let started = self.send(&self.admin, "POST", "/uploads", Body::Json(announce)).await;
        assert_eq!(started.status, 201, "{}", String::from_utf8_lossy(&started.body));
        let started = started.json();
        assert_eq!(started["upload"]["method"], "PUT", "no upload form on this store");
        let url = started["upload"]["url"].as_str().unwrap().strip_prefix(&self.base).unwrap().to_owned();
        self.send(&self.admin, "PUT", &url, Body::Bytes(bytes)).await
    }

    async fn storage(&self) -> (u64, u64) {
        let storage = self.send(&self.admin, "GET", "/storage", Body::None).await.json();
        assert!(storage["files"].is_u64(), "{storage}");
        (storage["files"].as_u64().unwrap(), storage["bytes"].as_u64().unwrap())
    }
}

enum Body<'a> {
    Json(serde_json::Value),
    Bytes(&'a [u8]),
    None,
}

fn problem(response: &ApiResponse) -> (u16, String) {
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json"),
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    (response.status, response.json()["type"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn a_pdf_is_uploaded_judged_listed_found_and_served_through_a_signed_link() {
    let files = Files::new(&[]).await;
    let done = files.upload("../Sermons/Romans 8 – notes.pdf", "application/pdf", PDF, serde_json::json!({})).await;
    assert_eq!(done.status, 200, "{}", String::from_utf8_lossy(&done.body));
    let resource = done.json();
    assert_eq!(resource["kind"], "file");
    assert_eq!(resource["title"], "Romans 8 – notes.pdf", "the title defaults to the name, without its path");
    let file = &resource["file"];
    assert_eq!((file["state"].as_str(), file["content_type"].as_str()), (Some("ready"), Some("application/pdf")));
    assert_eq!((file["size"].as_u64(), file["viewable"].as_bool()), (Some(PDF.len() as u64), Some(true)));
    let id = resource["id"].as_str().unwrap();
    assert_eq!(files.storage().await, (1, PDF.len() as u64));

    // Found by its name at once.
    let found = files.send(&files.admin, "GET", "/resources?q=romans", Body::None).await.json();
    assert_eq!(found["items"][0]["resource"]["id"], id);
    // The mentee sees what the organisation shares.
    assert_eq!(files.send(&files.mentee, "GET", &format!("/resources/{id}"), Body::None).await.status, 200);

    // The link opens the bytes, shown inline under the name it was uploaded as; ranges work.
    let link = files.send(&files.mentee, "GET", &format!("/resources/{id}/file"), Body::None).await.json();
    let url = link["url"].as_str().unwrap();
    assert!(!url.contains("Romans") && !url.contains("notes"), "no name in the stored key: {url}");
    let bytes = files.send(&files.mentee, "GET", url, Body::None).await;
    assert_eq!((bytes.status, bytes.body.as_slice()), (200, PDF));
    assert_eq!(bytes.header("content-type"), Some("application/pdf"));
    assert_eq!(
        bytes.header("content-disposition"),
        Some("inline; filename=\"Romans 8 _ notes.pdf\"; filename*=UTF-8''Romans%208%20%E2%80%93%20notes.pdf")
    );
    assert_eq!(bytes.header("x-content-type-options"), Some("nosniff"));
    let ranged = files.target.get_with(url, &[("range", "bytes=0-4")]).await;
    assert_eq!((ranged.status, ranged.body.as_slice()), (206, &b"%PDF-"[..]));
    let download = files.send(&files.mentee, "GET", &format!("/resources/{id}/file?download=true"), Body::None).await;
    let attached = files.send(&files.mentee, "GET", download.json()["url"].as_str().unwrap(), Body::None).await;
    assert!(attached.header("content-disposition").unwrap().starts_with("attachment;"));

    // The link expires within minutes.
    files.clock.advance(Duration::from_mins(6));
    assert_eq!(files.send(&files.mentee, "GET", url, Body::None).await.status, 410);
}

#[tokio::test]
async fn bytes_that_contradict_their_type_are_quarantined_reported_and_never_served() {
    let files = Files::new(&[]).await;
    let page = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>";
    let held = files.upload("invoice.pdf", "application/pdf", page, serde_json::json!({})).await;
    assert_eq!(held.status, 200);
    let resource = held.json();
    assert_eq!(resource["file"]["state"], "quarantined");
    assert_eq!(resource["file"]["content_type"], "text/html; charset=utf-8");
    assert_eq!(resource["file"]["viewable"], false);
    let id = resource["id"].as_str().unwrap();
    let link = files.send(&files.admin, "GET", &format!("/resources/{id}/file"), Body::None).await;
    assert_eq!(problem(&link).0, 409);
    assert!(link.json()["detail"].as_str().unwrap().contains("held back"), "{}", link.json());
    // Nobody else sees it, or finds it.
    assert_eq!(problem(&files.send(&files.mentee, "GET", &format!("/resources/{id}"), Body::None).await).0, 404);
    let found = files.send(&files.admin, "GET", "/resources?q=invoice", Body::None).await.json();
    assert_eq!(found["total"], 0);
    // Reported in the audit log.
    let entries = emmaus_identity::audit::all(&files.p, files.base.rsplit('/').next().unwrap(), 100).await.unwrap();
    let reported = entries.iter().find(|e| e.event.action.name() == "hub.file_quarantined").expect("an audit entry");
    assert!(reported.event.detail.as_deref().unwrap().contains("claimed application/pdf"));

    // An SVG (script-capable) that says so is accepted, but only ever downloaded.
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let accepted = files.upload("logo.svg", "image/svg+xml", svg, serde_json::json!({})).await.json();
    assert_eq!(
        (accepted["file"]["state"].as_str(), accepted["file"]["viewable"].as_bool()),
        (Some("ready"), Some(false))
    );
    let link = files
        .send(&files.admin, "GET", &format!("/resources/{}/file", accepted["id"].as_str().unwrap()), Body::None)
        .await;
    let served = files.send(&files.admin, "GET", link.json()["url"].as_str().unwrap(), Body::None).await;
    assert!(served.header("content-disposition").unwrap().starts_with("attachment;"));
    assert!(served.header("content-security-policy").unwrap().starts_with("sandbox"));
}

#[tokio::test]
async fn kinds_the_library_does_not_take_are_refused_and_nothing_of_them_stays() {
    let files = Files::new(&[]).await;
    let refused = files
        .upload("tool.exe", "application/octet-stream", b"MZ\x90\x00\x03\x00\x00\x00", serde_json::json!({}))
        .await;
    let (status, kind) = problem(&refused);
    assert_eq!((status, kind.as_str()), (422, "urn:emmaus:problem:validation"));
    assert!(refused.json().to_string().contains("does not accept"), "{}", refused.json());
    assert_eq!(files.storage().await, (0, 0), "its room is given back");
    let trash = files.send(&files.admin, "GET", "/trash", Body::None).await.json();
    assert_eq!(trash["items"], serde_json::json!([]));
}

#[tokio::test]
async fn sizes_and_the_quota_are_held_to_and_shown() {
    let mut files = Files::new(&[("EMMAUS_HUB_QUOTA_FILES", "2"), ("EMMAUS_HUB_QUOTA_BYTES", "100000")]).await;
    let storage = files.send(&files.admin, "GET", "/storage", Body::None).await.json();
    assert_eq!((storage["max_files"].as_u64(), storage["max_bytes"].as_u64()), (Some(2), Some(100_000)));
    assert_eq!(storage["max_file_bytes"], 1024 * 1024);

    // More bytes than announced are refused, and nothing is stored.
    let started = files
        .send(
            &files.admin,
            "POST",
            "/uploads",
            Body::Json(serde_json::json!({"name": "a.jpg", "size": 10, "content_type": "image/jpeg"})),
        )
        .await
        .json();
    let id = started["resource"]["id"].as_str().unwrap().to_owned();
    let over = files.send(&files.admin, "PUT", &format!("/uploads/{id}"), Body::Bytes(JPEG)).await;

    assert_eq!(problem(&over).0, 413);
    // Someone else cannot send the bytes of my upload.
    assert_eq!(
        problem(&files.send(&files.mentee, "PUT", &format!("/uploads/{id}"), Body::Bytes(&JPEG[..10])).await).0,
        404
    );
    assert_eq!(files.storage().await, (1, 10), "an announced upload holds its room");

    let announce = |size: u64| serde_json::json!({"name": "b.jpg", "size": size, "content_type": "image/jpeg"});
    let too_big = files.send(&files.admin, "POST", "/uploads", Body::Json(announce(100_001))).await;
    assert_eq!(problem(&too_big).0, 409, "{}", too_big.json());
    assert!(too_big.json()["detail"].as_str().unwrap().contains("left"), "{}", too_big.json());
    let over_file_limit = files.send(&files.admin, "POST", "/uploads", Body::Json(announce(2 * 1024 * 1024))).await;
    assert_eq!(problem(&over_file_limit).0, 413);
    let ok = files.upload("photo.jpg", "image/jpeg", JPEG, serde_json::json!({})).await;
    assert_eq!(ok.json()["file"]["state"], "ready");
    let third = files.send(&files.admin, "POST", "/uploads", Body::Json(announce(5))).await;
    assert!(
        problem(&third) == (409, "urn:emmaus:problem:conflict".into())
            && third.json()["detail"].as_str().unwrap().contains("limit of 2 files")
    );
    for bad in [
        serde_json::json!({"name": "", "size": 5}),
        serde_json::json!({"name": "x.jpg", "size": 0}),
        serde_json::json!({"name": "x.jpg", "size": 5, "content_type": "not a type"}),
    ] {
        assert_eq!(
            problem(&files.send(&files.admin, "POST", "/uploads", Body::Json(bad.clone())).await).0,
            422,
            "{bad}"
        );
    }

    // An upload never sent is removed by the purge after its window, and gives its room back.
    files.later(emmaus_hub::files::UPLOAD_WINDOW + Duration::from_secs(1)).await;
    let purged = emmaus_hub::purge::purge(&files.p, files.p.clock.now()).await.unwrap();
    assert_eq!(purged.removed, 1);
    assert_eq!(files.storage().await, (1, JPEG.len() as u64));
    assert_eq!(problem(&files.send(&files.admin, "GET", &format!("/resources/{id}"), Body::None).await).0, 404);
}

#[tokio::test]
async fn a_private_file_is_its_authors_alone_and_the_purge_takes_its_bytes() {
    let mut files = Files::new(&[]).await;
    let private = files
        .upload("diary.jpg", "image/jpeg", JPEG, serde_json::json!({"visibility": {"scope": "private"}}))
        .await
        .json();
    let id = private["id"].as_str().unwrap().to_owned();
    assert_eq!(problem(&files.send(&files.mentee, "GET", &format!("/resources/{id}/file"), Body::None).await).0, 404);
    let found = files.send(&files.mentee, "GET", "/resources?q=diary", Body::None).await.json();
    assert_eq!(found["total"], 0);
    let deleted = files.send(&files.admin, "DELETE", &format!("/resources/{id}"), Body::None).await;
    assert_eq!(deleted.status, 428);
    let request = http::Request::delete(format!("{}/resources/{id}", files.base))
        .header("authorization", format!("Bearer {}", files.admin))
        .header("if-match", format!("\"{}\"", private["version"]))
        .body(Vec::new())
        .unwrap();
    assert_eq!(files.target.send(request).await.status, 204);
    assert_eq!(files.storage().await, (1, JPEG.len() as u64), "the trash still holds it");
    files.later(emmaus_domain::hub::resources::TRASH_RETENTION + Duration::from_secs(1)).await;
    emmaus_hub::purge::purge(&files.p, files.p.clock.now()).await.unwrap();
    assert_eq!(files.storage().await, (0, 0));
    let key = emmaus_hub::files::original(files.base.rsplit('/').next().unwrap(), &id).unwrap();
    assert!(files.p.blobs.head_if_present(&key).await.unwrap().is_none(), "its bytes are gone");
}

/// Documents made by python-docx and python-pptx, a PNG by Pillow, and a PDF the script damaged.
const DOCX: &[u8] = include_bytes!("../../../shared/extract/tests/fixtures/document.docx");
const PPTX: &[u8] = include_bytes!("../../../shared/extract/tests/fixtures/slides.pptx");
const PNG: &[u8] = include_bytes!("../../../shared/extract/tests/fixtures/transparent.png");
const BROKEN_PDF: &[u8] = include_bytes!("../../../shared/extract/tests/fixtures/broken.pdf");

impl Files {
    /// Runs the `ingest` job once, as its scheduler would.
    async fn ingest(&self) -> emmaus_app::jobs::Outcome {
        (emmaus_hub::ingest::INGEST.run)(self.p.clone(), self.p.clock.now()).await
    }

    async fn found(&self, token: &str, words: &str) -> Vec<String> {
        let found = self.send(token, "GET", &format!("/resources?q={words}"), Body::None).await.json();
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["resource"]["title"].as_str().unwrap().to_owned())
            .collect()
    }
}

#[tokio::test]
async fn uploaded_documents_are_found_by_words_inside_them_once_read() {
    let files = Files::new(&[]).await;
    let pdf_mime = "application/pdf";
    let docx_mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    let pptx_mime = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    for (name, mime, bytes) in
        [("fossils.pdf", pdf_mime, PDF), ("road.docx", docx_mime, DOCX), ("deck.pptx", pptx_mime, PPTX)]
    {
        let done = files.upload(name, mime, bytes, serde_json::json!({})).await.json();
        assert_eq!(
            (done["file"]["state"].as_str(), done["file"]["reading"].as_str()),
            (Some("ready"), Some("pending")),
            "{name}"
        );
    }
    assert!(files.found(&files.admin, "quetzalcoatlus").await.is_empty(), "not before the text is read");
    assert!(matches!(files.ingest().await, emmaus_app::jobs::Outcome::Done(summary) if summary.starts_with("3 read")));
    assert_eq!(files.found(&files.admin, "quetzalcoatlus").await, ["fossils.pdf"], "a word on the PDF's second page");
    assert_eq!(files.found(&files.mentee, "brachio").await, ["road.docx"], "a word in a DOCX table, by prefix");
    assert_eq!(files.found(&files.mentee, "velociraptor").await, ["deck.pptx"], "a word in a slide's speaker notes");
    let pdf = files.send(&files.admin, "GET", "/resources?q=quetzalcoatlus", Body::None).await.json();
    let id = pdf["items"][0]["resource"]["id"].as_str().unwrap().to_owned();
    let detail = files.send(&files.admin, "GET", &format!("/resources/{id}"), Body::None).await.json();
    assert_eq!((detail["file"]["reading"].as_str(), detail["file"]["parts"].as_u64()), (Some("done"), Some(2)));
    assert!(detail["file"]["text_chars"].as_u64().unwrap() > 20);
    assert_eq!(files.ingest().await, emmaus_app::jobs::Outcome::Idle, "each file is read once");

    // The organisation's keyword rules suggest tags from the text read from a file too.
    let rules = serde_json::json!({"rules": [{"keyword": "quetzalcoatlus", "tag": "creatures/flying"}]});
    let request = http::Request::put(format!("{}/tag-rules", files.base))
        .header("authorization", format!("Bearer {}", files.admin))
        .header("if-match", "\"0\"")
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&rules).unwrap())
        .unwrap();
    assert_eq!(files.target.send(request).await.status, 200);
    let detail = files.send(&files.admin, "GET", &format!("/resources/{id}"), Body::None).await.json();
    assert_eq!(detail["suggested_tags"][0]["tag"], "creatures/flying", "{detail}");
}

#[tokio::test]
async fn a_file_that_cannot_be_read_says_why_and_stays_listed_by_its_name() {
    let files = Files::new(&[]).await;
    let done = files.upload("damaged.pdf", "application/pdf", BROKEN_PDF, serde_json::json!({})).await.json();
    let id = done["id"].as_str().unwrap().to_owned();
    files.ingest().await;
    let detail = files.send(&files.admin, "GET", &format!("/resources/{id}"), Body::None).await.json();
    assert_eq!(detail["file"]["reading"], "failed", "{detail}");
    assert!(!detail["file"]["reading_error"].as_str().unwrap().is_empty());
    assert_eq!(files.found(&files.admin, "damaged").await, ["damaged.pdf"]);

    // A run that began reading and never finished (its instance stopped in a parser) is recorded
    // as the file's failure by the next run, which does not read it again.
    let other = files.upload("second.pdf", "application/pdf", PDF, serde_json::json!({})).await.json();
    let other_id = other["id"].as_str().unwrap().to_owned();
    let org = files.base.rsplit('/').next().unwrap().to_owned();
    let key = emmaus_hub::keys::resource(&org, &other_id);
    let mut doc = emmaus_app::docs::get::<emmaus_hub::Resource>(files.p.kv.as_ref(), key).await.unwrap().unwrap();
    doc.value.file.as_mut().unwrap().reading = emmaus_hub::model::Reading::Started { at: files.p.clock.now() };
    emmaus_app::docs::replace(files.p.kv.as_ref(), &doc, None).await.unwrap();
    files.ingest().await;
    let detail = files.send(&files.admin, "GET", &format!("/resources/{other_id}"), Body::None).await.json();
    assert_eq!(detail["file"]["reading"], "failed");
    assert!(detail["file"]["reading_error"].as_str().unwrap().contains("stopped"), "{detail}");
}

#[tokio::test]
async fn a_picture_gets_a_thumbnail_that_a_link_opens() {
    let files = Files::new(&[]).await;
    let done = files.upload("sky.png", "image/png", PNG, serde_json::json!({})).await.json();
    let id = done["id"].as_str().unwrap().to_owned();
    let early = files.send(&files.admin, "GET", &format!("/resources/{id}/file?thumbnail=true"), Body::None).await;
    assert_eq!(problem(&early).0, 404, "none before the job ran");
    files.ingest().await;
    let detail = files.send(&files.admin, "GET", &format!("/resources/{id}"), Body::None).await.json();
    assert_eq!(
        (detail["file"]["reading"].as_str(), detail["file"]["thumbnail"].as_bool()),
        (Some("skipped"), Some(true))
    );
    let link =
        files.send(&files.mentee, "GET", &format!("/resources/{id}/file?thumbnail=true"), Body::None).await.json();
    let thumbnail = files.send(&files.mentee, "GET", link["url"].as_str().unwrap(), Body::None).await;
    assert_eq!((thumbnail.status, thumbnail.header("content-type")), (200, Some("image/jpeg")));
    assert!(thumbnail.body.starts_with(b"\xff\xd8\xff"), "a JPEG");
}

/// A test double of the page port (`emmaus_ports::PageFetcher`): pages by address, and the
/// refusal the real adapter gives an address that leads somewhere private. The real adapter's
/// address checks are tested against real servers in `emmaus-reqwest`.
#[derive(Debug)]
struct Pages;

#[async_trait::async_trait]
impl emmaus_ports::PageFetcher for Pages {
    async fn fetch(&self, url: &str, max_bytes: u64) -> Result<emmaus_ports::Fetched, emmaus_ports::FetchError> {
        let page = |content_type: &str, bytes: &[u8]| {
            if bytes.len() as u64 > max_bytes {
                return Err(emmaus_ports::FetchError::TooLarge(max_bytes));
            }
            Ok(emmaus_ports::Fetched {
                url: url.to_owned(),
                content_type: content_type.to_owned(),
                bytes: bytes.to_vec(),
            })
        };
        match url {
            "https://talks.example.org/emmaus" => page(
                "text/html; charset=utf-8",
                b"<html><head><title>Ignored</title><meta property='og:title' content='Walking to Emmaus'>\
                  <meta property='og:description' content='A talk on Luke 24.'>\
                  <meta property='og:image' content='/cover.png'></head><body>x</body></html>",
            ),
            "https://talks.example.org/cover.png" => page("image/png", PNG),
            "http://intranet.example/" => Err(emmaus_ports::FetchError::Forbidden("intranet.example".into())),
            _ => Err(emmaus_ports::FetchError::Status(404)),
        }
    }
}

#[tokio::test]
async fn a_links_page_gives_it_a_title_description_and_image_fetched_on_the_server() {
    let mut files = Files::new(&[]).await;
    files.p.pages = Some(Arc::new(Pages));
    let downloads = emmaus_http::downloads::routes(files.p.clone(), UrlSigner::new("", vec![0; 32]));
    let router = emmaus_http::finish(
        hub::routes(files.p.clone()).merge(downloads),
        files.p.ids.clone(),
        emmaus_http::HttpSettings::default(),
    );
    files.target = ApiTarget::in_process(router);
    let link = |url: &str, title: &str| serde_json::json!({"url": url, "title": title});
    let talk = files
        .send(&files.admin, "POST", "/links", Body::Json(link("https://talks.example.org/emmaus", "")))
        .await
        .json();
    assert_eq!(
        (talk["title"].as_str(), talk["link_preview"]["state"].as_str()),
        (Some("talks.example.org"), Some("pending"))
    );
    let named = files
        .send(&files.admin, "POST", "/links", Body::Json(link("https://talks.example.org/emmaus", "My own title")))
        .await
        .json();
    let private =
        files.send(&files.admin, "POST", "/links", Body::Json(link("http://intranet.example/", ""))).await.json();
    files.ingest().await;

    let id = talk["id"].as_str().unwrap();
    let talk = files.send(&files.mentee, "GET", &format!("/resources/{id}"), Body::None).await.json();
    assert_eq!(talk["title"], "Walking to Emmaus", "the page's title replaces the host that stood in");
    assert_eq!(talk["description"], "A talk on Luke 24.");
    assert_eq!(
        (talk["link_preview"]["state"].as_str(), talk["link_preview"]["image"].as_bool()),
        (Some("done"), Some(true))
    );
    let image =
        files.send(&files.mentee, "GET", &format!("/resources/{id}/file?thumbnail=true"), Body::None).await.json();
    let image = files.send(&files.mentee, "GET", image["url"].as_str().unwrap(), Body::None).await;
    assert_eq!((image.status, image.header("content-type")), (200, Some("image/jpeg")));
    let mut by_description = files.found(&files.mentee, "luke").await;
    by_description.sort();
    assert_eq!(by_description, ["My own title", "Walking to Emmaus"], "found by the description the page gave both");
    let named = files
        .send(&files.admin, "GET", &format!("/resources/{}", named["id"].as_str().unwrap()), Body::None)
        .await
        .json();
    assert_eq!(named["title"], "My own title", "a title the person gave stays");
    let private = files
        .send(&files.admin, "GET", &format!("/resources/{}", private["id"].as_str().unwrap()), Body::None)
        .await
        .json();
    assert_eq!(private["link_preview"]["state"], "failed");
    assert!(private["link_preview"]["error"].as_str().unwrap().contains("private"), "{private}");

    // A new address is fetched again; without a page port (Spin) the preview is off.
    files.p.pages = None;
    let version = format!("\"{}\"", talk["version"]);
    let request = http::Request::patch(format!("{}/resources/{id}", files.base))
        .header("authorization", format!("Bearer {}", files.admin))
        .header("if-match", version)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&serde_json::json!({"url": "https://talks.example.org/other"})).unwrap())
        .unwrap();
    let changed = files.target.send(request).await.json();
    assert_eq!(changed["link_preview"]["state"], "pending");
    files.ingest().await;
    let after = files.send(&files.admin, "GET", &format!("/resources/{id}"), Body::None).await.json();
    assert_eq!(after["link_preview"]["state"], "off");
}

#[tokio::test]
async fn a_resource_lists_the_notes_that_link_to_it_for_the_eyes_of_each_reader() {
    let files = Files::new(&[]).await;
    let target = files.upload("psalm.pdf", "application/pdf", PDF, serde_json::json!({})).await.json();
    let id = target["id"].as_str().unwrap().to_owned();
    let note = |title: &str, body: String, private: bool| {
        let mut note = serde_json::json!({"title": title, "body": body});
        if private {
            note["visibility"] = serde_json::json!({"scope": "private"});
        }
        Body::Json(note)
    };
    files
        .send(&files.admin, "POST", "/notes", note("Study guide", format!("Read [the psalm](/hub/{id}) first."), false))
        .await;
    let mine = files
        .send(
            &files.mentee,
            "POST",
            "/notes",
            note("My reflections", format!("[it](https://emmaus.test/hub/{id}#p2)"), true),
        )
        .await;
    assert_eq!(mine.status, 201);
    files.send(&files.admin, "POST", "/notes", note("Unrelated", "no links here".into(), false)).await;
    let titles = |response: ApiResponse| -> Vec<String> {
        response.json()["items"].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap().to_owned()).collect()
    };
    let path = format!("/resources/{id}/backlinks");
    assert_eq!(
        titles(files.send(&files.admin, "GET", &path, Body::None).await),
        ["Study guide"],
        "a private note is its author's alone"
    );
    let mut seen = titles(files.send(&files.mentee, "GET", &path, Body::None).await);
    seen.sort();
    assert_eq!(seen, ["My reflections", "Study guide"]);
    let unknown = files.send(&files.admin, "GET", "/resources/0000000000000000000000NONE/backlinks", Body::None).await;
    assert_eq!(problem(&unknown).0, 404);
}
