//! Password reset by emailed single-use link.
//!
//! Asking for a link does the same work whatever the address: check the caller's address window,
//! count the request against the address's reset allowance, queue the request. Whether an account
//! exists is only looked up later, by the `deliver-mail` job, which makes the token and queues the
//! message; so neither the answer nor its timing tells a caller whether an account exists.

use emmaus_domain::audit::AuditAction;
use emmaus_domain::identity::Email;
use emmaus_domain::{DomainError, Timestamp, password};
use emmaus_ports::{EmailMessage, Key, Query};

use crate::accounts::record_everywhere;
use crate::context::RequestMeta;
use crate::directory::{self, Pointer};
use crate::secrets::{digest, new_token, plausible};
use crate::settings::RESET_TTL;
use crate::{keys, passwords, sessions, throttle};
use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_app::error::from_kv;

const PARTITION: &str = "reset#queue";
/// A request the job has not reached in a day is forgotten (the job runs every minute).
const KEEP_FOR: std::time::Duration = std::time::Duration::from_hours(24);
/// Requests one run turns into messages at most.
pub const PER_RUN: u32 = 50;

/// A reset asked for and not yet looked at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Requested {
    email: String,
    /// Where the web app is served, the base of the link.
    origin: String,
    request_id: Option<String>,
    client_address: Option<String>,
}

/// Asks for a reset link for `email`. The answer is the same whether or not such an account
/// exists, and so is the work done: see the module's documentation. Beyond
/// [`emmaus_domain::throttle::RESET_REQUESTS`] an hour per address, requests are accepted and
/// dropped, so a stranger cannot flood someone's inbox.
pub async fn request(p: &Platform, email: &str, origin: &str, meta: &RequestMeta) -> Result<(), DomainError> {
    let email = Email::parse(email)?;
    if !throttle::reset_requested(p, email.as_str(), meta.client_address.as_deref()).await? {
        tracing::info!("a password reset beyond the hourly allowance of its address was dropped");
        return Ok(());
    }
    let now = p.clock.now();
    let requested = Requested {
        email: email.to_string(),
        origin: origin.to_owned(),
        request_id: meta.request_id.clone(),
        client_address: meta.client_address.clone(),
    };
    let key = Key::new(PARTITION, format!("req#{}", p.ids.new_id()));
    docs::create(p.kv.as_ref(), key, &requested, Some(now.plus(KEEP_FOR).unix_seconds())).await
}

/// What one run of [`send_links`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkRun {
    /// Requests taken from the queue.
    pub requests: u32,
    /// Of those, the ones for an existing account, whose message is now queued.
    pub links: u32,
    /// Requests were left for the next run.
    pub more: bool,
}

/// Turns queued requests into reset links and queued messages, oldest first, at most
/// [`PER_RUN`]; requests for unknown addresses are simply dropped.
pub async fn send_links(p: &Platform, now: Timestamp) -> Result<LinkRun, DomainError> {
    let page = p.kv.query(&Query::new(PARTITION, "req#", PER_RUN)).await.map_err(from_kv)?;
    let mut run = LinkRun { more: page.next.is_some(), ..LinkRun::default() };
    for item in page.items {
        // Claimed by deleting it: when two runs meet, one delete fails and that run moves on.
        if p.kv.delete_if_version(item.key.clone(), item.version).await.is_err() {
            continue;
        }
        run.requests += 1;
        let Ok(requested) = serde_json::from_slice::<Requested>(&item.value) else {
            tracing::error!(key = %item.key, "a queued reset request does not parse; dropped");
            continue;
        };
        match link(p, &requested, now).await {
            Ok(made) => run.links += u32::from(made),
            Err(error) => {
                tracing::error!(%error, "a claimed reset request was lost to a store failure; the person can ask again");
                return Err(error);
            }
        }
    }
    Ok(run)
}

/// Makes the token and queues the message when the account exists; `false` when it does not.
async fn link(p: &Platform, requested: &Requested, now: Timestamp) -> Result<bool, DomainError> {
    let email = Email::parse(&requested.email)?;
    let Some(person) = directory::person_by_email(p, &email).await? else { return Ok(false) };
    let token = new_token(p.ids.as_ref());
    let pointer = Pointer { id: person.value.id.clone() };
    let expires = now.plus(RESET_TTL).unix_seconds();
    docs::create(p.kv.as_ref(), keys::reset_token(&digest(&token)), &pointer, Some(expires)).await?;
    let message = EmailMessage {
        to: email.to_string(),
        subject: "Reset your Emmaus password".into(),
        text: format!(
            "Hello {name},\n\nSomeone asked to reset the password of your Emmaus account. If it was you, open this link \
             within an hour to choose a new one:\n\n{origin}/reset-password#token={token}\n\nIf it was not you, ignore this \
             message; your password stays as it is.\n",
            name = person.value.display_name,
            origin = requested.origin,
        ),
    };
    emmaus_app::mail_queue::queue(p, message).await?;
    let meta =
        RequestMeta { request_id: requested.request_id.clone(), client_address: requested.client_address.clone() };
    record_everywhere(p, &person.value.id, &meta, AuditAction::PasswordResetRequested, None).await;
    Ok(true)
}

/// Sets a new password with a reset token, once; every session of the person ends.
pub async fn complete(p: &Platform, token: &str, new_password: &str, meta: &RequestMeta) -> Result<(), DomainError> {
    let refused = || DomainError::Refused("this reset link is not valid or has expired; ask for a new one".into());
    if !plausible(token) {
        return Err(refused());
    }
    let key = keys::reset_token(&digest(token));
    let pointer: Doc<Pointer> = docs::get(p.kv.as_ref(), key).await?.ok_or_else(refused)?;
    let mut person = directory::person(p, &pointer.value.id).await?.ok_or_else(refused)?;
    password::check_new("password", new_password, person.value.email.as_str(), Some(&person.value.display_name))?;
    // Spend the token first: if two requests race, only one gets past this delete.
    p.kv.delete_if_version(pointer.key.clone(), pointer.version).await.map_err(|_| refused())?;
    person.value.password_hash = Some(passwords::hash(new_password, &p.ids.random_bytes(16)).await?);
    // The link arrived at the address, so the address is proven to be the person's.
    person.value.email_verified = true;
    docs::replace(p.kv.as_ref(), &person, None).await?;
    sessions::close_all(p, &person.value.id).await?;
    throttle::succeeded(p, person.value.email.as_str(), None).await?;
    record_everywhere(p, &person.value.id, meta, AuditAction::PasswordReset, None).await;
    Ok(())
}
