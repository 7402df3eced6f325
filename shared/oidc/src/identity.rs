//! Who signed in: the verified ID token's standard claims, and every claim for role mapping.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreIdToken, CoreIdTokenClaims};
use serde_json::{Map, Value};

use crate::OidcError;

/// A person as the provider vouches for them, read from an ID token whose signature, issuer,
/// audience, nonce and times have been checked.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedIdentity {
    /// The provider's issuer identifier; `(issuer, subject)` is the stable key of an account.
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    /// False unless the provider says so; an unverified address must not link accounts.
    pub email_verified: bool,
    pub name: Option<String>,
    /// Every claim of the ID token, for role mapping (e.g. `groups`).
    pub claims: Map<String, Value>,
}

impl VerifiedIdentity {
    /// Builds the identity from claims openidconnect has verified, plus the same token's payload
    /// for the claims it does not model (`groups` and any other provider-specific one). The payload
    /// is the one whose signature was checked, so reading it adds no trust of its own.
    pub(crate) fn from_verified(token: &CoreIdToken, verified: &CoreIdTokenClaims) -> Result<Self, OidcError> {
        let claims = payload_claims(&token.to_string())?;
        Ok(Self {
            issuer: verified.issuer().as_str().to_owned(),
            subject: verified.subject().as_str().to_owned(),
            email: verified.email().map(|email| email.as_str().to_owned()),
            email_verified: verified.email_verified().unwrap_or(false),
            name: verified.name().and_then(|name| name.get(None)).map(|name| name.as_str().to_owned()),
            claims,
        })
    }

    /// The string values of a claim that is a list of strings (like `groups`), or a single string;
    /// empty when the claim is absent or of another shape.
    pub fn claim_strings(&self, name: &str) -> Vec<String> {
        match self.claims.get(name) {
            Some(Value::String(one)) => vec![one.clone()],
            Some(Value::Array(values)) => values.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        }
    }
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

    fn identity(claims: &Value) -> VerifiedIdentity {
        VerifiedIdentity {
            issuer: "https://login.example.org".into(),
            subject: "ada".into(),
            email: None,
            email_verified: false,
            name: None,
            claims: claims.as_object().cloned().expect("an object"),
        }
    }

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

    #[test]
    fn claim_strings_reads_lists_and_single_values() {
        let person = identity(&serde_json::json!({"groups": ["pastors", 3, "staff"], "role": "admin", "n": 1}));
        assert_eq!(person.claim_strings("groups"), ["pastors", "staff"]);
        assert_eq!(person.claim_strings("role"), ["admin"]);
        assert!(person.claim_strings("n").is_empty());
        assert!(person.claim_strings("missing").is_empty());
    }
}
