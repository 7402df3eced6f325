//! The Session Builder's HTTP contract through its router (as every host serves it): templates
//! and sessions under their versions (`ETag`, `If-Match`: 428 without, 412 when stale, nothing
//! lost), problems that name the field, a session made from a template, an outline saved whole
//! with a hub resource shown live or pinned and never shown to a reader the hub hides it from,
//! sharing with the audience, earlier outlines restored, the list by date with its cursor, and
//! exports whose text holds every block; another organisation's session is 404.

use emmaus_app::Platform;
use emmaus_domain::hub::Visibility;
use emmaus_domain::identity::Role;
use emmaus_hub::{Content, Described};
use emmaus_identity::{Actor, sessions, testing};
use emmaus_testkit::api::{ApiResponse, ApiTarget};
use serde_json::{Value, json};

struct Api {
    p: Platform,
    clock: std::sync::Arc<emmaus_memory::ManualClock>,
    target: ApiTarget,
    tokens: std::collections::BTreeMap<&'static str, String>,
    paul: Actor,
    group: String,
}

impl Api {
    async fn new() -> Self {
        let (p, clock): (Platform, _) = emmaus_hub::in_memory_platform();
        // Tuesday 3 March 2026, 12:00 UTC.
        clock.set(emmaus_domain::Timestamp::from_unix_millis(1_772_539_200_000));
        // An admin acts only in an organisation on record (its second-factor policy is read).
        let organisation = emmaus_domain::identity::Organisation {
            id: "org".into(),
            slug: emmaus_domain::identity::OrgSlug::parse("org").unwrap(),
            name: "Org".into(),
            created_at: emmaus_domain::Timestamp::from_unix_seconds(0),
            sessions: emmaus_domain::identity::SessionPolicy::default(),
            admins_need_second_factor: false,
        };
        emmaus_app::docs::create(p.kv.as_ref(), emmaus_identity::keys::org("org"), &organisation, None).await.unwrap();
        let admin = testing::member(&p, "org", "ada", "Ada", &[Role::Admin]).await;
        testing::member(&p, "org", "mara", "Mara", &[Role::Mentor]).await;
        let paul = testing::member(&p, "org", "paul", "Paul", &[Role::Pastor]).await;
        testing::member(&p, "org", "tim", "Tim", &[Role::Mentee]).await;
        testing::member(&p, "org", "sam", "Sam", &[Role::Mentee]).await;
        testing::member(&p, "other", "bea", "Bea", &[Role::Pastor]).await;
        emmaus_identity::mentorships::create(&p, &admin, "mara", "tim").await.unwrap();
        let group = emmaus_identity::groups::create(&p, &admin, "Tuesday group", "paul").await.unwrap();
        emmaus_identity::groups::add_member(&p, &admin, &group.id, "tim").await.unwrap();
        let mut tokens = std::collections::BTreeMap::new();
        for who in ["ada", "mara", "paul", "tim", "sam", "bea"] {
            tokens.insert(who, sessions::open(&p, who).await.unwrap().access_token);
        }
        let router =
            emmaus_http::finish(::sessions::routes(p.clone()), p.ids.clone(), emmaus_http::HttpSettings::default());
        Self { p, clock, target: ApiTarget::in_process(router), tokens, paul, group: group.id }
    }

