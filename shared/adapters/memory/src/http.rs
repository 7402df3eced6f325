//! An outbound-HTTP double: answers from a script and records what was sent.

use std::collections::VecDeque;
use std::sync::Mutex;

use emmaus_ports::{HttpClient, HttpClientError};

type Responder = Box<dyn Fn(&http::Request<Vec<u8>>) -> http::Response<Vec<u8>> + Send + Sync>;

/// Each `send` pops the next scripted responder; an empty script is an error, never a silent 200.
#[derive(Default)]
pub struct ScriptedHttp {
    script: Mutex<VecDeque<Responder>>,
    sent: Mutex<Vec<http::Request<Vec<u8>>>>,
}

impl std::fmt::Debug for ScriptedHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptedHttp").finish_non_exhaustive()
    }
}

impl ScriptedHttp {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn respond(
        &self,
        responder: impl Fn(&http::Request<Vec<u8>>) -> http::Response<Vec<u8>> + Send + Sync + 'static,
    ) {
        self.script.lock().expect("script lock").push_back(Box::new(responder));
    }

    /// The requests sent so far, in order.
    pub fn sent(&self) -> Vec<(http::Method, String)> {
        self.sent.lock().expect("sent lock").iter().map(|r| (r.method().clone(), r.uri().to_string())).collect()
    }
}

#[async_trait::async_trait]
impl HttpClient for ScriptedHttp {
    async fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, HttpClientError> {
        let responder = self.script.lock().expect("script lock").pop_front().ok_or_else(|| {
            HttpClientError::Invalid(format!("no scripted response for {} {}", request.method(), request.uri()))
        })?;
        let response = responder(&request);
        self.sent.lock().expect("sent lock").push(request);
        Ok(response)
    }
}
