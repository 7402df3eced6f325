//! Sign-in with an OpenID Provider (SSO): the configured providers, starting a sign-in (the
//! authorization code flow with PKCE), and finishing it by finding, linking or creating the person.
//!
//! # Settings
//!
//! Read from the configuration port on every call (on Spin they are the variables of the same
//! names in lower case without `EMMAUS_`, e.g. `oidc_providers`, `oidc_google_issuer`):
//!
//! | setting | meaning |
//! |---|---|
//! | `EMMAUS_OIDC_PROVIDERS` | comma-separated provider ids, e.g. `google,entra`; unset or empty: no SSO. An id is 1 to 32 of `a-z`, `0-9`, `_`, starting with a letter (not `flow`). |
//! | `EMMAUS_OIDC_<ID>_ISSUER` | required; the issuer exactly as the provider states it; `https://`, or `http://` to a loopback address (tests) |
//! | `EMMAUS_OIDC_<ID>_CLIENT_ID` | required; our client id at the provider |
//! | `EMMAUS_OIDC_<ID>_CLIENT_SECRET` | optional; without it the client is public (PKCE alone) |
//! | `EMMAUS_OIDC_<ID>_NAME` | optional; the sign-in button's label, default the id |
//! | `EMMAUS_OIDC_<ID>_SCOPES` | optional; scopes beyond `openid email profile`, space-separated, e.g. `groups` |
//! | `EMMAUS_OIDC_<ID>_ORG` | optional; the slug of the organisation this provider's people join and get roles in |
//! | `EMMAUS_OIDC_<ID>_ROLE_CLAIM` | with `_ROLE_MAP`; the ID-token claim holding group names, e.g. `groups` |
//! | `EMMAUS_OIDC_<ID>_ROLE_MAP` | with `_ROLE_CLAIM` and `_ORG`; `value=role` pairs, comma-separated, e.g. `pastors=pastor,leaders=mentor,everyone=mentee`; a value may appear twice to grant two roles |
//! | `EMMAUS_OIDC_<ID>_LINK_DOMAINS` | optional; the email domains this provider speaks for, comma-separated (`grace.org,grace.church`), or `*` for any: only for those may its verified address find an existing account or make a new one |
//!
//! `<ID>` is the id in upper case. The callback to register at the provider is
//! `<EMMAUS_PUBLIC_URL>/api/auth/sso/<id>/callback`. [`PROVIDER_SETTINGS`] lists the suffixes.
//!
//! Spin cannot list variables, so `spin.toml` declares a fixed set of provider *slots* (`google`,
//! `microsoft`, `custom`), each with every suffix; a listed id without a slot reads as unset, and the
//! error says which variable `spin.toml` lacks (`ConfigSource::hint`). See docs/deploy-spin.md.
//!
//! # Linking
//!
//! A person is found by the provider's subject (a link made earlier). Otherwise:
//! - a signed-in person who asked to link this provider (from their profile, within ten minutes
//!   of signing in) gets the link;
//! - else, only when the provider is trusted for the address's domain (`_LINK_DOMAINS`) and
//!   vouches for the address: an existing account whose address is itself proven
//!   ([`Person::email_verified`]) is linked, or a new one is created when the provider has an
//!   organisation and a role mapping that grants at least one role.
//!
//! A provider run by one organisation (its own Keycloak) can assert any address it likes; were
//! its word enough, it could sign in as another organisation's admin. And an account that someone
//! else made for an address (by accepting a hand-shared invitation link) must not become the real
//! owner's. Every link made is audited and mailed to the account's address.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use emmaus_domain::audit::AuditAction;
use emmaus_domain::identity::{Email, Membership, Person, Role, RoleSet, normalise_display_name};
use emmaus_domain::{DomainError, Timestamp};
use emmaus_ports::openid::{OpenIdError as OidcError, OpenIdProvider, ProviderSettings, VerifiedIdentity};
use emmaus_ports::{ConfigError, ConfigSource, Key, KvError};

use crate::context::RequestMeta;
use crate::directory;
use crate::secrets::{digest, new_token, plausible, same};
use crate::sessions::{self, Issued};
use crate::{accounts, audit, keys, second_factor};
use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};

pub const PROVIDERS_SETTING: &str = "EMMAUS_OIDC_PROVIDERS";

/// Every per-provider setting, as the `<SUFFIX>` of `EMMAUS_OIDC_<ID>_<SUFFIX>`: what parsing reads
/// (asserted in [`provider_setting`]), and what each provider slot in `spin.toml` must declare
/// (`cli/tests/manifests.rs`).
pub const PROVIDER_SETTINGS: &[&str] =
    &["ISSUER", "CLIENT_ID", "CLIENT_SECRET", "NAME", "SCOPES", "ORG", "ROLE_CLAIM", "ROLE_MAP", "LINK_DOMAINS"];

/// The setting `suffix` of provider `id`: `("google", "ISSUER")` is `EMMAUS_OIDC_GOOGLE_ISSUER`.
pub fn provider_setting(id: &str, suffix: &str) -> String {
    debug_assert!(PROVIDER_SETTINGS.contains(&suffix), "{suffix} is read but not listed in PROVIDER_SETTINGS");
    format!("EMMAUS_OIDC_{}_{suffix}", id.to_ascii_uppercase())
}

/// How long a started sign-in waits for the browser to come back; also the binding cookie's age.
pub const FLOW_TTL: Duration = Duration::from_mins(10);

/// Providers rotate keys rarely and announce them ahead; an hour keeps most sign-ins free of the
/// two discovery requests on hosts that reuse processes (Lambda, local).
const DISCOVERY_TTL: Duration = Duration::from_hours(1);

/// `return_to` longer than this is refused; a path in our own web app is never near it.
const MAX_RETURN_TO: usize = 2048;

