//! SSO sign-in end to end: the auth function served on a loopback port, a real OpenID Provider
//! (oidc-provider, `scripts/oidc-provider`), and a plain HTTP client in the browser's place that
//! fills the provider's login and consent forms (`emmaus_testkit::oidc`, shared with the Spin
//! component's test in `shared/wasm-host/tests/sso.rs`).
//!
//! The provider's address comes from `EMMAUS_TEST_OIDC_ISSUER` (`start_oidc_provider` in
//! `scripts/lib/oidc.sh`); without it those cases are skipped, or fail under
//! `EMMAUS_REQUIRE_OIDC_TESTS=1`. The case that never reaches a provider always runs.
//!
//! Cookies: the site's cookies are `__Host-` cookies, hence `Secure`, and reqwest's cookie store
//! (rightly) neither keeps nor sends `Secure` cookies over plain `http://`. So the browser's
//! cookie store only carries the provider's cookies, and the tests read the site's cookies from
//! `Set-Cookie` and send them back by hand, as a browser would over HTTPS.

use std::sync::Arc;
use std::time::Duration;

use emmaus_app::Platform;
use emmaus_domain::audit::AuditAction;
use emmaus_domain::identity::{Email, Role, RoleSet};
use emmaus_identity::setup::{self, NewOrg};
use emmaus_identity::tokens::{KEYS_SETTING, KeyRing};
use emmaus_identity::{RequestMeta, audit, directory};
use emmaus_ports::{Clock as _, MapConfig, RandomIds, SystemClock};
use emmaus_reqwest::ReqwestHttp;
use emmaus_testkit::oidc::{self, browser, issuer};
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Response, Url};
use serde_json::{Value, json};
use tokio::net::TcpListener;

const SSO_COOKIE: &str = "__Host-emmaus-sso";
const ACCESS_COOKIE: &str = "__Host-emmaus-access";
const ROLE_MAPPING: [(&str, &str); 3] =
    [("ORG", "grace"), ("ROLE_CLAIM", "groups"), ("ROLE_MAP", "pastors=pastor,leaders=mentor,everyone=mentee")];

/// The auth function on its own port, with the organisation `grace` whose only admin is Ada.
struct Site {
    origin: String,
    issuer: String,
    platform: Platform,
    org: String,
}

async fn listen() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let origin = format!("http://{}", listener.local_addr().expect("an address"));
    (listener, origin)
}

/// Serves the auth function with `settings` on top of the session keys and the public URL. Real
/// time and randomness: the provider's ID tokens carry the real `iat` and `exp`.
async fn serve(listener: TcpListener, origin: &str, issuer: &str, settings: Vec<(String, String)>) -> Site {
    let (mut platform, manual) = Platform::in_memory("local");
    // The in-memory store judges expiry by this clock: at now, flows expire as they would.
    manual.set(SystemClock.now());
    platform.clock = Arc::new(SystemClock);
    platform.ids = Arc::new(RandomIds::new(Arc::new(SystemClock)));
    platform.http = Arc::new(ReqwestHttp::new(Duration::from_secs(10)).expect("an HTTP client"));
    let mut config = MapConfig::new()
        .with(KEYS_SETTING, KeyRing::new_entry("test", &[7; 32]))
        .with(audit::KEYS_SETTING, audit::new_key_entry("test", &[8; 32]))
        .with(emmaus_app::sealing::KEYS_SETTING, emmaus_app::sealing::new_key_entry("test", &[10; 32]))
        .with("EMMAUS_PUBLIC_URL", origin);
    for (key, value) in settings {
        config.insert(key, value);
    }
    platform.config = Arc::new(config);
    let new = NewOrg {
        slug: "grace",
        name: "Grace Church",
        admin_email: "ada@example.org",
        admin_name: "Ada",
        admin_password: "correct horse battery staple",
    };
    let (org, ada) = setup::create_org(&platform, &new, &RequestMeta::default()).await.expect("an organisation");
    // As if Ada had used a link mailed to her: only a proven address may be found by a provider.
    set_proven(&platform, &ada.email, true).await;
    let app = auth::router(platform.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.expect("the site serves") });
    Site { origin: origin.to_owned(), issuer: issuer.to_owned(), platform, org: org.id }
}