    async fn send(
        &self,
        who: &str,
        method: &str,
        path: &str,
        if_match: Option<u64>,
        body: Option<Value>,
    ) -> ApiResponse {
        let uri = if path.starts_with("/api/") { path.to_owned() } else { format!("/api/sessions/org{path}") };
        let mut request = http::Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {}", self.tokens[who]));
        if let Some(version) = if_match {
            request = request.header("if-match", format!("\"{version}\""));
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

    /// A request with no session at all, as a browser that never signed in sends it.
    async fn anonymous(&self, path: &str) -> ApiResponse {
        self.target.send(http::Request::builder().uri(path).body(Vec::new()).unwrap()).await
    }

    async fn note(&self, author: &Actor, title: &str, body: &str, visibility: Visibility) -> String {
        let described = Described { title: title.into(), visibility: Some(visibility), ..Described::default() };
        emmaus_hub::resources::create(&self.p, author, described, Content::Note { body: body.into() })
            .await
            .unwrap()
            .resource
            .id
    }
}

fn problem(response: &ApiResponse) -> (u16, String, Value) {
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json"),
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let body = response.json();
    (response.status, body["type"].as_str().unwrap_or_default().to_owned(), body)
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().map_or_else(Vec::new, |errors| {
        errors.iter().map(|e| e["field"].as_str().unwrap_or_default().to_owned()).collect()
    })
}

fn text(response: &ApiResponse) -> String {
    String::from_utf8_lossy(&response.body).into_owned()
}

#[tokio::test]
async fn templates_are_the_organisations_or_ones_own_and_change_under_their_version() {
    let api = Api::new().await;
    let slots = json!([
        {"kind": "heading", "title": "Welcome", "minutes": 5},
        {"kind": "scripture", "minutes": 10},
        {"kind": "question", "title": "Discuss", "minutes": 20}
    ]);
    let made = api
        .send("paul", "POST", "/templates", None, Some(json!({"name": "Small group evening", "slots": slots})))
        .await;
    assert_eq!(made.status, 201, "{}", text(&made));
    assert_eq!(made.header("etag"), Some("\"1\""));
    let template = made.json();
    assert_eq!((template["total_minutes"].as_u64(), template["personal"].as_bool()), (Some(35), Some(false)));
    let id = template["id"].as_str().unwrap().to_owned();

    // A mentor uses the organisation's templates but does not keep them; keeps their own.
    let refused = api.send("mara", "POST", "/templates", None, Some(json!({"name": "Mine"}))).await;
    assert_eq!(problem(&refused).0, 403);
    let own = api.send("mara", "POST", "/templates", None, Some(json!({"name": "One to one", "personal": true}))).await;
    assert_eq!(own.status, 201, "{}", text(&own));
    let own_id = own.json()["id"].as_str().unwrap().to_owned();
    let listed = api.send("mara", "GET", "/templates", None, None).await.json();
    let names: Vec<&str> =
        listed["templates"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Small group evening", "One to one"]);
    // Nobody else sees a personal template, whatever their role; a mentee uses none.
    let paul_sees = api.send("paul", "GET", "/templates", None, None).await.json();
    assert_eq!(paul_sees["templates"].as_array().unwrap().len(), 1);
    assert_eq!(problem(&api.send("ada", "GET", &format!("/templates/{own_id}"), None, None).await).0, 404);
    assert_eq!(problem(&api.send("tim", "GET", "/templates", None, None).await).0, 403);

    // Changes name the version; without one 428, a stale one 412 and nothing is lost.
    let change = json!({"name": "Evening", "slots": [{"kind": "heading", "title": "", "minutes": 5}]});
    let bad = api.send("paul", "PATCH", &format!("/templates/{id}"), Some(1), Some(change)).await;
    let (status, _, body) = problem(&bad);
    assert_eq!((status, fields(&body)), (422, vec!["slots.0.title".to_owned()]));
    let none = api.send("paul", "PATCH", &format!("/templates/{id}"), None, Some(json!({"name": "Evening"}))).await;
    assert_eq!(problem(&none).0, 428);
    let renamed =
        api.send("paul", "PATCH", &format!("/templates/{id}"), Some(1), Some(json!({"name": "Evening"}))).await;
    assert_eq!((renamed.status, renamed.header("etag")), (200, Some("\"2\"")));
    let stale = api.send("ada", "PATCH", &format!("/templates/{id}"), Some(1), Some(json!({"name": "Lost"}))).await;
    assert_eq!(problem(&stale).0, 412);
    let kept = api.send("ada", "GET", &format!("/templates/{id}"), None, None).await.json();
    assert_eq!(kept["name"], "Evening");
    assert_eq!(problem(&api.send("bea", "GET", &format!("/api/sessions/org/templates/{id}"), None, None).await).0, 404);
    let gone = api.send("paul", "DELETE", &format!("/templates/{id}"), Some(2), None).await;
    assert_eq!(gone.status, 204);
    assert_eq!(problem(&api.send("paul", "GET", &format!("/templates/{id}"), None, None).await).0, 404);
}

#[tokio::test]
#[expect(clippy::too_many_lines, reason = "one session's story, read top to bottom")]
async fn a_session_from_a_template_is_composed_shared_and_exported_without_leaking_the_hub() {
    let api = Api::new().await;
    let template = api
        .send(
            "paul",
            "POST",
            "/templates",
            None,
            Some(json!({"name": "Evening", "slots": [
                {"kind": "heading", "title": "Opening", "minutes": 5},
                {"kind": "question", "minutes": 20}
            ]})),
        )
        .await
        .json();
    let group = api.group.clone();
    let new = json!({
        "title": "Luke 15 evening", "date": "2026-03-10", "time": "19:30",
        "audience": {"kind": "group", "group_id": group}, "template_id": template["id"]
    });
    let made = api.send("paul", "POST", "/sessions", None, Some(new)).await;
    assert_eq!(made.status, 201, "{}", text(&made));
    let session = made.json();
    let id = session["id"].as_str().unwrap().to_owned();
    assert_eq!(session["blocks"].as_array().unwrap().len(), 2);
    assert_eq!((session["planned_minutes"].as_u64(), session["total_minutes"].as_u64()), (Some(25), Some(25)));
    assert_eq!(
        (session["status"].as_str(), session["starts_at"].as_str()),
        (Some("draft"), Some("2026-03-10T19:30:00Z"))
    );
    // The question from the template is a place to fill: not ready until it is.
    let early = api.send("paul", "PATCH", &format!("/sessions/{id}"), Some(1), Some(json!({"status": "ready"}))).await;
    let (status, _, body) = problem(&early);
    assert_eq!((status, fields(&body)), (422, vec!["blocks.1.body".to_owned()]));

    // Hub notes: one the whole organisation sees, one private to Paul.
    let shared_note = api.note(&api.paul, "The lost son", "A father ran to his son.", Visibility::Organisation).await;
    let private_note = api.note(&api.paul, "PAUL-PRIVATE title", "PAUL-PRIVATE text", Visibility::Private).await;
    let blocks = json!([
        {"id": "open", "kind": "heading", "title": "Opening", "minutes": 5},
        {"id": "read", "kind": "scripture", "reference": "Luke 15:11-32", "body": "There was a man who had two sons.", "minutes": 10, "nested": true},
        {"id": "ask", "kind": "question", "body": "Which son are you?", "minutes": 20, "nested": true},
        {"id": "guide", "kind": "resource", "resource_id": shared_note, "show": "excerpt", "minutes": 5},
        {"id": "mine", "kind": "resource", "resource_id": private_note, "pin": true},
        {"id": "pray", "kind": "prayer", "body": "Pray for those far from home.", "minutes": 5}
    ]);
    let saved = api.send("paul", "PATCH", &format!("/sessions/{id}"), Some(1), Some(json!({"blocks": blocks}))).await;
    assert_eq!(saved.status, 200, "{}", text(&saved));
    let session = saved.json();
    assert_eq!((session["total_minutes"].as_u64(), session["over_plan"].as_bool()), (Some(45), Some(true)));
    assert_eq!(session["blocks"][3]["embed"]["card"]["excerpt"], "A father ran to his son.");
    assert_eq!(session["blocks"][4]["embed"]["pinned"], true);
    // The private note is flagged: the group could not see it.
    assert_eq!(session["hidden_from_audience"], json!(["mine"]));

    // A stale autosave writes nothing and says so.
    let stale = api.send("paul", "PATCH", &format!("/sessions/{id}"), Some(1), Some(json!({"title": "Lost"}))).await;
    assert_eq!(problem(&stale).0, 412);
    // A resource Mara cannot see may not be put in by her, even as a facilitator.
    let with_mara = api
        .send("paul", "PATCH", &format!("/sessions/{id}"), Some(2), Some(json!({"facilitators": ["paul", "mara"]})))
        .await;
    assert_eq!(with_mara.status, 200, "{}", text(&with_mara));
    let other_private = api.note(&api.paul, "Another private", "x", Visibility::Private).await;
    let sneaky = json!({"blocks": [{"id": "x", "kind": "resource", "resource_id": other_private}]});
    let refused = api.send("mara", "PATCH", &format!("/sessions/{id}"), Some(3), Some(sneaky)).await;
    let (status, _, body) = problem(&refused);
    assert_eq!((status, fields(&body)), (422, vec!["blocks.0.resource_id".to_owned()]));
    // Mara reads it: Paul's private note is unavailable to her, with nothing of it told.
    let as_mara = api.send("mara", "GET", &format!("/sessions/{id}"), None, None).await;
    assert_eq!(as_mara.status, 200);
    let seen_by_mara = as_mara.json();
    assert!(seen_by_mara["blocks"][4]["embed"]["card"].is_null());
    assert!(seen_by_mara["blocks"][4]["embed"]["resource_id"].is_null(), "not even its id");
    assert!(!text(&as_mara).contains("PAUL-PRIVATE") && !text(&as_mara).contains(&private_note));
    // Her outline saved back, with that block as she got it, keeps Paul's note in its place.
    let outline: Vec<Value> = seen_by_mara["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            json!({"id": b["id"], "kind": b["kind"], "title": b["title"], "body": b["body"], "reference": b["reference"],
                "minutes": b["minutes"], "nested": b["nested"], "resource_id": b["embed"]["resource_id"],
                "show": b["embed"]["show"], "pin": b["embed"]["pinned"].as_bool().unwrap_or(false)})
        })
        .collect();
    let kept = api.send("mara", "PATCH", &format!("/sessions/{id}"), Some(3), Some(json!({"blocks": outline}))).await;
    assert_eq!(kept.status, 200, "{}", text(&kept));
    let as_paul = api.send("paul", "GET", &format!("/sessions/{id}"), None, None).await.json();
    assert_eq!(as_paul["blocks"][4]["embed"]["card"]["title"], "PAUL-PRIVATE title");
    assert_eq!(as_paul["version"], 4);