/// One configured provider.
#[derive(Debug, Clone)]
pub struct SsoProvider {
    pub id: String,
    /// The button label.
    pub name: String,
    pub oidc: ProviderSettings,
    /// Slug of the organisation SSO sign-ups join and roles are kept in.
    pub org: Option<String>,
    pub roles: Option<RoleMapping>,
    /// The addresses whose verified email this provider may link or create accounts for.
    pub trusted_for: Trust,
    /// Everything that goes into a discovered [`OpenIdProvider`], hashed: the discovery cache's key, so a
    /// changed setting (another client or secret at the same issuer) is never served stale.
    fingerprint: String,
}

/// Which addresses a provider speaks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Trust {
    /// None: people link it from their profile.
    #[default]
    Nobody,
    /// Addresses at these domains (lower case).
    Domains(Vec<String>),
    /// Any address: a provider that owns its users' addresses, by the operator's choice.
    Anyone,
}

impl Trust {
    pub fn covers(&self, email: &Email) -> bool {
        let domain = email.as_str().rsplit('@').next().unwrap_or_default();
        match self {
            Self::Nobody => false,
            Self::Anyone => true,
            Self::Domains(domains) => domains.iter().any(|d| d == domain),
        }
    }
}

fn parse_trust(text: &str) -> Result<Trust, String> {
    if text == "*" {
        return Ok(Trust::Anyone);
    }
    let mut domains = Vec::new();
    for domain in text.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        let domain = domain.to_ascii_lowercase();
        let label_ok =
            |l: &str| !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if domain == "*" || !domain.contains('.') || !domain.split('.').all(label_ok) {
            return Err(format!("`{domain}` is not a domain (use `*` alone for any)"));
        }
        domains.push(domain);
    }
    if domains.is_empty() {
        return Err("names no domain".into());
    }
    Ok(Trust::Domains(domains))
}

/// Which claim values grant which roles in the provider's organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleMapping {
    pub claim: String,
    /// `(claim value, role)`, in the order configured.
    pub map: Vec<(String, Role)>,
}

impl RoleMapping {
    /// The roles the identity's claim values map to; empty when none matches.
    pub fn roles_of(&self, identity: &VerifiedIdentity) -> RoleSet {
        let values = identity.claim_strings(&self.claim);
        self.map.iter().filter(|(value, _)| values.contains(value)).map(|(_, role)| *role).collect()
    }
}

/// Every configured provider, in the order of `EMMAUS_OIDC_PROVIDERS`. A malformed setting is
/// `Unavailable` naming the key (never a value: one of them is a secret), with the source's hint
/// (on Spin: the variable, and whether `spin.toml` gives it to the component).
pub fn configured(config: &dyn ConfigSource) -> Result<Vec<SsoProvider>, DomainError> {
    parse(config).map_err(|error| {
        let reason = format!("{error}{}", hinted(config, error.key()));
        DomainError::Misconfigured { what: "single sign-on".into(), reason }
    })
}

/// `; <hint>` when the source has one for `key`, else nothing.
fn hinted(config: &dyn ConfigSource, key: &str) -> String {
    config.hint(key).map(|hint| format!("; {hint}")).unwrap_or_default()
}

/// One configured provider by id; `NotFound` when there is none of that id.
pub fn provider(config: &dyn ConfigSource, id: &str) -> Result<SsoProvider, DomainError> {
    configured(config)?
        .into_iter()
        .find(|provider| provider.id == id)
        .ok_or_else(|| DomainError::NotFound("the sign-in provider".into()))
}

fn parse(config: &dyn ConfigSource) -> Result<Vec<SsoProvider>, ConfigError> {
    let Some(list) = setting(config, PROVIDERS_SETTING) else { return Ok(Vec::new()) };
    // The list first, so a mistake in it is reported before any per-provider setting.
    let mut ids: Vec<String> = Vec::new();
    for id in list.split(',').map(str::trim).filter(|id| !id.is_empty()) {
        let id = id.to_ascii_lowercase();
        if !valid_id(&id) {
            return Err(invalid(
                PROVIDERS_SETTING,
                format!("`{id}` is not a provider id (1 to 32 of a-z, 0-9 and _, starting with a letter, not `flow`)"),
            ));
        }
        if ids.contains(&id) {
            return Err(invalid(PROVIDERS_SETTING, format!("`{id}` is listed twice")));
        }
        ids.push(id);
    }
    ids.iter().map(|id| parse_one(config, id)).collect()
}

