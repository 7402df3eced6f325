//! A second factor for signing in: an authenticator app's time-based codes (RFC 6238) and
//! one-time recovery codes. Setting one up, the second step of a sign-in, renewing the recovery
//! codes, and turning it off.
//!
//! The app's secret is sealed at rest ([`emmaus_app::sealing`], bound to the person), recovery codes
//! are kept only as digests. A code works once: the time step it belongs to (or the recovery
//! code's use) is stored with a conditional write, so two requests carrying one code cannot both
//! pass. Every attempt is counted before it is checked, in a window of its own per person and in
//! the client address's window, as passwords are. A sign-in that proved its password (or its
//! provider) and still needs a code holds a *challenge*: a single-use token that lasts five
//! minutes and five wrong codes.

use std::time::Duration;

use emmaus_domain::audit::AuditAction;
use emmaus_domain::identity::{Membership, Organisation, Person, Role};
use emmaus_domain::permissions::Action;
use emmaus_domain::{DomainError, Timestamp, totp};
use emmaus_ports::{Key, KvError, Query};

use crate::context::{Principal, RequestMeta};
use crate::secrets::{digest, new_token, plausible, same};
use crate::sessions::{self, Issued};
use crate::{accounts, directory, keys, throttle};
use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_app::sealing;

/// How long a sign-in waits for its second step.
pub const CHALLENGE_TTL: Duration = Duration::from_mins(5);

/// Wrong codes a challenge survives; the next one ends it, and the sign-in starts again.
pub const CHALLENGE_ATTEMPTS: u32 = 5;

/// The name authenticator apps show above the account.
const ISSUER: &str = "Emmaus";

const SETUP_CHANGED: &str = "the setup changed in another tab; start again";
const FACTOR_CHANGED: &str = "your second factor changed meanwhile; try again";

/// A lost race on the person's factor, told in the person's words; other errors pass unchanged.
fn conflict_says(message: &'static str) -> impl FnOnce(DomainError) -> DomainError {
    move |error| match error {
        DomainError::Conflict(_) => DomainError::Conflict(message.into()),
        other => other,
    }
}

const WRONG_CODE: &str = "is not the current code from your authenticator app, nor an unused recovery code";

/// The second factor of a person, under `person#<p>` / `second-factor`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SecondFactor {
    /// The app's secret, sealed for [`seal_context`].
    pub secret: String,
    pub created_at: Timestamp,
    /// When the person showed their app makes the codes. Until then this is a setup in
    /// progress: sign-in ignores it, and starting again replaces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<Timestamp>,
    /// The time step of the last code accepted; no code of that step or before works again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_step: Option<u64>,
    #[serde(default)]
    pub recovery: Vec<RecoveryCode>,
}

impl SecondFactor {
    fn codes_left(&self) -> usize {
        self.recovery.iter().filter(|code| code.used_at.is_none()).count()
    }
}

/// One recovery code: the SHA-256 of its normal form, and when it was spent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecoveryCode {
    pub digest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_at: Option<Timestamp>,
}

/// A sign-in waiting for its second step, under `person#<p>` / `challenge#<c>`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Challenge {
    /// SHA-256 of the token's secret part.
    secret: String,
    expires_at: Timestamp,
    failures: u32,
    /// How the first step was proved, for the audit log: `password` or `sso <provider>`.
    method: String,
}

fn factor_key(person: &str) -> Key {
    Key::new(keys::person_partition(person), "second-factor")
}

fn challenge_key(person: &str, challenge: &str) -> Key {
    Key::new(keys::person_partition(person), format!("challenge#{challenge}"))
}

/// What the secret is sealed for: this person's second factor, nothing else.
pub fn seal_context(person: &str) -> String {
    format!("second-factor#{person}")
}

/// The throttle window of a person's codes, apart from their password's.
fn throttle_subject(person: &str) -> String {
    format!("second-factor#{person}")
}

/// Where a person stands with their second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub enabled: bool,
    pub recovery_codes_left: usize,
    /// The organisations (by name) that require it of the person, as one of their admins.
    pub required_by: Vec<String>,
}