    // Tim is in the group: nothing until it is shared, then the session without Paul's note.
    assert_eq!(problem(&api.send("tim", "GET", &format!("/sessions/{id}"), None, None).await).0, 404);
    let tim_list = api.send("tim", "GET", "/sessions", None, None).await.json();
    assert_eq!(tim_list["sessions"], json!([]));
    let shared = api.send("paul", "PATCH", &format!("/sessions/{id}"), Some(4), Some(json!({"shared": true}))).await;
    assert_eq!(shared.status, 200, "{}", text(&shared));
    let as_tim = api.send("tim", "GET", &format!("/sessions/{id}"), None, None).await;
    assert_eq!(as_tim.status, 200);
    let seen = as_tim.json();
    assert_eq!((seen["may_change"].as_bool(), seen["hidden_from_audience"].clone()), (Some(false), json!([])));
    assert!(!text(&as_tim).contains("PAUL-PRIVATE"), "{}", text(&as_tim));
    let tim_list = api.send("tim", "GET", "/sessions", None, None).await.json();
    assert_eq!(tim_list["sessions"][0]["id"], id.as_str());
    let tim_edit = api.send("tim", "PATCH", &format!("/sessions/{id}"), Some(5), Some(json!({"title": "Mine"}))).await;
    assert_eq!(problem(&tim_edit).0, 403);
    // Sam is in no group of it: as if it did not exist; another organisation's pastor likewise.
    assert_eq!(problem(&api.send("sam", "GET", &format!("/sessions/{id}"), None, None).await).0, 404);
    let bea = api.send("bea", "GET", &format!("/api/sessions/org/sessions/{id}"), None, None).await;
    assert_eq!(problem(&bea).0, 404);