fn parse_one(config: &dyn ConfigSource, id: &str) -> Result<SsoProvider, ConfigError> {
    let key = |suffix: &str| provider_setting(id, suffix);
    let required = |name: &str| setting(config, &key(name)).ok_or_else(|| ConfigError::Missing { key: key(name) });
    let issuer = required("ISSUER")?;
    check_issuer(&issuer).map_err(|reason| invalid(&key("ISSUER"), reason))?;
    let client_id = required("CLIENT_ID")?;
    let client_secret = setting(config, &key("CLIENT_SECRET"));
    let extra_scopes: Vec<String> =
        setting(config, &key("SCOPES")).map(|s| s.split_whitespace().map(str::to_owned).collect()).unwrap_or_default();
    let org = setting(config, &key("ORG"));
    if let Some(slug) = &org {
        emmaus_domain::identity::OrgSlug::parse(slug)
            .map_err(|_| invalid(&key("ORG"), "is not an organisation slug"))?;
    }
    let roles = match (setting(config, &key("ROLE_CLAIM")), setting(config, &key("ROLE_MAP"))) {
        (None, None) => None,
        (Some(_), None) => return Err(ConfigError::Missing { key: key("ROLE_MAP") }),
        (None, Some(_)) => return Err(ConfigError::Missing { key: key("ROLE_CLAIM") }),
        (Some(claim), Some(map)) => {
            if org.is_none() {
                // Roles are held in one organisation; without it the mapping could grant nothing.
                return Err(ConfigError::Missing { key: key("ORG") });
            }
            Some(RoleMapping { claim, map: parse_role_map(&map).map_err(|reason| invalid(&key("ROLE_MAP"), reason))? })
        }
    };
    let trusted_for = match setting(config, &key("LINK_DOMAINS")) {
        None => Trust::Nobody,
        Some(text) => parse_trust(&text).map_err(|reason| invalid(&key("LINK_DOMAINS"), reason))?,
    };
    let fingerprint = digest(&format!(
        "{id}\n{issuer}\n{client_id}\n{}\n{}",
        client_secret.as_deref().map(digest).unwrap_or_default(),
        extra_scopes.join(" ")
    ));
    Ok(SsoProvider {
        id: id.to_owned(),
        name: setting(config, &key("NAME")).unwrap_or_else(|| id.to_owned()),
        oidc: ProviderSettings {
            id: id.to_owned(),
            issuer,
            client_id,
            client_secret: client_secret.map(Into::into),
            extra_scopes,
        },
        org,
        roles,
        trusted_for,
        fingerprint,
    })
}

fn setting(config: &dyn ConfigSource, key: &str) -> Option<String> {
    config.get(key).map(|value| value.trim().to_owned()).filter(|value| !value.is_empty())
}

fn invalid(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { key: key.to_owned(), reason: reason.into() }
}

/// Ids appear in URLs, in setting names and in Spin variable names (lower case, digits, `_`).
/// `flow` is taken: flows live under `sso#flow#...`, beside the links under `sso#<id>#...`.
fn valid_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && id != "flow"
}

/// HTTPS, or plain HTTP to this machine (a test provider); no query or fragment (OpenID
/// Connect Discovery section 3).
fn check_issuer(issuer: &str) -> Result<(), String> {
    let url = url::Url::parse(issuer).map_err(|e| format!("is not a URL ({e})"))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query or fragment".into());
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => return Err("has no host".into()),
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err("must be an https:// URL (http:// only to a loopback address)".into()),
    }
}

fn parse_role_map(text: &str) -> Result<Vec<(String, Role)>, String> {
    let mut map = Vec::new();
    for pair in text.split(',').map(str::trim).filter(|pair| !pair.is_empty()) {
        let (value, role) = pair.split_once('=').ok_or_else(|| format!("`{pair}` is not `value=role`"))?;
        let value = value.trim();
        if value.is_empty() {
            return Err(format!("`{pair}` has no claim value before `=`"));
        }
        map.push((value.to_owned(), role.parse::<Role>()?));
    }
    if map.is_empty() {
        return Err("maps no value to a role".into());
    }
    Ok(map)
}

struct Discovered {
    at: Timestamp,
    provider: Arc<dyn OpenIdProvider>,
}

/// Per process: Lambda and the local host reuse processes; a Spin instance lives for one request
/// and simply discovers every time.
static DISCOVERED: Mutex<BTreeMap<String, Discovered>> = Mutex::new(BTreeMap::new());

async fn discovered(p: &Platform, settings: &SsoProvider) -> Result<Arc<dyn OpenIdProvider>, OidcError> {
    let now = p.clock.now();
    {
        let cache = DISCOVERED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(hit) = cache.get(&settings.fingerprint).filter(|hit| now.since(hit.at) < DISCOVERY_TTL) {
            return Ok(hit.provider.clone());
        }
    }
    let provider = p.openid.discover(p.http.as_ref(), &settings.oidc).await?;
    let fresh = Discovered { at: now, provider: provider.clone() };
    DISCOVERED.lock().unwrap_or_else(PoisonError::into_inner).insert(settings.fingerprint.clone(), fresh);
    Ok(provider)
}

/// Forgets a provider whose token failed a check, so the next sign-in reads its keys afresh
/// (they may have been rotated since).
fn forget(settings: &SsoProvider) {
    DISCOVERED.lock().unwrap_or_else(PoisonError::into_inner).remove(&settings.fingerprint);
}

/// What is kept between start and callback, under the SHA-256 of `state`, for [`FLOW_TTL`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Flow {
    provider: String,
    nonce: String,
    pkce_verifier: String,
    redirect_uri: String,
    return_to: String,
    /// SHA-256 of the browser-binding value, held by the browser in a cookie.
    binding: String,
    /// The signed-in person who asked to link this provider, for a link rather than a sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    link_to: Option<String>,
}

fn flow_key(state: &str) -> Key {
    Key::new(format!("sso#flow#{}", digest(state)), "flow")
}

/// The redirect URI registered at the provider for `id`.
pub fn redirect_uri(origin: &str, id: &str) -> String {
    format!("{}/api/auth/sso/{id}/callback", origin.trim_end_matches('/'))
}

/// `return_to` as given when it is a path of this origin, `/` when absent. A leading `//` or
/// any backslash (which browsers read as `/`) could lead to another host, so both are refused,
/// as is anything but printable ASCII (a path arrives percent-encoded).
pub fn return_path(raw: Option<&str>) -> Result<String, DomainError> {
    let Some(raw) = raw.filter(|raw| !raw.is_empty()) else { return Ok("/".to_owned()) };
    let same_origin = raw.starts_with('/')
        && !raw.starts_with("//")
        && raw.len() <= MAX_RETURN_TO
        && raw.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    if same_origin {
        Ok(raw.to_owned())
    } else {
        Err(DomainError::invalid("return_to", "must be a path on this site, starting with a single /"))
    }
}

/// Where to send the browser, and the binding value to set in its cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    pub url: String,
    pub binding: String,
}

