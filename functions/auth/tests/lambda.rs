//! Sessions on Lambda: the auth binary under the emulated Runtime API, on DynamoDB (moto) when the
//! test script provides it. The first-run page is completed with the setup code the function
//! prints in its log; then sign-in, use, sign-out: the signed-out access token is refused on the
//! very next invocation.

use std::path::Path;
use std::time::Duration;

use emmaus_identity::tokens::KeyRing;
use emmaus_lambda_emulator::LambdaProcess;
use emmaus_testkit::api::set_cookies;
use emmaus_testkit::aws::aws_endpoint;

const BINARY: &str = env!("CARGO_BIN_EXE_auth");
const TIMEOUT: Duration = Duration::from_secs(10);
const PASSWORD: &str = "a long lambda passphrase";

/// The settings of one test's function, with a table of its own (tests run in parallel, and each
/// completes the first-run setup).
async fn environment(test: &str) -> Vec<(String, String)> {
    let mut envs = vec![
        ("EMMAUS_LOG".to_owned(), "warn".to_owned()),
        ("EMMAUS_SESSION_KEYS".to_owned(), KeyRing::new_entry("lambda", &[5; 32])),
        (emmaus_identity::audit::KEYS_SETTING.to_owned(), emmaus_identity::audit::new_key_entry("lambda", &[6; 32])),
        (emmaus_app::sealing::KEYS_SETTING.to_owned(), emmaus_app::sealing::new_key_entry("lambda", &[7; 32])),
        ("EMMAUS_PUBLIC_URL".to_owned(), "https://emmaus.test".to_owned()),
        // The auth function keeps no files.
        ("EMMAUS_BLOBS".to_owned(), "memory".to_owned()),
    ];
    match aws_endpoint() {
        Some(endpoint) => {
            let table = format!("emmaus-auth-{test}-{}", std::process::id());
            emmaus_dynamodb::testing::table_at(&endpoint, &table, std::sync::Arc::new(emmaus_ports::SystemClock)).await;
            envs.extend(emmaus_dynamodb::testing::lambda_settings(&endpoint, &table));
        }
        None => envs.push(("EMMAUS_KV".to_owned(), "memory".to_owned())),
    }
    envs
}

async fn call(process: &LambdaProcess, request: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    process.invoke_http(request, TIMEOUT).await.unwrap_or_else(|e| panic!("invocation failed: {e}\n{}", process.logs()))
}

fn json(method: &str, path: &str, body: &serde_json::Value) -> http::Request<Vec<u8>> {
    http::Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap())
        .unwrap()
}

/// Completes the first-run page with the setup code from the function's log.
async fn set_up(process: &LambdaProcess) {
    let status = call(process, http::Request::get("/api/auth/setup").body(Vec::new()).unwrap()).await;
    assert_eq!(status.status(), 200);
    // The function's log reaches us through a pipe a moment after its answer does, so wait for it.
    let find = |logs: &str| {
        logs.split("setup_code")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).find(|s| s.len() == 19))
            .map(str::to_owned)
    };
    let deadline = std::time::Instant::now() + TIMEOUT;
    let code = loop {
        let logs = process.logs();
        match find(&logs) {
            Some(code) => break code,
            None if std::time::Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(20)).await,
            None => panic!("no setup code in the log:\n{logs}"),
        }
    };
    let first_run = serde_json::json!({
        "code": code, "org_slug": "lambda-org", "org_name": "Lambda", "email": "ada@lambda.test",
        "display_name": "Ada", "password": PASSWORD,
    });
    let set_up = call(process, json("POST", "/api/auth/setup", &first_run)).await;
    assert_eq!(set_up.status(), 200, "{}", String::from_utf8_lossy(set_up.body()));
}

fn body(response: &http::Response<Vec<u8>>) -> serde_json::Value {
    serde_json::from_slice(response.body())
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(response.body())))
}

