//! SSO sign-in with an OpenID Provider: the providers for the sign-in page's buttons, and the two
//! legs of the authorization code flow (start, callback). The use cases are in
//! `emmaus_identity::sso`; these endpoints are public by nature.
//!
//! The browser is bound to its sign-in by a random value in the `__Host-emmaus-sso` cookie whose
//! SHA-256 is kept with the flow: a callback carried to another browser (login CSRF, a leaked
//! callback URL) does not sign that browser in.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_http::auth::{self, Meta};
use emmaus_http::{ApiResult, Json, Path, Problem, Query};
use emmaus_identity::sso::{self, Callback, FLOW_TTL, Failure, Refusal};

/// Holds the browser-binding value between start and callback.
pub const SSO_COOKIE: &str = "__Host-emmaus-sso";

/// A sign-in button.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ProviderView {
    /// Goes in `/api/auth/sso/{provider}/start`.
    pub id: String,
    /// The button's label.
    pub name: String,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartQuery {
    /// Where to go once signed in: a path on this site (default `/`).
    pub return_to: Option<String>,
}

/// What the provider sends the browser back with.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    /// Instead of a code, e.g. `access_denied`.
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// The issuer (RFC 9207), when the provider sends it.
    pub iss: Option<String>,
}

/// The SSO providers to offer on the sign-in page; empty when none is configured.
#[utoipa::path(
    get,
    path = "/api/auth/providers",
    tag = "auth",
    operation_id = "listSsoProviders",
    responses(
        (status = 200, description = "The configured providers, in the configured order", body = [ProviderView]),
        (status = "default", description = "A problem (503 when the SSO settings are not valid)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn providers(State(p): State<Platform>) -> ApiResult<Json<Vec<ProviderView>>> {
    let providers = sso::configured(p.config.as_ref())?;
    Ok(Json(providers.into_iter().map(|provider| ProviderView { id: provider.id, name: provider.name }).collect()))
}

/// Starts signing in with a provider: redirects to it, with the binding cookie set.
#[utoipa::path(
    get,
    path = "/api/auth/sso/{provider}/start",
    tag = "auth",
    operation_id = "startSsoSignIn",
    params(("provider" = String, Path, description = "Provider id, from `listSsoProviders`"), StartQuery),
    responses(
        (status = 302, description = "To the provider's authorization endpoint; sets the `__Host-emmaus-sso` cookie",
            headers(("location" = String, description = "The provider's authorization URL"))),
        (status = "default", description = "A problem (404 unknown provider, 422 bad return_to, 503 provider unreachable)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start(
    State(p): State<Platform>,
    Path(provider): Path<String>,
    Query(query): Query<StartQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let origin = auth::public_origin(&p, &headers);
    let started = sso::start(&p, &provider, &origin, query.return_to.as_deref()).await?;
    let location = HeaderValue::from_str(&started.url).map_err(DomainError::unexpected)?;
    let mut out = HeaderMap::new();
    out.insert(LOCATION, location);
    out.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    out.append(SET_COOKIE, sso_cookie(&started.binding, FLOW_TTL.as_secs()));
    Ok((StatusCode::FOUND, out).into_response())
}

/// Where linking should return to.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct LinkRequest {
    /// A path on this site to come back to (default `/`), e.g. `/profile`.
    pub return_to: Option<String>,
}

/// Where the browser goes to link a provider.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LinkStarted {
    /// The provider's authorization URL; navigate the browser there.
    pub url: String,
}