pub async fn status(p: &Platform, person: &str) -> Result<Status, DomainError> {
    let orgs = directory::orgs_of(p, person).await?;
    status_among(p, person, &orgs).await
}

/// [`status`] for a caller that has read the person's organisations already.
pub async fn status_among(
    p: &Platform,
    person: &str,
    orgs: &[(Organisation, Membership)],
) -> Result<Status, DomainError> {
    Ok(status_with(confirmed(p, person).await?.as_ref(), orgs))
}

/// What every signed-in page shows of a person: their profile, their organisations (with their
/// membership in each, by name) and their [`Status`], in two reads. The first is one range of the
/// person's own partition, from their pointers to their organisations up to their sessions
/// (`org#…`, `profile`, `second-factor` and `session#…` sort in that order; records of other
/// kinds in the range are passed over), and the second one batch read of those organisations and
/// memberships.
pub async fn person_orgs_and_status(
    p: &Platform,
    person: &str,
) -> Result<(Option<Doc<Person>>, Vec<(Organisation, Membership)>, Status), DomainError> {
    let (mut profile, mut factor, mut pointers) = (None, None, Vec::new());
    let range = Query::new(keys::person_partition(person), "", docs::LIST_PAGE)
        .range(Some("org#".into()), Some("session#".into()));
    docs::each(p.kv.as_ref(), range, |item| {
        match item.key.sort.as_str() {
            "profile" => profile = Some(docs::from_item(item)?),
            "second-factor" => factor = Some(docs::from_item(item)?),
            // Bounded as `directory::orgs_of` reads them.
            sort if sort.starts_with("org#") => docs::collect(&mut pointers, item, directory::MAX_ORGS_OF_A_PERSON)?,
            _ => {}
        }
        Ok(())
    })
    .await?;
    let orgs = directory::orgs_pointed_to(p, person, &pointers).await?;
    let status = status_with(only_confirmed(factor).as_ref(), &orgs);
    Ok((profile, orgs, status))
}

fn status_with(confirmed: Option<&Doc<SecondFactor>>, orgs: &[(Organisation, Membership)]) -> Status {
    Status {
        enabled: confirmed.is_some(),
        recovery_codes_left: confirmed.map_or(0, |f| f.value.codes_left()),
        required_by: requiring(orgs),
    }
}

/// Whether the person has a second factor set up (not merely begun).
pub async fn enabled(p: &Platform, person: &str) -> Result<bool, DomainError> {
    Ok(confirmed(p, person).await?.is_some())
}

async fn confirmed(p: &Platform, person: &str) -> Result<Option<Doc<SecondFactor>>, DomainError> {
    Ok(only_confirmed(docs::get(p.kv.as_ref(), factor_key(person)).await?))
}

/// A second factor set up, not merely begun.
fn only_confirmed(factor: Option<Doc<SecondFactor>>) -> Option<Doc<SecondFactor>> {
    factor.filter(|d| d.value.confirmed_at.is_some())
}

async fn required_by(p: &Platform, person: &str) -> Result<Vec<String>, DomainError> {
    Ok(requiring(&directory::orgs_of(p, person).await?))
}

/// The organisations (by name) among `orgs` that require a second factor of the person as admin.
fn requiring(orgs: &[(Organisation, Membership)]) -> Vec<String> {
    orgs.iter()
        .filter(|(org, member)| org.admins_need_second_factor && member.roles.contains(Role::Admin))
        .map(|(org, _)| org.name.clone())
        .collect()
}

/// What an admin's second-factor check reads of an organisation's record. An admin's every
/// request inside an organisation makes the check, so only these fields are built; the others are
/// parsed and skipped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub(crate) struct AdminPolicy {
    name: String,
    /// As [`Organisation::admins_need_second_factor`], with the same default for a record stored
    /// before the setting existed.
    #[serde(default)]
    admins_need_second_factor: bool,
}

