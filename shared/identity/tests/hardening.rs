//! What a security review found in identity, each as a test that failed before its fix: taking
//! over accounts through invitations, the throttle under concurrency, sessions that outlived a
//! password change, pastors widening their own reach, and the last admin lost to a race.

mod common;

use std::sync::Arc;

use common::{ADMIN_PW, join, latest_mail, meta, new_person, token_after, world};
use emmaus_app::{Platform, PlatformParts};
use emmaus_domain::DomainError;
use emmaus_domain::audit::AuditAction;
use emmaus_domain::identity::{Email, InvitationState, Role, RoleSet};
use emmaus_identity::invitations::{self, Acceptor};
use emmaus_identity::members::OrgChange;
use emmaus_identity::setup::{self, NewOrg};
use emmaus_identity::{Principal, accounts, audit, directory, groups, members, mentorships, sessions};
use emmaus_ports::Key;

/// Another organisation, whose admin is `bob@other.test`; returns Bob's principal.
async fn other_org(p: &Platform) -> Principal {
    let new = NewOrg {
        slug: "other",
        name: "Other Church",
        admin_email: "bob@other.test",
        admin_name: "Bob",
        admin_password: "bob's own long passphrase",
    };
    setup::create_org(p, &new, &meta()).await.unwrap();
    let issued = accounts::sign_in(p, "bob@other.test", "bob's own long passphrase", &meta()).await.unwrap();
    Principal { person_id: issued.person_id, session_id: issued.session_id, meta: meta() }
}

#[tokio::test]
async fn an_invitation_never_opens_an_existing_account_without_its_session() {
    let (p, _, admin) = world().await;
    let bob = other_org(&p).await;
    // Grace's admin invites the other organisation's admin and keeps the link shown to them.
    let created =
        invitations::create(&p, &admin, "bob@other.test", Role::Mentee, None, "http://app.test").await.unwrap();
    let token = token_after(&created.link, "#token=");
    for (i, guess) in ["wrong passphrase one", "bob's own long passphrase"].iter().enumerate() {
        let acceptor = Acceptor::New { display_name: Some("Bob"), password: guess };
        let refused = invitations::accept(&p, &token, acceptor, &meta()).await.unwrap_err();
        assert!(
            matches!(&refused, DomainError::Refused(m) if m.contains("sign in as bob@other.test")),
            "{i}: {refused}"
        );
    }
    // Signed in as someone else (the inviter) is no better.
    let inviter = Principal { person_id: admin.person_id.clone(), session_id: "s".into(), meta: meta() };
    assert!(invitations::accept(&p, &token, Acceptor::SignedIn(&inviter), &meta()).await.is_err());
    assert!(directory::membership(&p, &admin.org_id, &bob.person_id).await.unwrap().is_none());
    // Two more refusals withdraw it: five in all.
    for _ in 0..2 {
        let _ = invitations::accept(&p, &token, new_person("Bob"), &meta()).await;
    }
    let (invitation, _) = invitations::preview(&p, &token).await.unwrap();
    assert_eq!(invitation.state(p.clock.now()), InvitationState::Revoked);
    assert_eq!(invitation.failed_attempts, 5);
    let late = invitations::accept(&p, &token, Acceptor::SignedIn(&bob), &meta()).await.unwrap_err();
    assert!(late.to_string().contains("withdrawn"), "{late}");

    // A fresh invitation, accepted by Bob signed in: he joins and keeps his own session.
    let again = invitations::create(&p, &admin, "bob@other.test", Role::Mentee, None, "http://app.test").await.unwrap();
    let accepted =
        invitations::accept(&p, &token_after(&again.link, "#token="), Acceptor::SignedIn(&bob), &meta()).await.unwrap();
    assert!(accepted.issued.is_none(), "no new session for someone already signed in");
    let joined = directory::membership(&p, &admin.org_id, &bob.person_id).await.unwrap().unwrap();
    assert_eq!(joined.value.roles, RoleSet::new([Role::Mentee]));
}

