//! `emmaus admin create`, `emmaus keys rotate` and `emmaus outbox` as a person runs them: bad input is refused in
//! one line with a non-zero exit and leaves nothing behind; good input works on the same folder.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_emmaus");

fn run(args: &[&str], data: &Path, stdin: &str) -> Output {
    let mut child = Command::new(BINARY)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("EMMAUS_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("emmaus runs");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("stdin written");
    child.wait_with_output().expect("emmaus finishes")
}

fn refused(output: &Output, reason: &str) {
    assert!(!output.status.success(), "expected a refusal");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(reason), "{stderr}");
}

fn create<'a>(email: &'a str, slug: &'a str) -> [&'a str; 7] {
    ["admin", "create", "--email", email, "--org", slug, "--password-stdin"]
}

#[test]
fn bad_input_is_refused_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    refused(&run(&create("not-an-email", "grace"), &data, "a long admin passphrase\n"), "--email");
    refused(&run(&create("ada@grace.test", "Grace Church"), &data, "a long admin passphrase\n"), "--org");
    refused(&run(&create("ada@grace.test", "grace"), &data, "short\n"), "at least 12 characters");
    refused(&run(&create("ada@grace.test", "grace"), &data, ""), "--password-stdin");

    // Nothing of the refused attempts remains: the slug and the email are still free.
    let made = run(&create("ada@grace.test", "grace"), &data, "a long admin passphrase\n");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    assert!(String::from_utf8_lossy(&made.stdout).contains("created organisation grace"));
    refused(&run(&create("bo@grace.test", "grace"), &data, "another long passphrase\n"), "taken");
}

#[test]
fn rotating_keeps_the_previous_key_for_tokens_already_issued() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let rotate = |data: &Path| run(&["keys", "rotate"], data, "");
    assert!(rotate(&data).status.success());
    let first = std::fs::read_to_string(data.join("keys/session-keys")).unwrap();
    assert!(rotate(&data).status.success());
    let second = std::fs::read_to_string(data.join("keys/session-keys")).unwrap();
    let ids = |ring: &str| ring.split(',').map(|e| e.split(':').next().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(ids(&second).len(), 2);
    assert_eq!(ids(&second)[1], ids(&first)[0], "the signing key before the rotation still verifies");
    assert_ne!(ids(&second)[0], ids(&first)[0]);
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `emmaus outbox parked` lists what the `apply-outbox` job parked; `requeue` puts it back once.
#[tokio::test]
async fn parked_outbox_tasks_are_listed_and_put_back() {
    use emmaus_app::outbox;
    use emmaus_ports::Clock as _;

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert_eq!(stdout(&run(&["outbox", "parked"], &data, "")), "no parked tasks\n");
    let id = {
        // What a module would do, then a run that finds no handler for the kind and parks it.
        let (memory, clock) = emmaus_app::Platform::in_memory("local");
        let kv = emmaus_sqlite::SqliteKv::open(&data.join("emmaus.db"), clock.clone()).unwrap();
        let p = emmaus_app::Platform::new(emmaus_app::PlatformParts { kv: std::sync::Arc::new(kv), ..memory.parts() });
        let task = outbox::enqueue(&p, "test.unhandled", serde_json::json!({"doc": 7})).unwrap();
        p.kv.batch(vec![task]).await.unwrap();
        assert_eq!(outbox::run(&p, clock.now()).await.unwrap().parked, 1);
        outbox::list(&p, outbox::Queue::Parked, None, 10).await.unwrap().0[0].id.clone()
    };
    let listed = stdout(&run(&["outbox", "parked"], &data, ""));
    assert!(listed.starts_with(&id), "{listed}");
    assert!(listed.contains("test.unhandled  1 attempts  no handler for the task kind test.unhandled"), "{listed}");
    let requeued = stdout(&run(&["outbox", "requeue", &id], &data, ""));
    assert!(requeued.starts_with(&format!("requeued task {id} (test.unhandled)")), "{requeued}");
    assert_eq!(stdout(&run(&["outbox", "parked"], &data, "")), "no parked tasks\n");
    refused(&run(&["outbox", "requeue", &id], &data, ""), "was not found");
}

/// `emmaus reindex` rebuilds a lost search index from the records, and refuses an unknown organisation.
#[tokio::test]
async fn reindex_rebuilds_an_organisations_index_from_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    stdout(&run(&create("ada@grace.test", "grace"), &data, "a long admin passphrase\n"));
    refused(&run(&["reindex", "--org", "nowhere"], &data, ""), "no organisation has the short name \"nowhere\"");
    let config = |data: &Path| {
        let mut layers = emmaus::config::Layers::default();
        layers.flag("data_dir", Some(data.display().to_string()));
        layers.resolve().unwrap()
    };
    let (org, ids) = {
        let (p, _) = emmaus::platform::open(&config(&data)).unwrap();
        let org = emmaus_identity::directory::org_by_slug(&p, "grace").await.unwrap().unwrap().value;
        let admin = emmaus_identity::directory::person_by_email(
            &p,
            &emmaus_domain::identity::Email::parse("ada@grace.test").unwrap(),
        )
        .await
        .unwrap()
        .unwrap()
        .value;
        let principal = emmaus_identity::Principal {
            person_id: admin.id,
            session_id: "s".into(),
            meta: emmaus_identity::RequestMeta::default(),
        };
        let actor = emmaus_identity::directory::actor_in(&p, &principal, &org.id).await.unwrap();
        let mut ids = Vec::new();
        for title in ["Mustard seed", "Lost sheep", "Sower"] {
            let described = emmaus_hub::Described { title: title.into(), ..emmaus_hub::Described::default() };
            let made = emmaus_hub::resources::create(
                &p,
                &actor,
                described,
                emmaus_hub::Content::Note { body: "parable".into() },
            );
            ids.push(made.await.unwrap().resource.id);
        }
        p.search.delete(&org.id, &ids).await.unwrap();
        (org.id, ids)
    };
    let done = stdout(&run(&["reindex", "--org", "grace"], &data, ""));
    assert_eq!(done, "reindexed grace: 3 resources indexed, 0 in the trash taken out of the index\n");
    let (p, _) = emmaus::platform::open(&config(&data)).unwrap();
    let query = emmaus_ports::SearchQuery::new("parable", vec!["org".into()]);
    let found = p.search.search(&org, &query).await.unwrap();
    let mut got: Vec<String> = found.hits.into_iter().map(|h| h.id).collect();
    let mut want = ids;
    got.sort();
    want.sort();
    assert_eq!(got, want);
}