/// Starts linking a provider to the signed-in account (signed in within the last ten minutes);
/// the callback then links instead of signing in, and the account is told by email.
#[utoipa::path(
    post,
    path = "/api/auth/sso/{provider}/link",
    tag = "auth",
    operation_id = "startSsoLink",
    params(("provider" = String, Path, description = "Provider id, from `listSsoProviders`")),
    request_body = LinkRequest,
    responses(
        (status = 200, description = "Navigate to `url`; sets the `__Host-emmaus-sso` cookie", body = LinkStarted),
        (status = "default", description = "A problem (401 not signed in or not recently, 404 unknown provider, 422 bad return_to, 503 provider unreachable)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn link(
    State(p): State<Platform>,
    auth::Session(who): auth::Session,
    Path(provider): Path<String>,
    headers: HeaderMap,
    Json(body): Json<LinkRequest>,
) -> ApiResult<Response> {
    let origin = auth::public_origin(&p, &headers);
    let started = sso::start_link(&p, &who, &provider, &origin, body.return_to.as_deref()).await?;
    let mut out = HeaderMap::new();
    out.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    out.append(SET_COOKIE, sso_cookie(&started.binding, FLOW_TTL.as_secs()));
    Ok((out, Json(LinkStarted { url: started.url })).into_response())
}

/// Where the provider sends the browser back. Always redirects: to `return_to` signed in, or to
/// `/sign-in?error=<code>` (`sso_cancelled`, `sso_failed`, `sso_no_account`,
/// `sso_unverified_email`, `sso_expired`, `sso_link_from_profile`, `sso_linked_elsewhere`), never to
/// an error page. A link begun from the profile links and keeps the browser's own session.
#[utoipa::path(
    get,
    path = "/api/auth/sso/{provider}/callback",
    tag = "auth",
    operation_id = "finishSsoSignIn",
    params(("provider" = String, Path, description = "Provider id"), CallbackQuery),
    responses(
        (status = 303, description = "Signed in (session cookies set) and sent to `return_to`, or sent to `/sign-in?error=<code>`",
            headers(("location" = String, description = "`return_to`, or `/sign-in?error=<code>`"))),
    )
)]
pub async fn callback(
    State(p): State<Platform>,
    provider: Result<Path<String>, Problem>,
    Meta(meta): Meta,
    headers: HeaderMap,
    query: Result<Query<CallbackQuery>, Problem>,
) -> Response {
    // A provider id that names nothing still gets the redirect every callback gets.
    let provider = provider.map_or_else(|_| String::new(), |Path(provider)| provider);
    let mut out = HeaderMap::new();
    out.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Spent or not, this sign-in is over for this browser.
    out.append(SET_COOKIE, sso_cookie("", 0));
    let location = match query {
        Ok(Query(query)) => {
            let callback = Callback {
                provider: &provider,
                state: query.state.as_deref(),
                code: query.code.as_deref(),
                error: query.error.as_deref(),
                error_description: query.error_description.as_deref(),
                iss: query.iss.as_deref(),
                binding: auth::cookie(&headers, SSO_COOKIE),
            };
            match sso::finish(&p, &callback, &meta).await {
                Ok(signed_in) => {
                    if let Some(pending) = &signed_in.pending {
                        tracing::info!(provider = %provider, person = %signed_in.person_id, "SSO sign-in waits for the second factor");
                        let age = pending.expires_in.as_secs();
                        out.append(SET_COOKIE, crate::second_factor::challenge_cookie(&pending.token, age));
                        return_to_second_step(&signed_in.return_to)
                    } else if let Some(issued) = &signed_in.issued {
                        tracing::info!(provider = %provider, person = %signed_in.person_id, "signed in with SSO");
                        auth::set_session_cookies(&mut out, issued);
                        signed_in.return_to
                    } else {
                        tracing::info!(provider = %provider, person = %signed_in.person_id, "linked SSO to an account");
                        signed_in.return_to
                    }
                }
                Err(failure) => refused(&provider, &failure),
            }
        }
        Err(_) => refused(
            &provider,
            &Failure { refusal: Refusal::Failed, reason: DomainError::invalid("query", "is not a callback's") },
        ),
    };
    // `return_to` was checked to be printable ASCII at start; the fallback keeps this total.
    let location = HeaderValue::from_str(&location).unwrap_or_else(|_| HeaderValue::from_static("/"));
    out.insert(LOCATION, location);
    (StatusCode::SEE_OTHER, out).into_response()
}

/// The sign-in page's second step, which goes on to `return_to` once the code is right.
fn return_to_second_step(return_to: &str) -> String {
    // `return_to` is printable ASCII (checked at start); what a query value cannot hold is escaped.
    let escaped: String = return_to
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => char::from(b).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    format!("/sign-in?step=second-factor&return_to={escaped}")
}

/// Logs why, and answers where the sign-in page shows the matching message.
fn refused(provider: &str, failure: &Failure) -> String {
    let code = failure.refusal.code();
    let reason = &failure.reason;
    match reason {
        // Ours or the provider's fault, not the person's: loud, with the cause.
        DomainError::Unexpected(_) | DomainError::Unavailable(_) | DomainError::Misconfigured { .. } => {
            let cause = std::error::Error::source(reason).map(ToString::to_string);
            tracing::error!(provider, code, reason = %reason, cause, "SSO sign-in failed");
        }
        _ => tracing::warn!(provider, code, reason = %reason, "SSO sign-in refused"),
    }
    format!("/sign-in?error={code}")
}

/// The binding cookie: only for this host, over HTTPS, unreadable by scripts, and sent on the
/// provider's top-level redirect back to us (`Lax`), not on cross-site subrequests.
fn sso_cookie(value: &str, max_age: u64) -> HeaderValue {
    let text = format!("{SSO_COOKIE}={value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={max_age}");
    HeaderValue::from_str(&text).expect("base64url values make a valid header")
}