/// Marks the account at `email` as having (or not having) a proven address.
async fn set_proven(platform: &Platform, email: &Email, proven: bool) {
    let mut person = directory::person_by_email(platform, email).await.expect("read").expect("a person");
    person.value.email_verified = proven;
    emmaus_app::docs::replace(platform.kv.as_ref(), &person, None).await.expect("updated");
}

/// A site whose provider `test` is a client registered at `issuer` for exactly the site's callback
/// URI, plus `extra` settings of that provider (`ORG`, `ROLE_MAP`... without the prefix). The
/// provider speaks for `example.org` unless `extra` says otherwise.
async fn site(issuer: &str, extra: &[(&str, &str)]) -> Site {
    let (listener, origin) = listen().await;
    let redirect_uri = format!("{origin}/api/auth/sso/test/callback");
    let registered = oidc::register(issuer, &json!({ "redirect_uris": [redirect_uri] })).await;
    let text = |key: &str| registered[key].as_str().expect("registered").to_owned();
    let mut settings: Vec<(String, String)> = [
        ("PROVIDERS", "test".to_owned()),
        ("TEST_ISSUER", issuer.to_owned()),
        ("TEST_NAME", "Test login".to_owned()),
        ("TEST_SCOPES", "groups".to_owned()),
        ("TEST_CLIENT_ID", text("client_id")),
        ("TEST_CLIENT_SECRET", text("client_secret")),
    ]
    .into_iter()
    .map(|(key, value)| (format!("EMMAUS_OIDC_{key}"), value))
    .collect();
    if !extra.iter().any(|(key, _)| *key == "LINK_DOMAINS") {
        settings.push(("EMMAUS_OIDC_TEST_LINK_DOMAINS".into(), "example.org".into()));
    }
    settings.extend(extra.iter().map(|(key, value)| (format!("EMMAUS_OIDC_TEST_{key}"), (*value).to_owned())));
    serve(listener, &origin, issuer, settings).await
}