fn bearer(method: &str, path: &str, token: &str, json_body: &serde_json::Value) -> http::Request<Vec<u8>> {
    let mut request = json(method, path, json_body);
    request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    request
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_sign_in_and_sign_out_on_lambda() {
    let envs = environment("sign-out").await;
    let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let process = LambdaProcess::start(Path::new(BINARY), &envs);
    set_up(&process).await;

    let signed_in = call(
        &process,
        json("POST", "/api/auth/sign-in", &serde_json::json!({"email": "ada@lambda.test", "password": PASSWORD})),
    )
    .await;
    assert_eq!(signed_in.status(), 200);
    let (access, csrf) = {
        let jar = set_cookies(signed_in.headers());
        (jar["__Host-emmaus-access"].clone(), jar["__Host-emmaus-csrf"].clone())
    };
    let cookies = format!("__Host-emmaus-access={access}; __Host-emmaus-csrf={csrf}");
    let session = || http::Request::get("/api/auth/session").header("cookie", &cookies).body(Vec::new()).unwrap();
    assert_eq!(call(&process, session()).await.status(), 200);

    let sign_out = http::Request::post("/api/auth/sign-out")
        .header("cookie", &cookies)
        .header("x-csrf-token", &csrf)
        .body(Vec::new())
        .unwrap();
    assert_eq!(call(&process, sign_out).await.status(), 204);
    assert_eq!(call(&process, session()).await.status(), 401, "signed out on the next invocation");
}

/// The second factor on Lambda, sealed in DynamoDB: set up with the app's code, then a sign-in
/// answers 202 with a challenge, the code already spent is refused, a recovery code completes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_factor_on_lambda() {
    let envs = environment("second-factor").await;
    let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let process = LambdaProcess::start(Path::new(BINARY), &envs);
    set_up(&process).await;
    let credentials = serde_json::json!({"email": "ada@lambda.test", "password": PASSWORD});
    let signed_in = call(&process, json("POST", "/api/auth/sign-in", &credentials)).await;
    assert_eq!(signed_in.status(), 200);
    let access = set_cookies(signed_in.headers())["__Host-emmaus-access"].clone();

    let none = serde_json::json!({});
    let setup = call(&process, bearer("POST", "/api/auth/second-factor/setup", &access, &none)).await;
    assert_eq!(setup.status(), 200, "{}", String::from_utf8_lossy(setup.body()));
    assert_eq!(setup.headers()["cache-control"], "no-store");
    let uri = body(&setup)["otpauth_uri"].as_str().unwrap().to_owned();
    let secret = uri.split("secret=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let code =
        emmaus_domain::totp::code_at(&decode_base32(&secret), emmaus_ports::Clock::now(&emmaus_ports::SystemClock));
    let confirm = serde_json::json!({"code": code});
    let confirmed = call(&process, bearer("POST", "/api/auth/second-factor/setup/confirm", &access, &confirm)).await;
    assert_eq!(confirmed.status(), 200, "{}", String::from_utf8_lossy(confirmed.body()));
    let recovery: Vec<String> = serde_json::from_value(body(&confirmed)["recovery_codes"].clone()).unwrap();
    assert_eq!(recovery.len(), 10);

    let pending = call(&process, json("POST", "/api/auth/sign-in", &credentials)).await;
    assert_eq!(pending.status(), 202, "{}", String::from_utf8_lossy(pending.body()));
    assert!(!set_cookies(pending.headers()).contains_key("__Host-emmaus-access"), "no session yet");
    let challenge = body(&pending)["challenge"].as_str().unwrap().to_owned();
    let spent = serde_json::json!({"challenge": challenge, "code": code});
    let refused = call(&process, json("POST", "/api/auth/sign-in/second-factor", &spent)).await;
    assert_eq!(refused.status(), 422, "the code spent on the setup works no more");
    assert_eq!(body(&refused)["errors"][0]["field"], "code");
    let recover = serde_json::json!({"challenge": challenge, "code": recovery[0]});
    let done = call(&process, json("POST", "/api/auth/sign-in/second-factor", &recover)).await;
    assert_eq!(done.status(), 200, "{}", String::from_utf8_lossy(done.body()));
    assert!(set_cookies(done.headers()).contains_key("__Host-emmaus-access"));
    assert_eq!(body(&done)["second_factor"]["recovery_codes_left"], 9);
    let again = call(&process, json("POST", "/api/auth/sign-in/second-factor", &recover)).await;
    assert_eq!(again.status(), 401, "the challenge opened one session");
}

fn decode_base32(text: &str) -> Vec<u8> {
    emmaus_domain::totp::parse_base32(text).expect("the secret is base32")
}
