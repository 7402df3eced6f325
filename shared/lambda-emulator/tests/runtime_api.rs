//! The Runtime API as a runtime sees it: a scripted runtime speaks raw HTTP/1.1 to the emulator
//! while a stand-in process (`sleep`) holds the execution environment open.

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use emmaus_lambda_emulator::LambdaProcess;
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(10);

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// One request on its own connection; the emulator answers with a Content-Length body.
fn call(address: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(address).expect("the Runtime API accepts connections");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        write!(head, "{name}: {value}\r\n").expect("a String takes any text");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body)).expect("the request is sent");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("an answer");
    let text = String::from_utf8(raw).expect("a text answer");
    let (head, body) = text.split_once("\r\n\r\n").expect("a head and a body");
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("a status");
    let headers = lines.filter_map(|l| l.split_once(": ")).map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
    Answer { status, headers, body: serde_json::from_str(body).unwrap_or(Value::Null) }
}

fn next(address: SocketAddr) -> Answer {
    call(address, "GET", "/2018-06-01/runtime/invocation/next", &[], b"")
}

/// An environment whose process stays up but never calls the API, so each test plays the runtime.
fn scripted_environment() -> LambdaProcess {
    // Written once, before any test spawns: a file open for writing during another thread's fork
    // would make exec fail with "text file busy".
    static SCRIPT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, script) = SCRIPT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("bootstrap");
        std::fs::write(&path, "#!/bin/sh\nexec sleep 60\n").expect("the script is written");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("the script is executable");
        (dir, path)
    });
    LambdaProcess::start(script, &[])
}

