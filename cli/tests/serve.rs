//! `emmaus serve` as a person meets it: refusals at start, the web app, and signed downloads.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use base64::Engine as _;
use emmaus::config::Layers;
use emmaus::site::Site;
use emmaus_http::HttpSettings;
use emmaus_ports::{BlobKey, Presentation};
use emmaus_testkit::api::{ApiTarget, spawn_server};

const BIN: &str = env!("CARGO_BIN_EXE_emmaus");

/// Runs the binary to completion, returning its exit code and standard error.
fn run(args: &[&str], envs: &[(&str, &str)]) -> (i32, String) {
    let output = Command::new(BIN).args(args).envs(envs.iter().copied()).output().unwrap();
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_taken_port_is_refused_in_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let data = tempfile::tempdir().unwrap();
    let (code, stderr) = run(&["serve", "--listen", &address, "--data-dir", data.path().to_str().unwrap()], &[]);
    assert_eq!(code, 1);
    assert!(stderr.trim().starts_with(&format!("error: cannot listen on {address}")), "{stderr}");
    assert!(stderr.contains("already in use"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}

#[test]
fn an_unwritable_data_dir_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("not-a-folder");
    std::fs::write(&file, b"x").unwrap();
    let (code, stderr) = run(&["serve", "--listen", "127.0.0.1:0", "--data-dir", file.to_str().unwrap()], &[]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("error: cannot create the data folder"), "{stderr}");
}

#[test]
fn bad_settings_are_refused_naming_the_setting() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let (code, stderr) = run(&["serve", "--data-dir", dir], &[("EMMAUS_LISTEN", "everywhere")]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("error: invalid EMMAUS_LISTEN"), "{stderr}");

    let config = data.path().join("emmaus.toml");
    std::fs::write(&config, "listn = \"127.0.0.1:0\"\n").unwrap();
    let (code, stderr) = run(&["serve", "--config", config.to_str().unwrap()], &[]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("error: unknown setting `listn`"), "{stderr}");

    let (code, stderr) = run(&["serve", "--config", "/no/such/emmaus.toml"], &[]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("error: cannot read /no/such/emmaus.toml"), "{stderr}");
}

#[test]
fn help_lists_every_setting() {
    let output = Command::new(BIN).args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for (key, _) in emmaus::config::SETTINGS {
        assert!(help.contains(key), "--help mentions {key}:\n{help}");
    }
}

#[test]
fn the_committed_openapi_document_is_current() {
    let (code, stderr) = run(&["openapi", "--check"], &[]);
    assert_eq!(code, 0, "run scripts/gen-openapi to refresh it: {stderr}");
}

#[tokio::test]
async fn the_web_app_is_served_with_a_fallback_for_its_routes() {
    let data = tempfile::tempdir().unwrap();
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<!doctype html><title>Emmaus</title>").unwrap();
    std::fs::create_dir(site.path().join("assets")).unwrap();
    std::fs::write(site.path().join("assets/app-1a2b.js"), "console.log(1)").unwrap();
    let args = [
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        data.path().to_str().unwrap(),
        "--site-dir",
        site.path().to_str().unwrap(),
    ];
    let (base, process) = spawn_server(Path::new(BIN), &args, Duration::from_secs(30));
    let api = ApiTarget::remote(base).keeping(process);

    let index = api.get("/").await;
    assert_eq!((index.status, index.header("content-type")), (200, Some("text/html; charset=utf-8")));
    let deep = api.get("/people/42").await;
    assert_eq!(deep.body, index.body, "app routes fall back to index.html");
    let asset = api.get("/assets/app-1a2b.js").await;
    assert_eq!(asset.header("content-type"), Some("text/javascript"));
    assert_eq!(asset.header("cache-control"), Some("public, max-age=31536000, immutable"));
    let escape = api.get("/..%2F..%2Fetc%2Fpasswd").await;
    assert_eq!(escape.body, index.body, "no file outside the site folder is served");
    let api_miss = api.get("/api/nope").await;
    assert_eq!(api_miss.header("content-type"), Some("application/problem+json"));
}

#[tokio::test]
async fn signed_download_links_work_until_they_expire_or_are_altered() {
    let data = tempfile::tempdir().unwrap();
    let mut layers = Layers::default();
    layers.flag("data_dir", Some(data.path().display().to_string()));
    let (platform, signer) = emmaus::platform::open(&layers.resolve().unwrap()).unwrap();
    let key = BlobKey::parse("org/test/notes.txt").unwrap();
    platform.blobs.put(&key, b"grace and peace".to_vec(), "text/plain").await.unwrap();
    let url = platform.blobs.signed_url(&key, Duration::from_mins(1), &Presentation::AS_STORED).await.unwrap();
    let api =
        ApiTarget::in_process(emmaus::server::app(&platform, signer.clone(), HttpSettings::default(), Site::Embedded));

    let ok = api.get(&url).await;
    assert_eq!((ok.status, ok.body.as_slice()), (200, &b"grace and peace"[..]));
    assert_eq!(ok.header("content-type"), Some("text/plain"));
    assert_eq!(ok.header("x-content-type-options"), Some("nosniff"));
    assert!(ok.header("content-security-policy").is_some_and(|policy| policy.starts_with("sandbox")));
    assert_eq!(ok.header("accept-ranges"), Some("bytes"));
    assert_eq!(api.get(&url.replace("notes.txt", "other.txt")).await.status, 403);

    // A range, as a player seeking in a recording asks for it.
    let ranged = api.get_with(&url, &[("range", "bytes=6-8")]).await;
    assert_eq!((ranged.status, ranged.body.as_slice()), (206, &b"and"[..]));
    assert_eq!(ranged.header("content-range"), Some("bytes 6-8/15"));
    let tail = api.get_with(&url, &[("range", "bytes=-5")]).await;
    assert_eq!((tail.status, tail.body.as_slice()), (206, &b"peace"[..]));
    let past = api.get_with(&url, &[("range", "bytes=15-")]).await;
    assert_eq!((past.status, past.header("content-range")), (416, Some("bytes */15")));

    // The presentation travels signed: a download stays a download.
    let shown = Presentation {
        content_type: Some("text/html; charset=utf-8".into()),
        disposition: Some("attachment; filename=\"page.html\"".into()),
    };
    let download = platform.blobs.signed_url(&key, Duration::from_mins(1), &shown).await.unwrap();
    let attached = api.get(&download).await;
    assert_eq!(attached.header("content-disposition"), Some("attachment; filename=\"page.html\""));
    assert_eq!(attached.header("content-type"), Some("text/html; charset=utf-8"));
    let disposition = download.split("disposition=").nth(1).and_then(|rest| rest.split('&').next()).unwrap();
    let inline = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("inline");
    assert_eq!(api.get(&download.replace(disposition, &inline)).await.status, 403, "nobody turns it into a page");

    let expired = signer.sign(&key, platform.clock.now().unix_seconds() - 1, &Presentation::AS_STORED);
    assert_eq!(api.get(&expired).await.status, 410);
    platform.blobs.delete(&key).await.unwrap();
    assert_eq!(api.get(&url).await.status, 404);
}
