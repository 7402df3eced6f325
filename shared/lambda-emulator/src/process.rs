//! A function binary running under the emulated Runtime API, with the environment Lambda gives it.

use std::io::{BufRead as _, BufReader, Read};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use crate::runtime_api::{self, Pending, Shared};
use crate::{ACCOUNT_ID, InvocationError, MAX_PAYLOAD_BYTES, REGION, apigw, epoch_ms, trace_root, uuid};

/// How often a waiting invocation checks whether the process died or reported an init error.
const POLL: Duration = Duration::from_millis(20);
/// The name every emulated function has; it shows in the ARN and the log group.
const FUNCTION_NAME: &str = "emmaus-function";

/// A Lambda execution environment: the Runtime API server and the function's process.
/// Dropping it kills the process and stops the server.
#[derive(Debug)]
pub struct LambdaProcess {
    shared: Arc<Shared>,
    queue: mpsc::UnboundedSender<Pending>,
    child: Mutex<Child>,
    spawned: Instant,
    logs: Arc<Mutex<Vec<String>>>,
    /// The threads copying stdout and stderr into `logs`; joined once the process has exited so
    /// its last lines are never missed.
    collectors: Mutex<Vec<JoinHandle<()>>>,
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl LambdaProcess {
    /// Starts the Runtime API on `127.0.0.1:0` and `binary` against it. `envs` are added after
    /// (and so override) the variables Lambda defines.
    pub fn start(binary: &Path, envs: &[(&str, &str)]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).expect("a non-blocking listener");
        let address = listener.local_addr().expect("the bound address");
        let (queue, receiver) = mpsc::unbounded_channel();
        let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{FUNCTION_NAME}");
        let shared = Arc::new(Shared::new(receiver, arn));
        let (stop, stopped) = oneshot::channel::<()>();
        let app = runtime_api::router(shared.clone());
        // Its own thread and runtime, so the server outlives any one test runtime and works from sync code.
        let server = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
                tokio::select! {
                    result = axum::serve(listener, app) => result.expect("the Runtime API server"),
                    _ = stopped => {}
                }
            });
        });

        let mut command = Command::new(binary);
        // Lambda starts the bootstrap with its own environment, not the caller's.
        command.env_clear().envs(lambda_environment(address)).envs(envs.iter().copied());
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let spawned = Instant::now();
        let mut child = command.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let logs = Arc::new(Mutex::new(Vec::new()));
        let collectors = Mutex::new(vec![
            collect_lines(child.stdout.take().expect("piped stdout"), logs.clone()),
            collect_lines(child.stderr.take().expect("piped stderr"), logs.clone()),
        ]);
        Self {
            shared,
            queue,
            child: Mutex::new(child),
            spawned,
            logs,
            collectors,
            address,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// The `AWS_LAMBDA_RUNTIME_API` value the process was given.
    pub fn runtime_api(&self) -> SocketAddr {
        self.address
    }

    /// Time from spawning the process to its first `GET /next`, waiting up to `timeout` for it.
    pub fn startup(&self, timeout: Duration) -> Option<Duration> {
        self.shared.wait_first_next(timeout).map(|first| first.duration_since(self.spawned))
    }

    /// Everything the process wrote to stdout and stderr so far, as CloudWatch would hold it.
    /// Once the process has exited this is all it wrote: the pipes are read to their end first
    /// (a crashed cold start's last lines arrive after its exit is noticed).
    pub fn logs(&self) -> String {
        let exited = self.child.lock().unwrap_or_else(PoisonError::into_inner).try_wait().ok().flatten().is_some();
        if exited {
            let collectors = std::mem::take(&mut *self.collectors.lock().unwrap_or_else(PoisonError::into_inner));
            for collector in collectors {
                let _ = collector.join();
            }
        }
        self.logs.lock().unwrap_or_else(PoisonError::into_inner).join("\n")
    }

    /// A synchronous (`RequestResponse`) invocation. Like Lambda, a timeout ends the environment:
    /// the process is killed and later invocations fail.
    pub async fn invoke(&self, event: Value, timeout: Duration) -> Result<Value, InvocationError> {
        let event = serde_json::to_vec(&event).expect("a JSON value serialises");
        if event.len() > MAX_PAYLOAD_BYTES {
            let message =
                format!("Request must be smaller than {MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation");
            return Err(InvocationError::new("RequestTooLargeException", message));
        }
        let (reply, mut outcome) = oneshot::channel();
        let id = uuid();
        let pending = Pending { id: id.clone(), event, deadline_ms: epoch_ms(timeout), trace_id: trace_id(), reply };
        if self.queue.send(pending).is_err() {
            return Err(InvocationError::new("ServiceException", "the Runtime API server has stopped"));
        }
        let deadline = Instant::now() + timeout;
        loop {
            tokio::select! {
                // An answer wins over a death noticed in the same instant: it was sent first.
                biased;
                answer = &mut outcome => return finish(answer),
                () = tokio::time::sleep(POLL) => {}
            }
            if let Some(error) = self.shared.init_error() {
                return Err(error);
            }
            if let Some(status) = self.child.lock().unwrap_or_else(PoisonError::into_inner).try_wait().ok().flatten() {
                let message = format!("RequestId: {id} Error: Runtime exited with error: {status}");
                return Err(InvocationError::new("Runtime.ExitError", message));
            }
            if Instant::now() >= deadline {
                self.shared.abandon(&id);
                self.kill();
                let message =
                    format!("RequestId: {id} Error: Task timed out after {:.2} seconds", timeout.as_secs_f64());
                return Err(InvocationError::new("Sandbox.Timedout", message));
            }
        }
    }

    /// Sends an HTTP request as API Gateway would (an HTTP API event, payload 2.0) and maps the
    /// function's answer back to HTTP.
    pub async fn invoke_http(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> Result<http::Response<Vec<u8>>, InvocationError> {
        let answer = self.invoke(apigw::to_event(request), timeout).await?;
        Ok(apigw::from_response(&answer))
    }

    fn kill(&self) {
        let mut child = self.child.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for LambdaProcess {
    fn drop(&mut self) {
        self.kill();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}

/// The Invoke API's view of the runtime's answer: the JSON payload, or the reported error.
fn finish(
    answer: Result<Result<Vec<u8>, InvocationError>, oneshot::error::RecvError>,
) -> Result<Value, InvocationError> {
    let body = answer.map_err(|_| InvocationError::new("ServiceException", "the server dropped the invocation"))??;
    serde_json::from_slice(&body)
        .map_err(|e| InvocationError::new("Runtime.InvalidResponse", format!("the response is not JSON: {e}")))
}

/// The variables Lambda defines for a custom runtime (`provided.al2023`), with emulated values.
fn lambda_environment(address: SocketAddr) -> Vec<(&'static str, String)> {
    let date = time::OffsetDateTime::now_utc().date();
    let stream =
        format!("{}/{:02}/{:02}/[$LATEST]{}", date.year(), u8::from(date.month()), date.day(), uuid().replace('-', ""));
    vec![
        ("AWS_LAMBDA_RUNTIME_API", address.to_string()),
        ("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME.to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".to_owned()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand".to_owned()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{FUNCTION_NAME}")),
        ("AWS_LAMBDA_LOG_STREAM_NAME", stream),
        ("AWS_REGION", REGION.to_owned()),
        ("AWS_DEFAULT_REGION", REGION.to_owned()),
        ("_HANDLER", "bootstrap".to_owned()),
        ("LAMBDA_TASK_ROOT", "/var/task".to_owned()),
        ("LAMBDA_RUNTIME_DIR", "/var/runtime".to_owned()),
        ("LANG", "en_US.UTF-8".to_owned()),
        ("TZ", ":UTC".to_owned()),
        ("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin".to_owned()),
        (
            "LD_LIBRARY_PATH",
            "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib".to_owned(),
        ),
    ]
}

/// An X-Ray trace header of the shape Lambda passes in `Lambda-Runtime-Trace-Id`.
fn trace_id() -> String {
    format!("{};Parent={};Sampled=0", trace_root(), &uuid().replace('-', "")[..16])
}

fn collect_lines(stream: impl Read + Send + 'static, into: Arc<Mutex<Vec<String>>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            into.lock().unwrap_or_else(PoisonError::into_inner).push(line);
        }
    })
}
