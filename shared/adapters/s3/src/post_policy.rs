//! S3's browser-based upload form (POST Object): the policy document and its Signature Version 4 signature.
//!
//! The policy lists every condition S3 checks before it stores the file; the form's fields must
//! match it exactly. See "Browser-Based Uploads Using POST (AWS Signature Version 4)" in the S3
//! API reference: the string to sign is the base64 policy, the key is the usual signing key of Signature Version 4.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What one upload form allows.
pub(crate) struct PostPolicy<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub content_type: &'a str,
    pub max_size: u64,
    pub region: &'a str,
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
    pub now_unix: i64,
    pub expires_unix: i64,
}

impl PostPolicy<'_> {
    /// The form's fields in order, the signed policy among them; the file goes after them.
    pub fn fields(&self) -> Vec<(String, String)> {
        let date = sigv4_time(self.now_unix);
        let day = &date[..8];
        let credential = format!("{}/{day}/{}/s3/aws4_request", self.access_key_id, self.region);
        let mut fields = vec![
            ("key".to_owned(), self.key.to_owned()),
            ("Content-Type".to_owned(), self.content_type.to_owned()),
            ("x-amz-algorithm".to_owned(), "AWS4-HMAC-SHA256".to_owned()),
            ("x-amz-credential".to_owned(), credential),
            ("x-amz-date".to_owned(), date.clone()),
        ];
        if let Some(token) = self.session_token {
            fields.push(("x-amz-security-token".to_owned(), token.to_owned()));
        }
        let mut conditions = vec![
            serde_json::json!({ "bucket": self.bucket }),
            serde_json::json!(["content-length-range", 1, self.max_size]),
        ];
        conditions.extend(fields.iter().map(|(name, value)| serde_json::json!({ name: value })));
        let policy = serde_json::json!({ "expiration": iso8601(self.expires_unix), "conditions": conditions });
        let policy = STANDARD.encode(policy.to_string());
        let signature =
            hex::encode(hmac(&signing_key(self.secret_access_key, day, self.region, "s3"), policy.as_bytes()));
        fields.push(("policy".to_owned(), policy));
        fields.push(("x-amz-signature".to_owned(), signature));
        fields
    }
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The Signature Version 4 signing key for `service` in `region` on `day` (`YYYYMMDD`).
fn signing_key(secret: &str, day: &str, region: &str, service: &str) -> Vec<u8> {
    let key = hmac(format!("AWS4{secret}").as_bytes(), day.as_bytes());
    let key = hmac(&key, region.as_bytes());
    let key = hmac(&key, service.as_bytes());
    hmac(&key, b"aws4_request")
}

/// `2026-12-05T08:00:00.000Z`, the policy's expiration format.
fn iso8601(unix: i64) -> String {
    let (year, month, day, hour, minute, second) = civil(unix);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.000Z")
}

/// `20261205T080000Z`, the Signature Version 4 `x-amz-date`.
fn sigv4_time(unix: i64) -> String {
    let (year, month, day, hour, minute, second) = civil(unix);
    format!("{year:04}{month:02}{day:02}T{hour:02}{minute:02}{second:02}Z")
}

/// The UTC calendar date and time of a Unix time (days to civil, after Howard Hinnant).
fn civil(unix: i64) -> (i64, u32, u32, u32, u32, u32) {
    let (days, seconds) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    let seconds = u32::try_from(seconds).unwrap_or(0);
    (year, month, day, seconds / 3600, seconds % 3600 / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(sigv4_time(1_796_428_800), "20261205T000000Z");
        assert_eq!(iso8601(951_782_400 + 3_661), "2000-02-29T01:01:01.000Z");
    }

    /// The signing key example from AWS's "Examples of how to derive a signing key for Signature Version 4".
    #[test]
    fn the_signing_key_is_sigv4s() {
        let key = signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        assert_eq!(hex::encode(key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    }

    #[test]
    fn the_policy_fixes_key_and_type_and_bounds_the_size() {
        let policy = PostPolicy {
            bucket: "files",
            key: "hub/o/r/original",
            content_type: "application/pdf",
            max_size: 1000,
            region: "eu-west-1",
            access_key_id: "AKID",
            secret_access_key: "secret",
            session_token: Some("token"),
            now_unix: 1_796_428_800,
            expires_unix: 1_796_429_700,
        };
        let fields = policy.fields();
        let field = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap();
        let document: serde_json::Value = serde_json::from_slice(&STANDARD.decode(field("policy")).unwrap()).unwrap();
        assert_eq!(document["expiration"], "2026-12-05T00:15:00.000Z");
        let conditions = document["conditions"].as_array().unwrap();
        for expected in [
            serde_json::json!({ "bucket": "files" }),
            serde_json::json!(["content-length-range", 1, 1000]),
            serde_json::json!({ "key": "hub/o/r/original" }),
            serde_json::json!({ "Content-Type": "application/pdf" }),
            serde_json::json!({ "x-amz-credential": "AKID/20261205/eu-west-1/s3/aws4_request" }),
            serde_json::json!({ "x-amz-security-token": "token" }),
        ] {
            assert!(conditions.contains(&expected), "{expected} in {conditions:?}");
        }
        let expected =
            hex::encode(hmac(&signing_key("secret", "20261205", "eu-west-1", "s3"), field("policy").as_bytes()));
        assert_eq!(field("x-amz-signature"), expected);
        assert_eq!(fields.last().unwrap().0, "x-amz-signature");
    }
}
