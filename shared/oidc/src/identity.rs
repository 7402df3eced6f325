//! Who signed in: the verified ID token's standard claims, and every claim for role mapping.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreIdToken, CoreIdTokenClaims};
use serde_json::{Map, Value};

use emmaus_ports::openid::{OpenIdError as OidcError, VerifiedIdentity};

/// Builds the identity from claims openidconnect has verified, plus the same token's payload
/// for the claims it does not model (`groups` and any other provider-specific one). The payload
/// is the one whose signature was checked, so reading it adds no trust of its own.
pub(crate) fn from_verified(token: &CoreIdToken, verified: &CoreIdTokenClaims) -> Result<VerifiedIdentity, OidcError> {
    let claims = payload_claims(&token.to_string())?;
    Ok(VerifiedIdentity {
        issuer: verified.issuer().as_str().to_owned(),
        subject: verified.subject().as_str().to_owned(),
        email: verified.email().map(|email| email.as_str().to_owned()),
        email_verified: verified.email_verified().unwrap_or(false),
        name: verified.name().and_then(|name| name.get(None)).map(|name| name.as_str().to_owned()),
        claims,
    })
}

/// The JSON object in a compact JWS's middle segment.
fn payload_claims(compact: &str) -> Result<Map<String, Value>, OidcError> {
    let unreadable = |why: &str| OidcError::InvalidResponse(format!("the ID token's claims are unreadable ({why})"));
    let payload = compact.split('.').nth(1).ok_or_else(|| unreadable("not a signed JWT"))?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).map_err(|_| unreadable("not base64url"))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(claims)) => Ok(claims),
        _ => Err(unreadable("not a JSON object")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_claims_keeps_every_claim() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"sub":"ada","groups":["pastors","staff"],"tenant":7}"#);
        let claims = payload_claims(&format!("eyJhbGciOiJSUzI1NiJ9.{payload}.c2ln")).expect("readable");
        assert_eq!(claims["groups"], serde_json::json!(["pastors", "staff"]));
        assert_eq!(claims["tenant"], 7);
    }

    #[test]
    fn unreadable_payloads_are_named_without_the_token() {
        let error = payload_claims("header.%%%.signature").expect_err("not base64url");
        assert_eq!(
            error.to_string(),
            "the identity provider's answer is not valid: the ID token's claims are unreadable (not base64url)"
        );
        let array = URL_SAFE_NO_PAD.encode(b"[1]");
        assert!(payload_claims(&format!("h.{array}.s")).is_err());
        assert!(payload_claims("no-dots").is_err());
    }
}
