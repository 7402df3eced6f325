//! Where the SMTP tests find their real server (aiosmtpd from `scripts/lib/smtp.sh`), and how they
//! read back what it delivered into its Maildir.

use std::path::{Path, PathBuf};

use emmaus_ports::EmailMessage;
use mail_parser::MessageParser;

/// The server's URL and Maildir, or `None` after printing why the case is skipped. Under
/// `EMMAUS_REQUIRE_SMTP_TESTS=1` (set by `start_smtp_server`) a missing server fails the case
/// instead, so the gate can never pass by skipping them.
pub fn smtp_server() -> Option<(String, PathBuf)> {
    let url = std::env::var("EMMAUS_TEST_SMTP_URL").unwrap_or_default();
    let maildir = std::env::var("EMMAUS_TEST_SMTP_MAILDIR").unwrap_or_default();
    if !url.is_empty() && !maildir.is_empty() {
        return Some((url, PathBuf::from(maildir)));
    }
    let why = "EMMAUS_TEST_SMTP_URL and EMMAUS_TEST_SMTP_MAILDIR are not set \
               (scripts/lib/smtp.sh's start_smtp_server starts a server and sets them)";
    assert!(std::env::var("EMMAUS_REQUIRE_SMTP_TESTS").as_deref() != Ok("1"), "EMMAUS_REQUIRE_SMTP_TESTS=1 but {why}");
    eprintln!("skipped: {why}");
    None
}

/// One stored message: its envelope recipients (the `Delivered-To` lines the server prepends) and
/// the parsed message.
pub struct Stored {
    pub envelope: Vec<String>,
    pub raw: Vec<u8>,
}

impl Stored {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        MessageParser::default().parse(&self.raw).expect("the stored message parses")
    }

    /// Everyone a relay would deliver this to: the envelope, then any `To`/`Cc`/`Bcc` header
    /// address beyond it (so an injected header shows up as a recipient).
    pub fn recipients(&self) -> Vec<String> {
        let parsed = self.parsed();
        let mut all = self.envelope.clone();
        for header in [parsed.to(), parsed.cc(), parsed.bcc()].into_iter().flatten() {
            for address in header.iter().filter_map(|a| a.address()) {
                if !all.iter().any(|known| known.eq_ignore_ascii_case(address)) {
                    all.push(address.to_owned());
                }
            }
        }
        all
    }
}

/// Every message in `maildir/new` in the order of arrival (the server numbers the files).
pub fn stored(maildir: &Path) -> Vec<Stored> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(maildir.join("new"))
        .expect("the Maildir exists")
        .map(|entry| entry.expect("a Maildir entry").path())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|path| {
            let raw = std::fs::read(&path).expect("a stored message is readable");
            let head = String::from_utf8_lossy(&raw[..raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(0)]);
            let envelope = head.lines().filter_map(|l| l.strip_prefix("Delivered-To: ")).map(str::to_owned).collect();
            Stored { envelope, raw }
        })
        .collect()
}

/// What arrived for the recipients containing `namespace`, one message per recipient, decoded:
/// RFC 2047 subjects and quoted-printable or base64 bodies back to text, SMTP's CRLF back to LF.
pub fn received(maildir: &Path, namespace: &str) -> Vec<EmailMessage> {
    let mut messages = Vec::new();
    for message in stored(maildir) {
        let recipients = message.recipients();
        if !recipients.iter().any(|r| r.contains(namespace)) {
            continue;
        }
        let parsed = message.parsed();
        let subject = parsed.subject().unwrap_or_default().to_owned();
        let text = parsed.body_text(0).unwrap_or_default().replace("\r\n", "\n");
        for to in recipients {
            messages.push(EmailMessage { to, subject: subject.clone(), text: text.clone() });
        }
    }
    messages
}
