//! The mail queue over in-memory adapters (the `deliver-mail` job around it is the identity
//! module's, tested there): backoff on a failing mail
//! server, dropping refused or hopeless messages, and one delivery when two runs meet.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use emmaus_app::mail_queue::{self, Delivery, MAX_ATTEMPTS, PER_RUN};
use emmaus_app::{Platform, PlatformParts};
use emmaus_ports::{EmailMessage, MailError, Mailer};

/// A mailer that answers from a script (then succeeds), yielding first so concurrent runs interleave.
#[derive(Debug, Default)]
struct Scripted {
    answers: Mutex<Vec<&'static str>>,
    sent: Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl Mailer for Scripted {
    fn adapter(&self) -> &'static str {
        "scripted"
    }

    async fn send(&self, message: &EmailMessage) -> Result<(), MailError> {
        tokio::task::yield_now().await;
        let answer = { self.answers.lock().unwrap().pop() };
        match answer {
            Some("down") => Err(MailError::unavailable(std::io::Error::other("connection refused"))),
            Some("refused") => Err(MailError::Invalid("550 no such mailbox".into())),
            _ => {
                self.sent.lock().unwrap().push(message.subject.clone());
                Ok(())
            }
        }
    }
}

fn platform(answers: &[&'static str]) -> (Platform, Arc<emmaus_memory::ManualClock>, Arc<Scripted>) {
    let (p, clock) = Platform::in_memory("local");
    let mailer = Arc::new(Scripted::default());
    *mailer.answers.lock().unwrap() = answers.iter().rev().copied().collect();
    (Platform::new(PlatformParts { mailer: mailer.clone(), ..p.parts() }), clock, mailer)
}

fn message(subject: &str) -> EmailMessage {
    EmailMessage { to: "someone@example.test".into(), subject: subject.into(), text: "hello".into() }
}

#[tokio::test]
async fn a_failing_server_defers_with_backoff_then_delivers() {
    let (p, clock, mailer) = platform(&["down", "down"]);
    mail_queue::queue(&p, message("first")).await.unwrap();
    let run = |p: Platform| async move { mail_queue::deliver(&p, p.clock.now()).await.unwrap() };
    assert_eq!(run(p.clone()).await, Delivery { deferred: 1, ..Delivery::default() });
    assert_eq!(run(p.clone()).await, Delivery::default(), "not due again for a minute");
    clock.advance(Duration::from_mins(1));
    assert_eq!(run(p.clone()).await, Delivery { deferred: 1, ..Delivery::default() });
    clock.advance(Duration::from_secs(119));
    assert_eq!(run(p.clone()).await, Delivery::default(), "the second wait is two minutes");
    clock.advance(Duration::from_secs(1));
    assert_eq!(run(p.clone()).await, Delivery { sent: 1, ..Delivery::default() });
    assert_eq!(*mailer.sent.lock().unwrap(), ["first"]);
    clock.advance(Duration::from_hours(1));
    assert_eq!(run(p).await, Delivery::default(), "a sent message leaves the queue");
}

#[tokio::test]
async fn refused_messages_are_dropped_and_hopeless_ones_given_up() {
    let (p, clock, mailer) = platform(&["refused"]);
    mail_queue::queue(&p, message("refused")).await.unwrap();
    assert_eq!(mail_queue::deliver(&p, p.clock.now()).await.unwrap(), Delivery { dropped: 1, ..Delivery::default() });

    *mailer.answers.lock().unwrap() = vec!["down"; MAX_ATTEMPTS as usize];
    mail_queue::queue(&p, message("hopeless")).await.unwrap();
    let mut deferred = 0;
    for _ in 0..MAX_ATTEMPTS {
        let delivery = mail_queue::deliver(&p, p.clock.now()).await.unwrap();
        deferred += delivery.deferred;
        if delivery.dropped == 1 {
            break;
        }
        clock.advance(Duration::from_hours(4));
    }
    assert_eq!(deferred, MAX_ATTEMPTS - 1);
    assert!(mailer.sent.lock().unwrap().is_empty());
    clock.advance(Duration::from_hours(4));
    assert_eq!(mail_queue::deliver(&p, p.clock.now()).await.unwrap(), Delivery::default());
}

#[tokio::test]
async fn two_runs_at_once_send_each_message_once() {
    let (p, _, mailer) = platform(&[]);
    for i in 0..5 {
        mail_queue::queue(&p, message(&format!("m{i}"))).await.unwrap();
    }
    let now = p.clock.now();
    let (a, b) = tokio::join!(mail_queue::deliver(&p, now), mail_queue::deliver(&p, now));
    assert_eq!(a.unwrap().sent + b.unwrap().sent, 5);
    let mut sent = mailer.sent.lock().unwrap().clone();
    sent.sort();
    assert_eq!(sent, ["m0", "m1", "m2", "m3", "m4"]);
}

#[tokio::test]
async fn a_run_sends_at_most_its_share_oldest_first_and_says_more_is_waiting() {
    let (p, _, mailer) = platform(&[]);
    for i in 0..PER_RUN + 2 {
        mail_queue::queue(&p, message(&format!("m{i:03}"))).await.unwrap();
    }
    let first = mail_queue::deliver(&p, p.clock.now()).await.unwrap();
    assert_eq!(first, Delivery { sent: PER_RUN, more: true, ..Delivery::default() });
    assert_eq!(mailer.sent.lock().unwrap()[0], "m000");
    let second = mail_queue::deliver(&p, p.clock.now()).await.unwrap();
    assert_eq!(second, Delivery { sent: 2, ..Delivery::default() });
    assert_eq!(mail_queue::deliver(&p, p.clock.now()).await.unwrap(), Delivery::default());
}