/// `NeedsSecondFactor` when `org` requires one of its admins and this admin has none: the check
/// made whenever an admin acts in an organisation.
pub(crate) async fn check_admin(p: &Platform, org: &AdminPolicy, person: &str) -> Result<(), DomainError> {
    if org.admins_need_second_factor && !enabled(p, person).await? {
        return Err(DomainError::NeedsSecondFactor(format!(
            "{} requires its admins to sign in with a second factor; set one up under Profile, then try again",
            org.name
        )));
    }
    Ok(())
}

/// A setup in progress: what the person types or scans into their app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// The secret in base32, for typing by hand.
    pub secret: String,
    /// The `otpauth://` URI the QR code holds.
    pub uri: String,
}

/// Starts setting up a second factor (or starts again): a new secret, sealed and kept until
/// [`confirm`]. Needs a sign-in of the last ten minutes, so a stolen older session cannot tie the
/// account to someone else's phone.
pub async fn begin(p: &Platform, who: &Principal) -> Result<Enrolment, DomainError> {
    crate::access::authorize_own_account(p, who, Action::ProfileUpdate).await?;
    sessions::require_recent(p, who, "set up your second factor").await?;
    let person = person(p, &who.person_id).await?;
    let existing = docs::get::<SecondFactor>(p.kv.as_ref(), factor_key(&person.id)).await?;
    if existing.as_ref().is_some_and(|d| d.value.confirmed_at.is_some()) {
        return Err(DomainError::Conflict("a second factor is set up already; turn it off first to replace it".into()));
    }
    let secret = p.ids.random_bytes(totp::SECRET_BYTES);
    let factor = SecondFactor {
        secret: sealing::seal(p.config.as_ref(), p.ids.as_ref(), &seal_context(&person.id), &secret)?,
        created_at: p.clock.now(),
        confirmed_at: None,
        last_step: None,
        recovery: Vec::new(),
    };
    let written = match existing {
        Some(doc) => docs::replace(p.kv.as_ref(), &Doc { value: factor, ..doc }, None).await.map(|_| ()),
        None => docs::create(p.kv.as_ref(), factor_key(&person.id), &factor, None).await,
    };
    written.map_err(conflict_says(SETUP_CHANGED))?;
    Ok(Enrolment { secret: totp::base32(&secret), uri: totp::otpauth_uri(ISSUER, person.email.as_str(), &secret) })
}

/// Finishes the setup with a code from the app: from now on sign-in asks for codes. Answers the
/// recovery codes, shown this once. Every other session of the person ends.
pub async fn confirm(p: &Platform, who: &Principal, code: &str) -> Result<Vec<String>, DomainError> {
    crate::access::authorize_own_account(p, who, Action::ProfileUpdate).await?;
    let address = who.meta.client_address.as_deref();
    throttle::attempt(p, &throttle_subject(&who.person_id), address).await?;
    let Some(mut doc) = docs::get::<SecondFactor>(p.kv.as_ref(), factor_key(&who.person_id)).await? else {
        return Err(DomainError::Conflict("no setup is in progress; start it again".into()));
    };
    if doc.value.confirmed_at.is_some() {
        return Err(DomainError::Conflict("a second factor is set up already".into()));
    }
    let secret = sealing::open(p.config.as_ref(), &seal_context(&who.person_id), &doc.value.secret)?;
    let now = p.clock.now();
    let Some(step) = totp::verify(&secret, code, now, None) else {
        return Err(DomainError::invalid(
            "code",
            "is not the code your app shows now; check that the phone's clock is right and try again",
        ));
    };
    let (codes, recovery) = new_recovery_codes(p);
    doc.value.confirmed_at = Some(now);
    doc.value.last_step = Some(step);
    doc.value.recovery = recovery;
    docs::replace(p.kv.as_ref(), &doc, None).await.map_err(conflict_says(SETUP_CHANGED))?;
    throttle::succeeded(p, &throttle_subject(&who.person_id), address).await?;
    sessions::close_others(p, &who.person_id, &who.session_id).await?;
    accounts::record_everywhere(p, &who.person_id, &who.meta, AuditAction::SecondFactorEnabled, None).await;
    let person = person(p, &who.person_id).await?;
    let text = format!(
        "A second factor (an authenticator app) was set up on your Emmaus account ({}) just now, and every \
         other session was signed out. Signing in now asks for a code from that app.\n\nIf this was not you, \
         reset your password at once with \"Forgot password\" on the sign-in page and tell your organisation's \
         admin.",
        person.email
    );
    crate::notices::account_changed(p, &person, "A second factor was set up on your Emmaus account", &text).await;
    Ok(codes)
}

