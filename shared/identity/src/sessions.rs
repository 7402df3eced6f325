//! Sessions: a family of rotating refresh tokens, and the short-lived access tokens it issues.
//!
//! Each sign-in opens a family stored under the person. A refresh presents the family's current
//! secret and gets a new one; presenting an older secret means a copy was stolen, so the whole
//! family is revoked. Every access-token check also reads the family, so signing out (one family)
//! or signing out everywhere (every family) takes effect on the next request on every host.

use std::collections::VecDeque;
use std::time::Duration;

use emmaus_domain::{DomainError, Timestamp};
use emmaus_ports::{Key, Query};

use crate::keys;
use crate::secrets::{digest, new_token, same};
use crate::settings::{self, ACCESS_TTL, REFRESH_IDLE, SESSION_MAX};
use crate::tokens::{self, AUDIENCE, Claims};
use emmaus_app::Platform;
use emmaus_app::docs;

/// Two tabs refreshing at once present the same secret; the slower one may retry for this long
/// without being taken for a thief.
const ROTATION_GRACE: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Family {
    pub id: String,
    pub person_id: String,
    pub created_at: Timestamp,
    pub last_used_at: Timestamp,
    /// SHA-256 of the refresh secret that may be used next.
    pub current: String,
    /// SHA-256 of the secret it replaced, accepted only as a concurrent retry.
    pub previous: Option<String>,
    pub rotated_at: Timestamp,
    pub generation: u32,
    pub revoked_at: Option<Timestamp>,
    /// Seconds unused after which the family ends: the shortest idle time of the person's
    /// organisations when it was opened (for the roles held then).
    #[serde(default = "default_idle")]
    pub idle_secs: u64,
    /// Seconds after its opening when the family ends, however used.
    #[serde(default = "default_max")]
    pub max_secs: u64,
}

fn default_idle() -> u64 {
    REFRESH_IDLE.as_secs()
}

fn default_max() -> u64 {
    SESSION_MAX.as_secs()
}

impl Family {
    fn lifetime(&self) -> Lifetime {
        Lifetime {
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
            idle_secs: self.idle_secs,
            max_secs: self.max_secs,
        }
    }

    fn expires_at(&self) -> Timestamp {
        self.lifetime().expires_at()
    }

    fn live(&self, now: Timestamp) -> bool {
        self.lifetime().live(now)
    }
}

/// The fields of a stored [`Family`] that say whether it is live: what every signed-in request
/// reads of it. Decoding only these skips building the refresh secrets' digests and ids, about a
/// sixth of the family's decoding (skipped fields are still parsed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
struct Lifetime {
    created_at: Timestamp,
    last_used_at: Timestamp,
    revoked_at: Option<Timestamp>,
    #[serde(default = "default_idle")]
    idle_secs: u64,
    #[serde(default = "default_max")]
    max_secs: u64,
}

impl Lifetime {
    fn expires_at(self) -> Timestamp {
        let idle = Duration::from_secs(self.idle_secs);
        self.last_used_at.plus(idle).min(self.created_at.plus(Duration::from_secs(self.max_secs)))
    }

    fn live(self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && now < self.expires_at()
    }
}

/// What the client keeps after a sign-in or refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub person_id: String,
    pub session_id: String,
    pub access_token: String,
    pub access_ttl: Duration,
    /// `<person>.<session>.<secret>`.
    pub refresh_token: String,
    pub refresh_ttl: Duration,
    /// Echoed by the client in `X-CSRF-Token` on cookie-authenticated writes.
    pub csrf_token: String,
}

/// The CSRF token's fingerprint carried in the access token.
pub fn csrf_fingerprint(csrf_token: &str) -> String {
    digest(csrf_token)[..32].to_owned()
}

fn issue(p: &Platform, family: &Family, secret: &str) -> Result<Issued, DomainError> {
    let settings = settings::load(p.config.as_ref())?;
    let now = p.clock.now();
    let csrf_token = new_token(p.ids.as_ref());
    let claims = Claims {
        iss: settings.issuer.clone(),
        aud: AUDIENCE.to_owned(),
        sub: family.person_id.clone(),
        sid: family.id.clone(),
        iat: now.unix_seconds(),
        exp: now.plus(ACCESS_TTL).unix_seconds(),
        csrf: csrf_fingerprint(&csrf_token),
    };
    Ok(Issued {
        person_id: family.person_id.clone(),
        session_id: family.id.clone(),
        access_token: tokens::sign(&settings.ring, &claims),
        access_ttl: ACCESS_TTL,
        refresh_token: format!("{}.{}.{secret}", family.person_id, family.id),
        refresh_ttl: family.expires_at().since(now),
        csrf_token,
    })
}

