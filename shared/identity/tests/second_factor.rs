//! The second factor: setting up an authenticator app, the second step of a sign-in, codes that
//! work once (even when sent twice at the same moment), recovery codes, the throttle, and an
//! organisation that requires it of its admins.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{ADMIN_PW, join, latest_mail, meta, world};
use emmaus_app::Platform;
use emmaus_domain::audit::AuditAction;
use emmaus_domain::identity::Role;
use emmaus_domain::{DomainError, Timestamp, totp};
use emmaus_identity::accounts::{self, SignInStep};
use emmaus_identity::members::{self, OrgChange};
use emmaus_identity::second_factor::{self, Pending};
use emmaus_identity::{Actor, Principal, audit, directory, sessions};
use emmaus_ports::Key;

const EMAIL: &str = "admin@grace.test";

/// A realistic time, so time steps are not near zero.
const START: i64 = 1_800_000_000;

fn decode_base32(text: &str) -> Vec<u8> {
    totp::parse_base32(text).expect("the secret is base32")
}

fn principal(actor: &Actor) -> Principal {
    Principal { person_id: actor.person_id.clone(), session_id: actor.session_id.clone(), meta: meta() }
}

/// Sets up the admin's app; answers its secret and the recovery codes.
async fn enrol(p: &Platform, who: &Principal) -> (Vec<u8>, Vec<String>) {
    let enrolment = second_factor::begin(p, who).await.unwrap();
    let secret = decode_base32(&enrolment.secret);
    let codes = second_factor::confirm(p, who, &totp::code_at(&secret, p.clock.now())).await.unwrap();
    (secret, codes)
}

async fn challenge(p: &Platform) -> Pending {
    match accounts::begin_sign_in(p, EMAIL, ADMIN_PW, &meta()).await.unwrap() {
        SignInStep::SecondFactor(pending) => pending,
        SignInStep::Session(_) => panic!("the password alone signed in"),
    }
}

fn is_wrong_code(error: &DomainError) -> bool {
    matches!(error, DomainError::Validation(errors) if errors.iter().any(|e| e.field == "code"))
}

/// Puts the clock at [`START`].
fn start_clock(clock: &emmaus_memory::ManualClock) {
    clock.set(Timestamp::from_unix_seconds(START));
}

#[tokio::test]
async fn setting_up_needs_a_recent_sign_in_and_a_code_from_the_app() {
    let (p, clock, admin) = world().await;
    start_clock(&clock);
    let fresh = accounts::sign_in(&p, EMAIL, ADMIN_PW, &meta()).await.unwrap();
    let elsewhere = accounts::sign_in(&p, EMAIL, ADMIN_PW, &meta()).await.unwrap();
    let who = Principal { person_id: admin.person_id.clone(), session_id: fresh.session_id.clone(), meta: meta() };

    let enrolment = second_factor::begin(&p, &who).await.unwrap();
    assert_eq!(enrolment.secret.len(), 32, "160 bits in base32");
    assert!(
        enrolment.uri.starts_with("otpauth://totp/Emmaus:admin@grace.test?secret=")
            && enrolment.uri.contains(&enrolment.secret)
            && enrolment.uri.contains("&issuer=Emmaus&algorithm=SHA1&digits=6&period=30"),
        "{}",
        enrolment.uri
    );
    // At rest the secret is sealed: neither its base32 nor its bytes are in the store.
    let stored = p.kv.get(&Key::new(format!("person#{}", admin.person_id), "second-factor")).await.unwrap().unwrap();
    let stored_text = String::from_utf8(stored.value.clone()).unwrap();
    let secret = decode_base32(&enrolment.secret);
    assert!(stored_text.contains("\"secret\":\"v1.test."), "{stored_text}");
    assert!(!stored_text.contains(&enrolment.secret));
    assert!(!stored.value.windows(secret.len()).any(|w| w == secret.as_slice()));
    // Begun but not confirmed, sign-in is unchanged.
    assert!(!second_factor::enabled(&p, &admin.person_id).await.unwrap());
    assert!(accounts::sign_in(&p, EMAIL, ADMIN_PW, &meta()).await.is_ok());

    let wrong = second_factor::confirm(&p, &who, "000000").await.unwrap_err();
    assert!(is_wrong_code(&wrong), "{wrong:?}");
    let codes = second_factor::confirm(&p, &who, &totp::code_at(&secret, p.clock.now())).await.unwrap();
    assert_eq!(codes.len(), totp::RECOVERY_CODES);
    assert!(codes.iter().all(|c| totp::looks_like_recovery_code(c)), "{codes:?}");
    let status = second_factor::status(&p, &admin.person_id).await.unwrap();
    assert!(status.enabled && status.recovery_codes_left == 10 && status.required_by.is_empty(), "{status:?}");
    assert!(sessions::authenticate(&p, &fresh.access_token).await.is_ok(), "this session stays");
    assert!(sessions::authenticate(&p, &elsewhere.access_token).await.is_err(), "every other one ends");
    let notice = latest_mail(&p).await;
    assert!(notice.contains("A second factor (an authenticator app) was set up"), "{notice}");
    let again = second_factor::begin(&p, &who).await.unwrap_err();
    assert!(matches!(again, DomainError::Conflict(_)), "{again:?}");

    // A session older than ten minutes cannot begin a setup.
    clock.advance(Duration::from_mins(11));
    let stale = second_factor::begin(&p, &principal(&admin)).await.unwrap_err();
    assert!(matches!(&stale, DomainError::Refused(m) if m.contains("set up your second factor")), "{stale:?}");
}

