//! What Postmark's answer means for the caller: its documented statuses and `ErrorCode`s, mapped to
//! refusals that will not pass (`Invalid`) and failures that may (`Unavailable`).

use emmaus_ports::MailError;

/// Postmark's answer body, `{"ErrorCode": 300, "Message": "…"}`; a success has `ErrorCode` 0 (and
/// `To`, `SubmittedAt`, `MessageID`, which the port has no use for).
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    error_code: i64,
    #[serde(default)]
    message: String,
}

/// A failure Postmark reported, kept as the source of `MailError::Unavailable`.
#[derive(Debug, thiserror::Error)]
#[error("Postmark answered {status}: {message}")]
pub struct PostmarkError {
    pub status: u16,
    /// Postmark's `ErrorCode`, when the body carried one.
    pub error_code: Option<i64>,
    pub message: String,
}

/// A caller's log may show this, so it is bounded; Postmark's messages are a sentence.
fn shorten(message: &str) -> String {
    message.chars().take(500).collect()
}

pub fn interpret(status: u16, body: &[u8]) -> Result<(), MailError> {
    let answer = serde_json::from_slice::<Answer>(body).ok();
    let (error_code, message) = match &answer {
        Some(answer) => (Some(answer.error_code), shorten(&answer.message)),
        None => (None, "the body is not Postmark's JSON answer".to_owned()),
    };
    let code = error_code.map(|code| format!(" (ErrorCode {code})")).unwrap_or_default();
    match status {
        200 if error_code == Some(0) => Ok(()),
        // Postmark answers errors with 422; a 200 that is not `ErrorCode` 0 is not a success either.
        200 if error_code.is_some() => {
            Err(MailError::Invalid(format!("Postmark did not accept the message: {message}{code}")))
        }
        401 => Err(MailError::Invalid(
            "Postmark refused the server token (401 Unauthorized): configure the API token of the Postmark \
             server this mail is sent from"
                .into(),
        )),
        413 => Err(MailError::Invalid("the message is larger than Postmark accepts (413 Payload Too Large)".into())),
        422 => Err(MailError::Invalid(format!("Postmark refused the message: {message}{code}"))),
        // Rate limits and outages pass; so may a 200 whose body was cut off on the way.
        200 | 408 | 429 | 500..=599 => Err(MailError::unavailable(PostmarkError { status, error_code, message })),
        _ => Err(MailError::Invalid(format!(
            "Postmark answered {status}, which the Email API does not: {message}{code}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(status: u16, body: &str) -> String {
        match interpret(status, body.as_bytes()) {
            Err(MailError::Invalid(why)) => why,
            other => panic!("{status} {body}: expected Invalid, got {other:?}"),
        }
    }

    fn unavailable(status: u16, body: &str) {
        let result = interpret(status, body.as_bytes());
        assert!(matches!(result, Err(MailError::Unavailable(_))), "{status} {body}: got {result:?}");
    }

    #[test]
    fn error_code_zero_is_success() {
        let body = r#"{"To":"ana@example.org","SubmittedAt":"2014-02-17T07:25:01.4178645-05:00",
            "MessageID":"0a129aee-e1cd-480d-b08d-4f48548ff48d","ErrorCode":0,"Message":"OK"}"#;
        assert!(interpret(200, body.as_bytes()).is_ok());
    }

    #[test]
    fn refusals_are_invalid_and_say_why() {
        let why = invalid(422, r#"{"ErrorCode":300,"Message":"Invalid 'To' address: 'ana'."}"#);
        assert_eq!(why, "Postmark refused the message: Invalid 'To' address: 'ana'. (ErrorCode 300)");
        assert!(invalid(422, r#"{"ErrorCode":406,"Message":"Inactive recipient"}"#).contains("Inactive recipient"));
        assert!(invalid(401, r#"{"ErrorCode":10,"Message":"Bad or missing API token"}"#).contains("server token"));
        assert!(invalid(413, "").contains("larger"));
        assert!(invalid(200, r#"{"ErrorCode":405,"Message":"Not allowed to send"}"#).contains("Not allowed"));
        assert!(invalid(404, "<html>").contains("404"));
    }

    #[test]
    fn rate_limits_outages_and_garbled_successes_are_unavailable() {
        unavailable(429, r#"{"ErrorCode":429,"Message":"Rate limit exceeded"}"#);
        unavailable(500, r#"{"ErrorCode":0,"Message":"Internal Server Error"}"#);
        unavailable(503, "Service Unavailable");
        unavailable(200, "");
    }
}