#[tokio::test]
async fn only_the_emailed_link_proves_the_address() {
    let (p, _, admin) = world().await;
    let by_hand = invitations::create(&p, &admin, "hand@grace.test", Role::Mentee, None, "http://app.test").await;
    let shown = token_after(&by_hand.unwrap().link, "#token=");
    invitations::accept(&p, &shown, new_person("Hand"), &meta()).await.unwrap();
    let email = Email::parse("hand@grace.test").unwrap();
    let made = directory::person_by_email(&p, &email).await.unwrap().unwrap();
    assert!(!made.value.email_verified, "the inviter holds this link too: it proves nothing");

    let mailed = join(&p, &admin, "mail@grace.test", Role::Mentee).await;
    let proven = directory::person(&p, &mailed.person_id).await.unwrap().unwrap();
    assert!(proven.value.email_verified, "the emailed link arrived at the address");
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session_and_says_so() {
    let (p, _, admin) = world().await;
    let here = accounts::sign_in(&p, "admin@grace.test", ADMIN_PW, &meta()).await.unwrap();
    let elsewhere = accounts::sign_in(&p, "admin@grace.test", ADMIN_PW, &meta()).await.unwrap();
    let who = Principal { person_id: admin.person_id.clone(), session_id: here.session_id.clone(), meta: meta() };
    accounts::change_password(&p, &who, ADMIN_PW, "a changed long passphrase").await.unwrap();
    assert!(sessions::authenticate(&p, &here.access_token).await.is_ok(), "this session stays");
    assert!(sessions::authenticate(&p, &elsewhere.access_token).await.is_err(), "the other one ends");
    assert!(sessions::refresh(&p, &elsewhere.refresh_token).await.is_err(), "and cannot be refreshed");
    let notice = latest_mail(&p).await;
    assert!(notice.contains("The password of your Emmaus account (admin@grace.test)"), "{notice}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_parallel_wrong_sign_ins_in_memory_get_five_checks() {
    let (p, _) = Platform::in_memory("local");
    let burst = emmaus_identity::scenarios::sign_in_burst(&p, 30).await;
    assert!(burst.other.is_empty(), "{burst:?}");
    assert!((1..=5).contains(&burst.checked), "{burst:?}");
    assert_eq!(burst.limited, 30 - burst.checked, "{burst:?}");
}

#[tokio::test]
async fn honest_sign_ins_from_one_address_never_lock_it() {
    let (p, _, _) = world().await;
    // More successful sign-ins from one address than its window allows failures (50).
    for _ in 0..60 {
        accounts::sign_in(&p, "admin@grace.test", ADMIN_PW, &meta()).await.unwrap();
    }
}

#[tokio::test]
async fn a_pastor_cannot_widen_their_own_reach() {
    let (p, _, admin) = world().await;
    let pastor = join(&p, &admin, "pastor@grace.test", Role::Pastor).await;
    let mentor = join(&p, &admin, "mentor@grace.test", Role::Mentor).await;
    let inside = join(&p, &admin, "inside@grace.test", Role::Mentee).await;
    let outside = join(&p, &admin, "outside@grace.test", Role::Mentee).await;
    let group = groups::create(&p, &admin, "Young adults", &pastor.person_id).await.unwrap();
    groups::add_member(&p, &admin, &group.id, &inside.person_id).await.unwrap();
    // Adding someone would put them in the pastor's reach: only an admin may.
    let added = groups::add_member(&p, &pastor, &group.id, &outside.person_id).await;
    assert!(matches!(added, Err(DomainError::Forbidden)), "{added:?}");
    // One side of a pairing in the group is not enough; both are.
    let half = mentorships::create(&p, &pastor, &mentor.person_id, &inside.person_id).await;
    assert!(matches!(half, Err(DomainError::Forbidden)), "{half:?}");
    let admins_pairing = mentorships::create(&p, &admin, &mentor.person_id, &outside.person_id).await.unwrap();
    let ended = mentorships::end(&p, &pastor, &admins_pairing.id).await;
    assert!(matches!(ended, Err(DomainError::Forbidden)), "{ended:?}");
    groups::add_member(&p, &admin, &group.id, &mentor.person_id).await.unwrap();
    let whole = mentorships::create(&p, &pastor, &mentor.person_id, &inside.person_id).await.unwrap();
    mentorships::end(&p, &pastor, &whole.id).await.unwrap();
    // Taking people out of their own group narrows the reach, and stays theirs to do.
    groups::remove_member(&p, &pastor, &group.id, &inside.person_id).await.unwrap();
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    let (p, _, first) = world().await;
    let second = join(&p, &first, "second@grace.test", Role::Mentee).await;
    members::set_roles(&p, &first, &second.person_id, RoleSet::new([Role::Admin])).await.unwrap();
    let second = directory::actor_in(
        &p,
        &Principal { person_id: second.person_id.clone(), session_id: "s".into(), meta: meta() },
        &first.org_id,
    )
    .await
    .unwrap();
    // Both read the members before either writes, on every run.
    let raced =
        Platform::new(PlatformParts { kv: Arc::new(emmaus_memory::RendezvousKv::new(p.kv.clone(), 2)), ..p.parts() });
    let mentee = RoleSet::new([Role::Mentee]);
    let (a, b) = tokio::join!(
        members::set_roles(&raced, &first, &second.person_id, mentee.clone()),
        members::set_roles(&raced, &second, &first.person_id, mentee.clone()),
    );
    assert!(a.is_ok() != b.is_ok(), "exactly one demotion succeeds: {a:?} {b:?}");
    let refused = if a.is_err() { a } else { b };
    assert!(matches!(refused, Err(DomainError::Conflict(ref m)) if m.contains("at least one admin")), "{refused:?}");
    let admins = members::list(&p, &first)
        .await
        .map(|all| all.into_iter().filter(|m| m.membership.roles.contains(Role::Admin)).count());
    // Whoever was demoted may no longer list; ask as whichever is still admin.
    let admins = match admins {
        Ok(n) => n,
        Err(_) => members::list(&p, &second)
            .await
            .unwrap()
            .iter()
            .filter(|m| m.membership.roles.contains(Role::Admin))
            .count(),
    };
    assert_eq!(admins, 1);
}

/// Appends `n` sign-in events to the admin's organisation, one minute apart.
async fn fill(p: &Platform, clock: &emmaus_memory::ManualClock, org: &str, n: usize) {
    for i in 0..n {
        clock.advance(std::time::Duration::from_mins(1));
        let event = audit::event(p, &meta(), None, AuditAction::SignIn, None, Some(format!("filler {i}")));
        audit::append(p, org, event).await.unwrap();
    }
}

#[tokio::test]
async fn the_audit_chain_cannot_be_rewritten_without_its_key() {
    let (p, clock, admin) = world().await;
    fill(&p, &clock, &admin.org_id, 4).await;
    // Someone with write access to the store, but not the audit key, rewrites entry 3 and
    // re-seals it and everything after it under the same key id with a key of their own.
    let wrong_key = emmaus_domain::audit::AuditKey::new("test", vec![1; 32]).unwrap();
    let entries = audit::all(&p, &admin.org_id, 100).await.unwrap();
    let mut prev = (entries[1].seq, entries[1].hash.clone());
    for original in &entries[2..] {
        let mut event = original.event.clone();
        event.detail = Some("nothing happened".into());
        let forged = emmaus_domain::audit::seal(&wrong_key, &admin.org_id, event, Some((prev.0, &prev.1)));
        let key = Key::new(format!("org#{}#audit", admin.org_id), format!("entry#{:012}", forged.seq));
        let item = p.kv.get(&key).await.unwrap().unwrap();
        p.kv.put_if_version(key, serde_json::to_vec(&forged).unwrap(), item.version, None).await.unwrap();
        prev = (forged.seq, forged.hash.clone());
    }
    let check = audit::verify(&p, &admin.org_id, 0).await.unwrap();
    assert!(!check.intact);
    let broken = check.first_break.unwrap();
    assert_eq!((broken.seq, broken.reason), (3, "the entry was changed after it was written"));
    assert_eq!(check.through, 2);
}

#[tokio::test]
async fn verification_goes_in_bounded_resumable_steps() {
    let (p, clock, admin) = world().await;
    let before = audit::all(&p, &admin.org_id, 100).await.unwrap().len();
    fill(&p, &clock, &admin.org_id, audit::VERIFY_STEP + 5 - before).await;
    let first = audit::verify(&p, &admin.org_id, 0).await.unwrap();
    assert_eq!((first.checked, first.intact, first.next), (audit::VERIFY_STEP as u64, true, Some(2000)));
    let second = audit::verify(&p, &admin.org_id, first.next.unwrap()).await.unwrap();
    assert_eq!((second.checked, second.through, second.intact, second.next), (5, 2005, true, None));
    let missing = audit::verify(&p, &admin.org_id, 9999).await;
    assert!(matches!(missing, Err(DomainError::NotFound(_))), "a step after no entry: {missing:?}");
}

#[tokio::test]
async fn an_event_that_cannot_be_appended_is_kept_and_counted() {
    let (p, _, admin) = world().await;
    // The audit key ring is missing (a misconfigured host): appending fails.
    let broken = Platform::new(PlatformParts { config: Arc::new(emmaus_ports::MapConfig::new()), ..p.parts() });
    let event = audit::event(&broken, &meta(), None, AuditAction::SignInFailed, None, Some("lost one".into()));
    audit::record(&broken, &admin.org_id, event).await;
    let lost = audit::lost(&p, &admin.org_id, 10).await.unwrap();
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].detail.as_deref(), Some("lost one"));
    let check = audit::verify(&p, &admin.org_id, 0).await.unwrap();
    assert_eq!((check.intact, check.lost), (true, 1), "the chain holds, and says an event is missing from it");
}