    // Exports hold every block; Tim's hold nothing of what the hub hides from him.
    let md = api.send("paul", "GET", &format!("/sessions/{id}/export?format=markdown"), None, None).await;
    assert_eq!(md.status, 200, "{}", text(&md));
    assert_eq!(md.header("content-type"), Some("text/markdown; charset=utf-8"));
    assert_eq!(md.header("content-disposition"), Some("attachment; filename=\"Luke-15-evening.md\""));
    let md = text(&md);
    for expected in [
        "# Luke 15 evening",
        "## Opening · 5 min",
        "> There was a man who had two sons.",
        "Which son are you?",
        "The lost son",
        "PAUL-PRIVATE title",
        "Pray for those far from home.",
    ] {
        assert!(md.contains(expected), "{expected} missing from\n{md}");
    }
    let tims = api.send("tim", "GET", &format!("/sessions/{id}/export?format=html"), None, None).await;
    assert_eq!(tims.header("content-type"), Some("text/html; charset=utf-8"));
    let html = text(&tims);
    assert!(html.contains("Which son are you?") && html.contains("The group Tuesday group"), "{html}");
    assert!(!html.contains("PAUL-PRIVATE"), "{html}");
    let bad = api.send("paul", "GET", &format!("/sessions/{id}/export?format=odt"), None, None).await;
    assert_eq!(problem(&bad).0, 400);

