//! A second factor: time-based one-time passwords (RFC 6238: HOTP of RFC 4226 over 30-second
//! steps, HMAC-SHA1, 6 digits, the parameters every authenticator app reads from an `otpauth://`
//! URI) and one-time recovery codes.
//!
//! No clock and no randomness here: the time comes in as a [`Timestamp`], secrets and codes are
//! made from bytes the caller drew from the ids port.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::time::Timestamp;

/// 160 bits, the length RFC 4226 recommends and the size of an HMAC-SHA1 block's output.
pub const SECRET_BYTES: usize = 20;
pub const DIGITS: usize = 6;
pub const STEP_SECONDS: i64 = 30;
/// Steps either side of now that still count, for phones whose clocks are a little off.
pub const DRIFT_STEPS: i64 = 1;
/// Recovery codes issued at enrolment; each works once.
pub const RECOVERY_CODES: usize = 10;
/// Random bytes per recovery code: 50 bits, written as ten base32 characters in two groups.
pub const RECOVERY_CODE_BYTES: usize = 7;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The HOTP value of RFC 4226 section 5.3 for `counter`, as `DIGITS` digits.
pub fn hotp(secret: &[u8], counter: u64) -> String {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let truncated =
        u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    format!("{:0width$}", truncated % 10u32.pow(DIGITS as u32), width = DIGITS)
}

/// The time step `at` falls in (RFC 6238's T, with T0 = 0).
pub fn step_at(at: Timestamp) -> u64 {
    u64::try_from(at.unix_seconds().div_euclid(STEP_SECONDS)).unwrap_or(0)
}

/// The code an authenticator shows at `at`.
pub fn code_at(secret: &[u8], at: Timestamp) -> String {
    hotp(secret, step_at(at))
}

/// The step whose code `code` is, within [`DRIFT_STEPS`] of `at` and later than `last_used`
/// (a code, once accepted, never works again, even inside its own 30 seconds); `None` otherwise.
/// The caller stores the step it gets back as the new `last_used`.
pub fn verify(secret: &[u8], code: &str, at: Timestamp, last_used: Option<u64>) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = i64::try_from(step_at(at)).unwrap_or(i64::MAX);
    (-DRIFT_STEPS..=DRIFT_STEPS)
        .filter_map(|offset| u64::try_from(now + offset).ok())
        .filter(|step| last_used.is_none_or(|used| *step > used))
        .find(|step| constant_time_eq(hotp(secret, *step).as_bytes(), code.as_bytes()))
}

/// RFC 4648 base32 without padding: how authenticator apps take a secret typed by hand.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buffer = [0u8; 5];
        buffer[..chunk.len()].copy_from_slice(chunk);
        let bits = buffer.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let characters = (chunk.len() * 8).div_ceil(5);
        for i in 0..characters {
            let index = (bits >> (35 - i * 5)) & 0x1f;
            out.push(char::from(BASE32[usize::try_from(index).unwrap_or(0)]));
        }
    }
    out
}

/// The bytes of RFC 4648 base32 text without padding (any case; spaces ignored), as an
/// authenticator app reads a secret typed by hand; `None` for a character outside the alphabet.
pub fn parse_base32(text: &str) -> Option<Vec<u8>> {
    let (mut bits, mut count, mut out) = (0u64, 0u32, Vec::new());
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let value = BASE32.iter().position(|a| *a == c.to_ascii_uppercase())?;
        bits = (bits << 5) | u64::try_from(value).ok()?;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push(u8::try_from((bits >> count) & 0xff).ok()?);
        }
    }
    Some(out)
}

/// The Key Uri Format authenticator apps scan from a QR code:
/// `otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30`.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let label = format!("{}:{}", percent_encode(issuer), percent_encode(account));
    format!(
        "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        base32(secret),
        percent_encode(issuer)
    )
}

/// A recovery code from `RECOVERY_CODE_BYTES` random bytes, as people read it: `abcde-fghij`.
pub fn recovery_code(random: &[u8]) -> String {
    let text = base32(random).to_ascii_lowercase();
    let text = &text[..10.min(text.len())];
    format!("{}-{}", &text[..5.min(text.len())], &text[5.min(text.len())..])
}

/// What is stored of a recovery code: the SHA-256 of its normal form, so the store never holds
/// a usable code and a typed code matches whatever its case, spaces or hyphen.
pub fn recovery_digest(code: &str) -> String {
    hex::encode(Sha256::digest(normal_recovery_code(code).as_bytes()))
}

