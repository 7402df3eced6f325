//! The hub on Spin: the hub component in the Wasm test host, with what `spin.toml` grants it and
//! Spin's `default` database shared with auth, adds a note, finds it by a word inside it through
//! the search index in that database, changes it under its version (a stale version is 412),
//! and moves it to the trash, each request in a fresh instance; and a zipped Obsidian vault is
//! imported by the ingest component's job, then kept in sync one file at a time, its wikilinks
//! resolved as the note is read.

mod seed;
mod support;

use emmaus_testkit::archives::zip_of;
use std::path::Path;

use emmaus_identity::setup::NewOrg;
use emmaus_testkit::api::set_cookies;
use emmaus_wasm_host::WasmHost;

const PASSWORD: &str = "a long spin passphrase";
const JOBS_TOKEN: &str = "a jobs token of at least thirty-two characters";
/// A PDF made by reportlab (`scripts/fixtures/make_documents.py`); its second page names a Quetzalcoatlus.
const PDF: &[u8] = include_bytes!("../../extract/tests/fixtures/two-pages.pdf");

fn start(component: &str, dir: &Path) -> WasmHost {
    support::start_granted(component, dir, JOBS_TOKEN)
}

/// Signs Ada in through the auth component: the session's cookies and its CSRF token.
async fn sign_in(client: &reqwest::Client, auth: &WasmHost) -> (String, String) {
    let signed_in = client
        .post(format!("{}/api/auth/sign-in", auth.url()))
        .json(&serde_json::json!({"email": "ada@spin.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let jar = set_cookies(signed_in.headers());
    let cookie = format!(
        "__Host-emmaus-access={}; __Host-emmaus-csrf={}",
        jar["__Host-emmaus-access"], jar["__Host-emmaus-csrf"]
    );
    (cookie, jar["__Host-emmaus-csrf"].clone())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_note_is_added_found_changed_and_trashed_on_spin() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let new = NewOrg {
        slug: "spin-org",
        name: "Spin",
        admin_email: "ada@spin.test",
        admin_name: "Ada",
        admin_password: PASSWORD,
    };
    let (_, org) = seed::organisation(dir.path(), &new).await;
    let auth = start("auth", dir.path());
    let hub = start("hub", dir.path());
    let client = reqwest::Client::new();
    let (cookie, csrf) = sign_in(&client, &auth).await;
    let api = |path: &str| format!("{}/api/hub/{org}{path}", hub.url());

    let made = client
        .post(api("/notes"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"title": "Road to Emmaus", "body": "Two disciples *walking* and talking.", "tags": ["#Gospel/Luke"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    assert_eq!(made.headers()["etag"], "\"1\"");
    let made: serde_json::Value = made.json().await.unwrap();
    let id = made["id"].as_str().unwrap().to_owned();
    assert_eq!(made["tags"], serde_json::json!(["gospel/luke"]));
    assert_eq!(made["note"]["html"], "<p>Two disciples <em>walking</em> and talking.</p>\n");

    let found: serde_json::Value = client
        .get(api("/resources?q=disci&tag=gospel"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["resource"]["id"], id.as_str());
    let hits: Vec<&str> = found["items"][0]["snippet"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["hit"] == true)
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert_eq!(hits, ["disciples"]);
    assert_eq!(found["facets"]["tags"][0], serde_json::json!({"value": "gospel", "count": 1}));

    let change = |version: &str| {
        client
            .patch(api(&format!("/resources/{id}")))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .header("if-match", version)
            .json(&serde_json::json!({"body": "Their hearts burned within them."}))
            .send()
    };
    let changed = change("\"1\"").await.unwrap();
    assert_eq!(changed.status(), 200);
    assert_eq!(changed.headers()["etag"], "\"2\"");
    let stale = change("\"1\"").await.unwrap();
    assert_eq!(stale.status(), 412);
    let problem: serde_json::Value = stale.json().await.unwrap();
    assert_eq!(problem["type"], "urn:emmaus:problem:stale");
    let found: serde_json::Value =
        client.get(api("/resources?q=burned")).header("cookie", &cookie).send().await.unwrap().json().await.unwrap();
    assert_eq!(found["total"], 1, "the search follows the change: {found}");

    let deleted = client
        .delete(api(&format!("/resources/{id}")))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .header("if-match", "\"2\"")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let found: serde_json::Value =
        client.get(api("/resources?q=burned")).header("cookie", &cookie).send().await.unwrap().json().await.unwrap();
    assert_eq!(found["total"], 0);
    let trash: serde_json::Value =
        client.get(api("/trash")).header("cookie", &cookie).send().await.unwrap().json().await.unwrap();
    assert_eq!(trash["items"][0]["resource"]["id"], id.as_str(), "{trash}");
}

/// Announces a file as the signed-in admin and sends its bytes to the upload route; answers the
/// file as the hub judged it.
async fn upload(
    client: &reqwest::Client,
    hub: &str,
    org: &str,
    (cookie, csrf): (&str, &str),
    (name, content_type): (&str, &str),
    bytes: Vec<u8>,
) -> serde_json::Value {
    let started = client
        .post(format!("{hub}/api/hub/{org}/uploads"))
        .header("cookie", cookie)
        .header("x-csrf-token", csrf)
        .json(&serde_json::json!({"name": name, "size": bytes.len(), "content_type": content_type}))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 201);
    let started: serde_json::Value = started.json().await.unwrap();
    assert_eq!(started["upload"]["method"], "PUT", "the store in Spin's database takes the bytes through the route");
    let sent = client
        .put(format!("{hub}{}", started["upload"]["url"].as_str().unwrap()))
        .header("cookie", cookie)
        .header("x-csrf-token", csrf)
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200, "{name}");
    sent.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_is_uploaded_kept_in_the_database_and_served_by_a_signed_link_on_spin() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let new = NewOrg {
        slug: "spin-files",
        name: "Spin files",
        admin_email: "ada@spin.test",
        admin_name: "Ada",
        admin_password: PASSWORD,
    };
    let (_, org) = seed::organisation(dir.path(), &new).await;
    let auth = start("auth", dir.path());
    let hub = start("hub", dir.path());
    let client = reqwest::Client::new();
    let (cookie, csrf) = sign_in(&client, &auth).await;
    let api = |path: &str| format!("{}/api/hub/{org}{path}", hub.url());

    // Text large enough to span several of the store's chunks, with a line to find at its end.
    let mut text = "In the beginning was the Word.\n".repeat(25_000);
    text.push_str("Maranatha\n");
    let file =
        upload(&client, hub.url(), &org, (&cookie, &csrf), ("john-1.txt", "text/plain"), text.clone().into_bytes())
            .await;
    assert_eq!(file["file"]["state"], "ready");
    let id = file["id"].as_str().unwrap();

    // Another instance signs the link, and a third serves it: every instance derives one key.
    let link: serde_json::Value = client
        .get(api(&format!("/resources/{id}/file")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = format!("{}{}", hub.url(), link["url"].as_str().unwrap());
    let whole = client.get(&url).send().await.unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(whole.headers()["x-content-type-options"], "nosniff");
    assert_eq!(whole.text().await.unwrap(), text);
    let tail = client.get(&url).header("range", "bytes=-10").send().await.unwrap();
    assert_eq!(tail.status(), 206);
    assert_eq!(tail.text().await.unwrap(), "Maranatha\n");
    let forged = client.get(url.replace("signature=", "signature=00")).send().await.unwrap();
    assert_eq!(forged.status(), 403);
    let storage: serde_json::Value =
        client.get(api("/storage")).header("cookie", &cookie).send().await.unwrap().json().await.unwrap();
    assert_eq!((storage["files"].as_u64(), storage["bytes"].as_u64()), (Some(1), Some(text.len() as u64)));

    // A PDF, read by the ingest component's job (pdf-extract inside Wasm), is found by a word inside it.
    upload(&client, hub.url(), &org, (&cookie, &csrf), ("fossils.pdf", "application/pdf"), PDF.to_vec()).await;
    let ingest = start("ingest", dir.path());
    let run = client.post(format!("{}/api/jobs/ingest", ingest.url())).bearer_auth(JOBS_TOKEN).send().await.unwrap();
    let run_text = run.text().await.unwrap();
    assert!(run_text.contains("2 read"), "the text file and the PDF: {run_text}");
    let found: serde_json::Value = client
        .get(api("/resources?q=quetzalcoatlus"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["resource"]["title"], "fossils.pdf");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_zipped_vault_is_imported_by_the_job_and_synced_file_by_file_on_spin() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let new = NewOrg {
        slug: "spin-vault",
        name: "Spin",
        admin_email: "ada@spin.test",
        admin_name: "Ada",
        admin_password: PASSWORD,
    };
    let (_, org) = seed::organisation(dir.path(), &new).await;
    let auth = start("auth", dir.path());
    let hub = start("hub", dir.path());
    let client = reqwest::Client::new();
    let (cookie, csrf) = sign_in(&client, &auth).await;
    let api = |path: &str| format!("{}/api/hub/{org}{path}", hub.url());
    let send =
        |request: reqwest::RequestBuilder| request.header("cookie", &cookie).header("x-csrf-token", &csrf).send();

    let archive = zip_of(&[
        ("Vault/Grace.md", b"---\ntags: [grace]\naliases: [Sola Gratia]\n---\nSee [[Faith#Hearing]] and [[Later]].\n"),
        ("Vault/Faith.md", b"## Hearing\n\nFaith comes by hearing.\n"),
        ("Vault/.obsidian/app.json", b"{}"),
    ]);
    let announced =
        send(client.post(api("/imports")).json(&serde_json::json!({"vault": "Teaching", "size": archive.len()})))
            .await
            .unwrap();
    assert_eq!(announced.status(), 201);
    let announced: serde_json::Value = announced.json().await.unwrap();
    assert_eq!(announced["upload"]["method"], "PUT", "Spin's store takes no form: {announced}");
    let id = announced["import"]["id"].as_str().unwrap().to_owned();
    let arrived =
        send(client.put(format!("{}{}", hub.url(), announced["upload"]["url"].as_str().unwrap())).body(archive))
            .await
            .unwrap();
    assert_eq!(arrived.status(), 202);
    let ingest = start("ingest", dir.path());
    let run = client.post(format!("{}/api/jobs/ingest", ingest.url())).bearer_auth(JOBS_TOKEN).send().await.unwrap();
    assert_eq!(run.status(), 200, "{}", run.text().await.unwrap());
    let job: serde_json::Value = client
        .get(api(&format!("/imports/{id}")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["summary"]["notes"], 2);
    assert_eq!(job["summary"]["skipped"], 1);
    assert_eq!(job["summary"]["links"]["unresolved"], 1);
    assert_eq!(job["summary"]["unresolved"][0]["target"], "Later");
    let vault = job["summary"]["vault_id"].as_str().unwrap().to_owned();

    // The sync API: a put of the missing note makes the link live; the same bytes again change nothing.
    let later = b"Written later, linking back to [[Sola Gratia]].".to_vec();
    let hash = emmaus_obsidian::content_hash(&later);
    let put =
        |bytes: Vec<u8>| send(client.put(api(&format!("/vaults/{vault}/files?path=Later.md&hash={hash}"))).body(bytes));
    let first: serde_json::Value = put(later.clone()).await.unwrap().json().await.unwrap();
    assert_eq!(first["outcome"], "created", "{first}");
    let again: serde_json::Value = put(later).await.unwrap().json().await.unwrap();
    assert_eq!(again["outcome"], "unchanged");
    let manifest: serde_json::Value = client
        .get(api(&format!("/vaults/{vault}/manifest")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths: Vec<&str> = manifest["items"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["Faith.md", "Grace.md", "Later.md"]);

    let found: serde_json::Value =
        client.get(api("/resources?q=hearing")).header("cookie", &cookie).send().await.unwrap().json().await.unwrap();
    let grace_id = manifest["items"][1]["resource_id"].as_str().unwrap();
    let faith_id = manifest["items"][0]["resource_id"].as_str().unwrap();
    let later_id = manifest["items"][2]["resource_id"].as_str().unwrap();
    assert_eq!(found["items"][0]["resource"]["id"], faith_id, "{found}");
    let grace: serde_json::Value = client
        .get(api(&format!("/resources/{grace_id}")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let html = grace["note"]["html"].as_str().unwrap();
    assert!(html.contains(&format!("href=\"/hub/{faith_id}#h-hearing\"")), "{html}");
    assert!(html.contains(&format!("href=\"/hub/{later_id}\">Later</a>")), "the link is live now: {html}");
    assert_eq!(grace["obsidian"]["aliases"], serde_json::json!(["Sola Gratia"]));
    let later: serde_json::Value = client
        .get(api(&format!("/resources/{later_id}")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(later["note"]["html"].as_str().unwrap().contains(&format!("href=\"/hub/{grace_id}\">Sola Gratia</a>")));
}