    // Every outline change kept the one before; restoring one keeps the current in turn.
    let revisions = api.send("paul", "GET", &format!("/sessions/{id}/revisions"), None, None).await.json();
    let versions: Vec<u64> =
        revisions["revisions"].as_array().unwrap().iter().map(|r| r["version"].as_u64().unwrap()).collect();
    assert_eq!(versions, [1]);
    assert_eq!(problem(&api.send("tim", "GET", &format!("/sessions/{id}/revisions"), None, None).await).0, 403);
    let restored = api.send("paul", "POST", &format!("/sessions/{id}/revisions/1/restore"), Some(5), None).await;
    assert_eq!(restored.status, 200, "{}", text(&restored));
    assert_eq!(restored.json()["blocks"].as_array().unwrap().len(), 2);
    let revisions = api.send("paul", "GET", &format!("/sessions/{id}/revisions"), None, None).await.json();
    assert_eq!(revisions["revisions"][0]["version"], 5);
    assert_eq!(revisions["revisions"][0]["blocks"], 6);
    let missing = api.send("paul", "POST", &format!("/sessions/{id}/revisions/99/restore"), Some(6), None).await;
    assert_eq!(problem(&missing).0, 404);

    // Removing it names its version too; then it is gone, with its revisions.
    assert_eq!(problem(&api.send("paul", "DELETE", &format!("/sessions/{id}"), Some(5), None).await).0, 412);
    assert_eq!(api.send("paul", "DELETE", &format!("/sessions/{id}"), Some(6), None).await.status, 204);
    assert_eq!(problem(&api.send("paul", "GET", &format!("/sessions/{id}"), None, None).await).0, 404);
}

#[tokio::test]
async fn who_a_session_may_be_for_follows_how_one_walks_with_them() {
    let api = Api::new().await;
    let for_tim = |who: &str| json!({"title": "One to one", "date": "2026-03-12", "audience": {"kind": "person", "person_id": who}});
    // Mara mentors Tim, not Sam; a mentee prepares none.
    assert_eq!(api.send("mara", "POST", "/sessions", None, Some(for_tim("tim"))).await.status, 201);
    assert_eq!(problem(&api.send("mara", "POST", "/sessions", None, Some(for_tim("sam"))).await).0, 403);
    assert_eq!(problem(&api.send("tim", "POST", "/sessions", None, Some(for_tim("tim"))).await).0, 403);
    let group = json!({"title": "Group", "date": "2026-03-12", "audience": {"kind": "group", "group_id": api.group}});
    assert_eq!(problem(&api.send("mara", "POST", "/sessions", None, Some(group.clone())).await).0, 403);
    assert_eq!(api.send("paul", "POST", "/sessions", None, Some(group)).await.status, 201);
    // Bad input names its field; someone outside the organisation is nobody here.
    let cases = [
        (json!({"title": " ", "date": "2026-03-12", "audience": {"kind": "open"}}), "title"),
        (json!({"title": "T", "date": "12/03/2026", "audience": {"kind": "open"}}), "date"),
        (json!({"title": "T", "date": "2026-03-12", "time": "7pm", "audience": {"kind": "open"}}), "time"),
        (json!({"title": "T", "date": "2026-03-12", "audience": {"kind": "person"}}), "audience.person_id"),
        (json!({"title": "T", "date": "2026-03-12", "audience": {"kind": "person", "person_id": "bea"}}), "audience"),
        (
            json!({"title": "T", "date": "2026-03-12", "audience": {"kind": "open"}, "facilitators": ["tim"]}),
            "facilitators.0",
        ),
        (
            json!({"title": "T", "date": "2026-03-12", "audience": {"kind": "open"}, "template_id": "nope"}),
            "template_id",
        ),
    ];
    for (body, field) in cases {
        let (status, _, problem) = problem(&api.send("ada", "POST", "/sessions", None, Some(body.clone())).await);
        assert_eq!((status, fields(&problem)), (422, vec![field.to_owned()]), "{body}");
    }
    // An open session has nobody to share with.
    let open = api
        .send(
            "mara",
            "POST",
            "/sessions",
            None,
            Some(json!({"title": "Open", "date": "2026-03-12", "audience": {"kind": "open"}})),
        )
        .await
        .json();
    let path = format!("/sessions/{}", open["id"].as_str().unwrap());
    let (status, _, body) = problem(&api.send("mara", "PATCH", &path, Some(1), Some(json!({"shared": true}))).await);
    assert_eq!((status, fields(&body)), (422, vec!["shared".to_owned()]));
    // Notes wait until it is held.
    let (status, _, body) =
        problem(&api.send("mara", "PATCH", &path, Some(1), Some(json!({"notes": "Went well"}))).await);
    assert_eq!((status, fields(&body)), (422, vec!["notes".to_owned()]));
    let held = api.send("mara", "PATCH", &path, Some(1), Some(json!({"status": "held", "notes": "Went well"}))).await;
    assert_eq!((held.status, held.json()["notes"].as_str()), (200, Some("Went well")));
    // Paul neither facilitates it nor leads anyone it is for: not his to see.
    assert_eq!(problem(&api.send("paul", "GET", &path, None, None).await).0, 404);
}