#[tokio::test]
async fn exports_run_newest_first_and_stop_at_since() {
    let (p, clock, admin) = world().await;
    fill(&p, &clock, &admin.org_id, 10).await;
    let since = p.clock.now().plus(std::time::Duration::from_secs(1));
    fill(&p, &clock, &admin.org_id, 3).await;
    let counting = Arc::new(emmaus_memory::RecordingKv::new(p.kv.clone()));
    let watched = Platform::new(PlatformParts { kv: counting.clone(), ..p.parts() });
    let filter = audit::Filter { since: Some(since), ..Default::default() };
    let (entries, next) = audit::export(&watched, &admin, &filter, None).await.unwrap();
    let details: Vec<_> = entries.iter().map(|e| e.event.detail.clone().unwrap_or_default()).collect();
    assert_eq!(details, ["filler 2", "filler 1", "filler 0"], "newest first, nothing before since");
    assert!(next.is_none());
    let queries = counting.take().iter().filter(|c| c.starts_with("query")).count();
    assert_eq!(queries, 1, "the scan ended at since, in its first page");
}

#[tokio::test]
async fn an_organisation_sets_how_long_sessions_last_and_admins_get_less() {
    let (p, clock, admin) = world().await;
    join(&p, &admin, "sam@grace.test", Role::Mentee).await;
    let member_pw = "a long member passphrase";
    let admins = accounts::sign_in(&p, "admin@grace.test", ADMIN_PW, &meta()).await.unwrap();
    let members = accounts::sign_in(&p, "sam@grace.test", member_pw, &meta()).await.unwrap();
    // The defaults: an admin's session ends after twelve idle hours, a member's does not.
    clock.advance(std::time::Duration::from_hours(13));
    assert!(sessions::refresh(&p, &admins.refresh_token).await.is_err(), "an admin's idle session ended");
    assert!(sessions::refresh(&p, &members.refresh_token).await.is_ok(), "a member's lives on");

    let short =
        emmaus_domain::identity::SessionPolicy { idle_hours: 2, max_days: 1, admin_idle_hours: 1, admin_max_days: 1 };
    members::update_org(&p, &admin, OrgChange { sessions: Some(short), ..OrgChange::default() }).await.unwrap();
    let members = accounts::sign_in(&p, "sam@grace.test", member_pw, &meta()).await.unwrap();
    clock.advance(std::time::Duration::from_hours(3));
    assert!(sessions::refresh(&p, &members.refresh_token).await.is_err(), "the new policy holds from the next sign-in");

    for (bad, field) in [
        (emmaus_domain::identity::SessionPolicy { idle_hours: 0, ..short }, "sessions.idle_hours"),
        (emmaus_domain::identity::SessionPolicy { idle_hours: 48, ..short }, "sessions.idle_hours"),
        (emmaus_domain::identity::SessionPolicy { admin_max_days: 400, ..short }, "sessions.admin_max_days"),
    ] {
        let refused = members::update_org(&p, &admin, OrgChange { sessions: Some(bad), ..OrgChange::default() })
            .await
            .unwrap_err();
        assert!(matches!(&refused, DomainError::Validation(e) if e[0].field == field), "{refused:?}");
    }
    let member = directory::actor_in(
        &p,
        &Principal { person_id: members.person_id.clone(), session_id: members.session_id.clone(), meta: meta() },
        &admin.org_id,
    )
    .await
    .unwrap();
    let forbidden =
        members::update_org(&p, &member, OrgChange { name: Some("Mine now"), ..OrgChange::default() }).await;
    assert!(matches!(forbidden, Err(DomainError::Forbidden)), "{forbidden:?}");
}

