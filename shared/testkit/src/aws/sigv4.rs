//! Checks a presigned URL the way S3 does before serving it: the Signature V4 query signature, and the
//! validity window against the test's clock.
//!
//! moto serves presigned URLs without checking either, so the harness does it in front of the
//! real GET; against AWS this is a second, stricter-or-equal check. Only what our presigned GETs
//! use is supported: `AWS4-HMAC-SHA256`, `UNSIGNED-PAYLOAD`, and `host` as the one signed header
//! (a URL needing more headers could not be opened by a plain browser anyway). Shared by the S3
//! adapters' native tests and the Spin conformance component, so it parses with `http` alone.

use hmac::{Hmac, Mac as _};
use sha2::{Digest as _, Sha256};

/// Why S3 would refuse the URL.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    Malformed(&'static str),
    BadSignature,
    Expired,
    NotYetValid,
}

/// Verifies `url` (a presigned GET) with the secret key, at `now` (Unix seconds).
pub fn verify(url: &str, secret: &str, now: i64) -> Result<(), Refusal> {
    let url: http::Uri = url.parse().map_err(|_| Refusal::Malformed("url"))?;
    let params = query_pairs(url.query().unwrap_or_default()).ok_or(Refusal::Malformed("query"))?;
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let (Some(algorithm), Some(credential), Some(date), Some(expires), Some(signed_headers), Some(signature)) = (
        param("X-Amz-Algorithm"),
        param("X-Amz-Credential"),
        param("X-Amz-Date"),
        param("X-Amz-Expires"),
        param("X-Amz-SignedHeaders"),
        param("X-Amz-Signature"),
    ) else {
        return Err(Refusal::Malformed("missing X-Amz-* parameter"));
    };
    if algorithm != "AWS4-HMAC-SHA256" || signed_headers != "host" {
        return Err(Refusal::Malformed("algorithm or signed headers"));
    }
    let scope = credential.split_once('/').ok_or(Refusal::Malformed("credential"))?.1;
    let scope_parts: Vec<&str> = scope.split('/').collect();
    let [day, region, service, "aws4_request"] = scope_parts[..] else {
        return Err(Refusal::Malformed("credential scope"));
    };

    let mut query: Vec<(String, String)> =
        params.iter().filter(|(k, _)| k != "X-Amz-Signature").map(|(k, v)| (encode(k), encode(v))).collect();
    query.sort();
    let query = query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    // The authority as sent: `Host` carries the port when the URL names one.
    let host = url.authority().map(|a| a.as_str().rsplit_once('@').map_or(a.as_str(), |(_, h)| h)).unwrap_or_default();
    // The path is already encoded once in the URL, which is how S3 signs it (no double encoding).
    let canonical = format!("GET\n{}\n{query}\nhost:{host}\n\nhost\nUNSIGNED-PAYLOAD", url.path());
    let to_sign = format!("{algorithm}\n{date}\n{scope}\n{}", hex::encode(Sha256::digest(canonical.as_bytes())));
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), day.as_bytes());
    for part in [region, service, "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    if hex::encode(hmac(&key, to_sign.as_bytes())) != signature {
        return Err(Refusal::BadSignature);
    }

    let signed_at = parse_amz_date(date).ok_or(Refusal::Malformed("X-Amz-Date"))?;
    let expires: i64 = expires.parse().map_err(|_| Refusal::Malformed("X-Amz-Expires"))?;
    if now < signed_at {
        return Err(Refusal::NotYetValid);
    }
    if now >= signed_at + expires {
        return Err(Refusal::Expired);
    }
    Ok(())
}

/// `application/x-www-form-urlencoded` pairs, percent-decoded (`+` is a space); `None` when malformed.
fn query_pairs(query: &str) -> Option<Vec<(String, String)>> {
    let decode = |text: &str| -> Option<String> {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'%' => {
                    out.push(u8::from_str_radix(std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?, 16).ok()?);
                    i += 3;
                }
                b'+' => {
                    out.push(b' ');
                    i += 1;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).ok()
    };
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(name)?, decode(value)?))
        })
        .collect()
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// Signature V4 URI encoding: everything but the unreserved characters, upper-case hex.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `20260101T000000Z` as Unix seconds.
fn parse_amz_date(date: &str) -> Option<i64> {
    let field = |range: std::ops::Range<usize>| date.get(range)?.parse::<i64>().ok();
    if date.len() != 16 || &date[8..9] != "T" || !date.ends_with('Z') {
        return None;
    }
    let (year, month, day) = (field(0..4)?, field(4..6)?, field(6..8)?);
    let (hour, minute, second) = (field(9..11)?, field(11..13)?, field(13..15)?);
    // Days from the civil date (Howard Hinnant's algorithm), valid for the proleptic Gregorian calendar.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode() {
        let pairs = query_pairs("a=1%2F2&b=x+y&c").unwrap();
        assert_eq!(pairs, [("a".into(), "1/2".into()), ("b".into(), "x y".into()), ("c".into(), String::new())]);
        assert_eq!(query_pairs("a=%zz"), None);
    }

    #[test]
    fn amz_dates_are_unix_seconds() {
        assert_eq!(parse_amz_date("19700101T000000Z"), Some(0));
        assert_eq!(parse_amz_date("20260101T000000Z"), Some(1_767_225_600));
        assert_eq!(parse_amz_date("20240229T120000Z"), Some(1_709_208_000));
        assert_eq!(parse_amz_date("2026-01-01"), None);
    }
}
