//! The planner binary on Lambda: under the emulated Runtime API, on DynamoDB (moto, which
//! `scripts/test` starts), a mentor proposes a goal that the mentee accepts, assigns a link to
//! study, and the mentee schedules a weekly task whose occurrence they complete; the calendar
//! shows it read back at once, a stale change is 412, and a person of no plan the caller shares is
//! 403; the mentor records a meeting whose private notes only they read, their dashboard has
//! the mentee's row, and their comment on the goal is unread for the mentee until read.

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

const BINARY: &str = env!("CARGO_BIN_EXE_planner");
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
#[expect(clippy::too_many_lines, reason = "one deployment, started once, for one plan's story")]
async fn a_plan_on_dynamodb() {
    let Some(endpoint) = aws_endpoint() else { return };
    let table = format!("emmaus-planner-{}", std::process::id());
    emmaus_dynamodb::testing::table_at(&endpoint, &table, Arc::new(emmaus_ports::SystemClock)).await;
    let mut settings: Vec<(String, String)> = emmaus_dynamodb::testing::lambda_settings(&endpoint, &table);
    settings.extend(
        [
            ("EMMAUS_LOG", "warn"),
            ("EMMAUS_BLOBS", "memory"),
            ("EMMAUS_PUBLIC_URL", "https://emmaus.test"),
            ("EMMAUS_SESSION_KEYS", &KeyRing::new_entry("lambda", &[5; 32])),
            ("EMMAUS_SEAL_KEYS", &emmaus_app::sealing::new_key_entry("lambda", &[6; 32])),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let native = settings.iter().fold(MapConfig::new(), |config, (k, v)| config.with(k, v.clone()));
    let host = HostInfo { kind: "lambda", version: "0", build: "test" };
    let p = emmaus_host_lambda::platform(Arc::new(native), host).await.unwrap();
    let new = NewOrg {
        slug: "lambda-plan",
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
    testing::member(&p, &org.id, "mara", "Mara", &[Role::Mentor]).await;
    testing::member(&p, &org.id, "tim", "Tim", &[Role::Mentee]).await;
    emmaus_identity::mentorships::create(&p, &ada, "mara", "tim").await.unwrap();
    let mara = sessions::open(&p, "mara").await.unwrap().access_token;
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
    let plan = format!("/api/planner/{}/people/tim", org.id);

    let proposed =
        call(request("POST", &format!("{plan}/goals"), &mara, Some(json!({"title": "Pray the Psalms"})))).await;
    assert_eq!(proposed.status(), 201, "{}\n{}", String::from_utf8_lossy(proposed.body()), process.logs());
    let goal = body(&proposed)["id"].as_str().unwrap().to_owned();
    assert_eq!(body(&proposed)["status"], "proposed");
    let accepted = call(request("POST", &format!("{plan}/goals/{goal}/accept"), &tim, None)).await;
    assert_eq!((accepted.status(), body(&accepted)["status"].as_str()), (http::StatusCode::OK, Some("active")));
    let mut stale = request("PATCH", &format!("{plan}/goals/{goal}"), &tim, Some(json!({"title": "x"})));
    stale.headers_mut().insert("if-match", http::HeaderValue::from_static("\"1\""));
    assert_eq!(call(stale).await.status(), 412);

    let item = call(request(
        "POST",
        &format!("{plan}/queue"),
        &mara,
        Some(json!({"url": "https://example.org/psalms", "goal_id": goal})),
    ))
    .await;
    assert_eq!(item.status(), 201, "{}", String::from_utf8_lossy(item.body()));
    let task = call(request(
        "POST",
        &format!("{plan}/tasks"),
        &tim,
        Some(json!({"title": "Psalm a day", "start": "2026-03-02T07:00", "rrule": "FREQ=DAILY;COUNT=5"})),
    ))
    .await;
    assert_eq!(task.status(), 201, "{}", String::from_utf8_lossy(task.body()));
    let task = body(&task)["id"].as_str().unwrap().to_owned();
    let done = call(request(
        "PUT",
        &format!("{plan}/tasks/{task}/occurrences/20260304T070000"),
        &tim,
        Some(json!({"status": "done"})),
    ))
    .await;
    assert_eq!(done.status(), 200);
    let calendar = call(request("GET", &format!("{plan}/calendar?from=2026-03-01&to=2026-03-08"), &mara, None)).await;
    assert_eq!(calendar.status(), 200);
    let statuses: Vec<String> = body(&calendar)["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(statuses, ["pending", "pending", "done", "pending", "pending"]);
    let queue = call(request("GET", &format!("{plan}/queue"), &tim, None)).await;
    assert_eq!(body(&queue)["items"][0]["url"], "https://example.org/psalms");

    let mara_plan = call(request("GET", &format!("/api/planner/{}/people/mara/goals", org.id), &tim, None)).await;
    assert_eq!(mara_plan.status(), 403);

    // A meeting: its private notes sealed with the deployment's ring and opened for Mara alone.
    let notes = json!({"start": "2026-03-02T18:00", "duration_minutes": 40, "shared_notes": "Psalm 1", "private_notes": "MARA ONLY"});
    let met = call(request("POST", &format!("{plan}/meetings"), &mara, Some(notes))).await;
    assert_eq!(met.status(), 201, "{}\n{}", String::from_utf8_lossy(met.body()), process.logs());
    let meeting = body(&met)["id"].as_str().unwrap().to_owned();
    let hers = call(request("GET", &format!("{plan}/meetings/{meeting}"), &mara, None)).await;
    assert_eq!(body(&hers)["private_notes"], "MARA ONLY");
    let his = call(request("GET", &format!("{plan}/meetings/{meeting}"), &tim, None)).await;
    assert_eq!(his.status(), 200);
    assert!(!String::from_utf8_lossy(his.body()).contains("MARA ONLY"));
    // Mara's dashboard: Tim's row with his accepted goal and, once it is past, the meeting.
    let board = call(request("GET", &format!("/api/planner/{}/dashboard", org.id), &mara, None)).await;
    assert_eq!(board.status(), 200, "{}", String::from_utf8_lossy(board.body()));
    let row = &body(&board)["mentees"][0];
    assert_eq!(row["person"]["person_id"], "tim");
    assert_eq!(row["goals"][0]["title"], "Pray the Psalms");

    // A comment on the goal: unread for Tim until he reads it.
    let thread = format!("{plan}/threads/goal-{goal}");
    let said =
        call(request("POST", &format!("{thread}/comments"), &mara, Some(json!({"body": "Psalm 1 first?"})))).await;
    assert_eq!(said.status(), 201, "{}", String::from_utf8_lossy(said.body()));
    let threads = call(request("GET", &format!("{plan}/threads"), &tim, None)).await;
    assert_eq!(body(&threads)["threads"][0]["unread"], 1);
    assert_eq!(call(request("POST", &format!("{thread}/read"), &tim, None)).await.status(), 204);
    let threads = call(request("GET", &format!("{plan}/threads"), &tim, None)).await;
    assert_eq!(body(&threads)["threads"][0]["unread"], 0);
}