/// Begins a sign-in with provider `id`: discovers it, keeps the flow for [`FLOW_TTL`] and
/// returns the authorization URL. `origin` is where this site is served (the redirect URI's).
pub async fn start(p: &Platform, id: &str, origin: &str, return_to: Option<&str>) -> Result<Started, DomainError> {
    begin(p, id, origin, return_to, None).await
}

/// Begins linking provider `id` to the signed-in person, who must have signed in within the
/// last ten minutes: a link is a new way in, which a stolen older session must not add.
pub async fn start_link(
    p: &Platform,
    who: &crate::context::Principal,
    id: &str,
    origin: &str,
    return_to: Option<&str>,
) -> Result<Started, DomainError> {
    sessions::require_recent(p, who, "link the provider").await?;
    begin(p, id, origin, return_to, Some(who.person_id.clone())).await
}

async fn begin(
    p: &Platform,
    id: &str,
    origin: &str,
    return_to: Option<&str>,
    link_to: Option<String>,
) -> Result<Started, DomainError> {
    let settings = provider(p.config.as_ref(), id)?;
    let return_to = return_path(return_to)?;
    let redirect_uri = redirect_uri(origin, &settings.id);
    let unavailable = |error: &OidcError| {
        tracing::error!(provider = %settings.id, error = %error, "could not start an SSO sign-in");
        DomainError::Unavailable(format!("sign-in with {}", settings.name))
    };
    let discovered = discovered(p, &settings).await.map_err(|e| unavailable(&e))?;
    let begun = discovered.begin(p.ids.as_ref(), &redirect_uri).map_err(|e| unavailable(&e))?;
    let binding = new_token(p.ids.as_ref());
    let flow = Flow {
        provider: settings.id.clone(),
        nonce: begun.nonce,
        pkce_verifier: begun.pkce_verifier,
        redirect_uri,
        return_to,
        binding: digest(&binding),
        link_to,
    };
    let expires = p.clock.now().plus(FLOW_TTL).unix_seconds();
    docs::create(p.kv.as_ref(), flow_key(&begun.state), &flow, Some(expires)).await?;
    Ok(Started { url: begun.url, binding })
}

/// What the provider sent the browser back with, and the browser's binding cookie.
#[derive(Debug, Clone, Copy, Default)]
pub struct Callback<'a> {
    /// The provider id in the callback's path.
    pub provider: &'a str,
    pub state: Option<&'a str>,
    pub code: Option<&'a str>,
    /// An OAuth error instead of a code (`access_denied` when the person declined).
    pub error: Option<&'a str>,
    pub error_description: Option<&'a str>,
    /// RFC 9207's issuer identification, when the provider sends it.
    pub iss: Option<&'a str>,
    /// The value of the binding cookie, if the browser sent one.
    pub binding: Option<&'a str>,
}

/// A finished sign-in, or a finished link (no new session: the browser keeps its own).
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub person_id: String,
    /// The new session; `None` when a provider was linked from the profile, or when the second
    /// factor is still to come (`pending`).
    pub issued: Option<Issued>,
    /// The challenge of a person with a second factor, whose code completes the sign-in.
    pub pending: Option<second_factor::Pending>,
    pub return_to: String,
}

/// Which message the sign-in page shows for a callback that signed nobody in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The person declined at the provider.
    Cancelled,
    /// Anything else: the provider, the token, the binding, our settings or storage.
    Failed,
    /// No account uses the address and the provider may not create one.
    NoAccount,
    /// The provider does not vouch for the address.
    UnverifiedEmail,
    /// The flow is unknown: expired, already used, or a made-up `state`.
    Expired,
    /// The provider may not find this account by its address: link it from the profile.
    LinkFromProfile,
    /// The provider's account is linked to another Emmaus account already.
    LinkedElsewhere,
}

impl Refusal {
    /// The `error` the sign-in page is sent with.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Cancelled => "sso_cancelled",
            Self::Failed => "sso_failed",
            Self::NoAccount => "sso_no_account",
            Self::UnverifiedEmail => "sso_unverified_email",
            Self::Expired => "sso_expired",
            Self::LinkFromProfile => "sso_link_from_profile",
            Self::LinkedElsewhere => "sso_linked_elsewhere",
        }
    }
}

/// A callback that signed nobody in: the code for the browser, and the reason for the log. Not
/// an error type of its own: the reason is a `DomainError`; the refusal only picks the message.
#[derive(Debug)]
pub struct Failure {
    pub refusal: Refusal,
    pub reason: DomainError,
}

fn refused(refusal: Refusal, reason: impl Into<String>) -> Failure {
    Failure { refusal, reason: DomainError::Refused(reason.into()) }
}

fn failed(reason: DomainError) -> Failure {
    Failure { refusal: Refusal::Failed, reason }
}

