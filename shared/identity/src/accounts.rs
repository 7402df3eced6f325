//! Password sign-in, password change, and profile updates (resets are in `resets`).

use emmaus_domain::audit::AuditAction;
use emmaus_domain::identity::{Email, Person, normalise_display_name};
use emmaus_domain::permissions::Action;
use emmaus_domain::preferences::{Locale, TimeZoneName};
use emmaus_domain::{DomainError, password};

use crate::context::{Principal, RequestMeta};
use crate::directory;
use crate::sessions::{self, Issued};
use crate::{audit, passwords, throttle};
use emmaus_app::Platform;
use emmaus_app::docs;

const BAD_SIGN_IN: &str = "the email or password is incorrect";

/// Records an event in every organisation the person belongs to.
pub async fn record_everywhere(
    p: &Platform,
    person: &str,
    meta: &RequestMeta,
    action: AuditAction,
    detail: Option<String>,
) {
    let orgs = directory::orgs_of(p, person).await.unwrap_or_default();
    for (org, _) in orgs {
        let event = audit::event(p, meta, Some(person), action, Some(format!("person:{person}")), detail.clone());
        audit::record(p, &org.id, event).await;
    }
}

/// Where a password sign-in stands once the password is right.
#[derive(Debug)]
pub enum SignInStep {
    /// Signed in.
    Session(Issued),
    /// The person has a second factor: a code for this challenge completes the sign-in
    /// (`second_factor::complete`).
    SecondFactor(crate::second_factor::Pending),
}

/// Signs in with a password where no second factor can be set up yet (the first-run setup, tests
/// of other things): refused when the person has one.
pub async fn sign_in(
    p: &Platform,
    email: &str,
    password_text: &str,
    meta: &RequestMeta,
) -> Result<Issued, DomainError> {
    match begin_sign_in(p, email, password_text, meta).await? {
        SignInStep::Session(issued) => Ok(issued),
        SignInStep::SecondFactor(_) => Err(DomainError::Refused("this account signs in with a second factor".into())),
    }
}

/// Signs in with email and password. Every refusal reads the same and takes as long, whether
/// the account exists or not; each attempt is counted per account and per address before the
/// password is checked, so a burst of parallel guesses gets no more checks than a slow one. A
/// person with a second factor gets a challenge instead of a session.
pub async fn begin_sign_in(
    p: &Platform,
    email: &str,
    password_text: &str,
    meta: &RequestMeta,
) -> Result<SignInStep, DomainError> {
    let email = Email::parse(email)?;
    password::check_presented("password", password_text)?;
    let address = meta.client_address.as_deref();
    throttle::attempt(p, email.as_str(), address).await?;
    let person = directory::person_by_email(p, &email).await?;
    let stored = person.as_ref().and_then(|d| d.value.password_hash.clone());
    if !passwords::verify(password_text, stored.as_deref()).await {
        if let Some(person) = &person {
            record_everywhere(p, &person.value.id, meta, AuditAction::SignInFailed, Some("wrong password".into()))
                .await;
        }
        return Err(DomainError::Refused(BAD_SIGN_IN.into()));
    }
    let person = person.expect("a verified password belongs to a person");
    throttle::succeeded(p, email.as_str(), address).await?;
    if stored.as_deref().is_some_and(passwords::needs_rehash) {
        let salt = p.ids.random_bytes(16);
        let mut doc = person.clone();
        doc.value.password_hash = Some(passwords::hash(password_text, &salt).await?);
        // Best effort: a concurrent profile change simply keeps the old hash until next time.
        let _ = docs::replace(p.kv.as_ref(), &doc, None).await;
    }
    if crate::second_factor::enabled(p, &person.value.id).await? {
        let pending = crate::second_factor::challenge(p, &person.value.id, "password").await?;
        return Ok(SignInStep::SecondFactor(pending));
    }
    let issued = sessions::open(p, &person.value.id).await?;
    record_everywhere(p, &person.value.id, meta, AuditAction::SignIn, Some("password".into())).await;
    Ok(SignInStep::Session(issued))
}

