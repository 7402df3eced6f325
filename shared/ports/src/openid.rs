//! Sign-in with an OpenID Provider, as the use cases need it: discover a provider, `begin` a
//! sign-in (the URL to send the browser to, the secrets to keep) and `complete` it (the verified
//! identity). The relying party itself (`emmaus-oidc`) is an adapter that each host chooses.
//!
//! Contract: `complete` returns an identity only from an ID token whose signature (by the
//! provider's published keys, with an asymmetric algorithm), issuer, audience, nonce and times were
//! checked; randomness comes from [`Ids`], time from [`Clock`] and every request goes through
//! [`HttpClient`], so the adapter runs on every host. No error message carries a secret, a code or
//! a token: they end up in logs and, through the caller, in answers to browsers.

use std::fmt;
use std::sync::Arc;

use secrecy::SecretString;
use serde_json::{Map, Value};

use crate::{Clock, HttpClient, HttpClientError, Ids};

/// One configured provider, before discovery.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    /// Our name for the provider (e.g. `google`), chosen by the operator.
    pub id: String,
    /// The issuer identifier, exactly as the provider's metadata and ID tokens state it.
    pub issuer: String,
    pub client_id: String,
    /// `None` for a public client (PKCE alone); otherwise sent with HTTP Basic, or in the body for
    /// providers that only accept `client_secret_post`.
    pub client_secret: Option<SecretString>,
    /// Scopes beyond `openid email profile`, e.g. `groups`.
    pub extra_scopes: Vec<String>,
}

/// Where to send the browser, and what to keep until it comes back (server-side, keyed by `state`,
/// for a few minutes, and used once).
#[derive(Clone, PartialEq, Eq)]
pub struct AuthorizationStart {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

impl fmt::Debug for AuthorizationStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL, state and nonce travel through the browser anyway; the verifier never does.
        f.debug_struct("AuthorizationStart")
            .field("url", &self.url)
            .field("state", &self.state)
            .field("nonce", &self.nonce)
            .field("pkce_verifier", &"[REDACTED]")
            .finish()
    }
}

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

/// What can go wrong when signing in with an OpenID Provider, in words a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum OpenIdError {
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

/// The relying party: finds a provider from its settings.
#[async_trait::async_trait]
pub trait OpenIdConnect: Send + Sync + fmt::Debug {
    /// Reads `<issuer>/.well-known/openid-configuration` and the provider's keys through `http`,
    /// refusing a provider no token could ever be accepted from.
    async fn discover(
        &self,
        http: &dyn HttpClient,
        settings: &ProviderSettings,
    ) -> Result<Arc<dyn OpenIdProvider>, OpenIdError>;
}

/// A discovered provider: its metadata and keys, and our credentials there. Cheap to share.
#[async_trait::async_trait]
pub trait OpenIdProvider: Send + Sync + fmt::Debug {
    /// Our name for it, from [`ProviderSettings::id`].
    fn id(&self) -> &str;
    fn issuer(&self) -> &str;
    fn client_id(&self) -> &str;

    /// The authorization URL for the code flow with PKCE S256, state, nonce and the scopes
    /// (`openid email profile` plus the settings' extra scopes).
    fn begin(&self, ids: &dyn Ids, redirect_uri: &str) -> Result<AuthorizationStart, OpenIdError>;

    /// Exchanges the code (with the PKCE verifier and the same redirect URI) and verifies the ID
    /// token at `clock`'s time. Checking that the callback's `state` is one we issued is the
    /// caller's part, before calling this.
    async fn complete(
        &self,
        http: &dyn HttpClient,
        clock: &dyn Clock,
        redirect_uri: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<VerifiedIdentity, OpenIdError>;
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
    fn claim_strings_reads_lists_and_single_strings_only() {
        let who = identity(&serde_json::json!({"groups": ["pastors", 7, "staff"], "team": "north", "n": 3}));
        assert_eq!(who.claim_strings("groups"), ["pastors", "staff"]);
        assert_eq!(who.claim_strings("team"), ["north"]);
        assert!(who.claim_strings("n").is_empty());
        assert!(who.claim_strings("absent").is_empty());
    }

    #[test]
    fn messages_read_as_sentences_and_keep_their_cause() {
        let refused = OpenIdError::Provider {
            error: "invalid_grant".into(),
            description: Some("grant request is invalid".into()),
        };
        assert_eq!(
            refused.to_string(),
            "the identity provider refused the sign-in: invalid_grant (grant request is invalid)"
        );
        let bare = OpenIdError::Provider { error: "access_denied".into(), description: None };
        assert_eq!(bare.to_string(), "the identity provider refused the sign-in: access_denied");
        let error = OpenIdError::Unavailable(HttpClientError::Timeout {
            host: "login.example.org".into(),
            after: std::time::Duration::from_secs(5),
        });
        assert_eq!(error.to_string(), "the identity provider could not be reached");
        let cause = std::error::Error::source(&error).expect("a cause").to_string();
        assert_eq!(cause, "the request to login.example.org timed out after 5s");
        let redacted = format!(
            "{:?}",
            AuthorizationStart {
                url: "u".into(),
                state: "s".into(),
                nonce: "n".into(),
                pkce_verifier: "secret".into()
            }
        );
        assert!(!redacted.contains("secret"), "{redacted}");
    }
}