/// Replaces the recovery codes (all of them, used or not) after a current code or an unused
/// recovery code; answers the new ones, shown this once.
pub async fn renew_recovery_codes(p: &Platform, who: &Principal, code: &str) -> Result<Vec<String>, DomainError> {
    crate::access::authorize_own_account(p, who, Action::ProfileUpdate).await?;
    let address = who.meta.client_address.as_deref();
    throttle::attempt(p, &throttle_subject(&who.person_id), address).await?;
    let Proved { factor: mut doc, .. } = prove(p, &who.person_id, code).await?;
    let (codes, recovery) = new_recovery_codes(p);
    doc.value.recovery = recovery;
    docs::replace(p.kv.as_ref(), &doc, None).await.map_err(conflict_says(FACTOR_CHANGED))?;
    throttle::succeeded(p, &throttle_subject(&who.person_id), address).await?;
    accounts::record_everywhere(p, &who.person_id, &who.meta, AuditAction::RecoveryCodesRenewed, None).await;
    Ok(codes)
}

/// Turns the second factor off after a current code or an unused recovery code. Refused while an
/// organisation requires it of the person as its admin.
pub async fn disable(p: &Platform, who: &Principal, code: &str) -> Result<(), DomainError> {
    crate::access::authorize_own_account(p, who, Action::ProfileUpdate).await?;
    let required = required_by(p, &who.person_id).await?;
    if !required.is_empty() {
        return Err(DomainError::Conflict(format!(
            "{} requires its admins to use a second factor, so it stays on while you are an admin there",
            required.join(", ")
        )));
    }
    let address = who.meta.client_address.as_deref();
    throttle::attempt(p, &throttle_subject(&who.person_id), address).await?;
    let Proved { factor: doc, .. } = prove(p, &who.person_id, code).await?;
    match p.kv.delete_if_version(doc.key, doc.version).await {
        Ok(()) => {}
        Err(KvError::Conflict(_)) => {
            return Err(DomainError::Conflict(FACTOR_CHANGED.into()));
        }
        Err(other) => return Err(emmaus_app::error::from_kv(other)),
    }
    throttle::succeeded(p, &throttle_subject(&who.person_id), address).await?;
    accounts::record_everywhere(p, &who.person_id, &who.meta, AuditAction::SecondFactorDisabled, None).await;
    let person = person(p, &who.person_id).await?;
    let text = format!(
        "The second factor of your Emmaus account ({}) was turned off just now: signing in asks for the password \
         only.\n\nIf this was not you, reset your password at once with \"Forgot password\" on the sign-in page.",
        person.email
    );
    crate::notices::account_changed(p, &person, "The second factor of your Emmaus account was turned off", &text).await;
    Ok(())
}

/// A sign-in that proved its first step and waits for a code: the token the client sends back
/// with it, `<person>.<challenge>.<secret>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub token: String,
    pub expires_in: Duration,
}

/// Opens a challenge for `person`, who proved the first step by `method`.
pub async fn challenge(p: &Platform, person: &str, method: &str) -> Result<Pending, DomainError> {
    let id = p.ids.new_id();
    let secret = new_token(p.ids.as_ref());
    let expires_at = p.clock.now().plus(CHALLENGE_TTL);
    let record = Challenge { secret: digest(&secret), expires_at, failures: 0, method: method.to_owned() };
    docs::create(p.kv.as_ref(), challenge_key(person, &id), &record, Some(expires_at.unix_seconds())).await?;
    Ok(Pending { token: format!("{person}.{id}.{secret}"), expires_in: CHALLENGE_TTL })
}

