//! The planner's HTTP contract through its router (as every host serves it): versions as `ETag`
//! and `If-Match` (428 without, 412 when stale, and nothing lost), problems that name the field,
//! 404 for a person of another organisation, and a calendar whose times carry their offsets.

use emmaus_app::Platform;
use emmaus_domain::identity::Role;
use emmaus_identity::{sessions, testing};
use emmaus_testkit::api::{ApiResponse, ApiTarget};
use serde_json::json;

struct Api {
    target: ApiTarget,
    tokens: std::collections::BTreeMap<&'static str, String>,
}

impl Api {
    async fn new() -> Self {
        let (p, clock): (Platform, _) = emmaus_hub::in_memory_platform();
        // Tuesday 3 March 2026, 12:00 UTC.
        clock.set(emmaus_domain::Timestamp::from_unix_millis(1_772_539_200_000));
        let admin = testing::member(&p, "org", "ada", "Ada", &[Role::Admin]).await;
        testing::member(&p, "org", "mara", "Mara", &[Role::Mentor]).await;
        testing::member(&p, "org", "paul", "Paul", &[Role::Pastor]).await;
        testing::member(&p, "org", "tim", "Tim", &[Role::Mentee]).await;
        testing::member(&p, "other", "bea", "Bea", &[Role::Mentee]).await;
        emmaus_identity::mentorships::create(&p, &admin, "mara", "tim").await.unwrap();
        let mut tokens = std::collections::BTreeMap::new();
        for who in ["mara", "paul", "tim", "bea"] {
            tokens.insert(who, sessions::open(&p, who).await.unwrap().access_token);
        }
        let router =
            emmaus_http::finish(planner::routes(p.clone()), p.ids.clone(), emmaus_http::HttpSettings::default());
        Self { target: ApiTarget::in_process(router), tokens }
    }

