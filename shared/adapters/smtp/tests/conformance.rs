//! The SMTP adapter against the mailer conformance suite, on a real SMTP server (aiosmtpd, started
//! by `scripts/lib/smtp.sh`) whose Maildir is read back. Without a configured server each case says
//! why and passes; under `EMMAUS_REQUIRE_SMTP_TESTS=1` it fails instead.

mod support;

use std::sync::Arc;

use emmaus_ports::Mailer;
use emmaus_smtp::SmtpMailer;
use emmaus_testkit::mailer::{MailerHarness, Received};

const FROM: &str = "Emmaus <noreply@emmaus.test>";

/// A loopback port nothing listens on: bound, then released.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[expect(clippy::unused_async, reason = "the conformance macro awaits every harness builder")]
async fn smtp() -> Option<MailerHarness> {
    let (url, maildir) = support::smtp_server()?;
    let mailer = SmtpMailer::from_url(&url, FROM).expect("the test server's URL is accepted");
    assert_eq!(mailer.adapter(), "smtp");
    let unreachable = SmtpMailer::from_url(&format!("smtp+insecure://127.0.0.1:{}", closed_port()), FROM).unwrap();
    // The namespace is chosen before the reader needs it, so build the harness, then its reader.
    let mut harness = MailerHarness::new(Arc::new(mailer), Arc::new(|| Box::pin(async { Vec::new() })), "smtp")
        .with_unreachable(Arc::new(unreachable));
    let namespace = harness.namespace.clone();
    let received: Received = Arc::new(move || {
        let (maildir, namespace) = (maildir.clone(), namespace.clone());
        // The server has answered 250 only after writing the file, so it is there to read.
        Box::pin(async move { support::received(&maildir, &namespace) })
    });
    harness.received = received;
    Some(harness)
}

emmaus_testkit::mailer_conformance_tests!(optional smtp);
