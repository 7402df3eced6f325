//! The mailer port over SMTP, for native hosts (local and Lambda): lettre on tokio with rustls,
//! configured by one URL (`smtp://` STARTTLS, `smtps://` implicit TLS, `smtp+insecure://` loopback only).

mod body;
mod config;

use std::time::Duration;

use emmaus_ports::{EmailMessage, MailError, Mailer};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncTransport as _, Tokio1Executor};

pub use config::{Endpoint, Security};

/// How long connecting, and each SMTP command, may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    endpoint: Endpoint,
    from: Mailbox,
}

// By hand: the transport holds the password, and lettre's own Debug is not ours to vouch for.
impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("endpoint", &self.endpoint)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// A mailer for `url` (see [`Endpoint::parse`]) sending as `from`, which may carry a display
    /// name (`Emmaus <noreply@example.org>`). Nothing is sent or connected until the first `send`.
    pub fn from_url(url: &str, from: &str) -> Result<Self, MailError> {
        let endpoint = Endpoint::parse(url)?;
        let from: Mailbox =
            from.parse().map_err(|e| MailError::Invalid(format!("the from address `{from}` is not valid: {e}")))?;
        let tls = || {
            TlsParameters::new(endpoint.host.clone()).map_err(|e| {
                MailError::Invalid(format!("cannot set up TLS for the SMTP host `{}`: {e}", endpoint.host))
            })
        };
        let tls = match endpoint.security {
            Security::StartTls => Tls::Required(tls()?),
            Security::ImplicitTls => Tls::Wrapper(tls()?),
            Security::Plain => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(endpoint.host.clone())
            .port(endpoint.port)
            .tls(tls)
            .timeout(Some(TIMEOUT));
        if let Some((user, password)) = &endpoint.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self { transport: builder.build(), endpoint, from })
    }

    /// Where this mailer connects, without credentials (for logs and health reports).
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    fn build(&self, message: &EmailMessage) -> Result<Message, MailError> {
        // A bare address only: a display name or a list would let a caller's value add recipients.
        let to: Address = message
            .to
            .parse()
            .map_err(|e| MailError::Invalid(format!("the recipient is not a single valid email address: {e}")))?;
        // Lettre would encode a line break rather than send it, but a subject with one is a bug (or
        // an injection attempt) upstream, so it is refused outright.
        if message.subject.chars().any(|c| c.is_control() && c != '\t') {
            return Err(MailError::Invalid("the subject contains a line break or another control character".into()));
        }
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to))
            .subject(message.subject.as_str())
            .message_id(Some(message_id(&self.from)))
            .header(ContentType::TEXT_PLAIN)
            .body(body::body(&message.text))
            .map_err(|e| MailError::Invalid(format!("the message cannot be built: {e}")))
    }
}

/// `<random@sender-domain>`: lettre's default names `localhost`, which spam filters hold against a message.
fn message_id(from: &Mailbox) -> String {
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).expect("the operating system's random source failed");
    format!("<{}@{}>", hex::encode(random), from.email.domain())
}

/// A 5xx reply (including a refused recipient or failed login) will fail again, so it is `Invalid`;
/// everything else (4xx, connection, TLS, timeouts) may pass, so it is `Unavailable`.
fn classify(error: lettre::transport::smtp::Error) -> MailError {
    if error.is_permanent() {
        MailError::Invalid(format!("the SMTP server refused: {error}"))
    } else {
        MailError::unavailable(error)
    }
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    fn adapter(&self) -> &'static str {
        "smtp"
    }

    async fn send(&self, message: &EmailMessage) -> Result<(), MailError> {
        let email = self.build(message)?;
        self.transport.send(email).await.map(drop).map_err(classify)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer() -> SmtpMailer {
        SmtpMailer::from_url("smtps://user:hunter2@mail.example.com", "Emmaus <noreply@emmaus.test>").unwrap()
    }

    #[test]
    fn the_from_address_is_checked_and_named() {
        let Err(MailError::Invalid(message)) = SmtpMailer::from_url("smtps://mail.example.com", "nobody") else {
            panic!("a from address without a domain must be refused");
        };
        assert!(message.contains("`nobody`"), "{message}");
    }

    #[test]
    fn debug_shows_where_but_not_the_password() {
        let shown = format!("{:?}", mailer());
        assert!(shown.contains("mail.example.com") && shown.contains("noreply@emmaus.test"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn messages_carry_a_message_id_at_the_sender_domain() {
        let message = EmailMessage { to: "ana@example.test".into(), subject: "Hi".into(), text: "Hello\n".into() };
        let raw = String::from_utf8(mailer().build(&message).unwrap().formatted()).unwrap();
        let id = raw.lines().find_map(|line| line.strip_prefix("Message-ID: ")).expect("a Message-ID header");
        assert!(id.starts_with('<') && id.ends_with("@emmaus.test>") && id.len() == 46, "{id}");
        assert!(raw.contains("Date: ") && raw.contains("Content-Type: text/plain; charset=utf-8"), "{raw}");
    }
}