async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work).await.expect("the scripted runtime does not panic")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_delivers_the_event_with_the_runtime_headers() {
    let lambda = scripted_environment();
    let address = lambda.runtime_api();
    let runtime = tokio::spawn(blocking(move || {
        let invocation = next(address);
        let id = invocation.header("lambda-runtime-aws-request-id").expect("a request id").to_owned();
        let answer =
            call(address, "POST", &format!("/2018-06-01/runtime/invocation/{id}/response"), &[], br#"{"ok":true}"#);
        let again = call(address, "POST", &format!("/2018-06-01/runtime/invocation/{id}/response"), &[], b"{}");
        (invocation, answer, again)
    }));
    let result = lambda.invoke(json!({ "hello": "world" }), TIMEOUT).await;
    let (invocation, answer, again) = runtime.await.expect("the runtime task");

    assert_eq!(result, Ok(json!({ "ok": true })));
    assert_eq!(invocation.status, 200);
    assert_eq!(invocation.body, json!({ "hello": "world" }));
    let id = invocation.header("lambda-runtime-aws-request-id").expect("a request id");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let deadline: u128 =
        invocation.header("lambda-runtime-deadline-ms").and_then(|d| d.parse().ok()).expect("a deadline");
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_millis();
    assert!(deadline > now && deadline <= now + TIMEOUT.as_millis(), "{deadline} vs {now}");
    let arn = invocation.header("lambda-runtime-invoked-function-arn").expect("an ARN");
    assert!(arn.starts_with("arn:aws:lambda:us-east-1:123456789012:function:"), "{arn}");
    assert!(invocation.header("lambda-runtime-trace-id").is_some_and(|t| t.starts_with("Root=1-")));
    assert_eq!((answer.status, &answer.body), (202, &json!({ "status": "OK" })));
    assert_eq!(again.status, 403, "a second answer is refused");
    assert_eq!(again.body["errorType"], "InvalidStateTransition");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_request_ids_are_400s() {
    let lambda = scripted_environment();
    let address = lambda.runtime_api();
    for route in ["response", "error"] {
        let answer = blocking(move || {
            call(address, "POST", &format!("/2018-06-01/runtime/invocation/nope/{route}"), &[], b"{}")
        })
        .await;
        assert_eq!(answer.status, 400, "{route}");
        assert_eq!(answer.body, json!({ "errorMessage": "Invalid request ID", "errorType": "InvalidRequestID" }));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_long_polls_until_an_invocation_is_queued() {
    let lambda = scripted_environment();
    let address = lambda.runtime_api();
    let runtime = tokio::spawn(blocking(move || {
        let invocation = next(address);
        let answered = Instant::now();
        let id = invocation.header("lambda-runtime-aws-request-id").expect("a request id").to_owned();
        call(address, "POST", &format!("/2018-06-01/runtime/invocation/{id}/response"), &[], b"1");
        answered
    }));
    // The runtime is already waiting on /next when the invocation is queued, so the call must hold.
    assert!(tokio::task::block_in_place(|| lambda.startup(TIMEOUT)).is_some(), "the first /next was recorded");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let queued = Instant::now();
    assert_eq!(lambda.invoke(json!(1), TIMEOUT).await, Ok(json!(1)));
    assert!(runtime.await.expect("the runtime task") >= queued, "next answered only once there was an invocation");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reported_errors_reach_the_caller() {
    let lambda = scripted_environment();
    let address = lambda.runtime_api();
    let runtime = tokio::spawn(blocking(move || {
        for body in [&br#"{"errorMessage":"boom","errorType":"MyError"}"#[..], b""] {
            let id = next(address).header("lambda-runtime-aws-request-id").expect("an id").to_owned();
            let path = format!("/2018-06-01/runtime/invocation/{id}/error");
            let answer =
                call(address, "POST", &path, &[("lambda-runtime-function-error-type", "Runtime.Unknown")], body);
            assert_eq!(answer.status, 202);
        }
    }));
    let first = lambda.invoke(json!({}), TIMEOUT).await.expect_err("an error");
    assert_eq!((first.error_type.as_str(), first.message.as_str()), ("MyError", "boom"));
    let second = lambda.invoke(json!({}), TIMEOUT).await.expect_err("an error");
    assert_eq!(second.error_type, "Runtime.Unknown", "without a body the header names the error");
    runtime.await.expect("the runtime task");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_errors_fail_invocations() {
    let lambda = scripted_environment();
    let address = lambda.runtime_api();
    let body = br#"{"errorMessage":"no config","errorType":"Runtime.InitError"}"#;
    let answer = blocking(move || call(address, "POST", "/2018-06-01/runtime/init/error", &[], body)).await;
    assert_eq!(answer.status, 202);
    let error = lambda.invoke(json!({}), TIMEOUT).await.expect_err("an init error");
    assert_eq!((error.error_type.as_str(), error.message.as_str()), ("Runtime.InitError", "no config"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_responses_are_413s() {
    let lambda = scripted_environment();
    let address = lambda.runtime_api();
    let runtime = tokio::spawn(blocking(move || {
        let id = next(address).header("lambda-runtime-aws-request-id").expect("an id").to_owned();
        let body = vec![b'1'; emmaus_lambda_emulator::MAX_PAYLOAD_BYTES + 1];
        call(address, "POST", &format!("/2018-06-01/runtime/invocation/{id}/response"), &[], &body).status
    }));
    let error = lambda.invoke(json!({}), TIMEOUT).await.expect_err("too large");
    assert_eq!(error.error_type, "Function.ResponseSizeTooLarge");
    assert_eq!(runtime.await.expect("the runtime task"), 413);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_runtimes_time_out_instead_of_hanging() {
    let lambda = scripted_environment();
    let error = lambda.invoke(json!({}), Duration::from_millis(200)).await.expect_err("a timeout");
    assert_eq!(error.error_type, "Sandbox.Timedout");
    assert!(error.message.contains("Task timed out after 0.20 seconds"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exited_processes_fail_invocations_at_once() {
    let lambda = LambdaProcess::start(Path::new("/bin/false"), &[]);
    let started = Instant::now();
    let error = lambda.invoke(json!({}), TIMEOUT).await.expect_err("the process is gone");
    assert_eq!(error.error_type, "Runtime.ExitError");
    assert!(started.elapsed() < Duration::from_secs(2));
}
