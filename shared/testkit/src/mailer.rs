//! The mailer conformance suite: the `Mailer` contract of `emmaus_ports::mailer`, case by case,
//! checked by reading back what the far side (an SMTP server's mailbox, a mail API, the outbox)
//! received.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use emmaus_ports::{EmailMessage, MailError, Mailer};

/// Reads back every message the far side received for this harness, in the order it received
/// them, one per recipient it would deliver to (so an extra recipient shows up as an extra message).
pub type Received = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Vec<EmailMessage>> + Send>> + Send + Sync>;

pub struct MailerHarness {
    pub mailer: Arc<dyn Mailer>,
    pub received: Received,
    /// A mailer of the same adapter whose peer cannot be reached, for adapters that can build one.
    pub unreachable: Option<Arc<dyn Mailer>>,
    /// Part of every recipient address, so cases sharing one server can tell their messages apart.
    pub namespace: String,
    /// Whatever must outlive the case (a server, a temporary folder), dropped after it.
    pub guard: Option<Box<dyn std::any::Any + Send + Sync>>,
}

impl std::fmt::Debug for MailerHarness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailerHarness")
            .field("mailer", &self.mailer)
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl MailerHarness {
    pub fn new(mailer: Arc<dyn Mailer>, received: Received, label: &str) -> Self {
        Self { mailer, received, unreachable: None, namespace: crate::unique_namespace(label), guard: None }
    }

    #[must_use]
    pub fn with_unreachable(mut self, mailer: Arc<dyn Mailer>) -> Self {
        self.unreachable = Some(mailer);
        self
    }

    #[must_use]
    pub fn guarding(mut self, guard: impl std::any::Any + Send + Sync) -> Self {
        self.guard = Some(Box::new(guard));
        self
    }

    /// A recipient address unique to this harness; `example.test` is reserved and never delivers.
    pub fn address(&self, who: &str) -> String {
        format!("{who}.{}@example.test", self.namespace)
    }

    async fn received(&self) -> Vec<EmailMessage> {
        (self.received)().await
    }

    fn message(&self, who: &str, subject: &str, text: &str) -> EmailMessage {
        EmailMessage { to: self.address(who), subject: subject.to_owned(), text: text.to_owned() }
    }

    async fn send_and_expect_intact(&self, message: EmailMessage) {
        self.mailer.send(&message).await.unwrap_or_else(|e| panic!("sending {:?} failed: {e:?}", message.subject));
        assert_eq!(self.received().await, [message]);
    }
}

/// Expands to one `#[tokio::test]` per case, each calling `$make().await` for a fresh harness.
#[macro_export]
macro_rules! mailer_conformance_tests {
    ($make:path) => {
        $crate::__mailer_cases!(@tests $make);
    };
    // For adapters behind a server the run may not have: `$make` returns `Option<Harness>`, and a
    // `None` (after saying why, or failing under `scripts/test`) skips the case.
    (optional $make:path) => {
        $crate::__mailer_cases!(@optional $make);
    };
    (@cases $make:path; $($case:ident),* $(,)?) => {
        $crate::__mailer_cases!(@expand [@tests $make] $($case),*);
    };
}

/// The one list of cases, expanded as tests (`@tests make`) or as the table of [`mailer_cases`] (`@table`).
#[doc(hidden)]
#[macro_export]
macro_rules! __mailer_cases {
    (@expand [@tests $make:path] $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                $crate::mailer::$case($make().await).await;
            }
        )*
    };
    (@expand [@optional $make:path] $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                if let Some(harness) = $make().await {
                    $crate::mailer::$case(harness).await;
                }
            }
        )*
    };
    (@expand [@table] $($case:ident),* $(,)?) => {
        vec![$((
            stringify!($case),
            (|h: $crate::mailer::MailerHarness| -> $crate::CaseFuture { Box::pin($crate::mailer::$case(h)) }) as $crate::mailer::MailerCase,
        )),*]
    };
    ($($mode:tt)*) => {
        $crate::__mailer_cases! { @expand [$($mode)*]
            a_message_arrives_intact,
            non_ascii_subjects_and_bodies_arrive_intact,
            long_lines_arrive_intact,
            dots_blank_lines_and_indents_arrive_intact,
            several_messages_arrive_in_order,
            invalid_recipients_are_refused,
            header_injection_is_refused_or_neutralised,
            an_unreachable_peer_is_unavailable,
        }
    };
}

/// One case of the suite: takes a fresh harness, panics when the adapter breaks the contract.
pub type MailerCase = fn(MailerHarness) -> crate::CaseFuture;

/// Every case by name, the same list the tests macro expands.
pub fn mailer_cases() -> Vec<(&'static str, MailerCase)> {
    crate::__mailer_cases!(@table)
}