/// The session limits for `person_id`: the shortest of their organisations' policies, an admin's
/// where they are one; the defaults when they belong to none.
async fn limits_for(p: &Platform, person_id: &str) -> Result<(Duration, Duration), DomainError> {
    let mut limits = (REFRESH_IDLE, SESSION_MAX);
    for (org, membership) in crate::directory::orgs_of(p, person_id).await? {
        let (idle, max) = org.sessions.limits(membership.roles.contains(emmaus_domain::identity::Role::Admin));
        limits = (limits.0.min(idle), limits.1.min(max));
    }
    Ok(limits)
}

/// Opens a new session family for a person who just proved who they are, with the lifetimes
/// their organisations set.
pub async fn open(p: &Platform, person_id: &str) -> Result<Issued, DomainError> {
    let (idle, max) = limits_for(p, person_id).await?;
    let now = p.clock.now();
    let secret = new_token(p.ids.as_ref());
    let family = Family {
        id: p.ids.new_id(),
        person_id: person_id.to_owned(),
        created_at: now,
        last_used_at: now,
        current: digest(&secret),
        previous: None,
        rotated_at: now,
        generation: 1,
        revoked_at: None,
        idle_secs: idle.as_secs(),
        max_secs: max.as_secs(),
    };
    let key = keys::session(person_id, &family.id);
    docs::create(p.kv.as_ref(), key, &family, Some(family.expires_at().unix_seconds())).await?;
    issue(p, &family, &secret)
}

/// The outcome of a refresh the caller must act on.
#[derive(Debug)]
pub enum Refreshed {
    Issued(Issued),
    /// An old secret was presented: the family is now revoked. The caller audits and answers 401.
    Reused {
        person_id: String,
    },
}

fn parse_refresh(token: &str) -> Option<(&str, &str, &str)> {
    let mut parts = token.splitn(3, '.');
    let (person, session, secret) = (parts.next()?, parts.next()?, parts.next()?);
    let id_like = |s: &str| (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric());
    (id_like(person) && id_like(session) && crate::secrets::plausible(secret)).then_some((person, session, secret))
}