/// Changes the signed-in person's password after checking the current one. Every other session
/// of the person ends (this one stays), and the person is told by email.
pub async fn change_password(
    p: &Platform,
    who: &Principal,
    current: &str,
    new_password: &str,
) -> Result<(), DomainError> {
    crate::access::authorize_own_account(p, who, Action::ProfileUpdate).await?;
    let mut person = directory::person(p, &who.person_id).await?.ok_or(DomainError::Unauthenticated)?;
    let email = person.value.email.clone();
    let address = who.meta.client_address.as_deref();
    let first = person.value.password_hash.is_none();
    if first {
        // Someone who signs in only with SSO has no password to prove; a first password is set
        // only from a fresh session, so a stolen older session cannot add a way back in.
        sessions::require_recent(p, who, "set your password").await?;
    } else {
        let wrong = || DomainError::invalid("current_password", "is not your current password");
        password::check_presented("current_password", current).map_err(|_| wrong())?;
        throttle::attempt(p, email.as_str(), address).await?;
        if !passwords::verify(current, person.value.password_hash.as_deref()).await {
            return Err(wrong());
        }
        throttle::succeeded(p, email.as_str(), address).await?;
    }
    password::check_new("new_password", new_password, email.as_str(), Some(&person.value.display_name))?;
    person.value.password_hash = Some(passwords::hash(new_password, &p.ids.random_bytes(16)).await?);
    docs::replace(p.kv.as_ref(), &person, None).await?;
    sessions::close_others(p, &who.person_id, &who.session_id).await?;
    record_everywhere(p, &who.person_id, &who.meta, AuditAction::PasswordChanged, None).await;
    let (subject, what) = if first {
        ("A password was set on your Emmaus account", "A password was set on")
    } else {
        ("Your Emmaus password was changed", "The password of")
    };
    let text = format!(
        "{what} your Emmaus account ({email}) just now, and every other session was signed out.\n\nIf this was \
         not you, choose a new password at once with \"Forgot password\" on the sign-in page."
    );
    crate::notices::account_changed(p, &person.value, subject, &text).await;
    Ok(())
}

/// What a profile change sets; `None` leaves a field as it is. For the locale and time zone an
/// empty string clears the choice, so the browser's own applies again.
#[derive(Debug, Default, Clone, Copy)]
pub struct ProfileChange<'a> {
    pub display_name: Option<&'a str>,
    pub last_org: Option<&'a str>,
    pub locale: Option<&'a str>,
    pub time_zone: Option<&'a str>,
}

/// `None` for an empty value (clear), else the parsed one.
fn optional<T>(raw: &str, parse: impl Fn(&str) -> Result<T, DomainError>) -> Result<Option<T>, DomainError> {
    if raw.trim().is_empty() { Ok(None) } else { parse(raw).map(Some) }
}

/// Changes the signed-in person's profile: name, default organisation, locale, time zone.
pub async fn update_profile(p: &Platform, who: &Principal, change: &ProfileChange<'_>) -> Result<Person, DomainError> {
    crate::access::authorize_own_account(p, who, Action::ProfileUpdate).await?;
    // Checked before any read, so a bad value is refused the same way whatever the store holds.
    let locale = change.locale.map(|raw| optional(raw, Locale::parse)).transpose()?;
    let time_zone = change.time_zone.map(|raw| optional(raw, TimeZoneName::parse)).transpose()?;
    for _ in 0..3 {
        let mut person = directory::person(p, &who.person_id).await?.ok_or(DomainError::Unauthenticated)?;
        if let Some(name) = change.display_name {
            person.value.display_name = normalise_display_name("display_name", name)?;
        }
        if let Some(locale) = &locale {
            person.value.locale.clone_from(locale);
        }
        if let Some(time_zone) = &time_zone {
            person.value.time_zone.clone_from(time_zone);
        }
        if let Some(org) = change.last_org {
            if directory::membership(p, org, &who.person_id).await?.is_none() {
                return Err(DomainError::invalid("last_org", "is not an organisation you belong to"));
            }
            person.value.last_org = Some(org.to_owned());
        }
        match docs::replace(p.kv.as_ref(), &person, None).await {
            Ok(_) => return Ok(person.value),
            Err(DomainError::Conflict(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Err(DomainError::Conflict("your profile changed meanwhile; reload and try again".into()))
}
