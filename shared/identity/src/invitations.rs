//! Invitations: created by admins (and pastors into their groups), redeemed once before they expire.
//!
//! Each invitation has two tokens: the one in the email, and the one shown to the inviter to share
//! by hand. Both accept it; only the emailed one proves that the invitee reads mail at the address,
//! so only an account made through it counts as having a proven address
//! ([`Person::email_verified`]). An address that already has an account is accepted only by that
//! account, signed in: nobody, the inviter included, can get into an existing account through an
//! invitation, and refused attempts withdraw the invitation after
//! [`Invitation::MAX_FAILED_ATTEMPTS`].

use emmaus_domain::audit::AuditAction;
use emmaus_domain::identity::{
    Email, Invitation, InvitationState, Membership, Person, Role, RoleSet, normalise_display_name,
};
use emmaus_domain::permissions::Action;
use emmaus_domain::{DomainError, password};
use emmaus_ports::EmailMessage;

use crate::access::{self, GroupLink, Target};
use crate::context::{Actor, RequestMeta};
use crate::directory;
use crate::secrets::{digest, new_token, plausible};
use crate::settings::INVITATION_TTL;
use crate::{audit, keys, passwords, sessions};
use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};

/// The action that inviting with `role` needs.
pub fn action_for(role: Role) -> Action {
    match role {
        Role::Admin => Action::InviteAdmin,
        Role::Pastor => Action::InvitePastor,
        Role::Mentor => Action::InviteMentor,
        Role::Mentee => Action::InviteMentee,
    }
}