/// Finishes a sign-in: spends the flow (once), checks it belongs to this provider and browser,
/// exchanges the code, finds or links or creates the person, and opens a session.
pub async fn finish(p: &Platform, callback: &Callback<'_>, meta: &RequestMeta) -> Result<SignedIn, Failure> {
    let flow = take_flow(p, callback).await?;
    if let Some(error) = callback.error {
        let refusal = if error == "access_denied" { Refusal::Cancelled } else { Refusal::Failed };
        let description = callback.error_description.map(|d| format!(" ({})", d.chars().take(200).collect::<String>()));
        return Err(refused(refusal, format!("the provider answered {error}{}", description.unwrap_or_default())));
    }
    let code = callback.code.filter(|code| !code.is_empty()).ok_or_else(|| {
        refused(Refusal::Failed, "the provider sent the browser back with neither a code nor an error")
    })?;
    let settings = provider(p.config.as_ref(), &flow.provider).map_err(failed)?;
    let discovered = discovered(p, &settings).await.map_err(|e| failed(oidc_unavailable(&e)))?;
    if let Some(iss) = callback.iss
        && iss != discovered.issuer()
    {
        // A mix-up: the code came from another issuer than the one this flow began at.
        return Err(refused(
            Refusal::Failed,
            format!("the callback names the issuer {iss}, not {}", discovered.issuer()),
        ));
    }
    let identity = discovered
        .complete(p.http.as_ref(), p.clock.as_ref(), &flow.redirect_uri, code, &flow.pkce_verifier, &flow.nonce)
        .await
        .map_err(|error| {
            if matches!(error, OidcError::InvalidToken(_)) {
                forget(&settings);
            }
            failed(oidc_unavailable(&error))
        })?;
    if let Some(person) = &flow.link_to {
        link_signed_in(p, &settings, &identity, person, meta).await?;
        return Ok(SignedIn { person_id: person.clone(), issued: None, pending: None, return_to: flow.return_to });
    }
    let person = person_for(p, &settings, &identity, meta).await?;
    let method = format!("sso {}", settings.id);
    // A provider proves the first step only: a person with a second factor is asked for it here too.
    if second_factor::enabled(p, &person).await.map_err(failed)? {
        let pending = second_factor::challenge(p, &person, &method).await.map_err(failed)?;
        return Ok(SignedIn { person_id: person, issued: None, pending: Some(pending), return_to: flow.return_to });
    }
    let issued = sessions::open(p, &person).await.map_err(failed)?;
    accounts::record_everywhere(p, &person, meta, AuditAction::SignIn, Some(method)).await;
    Ok(SignedIn { person_id: person, issued: Some(issued), pending: None, return_to: flow.return_to })
}

fn oidc_unavailable(error: &OidcError) -> DomainError {
    DomainError::Unavailable(format!("the identity provider ({error})"))
}

/// Reads the flow, checks provider and browser, then deletes it at the version read, so of two
/// callbacks with the same `state` only one gets past. A wrong browser leaves the flow in place:
/// it cannot use it, and the right browser still can.
async fn take_flow(p: &Platform, callback: &Callback<'_>) -> Result<Flow, Failure> {
    let expired = || refused(Refusal::Expired, "the sign-in is unknown, expired or already used");
    let state = callback.state.filter(|state| plausible(state)).ok_or_else(expired)?;
    let doc: Doc<Flow> = docs::get(p.kv.as_ref(), flow_key(state)).await.map_err(failed)?.ok_or_else(expired)?;
    if doc.value.provider != callback.provider {
        return Err(refused(
            Refusal::Failed,
            format!("a sign-in begun with {} came back to {}", doc.value.provider, callback.provider),
        ));
    }
    if !callback.binding.is_some_and(|binding| same(&digest(binding), &doc.value.binding)) {
        return Err(refused(Refusal::Failed, "the sign-in came back to a browser other than the one that began it"));
    }
    match p.kv.delete_if_version(doc.key.clone(), doc.version).await {
        Ok(()) => Ok(doc.value),
        Err(KvError::Conflict(_)) => Err(expired()),
        Err(other) => Err(failed(emmaus_app::error::from_kv(other))),
    }
}

/// The `sso#<provider>#<subject>` document: the person, and the issuer the link was made with,
/// so a provider id repointed at another issuer never signs in its subjects as the old ones.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Link {
    id: String,
    issuer: String,
}

/// Links the identity to the person who asked from their profile; refused when the provider's
/// account is linked to someone else already.
async fn link_signed_in(
    p: &Platform,
    settings: &SsoProvider,
    identity: &VerifiedIdentity,
    person_id: &str,
    meta: &RequestMeta,
) -> Result<(), Failure> {
    let link_key = keys::sso(&settings.id, &identity.subject);
    if let Some(link) = docs::get::<Link>(p.kv.as_ref(), link_key.clone()).await.map_err(failed)? {
        if link.value.id == person_id && link.value.issuer == identity.issuer {
            return Ok(());
        }
        return Err(refused(Refusal::LinkedElsewhere, "the provider's account is linked to another person"));
    }
    let person = directory::person(p, person_id).await.map_err(failed)?;
    let person = person.ok_or_else(|| refused(Refusal::Failed, "the person asking to link no longer exists"))?;
    let link = Link { id: person_id.to_owned(), issuer: identity.issuer.clone() };
    match docs::create(p.kv.as_ref(), link_key, &link, None).await {
        Ok(()) => {}
        Err(DomainError::Conflict(_)) => {
            return Err(refused(Refusal::LinkedElsewhere, "the provider's account was linked at the same moment"));
        }
        Err(other) => return Err(failed(other)),
    }
    linked(p, settings, &person.value, meta, "from the profile").await;
    Ok(())
}

/// Audits a new link and tells the account's owner by email.
async fn linked(p: &Platform, settings: &SsoProvider, person: &Person, meta: &RequestMeta, how: &str) {
    let detail = Some(format!("sso {} ({how})", settings.id));
    accounts::record_everywhere(p, &person.id, meta, AuditAction::SsoLinked, detail).await;
    let text = format!(
        "Sign-in with {name} was linked to your Emmaus account ({email}) just now: it can now sign you in.\n\n\
         If this was not you, choose a new password with \"Forgot password\" on the sign-in page and ask an \
         admin to remove the link.",
        name = settings.name,
        email = person.email,
    );
    crate::notices::account_changed(p, person, &format!("{} can now sign you in to Emmaus", settings.name), &text)
        .await;
}

