//! The outbound HTTP port: how application code calls other services (OIDC providers, Graph, AI).

use std::time::Duration;

/// Default limit for a response body read into memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum HttpClientError {
    #[error("the request to {host} timed out after {after:?}")]
    Timeout { host: String, after: Duration },
    #[error("could not reach {host}")]
    Connect {
        host: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("the request is not valid: {0}")]
    Invalid(String),
    #[error("the response from {host} is larger than {limit} bytes")]
    TooLarge { host: String, limit: usize },
    #[error("outbound HTTP failed")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync>),
}

#[async_trait::async_trait]
pub trait HttpClient: Send + Sync + std::fmt::Debug {
    /// Sends the request and reads the whole response, failing past the adapter's time and size limits.
    async fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, HttpClientError>;
}