fn parse_token(token: &str) -> Option<(&str, &str, &str)> {
    let mut parts = token.splitn(3, '.');
    let (person, challenge, secret) = (parts.next()?, parts.next()?, parts.next()?);
    let id_like = |s: &str| (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric());
    (id_like(person) && id_like(challenge) && plausible(secret)).then_some((person, challenge, secret))
}

/// The second step of a sign-in: the challenge's token and a code from the app or a recovery
/// code. Opens the session. A challenge that is unknown, spent or past its time is
/// `Unauthenticated` (sign in again); a wrong code is a validation error on `code`, and the
/// challenge's fifth ends it.
pub async fn complete(p: &Platform, token: &str, code: &str, meta: &RequestMeta) -> Result<Issued, DomainError> {
    let (person, id, secret) = parse_token(token).ok_or(DomainError::Unauthenticated)?;
    let key = challenge_key(person, id);
    let live = |doc: &Doc<Challenge>| same(&digest(secret), &doc.value.secret) && p.clock.now() < doc.value.expires_at;
    let doc = docs::get::<Challenge>(p.kv.as_ref(), key.clone()).await?.filter(live);
    let Some(doc) = doc else { return Err(DomainError::Unauthenticated) };
    throttle::attempt(p, &throttle_subject(person), meta.client_address.as_deref()).await?;
    let proved = match prove(p, person, code).await {
        Ok(proved) => proved,
        Err(DomainError::Validation(errors)) => {
            count_failure(p, key).await?;
            accounts::record_everywhere(p, person, meta, AuditAction::SecondFactorFailed, Some("wrong code".into()))
                .await;
            return Err(DomainError::Validation(errors));
        }
        Err(other) => return Err(other),
    };
    spend(p, key, doc.version).await?;
    throttle::succeeded(p, &throttle_subject(person), meta.client_address.as_deref()).await?;
    let issued = sessions::open(p, person).await?;
    let detail = match proved.recovery_codes_left {
        None => format!("{} and authenticator app", doc.value.method),
        Some(left) => format!("{} and a recovery code ({left} left)", doc.value.method),
    };
    accounts::record_everywhere(p, person, meta, AuditAction::SignIn, Some(detail)).await;
    if let Some(left) = proved.recovery_codes_left {
        accounts::record_everywhere(p, person, meta, AuditAction::RecoveryCodeUsed, Some(format!("{left} left"))).await;
        let person = self::person(p, person).await?;
        let text = format!(
            "A recovery code was used to sign in to your Emmaus account ({}) just now; {left} unused codes are \
             left. If you no longer have your authenticator app, set the second factor up again under Profile.\n\n\
             If this was not you, reset your password at once with \"Forgot password\" on the sign-in page.",
            person.email
        );
        crate::notices::account_changed(p, &person, "A recovery code was used on your Emmaus account", &text).await;
    }
    Ok(issued)
}

/// Counts a wrong code against the challenge, and ends it at [`CHALLENGE_ATTEMPTS`].
async fn count_failure(p: &Platform, key: Key) -> Result<(), DomainError> {
    for _ in 0..8 {
        let Some(mut doc) = docs::get::<Challenge>(p.kv.as_ref(), key.clone()).await? else { return Ok(()) };
        doc.value.failures += 1;
        let written = if doc.value.failures >= CHALLENGE_ATTEMPTS {
            p.kv.delete_if_version(doc.key.clone(), doc.version).await.map_err(emmaus_app::error::from_kv)
        } else {
            docs::replace(p.kv.as_ref(), &doc, Some(doc.value.expires_at.unix_seconds())).await.map(|_| ())
        };
        match written {
            Err(DomainError::Conflict(_)) => {}
            other => return other,
        }
    }
    // Each lost race was another attempt counted; the per-person window still holds the line.
    Ok(())
}

/// Deletes the challenge, so it opens one session only. A concurrent failure count only moved
/// its version on; a challenge that is gone was spent by a concurrent step.
async fn spend(p: &Platform, key: Key, mut version: u64) -> Result<(), DomainError> {
    for _ in 0..8 {
        match p.kv.delete_if_version(key.clone(), version).await {
            Ok(()) => return Ok(()),
            Err(KvError::Conflict(_)) => match docs::get::<Challenge>(p.kv.as_ref(), key.clone()).await? {
                Some(doc) => version = doc.version,
                None => return Err(DomainError::Unauthenticated),
            },
            Err(other) => return Err(emmaus_app::error::from_kv(other)),
        }
    }
    Err(DomainError::Conflict("the sign-in changed meanwhile; sign in again".into()))
}