/// The value `name` is set to by the response's `Set-Cookie` headers.
fn set_cookie(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|cookie| cookie.split(';').next()?.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

fn location(response: &Response) -> String {
    response.headers()["location"].to_str().expect("ASCII").to_owned()
}

/// What `start` gave the browser: where to go, and the binding cookie's value.
struct Started {
    authorize: Url,
    binding: String,
}

async fn start(site: &Site, browser: &reqwest::Client, return_to: &str) -> Started {
    let url = format!("{}/api/auth/sso/test/start?return_to={return_to}", site.origin);
    let response = browser.get(url).send().await.expect("the site answers");
    assert_eq!(response.status(), 302);
    let cookie = response.headers().get_all(SET_COOKIE).iter().find_map(|v| v.to_str().ok()).expect("a cookie");
    assert!(cookie.contains("; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=600"), "{cookie}");
    let authorize = Url::parse(&location(&response)).expect("a URL");
    assert!(authorize.as_str().starts_with(&site.issuer), "{authorize}");
    Started { authorize, binding: set_cookie(&response, SSO_COOKIE).expect("the binding cookie") }
}

/// Signs in at the provider as `login`, consenting, until the provider sends the browser back to
/// the site; returns that callback URL (not yet visited).
async fn at_provider(site: &Site, browser: &reqwest::Client, started: &Started, login: &str) -> Url {
    let url = oidc::callback_url(browser, &site.issuer, started.authorize.as_str(), login).await;
    assert!(url.as_str().starts_with(&site.origin), "the provider sent the browser elsewhere: {url}");
    url
}

/// Visits the callback with the binding cookie, if any, as the browser would send it.
async fn callback(browser: &reqwest::Client, url: &Url, binding: Option<&str>) -> Response {
    let mut request = browser.get(url.clone());
    if let Some(binding) = binding {
        request = request.header(COOKIE, format!("{SSO_COOKIE}={binding}"));
    }
    let response = request.send().await.expect("the site answers");
    assert_eq!(response.status(), 303, "the callback always redirects");
    response
}

/// A whole sign-in as `login` in a fresh browser; the callback's answer.
async fn sign_in(site: &Site, login: &str) -> Response {
    let browser = browser();
    let started = start(site, &browser, "/orgs").await;
    let url = at_provider(site, &browser, &started, login).await;
    callback(&browser, &url, Some(&started.binding)).await
}

/// The session the access cookie of a signed-in callback answer opens.
async fn session(site: &Site, signed_in: &Response) -> Value {
    let access = set_cookie(signed_in, ACCESS_COOKIE).expect("an access cookie");
    let response = reqwest::Client::new()
        .get(format!("{}/api/auth/session", site.origin))
        .header(COOKIE, format!("{ACCESS_COOKIE}={access}"))
        .send()
        .await
        .expect("the site answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON")
}

fn assert_refused(response: &Response, code: &str) {
    assert_eq!(location(response), format!("/sign-in?error={code}"));
    assert!(set_cookie(response, ACCESS_COOKIE).is_none(), "no session on a refusal");
    assert_eq!(set_cookie(response, SSO_COOKIE).as_deref(), Some(""), "the binding cookie is cleared");
}

async fn audit_details(site: &Site, action: AuditAction) -> Vec<String> {
    let entries = audit::all(&site.platform, &site.org, 1000).await.expect("the audit log");
    entries.into_iter().filter(|e| e.event.action == action).map(|e| e.event.detail.unwrap_or_default()).collect()
}

async fn roles_of(site: &Site, email: &str) -> RoleSet {
    let email = Email::parse(email).expect("an address");
    let person = directory::person_by_email(&site.platform, &email).await.expect("read").expect("a person");
    directory::membership(&site.platform, &site.org, &person.value.id)
        .await
        .expect("read")
        .expect("a member")
        .value
        .roles
}

#[tokio::test]
async fn the_sign_in_page_lists_providers_and_bad_requests_are_problems() {
    let plain = browser();
    let get = |url: String| {
        let plain = plain.clone();
        async move { plain.get(url).send().await.expect("the site answers") }
    };
    let settings = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();

    let (listener, origin) = listen().await;
    let none = serve(listener, &origin, "", Vec::new()).await;
    let listed: Value = get(format!("{}/api/auth/providers", none.origin)).await.json().await.expect("JSON");
    assert_eq!(listed, json!([]));

    let (listener, origin) = listen().await;
    let configured = settings(&[
        ("EMMAUS_OIDC_PROVIDERS", "test"),
        ("EMMAUS_OIDC_TEST_ISSUER", "https://login.example.org"),
        ("EMMAUS_OIDC_TEST_CLIENT_ID", "emmaus"),
        ("EMMAUS_OIDC_TEST_NAME", "Test login"),
    ]);
    let one = serve(listener, &origin, "https://login.example.org", configured).await;
    let listed: Value = get(format!("{}/api/auth/providers", one.origin)).await.json().await.expect("JSON");
    assert_eq!(listed, json!([{ "id": "test", "name": "Test login" }]));
    let unknown = get(format!("{}/api/auth/sso/other/start", one.origin)).await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(unknown.headers()["content-type"], "application/problem+json");
    let elsewhere = get(format!("{}/api/auth/sso/test/start?return_to=//evil.example/", one.origin)).await;
    assert_eq!(elsewhere.status(), 422);
    let nothing = get(format!("{}/api/auth/sso/test/callback", one.origin)).await;
    assert_eq!(nothing.status(), 303);
    assert_eq!(location(&nothing), "/sign-in?error=sso_expired");

    let (listener, origin) = listen().await;
    let broken = settings(&[
        ("EMMAUS_OIDC_PROVIDERS", "test"),
        ("EMMAUS_OIDC_TEST_ISSUER", "http://login.example.org"),
        ("EMMAUS_OIDC_TEST_CLIENT_ID", "emmaus"),
    ]);
    let broken = serve(listener, &origin, "", broken).await;
    let answer = get(format!("{}/api/auth/providers", broken.origin)).await;
    assert_eq!(answer.status(), 503);
    let problem: Value = answer.json().await.expect("JSON");
    // Anyone may ask for the providers: the answer names no setting (the log does).
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(detail.starts_with("single sign-on is not set up on this server"), "{problem}");
    assert!(!detail.contains("EMMAUS_") && !detail.contains("ISSUER"), "{problem}");
}

#[tokio::test]
async fn an_existing_person_links_by_verified_email_and_gets_a_session() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, &[]).await;
    let signed_in = sign_in(&site, "ada@example.org").await;
    assert_eq!(location(&signed_in), "/orgs");
    assert_eq!(set_cookie(&signed_in, SSO_COOKIE).as_deref(), Some(""), "the binding cookie is cleared");
    let view = session(&site, &signed_in).await;
    assert_eq!(view["person"]["email"], "ada@example.org");
    assert_eq!(view["organisations"][0]["roles"], json!(["admin"]));
    assert_eq!(audit_details(&site, AuditAction::SsoLinked).await, ["sso test (by verified email)"]);
    let notices = emmaus_app::mail_queue::pending(&site.platform).await.expect("the mail queue");
    assert!(
        notices.iter().any(|m| m.to == "ada@example.org" && m.subject.contains("can now sign you in")),
        "{notices:?}"
    );

    // The second time the link finds her; nothing is linked again.
    let again = sign_in(&site, "ada@example.org").await;
    assert_eq!(session(&site, &again).await["person"]["id"], view["person"]["id"]);
    assert_eq!(audit_details(&site, AuditAction::SsoLinked).await.len(), 1);
    assert_eq!(audit_details(&site, AuditAction::SignIn).await, ["sso test", "sso test"]);
}

