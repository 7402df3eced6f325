//! Outbound HTTP for native hosts: reqwest with rustls, a total timeout and a response size cap;
//! and fetching people's links to public addresses only ([`public::PublicPages`]).

pub mod public;

pub use public::PublicPages;

use std::time::Duration;

use emmaus_ports::http_client::DEFAULT_MAX_RESPONSE_BYTES;
use emmaus_ports::{HttpClient, HttpClientError};

#[derive(Debug, Clone)]
pub struct ReqwestHttp {
    client: reqwest::Client,
    timeout: Duration,
    max_response_bytes: usize,
}

impl ReqwestHttp {
    pub fn new(timeout: Duration) -> Result<Self, HttpClientError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("emmaus/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HttpClientError::Other(Box::new(e)))?;
        Ok(Self { client, timeout, max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES })
    }

    #[must_use]
    pub fn with_max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }
}

#[async_trait::async_trait]
impl HttpClient for ReqwestHttp {
    async fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, HttpClientError> {
        let host = request.uri().host().unwrap_or_default().to_owned();
        let request = reqwest::Request::try_from(request).map_err(|e| HttpClientError::Invalid(e.to_string()))?;
        let classify = |error: reqwest::Error, host: &str| {
            if error.is_timeout() {
                HttpClientError::Timeout { host: host.to_owned(), after: self.timeout }
            } else if error.is_connect() {
                HttpClientError::Connect { host: host.to_owned(), source: Box::new(error) }
            } else {
                HttpClientError::Other(Box::new(error))
            }
        };
        let mut response = self.client.execute(request).await.map_err(|e| classify(e, &host))?;
        if response.content_length().is_some_and(|n| n > self.max_response_bytes as u64) {
            return Err(HttpClientError::TooLarge { host, limit: self.max_response_bytes });
        }
        let mut builder = http::Response::builder().status(response.status()).version(response.version());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        // Read chunk by chunk so a server that lies about (or omits) its length cannot exhaust memory.
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| classify(e, &host))? {
            if body.len() + chunk.len() > self.max_response_bytes {
                return Err(HttpClientError::TooLarge { host, limit: self.max_response_bytes });
            }
            body.extend_from_slice(&chunk);
        }
        builder.body(body).map_err(|e| HttpClientError::Other(Box::new(e)))
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio::net::TcpListener;

    use super::*;

    /// A one-shot HTTP/1.1 server on loopback that answers with `response` verbatim.
    async fn serve_once(response: &'static [u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await.unwrap();
            socket.write_all(response).await.unwrap();
            socket.shutdown().await.unwrap();
        });
        format!("http://{address}/")
    }

    #[tokio::test]
    async fn reads_status_headers_and_body() {
        let url = serve_once(b"HTTP/1.1 201 Created\r\ncontent-length: 5\r\nx-thing: yes\r\n\r\nhello").await;
        let client = ReqwestHttp::new(Duration::from_secs(5)).unwrap();
        let response = client.send(http::Request::get(url).body(Vec::new()).unwrap()).await.unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()["x-thing"], "yes");
        assert_eq!(response.body(), b"hello");
    }

    #[tokio::test]
    async fn refuses_bodies_over_the_limit_even_without_a_length() {
        let url = serve_once(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n0123456789abcdef").await;
        let client = ReqwestHttp::new(Duration::from_secs(5)).unwrap().with_max_response_bytes(8);
        let result = client.send(http::Request::get(url).body(Vec::new()).unwrap()).await;
        assert!(matches!(result, Err(HttpClientError::TooLarge { limit: 8, .. })), "got {result:?}");
    }

    #[tokio::test]
    async fn unreachable_hosts_are_connect_errors() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        drop(listener);
        let client = ReqwestHttp::new(Duration::from_secs(5)).unwrap();
        let result = client.send(http::Request::get(url).body(Vec::new()).unwrap()).await;
        assert!(matches!(result, Err(HttpClientError::Connect { .. })), "got {result:?}");
    }
}
