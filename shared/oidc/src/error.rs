//! What can go wrong when signing in with an OpenID Provider, in words a person can act on.
//!
//! No message carries a secret, a code or a token: these errors end up in logs and, through the
//! caller, in answers to browsers.

use emmaus_ports::HttpClientError;
use openidconnect::core::CoreErrorResponseType;
use openidconnect::{ClaimsVerificationError, DiscoveryError, RequestTokenError, StandardErrorResponse};

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// Our own configuration is wrong (an issuer or redirect URI that is not a URL); no request was sent.
    #[error("the sign-in settings are not valid: {0}")]
    Settings(String),
    /// The provider's metadata or keys could not be read, or do not describe a usable provider.
    #[error("the identity provider's configuration could not be used: {0}")]
    Discovery(String),
    /// The provider could not be reached, or did not answer in time.
    #[error("the identity provider could not be reached")]
    Unavailable(#[source] HttpClientError),
    /// The provider answered with an OAuth error (RFC 6749 section 5.2), e.g. `invalid_grant` for a
    /// used or expired code, a wrong PKCE verifier or a different redirect URI.
    #[error("the identity provider refused the sign-in: {error}{}", describe(description.as_deref()))]
    Provider { error: String, description: Option<String> },
    /// The provider's answer is not what the protocol prescribes (unreadable, or without an ID token).
    #[error("the identity provider's answer is not valid: {0}")]
    InvalidResponse(String),
    /// The ID token failed a check: signature, algorithm, issuer, audience, nonce or time.
    #[error("the identity provider's ID token was refused: {0}")]
    InvalidToken(String),
}

fn describe(description: Option<&str>) -> String {
    description.map(|text| format!(" ({text})")).unwrap_or_default()
}

pub(crate) fn discovery_error(issuer: &str, error: DiscoveryError<HttpClientError>) -> OidcError {
    match error {
        DiscoveryError::Request(cause) => OidcError::Unavailable(cause),
        // The path names the field (`jwks_uri`, `keys[0].n`); the serde message may quote values.
        DiscoveryError::Parse(error) => {
            OidcError::Discovery(format!("the metadata or keys of {issuer} are not valid at `{}`", error.path()))
        }
        DiscoveryError::UrlParse(error) => OidcError::Settings(format!("the issuer `{issuer}` is not a URL ({error})")),
        // The status and URL, or the issuer mismatch; never the body.
        DiscoveryError::Response(_, _, reason) | DiscoveryError::Validation(reason) | DiscoveryError::Other(reason) => {
            OidcError::Discovery(reason)
        }
        other => OidcError::Discovery(other.to_string()),
    }
}

pub(crate) fn token_error(
    error: RequestTokenError<HttpClientError, StandardErrorResponse<CoreErrorResponseType>>,
) -> OidcError {
    match error {
        RequestTokenError::ServerResponse(answer) => {
            OidcError::Provider { error: answer.error().to_string(), description: answer.error_description().cloned() }
        }
        RequestTokenError::Request(cause) => OidcError::Unavailable(cause),
        // Only the path: the serde message may quote a token.
        RequestTokenError::Parse(error, _) => {
            OidcError::InvalidResponse(format!("the token response is not valid at `{}`", error.path()))
        }
        RequestTokenError::Other(reason) => OidcError::InvalidResponse(reason),
    }
}

pub(crate) fn token_refused(error: ClaimsVerificationError) -> OidcError {
    OidcError::InvalidToken(match error {
        ClaimsVerificationError::InvalidIssuer(why) => format!("wrong issuer: {why}"),
        ClaimsVerificationError::InvalidAudience(why) => format!("wrong audience: {why}"),
        ClaimsVerificationError::InvalidNonce(why) => format!("wrong nonce: {why}"),
        ClaimsVerificationError::Expired(why) => why,
        ClaimsVerificationError::SignatureVerification(why) => format!("bad signature: {why}"),
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_sentences() {
        let refused =
            OidcError::Provider { error: "invalid_grant".into(), description: Some("grant request is invalid".into()) };
        assert_eq!(
            refused.to_string(),
            "the identity provider refused the sign-in: invalid_grant (grant request is invalid)"
        );
        let bare = OidcError::Provider { error: "access_denied".into(), description: None };
        assert_eq!(bare.to_string(), "the identity provider refused the sign-in: access_denied");
        let token = OidcError::InvalidToken("nonce mismatch".into());
        assert_eq!(token.to_string(), "the identity provider's ID token was refused: nonce mismatch");
    }

    #[test]
    fn an_unreachable_provider_keeps_the_cause() {
        let error = OidcError::Unavailable(HttpClientError::Timeout {
            host: "login.example.org".into(),
            after: std::time::Duration::from_secs(5),
        });
        assert_eq!(error.to_string(), "the identity provider could not be reached");
        let cause = std::error::Error::source(&error).expect("a cause").to_string();
        assert_eq!(cause, "the request to login.example.org timed out after 5s");
    }
}
