//! What only a real SMTP server shows: its refusals mapped to `Invalid` or `Unavailable`, TLS
//! demanded and never silently dropped, and the headers a mail client expects. Same server and
//! skipping rules as `conformance.rs`.

mod support;

use emmaus_ports::{EmailMessage, MailError, Mailer};
use emmaus_smtp::SmtpMailer;
use mail_parser::MimeHeaders as _;

const FROM: &str = "Emmaus <noreply@emmaus.test>";

fn message(to: &str) -> EmailMessage {
    EmailMessage { to: to.to_owned(), subject: "Hi".to_owned(), text: "Hello\n".to_owned() }
}

#[tokio::test]
async fn a_permanent_refusal_is_invalid_and_a_temporary_one_unavailable() {
    let Some((url, _)) = support::smtp_server() else { return };
    let mailer = SmtpMailer::from_url(&url, FROM).unwrap();
    // The test server answers 550 for `@reject.test` and 451 for `@later.test` (scripts/smtp/server.py).
    match mailer.send(&message("someone@reject.test")).await {
        Err(MailError::Invalid(why)) => assert!(why.contains("550") && why.contains("mailbox unavailable"), "{why}"),
        other => panic!("a 550 must be Invalid, got {other:?}"),
    }
    let result = mailer.send(&message("someone@later.test")).await;
    assert!(matches!(result, Err(MailError::Unavailable(_))), "a 451 must be Unavailable, got {result:?}");
}

#[tokio::test]
async fn tls_is_required_when_the_url_asks_for_it() {
    let Some((url, maildir)) = support::smtp_server() else { return };
    let address = url.strip_prefix("smtp+insecure://").expect("the test server is plain");
    let namespace = emmaus_testkit::unique_namespace("smtp-tls");
    let to = format!("tls.{namespace}@example.test");
    // The test server offers no STARTTLS and speaks no TLS: both must fail rather than send in clear.
    for url in [format!("smtp://{address}"), format!("smtps://{address}")] {
        let result = SmtpMailer::from_url(&url, FROM).unwrap().send(&message(&to)).await;
        assert!(matches!(result, Err(MailError::Unavailable(_))), "{url}: expected Unavailable, got {result:?}");
    }
    assert_eq!(support::received(&maildir, &namespace), []);
}

#[tokio::test]
async fn stored_messages_carry_the_headers_mail_clients_expect() {
    let Some((url, maildir)) = support::smtp_server() else { return };
    let namespace = emmaus_testkit::unique_namespace("smtp-headers");
    let to = format!("headers.{namespace}@example.test");
    SmtpMailer::from_url(&url, FROM).unwrap().send(&message(&to)).await.unwrap();
    let stored = support::stored(&maildir);
    let stored = stored.iter().find(|m| m.envelope == [to.clone()]).expect("the message arrived");
    let parsed = stored.parsed();
    let from = parsed.from().and_then(|f| f.first()).expect("a From header");
    assert_eq!((from.name(), from.address()), (Some("Emmaus"), Some("noreply@emmaus.test")));
    assert_eq!(parsed.to().and_then(|t| t.first()).and_then(|t| t.address()), Some(to.as_str()));
    assert!(parsed.message_id().is_some_and(|id| id.ends_with("@emmaus.test")), "{:?}", parsed.message_id());
    assert!(parsed.date().is_some(), "a Date header");
    let content_type = parsed.content_type().expect("a Content-Type header");
    assert_eq!((content_type.ctype(), content_type.subtype()), ("text", Some("plain")));
    assert_eq!(content_type.attribute("charset"), Some("utf-8"));
    let raw = String::from_utf8_lossy(&stored.raw);
    assert!(raw.starts_with(&format!("Return-Path: <noreply@emmaus.test>\r\nDelivered-To: {to}\r\n")), "{raw}");
}