/// The person the identity signs in as: linked, found by verified email, or created.
async fn person_for(
    p: &Platform,
    settings: &SsoProvider,
    identity: &VerifiedIdentity,
    meta: &RequestMeta,
) -> Result<String, Failure> {
    let link_key = keys::sso(&settings.id, &identity.subject);
    if let Some(link) = docs::get::<Link>(p.kv.as_ref(), link_key.clone()).await.map_err(failed)? {
        if link.value.issuer != identity.issuer {
            return Err(refused(
                Refusal::Failed,
                format!("the link of this subject was made with {}, not {}", link.value.issuer, identity.issuer),
            ));
        }
        let person = directory::person(p, &link.value.id).await.map_err(failed)?;
        let person = person.ok_or_else(|| refused(Refusal::Failed, "the linked person no longer exists"))?;
        keep_roles(p, settings, identity, &person.value, meta).await.map_err(failed)?;
        return Ok(person.value.id);
    }
    let email = identity
        .email
        .as_deref()
        .and_then(|email| Email::parse(email).ok())
        .ok_or_else(|| refused(Refusal::NoAccount, "the provider did not share a usable email address"))?;
    if !identity.email_verified {
        return Err(refused(Refusal::UnverifiedEmail, "the provider does not vouch for the email address"));
    }
    let existing = directory::person_by_email(p, &email).await.map_err(failed)?;
    if !settings.trusted_for.covers(&email) {
        let refusal = if existing.is_some() { Refusal::LinkFromProfile } else { Refusal::NoAccount };
        return Err(refused(refusal, format!("{} is not trusted for the address's domain", settings.id)));
    }
    if let Some(person) = existing {
        if !person.value.email_verified {
            return Err(refused(
                Refusal::LinkFromProfile,
                "the account's own address is not proven, so no provider may find it by that address",
            ));
        }
        let link = Link { id: person.value.id.clone(), issuer: identity.issuer.clone() };
        match docs::create(p.kv.as_ref(), link_key, &link, None).await {
            // A concurrent callback of the same subject made the same link.
            Ok(()) | Err(DomainError::Conflict(_)) => {}
            Err(other) => return Err(failed(other)),
        }
        linked(p, settings, &person.value, meta, "by verified email").await;
        keep_roles(p, settings, identity, &person.value, meta).await.map_err(failed)?;
        return Ok(person.value.id);
    }
    create(p, settings, identity, email, meta).await
}

/// Creates the person, their membership in the provider's organisation with the mapped roles, and
/// the link, in one batch. Refused without an organisation or without a mapped role.
async fn create(
    p: &Platform,
    settings: &SsoProvider,
    identity: &VerifiedIdentity,
    email: Email,
    meta: &RequestMeta,
) -> Result<String, Failure> {
    let no_account =
        || refused(Refusal::NoAccount, "no Emmaus account uses this email; ask an admin for an invitation");
    let (Some(slug), Some(mapping)) = (&settings.org, &settings.roles) else { return Err(no_account()) };
    let roles = mapping.roles_of(identity);
    if roles.is_empty() {
        return Err(no_account());
    }
    let org = org_of(p, settings, slug).await.map_err(failed)?;
    let now = p.clock.now();
    let person = Person {
        id: p.ids.new_id(),
        display_name: display_name(identity, &email),
        email,
        password_hash: None,
        last_org: Some(org.clone()),
        created_at: now,
        // A provider trusted for the address's domain vouched for it.
        email_verified: true,
        locale: None,
        time_zone: None,
    };
    let membership = Membership { org_id: org.clone(), person_id: person.id.clone(), roles, joined_at: now };
    let mut writes = directory::person_writes(&person);
    writes.extend(directory::membership_writes(&membership));
    let link = Link { id: person.id.clone(), issuer: identity.issuer.clone() };
    writes.push(docs::create_write(keys::sso(&settings.id, &identity.subject), &link, None));
    p.kv.batch(writes).await.map_err(|error| match error {
        KvError::Conflict(_) => refused(Refusal::Failed, "the account was created at the same moment elsewhere"),
        other => failed(emmaus_app::error::from_kv(other)),
    })?;
    let detail = format!("sso {}: joined as {}", settings.id, membership.roles);
    let event = audit::event(
        p,
        meta,
        Some(&person.id),
        AuditAction::SsoLinked,
        Some(format!("person:{}", person.id)),
        Some(detail),
    );
    audit::record(p, &org, event).await;
    Ok(person.id)
}

/// The organisation id behind the provider's `_ORG` slug; a slug naming none is a setting error.
async fn org_of(p: &Platform, settings: &SsoProvider, slug: &str) -> Result<String, DomainError> {
    if let Some(org) = directory::org_by_slug(p, slug).await? {
        return Ok(org.value.id);
    }
    let key = provider_setting(&settings.id, "ORG");
    let hint = hinted(p.config.as_ref(), &key);
    Err(DomainError::Misconfigured {
        what: "single sign-on".into(),
        reason: format!("the setting {key} names no organisation ({slug}){hint}"),
    })
}

/// The provider's name for the person, else the address's local part.
fn display_name(identity: &VerifiedIdentity, email: &Email) -> String {
    let local = email.as_str().split('@').next().unwrap_or_default();
    [identity.name.as_deref().unwrap_or_default(), local]
        .iter()
        .find_map(|raw| normalise_display_name("display_name", &raw.chars().take(100).collect::<String>()).ok())
        .unwrap_or_else(|| email.to_string())
}