#[tokio::test]
async fn an_unverified_email_is_refused() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, &ROLE_MAPPING).await;
    let refused = sign_in(&site, "unverified+ada@example.org").await;
    assert_refused(&refused, "sso_unverified_email");
    // Not even a new account with mapped roles for an address nobody vouches for.
    let refused = sign_in(&site, "unverified+newcomer@example.org#pastors").await;
    assert_refused(&refused, "sso_unverified_email");
    assert!(audit_details(&site, AuditAction::SsoLinked).await.is_empty());
}

#[tokio::test]
async fn an_unknown_email_joins_with_the_mapped_roles_which_follow_the_groups() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, &ROLE_MAPPING).await;
    let joined = sign_in(&site, "grace@example.org#pastors,everyone,staff").await;
    assert_eq!(location(&joined), "/orgs");
    let view = session(&site, &joined).await;
    assert_eq!(view["person"]["display_name"], "grace");
    assert_eq!(view["person"]["has_password"], false);
    assert_eq!(view["organisations"][0]["slug"], "grace");
    assert_eq!(view["organisations"][0]["roles"], json!(["pastor", "mentee"]));
    assert_eq!(audit_details(&site, AuditAction::SsoLinked).await, ["sso test: joined as pastor, mentee"]);

    // No group that maps to a role, and no account: no way in.
    assert_refused(&sign_in(&site, "bob@example.org#staff").await, "sso_no_account");
    assert_refused(&sign_in(&site, "bob@example.org").await, "sso_no_account");

    // Another login of the same address (this provider's subject is the whole login) links by the
    // verified address, and the roles become what its groups say.
    let moved = sign_in(&site, "grace@example.org#leaders").await;
    assert_eq!(session(&site, &moved).await["person"]["id"], view["person"]["id"]);
    assert_eq!(roles_of(&site, "grace@example.org").await, RoleSet::new([Role::Mentor]));
    let changes = audit_details(&site, AuditAction::MemberRolesChanged).await;
    assert_eq!(changes, ["roles: pastor, mentee -> mentor (sso test)"]);

    // The only admin keeps admin whatever the groups say.
    let ada = sign_in(&site, "ada@example.org#everyone").await;
    assert_eq!(location(&ada), "/orgs");
    assert_eq!(roles_of(&site, "ada@example.org").await, RoleSet::new([Role::Admin, Role::Mentee]));
}