#[tokio::test]
async fn sign_in_asks_for_the_code_and_each_code_works_once() {
    let (p, clock, admin) = world().await;
    start_clock(&clock);
    let fresh = accounts::sign_in(&p, EMAIL, ADMIN_PW, &meta()).await.unwrap();
    let who = Principal { person_id: admin.person_id.clone(), session_id: fresh.session_id, meta: meta() };
    let (secret, _) = enrol(&p, &who).await;
    clock.advance(Duration::from_secs(30));

    // The password alone no longer signs in, on either door.
    let refused = accounts::sign_in(&p, EMAIL, ADMIN_PW, &meta()).await.unwrap_err();
    assert!(matches!(refused, DomainError::Refused(_)), "{refused:?}");
    let first = challenge(&p).await;
    assert_eq!(first.expires_in, second_factor::CHALLENGE_TTL);
    let wrong = second_factor::complete(&p, &first.token, "123456", &meta()).await.unwrap_err();
    assert!(is_wrong_code(&wrong), "{wrong:?}");
    let code = totp::code_at(&secret, p.clock.now());
    let issued = second_factor::complete(&p, &first.token, &code, &meta()).await.unwrap();
    assert_eq!(issued.person_id, admin.person_id);
    assert!(sessions::authenticate(&p, &issued.access_token).await.is_ok());

    // The challenge opened its one session; the code was spent with it.
    let spent = second_factor::complete(&p, &first.token, &code, &meta()).await.unwrap_err();
    assert!(matches!(spent, DomainError::Unauthenticated), "{spent:?}");
    let second = challenge(&p).await;
    let code_again = second_factor::complete(&p, &second.token, &code, &meta()).await.unwrap_err();
    assert!(is_wrong_code(&code_again), "a code works once, even within its 30 seconds: {code_again:?}");
    clock.advance(Duration::from_secs(30));
    let next = totp::code_at(&secret, p.clock.now());
    assert!(second_factor::complete(&p, &second.token, &next, &meta()).await.is_ok());

    // A challenge lasts five minutes, and a made-up one is nothing.
    let late = challenge(&p).await;
    clock.advance(second_factor::CHALLENGE_TTL + Duration::from_secs(1));
    let now_code = totp::code_at(&secret, p.clock.now());
    let expired = second_factor::complete(&p, &late.token, &now_code, &meta()).await.unwrap_err();
    assert!(matches!(expired, DomainError::Unauthenticated), "{expired:?}");
    let forged = format!("{}.x{}", admin.person_id, &late.token[admin.person_id.len() + 2..]);
    let forged = second_factor::complete(&p, &forged, &now_code, &meta()).await.unwrap_err();
    assert!(matches!(forged, DomainError::Unauthenticated), "{forged:?}");

    let entries = audit::all(&p, &admin.org_id, 1000).await.unwrap();
    let details: Vec<_> = entries
        .iter()
        .filter(|e| e.event.action == AuditAction::SignIn)
        .filter_map(|e| e.event.detail.clone())
        .collect();
    assert!(details.iter().filter(|d| *d == "password and authenticator app").count() == 2, "{details:?}");
    assert!(entries.iter().any(|e| e.event.action == AuditAction::SecondFactorFailed));
    assert!(entries.iter().any(|e| e.event.action == AuditAction::SecondFactorEnabled));
}

