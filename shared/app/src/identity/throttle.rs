//! Throttling windows in the store: sign-in failures per account and per client address, and
//! password-reset requests per email address (which also count against the client address).

use emmaus_domain::DomainError;
use emmaus_domain::throttle::{PER_ACCOUNT, PER_ADDRESS, Policy, RESET_REQUESTS, Window};
use emmaus_ports::Key;

use super::secrets::digest;
use crate::Platform;
use crate::docs::{self, Doc};

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

fn limits(email: &str, address: Option<&str>) -> Vec<(Policy, Key)> {
    let mut out = vec![(PER_ACCOUNT, account_key(email))];
    if let Some(address) = address {
        out.push((PER_ADDRESS, address_key(address)));
    }
    out
}

/// `RateLimited` with the longest wait when either window is locked.
pub async fn check(p: &Platform, email: &str, address: Option<&str>) -> Result<(), DomainError> {
    let now = p.clock.now();
    let mut wait = None;
    for (policy, key) in limits(email, address) {
        let window: Option<Doc<Window>> = docs::get(p.kv.as_ref(), key).await?;
        if let Err(retry) = policy.check(window.as_ref().map(|w| &w.value), now) {
            wait = Some(wait.map_or(retry, |w: std::time::Duration| w.max(retry)));
        }
    }
    wait.map_or(Ok(()), |retry_after| Err(DomainError::RateLimited { retry_after }))
}

/// Counts a failed attempt against both windows.
pub async fn failed(p: &Platform, email: &str, address: Option<&str>) -> Result<(), DomainError> {
    for (policy, key) in limits(email, address) {
        count(p, policy, key).await?;
    }
    Ok(())
}

/// Counts a password-reset request: `RateLimited` when the client address is locked; otherwise
/// whether the email address still has allowance for a message this hour. The same reads and
/// writes happen for every address, known or not.
pub async fn reset_requested(p: &Platform, email: &str, address: Option<&str>) -> Result<bool, DomainError> {
    let now = p.clock.now();
    if let Some(address) = address {
        let window: Option<Doc<Window>> = docs::get(p.kv.as_ref(), address_key(address)).await?;
        if let Err(retry_after) = PER_ADDRESS.check(window.as_ref().map(|w| &w.value), now) {
            return Err(DomainError::RateLimited { retry_after });
        }
        count(p, PER_ADDRESS, address_key(address)).await?;
    }
    let before = count(p, RESET_REQUESTS, reset_key(email)).await?;
    Ok(RESET_REQUESTS.check(before.as_ref(), now).is_ok())
}

/// Adds one event to the window at `key`, retrying when a concurrent writer got there first;
/// returns the window as it was before.
async fn count(p: &Platform, policy: Policy, key: Key) -> Result<Option<Window>, DomainError> {
    let mut last = Err(DomainError::Conflict("the throttling window kept changing".into()));
    for _ in 0..5 {
        let now = p.clock.now();
        let current: Option<Doc<Window>> = docs::get(p.kv.as_ref(), key.clone()).await?;
        let before = current.as_ref().map(|d| d.value);
        let next = policy.record_failure(before, now);
        let expires = Some(policy.forget_at(&next).unix_seconds());
        let result = match current {
            Some(doc) => docs::replace(p.kv.as_ref(), &Doc { value: next, ..doc }, expires).await.map(|_| ()),
            None => docs::create(p.kv.as_ref(), key.clone(), &next, expires).await,
        };
        match result {
            Err(DomainError::Conflict(message)) => last = Err(DomainError::Conflict(message)),
            other => return other.map(|()| before),
        }
    }
    last
}

/// Forgets the account's failures after a successful sign-in (the address window stays).
pub async fn succeeded(p: &Platform, email: &str) -> Result<(), DomainError> {
    if let Some(doc) = docs::get::<Window>(p.kv.as_ref(), account_key(email)).await? {
        // A concurrent change only means another attempt counted; nothing to undo.
        let _ = p.kv.delete_if_version(doc.key, doc.version).await;
    }
    Ok(())
}