/// Makes the person's roles in the provider's organisation the mapped ones: joins them when they
/// are not a member yet, changes the roles when they differ. Nothing happens when the mapping
/// grants no role (removing someone is an admin's decision), and the last admin keeps `admin`.
async fn keep_roles(
    p: &Platform,
    settings: &SsoProvider,
    identity: &VerifiedIdentity,
    person: &Person,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    let (Some(slug), Some(mapping)) = (&settings.org, &settings.roles) else { return Ok(()) };
    let mapped = mapping.roles_of(identity);
    if mapped.is_empty() {
        return Ok(());
    }
    let org = org_of(p, settings, slug).await?;
    let Some(mut membership) = directory::membership(p, &org, &person.id).await? else {
        let membership =
            Membership { org_id: org.clone(), person_id: person.id.clone(), roles: mapped, joined_at: p.clock.now() };
        p.kv.batch(directory::membership_writes(&membership)).await.map_err(emmaus_app::error::from_kv)?;
        let detail = format!("sso {}: joined as {}", settings.id, membership.roles);
        let event =
            audit::event(p, meta, None, AuditAction::SsoLinked, Some(format!("person:{}", person.id)), Some(detail));
        audit::record(p, &org, event).await;
        return Ok(());
    };
    let mut roles = mapped;
    let mut writes = Vec::new();
    if membership.value.roles.contains(Role::Admin) && !roles.contains(Role::Admin) {
        match crate::members::admin_fence(p, &org, &person.id).await {
            Ok(fence) => writes.push(fence),
            Err(DomainError::Conflict(_)) => {
                tracing::warn!(provider = %settings.id, person = %person.id, "the provider's groups would remove the last admin; admin is kept");
                roles.insert(Role::Admin);
            }
            Err(other) => return Err(other),
        }
    }
    if roles == membership.value.roles {
        return Ok(());
    }
    let detail = format!("roles: {} -> {roles} (sso {})", membership.value.roles, settings.id);
    membership.value.roles = roles;
    writes.push(docs::replace_write(&membership, None));
    // A concurrent change (another admin leaving) makes this sign-in's role update wait for the next one.
    p.kv.batch(writes).await.map_err(emmaus_app::error::from_kv)?;
    // Nobody acted: the provider's groups did, as the detail says.
    let event = audit::event(
        p,
        meta,
        None,
        AuditAction::MemberRolesChanged,
        Some(format!("person:{}", person.id)),
        Some(detail),
    );
    audit::record(p, &org, event).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use emmaus_ports::MapConfig;

    use super::*;

    fn config(pairs: &[(&str, &str)]) -> MapConfig {
        pairs.iter().fold(MapConfig::new(), |config, (key, value)| config.with(*key, *value))
    }

    fn error_of(pairs: &[(&str, &str)]) -> String {
        parse(&config(pairs)).expect_err("refused").to_string()
    }

    #[test]
    fn no_setting_means_no_providers() {
        assert!(parse(&MapConfig::new()).expect("fine").is_empty());
        assert!(parse(&config(&[(PROVIDERS_SETTING, " , ")])).expect("fine").is_empty());
    }

    #[test]
    fn a_full_provider_parses() {
        let providers = parse(&config(&[
            (PROVIDERS_SETTING, "Test, google"),
            ("EMMAUS_OIDC_TEST_ISSUER", "http://127.0.0.1:4000"),
            ("EMMAUS_OIDC_TEST_CLIENT_ID", "emmaus"),
            ("EMMAUS_OIDC_TEST_CLIENT_SECRET", "s3cret"),
            ("EMMAUS_OIDC_TEST_NAME", "Church login"),
            ("EMMAUS_OIDC_TEST_SCOPES", "groups  offline_access"),
            ("EMMAUS_OIDC_TEST_ORG", "grace"),
            ("EMMAUS_OIDC_TEST_ROLE_CLAIM", "groups"),
            ("EMMAUS_OIDC_TEST_ROLE_MAP", "pastors=pastor, leaders=mentor,leaders=mentee"),
            ("EMMAUS_OIDC_GOOGLE_ISSUER", "https://accounts.google.com"),
            ("EMMAUS_OIDC_GOOGLE_CLIENT_ID", "abc.apps.googleusercontent.com"),
        ]))
        .expect("valid");
        let [test, google] = providers.as_slice() else { panic!("two providers") };
        assert_eq!((test.id.as_str(), test.name.as_str()), ("test", "Church login"));
        assert_eq!(test.oidc.extra_scopes, ["groups", "offline_access"]);
        assert!(test.oidc.client_secret.is_some());
        assert_eq!(test.org.as_deref(), Some("grace"));
        let mapping = test.roles.as_ref().expect("a mapping");
        assert_eq!(mapping.claim, "groups");
        assert_eq!(mapping.map.len(), 3);
        assert_eq!((google.name.as_str(), google.org.is_none(), google.roles.is_none()), ("google", true, true));
        assert!(google.oidc.client_secret.is_none());
        assert_ne!(test.fingerprint, google.fingerprint);
    }

    #[test]
    fn malformed_settings_name_their_key() {
        let base = [(PROVIDERS_SETTING, "test"), ("EMMAUS_OIDC_TEST_CLIENT_ID", "emmaus")];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut pairs = base.to_vec();
            pairs.extend_from_slice(extra);
            error_of(&pairs)
        };
        assert!(with(&[]).contains("EMMAUS_OIDC_TEST_ISSUER is required"), "{}", with(&[]));
        for issuer in
            ["http://login.example.org", "login.example.org", "https://login.example.org/?a=1", "ftp://127.0.0.1"]
        {
            let error = with(&[("EMMAUS_OIDC_TEST_ISSUER", issuer)]);
            assert!(error.contains("EMMAUS_OIDC_TEST_ISSUER is not valid"), "{issuer}: {error}");
        }
        let ok = ("EMMAUS_OIDC_TEST_ISSUER", "http://localhost:9");
        let error = with(&[ok, ("EMMAUS_OIDC_TEST_ROLE_CLAIM", "groups")]);
        assert!(error.contains("EMMAUS_OIDC_TEST_ROLE_MAP is required"), "{error}");
        let error = with(&[ok, ("EMMAUS_OIDC_TEST_ROLE_CLAIM", "groups"), ("EMMAUS_OIDC_TEST_ROLE_MAP", "a=pastor")]);
        assert!(error.contains("EMMAUS_OIDC_TEST_ORG is required"), "{error}");
        for map in ["pastors", "=pastor", "pastors=owner", ","] {
            let error = with(&[
                ok,
                ("EMMAUS_OIDC_TEST_ORG", "grace"),
                ("EMMAUS_OIDC_TEST_ROLE_CLAIM", "groups"),
                ("EMMAUS_OIDC_TEST_ROLE_MAP", map),
            ]);
            assert!(error.contains("EMMAUS_OIDC_TEST_ROLE_MAP is not valid"), "{map}: {error}");
        }
        let error = with(&[ok, ("EMMAUS_OIDC_TEST_ORG", "Not A Slug!")]);
        assert!(error.contains("EMMAUS_OIDC_TEST_ORG is not valid"), "{error}");
        for list in ["te-st", "flow", "9lives", "test,test"] {
            let error = error_of(&[(PROVIDERS_SETTING, list)]);
            assert!(error.contains("EMMAUS_OIDC_PROVIDERS is not valid"), "{list}: {error}");
        }
        let secret =
            with(&[("EMMAUS_OIDC_TEST_ISSUER", "http://example.org"), ("EMMAUS_OIDC_TEST_CLIENT_SECRET", "hunter2")]);
        assert!(!secret.contains("hunter2"));
    }

    #[test]
    fn every_provider_setting_is_read_and_documented() {
        // Each suffix, set on top of a valid provider, changes what parsing yields (or makes it
        // refuse); a suffix that parsing never reads would change nothing.
        let base = config(&[
            (PROVIDERS_SETTING, "t"),
            ("EMMAUS_OIDC_T_ISSUER", "https://x.example"),
            ("EMMAUS_OIDC_T_CLIENT_ID", "c"),
        ]);
        let plain = format!("{:?}", parse(&base).expect("valid"));
        for suffix in PROVIDER_SETTINGS {
            let changed = base.clone().with(provider_setting("t", suffix), "pastors=pastor");
            let outcome = parse(&changed).map(|providers| format!("{providers:?}")).ok();
            assert_ne!(outcome.as_deref(), Some(plain.as_str()), "EMMAUS_OIDC_T_{suffix} is not read");
            let documented = format!("| `EMMAUS_OIDC_<ID>_{suffix}` |");
            assert!(
                include_str!("sso.rs").lines().any(|l| l.starts_with("//! ") && l.contains(&documented)),
                "{suffix}"
            );
        }
        let rows = include_str!("sso.rs").lines().filter(|l| l.starts_with("//! | `EMMAUS_OIDC_<ID>_")).count();
        assert_eq!(rows, PROVIDER_SETTINGS.len(), "the settings table lists exactly PROVIDER_SETTINGS");
        assert_eq!(provider_setting("google", "CLIENT_ID"), "EMMAUS_OIDC_GOOGLE_CLIENT_ID");
    }

    /// A source with a hint, as Spin's variables give one.
    #[derive(Debug)]
    struct Hinting(MapConfig);

    impl ConfigSource for Hinting {
        fn get(&self, key: &str) -> Option<String> {
            self.0.get(key)
        }

        fn hint(&self, key: &str) -> Option<String> {
            Some(format!("see {key}"))
        }
    }

    #[test]
    fn errors_carry_the_sources_hint() {
        let reason = |config: &dyn ConfigSource| match configured(config).expect_err("no issuer") {
            DomainError::Misconfigured { what, reason } => {
                assert_eq!(what, "single sign-on", "callers hear only what is not set up");
                reason
            }
            other => panic!("{other:?}"),
        };
        let listed = config(&[(PROVIDERS_SETTING, "entra")]);
        let plain = reason(&listed);
        assert!(plain.ends_with("the setting EMMAUS_OIDC_ENTRA_ISSUER is required but not set"), "{plain}");
        let hinted = reason(&Hinting(listed));
        assert!(hinted.ends_with("is required but not set; see EMMAUS_OIDC_ENTRA_ISSUER"), "{hinted}");
    }

    #[test]
    fn return_to_stays_on_this_site() {
        assert_eq!(return_path(None).expect("default"), "/");
        assert_eq!(return_path(Some("")).expect("default"), "/");
        assert_eq!(return_path(Some("/orgs/1/people?tab=2#x")).expect("a path"), "/orgs/1/people?tab=2#x");
        for bad in ["//evil.example", "/\\evil.example", "https://evil.example/", "evil", "/a b", "/\u{e9}"] {
            assert!(return_path(Some(bad)).is_err(), "{bad:?} accepted");
        }
        assert!(return_path(Some(&format!("/{}", "a".repeat(MAX_RETURN_TO)))).is_err());
    }

    #[test]
    fn roles_come_from_the_claim_values() {
        let mapping = RoleMapping {
            claim: "groups".into(),
            map: vec![
                ("pastors".into(), Role::Pastor),
                ("leaders".into(), Role::Mentor),
                ("leaders".into(), Role::Mentee),
            ],
        };
        let identity = |claims: serde_json::Value| VerifiedIdentity {
            issuer: "https://login.example.org".into(),
            subject: "ada".into(),
            email: None,
            email_verified: false,
            name: None,
            claims: claims.as_object().cloned().expect("an object"),
        };
        let roles = mapping.roles_of(&identity(serde_json::json!({"groups": ["leaders", "staff"]})));
        assert_eq!(roles, RoleSet::new([Role::Mentor, Role::Mentee]));
        assert!(mapping.roles_of(&identity(serde_json::json!({"groups": "staff"}))).is_empty());
        assert!(mapping.roles_of(&identity(serde_json::json!({}))).is_empty());
    }
}