#[tokio::test]
async fn wrong_codes_end_the_challenge_and_lock_like_passwords() {
    let (p, clock, admin) = world().await;
    start_clock(&clock);
    let (secret, _) = enrol(&p, &principal_fresh(&p, &admin).await).await;
    clock.advance(Duration::from_secs(30));
    let pending = challenge(&p).await;
    for _ in 0..second_factor::CHALLENGE_ATTEMPTS {
        let wrong = second_factor::complete(&p, &pending.token, "000001", &meta()).await.unwrap_err();
        assert!(is_wrong_code(&wrong), "{wrong:?}");
    }
    let right = totp::code_at(&secret, p.clock.now());
    let ended = second_factor::complete(&p, &pending.token, &right, &meta()).await.unwrap_err();
    assert!(
        matches!(ended, DomainError::Unauthenticated | DomainError::RateLimited { .. }),
        "the fifth wrong code ended the challenge: {ended:?}"
    );
    // The person's code window is locked too, whatever challenge comes next.
    let fresh = challenge(&p).await;
    let locked = second_factor::complete(&p, &fresh.token, &right, &meta()).await.unwrap_err();
    assert!(matches!(locked, DomainError::RateLimited { .. }), "{locked:?}");
    clock.advance(Duration::from_mins(16));
    let fresh = challenge(&p).await;
    let code = totp::code_at(&secret, p.clock.now());
    assert!(second_factor::complete(&p, &fresh.token, &code, &meta()).await.is_ok(), "the lock passes");
}

async fn principal_fresh(p: &Platform, admin: &Actor) -> Principal {
    let issued = accounts::sign_in(p, EMAIL, ADMIN_PW, &meta()).await.unwrap();
    Principal { person_id: admin.person_id.clone(), session_id: issued.session_id, meta: meta() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_code_sent_at_once_in_many_sign_ins_opens_one_session() {
    let (p, clock, admin) = world().await;
    start_clock(&clock);
    let (secret, _) = enrol(&p, &principal_fresh(&p, &admin).await).await;
    clock.advance(Duration::from_secs(30));
    let code = totp::code_at(&secret, p.clock.now());
    let mut pendings = Vec::new();
    for _ in 0..4 {
        pendings.push(challenge(&p).await);
    }
    let p = Arc::new(p);
    let tasks: Vec<_> = pendings
        .into_iter()
        .map(|pending| {
            let (p, code) = (p.clone(), code.clone());
            tokio::spawn(async move { second_factor::complete(&p, &pending.token, &code, &meta()).await })
        })
        .collect();
    let mut opened = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => opened += 1,
            Err(error) => assert!(is_wrong_code(&error), "{error:?}"),
        }
    }
    assert_eq!(opened, 1, "one code, one session");
}

#[tokio::test]
async fn recovery_codes_work_once_and_renewing_replaces_them() {
    let (p, clock, admin) = world().await;
    start_clock(&clock);
    let who = principal_fresh(&p, &admin).await;
    let (secret, codes) = enrol(&p, &who).await;

    let pending = challenge(&p).await;
    // Typed in capitals with spaces, it is still the code.
    let typed = codes[0].to_uppercase().replace('-', " ");
    assert!(second_factor::complete(&p, &pending.token, &typed, &meta()).await.is_ok());
    let notice = latest_mail(&p).await;
    assert!(notice.contains("A recovery code was used") && notice.contains("9 unused codes are left"), "{notice}");
    let pending = challenge(&p).await;
    let again = second_factor::complete(&p, &pending.token, &codes[0], &meta()).await.unwrap_err();
    assert!(is_wrong_code(&again), "{again:?}");
    assert_eq!(second_factor::status(&p, &admin.person_id).await.unwrap().recovery_codes_left, 9);

    clock.advance(Duration::from_secs(30));
    let renewed = second_factor::renew_recovery_codes(&p, &who, &totp::code_at(&secret, p.clock.now())).await.unwrap();
    assert_eq!(renewed.len(), 10);
    assert!(renewed.iter().all(|c| !codes.contains(c)));
    let pending = challenge(&p).await;
    let old = second_factor::complete(&p, &pending.token, &codes[1], &meta()).await.unwrap_err();
    assert!(is_wrong_code(&old), "the old codes are gone: {old:?}");
    assert!(second_factor::complete(&p, &pending.token, &renewed[3], &meta()).await.is_ok());

    // Turning it off takes a code, and then the password alone signs in again.
    let wrong = second_factor::disable(&p, &who, "999999").await.unwrap_err();
    assert!(is_wrong_code(&wrong), "{wrong:?}");
    second_factor::disable(&p, &who, &renewed[4]).await.unwrap();
    assert!(accounts::sign_in(&p, EMAIL, ADMIN_PW, &meta()).await.is_ok());
    let notice = latest_mail(&p).await;
    assert!(notice.contains("was turned off just now"), "{notice}");
}

