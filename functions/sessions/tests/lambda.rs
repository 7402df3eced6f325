//! The sessions binary on Lambda: under the emulated Runtime API, on DynamoDB (moto, which
//! `scripts/test` starts), a pastor keeps a template, makes a session for their group from it,
//! fills its outline with a hub note shown as an excerpt, shares it, and the group's member reads
//! it, finds it in their list (through the secondary index) and exports it; a stale save is 412.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use emmaus_app::HostInfo;
use emmaus_domain::identity::Role;
use emmaus_identity::setup::{self, NewOrg};
use emmaus_identity::tokens::KeyRing;
use emmaus_identity::{RequestMeta, sessions, testing};
use emmaus_lambda_emulator::LambdaProcess;
use emmaus_ports::MapConfig;
use emmaus_testkit::aws::aws_endpoint;
use serde_json::json;

const BINARY: &str = env!("CARGO_BIN_EXE_sessions");
const TIMEOUT: Duration = Duration::from_secs(20);

fn request(method: &str, path: &str, token: &str, body: Option<serde_json::Value>) -> http::Request<Vec<u8>> {
    let builder = http::Request::builder().method(method).uri(path).header("authorization", format!("Bearer {token}"));
    match body {
        Some(body) => builder.header("content-type", "application/json").body(serde_json::to_vec(&body).unwrap()),
        None => builder.body(Vec::new()),
    }
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(clippy::too_many_lines, reason = "one deployment, started once, for one session's story")]
async fn a_session_on_dynamodb() {
    let Some(endpoint) = aws_endpoint() else { return };
    let table = format!("emmaus-sessions-{}", std::process::id());
    emmaus_dynamodb::testing::table_at(&endpoint, &table, Arc::new(emmaus_ports::SystemClock)).await;
    let mut settings: Vec<(String, String)> = emmaus_dynamodb::testing::lambda_settings(&endpoint, &table);
    settings.extend(
        [
            ("EMMAUS_LOG", "warn"),
            ("EMMAUS_BLOBS", "memory"),
            ("EMMAUS_PUBLIC_URL", "https://emmaus.test"),
            ("EMMAUS_SESSION_KEYS", &KeyRing::new_entry("lambda", &[5; 32])),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let native = settings.iter().fold(MapConfig::new(), |config, (k, v)| config.with(k, v.clone()));
    let host = HostInfo { kind: "lambda", version: "0", build: "test" };
    let p = emmaus_host_lambda::platform(Arc::new(native), host).await.unwrap();
    let new = NewOrg {
        slug: "lambda-sessions",
        name: "Lambda",
        admin_email: "ada@lambda.test",
        admin_name: "Ada",
        admin_password: "a long lambda passphrase",
    };
    let (org, admin) = setup::create_org(&p, &new, &RequestMeta::default()).await.unwrap();
    let ada = emmaus_identity::directory::actor_in(
        &p,
        &emmaus_identity::Principal {
            person_id: admin.id.clone(),
            session_id: "s".into(),
            meta: RequestMeta::default(),
        },
        &org.id,
    )
    .await
    .unwrap();
    let paul = testing::member(&p, &org.id, "paul", "Paul", &[Role::Pastor]).await;
    testing::member(&p, &org.id, "tim", "Tim", &[Role::Mentee]).await;
    let group = emmaus_identity::groups::create(&p, &ada, "Thursday", "paul").await.unwrap();
    emmaus_identity::groups::add_member(&p, &ada, &group.id, "tim").await.unwrap();
    let described = emmaus_hub::Described { title: "Prodigal notes".into(), ..emmaus_hub::Described::default() };
    let note = emmaus_hub::resources::create(
        &p,
        &paul,
        described,
        emmaus_hub::Content::Note { body: "# The father\nHe ran to meet him.".into() },
    )
    .await
    .unwrap()
    .resource
    .id;
    let paul_token = sessions::open(&p, "paul").await.unwrap().access_token;
    let tim = sessions::open(&p, "tim").await.unwrap().access_token;
    let envs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let process = LambdaProcess::start(Path::new(BINARY), &envs);
    let call = |request: http::Request<Vec<u8>>| {
        let process = &process;
        async move {
            process
                .invoke_http(request, TIMEOUT)
                .await
                .unwrap_or_else(|e| panic!("invocation failed: {e}\n{}", process.logs()))
        }
    };
    let body =
        |response: &http::Response<Vec<u8>>| serde_json::from_slice::<serde_json::Value>(response.body()).unwrap();
    let base = format!("/api/sessions/{}", org.id);

    let slots = json!([{"kind": "heading", "title": "Welcome", "minutes": 5}, {"kind": "resource", "minutes": 15}]);
    let template = call(request(
        "POST",
        &format!("{base}/templates"),
        &paul_token,
        Some(json!({"name": "Evening", "slots": slots})),
    ))
    .await;
    assert_eq!(template.status(), 201, "{}\n{}", String::from_utf8_lossy(template.body()), process.logs());
    let new = json!({"title": "Thursday evening", "date": "2026-03-12", "time": "19:00",
        "audience": {"kind": "group", "group_id": group.id}, "template_id": body(&template)["id"]});
    let made = call(request("POST", &format!("{base}/sessions"), &paul_token, Some(new))).await;
    assert_eq!(made.status(), 201, "{}", String::from_utf8_lossy(made.body()));
    let id = body(&made)["id"].as_str().unwrap().to_owned();
    let outline = json!({"blocks": [
        {"id": "w", "kind": "heading", "title": "Welcome", "minutes": 5},
        {"id": "n", "kind": "resource", "resource_id": note, "show": "excerpt", "minutes": 15, "nested": true}
    ], "shared": true, "status": "ready"});
    let mut save = request("PATCH", &format!("{base}/sessions/{id}"), &paul_token, Some(outline.clone()));
    save.headers_mut().insert("if-match", http::HeaderValue::from_static("\"1\""));
    let saved = call(save).await;
    assert_eq!(saved.status(), 200, "{}", String::from_utf8_lossy(saved.body()));
    assert_eq!(body(&saved)["blocks"][1]["embed"]["card"]["excerpt"], "The father He ran to meet him.");
    let mut stale = request("PATCH", &format!("{base}/sessions/{id}"), &paul_token, Some(json!({"title": "x"})));
    stale.headers_mut().insert("if-match", http::HeaderValue::from_static("\"1\""));
    assert_eq!(call(stale).await.status(), 412);

    let seen = call(request("GET", &format!("{base}/sessions/{id}"), &tim, None)).await;
    assert_eq!((seen.status(), body(&seen)["status"].as_str()), (http::StatusCode::OK, Some("ready")));
    // The list reads a global secondary index, whose reads may lag the write a moment.
    let mut listed = serde_json::Value::Null;
    for _ in 0..20 {
        listed = body(&call(request("GET", &format!("{base}/sessions?from=2026-03-01"), &tim, None)).await);
        if !listed["sessions"].as_array().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(listed["sessions"][0]["id"], id.as_str());
    let exported = call(request("GET", &format!("{base}/sessions/{id}/export?format=markdown"), &tim, None)).await;
    assert_eq!(exported.status(), 200);
    let text = String::from_utf8_lossy(exported.body()).into_owned();
    assert!(text.contains("# Thursday evening") && text.contains("**Prodigal notes**"), "{text}");

    // A private link for members: the token's pointer and the link (with their expiry) in DynamoDB,
    // the block presented beside them; nobody signed in is asked to sign in, Tim follows it.
    let made =
        call(request("POST", &format!("{base}/sessions/{id}/links"), &paul_token, Some(json!({"days": 1})))).await;
    assert_eq!(made.status(), 201, "{}", String::from_utf8_lossy(made.body()));
    let url = body(&made)["url"].as_str().unwrap().to_owned();
    let token = url.split_once("#token=").unwrap().1.to_owned();
    let presented =
        call(request("PUT", &format!("{base}/sessions/{id}/presenting"), &paul_token, Some(json!({"block_id": "n"}))))
            .await;
    assert_eq!(presented.status(), 200, "{}", String::from_utf8_lossy(presented.body()));
    let follow = format!("/api/session-links/{token}");
    let anonymous = http::Request::builder().uri(&follow).body(Vec::new()).unwrap();
    assert_eq!(call(anonymous).await.status(), 401);
    let followed = call(request("GET", &follow, &tim, None)).await;
    assert_eq!(followed.status(), 200, "{}", String::from_utf8_lossy(followed.body()));
    let followed = body(&followed);
    assert_eq!(
        (followed["title"].as_str(), followed["presenting"]["block_id"].as_str()),
        (Some("Thursday evening"), Some("n"))
    );
    assert_eq!(followed["blocks"][1]["embed"]["card"]["excerpt"], "The father He ran to meet him.");
}
