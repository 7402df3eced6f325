//! The Postmark adapter against the mailer conformance suite, through `emmaus-reqwest` to the
//! protocol-exact test double of Postmark's Email API in `double/`, one double per case.

mod double;

use std::sync::Arc;
use std::time::Duration;

use emmaus_ports::Mailer;
use emmaus_postmark::PostmarkMailer;
use emmaus_reqwest::ReqwestHttp;
use emmaus_testkit::mailer::MailerHarness;
use secrecy::SecretString;

use double::{PostmarkDouble, TOKEN};

pub fn mailer(base_url: &str) -> PostmarkMailer {
    let http = Arc::new(ReqwestHttp::new(Duration::from_secs(10)).expect("an HTTP client"));
    PostmarkMailer::new(http, &SecretString::from(TOKEN), "Emmaus <noreply@emmaus.test>")
        .and_then(|mailer| mailer.with_base_url(base_url))
        .expect("the double's settings are accepted")
}

async fn postmark() -> MailerHarness {
    let double = Arc::new(PostmarkDouble::start().await);
    let mailer = mailer(&double.base_url);
    assert_eq!(mailer.adapter(), "postmark");
    // A loopback port nothing listens on: bound, then released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let unreachable = self::mailer(&format!("http://127.0.0.1:{closed}"));
    MailerHarness::new(Arc::new(mailer), double.received(), "postmark")
        .with_unreachable(Arc::new(unreachable))
        .guarding(double)
}

emmaus_testkit::mailer_conformance_tests!(postmark);

// What the suite cannot see: the exact request, and how Postmark's refusals and outages map.

fn message(to: &str) -> emmaus_ports::EmailMessage {
    emmaus_ports::EmailMessage { to: to.to_owned(), subject: "Hi Zoë".to_owned(), text: "Hello\n".to_owned() }
}

#[tokio::test]
async fn the_request_is_postmarks_send_a_single_email() {
    let double = PostmarkDouble::start().await;
    mailer(&format!("{}/", double.base_url)).send(&message("ana@example.test")).await.unwrap();
    let [request] = double.requests().try_into().expect("one request");
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header("accept"), "application/json");
    assert_eq!(header("content-type"), "application/json");
    assert_eq!(header("x-postmark-server-token"), TOKEN);
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    let expected = serde_json::json!({
        "From": "Emmaus <noreply@emmaus.test>",
        "To": "ana@example.test",
        "Subject": "Hi Zoë",
        "TextBody": "Hello\n",
        "MessageStream": "outbound",
    });
    assert_eq!(body, expected);
}

#[tokio::test]
async fn refusals_are_invalid_and_say_why_without_the_token() {
    let double = PostmarkDouble::start().await;
    let http = Arc::new(ReqwestHttp::new(Duration::from_secs(10)).unwrap());
    let wrong = PostmarkMailer::new(http, &SecretString::from("wrong-token-123"), "noreply@emmaus.test")
        .and_then(|m| m.with_base_url(&double.base_url))
        .unwrap();
    match wrong.send(&message("ana@example.test")).await {
        Err(emmaus_ports::MailError::Invalid(why)) => {
            assert!(why.contains("server token") && !why.contains("wrong-token-123"), "{why}");
        }
        other => panic!("a wrong token must be Invalid, got {other:?}"),
    }
    let other_stream = mailer(&double.base_url).with_message_stream("newsletters");
    match other_stream.send(&message("ana@example.test")).await {
        Err(emmaus_ports::MailError::Invalid(why)) => assert!(why.contains("ErrorCode 1235"), "{why}"),
        other => panic!("an unknown stream must be Invalid, got {other:?}"),
    }
    double.answer_next(422, serde_json::json!({ "ErrorCode": 406, "Message": "You tried to send to a recipient that has been marked as inactive." }));
    match mailer(&double.base_url).send(&message("ana@example.test")).await {
        Err(emmaus_ports::MailError::Invalid(why)) => assert!(why.contains("inactive") && why.contains("406"), "{why}"),
        other => panic!("a 422 must be Invalid, got {other:?}"),
    }
    assert_eq!(double.delivered(), []);
}

#[tokio::test]
async fn rate_limits_and_outages_are_unavailable() {
    let double = PostmarkDouble::start().await;
    double.answer_next(429, serde_json::json!({ "ErrorCode": 429, "Message": "Rate limit exceeded." }));
    double.answer_next(503, serde_json::json!({ "ErrorCode": 100, "Message": "Maintenance." }));
    double.answer_next(500, serde_json::json!({ "ErrorCode": 0, "Message": "Internal Server Error." }));
    let mailer = mailer(&double.base_url);
    for status in [429, 503, 500] {
        let result = mailer.send(&message("ana@example.test")).await;
        assert!(matches!(result, Err(emmaus_ports::MailError::Unavailable(_))), "{status}: got {result:?}");
    }
    mailer.send(&message("ana@example.test")).await.expect("the next one goes through");
    assert_eq!(double.delivered(), [message("ana@example.test")]);
}

#[test]
fn settings_are_checked_and_the_token_never_shown() {
    let http = || Arc::new(ReqwestHttp::new(Duration::from_secs(10)).unwrap()) as Arc<dyn emmaus_ports::HttpClient>;
    let token = SecretString::from("secret-token-456");
    let mailer = PostmarkMailer::new(http(), &token, "noreply@emmaus.test").unwrap();
    assert!(!format!("{mailer:?}").contains("secret-token-456"));
    assert!(PostmarkMailer::new(http(), &SecretString::from(" "), "noreply@emmaus.test").is_err());
    assert!(PostmarkMailer::new(http(), &SecretString::from("bad\ntoken"), "noreply@emmaus.test").is_err());
    assert!(PostmarkMailer::new(http(), &token, "nobody").is_err());
    assert!(PostmarkMailer::new(http(), &token, "a@b.test\r\nBcc: x@evil.test").is_err());
    let base = |url: &str| PostmarkMailer::new(http(), &token, "noreply@emmaus.test").unwrap().with_base_url(url);
    assert!(base("https://api.postmarkapp.com").is_ok());
    assert!(base("http://[::1]:8080").is_ok());
    for refused in ["http://api.postmarkapp.com", "ftp://example.org", "api.postmarkapp.com", "not a url"] {
        assert!(base(refused).is_err(), "{refused}");
    }
}