#[tokio::test]
async fn an_organisation_can_require_it_of_its_admins() {
    let (p, clock, admin) = world().await;
    start_clock(&clock);
    let require = OrgChange { admins_need_second_factor: Some(true), ..OrgChange::default() };
    let refused = members::update_org(&p, &admin, require.clone()).await.unwrap_err();
    assert!(
        matches!(&refused, DomainError::Validation(e) if e[0].field == "admins_need_second_factor"),
        "an admin without one would lock themselves out: {refused:?}"
    );
    let second_admin = join(&p, &admin, "second@grace.test", Role::Admin).await;
    let mentee = join(&p, &admin, "mentee@grace.test", Role::Mentee).await;
    let who = principal_fresh(&p, &admin).await;
    let (secret, _) = enrol(&p, &who).await;
    let admin = directory::actor_in(&p, &who, &admin.org_id).await.unwrap();
    let org = members::update_org(&p, &admin, require).await.unwrap();
    assert!(org.admins_need_second_factor);

    // The admin without one is stopped with a way forward; a mentee is not concerned.
    let stopped = directory::actor_in(&p, &principal(&second_admin), &admin.org_id).await.unwrap_err();
    assert!(
        matches!(&stopped, DomainError::NeedsSecondFactor(m) if m.contains("Grace Church requires its admins")),
        "{stopped:?}"
    );
    assert!(directory::actor_in(&p, &principal(&mentee), &admin.org_id).await.is_ok());
    let status = second_factor::status(&p, &second_admin.person_id).await.unwrap();
    assert_eq!(status.required_by, ["Grace Church"]);
    assert!(directory::actor_in(&p, &who, &admin.org_id).await.is_ok(), "the admin with one acts");

    // While required, it cannot be turned off.
    clock.advance(Duration::from_secs(30));
    let kept = second_factor::disable(&p, &who, &totp::code_at(&secret, p.clock.now())).await.unwrap_err();
    assert!(matches!(&kept, DomainError::Conflict(m) if m.contains("stays on")), "{kept:?}");
    let entries = audit::all(&p, &admin.org_id, 1000).await.unwrap();
    assert!(entries.iter().any(|e| e.event.action == AuditAction::OrgUpdated
        && e.event.detail.as_deref() == Some("admins need a second factor: false -> true")));
}

#[tokio::test]
async fn a_signed_in_page_reads_the_person_their_organisations_and_status_in_one_range() {
    let (p, clock, admin) = world().await;
    start_clock(&clock);
    let who = principal_fresh(&p, &admin).await;
    enrol(&p, &who).await;
    // A sign-in waiting for its code (`challenge#…`) and the sessions (`session#…`) lie outside
    // the range; pointers to organisations that are gone, after the real one, push the profile and
    // the second factor onto a later page.
    challenge(&p).await;
    let pointers: Vec<_> = (0..250)
        .map(|n| {
            let key = Key::new(format!("person#{}", admin.person_id), format!("org#~gone-{n:03}"));
            emmaus_app::docs::create_write(key, &directory::Pointer { id: format!("gone-{n:03}") }, None)
        })
        .collect();
    for batch in pointers.chunks(25) {
        p.kv.batch(batch.to_vec()).await.unwrap();
    }

    let (profile, orgs, status) = second_factor::person_orgs_and_status(&p, &admin.person_id).await.unwrap();
    assert_eq!(profile.map(|d| d.value), directory::person(&p, &admin.person_id).await.unwrap().map(|d| d.value));
    let names: Vec<_> = orgs.iter().map(|(org, member)| (org.name.clone(), member.roles.clone())).collect();
    let separately = directory::orgs_of(&p, &admin.person_id).await.unwrap();
    assert_eq!(names, separately.iter().map(|(o, m)| (o.name.clone(), m.roles.clone())).collect::<Vec<_>>());
    assert_eq!(names.len(), 1, "only the organisation that exists: {names:?}");
    assert_eq!(status, second_factor::status(&p, &admin.person_id).await.unwrap());
    assert!(status.enabled && status.recovery_codes_left == 10, "{status:?}");
}