/// A code that was accepted, and the factor as written after spending it.
struct Proved {
    factor: Doc<SecondFactor>,
    /// `Some(left)` when a recovery code was spent.
    recovery_codes_left: Option<usize>,
}

/// Spends `code` (the app's, or a recovery code) on the person's confirmed factor with a
/// conditional write; of two requests with the same code, one passes. A wrong or reused code is
/// a validation error on `code`.
async fn prove(p: &Platform, person: &str, code: &str) -> Result<Proved, DomainError> {
    let wrong = || DomainError::invalid("code", WRONG_CODE);
    let code = code.trim();
    if code.is_empty() || code.len() > 64 {
        return Err(wrong());
    }
    for _ in 0..8 {
        let Some(mut doc) = confirmed(p, person).await? else {
            return Err(DomainError::Conflict("no second factor is set up".into()));
        };
        let now = p.clock.now();
        let recovery_codes_left = if totp::looks_like_recovery_code(code) {
            let presented = totp::recovery_digest(code);
            let unused = doc.value.recovery.iter_mut().find(|c| c.used_at.is_none() && same(&c.digest, &presented));
            let Some(unused) = unused else { return Err(wrong()) };
            unused.used_at = Some(now);
            Some(doc.value.codes_left())
        } else {
            let secret = sealing::open(p.config.as_ref(), &seal_context(person), &doc.value.secret)?;
            let Some(step) = totp::verify(&secret, code, now, doc.value.last_step) else { return Err(wrong()) };
            doc.value.last_step = Some(step);
            None
        };
        match docs::replace(p.kv.as_ref(), &doc, None).await {
            Ok(version) => return Ok(Proved { factor: Doc { version, ..doc }, recovery_codes_left }),
            // Another request spent a code meanwhile: read again, and this code may be the one.
            Err(DomainError::Conflict(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Err(DomainError::Conflict("your second factor is busy; try again".into()))
}

/// [`totp::RECOVERY_CODES`] new codes, as shown to the person and as stored.
fn new_recovery_codes(p: &Platform) -> (Vec<String>, Vec<RecoveryCode>) {
    let codes: Vec<String> = (0..totp::RECOVERY_CODES)
        .map(|_| totp::recovery_code(&p.ids.random_bytes(totp::RECOVERY_CODE_BYTES)))
        .collect();
    let stored = codes.iter().map(|c| RecoveryCode { digest: totp::recovery_digest(c), used_at: None }).collect();
    (codes, stored)
}

async fn person(p: &Platform, id: &str) -> Result<Person, DomainError> {
    Ok(directory::person(p, id).await?.ok_or(DomainError::Unauthenticated)?.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The policy read on every admin's request answers as the whole record would, whether the
    /// setting is on, off, or absent (a record stored before it existed).
    #[test]
    fn the_admin_policy_alone_reads_as_the_whole_record() {
        let stored = serde_json::json!({
            "id": "org-1", "slug": "grace", "name": "Grace \"Church\"", "created_at": 1_700_000_000_000_i64,
            "sessions": {"idle_hours": 336, "max_days": 60, "admin_idle_hours": 12, "admin_max_days": 7},
        });
        for setting in [Some(true), Some(false), None] {
            let mut record = stored.clone();
            if let Some(on) = setting {
                record["admins_need_second_factor"] = on.into();
            }
            let bytes = serde_json::to_vec(&record).unwrap();
            let whole: Organisation = serde_json::from_slice(&bytes).unwrap();
            let policy: AdminPolicy = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(
                policy,
                AdminPolicy { name: whole.name.clone(), admins_need_second_factor: whole.admins_need_second_factor },
                "setting {setting:?}"
            );
            assert_eq!(policy.admins_need_second_factor, setting == Some(true));
        }
    }
}
