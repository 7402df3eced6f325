//! The identity module's job, `deliver-mail`: reset requests become links, then queued mail
//! (links, invitations, notices) goes out.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use emmaus_app::Platform;
use emmaus_app::jobs::{JobSpec, Outcome};
use emmaus_app::mail_queue;
use emmaus_domain::Timestamp;

/// `deliver-mail`, every minute when deployed.
pub const DELIVER_MAIL: JobSpec = JobSpec {
    name: "deliver-mail",
    run: deliver_mail,
    every: Duration::from_mins(1),
    // Seconds, so a reset or invitation link shows in the dev outbox while one waits for it.
    locally_every: Duration::from_secs(2),
};

/// `deliver-mail`: turns password-reset requests into links, then sends queued mail.
pub fn deliver_mail(p: Platform, now: Timestamp) -> Pin<Box<dyn Future<Output = Outcome> + Send>> {
    Box::pin(async move {
        let links = match crate::resets::send_links(&p, now).await {
            Ok(done) => done,
            Err(error) => return Outcome::Retryable(format!("reset requests: {error}")),
        };
        let delivery = match mail_queue::deliver(&p, now).await {
            Ok(delivery) => delivery,
            Err(error) => return Outcome::Retryable(format!("mail queue: {error}")),
        };
        if links.requests == 0 && delivery == mail_queue::Delivery::default() {
            return Outcome::Idle;
        }
        let more = if links.more || delivery.more { "; more waiting" } else { "" };
        Outcome::Done(format!(
            "reset requests: {} ({} for accounts); mail: {} sent, {} deferred, {} dropped{more}",
            links.requests, links.links, delivery.sent, delivery.deferred, delivery.dropped
        ))
    })
}
