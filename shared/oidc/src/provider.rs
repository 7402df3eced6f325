//! A discovered OpenID Provider and the two halves of a sign-in: `begin` and `complete`.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use emmaus_domain::Timestamp;
use emmaus_ports::openid::{OpenIdConnect, OpenIdProvider};
use emmaus_ports::{Clock, HttpClient, Ids};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreJwsSigningAlgorithm, CoreProviderMetadata,
};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
};
use secrecy::{ExposeSecret as _, SecretString};

use crate::error::{discovery_error, token_error, token_refused};
use crate::http::PortHttp;
use crate::identity::from_verified;
use crate::{AuthorizationStart, OidcError, ProviderSettings, VerifiedIdentity};

/// The ID-token signature algorithms we accept, whatever the provider advertises: asymmetric only,
/// so neither `none` nor an HMAC keyed with a client secret (public for public clients) can pass.
pub const ALLOWED_ALGORITHMS: [&str; 4] = ["RS256", "ES256", "PS256", "EdDSA"];

const ALGORITHMS: [CoreJwsSigningAlgorithm; 4] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::EdDsa,
];

/// Scopes asked for on top of `openid`, which openidconnect always adds.
const DEFAULT_SCOPES: [&str; 3] = ["openid", "email", "profile"];

/// 256 bits for each of state, nonce and PKCE verifier; 32 bytes are also the 43 characters that
/// RFC 7636 requires of a verifier at least.
const RANDOM_BYTES: usize = 32;

/// How far in the future an ID token's `iat` may lie, for clocks that disagree a little.
const ISSUED_AT_LEEWAY: TimeDelta = TimeDelta::minutes(5);