    async fn send(
        &self,
        who: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> ApiResponse {
        // A path under a person's plan, or (from `/api/`) any path of the function.
        let uri = if path.starts_with("/api/") { path.to_owned() } else { format!("/api/planner/org/people{path}") };
        let mut request = http::Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {}", self.tokens[who]));
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
async fn a_goal_is_proposed_accepted_and_changed_under_its_version() {
    let api = Api::new().await;
    let made = api
        .send(
            "mara",
            "POST",
            "/tim/goals",
            &[],
            Some(json!({"title": "Memorise Psalm 23", "milestones": ["Verses 1-3"]})),
        )
        .await;
    assert_eq!(made.status, 201, "{}", String::from_utf8_lossy(&made.body));
    assert_eq!(made.header("etag"), Some("\"1\""));
    let goal = made.json();
    assert_eq!((goal["status"].as_str(), goal["proposed_by"].as_str()), (Some("proposed"), Some("mara")));
    let id = goal["id"].as_str().unwrap();

    let accepted = api.send("tim", "POST", &format!("/tim/goals/{id}/accept"), &[], None).await;
    assert_eq!((accepted.status, accepted.header("etag")), (200, Some("\"2\"")));
    assert_eq!(accepted.json()["status"], "active");

    let path = format!("/tim/goals/{id}");
    let change = json!({"title": "Memorise Psalm 23 and 121", "target_date": "2026-09-01"});
    assert_eq!(problem(&api.send("tim", "PATCH", &path, &[], Some(change.clone())).await).0, 428);
    let stale = api.send("tim", "PATCH", &path, &[("if-match", "\"1\"")], Some(change.clone())).await;
    assert_eq!(problem(&stale), (412, "urn:emmaus:problem:stale".to_owned()));
    let changed = api.send("tim", "PATCH", &path, &[("if-match", "\"2\"")], Some(change)).await;
    assert_eq!((changed.status, changed.header("etag")), (200, Some("\"3\"")));
    assert_eq!(changed.json()["target_date"], "2026-09-01");
    let cleared = api.send("tim", "PATCH", &path, &[("if-match", "\"3\"")], Some(json!({"target_date": ""}))).await;
    assert_eq!(cleared.json()["target_date"], serde_json::Value::Null);

    let bad =
        api.send("tim", "PATCH", &path, &[("if-match", "\"4\"")], Some(json!({"target_date": "next week"}))).await;
    let (status, kind) = problem(&bad);
    assert_eq!((status, kind.as_str()), (422, "urn:emmaus:problem:validation"));
    assert_eq!(bad.json()["errors"][0]["field"], "target_date");
    let read = api.send("mara", "GET", &path, &[], None).await;
    assert_eq!((read.status, read.header("etag")), (200, Some("\"4\"")), "the bad change wrote nothing");
}

#[tokio::test]
async fn people_outside_the_organisation_are_not_found_and_outsiders_are_forbidden() {
    let api = Api::new().await;
    for path in ["/bea/goals", "/nobody/queue", "/bea/calendar?from=2026-03-01&to=2026-03-08"] {
        let answer = api.send("mara", "GET", path, &[], None).await;
        assert_eq!(problem(&answer).0, 404, "{path}");
    }
    // Bea is not a member of the organisation in the path at all.
    assert_eq!(problem(&api.send("bea", "GET", "/tim/goals", &[], None).await).0, 404);
    // Paul is a pastor, but not of a group Tim is in.
    let refused = api.send("paul", "GET", "/tim/goals", &[], None).await;
    assert_eq!(problem(&refused).0, 403);
    assert!(!String::from_utf8_lossy(&refused.body).contains("Psalm"));
}

#[tokio::test]
async fn the_queue_keeps_its_order_and_a_task_shows_on_the_calendar_with_its_offset() {
    let api = Api::new().await;
    let mut ids = Vec::new();
    for page in ["one", "two", "three"] {
        let made = api
            .send(
                "mara",
                "POST",
                "/tim/queue",
                &[],
                Some(json!({"url": format!("https://example.org/{page}"), "note": page})),
            )
            .await;
        assert_eq!(made.status, 201, "{}", String::from_utf8_lossy(&made.body));
        ids.push(made.json()["id"].as_str().unwrap().to_owned());
    }
    let neither = api.send("mara", "POST", "/tim/queue", &[], Some(json!({"note": "?"}))).await;
    assert_eq!(problem(&neither).0, 422);
    let moved =
        api.send("tim", "POST", &format!("/tim/queue/{}/move", ids[2]), &[], Some(json!({"before": ids[0]}))).await;
    assert_eq!(moved.status, 200, "{}", String::from_utf8_lossy(&moved.body));
    let notes: Vec<String> =
        moved.json()["items"].as_array().unwrap().iter().map(|i| i["note"].as_str().unwrap().to_owned()).collect();
    assert_eq!(notes, ["three", "one", "two"]);
    assert_eq!(
        problem(&api.send("mara", "POST", &format!("/tim/queue/{}/move", ids[2]), &[], Some(json!({}))).await).0,
        403
    );

    let task = api
        .send(
            "tim",
            "POST",
            "/tim/tasks",
            &[],
            Some(json!({"title": "Read", "start": "2026-03-02T19:00", "duration_minutes": 45, "rrule": "FREQ=DAILY;COUNT=3", "queue_item_id": ids[0]})),
        )
        .await;
    assert_eq!(task.status, 201, "{}", String::from_utf8_lossy(&task.body));
    assert_eq!(task.json()["time_zone"], "UTC");
    let id = task.json()["id"].as_str().unwrap().to_owned();
    let done = api
        .send(
            "tim",
            "PUT",
            &format!("/tim/tasks/{id}/occurrences/20260303T190000"),
            &[],
            Some(json!({"status": "done"})),
        )
        .await;
    assert_eq!((done.status, done.json()["status"].as_str()), (200, Some("done")));
    let calendar = api.send("mara", "GET", "/tim/calendar?from=2026-03-01&to=2026-03-08", &[], None).await;
    assert_eq!(calendar.status, 200, "{}", String::from_utf8_lossy(&calendar.body));
    let entries = calendar.json()["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["start"], "2026-03-02T19:00:00+00:00");
    assert_eq!(entries[0]["end"], "2026-03-02T19:45:00+00:00");
    assert_eq!((entries[1]["status"].as_str(), entries[2]["status"].as_str()), (Some("done"), Some("pending")));
    assert_eq!(entries[0]["queue_item_id"].as_str(), Some(ids[0].as_str()));
    let bad = api.send("tim", "GET", "/tim/calendar?from=2026-03-08&to=2026-03-01", &[], None).await;
    assert_eq!(problem(&bad).0, 422);
    let missing = api.send("tim", "GET", "/tim/calendar?from=2026-03-01", &[], None).await;
    assert_eq!(problem(&missing).0, 400);
    let no_task = api.send("tim", "DELETE", "/tim/tasks/nothing", &[("if-match", "\"1\"")], None).await;
    assert_eq!(problem(&no_task).0, 404);
    let gone = api.send("tim", "DELETE", &format!("/tim/tasks/{id}"), &[("if-match", "\"1\"")], None).await;
    assert_eq!(gone.status, 204);
}

#[tokio::test]
async fn each_caller_is_offered_the_plans_they_may_open_and_no_other() {
    let api = Api::new().await;
    let names = |who: &'static str| {
        let api = &api;
        async move {
            let mut request = http::Request::builder()
                .uri("/api/planner/org/people")
                .header("authorization", format!("Bearer {}", api.tokens[who]));
            request = request.method("GET");
            let answer = api.target.send(request.body(Vec::new()).unwrap()).await;
            assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
            answer.json()["people"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| format!("{} {}", p["display_name"].as_str().unwrap(), p["relation"].as_str().unwrap()))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(names("mara").await, ["Mara own", "Tim mentee"]);
    assert_eq!(names("tim").await, ["Tim own"]);
    // A pastor who leads no group sees their own plan alone.
    assert_eq!(names("paul").await, ["Paul own"]);
}

#[tokio::test]
async fn a_feed_address_opens_the_calendar_without_a_session_until_it_is_revoked() {
    let api = Api::new().await;
    let task = json!({"title": "Read", "start": "2026-03-02T19:00", "rrule": "FREQ=WEEKLY;COUNT=2"});
    assert_eq!(api.send("tim", "POST", "/tim/tasks", &[], Some(task)).await.status, 201);
    assert_eq!(api.send("tim", "GET", "/tim/feed", &[], None).await.json()["active"], false);
    let made = api.send("tim", "POST", "/tim/feed", &[], None).await;
    assert_eq!(made.status, 201, "{}", String::from_utf8_lossy(&made.body));
    let url = made.json()["url"].as_str().unwrap().to_owned();
    let path = url.split_once("/api/").map(|(_, rest)| format!("/api/{rest}")).unwrap();
    assert!(path.starts_with("/api/planner-feeds/"), "{url}");
    // Mara walks with Tim but does not hold his feed's address.
    assert_eq!(problem(&api.send("mara", "POST", "/tim/feed", &[], None).await).0, 403);
    let read = |path: String| {
        let target = &api.target;
        async move { target.send(http::Request::get(path).body(Vec::new()).unwrap()).await }
    };
    let calendar = read(path.clone()).await;
    assert_eq!(calendar.status, 200);
    assert_eq!(calendar.header("content-type"), Some("text/calendar; charset=utf-8"));
    assert_eq!(calendar.header("cache-control"), Some("private, max-age=300"));
    let text = String::from_utf8(calendar.body.clone()).unwrap();
    assert!(text.contains("SUMMARY:Read\r\n") && text.contains("RRULE:FREQ=WEEKLY;COUNT=2\r\n"), "{text}");
    assert_eq!(api.send("tim", "DELETE", "/tim/feed", &[], None).await.status, 204);
    assert_eq!(problem(&read(path).await).0, 404);
    assert_eq!(problem(&read("/api/planner-feeds/not-a-token".into()).await).0, 404);
}

#[tokio::test]
async fn the_calendar_across_plans_names_whose_each_occurrence_is() {
    let api = Api::new().await;
    let task = json!({"title": "Read", "start": "2026-03-02T19:00"});
    assert_eq!(api.send("tim", "POST", "/tim/tasks", &[], Some(task)).await.status, 201);
    let across = |who: &'static str, query: &'static str| {
        let api = &api;
        async move {
            let request = http::Request::get(format!("/api/planner/org/calendar{query}"))
                .header("authorization", format!("Bearer {}", api.tokens[who]));
            api.target.send(request.body(Vec::new()).unwrap()).await
        }
    };
    let mara = across("mara", "?from=2026-03-01&to=2026-03-08").await;
    assert_eq!(mara.status, 200, "{}", String::from_utf8_lossy(&mara.body));
    let entries = mara.json()["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 1);
    assert_eq!((entries[0]["person_id"].as_str(), entries[0]["person_name"].as_str()), (Some("tim"), Some("Tim")));
    assert_eq!(entries[0]["start"], "2026-03-02T19:00:00+00:00");
    assert_eq!(across("paul", "?from=2026-03-01&to=2026-03-08").await.json()["entries"], json!([]));
    assert_eq!(problem(&across("mara", "?from=2026-03-01&to=2026-06-01").await).0, 422);
}

#[tokio::test]
async fn a_meetings_private_notes_reach_its_recorder_alone_and_its_steps_become_tasks() {
    let api = Api::new().await;
    let body = json!({
        "start": "2026-03-02T09:00",
        "duration_minutes": 50,
        "shared_notes": "We read <script>alert(1)</script> **Romans 8**.",
        "private_notes": "PRIVATEMARK: ask about his job",
        "next_steps": ["Read Romans 9"],
    });
    assert_eq!(problem(&api.send("tim", "POST", "/tim/meetings", &[], Some(body.clone())).await).0, 403);
    assert_eq!(problem(&api.send("mara", "POST", "/bea/meetings", &[], Some(body.clone())).await).0, 404);
    let made = api.send("mara", "POST", "/tim/meetings", &[], Some(body)).await;
    assert_eq!((made.status, made.header("etag")), (201, Some("\"1\"")), "{}", String::from_utf8_lossy(&made.body));
    let meeting = made.json();
    assert_eq!(meeting["private_notes"], "PRIVATEMARK: ask about his job");
    assert_eq!(meeting["mine"], true);
    let html = meeting["shared_notes_html"].as_str().unwrap();
    assert!(html.contains("<strong>Romans 8</strong>") && !html.contains("<script>"), "{html}");
    let id = meeting["id"].as_str().unwrap().to_owned();
    let step = meeting["next_steps"][0]["id"].as_str().unwrap().to_owned();

    // The person reads the meeting, in a list and alone, and nothing of the private notes.
    for path in ["/tim/meetings".to_owned(), format!("/tim/meetings/{id}")] {
        let read = api.send("tim", "GET", &path, &[], None).await;
        assert_eq!(read.status, 200);
        let text = String::from_utf8_lossy(&read.body);
        assert!(
            text.contains("Romans 8") && !text.contains("PRIVATEMARK") && !text.contains("private_notes"),
            "{text}"
        );
    }
    let foreign = api.send("bea", "GET", &format!("/tim/meetings/{id}"), &[], None).await;
    assert_eq!(problem(&foreign).0, 404);
    assert!(!String::from_utf8_lossy(&foreign.body).contains("PRIVATEMARK"));

    // Changes: only the recorder, under the version read.
    let path = format!("/tim/meetings/{id}");
    let change = json!({"private_notes": "PRIVATEMARK: changed"});
    assert_eq!(problem(&api.send("tim", "PATCH", &path, &[("if-match", "\"1\"")], Some(change.clone())).await).0, 403);
    assert_eq!(problem(&api.send("mara", "PATCH", &path, &[], Some(change.clone())).await).0, 428);
    assert_eq!(problem(&api.send("mara", "PATCH", &path, &[("if-match", "\"7\"")], Some(change.clone())).await).0, 412);
    let bad = api.send("mara", "PATCH", &path, &[("if-match", "\"1\"")], Some(json!({"duration_minutes": 0}))).await;
    assert_eq!(problem(&bad).0, 422);
    assert_eq!(bad.json()["errors"][0]["field"], "duration_minutes");

    // The person makes the step a task; once.
    let step_path = format!("/tim/meetings/{id}/steps/{step}/task");
    let task = api.send("tim", "POST", &step_path, &[], Some(json!({"due": "2026-03-06"}))).await;
    assert_eq!(task.status, 201, "{}", String::from_utf8_lossy(&task.body));
    let made = task.json();
    assert_eq!(made["task"]["title"], "Read Romans 9");
    assert_eq!(made["meeting"]["next_steps"][0]["task_id"], made["task"]["id"]);
    assert!(made["meeting"].get("private_notes").is_none());
    assert_eq!(problem(&api.send("tim", "POST", &step_path, &[], Some(json!({"due": "2026-03-06"}))).await).0, 409);

    // The mentor's dashboard names the meeting as Tim's last; Tim's own lists the task this week.
    let board = api.send("mara", "GET", "/api/planner/org/dashboard", &[], None).await;
    assert_eq!(board.status, 200);
    let board = board.json();
    assert_eq!(board["mentees"][0]["person"]["person_id"], "tim");
    assert_eq!(board["mentees"][0]["last_meeting"]["id"], id.as_str());
    assert!(!board.to_string().contains("PRIVATEMARK"));
    let own = api.send("tim", "GET", "/api/planner/org/dashboard", &[], None).await.json();
    assert_eq!(own["mentees"], json!([]));
    assert_eq!(own["organisation"], serde_json::Value::Null);
    assert_eq!(problem(&api.send("bea", "GET", "/api/planner/org/dashboard", &[], None).await).0, 404);

    let deleted = api.send("mara", "DELETE", &path, &[("if-match", "\"2\"")], None).await;
    assert_eq!(deleted.status, 204, "{}", String::from_utf8_lossy(&deleted.body));
    assert_eq!(problem(&api.send("tim", "GET", &path, &[], None).await).0, 404);
}

#[tokio::test]
async fn a_conversation_renders_safely_counts_unread_for_each_side_and_is_changed_by_its_author() {
    let api = Api::new().await;
    let goal = api.send("tim", "POST", "/tim/goals", &[], Some(json!({"title": "Pray daily"}))).await.json();
    let thread = format!("goal-{}", goal["id"].as_str().unwrap());
    let path = format!("/tim/threads/{thread}/comments");
    let made = api
        .send("mara", "POST", &path, &[], Some(json!({"body": "Try **mornings** <img src=x onerror=alert(1)>"})))
        .await;
    assert_eq!((made.status, made.header("etag")), (201, Some("\"1\"")), "{}", String::from_utf8_lossy(&made.body));
    let comment = made.json();
    let html = comment["body_html"].as_str().unwrap();
    assert!(html.contains("<strong>mornings</strong>") && !html.contains("<img"), "{html}");
    assert_eq!((comment["mine"].as_bool(), comment["author_name"].as_str()), (Some(true), Some("Mara")));
    let id = comment["id"].as_str().unwrap().to_owned();

    let threads = api.send("tim", "GET", "/tim/threads", &[], None).await.json();
    assert_eq!(threads["threads"][0]["thread"], thread.as_str());
    assert_eq!((threads["threads"][0]["count"].as_u64(), threads["threads"][0]["unread"].as_u64()), (Some(1), Some(1)));
    assert_eq!(api.send("tim", "POST", &format!("/tim/threads/{thread}/read"), &[], None).await.status, 204);
    let threads = api.send("tim", "GET", "/tim/threads", &[], None).await.json();
    assert_eq!(threads["threads"][0]["unread"], 0);
    let listed = api.send("tim", "GET", &path, &[], None).await.json();
    assert_eq!(listed["comments"][0]["mine"], false);

    // Only its author changes it, under its version; a blank body names its field.
    let one = format!("{path}/{id}");
    let change = json!({"body": "Try mornings first"});
    assert_eq!(problem(&api.send("tim", "PATCH", &one, &[("if-match", "\"1\"")], Some(change.clone())).await).0, 403);
    assert_eq!(problem(&api.send("mara", "PATCH", &one, &[], Some(change.clone())).await).0, 428);
    let blank = api.send("mara", "PATCH", &one, &[("if-match", "\"1\"")], Some(json!({"body": "  "}))).await;
    assert_eq!(problem(&blank).0, 422);
    assert_eq!(blank.json()["errors"][0]["field"], "body");
    let changed = api.send("mara", "PATCH", &one, &[("if-match", "\"1\"")], Some(change)).await;
    assert_eq!((changed.status, changed.header("etag")), (200, Some("\"2\"")));
    assert!(changed.json()["edited_at"].is_string());
    // Threads that name nothing, or nothing of this plan, are not found; Bea finds no one.
    for bad in ["/tim/threads/note-x/comments", "/tim/threads/goal-nothing/comments"] {
        assert_eq!(problem(&api.send("tim", "GET", bad, &[], None).await).0, 404, "{bad}");
    }
    assert_eq!(problem(&api.send("bea", "GET", &path, &[], None).await).0, 404);
    assert_eq!(problem(&api.send("paul", "POST", &path, &[], Some(json!({"body": "hi"}))).await).0, 403);

    // The mentor's dashboard counts Tim's reply as unread, until she reads it.
    api.send("tim", "POST", &path, &[], Some(json!({"body": "Mornings work."}))).await;
    let board = api.send("mara", "GET", "/api/planner/org/dashboard", &[], None).await.json();
    assert_eq!(board["mentees"][0]["unread_comments"], 1);
    assert_eq!(api.send("mara", "DELETE", &one, &[], None).await.status, 204);
    let left = api.send("tim", "GET", &path, &[], None).await.json();
    assert_eq!(left["comments"].as_array().map(Vec::len), Some(1));
}
