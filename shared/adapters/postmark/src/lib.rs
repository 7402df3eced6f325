//! The mailer port over Postmark's Email API ("send a single email", `POST /email`), spoken through
//! the outbound-HTTP port only, so hosts without raw sockets (Spin) can send mail too.

mod check;
mod response;

use std::sync::Arc;

use emmaus_ports::{EmailMessage, HttpClient, HttpClientError, MailError, Mailer};
use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderValue, Method};
use secrecy::{ExposeSecret as _, SecretString};

pub use response::PostmarkError;

/// Postmark's API endpoint.
pub const DEFAULT_BASE_URL: &str = "https://api.postmarkapp.com";
/// Postmark's default stream for transactional mail.
pub const DEFAULT_MESSAGE_STREAM: &str = "outbound";
const TOKEN_HEADER: &str = "X-Postmark-Server-Token";

pub struct PostmarkMailer {
    http: Arc<dyn HttpClient>,
    base_url: String,
    /// The header value, built once and marked sensitive so HTTP layers do not log it.
    token: HeaderValue,
    from: String,
    message_stream: String,
}

// By hand: never the token.
impl std::fmt::Debug for PostmarkMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostmarkMailer")
            .field("base_url", &self.base_url)
            .field("from", &self.from)
            .field("message_stream", &self.message_stream)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendEmail<'a> {
    from: &'a str,
    to: &'a str,
    subject: &'a str,
    text_body: &'a str,
    message_stream: &'a str,
}

impl PostmarkMailer {
    /// A mailer sending as `from` (a sender signature confirmed in Postmark, optionally with a display
    /// name: `Emmaus <noreply@example.org>`) through `http`, to [`DEFAULT_BASE_URL`] and the
    /// `outbound` stream.
    pub fn new(http: Arc<dyn HttpClient>, token: &SecretString, from: &str) -> Result<Self, MailError> {
        let mut token =
            HeaderValue::from_str(token.expose_secret().trim()).ok().filter(|value| !value.is_empty()).ok_or_else(
                || MailError::Invalid("the Postmark server token is empty or not a valid header value".into()),
            )?;
        token.set_sensitive(true);
        if !from.contains('@') || from.chars().any(char::is_control) {
            return Err(MailError::Invalid(format!("the from address `{}` is not valid", from.escape_debug())));
        }
        let base_url = DEFAULT_BASE_URL.to_owned();
        let message_stream = DEFAULT_MESSAGE_STREAM.to_owned();
        Ok(Self { http, base_url, token, from: from.to_owned(), message_stream })
    }

    /// Another API base URL (no trailing path), for a regional endpoint or a test double. Plain
    /// `http` is accepted only for loopback, since the request carries the server token.
    pub fn with_base_url(mut self, base_url: &str) -> Result<Self, MailError> {
        let base_url = base_url.trim_end_matches('/');
        let uri: http::Uri = base_url
            .parse()
            .map_err(|e| MailError::Invalid(format!("the Postmark base URL `{base_url}` is not a URL: {e}")))?;
        let host = uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
        let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
        match uri.scheme_str() {
            Some("https") if !host.is_empty() => {}
            Some("http") if loopback => {}
            _ => {
                return Err(MailError::Invalid(format!(
                    "the Postmark base URL `{base_url}` must be https://host (or http:// to a loopback test double)"
                )));
            }
        }
        base_url.clone_into(&mut self.base_url);
        Ok(self)
    }

    /// Another message stream than `outbound` (Postmark's transactional default).
    pub fn with_message_stream(mut self, stream: &str) -> Self {
        stream.clone_into(&mut self.message_stream);
        self
    }

    fn request(&self, message: &EmailMessage) -> Result<http::Request<Vec<u8>>, MailError> {
        let body = SendEmail {
            from: &self.from,
            to: &message.to,
            subject: &message.subject,
            text_body: &message.text,
            message_stream: &self.message_stream,
        };
        let body =
            serde_json::to_vec(&body).map_err(|e| MailError::Invalid(format!("cannot encode the message: {e}")))?;
        http::Request::builder()
            .method(Method::POST)
            .uri(format!("{}/email", self.base_url))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/json")
            .header(TOKEN_HEADER, self.token.clone())
            .body(body)
            .map_err(|e| MailError::Invalid(format!("cannot build the request to Postmark: {e}")))
    }
}

#[async_trait::async_trait]
impl Mailer for PostmarkMailer {
    fn adapter(&self) -> &'static str {
        "postmark"
    }

    async fn send(&self, message: &EmailMessage) -> Result<(), MailError> {
        check::recipient(&message.to)?;
        check::subject(&message.subject)?;
        let response = self.http.send(self.request(message)?).await.map_err(|error| match error {
            HttpClientError::Invalid(why) => MailError::Invalid(format!("the request to Postmark is not valid: {why}")),
            other => MailError::unavailable(other),
        })?;
        response::interpret(response.status().as_u16(), response.body())
    }
}
