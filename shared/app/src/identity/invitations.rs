//! Invitations: created by admins (and pastors into their groups), redeemed once before they expire.

use emmaus_domain::audit::AuditAction;
use emmaus_domain::identity::{
    Email, Invitation, InvitationState, Membership, Person, Role, RoleSet, normalise_display_name,
};
use emmaus_domain::permissions::Action;
use emmaus_domain::{DomainError, password};
use emmaus_ports::EmailMessage;

use super::access::{self, GroupLink, Target};
use super::context::{Actor, RequestMeta};
use super::directory;
use super::secrets::{digest, new_token, plausible};
use super::settings::INVITATION_TTL;
use super::{audit, keys, passwords, sessions};
use crate::Platform;
use crate::docs::{self, Doc};

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
        && super::groups::find(p, &actor.org_id, group).await?.is_none()
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
    };
    let pointer = TokenPointer { org: actor.org_id.clone(), invitation: invitation.id.clone() };
    // The token outlives the invitation by a month, so a late click hears "expired", not "unknown".
    let expires = invitation.expires_at.plus(std::time::Duration::from_hours(30 * 24)).unix_seconds();
    p.kv.batch(vec![
        docs::create_write(keys::invitation(&actor.org_id, &invitation.id), &invitation, None),
        docs::create_write(keys::invitation_token(&digest(&token)), &pointer, Some(expires)),
    ])
    .await
    .map_err(crate::error::from_kv)?;
    let link = format!("{origin}/invitation#token={token}");
    let org =
        directory::org(p, &actor.org_id).await?.ok_or_else(|| DomainError::NotFound("the organisation".into()))?;
    let inviter = directory::person(p, &actor.person_id).await?.map_or_else(String::new, |d| d.value.display_name);
    let message = EmailMessage {
        to: email.to_string(),
        subject: format!("You are invited to {} on Emmaus", org.value.name),
        text: format!(
            "Hello,\n\n{inviter} invites you to join {org} on Emmaus as a {role}. Open this link within seven days to \
             accept:\n\n{link}\n\nThe link works once. If you did not expect this, ignore this message.\n",
            org = org.value.name
        ),
    };
    // The link is also shown to the inviter, so failing to queue the email is logged, not fatal.
    if let Err(error) = crate::mail_queue::queue(p, message).await {
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

/// The invitation behind a token, pending or not, for the accept page.
pub async fn preview(p: &Platform, token: &str) -> Result<(Invitation, String), DomainError> {
    let invitation = by_token(p, token).await?.value;
    let org = directory::org(p, &invitation.org_id).await?.map_or_else(String::new, |o| o.value.name);
    Ok((invitation, org))
}

async fn by_token(p: &Platform, token: &str) -> Result<Doc<Invitation>, DomainError> {
    let refused = || DomainError::Refused("this invitation link is not valid; ask for a new one".into());
    if !plausible(token) {
        return Err(refused());
    }
    let pointer: Doc<TokenPointer> =
        docs::get(p.kv.as_ref(), keys::invitation_token(&digest(token))).await?.ok_or_else(refused)?;
    docs::get(p.kv.as_ref(), keys::invitation(&pointer.value.org, &pointer.value.invitation)).await?.ok_or_else(refused)
}

/// Redeems an invitation: a new person sets a name and password; an existing person (same email)
/// must prove their password. The invitation is spent in the same atomic batch that creates the
/// membership, so it works exactly once. Returns a session for the person.
pub async fn accept(
    p: &Platform,
    token: &str,
    display_name: Option<&str>,
    password_text: &str,
    meta: &RequestMeta,
) -> Result<sessions::Issued, DomainError> {
    let mut invitation = by_token(p, token).await?;
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
    let person = if let Some(existing) = existing {
        if !passwords::verify(password_text, existing.value.password_hash.as_deref()) {
            return Err(DomainError::Refused("the password is not the one of your existing account".into()));
        }
        if directory::membership(p, &org, &existing.value.id).await?.is_some() {
            return Err(DomainError::Conflict("you are already a member; sign in instead".into()));
        }
        existing.value
    } else {
        let name = normalise_display_name("display_name", display_name.unwrap_or_default())?;
        password::check_new("password", password_text, invitation.value.email.as_str())?;
        let person = Person {
            id: p.ids.new_id(),
            email: invitation.value.email.clone(),
            display_name: name,
            password_hash: Some(passwords::hash(password_text, &p.ids.random_bytes(16))?),
            last_org: Some(org.clone()),
            created_at: now,
        };
        writes.extend(directory::person_writes(&person));
        person
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
        other => crate::error::from_kv(other),
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
    sessions::open(p, &person.id).await
}
