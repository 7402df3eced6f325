//! Identity use cases end to end over in-memory adapters: setup, sign-in, sessions, invitations,
//! resets, roles and the audit chain.

mod common;

use std::time::Duration;

use common::{ADMIN_PW, deliver_mail, join, latest_mail, meta, new_person, token_after, world};

use emmaus_app::jobs::Outcome;
use emmaus_app::mail::Outbox;
use emmaus_app::{Platform, PlatformParts};
use emmaus_domain::DomainError;
use emmaus_domain::identity::{Role, RoleSet};
use emmaus_identity::{
    Principal, accounts, audit, directory, groups, invitations, members, mentorships, resets, sessions,
};

#[tokio::test]
async fn sign_in_refuses_alike_and_throttles_per_account() {
    let (p, clock, _) = world().await;
    let known = accounts::sign_in(&p, "admin@grace.test", "wrong password!", &meta()).await.unwrap_err();
    let unknown = accounts::sign_in(&p, "nobody@grace.test", "wrong password!", &meta()).await.unwrap_err();
    assert_eq!(known.to_string(), unknown.to_string());
    for _ in 0..4 {
        let _ = accounts::sign_in(&p, "admin@grace.test", "wrong password!", &meta()).await;
    }
    let locked = accounts::sign_in(&p, "admin@grace.test", ADMIN_PW, &meta()).await.unwrap_err();
    assert!(matches!(locked, DomainError::RateLimited { retry_after } if retry_after > Duration::from_mins(14)));
    clock.advance(Duration::from_mins(16));
    assert!(accounts::sign_in(&p, "admin@grace.test", ADMIN_PW, &meta()).await.is_ok());
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_family() {
    let (p, clock, _) = world().await;
    let first = accounts::sign_in(&p, "admin@grace.test", ADMIN_PW, &meta()).await.unwrap();
    assert!(sessions::authenticate(&p, &first.access_token).await.is_ok());
    let sessions::Refreshed::Issued(second) = sessions::refresh(&p, &first.refresh_token).await.unwrap() else {
        panic!("a fresh token rotates");
    };
    assert_ne!(second.refresh_token, first.refresh_token);
    // Within the grace period the old secret is a concurrent retry, not a theft.
    assert!(matches!(sessions::refresh(&p, &first.refresh_token).await, Err(DomainError::Conflict(_))));
    clock.advance(Duration::from_mins(1));
    assert!(matches!(sessions::refresh(&p, &first.refresh_token).await.unwrap(), sessions::Refreshed::Reused { .. }));
    assert!(sessions::authenticate(&p, &second.access_token).await.is_err(), "the whole family is revoked");
    assert!(sessions::refresh(&p, &second.refresh_token).await.is_err());
}

#[tokio::test]
async fn signing_out_ends_sessions_at_once() {
    let (p, _, admin) = world().await;
    let other = accounts::sign_in(&p, "admin@grace.test", ADMIN_PW, &meta()).await.unwrap();
    let third = accounts::sign_in(&p, "admin@grace.test", ADMIN_PW, &meta()).await.unwrap();
    sessions::close(&p, &admin.person_id, &other.session_id).await.unwrap();
    assert!(sessions::authenticate(&p, &other.access_token).await.is_err());
    assert!(sessions::authenticate(&p, &third.access_token).await.is_ok());
    assert_eq!(sessions::close_all(&p, &admin.person_id).await.unwrap(), 2);
    assert!(sessions::authenticate(&p, &third.access_token).await.is_err());
}

#[tokio::test]
async fn invitations_work_once_and_expire() {
    let (p, clock, admin) = world().await;
    let mentee = join(&p, &admin, "mentee@grace.test", Role::Mentee).await;
    assert_eq!(mentee.roles, RoleSet::new([Role::Mentee]));
    let created =
        invitations::create(&p, &admin, "late@grace.test", Role::Mentor, None, "http://app.test").await.unwrap();
    let token = token_after(&created.link, "#token=");
    clock.advance(Duration::from_hours(7 * 24));
    let expired = invitations::accept(&p, &token, new_person("Late"), &meta()).await.unwrap_err();
    assert!(expired.to_string().contains("expired"), "{expired}");
    let again = invitations::create(&p, &admin, "mentee@grace.test", Role::Mentor, None, "http://app.test").await;
    assert!(matches!(again, Err(DomainError::Conflict(_))), "members are not invited twice");
}

#[tokio::test]
async fn an_accepted_invitation_cannot_be_used_again() {
    let (p, _, admin) = world().await;
    let created = invitations::create(&p, &admin, "m@grace.test", Role::Mentee, None, "http://app.test").await.unwrap();
    let token = token_after(&created.link, "#token=");
    invitations::accept(&p, &token, new_person("M"), &meta()).await.unwrap();
    let second = invitations::accept(&p, &token, new_person("M"), &meta()).await.unwrap_err();
    assert!(matches!(second, DomainError::Conflict(_)), "{second}");
}

#[tokio::test]
async fn pastors_invite_only_into_their_own_groups() {
    let (p, _, admin) = world().await;
    let pastor = join(&p, &admin, "pastor@grace.test", Role::Pastor).await;
    let mine = groups::create(&p, &admin, "Young adults", &pastor.person_id).await.unwrap();
    let other_pastor = join(&p, &admin, "pastor2@grace.test", Role::Pastor).await;
    let theirs = groups::create(&p, &admin, "Seniors", &other_pastor.person_id).await.unwrap();
    let ok = invitations::create(&p, &pastor, "y@grace.test", Role::Mentee, Some(&mine.id), "http://app.test").await;
    assert!(ok.is_ok(), "{ok:?}");
    for (group, role) in
        [(Some(theirs.id.as_str()), Role::Mentee), (None, Role::Mentee), (Some(mine.id.as_str()), Role::Admin)]
    {
        let refused = invitations::create(&p, &pastor, "z@grace.test", role, group, "http://app.test").await;
        assert!(matches!(refused, Err(DomainError::Forbidden)), "{group:?} {role}: {refused:?}");
    }
    let visible = invitations::list(&p, &pastor).await.unwrap();
    assert_eq!(visible.len(), 1, "a pastor lists only invitations into their groups");
}

#[tokio::test]
async fn mentors_see_their_mentees_and_nobody_else() {
    let (p, _, admin) = world().await;
    let mentor = join(&p, &admin, "mentor@grace.test", Role::Mentor).await;
    let mine = join(&p, &admin, "mine@grace.test", Role::Mentee).await;
    let other = join(&p, &admin, "other@grace.test", Role::Mentee).await;
    mentorships::create(&p, &admin, &mentor.person_id, &mine.person_id).await.unwrap();
    assert!(members::read(&p, &mentor, &mine.person_id).await.is_ok());
    assert!(matches!(members::read(&p, &mentor, &other.person_id).await, Err(DomainError::Forbidden)));
    assert!(matches!(members::list(&p, &mentor).await, Err(DomainError::Forbidden)));
    assert_eq!(mentorships::list(&p, &other).await.unwrap().len(), 0);
    assert_eq!(mentorships::list(&p, &mine).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_last_admin_stays_an_admin() {
    let (p, _, admin) = world().await;
    let demote = members::set_roles(&p, &admin, &admin.person_id, RoleSet::new([Role::Mentor])).await;
    assert!(matches!(demote, Err(DomainError::Conflict(_))), "{demote:?}");
    let second = join(&p, &admin, "second@grace.test", Role::Mentee).await;
    members::set_roles(&p, &admin, &second.person_id, RoleSet::new([Role::Admin])).await.unwrap();
    assert!(members::set_roles(&p, &admin, &admin.person_id, RoleSet::new([Role::Mentor])).await.is_ok());
}

#[tokio::test]
async fn password_resets_are_single_use_and_end_every_session() {
    let (p, _, admin) = world().await;
    let before = accounts::sign_in(&p, "admin@grace.test", ADMIN_PW, &meta()).await.unwrap();
    resets::request(&p, "nobody@grace.test", "http://app.test", &meta()).await.unwrap();
    assert_eq!(
        deliver_mail(&p).await,
        Outcome::Done("reset requests: 1 (0 for accounts); mail: 0 sent, 0 deferred, 0 dropped".into())
    );
    let outbox = Outbox::new(p.kv.clone(), p.clock.clone(), p.ids.clone());
    assert!(outbox.list(10, None).await.unwrap().0.is_empty(), "no mail for unknown accounts");
    resets::request(&p, "admin@grace.test", "http://app.test", &meta()).await.unwrap();
    assert!(outbox.list(10, None).await.unwrap().0.is_empty(), "the request only queues; the job sends");
    let token = token_after(&latest_mail(&p).await, "#token=");
    resets::complete(&p, &token, "a brand new passphrase", &meta()).await.unwrap();
    assert!(sessions::authenticate(&p, &before.access_token).await.is_err());
    assert!(resets::complete(&p, &token, "another new passphrase", &meta()).await.is_err());
    assert!(accounts::sign_in(&p, "admin@grace.test", "a brand new passphrase", &meta()).await.is_ok());
    assert!(accounts::sign_in(&p, "admin@grace.test", ADMIN_PW, &meta()).await.is_err());
    let _ = admin;
}

/// Asking for a reset reads and writes the same keys whether the account exists or not, so
/// neither the answer nor its timing can tell them apart.
#[tokio::test]
async fn reset_requests_do_the_same_store_work_for_known_and_unknown_addresses() {
    let (p, _, _) = world().await;
    let counting = std::sync::Arc::new(emmaus_memory::RecordingKv::new(p.kv.clone()));
    let p = Platform::new(PlatformParts { kv: counting.clone(), ..p.parts() });
    // A first request from the same client address, so both below find its window in the same state.
    resets::request(&p, "someone@else.test", "http://app.test", &meta()).await.unwrap();
    counting.take();
    resets::request(&p, "admin@grace.test", "http://app.test", &meta()).await.unwrap();
    let known = counting.take();
    resets::request(&p, "nobody@grace.test", "http://app.test", &meta()).await.unwrap();
    let unknown = counting.take();
    assert!(!known.is_empty());
    assert_eq!(known, unknown, "the same operations in the same order");
}

/// Three reset mails an hour per address; later requests are accepted and dropped, alike for
/// known and unknown addresses; an hour later the allowance is back.
#[tokio::test]
async fn reset_mails_are_capped_per_address() {
    let (p, clock, _) = world().await;
    for _ in 0..5 {
        resets::request(&p, "admin@grace.test", "http://app.test", &meta()).await.unwrap();
        resets::request(&p, "nobody@grace.test", "http://app.test", &meta()).await.unwrap();
    }
    assert_eq!(
        deliver_mail(&p).await,
        Outcome::Done("reset requests: 6 (3 for accounts); mail: 3 sent, 0 deferred, 0 dropped".into())
    );
    clock.advance(Duration::from_mins(61));
    resets::request(&p, "admin@grace.test", "http://app.test", &meta()).await.unwrap();
    assert_eq!(
        deliver_mail(&p).await,
        Outcome::Done("reset requests: 1 (1 for accounts); mail: 1 sent, 0 deferred, 0 dropped".into())
    );
}

#[tokio::test]
async fn the_audit_chain_records_and_verifies() {
    let (p, _, admin) = world().await;
    let _ = join(&p, &admin, "m@grace.test", Role::Mentee).await;
    let _ = accounts::sign_in(&p, "admin@grace.test", "wrong password!", &meta()).await;
    let entries = audit::all(&p, &admin.org_id, 100).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.event.action.name()).collect();
    assert_eq!(
        actions,
        ["org.created", "auth.sign_in", "invitation.created", "invitation.accepted", "auth.sign_in_failed"],
    );
    assert!(entries.iter().all(|e| e.event.request_id.as_deref() == Some("req-1")));
    assert!(audit::verify(&p, &admin.org_id, 0).await.unwrap().intact);
    let filter =
        audit::Filter { action: emmaus_domain::audit::AuditAction::parse("auth.sign_in"), ..Default::default() };
    let (found, _) = audit::list(&p, &admin.org_id, &filter, 10, None).await.unwrap();
    assert_eq!(found.len(), 1);

    // Rewriting an entry in the store, even with a valid version, shows as a break at that entry.
    let key = emmaus_ports::Key::new(format!("org#{}#audit", admin.org_id), "entry#000000000003");
    let item = p.kv.get(&key).await.unwrap().unwrap();
    let forged = String::from_utf8(item.value).unwrap().replace("m@grace.test", "x@grace.test");
    p.kv.put_if_version(key, forged.into_bytes(), item.version, None).await.unwrap();
    let verification = audit::verify(&p, &admin.org_id, 0).await.unwrap();
    assert!(!verification.intact);
    assert_eq!(verification.first_break.unwrap().seq, 3);
}

#[tokio::test]
async fn a_first_password_needs_a_fresh_sign_in() {
    let (p, clock, admin) = world().await;
    // Someone who signs in only with SSO: an account with no password.
    let person = emmaus_domain::identity::Person {
        id: "sso-only".into(),
        email: emmaus_domain::identity::Email::parse("sso@grace.test").unwrap(),
        display_name: "Sso".into(),
        password_hash: None,
        last_org: None,
        created_at: p.clock.now(),
        email_verified: true,
        locale: None,
        time_zone: None,
    };
    let membership = emmaus_domain::identity::Membership {
        org_id: admin.org_id.clone(),
        person_id: person.id.clone(),
        roles: RoleSet::new([Role::Mentee]),
        joined_at: p.clock.now(),
    };
    let mut writes = directory::person_writes(&person);
    writes.extend(directory::membership_writes(&membership));
    p.kv.batch(writes).await.unwrap();
    let session = sessions::open(&p, &person.id).await.unwrap();
    let who = Principal { person_id: person.id.clone(), session_id: session.session_id, meta: meta() };
    clock.advance(Duration::from_mins(11));
    let stale = accounts::change_password(&p, &who, "", "a first long passphrase").await;
    assert!(matches!(stale, Err(DomainError::Refused(_))), "{stale:?}");
    let fresh = sessions::open(&p, &person.id).await.unwrap();
    let who = Principal { session_id: fresh.session_id, ..who };
    accounts::change_password(&p, &who, "", "a first long passphrase").await.unwrap();
    assert!(accounts::sign_in(&p, "sso@grace.test", "a first long passphrase", &meta()).await.is_ok());
}

/// `deliver-mail` turns reset requests into links and sends what is queued, at most its share a
/// run, and says so; with nothing due it is idle.
#[tokio::test]
async fn the_deliver_mail_job_says_what_it_did() {
    use emmaus_app::mail_queue::{self, PER_RUN};

    let (p, _) = Platform::in_memory("local");
    let run = || (emmaus_identity::jobs::DELIVER_MAIL.run)(p.clone(), p.clock.now());
    assert_eq!(run().await, Outcome::Idle);
    for i in 0..PER_RUN + 2 {
        let message = emmaus_ports::EmailMessage {
            to: format!("m{i}@grace.test"),
            subject: "Hello".into(),
            text: "Hello".into(),
        };
        mail_queue::queue(&p, message).await.unwrap();
    }
    let first =
        format!("reset requests: 0 (0 for accounts); mail: {PER_RUN} sent, 0 deferred, 0 dropped; more waiting");
    assert_eq!(run().await, Outcome::Done(first));
    assert_eq!(
        run().await,
        Outcome::Done("reset requests: 0 (0 for accounts); mail: 2 sent, 0 deferred, 0 dropped".into())
    );
    assert_eq!(run().await, Outcome::Idle);
}

#[tokio::test]
async fn a_person_chooses_a_locale_and_time_zone_and_may_clear_them() {
    let (p, _, actor) = world().await;
    let admin = Principal { person_id: actor.person_id.clone(), session_id: actor.session_id.clone(), meta: meta() };
    let chosen =
        accounts::ProfileChange { locale: Some("de_ch"), time_zone: Some("europe/zurich"), ..Default::default() };
    let person = accounts::update_profile(&p, &admin, &chosen).await.unwrap();
    assert_eq!(person.locale.as_ref().map(emmaus_domain::preferences::Locale::as_str), Some("de-CH"));
    assert_eq!(person.time_zone.as_ref().map(emmaus_domain::preferences::TimeZoneName::as_str), Some("Europe/Zurich"));
    let stored = directory::person(&p, &admin.person_id).await.unwrap().unwrap().value;
    assert_eq!((stored.locale, stored.time_zone), (person.locale.clone(), person.time_zone.clone()));

    // A bad value names its field and changes nothing, the other field included.
    for (change, field) in [
        (accounts::ProfileChange { locale: Some("Deutsch"), time_zone: Some("UTC"), ..Default::default() }, "locale"),
        (accounts::ProfileChange { time_zone: Some("Mars/Olympus"), ..Default::default() }, "time_zone"),
    ] {
        let DomainError::Validation(errors) = accounts::update_profile(&p, &admin, &change).await.unwrap_err() else {
            panic!("a validation error");
        };
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), [field]);
    }
    let unchanged = directory::person(&p, &admin.person_id).await.unwrap().unwrap().value;
    assert_eq!(
        unchanged.time_zone.as_ref().map(emmaus_domain::preferences::TimeZoneName::as_str),
        Some("Europe/Zurich")
    );

    // Absent leaves a field alone; empty clears it, so the browser's applies again.
    let cleared = accounts::ProfileChange { locale: Some(""), ..Default::default() };
    let person = accounts::update_profile(&p, &admin, &cleared).await.unwrap();
    assert_eq!(person.locale, None);
    assert_eq!(person.time_zone.as_ref().map(emmaus_domain::preferences::TimeZoneName::as_str), Some("Europe/Zurich"));
}