type Client =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// A provider's metadata and signing keys, and our credentials there.
#[derive(Clone)]
pub struct Provider {
    id: String,
    metadata: CoreProviderMetadata,
    client_id: ClientId,
    client_secret: Option<SecretString>,
    auth_type: AuthType,
    scopes: Vec<String>,
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Provider")
            .field("id", &self.id)
            .field("issuer", &self.issuer())
            .field("client_id", &self.client_id.as_str())
            .field("confidential", &self.client_secret.is_some())
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl Provider {
    /// Fetches `<issuer>/.well-known/openid-configuration` and the JWKS through the port.
    pub async fn discover(http: &dyn HttpClient, settings: &ProviderSettings) -> Result<Self, OidcError> {
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| OidcError::Settings(format!("the issuer `{}` is not a URL ({e})", settings.issuer)))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &PortHttp(http))
            .await
            .map_err(|error| discovery_error(&settings.issuer, error))?;
        check_usable(&metadata)?;
        Ok(Self::new(settings, metadata))
    }

    fn new(settings: &ProviderSettings, metadata: CoreProviderMetadata) -> Self {
        Self {
            id: settings.id.clone(),
            auth_type: auth_type(&metadata),
            metadata,
            client_id: ClientId::new(settings.client_id.clone()),
            client_secret: settings.client_secret.clone(),
            scopes: scopes(&settings.extra_scopes),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn issuer(&self) -> &str {
        self.metadata.issuer().as_str()
    }

    pub fn client_id(&self) -> &str {
        self.client_id.as_str()
    }

    /// Builds the authorization URL for the code flow with PKCE S256, state, nonce and the scopes
    /// (`openid email profile` plus the settings' extra scopes).
    pub fn begin(&self, ids: &dyn Ids, redirect_uri: &str) -> Result<AuthorizationStart, OidcError> {
        let redirect = redirect_url(redirect_uri)?;
        let (state, nonce, pkce_verifier) = (random_token(ids), random_token(ids), random_token(ids));
        let challenge = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(pkce_verifier.clone()));
        let client = self.client();
        let (url, _, _) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                {
                    let state = state.clone();
                    move || CsrfToken::new(state)
                },
                {
                    let nonce = nonce.clone();
                    move || Nonce::new(nonce)
                },
            )
            .add_scopes(self.scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge)
            .set_redirect_uri(Cow::Owned(redirect))
            .url();
        Ok(AuthorizationStart { url: url.into(), state, nonce, pkce_verifier })
    }

    /// Exchanges the code (with the PKCE verifier and the same redirect URI), verifies the ID token
    /// (signature by the provider's keys with an allowed algorithm, issuer exactly, audience our
    /// client id, nonce, expiry at `clock`'s time) and returns who signed in. Checking that the
    /// callback's `state` is one we issued is the caller's part, before calling this.
    pub async fn complete(
        &self,
        http: &dyn HttpClient,
        clock: &dyn Clock,
        redirect_uri: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<VerifiedIdentity, OidcError> {
        let redirect = redirect_url(redirect_uri)?;
        let now = chrono_time(clock.now())?;
        let client = self.client();
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|_| OidcError::Discovery("the provider has no token endpoint".into()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .set_redirect_uri(Cow::Owned(redirect))
            .request_async(&PortHttp(http))
            .await
            .map_err(token_error)?;
        let token = openidconnect::TokenResponse::id_token(&response).ok_or_else(|| {
            OidcError::InvalidResponse("the token response has no ID token (was the openid scope granted?)".into())
        })?;
        let verifier = client
            .id_token_verifier()
            .set_allowed_algs(ALGORITHMS)
            .set_time_fn(move || now)
            .set_issue_time_verifier_fn(move |issued| {
                if issued > now + ISSUED_AT_LEEWAY {
                    Err(format!("ID token issued in the future, at {issued} (current time is {now})"))
                } else {
                    Ok(())
                }
            });
        let claims = token.claims(&verifier, &Nonce::new(nonce.to_owned())).map_err(token_refused)?;
        from_verified(token, claims)
    }

    fn client(&self) -> Client {
        let secret = self.client_secret.as_ref().map(|secret| ClientSecret::new(secret.expose_secret().to_owned()));
        CoreClient::from_provider_metadata(self.metadata.clone(), self.client_id.clone(), secret)
            .set_auth_type(self.auth_type.clone())
    }
}

/// Refuses, at discovery rather than at every sign-in, a provider we could never accept a token from.
fn check_usable(metadata: &CoreProviderMetadata) -> Result<(), OidcError> {
    if metadata.token_endpoint().is_none() {
        return Err(OidcError::Discovery("the provider has no token endpoint".into()));
    }
    let signs_with_allowed =
        metadata.id_token_signing_alg_values_supported().iter().any(|alg| ALGORITHMS.contains(alg));
    if !signs_with_allowed {
        return Err(OidcError::Discovery(format!(
            "the provider signs ID tokens with none of {}",
            ALLOWED_ALGORITHMS.join(", ")
        )));
    }
    if metadata.jwks().keys().is_empty() {
        return Err(OidcError::Discovery("the provider publishes no signing keys".into()));
    }
    Ok(())
}

/// HTTP Basic is the default of OpenID Connect Discovery when the provider lists no methods;
/// the body is for providers that list `client_secret_post` alone.
fn auth_type(metadata: &CoreProviderMetadata) -> AuthType {
    match metadata.token_endpoint_auth_methods_supported() {
        Some(methods)
            if !methods.contains(&CoreClientAuthMethod::ClientSecretBasic)
                && methods.contains(&CoreClientAuthMethod::ClientSecretPost) =>
        {
            AuthType::RequestBody
        }
        _ => AuthType::BasicAuth,
    }
}

/// `email profile` and the extra scopes, each once; `openid` is added by openidconnect.
fn scopes(extra: &[String]) -> Vec<String> {
    let mut scopes: Vec<String> = DEFAULT_SCOPES[1..].iter().map(|scope| (*scope).to_owned()).collect();
    for scope in extra.iter().map(|scope| scope.trim()) {
        if !scope.is_empty() && scope != DEFAULT_SCOPES[0] && !scopes.iter().any(|known| known == scope) {
            scopes.push(scope.to_owned());
        }
    }
    scopes
}

fn redirect_url(redirect_uri: &str) -> Result<RedirectUrl, OidcError> {
    RedirectUrl::new(redirect_uri.to_owned())
        .map_err(|e| OidcError::Settings(format!("the redirect URI `{redirect_uri}` is not a URL ({e})")))
}

fn random_token(ids: &dyn Ids) -> String {
    let bytes = ids.random_bytes(RANDOM_BYTES);
    // A shorter answer breaks the Ids contract and would weaken every sign-in; PKCE would panic anyway.
    assert!(bytes.len() >= RANDOM_BYTES, "Ids::random_bytes returned {} of {RANDOM_BYTES} bytes", bytes.len());
    URL_SAFE_NO_PAD.encode(bytes)
}

fn chrono_time(now: Timestamp) -> Result<DateTime<Utc>, OidcError> {
    DateTime::from_timestamp_millis(now.unix_millis())
        .ok_or_else(|| OidcError::InvalidToken("the current time is out of range".into()))
}

#[cfg(test)]
#[path = "provider_tests.rs"]
mod tests;

/// The relying party as the port the use cases call; hosts hand it to the Platform.
#[derive(Debug, Clone, Copy, Default)]
pub struct RelyingParty;

#[async_trait::async_trait]
impl OpenIdConnect for RelyingParty {
    async fn discover(
        &self,
        http: &dyn HttpClient,
        settings: &ProviderSettings,
    ) -> Result<Arc<dyn OpenIdProvider>, OidcError> {
        Ok(Arc::new(Provider::discover(http, settings).await?))
    }
}

#[async_trait::async_trait]
impl OpenIdProvider for Provider {
    fn id(&self) -> &str {
        Provider::id(self)
    }

    fn issuer(&self) -> &str {
        Provider::issuer(self)
    }

    fn client_id(&self) -> &str {
        Provider::client_id(self)
    }

    fn begin(&self, ids: &dyn Ids, redirect_uri: &str) -> Result<AuthorizationStart, OidcError> {
        Provider::begin(self, ids, redirect_uri)
    }

    async fn complete(
        &self,
        http: &dyn HttpClient,
        clock: &dyn Clock,
        redirect_uri: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<VerifiedIdentity, OidcError> {
        Provider::complete(self, http, clock, redirect_uri, code, pkce_verifier, nonce).await
    }
}
