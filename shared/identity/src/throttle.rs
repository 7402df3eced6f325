//! Throttling windows in the store: sign-in attempts per account and per client address, and
//! password-reset requests per email address (which also count against the client address).
//!
//! An attempt is counted *before* its password is checked, with a conditional write, so any number
//! of parallel attempts gets at most a window's allowance of password checks: the ones that lose
//! the race re-read the window, and once it locks they are refused without a hash. A window that
//! stays too contended to count is answered as rate-limited: a storage conflict never lets an
//! attempt through uncounted. A successful attempt forgets the account's window and gives its
//! place in the address window back, so people signing in from one church network never lock it.

use std::time::Duration;

use emmaus_domain::DomainError;
use emmaus_domain::throttle::{PER_ACCOUNT, PER_ADDRESS, Policy, RESET_REQUESTS, Window};
use emmaus_ports::Key;

use crate::secrets::digest;
use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};

/// How often a contended window is re-read before the attempt is refused. Each lost race means
/// another attempt was counted, so under a burst the window locks long before this runs out.
const COUNT_TRIES: usize = 64;

/// What a caller who lost every race is told: a moment's wait, the same as any lockout.
const CONTENDED_WAIT: Duration = Duration::from_secs(1);

fn account_key(email: &str) -> Key {
    // Hashed, so the store holds no list of addresses people tried.
    Key::new(format!("throttle#account#{}", digest(email)), "window")
}

fn reset_key(email: &str) -> Key {
    Key::new(format!("throttle#reset#{}", digest(email)), "window")
}

fn address_key(address: &str) -> Key {
    Key::new(format!("throttle#address#{address}"), "window")
}

/// Counts one attempt for `subject` (an email address, or a fixed name such as the setup code)
/// from `address`, before any secret is checked. `RateLimited` when either window is locked, or
/// when this attempt locks neither but could not be counted.
pub async fn attempt(p: &Platform, subject: &str, address: Option<&str>) -> Result<(), DomainError> {
    count(p, PER_ACCOUNT, account_key(subject)).await?;
    if let Some(address) = address {
        count(p, PER_ADDRESS, address_key(address)).await?;
    }
    Ok(())
}

/// After an attempt proved its secret: forgets the subject's window and takes the attempt back
/// out of the address window (its lock, if any, stays).
pub async fn succeeded(p: &Platform, subject: &str, address: Option<&str>) -> Result<(), DomainError> {
    if let Some(doc) = docs::get::<Window>(p.kv.as_ref(), account_key(subject)).await? {
        // A concurrent change only means another attempt counted; nothing to undo.
        let _ = p.kv.delete_if_version(doc.key, doc.version).await;
    }
    if let Some(address) = address {
        give_back(p, address_key(address)).await?;
    }
    Ok(())
}

/// Counts a password-reset request: `RateLimited` when the client address is locked; otherwise
/// whether the email address still has allowance for a message this hour. The same reads and
/// writes happen for every address, known or not.
pub async fn reset_requested(p: &Platform, email: &str, address: Option<&str>) -> Result<bool, DomainError> {
    if let Some(address) = address {
        count(p, PER_ADDRESS, address_key(address)).await?;
    }
    match count(p, RESET_REQUESTS, reset_key(email)).await {
        Ok(()) => Ok(true),
        Err(DomainError::RateLimited { .. }) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Adds one event to the window at `key` with a conditional write, re-reading when a concurrent
/// writer got there first. A locked window is refused without a write, so attempts during a
/// lockout do not extend it.
async fn count(p: &Platform, policy: Policy, key: Key) -> Result<(), DomainError> {
    for _ in 0..COUNT_TRIES {
        let now = p.clock.now();
        let current: Option<Doc<Window>> = docs::get(p.kv.as_ref(), key.clone()).await?;
        if let Err(retry_after) = policy.check(current.as_ref().map(|d| &d.value), now) {
            return Err(DomainError::RateLimited { retry_after });
        }
        let next = policy.record_failure(current.as_ref().map(|d| d.value), now);
        let expires = Some(policy.forget_at(&next).unix_seconds());
        let result = match current {
            Some(doc) => docs::replace(p.kv.as_ref(), &Doc { value: next, ..doc }, expires).await.map(|_| ()),
            None => docs::create(p.kv.as_ref(), key.clone(), &next, expires).await,
        };
        match result {
            Err(DomainError::Conflict(_)) => {}
            other => return other,
        }
    }
    Err(DomainError::RateLimited { retry_after: CONTENDED_WAIT })
}

/// Takes one event back out of the window at `key`, unless it has since locked or gone.
async fn give_back(p: &Platform, key: Key) -> Result<(), DomainError> {
    for _ in 0..COUNT_TRIES {
        let Some(mut doc) = docs::get::<Window>(p.kv.as_ref(), key.clone()).await? else { return Ok(()) };
        if doc.value.locked_until.is_some() || doc.value.failures == 0 {
            return Ok(());
        }
        doc.value.failures -= 1;
        match docs::replace(p.kv.as_ref(), &doc, Some(PER_ADDRESS.forget_at(&doc.value).unix_seconds())).await {
            Err(DomainError::Conflict(_)) => {}
            other => return other.map(|_| ()),
        }
    }
    // Giving back is a courtesy to honest neighbours; a busy window keeps the count.
    Ok(())
}
