//! The hub's HTTP contract through its router (as every host serves it): versions as `ETag` and
//! `If-Match` (428 without, 412 when stale, and nothing lost), problems for bad queries, the trash,
//! and a note's HTML that never carries script.

use emmaus_app::Platform;
use emmaus_identity::setup::{self, NewOrg};
use emmaus_identity::{RequestMeta, sessions};
use emmaus_testkit::api::{ApiResponse, ApiTarget};

struct Api {
    target: ApiTarget,
    token: String,
    base: String,
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
        Self { target: ApiTarget::in_process(router), token, base: format!("/api/hub/{}", org.id) }
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> ApiResponse {
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("authorization", format!("Bearer {}", self.token));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = match body {
            Some(json) => {
                request = request.header("content-type", "application/json");
                serde_json::to_vec(&json).unwrap()
            }
            None => Vec::new(),
        };
        self.target.send(request.body(body).unwrap()).await
    }
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
async fn versions_guard_every_change() {
    let api = Api::new().await;
    let made = api
        .send(
            "POST",
            "/notes",
            &[],
            Some(serde_json::json!({"title": "Draft", "body": "*hi* <script>alert(1)</script>"})),
        )
        .await;
    assert_eq!(made.status, 201);
    assert_eq!(made.header("etag"), Some("\"1\""));
    let note = made.json();
    assert_eq!(note["version"], 1);
    assert_eq!(note["note"]["html"], "<p><em>hi</em> &lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
    let path = format!("/resources/{}", note["id"].as_str().unwrap());
    let rename = |title: &str| Some(serde_json::json!({"title": title}));

    let missing = api.send("PATCH", &path, &[], rename("No version")).await;
    assert_eq!(problem(&missing), (428, "urn:emmaus:problem:precondition-required".into()));
    let changed = api.send("PATCH", &path, &[("if-match", "\"1\"")], rename("Second")).await;
    assert_eq!((changed.status, changed.header("etag")), (200, Some("\"2\"")));
    for stale in ["\"1\"", "W/\"1\"", "\"x\"", "*"] {
        let refused = api.send("PATCH", &path, &[("if-match", stale)], rename("Lost?")).await;
        assert_eq!(problem(&refused), (412, "urn:emmaus:problem:stale".into()), "{stale}");
    }
    let weak = api.send("PATCH", &path, &[("if-match", "W/\"2\"")], rename("Third")).await;
    assert_eq!(weak.status, 200, "a weakened tag of the current version matches");
    let now = api.send("GET", &path, &[], None).await;
    assert_eq!((now.json()["title"].as_str(), now.header("etag")), (Some("Third"), Some("\"3\"")));

    let deleted = api.send("DELETE", &path, &[("if-match", "\"2\"")], None).await;
    assert_eq!(problem(&deleted).0, 412);
    assert_eq!(api.send("DELETE", &path, &[("if-match", "\"3\"")], None).await.status, 204);
    assert_eq!(problem(&api.send("GET", &path, &[], None).await), (404, "urn:emmaus:problem:not-found".into()));
    let trash = api.send("GET", "/trash", &[], None).await.json();
    assert_eq!(trash["items"][0]["resource"]["title"], "Third");
    let restored = api.send("POST", &format!("/trash/{}/restore", note["id"].as_str().unwrap()), &[], None).await;
    assert_eq!((restored.status, restored.header("etag")), (200, Some("\"5\"")));
    assert_eq!(api.send("GET", "/trash", &[], None).await.json()["items"], serde_json::json!([]));
}

#[tokio::test]
async fn a_notes_versions_are_listed_read_and_restored() {
    let api = Api::new().await;
    let note = api.send("POST", "/notes", &[], Some(serde_json::json!({"title": "Psalm", "body": "one"}))).await.json();
    let path = format!("/resources/{}", note["id"].as_str().unwrap());
    api.send("PATCH", &path, &[("if-match", "\"1\"")], Some(serde_json::json!({"body": "two"}))).await;
    let versions = api.send("GET", &format!("{path}/versions"), &[], None).await.json();
    let numbers: Vec<u64> =
        versions["versions"].as_array().unwrap().iter().map(|v| v["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [2, 1]);
    assert!(versions["versions"][0].get("body").is_none(), "a list leaves texts out");
    let first = api.send("GET", &format!("{path}/versions/1"), &[], None).await.json();
    assert_eq!((first["body"].as_str(), first["html"].as_str()), (Some("one"), Some("<p>one</p>\n")));
    for missing in ["9", "0", "x"] {
        assert_eq!(api.send("GET", &format!("{path}/versions/{missing}"), &[], None).await.status, 404, "{missing}");
    }
    let restored = api.send("POST", &format!("{path}/versions/1/restore"), &[("if-match", "\"2\"")], None).await;
    assert_eq!(restored.status, 200);
    assert_eq!(
        (restored.json()["note"]["body"].as_str(), restored.json()["note"]["version_number"].as_u64()),
        (Some("one"), Some(3))
    );
}

#[tokio::test]
async fn bad_searches_and_bodies_are_problems() {
    let api = Api::new().await;
    for query in [
        "sort=bogus",
        "kind=note,video",
        "limit=0",
        "limit=101",
        "tag=a//b",
        "collection=%01",
        "author=a%23b",
        "updated_from=5&updated_to=5",
        "offset=10001",
    ] {
        let response = api.send("GET", &format!("/resources?{query}"), &[], None).await;
        assert_eq!(problem(&response), (422, "urn:emmaus:problem:validation".into()), "{query}");
    }
    assert_eq!(problem(&api.send("GET", "/resources?limit=-1", &[], None).await).0, 400);
    let refused = api.send("POST", "/links", &[], Some(serde_json::json!({"url": "ftp://example.org"}))).await;
    assert_eq!(problem(&refused).0, 422);
    assert_eq!(refused.json()["errors"][0]["field"], "url");
    let group = api
        .send(
            "POST",
            "/notes",
            &[],
            Some(serde_json::json!({"title": "x", "visibility": {"scope": "group", "group_id": "nope"}})),
        )
        .await;
    assert_eq!(group.json()["errors"][0]["field"], "visibility.group_id");
    let unknown = api
        .send("POST", "/notes", &[], Some(serde_json::json!({"title": "x", "visibility": {"scope": "everyone"}})))
        .await;
    assert_eq!(problem(&unknown).0, 422);
    let empty = api.send("GET", "/resources", &[], None).await.json();
    assert_eq!(
        (empty["total"].as_u64(), empty["items"].as_array().map(Vec::len)),
        (Some(0), Some(0)),
        "nothing refused was stored"
    );
}

#[tokio::test]
async fn a_preview_renders_as_the_viewer_does_and_stores_nothing() {
    let api = Api::new().await;
    let rendered = api
        .send("POST", "/render", &[], Some(serde_json::json!({"body": "# Title\n\n<img src=x onerror=alert(1)>"})))
        .await;
    assert_eq!(rendered.status, 200);
    assert_eq!(rendered.json()["html"], "<h1>Title</h1>\n&lt;img src=x onerror=alert(1)&gt;\n");
    let big = "x".repeat(emmaus_domain::hub::resources::MAX_NOTE_BYTES + 1);
    assert_eq!(problem(&api.send("POST", "/render", &[], Some(serde_json::json!({"body": big}))).await).0, 413);
    assert_eq!(api.send("GET", "/resources", &[], None).await.json()["total"], 0);
}

#[tokio::test]
async fn tag_rules_are_versioned_like_any_record() {
    let api = Api::new().await;
    let empty = api.send("GET", "/tag-rules", &[], None).await;
    assert_eq!((empty.status, empty.header("etag")), (200, Some("\"0\"")));
    let rules = serde_json::json!({"rules": [{"keyword": "grace", "tag": "theology/grace"}]});
    assert_eq!(problem(&api.send("PUT", "/tag-rules", &[], Some(rules.clone())).await).0, 428);
    let saved = api.send("PUT", "/tag-rules", &[("if-match", "\"0\"")], Some(rules.clone())).await;
    assert_eq!((saved.status, saved.header("etag")), (200, Some("\"1\"")));
    assert_eq!(problem(&api.send("PUT", "/tag-rules", &[("if-match", "\"0\"")], Some(rules.clone())).await).0, 412);
    let note = api.send("POST", "/notes", &[], Some(serde_json::json!({"title": "On grace"}))).await.json();
    assert_eq!(note["suggested_tags"], serde_json::json!([{"tag": "theology/grace", "keyword": "grace", "count": 1}]));
}

#[tokio::test]
async fn control_characters_in_the_search_words_are_separators_not_a_server_error() {
    let api = Api::new().await;
    api.send("POST", "/notes", &[], Some(serde_json::json!({"title": "Grace notes"}))).await;
    let found = api.send("GET", "/resources?q=gra%00&updated_to=1&sort=title", &[], None).await;
    assert_eq!(found.status, 200, "{}", String::from_utf8_lossy(&found.body));
    assert_eq!(found.json()["total"], 0, "nothing was updated before 1970");
    let found = api.send("GET", "/resources?q=%00gra%07", &[], None).await;
    assert_eq!(found.json()["total"], 1);
}
