//! `WasiHttp`: outbound HTTP over `wasi:http/outgoing-handler@0.2.0`, driven synchronously.
//!
//! Each call sends the request, then blocks on the response's pollable and on the body stream.
//! Blocking keeps the `async fn` free of any executor (it completes in one poll) and its future
//! trivially `Send`, which the object-safe port requires (ADR 0003). Timeouts go to the host as
//! request options; the response body is capped at `max_response_bytes`.

use std::time::Duration;

use emmaus_ports::http_client::DEFAULT_MAX_RESPONSE_BYTES;
use emmaus_ports::{HttpClient, HttpClientError};
use spin_sdk::wit::wasi::http0_2_0::outgoing_handler;
use spin_sdk::wit::wasi::http0_2_0::types::{
    ErrorCode, Fields, IncomingBody, IncomingResponse, Method, OutgoingBody, OutgoingRequest, RequestOptions, Scheme,
};
use wasi::io::streams::StreamError;

/// Largest write the host accepts on an output stream in one `blocking-write-and-flush`.
const WRITE_CHUNK: usize = 4096;
/// Headers wasi:http hosts refuse to take from a guest (wasmtime's list): the host derives `host`
/// from the authority and manages the connection itself. Sending one would fail the whole request.
const FORBIDDEN_HEADERS: &[&str] = &[
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "transfer-encoding",
    "upgrade",
    "http2-settings",
];
/// Bytes asked for per `blocking-read`.
const READ_CHUNK: u64 = 64 * 1024;

#[derive(Debug, Clone)]
pub struct WasiHttp {
    timeout: Duration,
    max_response_bytes: usize,
}

impl WasiHttp {
    /// A client whose connect, first-byte and between-bytes timeouts are each `timeout`.
    pub fn new(timeout: Duration) -> Self {
        Self { timeout, max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES }
    }

    #[must_use]
    pub fn with_max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    fn error(&self, host: &str, code: ErrorCode) -> HttpClientError {
        match code {
            ErrorCode::ConnectionTimeout | ErrorCode::ConnectionReadTimeout | ErrorCode::ConnectionWriteTimeout => {
                HttpClientError::Timeout { host: host.to_owned(), after: self.timeout }
            }
            ErrorCode::DnsTimeout
            | ErrorCode::DnsError(_)
            | ErrorCode::ConnectionRefused
            | ErrorCode::ConnectionTerminated
            | ErrorCode::ConnectionLimitReached
            | ErrorCode::DestinationNotFound
            | ErrorCode::DestinationUnavailable
            | ErrorCode::DestinationIpUnroutable
            | ErrorCode::TlsProtocolError
            | ErrorCode::TlsCertificateError
            | ErrorCode::TlsAlertReceived(_) => {
                HttpClientError::Connect { host: host.to_owned(), source: format!("{code:?}").into() }
            }
            ErrorCode::HttpRequestDenied => HttpClientError::Invalid(format!(
                "the host refused the request to {host}; is it in the component's allowed_outbound_hosts?"
            )),
            other => HttpClientError::Other(format!("outbound HTTP to {host}: {other:?}").into()),
        }
    }

    fn request(&self, request: &http::Request<Vec<u8>>) -> Result<(OutgoingRequest, RequestOptions), HttpClientError> {
        let invalid = |what: &str| HttpClientError::Invalid(format!("could not set the {what} of the request"));
        let entries: Vec<(String, Vec<u8>)> = request
            .headers()
            .iter()
            .filter(|(name, _)| !FORBIDDEN_HEADERS.contains(&name.as_str()))
            .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
            .collect();
        let headers = Fields::from_list(&entries).map_err(|e| HttpClientError::Invalid(format!("headers: {e:?}")))?;
        let outgoing = OutgoingRequest::new(headers);
        let method = match request.method().as_str() {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "PATCH" => Method::Patch,
            "OPTIONS" => Method::Options,
            other => Method::Other(other.to_owned()),
        };
        outgoing.set_method(&method).map_err(|()| invalid("method"))?;
        let scheme = match request.uri().scheme_str() {
            Some("https") => Scheme::Https,
            Some("http") => Scheme::Http,
            _ => return Err(HttpClientError::Invalid(format!("{} is not an http(s) URL", request.uri()))),
        };
        outgoing.set_scheme(Some(&scheme)).map_err(|()| invalid("scheme"))?;
        outgoing
            .set_authority(request.uri().authority().map(http::uri::Authority::as_str))
            .map_err(|()| invalid("authority"))?;
        let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
        outgoing.set_path_with_query(Some(path)).map_err(|()| invalid("path"))?;

        let options = RequestOptions::new();
        let nanos = u64::try_from(self.timeout.as_nanos()).unwrap_or(u64::MAX);
        // A host that does not support an option keeps its own default; nothing better to do.
        let _ = options.set_connect_timeout(Some(nanos));
        let _ = options.set_first_byte_timeout(Some(nanos));
        let _ = options.set_between_bytes_timeout(Some(nanos));
        Ok((outgoing, options))
    }

    fn read_body(&self, host: &str, response: &IncomingResponse) -> Result<Vec<u8>, HttpClientError> {
        let failed = |what: &str| HttpClientError::Other(format!("{what} of the response from {host}").into());
        let body: IncomingBody = response.consume().map_err(|()| failed("could not take the body"))?;
        let stream = body.stream().map_err(|()| failed("could not open the body"))?;
        let mut bytes = Vec::new();
        let outcome = loop {
            match stream.blocking_read(READ_CHUNK) {
                Ok(chunk) if bytes.len() + chunk.len() > self.max_response_bytes => {
                    break Err(HttpClientError::TooLarge { host: host.to_owned(), limit: self.max_response_bytes });
                }
                Ok(chunk) => bytes.extend_from_slice(&chunk),
                Err(StreamError::Closed) => break Ok(bytes),
                Err(StreamError::LastOperationFailed(e)) => {
                    break Err(HttpClientError::Other(format!("reading from {host}: {}", e.to_debug_string()).into()));
                }
            }
        };
        // Children before parents: the stream, then the body, or the host traps.
        drop(stream);
        drop(IncomingBody::finish(body));
        outcome
    }
}

#[async_trait::async_trait]
impl HttpClient for WasiHttp {
    async fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, HttpClientError> {
        let host = request.uri().host().unwrap_or_default().to_owned();
        let (outgoing, options) = self.request(&request)?;
        let body = outgoing.body().map_err(|()| HttpClientError::Invalid("the request body was taken".into()))?;
        let future = outgoing_handler::handle(outgoing, Some(options)).map_err(|code| self.error(&host, code))?;
        {
            let stream = body.write().map_err(|()| HttpClientError::Invalid("the body stream was taken".into()))?;
            for chunk in request.body().chunks(WRITE_CHUNK) {
                stream
                    .blocking_write_and_flush(chunk)
                    .map_err(|e| HttpClientError::Other(format!("writing to {host}: {e:?}").into()))?;
            }
        }
        OutgoingBody::finish(body, None).map_err(|code| self.error(&host, code))?;
        future.subscribe().block();
        let response = match future.get() {
            Some(Ok(Ok(response))) => response,
            Some(Ok(Err(code))) => return Err(self.error(&host, code)),
            Some(Err(())) | None => return Err(HttpClientError::Other("the response was already taken".into())),
        };
        let mut builder = http::Response::builder().status(response.status());
        for (name, value) in response.headers().entries() {
            builder = builder.header(name, value);
        }
        let bytes = self.read_body(&host, &response)?;
        builder.body(bytes).map_err(|e| HttpClientError::Other(Box::new(e)))
    }
}