/// A new invitation and the link to give the invitee (shown once, to copy).
#[derive(Debug, Clone)]
pub struct Created {
    pub invitation: Invitation,
    pub link: String,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct TokenPointer {
    org: String,
    invitation: String,
    /// Whether this is the emailed token (not the one shown to the inviter).
    #[serde(default)]
    emailed: bool,
}

pub async fn create(
    p: &Platform,
    actor: &Actor,
    email: &str,
    role: Role,
    group: Option<&str>,
    origin: &str,
) -> Result<Created, DomainError> {
    let email = Email::parse(email)?;
    if let Some(group) = group
        && crate::groups::find(p, &actor.org_id, group).await?.is_none()
    {
        return Err(DomainError::invalid("group_id", "is not a group of this organisation"));
    }
    access::authorize(p, actor, action_for(role), Target::Invitation { group }).await?;
    if let Some(existing) = directory::person_by_email(p, &email).await?
        && directory::membership(p, &actor.org_id, &existing.value.id).await?.is_some()
    {
        return Err(DomainError::Conflict(format!("{email} is already a member; change their roles instead")));
    }
    let now = p.clock.now();
    let token = new_token(p.ids.as_ref());
    let invitation = Invitation {
        id: p.ids.new_id(),
        org_id: actor.org_id.clone(),
        email: email.clone(),
        role,
        group_id: group.map(str::to_owned),
        invited_by: actor.person_id.clone(),
        created_at: now,
        expires_at: now.plus(INVITATION_TTL),
        accepted_at: None,
        revoked_at: None,
        failed_attempts: 0,
    };
    let emailed_token = new_token(p.ids.as_ref());
    let pointer = |emailed| TokenPointer { org: actor.org_id.clone(), invitation: invitation.id.clone(), emailed };
    // The tokens outlive the invitation by a month, so a late click hears "expired", not "unknown".
    let expires = invitation.expires_at.plus(std::time::Duration::from_hours(30 * 24)).unix_seconds();
    p.kv.batch(vec![
        docs::create_write(keys::invitation(&actor.org_id, &invitation.id), &invitation, None),
        docs::create_write(keys::invitation_token(&digest(&token)), &pointer(false), Some(expires)),
        docs::create_write(keys::invitation_token(&digest(&emailed_token)), &pointer(true), Some(expires)),
    ])
    .await
    .map_err(emmaus_app::error::from_kv)?;
    let link = format!("{origin}/invitation#token={token}");
    let emailed_link = format!("{origin}/invitation#token={emailed_token}");
    let org =
        directory::org(p, &actor.org_id).await?.ok_or_else(|| DomainError::NotFound("the organisation".into()))?;
    let inviter = directory::person(p, &actor.person_id).await?.map_or_else(String::new, |d| d.value.display_name);
    let message = EmailMessage {
        to: email.to_string(),
        subject: format!("You are invited to {} on Emmaus", org.value.name),
        text: format!(
            "Hello,\n\n{inviter} invites you to join {org} on Emmaus as a {role}. Open this link within seven days to \
             accept:\n\n{emailed_link}\n\nThe link works once. If you did not expect this, ignore this message.\n",
            org = org.value.name
        ),
    };
    // The link is also shown to the inviter, so failing to queue the email is logged, not fatal.
    if let Err(error) = emmaus_app::mail_queue::queue(p, message).await {
        tracing::warn!(error = %error, invitation = %invitation.id, "the invitation email was not queued; share the link by hand");
    }
    let detail = format!("{email} as {role}");
    audit::record(
        p,
        &actor.org_id,
        audit::by(
            p,
            actor,
            AuditAction::InvitationCreated,
            Some(format!("invitation:{}", invitation.id)),
            Some(detail),
        ),
    )
    .await;
    Ok(Created { invitation, link })
}

/// Invitations the actor may see, newest first.
pub async fn list(p: &Platform, actor: &Actor) -> Result<Vec<Invitation>, DomainError> {
    let scope = access::list_scope(p, actor, Action::InvitationList).await?;
    let all: Vec<Doc<Invitation>> =
        docs::all(p.kv.as_ref(), &format!("org#{}", actor.org_id), "invitation#", 5000).await?;
    let mut out: Vec<Invitation> = all
        .into_iter()
        .map(|d| d.value)
        .filter(|i| access::admits(actor, &scope, Target::Invitation { group: i.group_id.as_deref() }))
        .collect();
    out.reverse();
    Ok(out)
}

pub async fn revoke(p: &Platform, actor: &Actor, id: &str) -> Result<Invitation, DomainError> {
    let mut doc: Doc<Invitation> = docs::get(p.kv.as_ref(), keys::invitation(&actor.org_id, id))
        .await?
        .ok_or_else(|| DomainError::NotFound("the invitation".into()))?;
    access::authorize(p, actor, Action::InvitationRevoke, Target::Invitation { group: doc.value.group_id.as_deref() })
        .await?;
    if doc.value.state(p.clock.now()) != InvitationState::Pending {
        return Err(DomainError::Conflict("only a pending invitation can be revoked".into()));
    }
    doc.value.revoked_at = Some(p.clock.now());
    docs::replace(p.kv.as_ref(), &doc, None).await?;
    audit::record(
        p,
        &actor.org_id,
        audit::by(p, actor, AuditAction::InvitationRevoked, Some(format!("invitation:{id}")), None),
    )
    .await;
    Ok(doc.value)
}

/// The invitation behind a token, pending or not, for the accept page. It says nothing of
/// whether the address has an account: the page offers both ways, and the server decides.
pub async fn preview(p: &Platform, token: &str) -> Result<(Invitation, String), DomainError> {
    let invitation = by_token(p, token).await?.0.value;
    let org = directory::org(p, &invitation.org_id).await?.map_or_else(String::new, |o| o.value.name);
    Ok((invitation, org))
}

/// The invitation, and whether the token was the emailed one.
async fn by_token(p: &Platform, token: &str) -> Result<(Doc<Invitation>, bool), DomainError> {
    let refused = || DomainError::Refused("this invitation link is not valid; ask for a new one".into());
    if !plausible(token) {
        return Err(refused());
    }
    let pointer: Doc<TokenPointer> =
        docs::get(p.kv.as_ref(), keys::invitation_token(&digest(token))).await?.ok_or_else(refused)?;
    let invitation = docs::get(p.kv.as_ref(), keys::invitation(&pointer.value.org, &pointer.value.invitation))
        .await?
        .ok_or_else(refused)?;
    Ok((invitation, pointer.value.emailed))
}

/// Counts a refused attempt on the invitation, withdrawing it at the limit; returns the refusal.
async fn refuse_attempt(
    p: &Platform,
    invitation: &Doc<Invitation>,
    meta: &RequestMeta,
    refusal: DomainError,
) -> DomainError {
    let mut doc = invitation.clone();
    doc.value.failed_attempts += 1;
    let withdrawn = doc.value.failed_attempts >= Invitation::MAX_FAILED_ATTEMPTS;
    if withdrawn {
        doc.value.revoked_at = Some(p.clock.now());
    }
    // A concurrent attempt changed it first: that one counted, and this one is refused anyway.
    if docs::replace(p.kv.as_ref(), &doc, None).await.is_ok() && withdrawn {
        let event = audit::event(
            p,
            meta,
            None,
            AuditAction::InvitationRevoked,
            Some(format!("invitation:{}", doc.value.id)),
            Some(format!("withdrawn after {} refused attempts to accept it", doc.value.failed_attempts)),
        );
        audit::record(p, &doc.value.org_id, event).await;
    }
    refusal
}

/// How an invitee accepts.
#[derive(Debug, Clone, Copy)]
pub enum Acceptor<'a> {
    /// Someone new to Emmaus, choosing a name and a password.
    New { display_name: Option<&'a str>, password: &'a str },
    /// The person signed in with this session; it must be the invited address's account.
    SignedIn(&'a crate::context::Principal),
}

/// What accepting gave: the person, and a session when a new account was made (someone signed
/// in keeps their own).
#[derive(Debug)]
pub struct Accepted {
    pub person_id: String,
    pub issued: Option<sessions::Issued>,
}

/// Redeems an invitation: someone new sets a name and password; an address that has an account
/// is accepted only by that account, signed in (see the module's documentation). The invitation
/// is spent in the same atomic batch that creates the membership, so it works exactly once.
pub async fn accept(
    p: &Platform,
    token: &str,
    acceptor: Acceptor<'_>,
    meta: &RequestMeta,
) -> Result<Accepted, DomainError> {
    let (mut invitation, emailed) = by_token(p, token).await?;
    let now = p.clock.now();
    match invitation.value.state(now) {
        InvitationState::Pending => {}
        InvitationState::Accepted => {
            return Err(DomainError::Conflict("this invitation was already used; sign in instead".into()));
        }
        InvitationState::Revoked => return Err(DomainError::Refused("this invitation was withdrawn".into())),
        InvitationState::Expired => {
            return Err(DomainError::Refused("this invitation has expired; ask for a new one".into()));
        }
    }
    let org = invitation.value.org_id.clone();
    let mut writes = Vec::new();
    let existing = directory::person_by_email(p, &invitation.value.email).await?;
    let email = invitation.value.email.clone();
    let (person, made) = match (existing, acceptor) {
        (Some(mut existing), Acceptor::SignedIn(who)) if who.person_id == existing.value.id => {
            if directory::membership(p, &org, &existing.value.id).await?.is_some() {
                return Err(DomainError::Conflict("you are already a member of this organisation".into()));
            }
            if emailed && !existing.value.email_verified {
                existing.value.email_verified = true;
                writes.push(docs::replace_write(&existing, None));
            }
            (existing.value, false)
        }
        (Some(_), _) => {
            let refusal = DomainError::Refused(format!("sign in as {email} to accept this invitation"));
            return Err(refuse_attempt(p, &invitation, meta, refusal).await);
        }
        (None, Acceptor::SignedIn(_)) => {
            return Err(DomainError::Refused(format!(
                "this invitation is for {email}; sign out, then create that account from the link"
            )));
        }
        (None, Acceptor::New { display_name, password: password_text }) => {
            let name = normalise_display_name("display_name", display_name.unwrap_or_default())?;
            password::check_new("password", password_text, email.as_str(), Some(&name))?;
            let person = Person {
                id: p.ids.new_id(),
                email: email.clone(),
                display_name: name,
                password_hash: Some(passwords::hash(password_text, &p.ids.random_bytes(16)).await?),
                last_org: Some(org.clone()),
                created_at: now,
                email_verified: emailed,
                locale: None,
                time_zone: None,
            };
            writes.extend(directory::person_writes(&person));
            (person, true)
        }
    };
    let membership = Membership {
        org_id: org.clone(),
        person_id: person.id.clone(),
        roles: RoleSet::new([invitation.value.role]),
        joined_at: now,
    };
    writes.extend(directory::membership_writes(&membership));
    if let Some(group) = &invitation.value.group_id {
        writes.push(docs::create_write(
            keys::group_member(&org, group, &person.id),
            &GroupLink { group: group.clone() },
            None,
        ));
        writes.push(docs::create_write(
            keys::person_group(&org, &person.id, group),
            &GroupLink { group: group.clone() },
            None,
        ));
    }
    invitation.value.accepted_at = Some(now);
    writes.push(docs::replace_write(&invitation, None));
    p.kv.batch(writes).await.map_err(|e| match e {
        emmaus_ports::KvError::Conflict(_) => {
            DomainError::Conflict("this invitation was used at the same moment; sign in".into())
        }
        other => emmaus_app::error::from_kv(other),
    })?;
    let detail = format!("joined as {}", invitation.value.role);
    audit::record(
        p,
        &org,
        audit::event(
            p,
            meta,
            Some(&person.id),
            AuditAction::InvitationAccepted,
            Some(format!("invitation:{}", invitation.value.id)),
            Some(detail),
        ),
    )
    .await;
    let issued = if made { Some(sessions::open(p, &person.id).await?) } else { None };
    Ok(Accepted { person_id: person.id, issued })
}
