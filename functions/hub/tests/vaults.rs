//! The vault routes' HTTP contract through the hub's router (as every host serves it): the sync
//! API (a vault found or made by name, a file put by path and hash, idempotent, removed, the
//! manifest paged), a zipped vault's import from announcement to the job's summary, and the
//! problems bad input gets, each naming its field.

use emmaus_app::Platform;
use emmaus_identity::setup::{self, NewOrg};
use emmaus_identity::{RequestMeta, sessions};
use emmaus_testkit::api::{ApiResponse, ApiTarget};
use emmaus_testkit::archives::zip_of;

struct Api {
    p: Platform,
    target: ApiTarget,
    token: String,
    org: String,
}

impl Api {
    async fn new() -> Self {
        let (p, _): (Platform, _) = emmaus_hub::in_memory_platform();
        let new = NewOrg {
            slug: "grace",
            name: "Grace",
            admin_email: "ada@grace.test",
            admin_name: "Ada",
            admin_password: "a long admin passphrase",
        };
        let (org, admin) = setup::create_org(&p, &new, &RequestMeta::default()).await.unwrap();
        let token = sessions::open(&p, &admin.id).await.unwrap().access_token;
        let router = emmaus_http::finish(hub::routes(p.clone()), p.ids.clone(), emmaus_http::HttpSettings::default());
        Self { p, target: ApiTarget::in_process(router), token, org: org.id }
    }

    async fn send(&self, method: &str, path: &str, body: Body) -> ApiResponse {
        let request = http::Request::builder()
            .method(method)
            .uri(format!("/api/hub/{}{path}", self.org))
            .header("authorization", format!("Bearer {}", self.token));
        let request = match body {
            Body::None => request.body(Vec::new()),
            Body::Json(json) => {
                request.header("content-type", "application/json").body(serde_json::to_vec(&json).unwrap())
            }
            Body::Bytes(bytes) => request.header("content-type", "application/octet-stream").body(bytes),
        };
        self.target.send(request.unwrap()).await
    }

    async fn vault(&self, name: &str) -> String {
        let made = self.send("POST", "/vaults", Body::Json(serde_json::json!({"name": name}))).await;
        assert_eq!(made.status, 200, "{}", String::from_utf8_lossy(&made.body));
        made.json()["id"].as_str().unwrap().to_owned()
    }

    async fn put(&self, vault: &str, path: &str, bytes: &[u8]) -> ApiResponse {
        let hash = emmaus_obsidian::content_hash(bytes);
        let path = path.replace(' ', "%20");
        self.send("PUT", &format!("/vaults/{vault}/files?path={path}&hash={hash}"), Body::Bytes(bytes.to_vec())).await
    }
}

enum Body {
    None,
    Json(serde_json::Value),
    Bytes(Vec<u8>),
}

