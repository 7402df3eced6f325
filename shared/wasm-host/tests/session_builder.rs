//! The Session Builder on Spin: the sessions component in the Wasm test host, with what
//! `spin.toml` grants it and Spin's `default` database shared with auth. Ada, signed in through
//! the auth component, keeps a template, makes a session from it, saves an outline embedding a hub
//! note (pinned) and a passage in Hebrew, finds it in her list, and exports it as Markdown and HTML,
//! each request in a fresh instance; a private link is followed with no session and revoked; a
//! stale save is 412 and another organisation's session 404.

mod seed;
mod support;

use std::path::Path;

use emmaus_identity::setup::NewOrg;
use emmaus_testkit::api::set_cookies;
use emmaus_wasm_host::WasmHost;
use serde_json::json;

const PASSWORD: &str = "a long spin passphrase";

fn start(component: &str, dir: &Path) -> WasmHost {
    support::start_granted(component, dir, "unused by the sessions")
}

#[tokio::test(flavor = "multi_thread")]
#[expect(clippy::too_many_lines, reason = "one session's story on one pair of components, read top to bottom")]
async fn a_session_is_composed_and_exported_on_spin() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let new = NewOrg {
        slug: "spin-sessions",
        name: "Spin",
        admin_email: "ada@spin.test",
        admin_name: "Ada",
        admin_password: PASSWORD,
    };
    let (p, org) = seed::organisation(dir.path(), &new).await;
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
        person_id: ada.clone(),
        session_id: "s".into(),
        meta: emmaus_identity::RequestMeta::default(),
    };
    let actor = emmaus_identity::directory::actor_in(&p, &principal, &org).await.unwrap();
    let described = emmaus_hub::Described { title: "Psalm notes".into(), ..emmaus_hub::Described::default() };
    let note = emmaus_hub::resources::create(
        &p,
        &actor,
        described,
        emmaus_hub::Content::Note { body: "The Lord is my shepherd.".into() },
    )
    .await
    .unwrap()
    .resource
    .id;

    let auth = start("auth", dir.path());
    let sessions = start("sessions", dir.path());
    let client = reqwest::Client::new();
    let signed_in = client
        .post(format!("{}/api/auth/sign-in", auth.url()))
        .json(&json!({"email": "ada@spin.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let jar = set_cookies(signed_in.headers());
    let cookie = format!(
        "__Host-emmaus-access={}; __Host-emmaus-csrf={}",
        jar["__Host-emmaus-access"], jar["__Host-emmaus-csrf"]
    );
    let csrf = jar["__Host-emmaus-csrf"].clone();
    let api = |path: &str| format!("{}/api/sessions/{org}{path}", sessions.url());
    let send = |method: reqwest::Method, url: String, body: Option<serde_json::Value>, if_match: Option<&str>| {
        let mut request = client.request(method, url).header("cookie", &cookie).header("x-csrf-token", &csrf);
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        request.send()
    };

    let slots = json!([{"kind": "heading", "title": "Psalm 23", "minutes": 5}, {"kind": "scripture", "minutes": 10}]);
    let template =
        send(reqwest::Method::POST, api("/templates"), Some(json!({"name": "Psalm evening", "slots": slots})), None)
            .await
            .unwrap();
    assert_eq!(template.status(), 201);
    let template: serde_json::Value = template.json().await.unwrap();
    let made = send(
        reqwest::Method::POST,
        api("/sessions"),
        Some(json!({"title": "Shepherd", "date": "2026-05-05", "time": "18:00", "audience": {"kind": "open"}, "template_id": template["id"]})),
        None,
    )
    .await
    .unwrap();
    assert_eq!(made.status(), 201);
    let made: serde_json::Value = made.json().await.unwrap();
    let id = made["id"].as_str().unwrap().to_owned();
    assert_eq!(made["planned_minutes"], 15);

    let outline = json!({"blocks": [
        {"id": "h", "kind": "heading", "title": "Psalm 23", "minutes": 5},
        {"id": "s", "kind": "scripture", "reference": "Psalm 23:1", "body": "יְהוָה רֹעִי לֹא אֶחְסָר", "minutes": 10, "nested": true},
        {"id": "n", "kind": "resource", "resource_id": note, "pin": true, "minutes": 5}
    ]});
    let saved = send(reqwest::Method::PATCH, api(&format!("/sessions/{id}")), Some(outline.clone()), Some("\"1\""))
        .await
        .unwrap();
    assert_eq!(saved.status(), 200);
    let saved: serde_json::Value = saved.json().await.unwrap();
    assert_eq!(
        (saved["over_plan"].as_bool(), saved["blocks"][2]["embed"]["card"]["excerpt"].as_str()),
        (Some(true), Some("The Lord is my shepherd."))
    );
    let stale =
        send(reqwest::Method::PATCH, api(&format!("/sessions/{id}")), Some(outline), Some("\"1\"")).await.unwrap();
    assert_eq!(stale.status(), 412);

    let listed: serde_json::Value =
        send(reqwest::Method::GET, api("/sessions?from=2026-05-01"), None, None).await.unwrap().json().await.unwrap();
    assert_eq!(listed["sessions"][0]["id"], id.as_str());
    let markdown =
        send(reqwest::Method::GET, api(&format!("/sessions/{id}/export?format=markdown")), None, None).await.unwrap();
    assert_eq!(markdown.headers()["content-type"], "text/markdown; charset=utf-8");
    let markdown = markdown.text().await.unwrap();
    assert!(markdown.contains("> יְהוָה רֹעִי לֹא אֶחְסָר") && markdown.contains("**Psalm notes** (pinned)"), "{markdown}");
    let html = send(reqwest::Method::GET, api(&format!("/sessions/{id}/export?format=html")), None, None)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<h2 dir=\"auto\">Psalm 23"), "{html}");

    // A private link anyone may follow: read with no cookie in a fresh instance, following the
    // block Ada presents; revoked, it is gone.
    let link = send(
        reqwest::Method::POST,
        api(&format!("/sessions/{id}/links")),
        Some(json!({"label": "Visitors", "days": 2, "sign_in": false})),
        None,
    )
    .await
    .unwrap();
    assert_eq!(link.status(), 201);
    let link: serde_json::Value = link.json().await.unwrap();
    let token = link["url"].as_str().unwrap().split_once("#token=").unwrap().1.to_owned();
    let presented =
        send(reqwest::Method::PUT, api(&format!("/sessions/{id}/presenting")), Some(json!({"block_id": "s"})), None)
            .await
            .unwrap();
    assert_eq!(presented.status(), 200);
    let follow = format!("{}/api/session-links/{token}", sessions.url());
    let followed: serde_json::Value = client.get(&follow).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        (followed["title"].as_str(), followed["presenting"]["block_id"].as_str()),
        (Some("Shepherd"), Some("s"))
    );
    assert!(followed["rendered"]["s"].as_str().unwrap().contains("יְהוָה"), "{followed}");
    let link_id = link["link"]["id"].as_str().unwrap();
    let revoked =
        send(reqwest::Method::DELETE, api(&format!("/sessions/{id}/links/{link_id}")), None, None).await.unwrap();
    assert_eq!(revoked.status(), 204);
    assert_eq!(client.get(&follow).send().await.unwrap().status(), 404);

    let elsewhere =
        send(reqwest::Method::GET, format!("{}/api/sessions/other/sessions/{id}", sessions.url()), None, None)
            .await
            .unwrap();
    assert_eq!(elsewhere.status(), 404);
}