#[tokio::test]
async fn a_replayed_callback_is_refused() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, &[]).await;
    let browser = browser();
    let started = start(&site, &browser, "/").await;
    let url = at_provider(&site, &browser, &started, "ada@example.org").await;
    let first = callback(&browser, &url, Some(&started.binding)).await;
    assert_eq!(location(&first), "/");
    assert_refused(&callback(&browser, &url, Some(&started.binding)).await, "sso_expired");
}

#[tokio::test]
async fn a_callback_in_another_browser_is_refused() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, &[]).await;
    let (browser, another) = (browser(), browser());
    let started = start(&site, &browser, "/").await;
    let url = at_provider(&site, &browser, &started, "ada@example.org").await;
    // Without the cookie, or with another sign-in's: refused, and the flow stays for its browser.
    assert_refused(&callback(&another, &url, None).await, "sso_failed");
    let other = start(&site, &browser, "/").await;
    assert_refused(&callback(&browser, &url, Some(&other.binding)).await, "sso_failed");
    let mine = callback(&browser, &url, Some(&started.binding)).await;
    assert_eq!(location(&mine), "/");
    assert!(set_cookie(&mine, ACCESS_COOKIE).is_some());
}

#[tokio::test]
async fn a_tampered_state_is_refused() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, &[]).await;
    let browser = browser();
    let started = start(&site, &browser, "/").await;
    let url = at_provider(&site, &browser, &started, "ada@example.org").await;
    let state = url.query_pairs().find(|(key, _)| key == "state").expect("a state").1.into_owned();
    // The first character changed to another one: a change in the last could fall in
    // base64's padding bits, or leave the state as it was.
    let first = if state.starts_with('A') { 'B' } else { 'A' };
    let flipped = format!("{first}{}", &state[1..]);
    for forged in [flipped, "x".repeat(43), format!("{state}x"), String::new()] {
        let mut tampered = url.clone();
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(key, value)| {
                (key.clone().into_owned(), if key == "state" { forged.clone() } else { value.into_owned() })
            })
            .collect();
        tampered.query_pairs_mut().clear().extend_pairs(pairs);
        assert_refused(&callback(&browser, &tampered, Some(&started.binding)).await, "sso_expired");
    }
}

#[tokio::test]
async fn declining_at_the_provider_reads_as_cancelled() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, &[]).await;
    let browser = browser();
    let started = start(&site, &browser, "/").await;
    let state = started.authorize.query_pairs().find(|(key, _)| key == "state").expect("a state").1.into_owned();
    // What a provider sends back when the person declines (RFC 6749 section 4.1.2.1).
    let mut declined = Url::parse(&format!("{}/api/auth/sso/test/callback", site.origin)).expect("a URL");
    declined.query_pairs_mut().append_pair("error", "access_denied").append_pair("state", &state);
    assert_refused(&callback(&browser, &declined, Some(&started.binding)).await, "sso_cancelled");
    // The flow is spent: the same state cannot be used again.
    assert_refused(&callback(&browser, &declined, Some(&started.binding)).await, "sso_expired");
}

