//! openidconnect's errors as the port's [`OidcError`], in words a person can act on.
//!
//! No message carries a secret, a code or a token: these errors end up in logs and, through the
//! caller, in answers to browsers.

use emmaus_ports::HttpClientError;
use emmaus_ports::openid::OpenIdError as OidcError;
use openidconnect::core::CoreErrorResponseType;
use openidconnect::{ClaimsVerificationError, DiscoveryError, RequestTokenError, StandardErrorResponse};

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