fn invalid(result: &Result<(), MailError>, what: &str) {
    assert!(matches!(result, Err(MailError::Invalid(_))), "{what}: expected Invalid, got {result:?}");
}

pub async fn a_message_arrives_intact(h: MailerHarness) {
    let message = h.message("ana", "Your invitation", "Hello Ana,\n\nJoin here: https://emmaus.test/join?t=abc123\n");
    h.send_and_expect_intact(message).await;
}

pub async fn non_ascii_subjects_and_bodies_arrive_intact(h: MailerHarness) {
    let text = "Grüß Gott, Zoë!\nÜnïcödé — Römer 12 🙏✝️\n日本語のテキスト\n";
    h.send_and_expect_intact(h.message("zoe", "Ünïcödé — Römer 12 🙏", text)).await;
}

/// SMTP allows 998 octets per line, so longer lines (and long subjects) must be encoded and folded
/// on the way and arrive unchanged.
pub async fn long_lines_arrive_intact(h: MailerHarness) {
    let ascii: String = (0..1500).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    let link = format!("https://emmaus.test/reset?token={}", "x".repeat(1200));
    let umlauts = "Größenordnung ".repeat(100);
    let text = format!("{ascii}\n{link}\n{umlauts}\nend\n");
    let subject = format!("A long subject that must be folded: {}", "Römer 12 ".repeat(20));
    h.send_and_expect_intact(h.message("long", subject.trim_end(), &text)).await;
}

/// SMTP ends data with a lone dot and some relays rewrite lines starting with `From `.
pub async fn dots_blank_lines_and_indents_arrive_intact(h: MailerHarness) {
    let text = ".\n..\n.hidden\n\n\nFrom here on\n    indented\n\ttabbed\nlast line without newline";
    h.send_and_expect_intact(h.message("dots", "Dots", text)).await;
}

pub async fn several_messages_arrive_in_order(h: MailerHarness) {
    let messages: Vec<EmailMessage> = (1..=5)
        .map(|n| h.message(if n % 2 == 0 { "even" } else { "odd" }, &format!("Message {n}"), &format!("Body {n}\n")))
        .collect();
    for message in &messages {
        h.mailer.send(message).await.unwrap();
    }
    assert_eq!(h.received().await, messages);
}

/// Each is refused without reaching anyone: a list or a display name would let a caller's value
/// add recipients, and a line break would let it add headers.
pub async fn invalid_recipients_are_refused(h: MailerHarness) {
    let ok = h.address("ok");
    let candidates = [
        String::new(),
        "not an address".to_owned(),
        "no-at-sign.example.test".to_owned(),
        format!("{ok}, x@evil.test"),
        format!("{ok}; x@evil.test"),
        format!("Someone <{ok}>"),
        format!("{ok}\r\nBcc: x@evil.test"),
        format!("{ok}\n"),
    ];
    for to in candidates {
        let message = EmailMessage { to: to.clone(), subject: "Hi".to_owned(), text: "Hello\n".to_owned() };
        invalid(&h.mailer.send(&message).await, &format!("recipient {to:?}"));
    }
    assert_eq!(h.received().await, []);
}

/// A line break in a subject must not become a header: refused, or sent with nobody else receiving it.
pub async fn header_injection_is_refused_or_neutralised(h: MailerHarness) {
    let to = h.address("target");
    for subject in ["Hi\r\nBcc: x@evil.test", "Hi\nBcc: x@evil.test", "Hi\rCc: x@evil.test"] {
        let message = EmailMessage { to: to.clone(), subject: subject.to_owned(), text: "Hello\n".to_owned() };
        let result = h.mailer.send(&message).await;
        assert!(
            matches!(result, Ok(()) | Err(MailError::Invalid(_))),
            "subject {subject:?}: expected Invalid or a neutralised send, got {result:?}"
        );
    }
    let received = h.received().await;
    let recipients: Vec<&str> = received.iter().map(|m| m.to.as_str()).collect();
    assert!(recipients.iter().all(|r| *r == to), "only the addressee may receive it, got {recipients:?}");
    assert!(received.len() <= 3, "one message per accepted send, got {received:?}");
}

pub async fn an_unreachable_peer_is_unavailable(h: MailerHarness) {
    let Some(unreachable) = &h.unreachable else {
        eprintln!("skipped: {} has no unreachable instance", h.mailer.adapter());
        return;
    };
    let result = unreachable.send(&h.message("ana", "Hi", "Hello\n")).await;
    assert!(matches!(result, Err(MailError::Unavailable(_))), "expected Unavailable, got {result:?}");
}
