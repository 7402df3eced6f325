//! The dev outbox (`emmaus_app::mail::Outbox`) against the mailer conformance suite, on the
//! in-memory store; what "arrived" is what `Outbox::list` shows, oldest first.

use std::sync::Arc;

use emmaus_app::mail::Outbox;
use emmaus_memory::{ManualClock, MemoryKv, SequentialIds};
use emmaus_ports::EmailMessage;
use emmaus_testkit::mailer::{MailerHarness, Received};

async fn outbox() -> MailerHarness {
    let clock = Arc::new(ManualClock::default());
    let outbox = Outbox::new(Arc::new(MemoryKv::new(clock.clone())), clock, Arc::new(SequentialIds::default()));
    let reader = outbox.clone();
    let received: Received = Arc::new(move || {
        let reader = reader.clone();
        Box::pin(async move {
            let (mut all, mut cursor) = (Vec::<EmailMessage>::new(), None);
            loop {
                let (page, next) = reader.list(10, cursor).await.expect("the outbox lists");
                all.extend(page.into_iter().map(|held| held.message));
                match next {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            // The outbox lists the newest first.
            all.reverse();
            all
        })
    });
    MailerHarness::new(Arc::new(outbox), received, "outbox")
}

// The outbox holds whatever it is given, since showing the message is its whole purpose; it does not
// check recipients (the port leaves that to callers), so `invalid_recipients_are_refused` is not run.
emmaus_testkit::mailer_conformance_tests!(@cases outbox;
    a_message_arrives_intact,
    non_ascii_subjects_and_bodies_arrive_intact,
    long_lines_arrive_intact,
    dots_blank_lines_and_indents_arrive_intact,
    several_messages_arrive_in_order,
    header_injection_is_refused_or_neutralised,
    an_unreachable_peer_is_unavailable,
);