/// A problem's status and the fields its errors name.
fn problem(response: &ApiResponse) -> (u16, Vec<String>) {
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json"),
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let fields = response.json()["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|e| e["field"].as_str().unwrap_or_default().to_owned()).collect())
        .unwrap_or_default();
    (response.status, fields)
}

#[tokio::test]
async fn files_are_put_by_path_and_hash_removed_and_listed_a_page_at_a_time() {
    let api = Api::new().await;
    let vault = api.vault("Teaching").await;
    assert_eq!(api.vault("teaching").await, vault, "the same name, in any case, is the same vault");

    let put = api.put(&vault, "Sermons/Grace notes.md", b"---\nseries: Romans\n---\nSee [[Faith]].").await;
    assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.body));
    assert_eq!(put.json()["outcome"], "created");
    let id = put.json()["entry"]["resource_id"].as_str().unwrap().to_owned();
    let again = api.put(&vault, "Sermons/Grace notes.md", b"---\nseries: Romans\n---\nSee [[Faith]].").await;
    assert_eq!(again.json()["outcome"], "unchanged");
    let read = api.send("GET", &format!("/resources/{id}"), Body::None).await;
    assert_eq!(read.json()["obsidian"]["path"], "Sermons/Grace notes.md");
    assert_eq!(read.json()["obsidian"]["properties"]["series"], "Romans");
    assert_eq!(read.json()["collection"], "Sermons");
    assert!(read.json()["note"]["html"].as_str().unwrap().contains("wikilink--unresolved"));
    let faith =
        api.put(&vault, "Faith.md", b"Faith.").await.json()["entry"]["resource_id"].as_str().unwrap().to_owned();
    let read = api.send("GET", &format!("/resources/{id}"), Body::None).await;
    assert!(
        read.json()["note"]["html"].as_str().unwrap().contains(&format!("href=\"/hub/{faith}\"")),
        "live once its target came"
    );

    api.put(&vault, "Third.md", b"3").await;
    let first = api.send("GET", &format!("/vaults/{vault}/manifest?limit=2"), Body::None).await;
    let paths = |page: &ApiResponse| -> Vec<String> {
        page.json()["items"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(paths(&first), ["Faith.md", "Sermons/Grace notes.md"]);
    let next = first.json()["next"].as_str().unwrap().to_owned();
    let second = api.send("GET", &format!("/vaults/{vault}/manifest?limit=2&cursor={next}"), Body::None).await;
    assert_eq!(paths(&second), ["Third.md"]);
    assert!(second.json()["next"].is_null());
    assert_eq!(second.json()["items"][0]["hash"], emmaus_obsidian::content_hash(b"3"));

    let removed = api.send("DELETE", &format!("/vaults/{vault}/files?path=Third.md"), Body::None).await;
    assert_eq!(removed.status, 204);
    let gone = api.send("DELETE", &format!("/vaults/{vault}/files?path=Third.md"), Body::None).await;
    assert_eq!(problem(&gone).0, 404);
}

#[tokio::test]
async fn bad_paths_hashes_and_limits_are_problems_naming_their_field() {
    let api = Api::new().await;
    let vault = api.vault("Teaching").await;
    let wrong = api
        .send("PUT", &format!("/vaults/{vault}/files?path=A.md&hash={}", "0".repeat(64)), Body::Bytes(b"a".to_vec()))
        .await;
    assert_eq!(problem(&wrong), (422, vec!["hash".to_owned()]));
    for path in ["../escape.md", "%2Fabsolute.md", ".obsidian/app.json", "C:%5Cwindows.md"] {
        let refused = api.put(&vault, path, b"x").await;
        assert_eq!(problem(&refused), (422, vec!["path".to_owned()]), "{path}");
    }
    let latin1 = api.put(&vault, "Latin1.md", b"caf\xe9").await;
    assert_eq!(problem(&latin1), (422, vec!["file".to_owned()]));
    let no_hash = api.send("PUT", &format!("/vaults/{vault}/files?path=A.md"), Body::Bytes(b"a".to_vec())).await;
    assert_eq!(problem(&no_hash).0, 400);
    let limit = api.send("GET", &format!("/vaults/{vault}/manifest?limit=0"), Body::None).await;
    assert_eq!(problem(&limit), (422, vec!["limit".to_owned()]));
    let unknown = api.send("GET", "/vaults/0000000000000000000000NONE/manifest", Body::None).await;
    assert_eq!(problem(&unknown).0, 404);
    let nameless = api.send("POST", "/vaults", Body::Json(serde_json::json!({"name": "  "}))).await;
    assert_eq!(problem(&nameless), (422, vec!["vault".to_owned()]));
    let empty = api.send("POST", "/imports", Body::Json(serde_json::json!({"vault": "V", "size": 0}))).await;
    assert_eq!(problem(&empty), (422, vec!["size".to_owned()]));
}

#[tokio::test]
async fn a_zipped_vault_is_announced_sent_and_imported_by_the_job() {
    let api = Api::new().await;
    let archive = zip_of(&[
        ("Vault/A.md", b"Links to [[B]] and [[Nowhere]]."),
        ("Vault/B.md", b"B."),
        ("Vault/.trash/C.md", b"c"),
    ]);
    let announced =
        api.send("POST", "/imports", Body::Json(serde_json::json!({"vault": "Zipped", "size": archive.len()}))).await;
    assert_eq!(announced.status, 201, "{}", String::from_utf8_lossy(&announced.body));
    let id = announced.json()["import"]["id"].as_str().unwrap().to_owned();
    assert_eq!(announced.json()["import"]["state"], "uploading");
    assert_eq!(announced.json()["upload"]["url"], format!("/api/hub/{}/imports/{id}/archive", api.org));
    let early = api.send("POST", &format!("/imports/{id}/start"), Body::None).await;
    assert_eq!(problem(&early).0, 409, "nothing has arrived");
    let sent = api.send("PUT", &format!("/imports/{id}/archive"), Body::Bytes(archive.clone())).await;
    assert_eq!(sent.status, 202);
    assert_eq!(sent.json()["state"], "queued");
    let twice = api.send("PUT", &format!("/imports/{id}/archive"), Body::Bytes(archive)).await;
    assert_eq!(problem(&twice).0, 409);

    emmaus_hub::vault::jobs::run(&api.p, &api.org, &id).await.unwrap();
    let done = api.send("GET", &format!("/imports/{id}"), Body::None).await.json();
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["summary"]["notes"], 2);
    assert_eq!(done["summary"]["skipped"], 1);
    assert_eq!(done["summary"]["links"]["resolved"], 1);
    assert_eq!(done["summary"]["unresolved"], serde_json::json!([{"source": "A.md", "target": "Nowhere"}]));
    let listed = api.send("GET", "/imports", Body::None).await.json();
    assert_eq!(listed["items"][0]["id"], id.as_str());

    // An archive that is not a zip fails with a reason people can read, and nothing is imported.
    let bad = api.send("POST", "/imports", Body::Json(serde_json::json!({"vault": "Broken", "size": 9}))).await;
    let bad_id = bad.json()["import"]["id"].as_str().unwrap().to_owned();
    api.send("PUT", &format!("/imports/{bad_id}/archive"), Body::Bytes(b"not a zip".to_vec())).await;
    emmaus_hub::vault::jobs::run(&api.p, &api.org, &bad_id).await.unwrap();
    let failed = api.send("GET", &format!("/imports/{bad_id}"), Body::None).await.json();
    assert_eq!(failed["state"], "failed", "{failed}");
    assert!(failed["reason"].as_str().unwrap().contains("zip"), "{failed}");
}
