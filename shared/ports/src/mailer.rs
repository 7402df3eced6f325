//! The mailer port: how application code sends email (invitations, password resets).
//!
//! The contract:
//! - `send` returns once the message is accepted by the next hop (an SMTP server, a mail API, or
//!   the dev outbox); it does not wait for delivery.
//! - A message the adapter refuses as malformed is `MailError::Invalid` and is not retried; a peer
//!   that cannot be reached or answers with a temporary failure is `MailError::Unavailable`.
//! - Adapters never log a message's body, which may hold a single-use token; the dev outbox alone
//!   shows it, since showing it is its purpose.

/// One plain-text email. Addresses are already validated by the caller.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EmailMessage {
    pub to: String,
    pub subject: String,
    /// Plain text; links are written out in full.
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the message was refused: {0}")]
    Invalid(String),
    #[error("the mail service is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl MailError {
    pub fn unavailable(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Unavailable(Box::new(error))
    }
}

#[async_trait::async_trait]
pub trait Mailer: Send + Sync + std::fmt::Debug {
    /// A short name for health reports and logs, e.g. `smtp`, `postmark`, `outbox`.
    fn adapter(&self) -> &'static str;

    async fn send(&self, message: &EmailMessage) -> Result<(), MailError>;
}
