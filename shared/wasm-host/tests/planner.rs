//! The planner on Spin: the planner component in the Wasm test host, with what `spin.toml` grants
//! it and Spin's `default` database shared with auth. Ada, signed in through the auth component,
//! sets a goal, puts a link in her study queue and schedules a weekly task in her time zone
//! (Berlin), completes one occurrence and moves another, and reads her calendar across the change
//! to summer time; a stale change is 412, another person's plan 403, each request in a fresh
//! instance. As Tim's pastor she records a meeting whose private notes open for her alone, her
//! dashboard shows it, and she comments on a goal she proposes to him.

mod seed;
mod support;

use std::path::Path;

use emmaus_app::docs;
use emmaus_domain::identity::{Membership, Person, Role, RoleSet};
use emmaus_domain::preferences::TimeZoneName;
use emmaus_identity::setup::NewOrg;
use emmaus_testkit::api::set_cookies;
use emmaus_wasm_host::WasmHost;
use serde_json::json;

const PASSWORD: &str = "a long spin passphrase";

fn start(component: &str, dir: &Path) -> WasmHost {
    support::start_granted(component, dir, "unused by the planner")
}

#[tokio::test(flavor = "multi_thread")]
#[expect(clippy::too_many_lines, reason = "one plan's story on one pair of components, read top to bottom")]
async fn a_plan_is_kept_and_its_calendar_read_on_spin() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let new = NewOrg {
        slug: "spin-plan",
        name: "Spin",
        admin_email: "ada@spin.test",
        admin_name: "Ada",
        admin_password: PASSWORD,
    };
    let (p, org) = seed::organisation(dir.path(), &new).await;
    emmaus_identity::testing::member(&p, &org, "tim", "Tim", &[Role::Mentee]).await;
    emmaus_identity::testing::member(&p, &org, "sam", "Sam", &[Role::Mentee]).await;
    let ada_id = emmaus_identity::directory::person_by_email(
        &p,
        &emmaus_domain::identity::Email::parse("ada@spin.test").unwrap(),
    )
    .await
    .unwrap()
    .unwrap()
    .value
    .id;
    let mut ada: docs::Doc<Person> =
        docs::get(p.kv.as_ref(), emmaus_identity::keys::person(&ada_id)).await.unwrap().unwrap();
    ada.value.time_zone = Some(TimeZoneName::parse("Europe/Berlin").unwrap());
    docs::replace(p.kv.as_ref(), &ada, None).await.unwrap();
    // Ada is also a pastor, leading a group Tim is in: she may record meetings with him.
    let mut member: docs::Doc<Membership> =
        docs::get(p.kv.as_ref(), emmaus_identity::keys::member(&org, &ada_id)).await.unwrap().unwrap();
    member.value.roles = RoleSet::from_iter([Role::Admin, Role::Pastor]);
    docs::replace(p.kv.as_ref(), &member, None).await.unwrap();
    let principal = emmaus_identity::Principal {
        person_id: ada_id.clone(),
        session_id: "s".into(),
        meta: emmaus_identity::RequestMeta::default(),
    };
    let ada_actor = emmaus_identity::directory::actor_in(&p, &principal, &org).await.unwrap();
    let group = emmaus_identity::groups::create(&p, &ada_actor, "Spin group", &ada_id).await.unwrap();
    emmaus_identity::groups::add_member(&p, &ada_actor, &group.id, "tim").await.unwrap();

    let auth = start("auth", dir.path());
    let planner = start("planner", dir.path());
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
    let api = |path: &str| format!("{}/api/planner/{org}/people/{ada_id}{path}", planner.url());
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

    let goal = send(
        reqwest::Method::POST,
        api("/goals"),
        Some(json!({"title": "Read Luke", "target_date": "2026-06-01"})),
        None,
    )
    .await
    .unwrap();
    assert_eq!(goal.status(), 201);
    assert_eq!(goal.headers()["etag"], "\"1\"");
    let goal: serde_json::Value = goal.json().await.unwrap();
    assert_eq!(goal["status"], "active");
    let goal_id = goal["id"].as_str().unwrap().to_owned();
    let path = format!("/goals/{goal_id}");
    let achieved =
        send(reqwest::Method::PATCH, api(&path), Some(json!({"status": "achieved"})), Some("\"1\"")).await.unwrap();
    assert_eq!(achieved.status(), 200);
    let stale =
        send(reqwest::Method::PATCH, api(&path), Some(json!({"status": "dropped"})), Some("\"1\"")).await.unwrap();
    assert_eq!(stale.status(), 412);

    let item = send(
        reqwest::Method::POST,
        api("/queue"),
        Some(json!({"url": "https://example.org/luke", "goal_id": goal_id})),
        None,
    )
    .await
    .unwrap();
    assert_eq!(item.status(), 201);

    let task = send(
        reqwest::Method::POST,
        api("/tasks"),
        Some(json!({"title": "Luke study", "start": "2026-03-23T19:00", "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=4"})),
        None,
    )
    .await
    .unwrap();
    assert_eq!(task.status(), 201);
    let task: serde_json::Value = task.json().await.unwrap();
    assert_eq!(task["time_zone"], "Europe/Berlin");
    let task_id = task["id"].as_str().unwrap().to_owned();
    let done = send(
        reqwest::Method::PUT,
        api(&format!("/tasks/{task_id}/occurrences/20260323T190000")),
        Some(json!({"status": "done"})),
        None,
    )
    .await
    .unwrap();
    assert_eq!(done.status(), 200);
    let moved = send(
        reqwest::Method::PUT,
        api(&format!("/tasks/{task_id}/occurrences/20260406T190000")),
        Some(json!({"status": "pending", "start": "2026-04-08T07:30"})),
        None,
    )
    .await
    .unwrap();
    assert_eq!(moved.status(), 200);

    let calendar: serde_json::Value =
        send(reqwest::Method::GET, api("/calendar?from=2026-03-01&to=2026-05-01"), None, None)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let starts: Vec<(&str, &str, bool)> = calendar["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["start"].as_str().unwrap(), e["status"].as_str().unwrap(), e["moved"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        starts,
        [
            ("2026-03-23T19:00:00+01:00", "done", false),
            ("2026-03-30T19:00:00+02:00", "pending", false),
            ("2026-04-08T07:30:00+02:00", "pending", true),
            ("2026-04-13T19:00:00+02:00", "pending", false),
        ],
        "{calendar}"
    );
    assert_eq!(calendar["time_zone"], "Europe/Berlin");

    // Sam's plan is not Ada's to read: she runs the organisation but does not walk with him.
    let sams = client
        .get(format!("{}/api/planner/{org}/people/sam/goals", planner.url()))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(sams.status(), 403);

    // As Tim's pastor she records a meeting; its private notes are sealed with Spin's seal_keys
    // and open for her in another instance; her dashboard names it as Tim's last meeting.
    let tim_api = |path: &str| format!("{}/api/planner/{org}/people/tim{path}", planner.url());
    let notes = json!({"start": "2026-03-02T18:00", "duration_minutes": 40, "private_notes": "ADA ONLY"});
    let met = send(reqwest::Method::POST, tim_api("/meetings"), Some(notes), None).await.unwrap();
    assert_eq!(met.status(), 201);
    let met: serde_json::Value = met.json().await.unwrap();
    let meeting = met["id"].as_str().unwrap().to_owned();
    let read: serde_json::Value = send(reqwest::Method::GET, tim_api(&format!("/meetings/{meeting}")), None, None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["private_notes"], "ADA ONLY", "{read}");
    let board: serde_json::Value =
        send(reqwest::Method::GET, format!("{}/api/planner/{org}/dashboard", planner.url()), None, None)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(board["groups"][0]["people"][0]["last_meeting"]["id"], meeting.as_str(), "{board}");
    assert!(board["organisation"]["members"].as_u64().is_some_and(|n| n >= 2), "{board}");

    // She proposes a goal to Tim and comments on it; the conversation lists it.
    let proposed: serde_json::Value =
        send(reqwest::Method::POST, tim_api("/goals"), Some(json!({"title": "Serve"})), None)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let thread = format!("/threads/goal-{}", proposed["id"].as_str().unwrap());
    let said =
        send(reqwest::Method::POST, tim_api(&format!("{thread}/comments")), Some(json!({"body": "Sundays?"})), None)
            .await
            .unwrap();
    assert_eq!(said.status(), 201);
    let listed: serde_json::Value = send(reqwest::Method::GET, tim_api(&format!("{thread}/comments")), None, None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["comments"][0]["body"], "Sundays?", "{listed}");
}