/// Whether `code` has the shape of a recovery code (ten base32 characters once spaces and the
/// hyphen are gone), so a mistyped authenticator code is not spent as a recovery attempt.
pub fn looks_like_recovery_code(code: &str) -> bool {
    let normal = normal_recovery_code(code);
    normal.len() == 10 && normal.bytes().all(|b| BASE32.contains(&b.to_ascii_uppercase()))
}

fn normal_recovery_code(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_lowercase()
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => char::from(b).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4226 appendix D's secret, ASCII "12345678901234567890".
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn hotp_matches_rfc_4226_appendix_d() {
        let expected =
            ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(hotp(RFC_SECRET, counter as u64), *code, "counter {counter}");
        }
    }

    #[test]
    fn totp_matches_rfc_6238_appendix_b_for_sha1() {
        // The RFC lists 8 digits; the last 6 are what a 6-digit authenticator shows.
        let vectors = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (seconds, eight) in vectors {
            assert_eq!(code_at(RFC_SECRET, Timestamp::from_unix_seconds(seconds)), eight[2..], "at {seconds}");
        }
    }

    #[test]
    fn a_code_counts_one_step_either_side_and_never_twice() {
        let at = Timestamp::from_unix_seconds(1_234_567_890);
        let step = step_at(at);
        let now = code_at(RFC_SECRET, at);
        assert_eq!(verify(RFC_SECRET, &now, at, None), Some(step));
        assert_eq!(
            verify(RFC_SECRET, &format!("{} {}", &now[..3], &now[3..]), at, None),
            Some(step),
            "spaces are ignored"
        );
        assert_eq!(verify(RFC_SECRET, &now, at, Some(step)), None, "a used step is refused");
        let previous = hotp(RFC_SECRET, step - 1);
        let next = hotp(RFC_SECRET, step + 1);
        assert_eq!(verify(RFC_SECRET, &previous, at, None), Some(step - 1));
        assert_eq!(verify(RFC_SECRET, &next, at, None), Some(step + 1));
        assert_eq!(verify(RFC_SECRET, &next, at, Some(step)), Some(step + 1), "a later step still works once");
        assert_eq!(verify(RFC_SECRET, &hotp(RFC_SECRET, step + 2), at, None), None, "two steps ahead is too far");
        assert_eq!(verify(RFC_SECRET, &hotp(RFC_SECRET, step - 2), at, None), None, "two steps behind is too old");
        for malformed in ["", "12345", "1234567", "12345a", "１２３４５６"] {
            assert_eq!(verify(RFC_SECRET, malformed, at, None), None, "{malformed:?}");
        }
    }

    #[test]
    fn base32_follows_rfc_4648() {
        // RFC 4648 section 10, without the padding.
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32(plain.as_bytes()), encoded, "{plain:?}");
        }
        assert_eq!(base32(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        for length in 0..=40 {
            let bytes: Vec<u8> = (0..length).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(parse_base32(&base32(&bytes)), Some(bytes.clone()), "{length} bytes");
        }
        assert_eq!(parse_base32("gezd gnbv"), parse_base32("GEZDGNBV"));
        assert_eq!(parse_base32("GEZD1"), None, "1 is not in the alphabet");
    }

    #[test]
    fn the_uri_is_the_key_uri_format() {
        let uri = otpauth_uri("Emmaus (Grace Church)", "ada@example.org", RFC_SECRET);
        assert_eq!(
            uri,
            "otpauth://totp/Emmaus%20%28Grace%20Church%29:ada@example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=Emmaus%20%28Grace%20Church%29&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn recovery_codes_read_well_and_match_however_they_are_typed() {
        let code = recovery_code(&[0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45]);
        assert_eq!(code.len(), 11);
        assert_eq!(code.as_bytes()[5], b'-');
        assert!(looks_like_recovery_code(&code));
        let typed = format!(" {} ", code.to_ascii_uppercase().replace('-', " "));
        assert!(looks_like_recovery_code(&typed));
        assert_eq!(recovery_digest(&typed), recovery_digest(&code));
        assert_ne!(recovery_digest(&code), recovery_digest(&recovery_code(&[0; 7])));
        assert!(!looks_like_recovery_code("123456"), "an authenticator code is not a recovery code");
        assert!(!looks_like_recovery_code("abcde-fghi1"), "1 is not in the alphabet");
    }
}