/// Rotates the refresh token. `Unauthenticated` when it is unknown, expired or revoked.
pub async fn refresh(p: &Platform, token: &str) -> Result<Refreshed, DomainError> {
    let (person, session, secret) = parse_refresh(token).ok_or(DomainError::Unauthenticated)?;
    let presented = digest(secret);
    for _ in 0..3 {
        let now = p.clock.now();
        let Some(mut doc) = docs::get::<Family>(p.kv.as_ref(), keys::session(person, session)).await? else {
            return Err(DomainError::Unauthenticated);
        };
        if !doc.value.live(now) {
            return Err(DomainError::Unauthenticated);
        }
        if same(&presented, &doc.value.current) {
            let next = new_token(p.ids.as_ref());
            let family = &mut doc.value;
            family.previous = Some(std::mem::replace(&mut family.current, digest(&next)));
            family.rotated_at = now;
            family.last_used_at = now;
            family.generation += 1;
            let expires = family.expires_at().unix_seconds();
            match docs::replace(p.kv.as_ref(), &doc, Some(expires)).await {
                Ok(_) => return issue(p, &doc.value, &next).map(Refreshed::Issued),
                Err(DomainError::Conflict(_)) => continue,
                Err(other) => return Err(other),
            }
        }
        let concurrent = doc.value.previous.as_deref().is_some_and(|prev| same(&presented, prev))
            && now < doc.value.rotated_at.plus(ROTATION_GRACE);
        if concurrent {
            return Err(DomainError::Conflict(
                "this session was refreshed by another tab a moment ago; retry with the new cookie".into(),
            ));
        }
        doc.value.revoked_at = Some(now);
        match docs::replace(p.kv.as_ref(), &doc, Some(doc.value.expires_at().unix_seconds())).await {
            Ok(_) => return Ok(Refreshed::Reused { person_id: person.to_owned() }),
            Err(DomainError::Conflict(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Err(DomainError::Conflict("the session changed while refreshing; retry".into()))
}

/// Checks an access token and that its session is still live: the check every request makes.
pub async fn authenticate(p: &Platform, access_token: &str) -> Result<Claims, DomainError> {
    let settings = settings::load(p.config.as_ref())?;
    let now = p.clock.now();
    let claims = verify_remembered(&settings, access_token, now)?;
    let family = docs::get::<Lifetime>(p.kv.as_ref(), keys::session(&claims.sub, &claims.sid)).await?;
    match family {
        Some(doc) if doc.value.live(now) => Ok(claims),
        _ => Err(DomainError::Unauthenticated),
    }
}

/// Access tokens already checked in full, with the key ring they were checked under: a busy
/// client's next requests skip the Ed25519 verification (some 40 µs). Time is checked again on
/// every use, and the store check that follows (the session family) is never skipped, so signing
/// out still ends a session on its next request. A new key ring starts an empty cache; the
/// settings it was made for are held, so their address cannot be reused.
///
/// Kept by the token itself: only a token that passed verification is ever a key, and a hit needs
/// the whole token to match. Keyed by its SHA-256 digest instead, each request hashed the token,
/// wrote the digest in hex and hashed that again for the map. Since no one can choose the keys
/// (each is a token we signed), the map uses a fast hasher rather than one made to withstand
/// chosen keys.
///
/// Kept per thread, as the settings are ([`settings::load`]): with one cache for the process the
/// server's worker threads took turns at its lock on every request. A token is verified in full
/// once on each thread that serves it, and each thread keeps at most [`VERIFIED_KEPT`].
struct Verified {
    settings: std::sync::Arc<settings::Settings>,
    claims: foldhash::HashMap<std::rc::Rc<str>, Claims>,
    order: VecDeque<std::rc::Rc<str>>,
}

/// Tokens remembered at most on each thread; the oldest go first.
const VERIFIED_KEPT: usize = 4096;

fn verify_remembered(
    settings: &std::sync::Arc<settings::Settings>,
    token: &str,
    now: Timestamp,
) -> Result<Claims, DomainError> {
    thread_local! {
        static CACHE: std::cell::RefCell<Option<Verified>> = const { std::cell::RefCell::new(None) };
    }
    let remembered = CACHE.with_borrow(|cache| {
        let verified = cache.as_ref().filter(|v| std::sync::Arc::ptr_eq(&v.settings, settings))?;
        let claims = verified.claims.get(token)?;
        let fresh = claims.exp > now.unix_seconds() && claims.iat <= now.unix_seconds() + 60;
        Some(if fresh { Ok(claims.clone()) } else { Err(DomainError::Unauthenticated) })
    });
    if let Some(answer) = remembered {
        return answer;
    }
    let claims = tokens::verify(&settings.ring, &settings.issuer, token, now)?;
    CACHE.with_borrow_mut(|cache| {
        let verified = match cache.as_mut() {
            Some(verified) if std::sync::Arc::ptr_eq(&verified.settings, settings) => verified,
            _ => cache.insert(Verified {
                settings: settings.clone(),
                claims: foldhash::HashMap::default(),
                order: VecDeque::new(),
            }),
        };
        let key: std::rc::Rc<str> = token.into();
        if verified.claims.insert(key.clone(), claims.clone()).is_none() {
            verified.order.push_back(key);
            if verified.order.len() > VERIFIED_KEPT
                && let Some(oldest) = verified.order.pop_front()
            {
                verified.claims.remove(&oldest);
            }
        }
    });
    Ok(claims)
}

/// Revokes one family (sign out). Unknown or already revoked families are fine.
pub async fn close(p: &Platform, person_id: &str, session_id: &str) -> Result<(), DomainError> {
    revoke(p, keys::session(person_id, session_id)).await
}

async fn revoke(p: &Platform, key: Key) -> Result<(), DomainError> {
    for _ in 0..3 {
        let Some(mut doc) = docs::get::<Family>(p.kv.as_ref(), key.clone()).await? else { return Ok(()) };
        if doc.value.revoked_at.is_some() {
            return Ok(());
        }
        doc.value.revoked_at = Some(p.clock.now());
        match docs::replace(p.kv.as_ref(), &doc, Some(doc.value.expires_at().unix_seconds())).await {
            Err(DomainError::Conflict(_)) => {}
            other => return other.map(|_| ()),
        }
    }
    Err(DomainError::Conflict("the session changed while signing out; retry".into()))
}

/// Revokes every family of the person (sign out everywhere, password reset); returns how many.
pub async fn close_all(p: &Platform, person_id: &str) -> Result<usize, DomainError> {
    close_all_but(p, person_id, None).await
}

/// Revokes every family of the person except `keep` (a password change from that session).
pub async fn close_others(p: &Platform, person_id: &str, keep: &str) -> Result<usize, DomainError> {
    close_all_but(p, person_id, Some(keep)).await
}

async fn close_all_but(p: &Platform, person_id: &str, keep: Option<&str>) -> Result<usize, DomainError> {
    let mut closed = 0;
    let mut cursor = None;
    // Page by page, so a person with very many sessions still has every one of them ended.
    loop {
        let page =
            p.kv.query(&Query::new(keys::person_partition(person_id), "session#", 200).after(cursor))
                .await
                .map_err(emmaus_app::error::from_kv)?;
        for item in page.items {
            let family: Family = serde_json::from_slice(&item.value).map_err(DomainError::unexpected)?;
            if family.revoked_at.is_none() && keep != Some(family.id.as_str()) {
                revoke(p, item.key).await?;
                closed += 1;
            }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(closed),
        }
    }
}

/// How recent a sign-in must be for account changes that need one.
pub const RECENT_SIGN_IN: Duration = Duration::from_mins(10);

/// Refuses unless the caller's session was opened within [`RECENT_SIGN_IN`]; the message asks
/// them to sign in again and then `what` (e.g. "set your password").
pub async fn require_recent(p: &Platform, who: &crate::context::Principal, what: &str) -> Result<(), DomainError> {
    let family = docs::get::<Family>(p.kv.as_ref(), keys::session(&who.person_id, &who.session_id)).await?;
    match family {
        Some(doc) if p.clock.now() < doc.value.created_at.plus(RECENT_SIGN_IN) => Ok(()),
        _ => Err(DomainError::Refused(format!("sign in again, then {what} within ten minutes"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family(revoked_at: Option<Timestamp>) -> Family {
        Family {
            id: "f".into(),
            person_id: "p".into(),
            created_at: Timestamp::from_unix_seconds(1_000),
            last_used_at: Timestamp::from_unix_seconds(5_000),
            current: "c".repeat(64),
            previous: Some("d".repeat(64)),
            rotated_at: Timestamp::from_unix_seconds(5_000),
            generation: 3,
            revoked_at,
            idle_secs: 600,
            max_secs: 4_200,
        }
    }

    /// What every request decodes (the lifetime alone) answers as the whole family would, at each
    /// edge: the idle window, the maximum age and a revocation; and a family stored before the
    /// per-organisation lifetimes existed gets the same defaults either way.
    #[test]
    fn the_lifetime_alone_answers_as_the_whole_family() {
        let at = |seconds| Timestamp::from_unix_seconds(seconds);
        for stored in [family(None), family(Some(at(5_100)))] {
            let lifetime: Lifetime = serde_json::from_slice(&serde_json::to_vec(&stored).unwrap()).unwrap();
            assert_eq!(lifetime, stored.lifetime());
            for now in [at(4_999), at(5_199), at(5_200), at(5_599), at(5_600), at(6_000)] {
                assert_eq!(lifetime.live(now), stored.live(now), "at {now:?}, revoked: {:?}", stored.revoked_at);
            }
        }
        let open = family(None);
        assert!(open.live(at(5_199)) && !open.live(at(5_200)), "the maximum age ends it before the idle window");
        let mut old = serde_json::to_value(family(None)).unwrap();
        old.as_object_mut().unwrap().retain(|name, _| name != "idle_secs" && name != "max_secs");
        let whole: Family = serde_json::from_value(old.clone()).unwrap();
        let lifetime: Lifetime = serde_json::from_value(old).unwrap();
        assert_eq!(lifetime, whole.lifetime());
        assert_eq!((lifetime.idle_secs, lifetime.max_secs), (REFRESH_IDLE.as_secs(), SESSION_MAX.as_secs()));
    }
}
