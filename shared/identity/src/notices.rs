//! Security notices: the mail a person gets when a way into their account changes (a password set
//! or changed, a sign-in method linked), so a takeover cannot happen quietly.

use emmaus_domain::identity::Person;
use emmaus_ports::EmailMessage;

use emmaus_app::Platform;

/// Queues a notice to the person's own address. The change has already happened, so a notice
/// that cannot be queued is logged, not turned into a failed request.
pub async fn account_changed(p: &Platform, person: &Person, subject: &str, text: &str) {
    let message = EmailMessage {
        to: person.email.to_string(),
        subject: subject.to_owned(),
        text: format!("Hello {},\n\n{text}\n", person.display_name),
    };
    if let Err(error) = emmaus_app::mail_queue::queue(p, message).await {
        tracing::warn!(error = %error, person = %person.id, "a security notice was not queued");
    }
}
