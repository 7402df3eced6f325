//! What the identity tests share: a world with one organisation and its admin, mail read back
//! from the dev outbox, and joining by invitation.

#![allow(dead_code, reason = "each test file uses its own share of these helpers")]

use emmaus_app::Platform;
use emmaus_app::jobs::Outcome;
use emmaus_app::mail::Outbox;
use emmaus_domain::identity::Role;
use emmaus_identity::jobs;
use emmaus_identity::setup::NewOrg;
use emmaus_identity::{Actor, Principal, RequestMeta, accounts, directory, invitations, setup};

pub fn meta() -> RequestMeta {
    RequestMeta { request_id: Some("req-1".into()), client_address: Some("192.0.2.1".into()) }
}

pub const ADMIN_PW: &str = "a long admin passphrase";

pub async fn world() -> (Platform, std::sync::Arc<emmaus_memory::ManualClock>, Actor) {
    let (p, clock) = Platform::in_memory("local");
    let new = NewOrg {
        slug: "grace",
        name: "Grace Church",
        admin_email: "Admin@Grace.test",
        admin_name: "Ada Admin",
        admin_password: ADMIN_PW,
    };
    let (org, person) = setup::create_org(&p, &new, &meta()).await.unwrap();
    let issued = accounts::sign_in(&p, "admin@grace.test", ADMIN_PW, &meta()).await.unwrap();
    let principal = Principal { person_id: person.id.clone(), session_id: issued.session_id, meta: meta() };
    let actor = directory::actor_in(&p, &principal, &org.id).await.unwrap();
    (p, clock, actor)
}

/// Runs the `deliver-mail` job once, as a host's scheduler would.
pub async fn deliver_mail(p: &Platform) -> Outcome {
    jobs::deliver_mail(p.clone(), p.clock.now()).await
}

pub async fn latest_mail(p: &Platform) -> String {
    deliver_mail(p).await;
    let outbox = Outbox::new(p.kv.clone(), p.clock.clone(), p.ids.clone());
    outbox.list(1, None).await.unwrap().0.pop().expect("a message was sent").message.text
}

pub fn token_after(text: &str, marker: &str) -> String {
    let start = text.find(marker).expect("the link is in the message") + marker.len();
    text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// A new account's way of accepting.
pub fn new_person(name: &str) -> invitations::Acceptor<'_> {
    invitations::Acceptor::New { display_name: Some(name), password: "a long member passphrase" }
}

/// Invites `email` as `role` and accepts from the emailed link with a password, returning the
/// new member's actor.
pub async fn join(p: &Platform, admin: &Actor, email: &str, role: Role) -> Actor {
    let created = invitations::create(p, admin, email, role, None, "http://app.test").await.unwrap();
    let shown = token_after(&created.link, "#token=");
    let emailed = token_after(&latest_mail(p).await, "#token=");
    assert_ne!(emailed, shown, "the emailed link is not the one shown to the inviter");
    let accepted = invitations::accept(p, &emailed, new_person("New Person"), &meta()).await.unwrap();
    let issued = accepted.issued.expect("a new account is signed in");
    let principal = Principal { person_id: issued.person_id, session_id: issued.session_id, meta: meta() };
    directory::actor_in(p, &principal, &admin.org_id).await.unwrap()
}