#[tokio::test]
async fn the_list_runs_by_date_in_pages_and_shows_only_what_the_caller_may_read() {
    let api = Api::new().await;
    for day in 1..=7 {
        let body = json!({"title": format!("Day {day}"), "date": format!("2026-04-{day:02}"), "audience": {"kind": "person", "person_id": "tim"}});
        assert_eq!(api.send("mara", "POST", "/sessions", None, Some(body)).await.status, 201);
    }
    let body = json!({"title": "Paul's own", "date": "2026-04-03", "audience": {"kind": "open"}});
    assert_eq!(api.send("paul", "POST", "/sessions", None, Some(body)).await.status, 201);
    let first = api.send("mara", "GET", "/sessions?from=2026-04-02&to=2026-04-07&limit=3", None, None).await.json();
    let titles = |page: &Value| -> Vec<String> {
        page["sessions"].as_array().unwrap().iter().map(|s| s["title"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(titles(&first), ["Day 2", "Day 3", "Day 4"]);
    let cursor = first["next"].as_str().unwrap();
    let second = api
        .send("mara", "GET", &format!("/sessions?from=2026-04-02&to=2026-04-07&limit=3&cursor={cursor}"), None, None)
        .await
        .json();
    assert_eq!(titles(&second), ["Day 5", "Day 6"]);
    assert!(second["next"].is_null());
    // Paul leads Tim's group: he sees Tim's sessions, and his own.
    let paul = api.send("paul", "GET", "/sessions?from=2026-04-03&to=2026-04-04", None, None).await.json();
    assert_eq!(titles(&paul), ["Day 3", "Paul's own"]);
    let (status, _, body) =
        problem(&api.send("mara", "GET", "/sessions?from=2026-04-09&to=2026-04-02", None, None).await);
    assert_eq!((status, fields(&body)), (422, vec!["to".to_owned()]));
    assert_eq!(problem(&api.send("mara", "GET", "/sessions?cursor=%21%21", None, None).await).0, 422);
    let (status, _, body) = problem(&api.send("mara", "GET", "/sessions?limit=0", None, None).await);
    assert_eq!((status, fields(&body)), (422, vec!["limit".to_owned()]));
}

/// The token of a link's address (`…/follow#token=<token>`).
fn token_of(made: &Value) -> String {
    let url = made["url"].as_str().unwrap();
    url.split_once("/follow#token=").unwrap_or_else(|| panic!("{url}")).1.to_owned()
}

#[tokio::test]
#[expect(clippy::too_many_lines, reason = "one link's story, from made to revoked and expired, read top to bottom")]
async fn private_links_show_a_session_read_only_until_revoked_or_expired() {
    let mut api = Api::new().await;
    let made = api
        .send(
            "paul",
            "POST",
            "/sessions",
            None,
            Some(json!({"title": "Prodigal evening", "date": "2026-03-10", "time": "19:30",
                "audience": {"kind": "group", "group_id": api.group}})),
        )
        .await;
    assert_eq!(made.status, 201, "{}", text(&made));
    let id = made.json()["id"].as_str().unwrap().to_owned();
    let open_note = api.note(&api.paul, "The lost son", "A father ran to his son.", Visibility::Organisation).await;
    let private_note = api.note(&api.paul, "PAUL-PRIVATE title", "PAUL-PRIVATE text", Visibility::Private).await;
    let blocks = json!([
        {"id": "open", "kind": "heading", "title": "Opening", "minutes": 5},
        {"id": "ask", "kind": "question", "body": "Which son are **you**?", "minutes": 20},
        {"id": "guide", "kind": "resource", "resource_id": open_note, "show": "excerpt", "minutes": 5},
        {"id": "mine", "kind": "resource", "resource_id": private_note}
    ]);
    let saved = api
        .send("paul", "PATCH", &format!("/sessions/{id}"), Some(1), Some(json!({"blocks": blocks, "notes": ""})))
        .await;
    assert_eq!(saved.status, 200, "{}", text(&saved));
    let links = format!("/sessions/{id}/links");

    // Only those who may change the session make links: Tim reads nothing yet, Mara stands nowhere.
    for who in ["tim", "mara"] {
        assert_eq!(problem(&api.send(who, "POST", &links, None, Some(json!({}))).await).0, 404, "{who}");
    }
    for (body, field) in
        [(json!({"days": 0}), "days"), (json!({"days": 91}), "days"), (json!({"label": "x".repeat(101)}), "label")]
    {
        let refused = api.send("paul", "POST", &links, None, Some(body)).await;
        let (status, _, problem) = problem(&refused);
        assert_eq!((status, fields(&problem)), (422, vec![field.to_owned()]));
    }

    // A link anyone may follow for a week: the private note is named as what its readers miss.
    let anyone =
        api.send("paul", "POST", &links, None, Some(json!({"label": "Visitors", "days": 7, "sign_in": false}))).await;
    assert_eq!(anyone.status, 201, "{}", text(&anyone));
    let anyone = anyone.json();
    assert_eq!(anyone["hidden_from_readers"], json!(["mine"]));
    assert_eq!(
        (anyone["link"]["label"].as_str(), anyone["link"]["sign_in"].as_bool()),
        (Some("Visitors"), Some(false))
    );
    assert_eq!(anyone["link"]["expires_at"], "2026-03-10T12:00:00Z");
    let anyone_token = token_of(&anyone);
    let followed = api.anonymous(&format!("/api/session-links/{anyone_token}")).await;
    assert_eq!(followed.status, 200, "{}", text(&followed));
    assert_eq!(followed.header("cache-control"), Some("private, no-store"));
    let page = text(&followed);
    let seen = followed.json();
    assert_eq!((seen["title"].as_str(), seen["time"].as_str()), (Some("Prodigal evening"), Some("19:30")));
    assert_eq!(seen["blocks"].as_array().unwrap().len(), 4);
    assert_eq!(seen["blocks"][2]["embed"]["card"]["excerpt"], "A father ran to his son.");
    assert!(seen["blocks"][2]["embed"]["resource_id"].is_null(), "no hub ids leave through a link");
    assert!(seen["blocks"][3]["embed"]["card"].is_null());
    assert_eq!(seen["rendered"]["ask"], "<p>Which son are <strong>you</strong>?</p>\n");
    assert!(seen["presenting"].is_null());
    for secret in ["PAUL-PRIVATE", private_note.as_str(), open_note.as_str(), "facilitators", "\"notes\"", "paul"] {
        assert!(!page.contains(secret), "{secret} in {page}");
    }

    // Presenting: the facilitator's place is what followers see, for blocks of this session only.
    let present = format!("/sessions/{id}/presenting");
    let moved = api.send("paul", "PUT", &present, None, Some(json!({"block_id": "ask"}))).await;
    assert_eq!(moved.status, 200, "{}", text(&moved));
    assert_eq!(moved.json()["since"], "2026-03-03T12:00:00Z");
    let followed = api.anonymous(&format!("/api/session-links/{anyone_token}")).await.json();
    assert_eq!(followed["presenting"]["block_id"], "ask");
    let wrong = api.send("paul", "PUT", &present, None, Some(json!({"block_id": "nope"}))).await;
    let (status, _, body) = problem(&wrong);
    assert_eq!(
        (status, body["detail"].as_str()),
        (409, Some("that block is not in the session's outline now; reload it"))
    );
    assert_eq!(problem(&api.send("tim", "PUT", &present, None, Some(json!({"block_id": "ask"}))).await).0, 404);
    // The same block again keeps when it came up; stopping clears it for followers.
    api.clock.advance(std::time::Duration::from_mins(1));
    let again = api.send("paul", "PUT", &present, None, Some(json!({"block_id": "ask"}))).await.json();
    assert_eq!(again["since"], "2026-03-03T12:00:00Z");
    api.send("paul", "PUT", &present, None, Some(json!({"block_id": null}))).await;
    let followed = api.anonymous(&format!("/api/session-links/{anyone_token}")).await.json();
    assert!(followed["presenting"].is_null());

    // A link that asks for sign-in: nobody signed in is told to sign in; members of the
    // organisation follow it with the hub as they see it; another organisation's pastor hears 404.
    let members = api.send("paul", "POST", &links, None, Some(json!({"label": "Members"}))).await.json();
    assert_eq!((members["link"]["sign_in"].as_bool(), members["hidden_from_readers"].clone()), (Some(true), json!([])));
    assert_eq!(members["link"]["expires_at"], "2026-03-17T12:01:00Z", "14 days by default");
    let members_token = token_of(&members);
    let path = format!("/api/session-links/{members_token}");
    assert_eq!(problem(&api.anonymous(&path).await).0, 401);
    let as_sam = api.send("sam", "GET", &path, None, None).await;
    assert_eq!(as_sam.status, 200, "{}", text(&as_sam));
    assert!(as_sam.json()["blocks"][3]["embed"]["card"].is_null(), "Sam does not see Paul's private note");
    let as_paul = api.send("paul", "GET", &path, None, None).await.json();
    assert_eq!(as_paul["blocks"][3]["embed"]["card"]["title"], "PAUL-PRIVATE title");
    assert_eq!(problem(&api.send("bea", "GET", &path, None, None).await).0, 404);

    // The list: newest first, with no token or digest in it.
    let listed = api.send("paul", "GET", &links, None, None).await;
    let listed_text = text(&listed);
    let listed = listed.json();
    let labels: Vec<&str> = listed["links"].as_array().unwrap().iter().map(|l| l["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["Members", "Visitors"]);
    for secret in [&anyone_token, &members_token, &emmaus_app::secrets::digest(&anyone_token)] {
        assert!(!listed_text.contains(secret.as_str()));
    }
    assert_eq!(problem(&api.send("tim", "GET", &links, None, None).await).0, 404);

    // Revoked: the address stops at once, and revoking again finds nothing.
    let link_id = listed["links"][0]["id"].as_str().unwrap().to_owned();
    let revoked = api.send("paul", "DELETE", &format!("{links}/{link_id}"), None, None).await;
    assert_eq!(revoked.status, 204, "{}", text(&revoked));
    assert_eq!(problem(&api.send("sam", "GET", &path, None, None).await).0, 404);
    assert_eq!(problem(&api.send("paul", "DELETE", &format!("{links}/{link_id}"), None, None).await).0, 404);
    // Expired after its week, whether or not the store has removed it yet.
    api.clock.advance(std::time::Duration::from_hours(7 * 24));
    assert_eq!(problem(&api.anonymous(&format!("/api/session-links/{anyone_token}")).await).0, 404);
    // (Paul signs in again: a week outlives his access token.)
    api.tokens.insert("paul", sessions::open(&api.p, "paul").await.unwrap().access_token);
    assert_eq!(api.send("paul", "GET", &links, None, None).await.json()["links"], json!([]));
    // Tokens that were never made, of any shape, are all the same 404.
    for token in ["short", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
        assert_eq!(problem(&api.anonymous(&format!("/api/session-links/{token}")).await).0, 404);
    }

    // At most ten at once; a deleted session takes its links with it.
    for n in 0..10 {
        let made = api.send("paul", "POST", &links, None, Some(json!({"label": format!("n{n}")}))).await;
        assert_eq!(made.status, 201, "{}", text(&made));
    }
    // (A whole number written with a fraction's point is still whole: JSON Schema reads it so.)
    let eleventh = api.send("paul", "POST", &links, None, Some(json!({"days": 3.0}))).await;
    let (status, _, body) = problem(&eleventh);
    assert_eq!(
        (status, body["detail"].as_str()),
        (409, Some("a session has at most 10 links at once; revoke one first"))
    );
    let version = api.send("paul", "GET", &format!("/sessions/{id}"), None, None).await.json()["version"].as_u64();
    let deleted = api.send("paul", "DELETE", &format!("/sessions/{id}"), version, None).await;
    assert_eq!(deleted.status, 204, "{}", text(&deleted));
    let remaining =
        api.p.kv.query(&emmaus_ports::Query::new(format!("org#org#sess#{id}#link"), "", 100)).await.unwrap();
    assert!(remaining.items.is_empty(), "the links went with the session");
}

#[tokio::test]
async fn leaders_are_listed_by_name_for_those_who_prepare_sessions() {
    let api = Api::new().await;
    let listed = api.send("mara", "GET", "/leaders", None, None).await;
    assert_eq!(listed.status, 200, "{}", text(&listed));
    let names: Vec<String> = listed.json()["leaders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| format!("{} {}", l["display_name"].as_str().unwrap(), l["person_id"].as_str().unwrap()))
        .collect();
    // Admins, pastors and mentors, by name; mentees are not leaders, another organisation's are not here.
    assert_eq!(names, ["Ada ada", "Mara mara", "Paul paul"]);
    assert_eq!(problem(&api.send("tim", "GET", "/leaders", None, None).await).0, 403);
    assert_eq!(problem(&api.send("bea", "GET", "/leaders", None, None).await).0, 404);
}