#[tokio::test]
async fn a_provider_not_trusted_for_the_address_finds_no_account_and_makes_none() {
    let Some(issuer) = issuer() else { return };
    let mut extra = ROLE_MAPPING.to_vec();
    extra.push(("LINK_DOMAINS", "grace.church"));
    let site = site(&issuer, &extra).await;
    // Its verified address is Ada's, but the provider does not speak for example.org.
    assert_refused(&sign_in(&site, "ada@example.org").await, "sso_link_from_profile");
    assert_refused(&sign_in(&site, "grace@example.org").await, "sso_no_account");
    assert!(audit_details(&site, AuditAction::SsoLinked).await.is_empty());
    let nobody = directory::person_by_email(&site.platform, &Email::parse("grace@example.org").expect("an address"))
        .await
        .expect("read");
    assert!(nobody.is_none(), "no account was made");
}

#[tokio::test]
async fn an_account_whose_address_is_unproven_is_not_found_by_it() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, &[]).await;
    // An account someone else made for the address (say, from a hand-shared invitation link).
    set_proven(&site.platform, &Email::parse("ada@example.org").expect("an address"), false).await;
    assert_refused(&sign_in(&site, "ada@example.org").await, "sso_link_from_profile");
    assert!(audit_details(&site, AuditAction::SsoLinked).await.is_empty());
}

/// Signs in with Ada's password; the access and CSRF cookies.
async fn password_session(site: &Site) -> (String, String) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/auth/sign-in", site.origin))
        .json(&json!({"email": "ada@example.org", "password": "correct horse battery staple"}))
        .send()
        .await
        .expect("the site answers");
    assert_eq!(response.status(), 200);
    let access = set_cookie(&response, ACCESS_COOKIE).expect("an access cookie");
    let csrf = set_cookie(&response, "__Host-emmaus-csrf").expect("a CSRF cookie");
    (access, csrf)
}

#[tokio::test]
async fn a_signed_in_person_links_a_provider_from_their_profile() {
    let Some(issuer) = issuer() else { return };
    let site = site(&issuer, &[("LINK_DOMAINS", "grace.church")]).await;
    let (access, csrf) = password_session(&site).await;
    let link = |with_csrf: bool| {
        let mut request = reqwest::Client::new()
            .post(format!("{}/api/auth/sso/test/link", site.origin))
            .header(COOKIE, format!("{ACCESS_COOKIE}={access}; __Host-emmaus-csrf={csrf}"))
            .json(&json!({"return_to": "/profile"}));
        if with_csrf {
            request = request.header("x-csrf-token", csrf.clone());
        }
        request.send()
    };
    assert_eq!(link(false).await.expect("the site answers").status(), 401, "a cookie write needs its CSRF token");
    let anonymous = reqwest::Client::new()
        .post(format!("{}/api/auth/sso/test/link", site.origin))
        .json(&json!({}))
        .send()
        .await
        .expect("the site answers");
    assert_eq!(anonymous.status(), 401);
    let answer = link(true).await.expect("the site answers");
    assert_eq!(answer.status(), 200);
    let binding = set_cookie(&answer, SSO_COOKIE).expect("the binding cookie");
    let body: Value = answer.json().await.expect("JSON");
    let started = Started { authorize: Url::parse(body["url"].as_str().expect("a URL")).expect("a URL"), binding };
    let browser = browser();
    let url = at_provider(&site, &browser, &started, "ada@example.org").await;
    let linked = callback(&browser, &url, Some(&started.binding)).await;
    assert_eq!(location(&linked), "/profile");
    assert!(set_cookie(&linked, ACCESS_COOKIE).is_none(), "a link keeps the browser's own session");
    assert_eq!(audit_details(&site, AuditAction::SsoLinked).await, ["sso test (from the profile)"]);
    let notice = emmaus_app::mail_queue::pending(&site.platform).await.expect("the mail queue");
    assert!(
        notice.iter().any(|m| m.to == "ada@example.org" && m.subject == "Test login can now sign you in to Emmaus"),
        "{notice:?}"
    );
    // From now on the provider signs Ada in by its subject, whatever it is trusted for.
    let signed_in = sign_in(&site, "ada@example.org").await;
    assert_eq!(location(&signed_in), "/orgs");
    assert_eq!(session(&site, &signed_in).await["person"]["email"], "ada@example.org");
}
