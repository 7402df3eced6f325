//! Sessions on Lambda: the auth binary under the emulated Runtime API, on DynamoDB (moto) when the
//! test script provides it. The first-run page is completed with the setup code the function
//! prints in its log; then sign-in, use, sign-out: the signed-out access token is refused on the
//! very next invocation.

use std::path::Path;
use std::time::Duration;

use emmaus_app::identity::tokens::KeyRing;
use emmaus_lambda_emulator::LambdaProcess;
use emmaus_testkit::api::set_cookies;
use emmaus_testkit::aws::aws_endpoint;

const BINARY: &str = env!("CARGO_BIN_EXE_auth");
const TIMEOUT: Duration = Duration::from_secs(10);
const PASSWORD: &str = "a long lambda passphrase";

async fn environment() -> Vec<(String, String)> {
    let mut envs = vec![
        ("EMMAUS_LOG".to_owned(), "warn".to_owned()),
        ("EMMAUS_SESSION_KEYS".to_owned(), KeyRing::new_entry("lambda", &[5; 32])),
        (
            emmaus_app::identity::audit::KEYS_SETTING.to_owned(),
            emmaus_app::identity::audit::new_key_entry("lambda", &[6; 32]),
        ),
        ("EMMAUS_PUBLIC_URL".to_owned(), "https://emmaus.test".to_owned()),
        // The auth function keeps no files.
        ("EMMAUS_BLOBS".to_owned(), "memory".to_owned()),
    ];
    match aws_endpoint() {
        Some(endpoint) => {
            let table = format!("emmaus-auth-{}", std::process::id());
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_sign_in_and_sign_out_on_lambda() {
    let envs = environment().await;
    let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let process = LambdaProcess::start(Path::new(BINARY), &envs);

    let status = call(&process, http::Request::get("/api/auth/setup").body(Vec::new()).unwrap()).await;
    assert_eq!(status.status(), 200);
    let logs = process.logs();
    let code = logs
        .split("setup_code")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).find(|s| s.len() == 19))
        .unwrap_or_else(|| panic!("no setup code in the log:\n{logs}"))
        .to_owned();
    let first_run = serde_json::json!({
        "code": code, "org_slug": "lambda-org", "org_name": "Lambda", "email": "ada@lambda.test",
        "display_name": "Ada", "password": PASSWORD,
    });
    let set_up = call(&process, json("POST", "/api/auth/setup", &first_run)).await;
    assert_eq!(set_up.status(), 200, "{}", String::from_utf8_lossy(set_up.body()));

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
