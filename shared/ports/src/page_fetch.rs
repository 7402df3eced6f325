//! The page port: fetching a person's link from the server (a page's title, description and
//! preview image), to public addresses only.
//!
//! The contract, which an adapter keeps and `emmaus-reqwest`'s tests check: every address connected
//! to, after every DNS resolution and every redirect, passes the adapter's address policy
//! (`emmaus_domain::hub::fetch::is_public` in production), so a name that resolves to a private
//! address, or a public page that redirects to `http://169.254.169.254/`, is refused at the moment
//! of connecting; at most `MAX_REDIRECTS` redirects; the whole fetch within `FETCH_TIMEOUT`; at most
//! `max_bytes` read, however long the server says the body is.

/// What a fetch got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The address the answer came from, after redirects.
    pub url: String,
    /// The `Content-Type` the server sent, or empty.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Why a page was not fetched; the messages are for the person whose link it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("{0} leads to an address the server may not fetch (a private, local or metadata address)")]
    Forbidden(String),
    #[error("the page did not answer within {0} seconds")]
    Timeout(u64),
    #[error("the page is larger than {0} bytes")]
    TooLarge(u64),
    #[error("the page answered with status {0}")]
    Status(u16),
    #[error("the page could not be reached: {0}")]
    Unreachable(String),
    #[error("the address is not one that can be fetched: {0}")]
    Invalid(String),
}

#[async_trait::async_trait]
pub trait PageFetcher: Send + Sync + std::fmt::Debug {
    /// `GET url`, following redirects, within the contract's limits and at most `max_bytes`.
    async fn fetch(&self, url: &str, max_bytes: u64) -> Result<Fetched, FetchError>;
}