/// A token checked once is remembered (its signature is not checked again), but it still expires
/// on time and still stops working the moment its session is signed out.
#[tokio::test]
async fn a_remembered_token_still_expires_and_still_ends_at_sign_out() {
    let (p, clock, _) = world().await;
    let issued = accounts::sign_in(&p, "admin@grace.test", ADMIN_PW, &meta()).await.unwrap();
    for _ in 0..2 {
        assert!(sessions::authenticate(&p, &issued.access_token).await.is_ok());
    }
    clock.advance(emmaus_identity::settings::ACCESS_TTL);
    let expired = sessions::authenticate(&p, &issued.access_token).await;
    assert!(matches!(expired, Err(DomainError::Unauthenticated)), "{expired:?}");

    let fresh = accounts::sign_in(&p, "admin@grace.test", ADMIN_PW, &meta()).await.unwrap();
    assert!(sessions::authenticate(&p, &fresh.access_token).await.is_ok());
    sessions::close(&p, &fresh.person_id, &fresh.session_id).await.unwrap();
    let closed = sessions::authenticate(&p, &fresh.access_token).await;
    assert!(matches!(closed, Err(DomainError::Unauthenticated)), "{closed:?}");
}

/// The members list finds the signed-in person among the memberships it reads instead of reading
/// their own first: the same answers as finding the actor first and listing then, for an admin, a
/// mentee, someone whose membership holds no role and someone from outside; with the members on
/// the first page of memberships and behind 250 others (of people not on record, which the list
/// leaves out). Someone from outside causes one page of memberships to be read, and one look-up.
#[tokio::test]
async fn the_members_list_finds_its_reader_among_the_members() {
    let (p, _, admin) = world().await;
    let mentee = join(&p, &admin, "mentee@grace.test", Role::Mentee).await;
    let org = admin.org_id.clone();
    let as_principal =
        |person: &str| Principal { person_id: person.into(), session_id: admin.session_id.clone(), meta: meta() };
    let names = |listed: Vec<members::Member>| listed.into_iter().map(|m| m.person.display_name).collect::<Vec<_>>();
    let membership = |person: String, roles: RoleSet| emmaus_domain::identity::Membership {
        org_id: org.clone(),
        person_id: person,
        roles,
        joined_at: p.clock.now(),
    };
    // Ids that sort before the real ones (here `000…0002` and on), so these come first in the
    // partition.
    let roleless = "00000000000000000000000000norole".to_owned();
    let stranger = "01ZZZZZZZZZZZZZZZZZZSTRANGE".to_owned();
    let counting = Arc::new(emmaus_memory::RecordingKv::new(p.kv.clone()));
    let recorded = Platform::new(PlatformParts { kv: counting.clone(), ..p.parts() });

    for crowded in [false, true] {
        if crowded {
            let mut writes = directory::membership_writes(&membership(roleless.clone(), RoleSet::new([])));
            writes.extend((0..250).flat_map(|n| {
                directory::membership_writes(&membership(
                    format!("00000000000000000000000000{n:03}"),
                    RoleSet::new([Role::Mentee]),
                ))
            }));
            for batch in writes.chunks(24) {
                p.kv.batch(batch.to_vec()).await.unwrap();
            }
            let first = p.kv.query(&emmaus_ports::Query::new(format!("org#{org}"), "member#", 200)).await.unwrap();
            let first: Vec<_> = first.items.iter().map(|item| item.key.sort.clone()).collect();
            assert!(!first.contains(&format!("member#{}", admin.person_id)), "{first:?}");
        }
        let listed = members::list_signed_in(&p, &as_principal(&admin.person_id), &org).await.unwrap();
        assert_eq!(names(listed), names(members::list(&p, &admin).await.unwrap()), "crowded: {crowded}");
        assert_eq!(members::list_signed_in(&p, &as_principal(&admin.person_id), &org).await.unwrap().len(), 2);

        let refused = members::list_signed_in(&p, &as_principal(&mentee.person_id), &org).await;
        assert!(matches!(refused, Err(DomainError::Forbidden)), "a mentee may not list: {refused:?}");
        assert!(matches!(members::list(&p, &mentee).await, Err(DomainError::Forbidden)));
        for outsider in [&roleless, &stranger] {
            let refused = members::list_signed_in(&p, &as_principal(outsider), &org).await;
            assert!(matches!(&refused, Err(DomainError::NotFound(what)) if what == "the organisation"), "{refused:?}");
            let alone = directory::actor_in(&p, &as_principal(outsider), &org).await;
            assert!(matches!(alone, Err(DomainError::NotFound(_))), "the same as on its own: {alone:?}");
        }

        counting.take();
        let refused = members::list_signed_in(&recorded, &as_principal(&stranger), &org).await;
        assert!(refused.is_err());
        let read = counting.take();
        let expected: Vec<&str> = if crowded {
            vec!["query org#* member#", "get_many org#* member#*", "get_many org#* org"]
        } else {
            vec!["query org#* member#"]
        };
        assert_eq!(read, expected, "crowded: {crowded}");

        // An admin of an organisation that requires a second factor lists only with one, as they act.
        let mut org_doc = directory::org(&p, &org).await.unwrap().unwrap();
        org_doc.value.admins_need_second_factor = true;
        emmaus_app::docs::replace(p.kv.as_ref(), &org_doc, None).await.unwrap();
        let stopped = members::list_signed_in(&p, &as_principal(&admin.person_id), &org).await;
        assert!(matches!(stopped, Err(DomainError::NeedsSecondFactor(_))), "crowded: {crowded}: {stopped:?}");
        let mut org_doc = directory::org(&p, &org).await.unwrap().unwrap();
        org_doc.value.admins_need_second_factor = false;
        emmaus_app::docs::replace(p.kv.as_ref(), &org_doc, None).await.unwrap();
    }
}
