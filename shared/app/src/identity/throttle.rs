//! Sign-in throttling windows in the store, per account and per client address.

use emmaus_domain::DomainError;
use emmaus_domain::throttle::{PER_ACCOUNT, PER_ADDRESS, Policy, Window};
use emmaus_ports::Key;

use super::secrets::digest;
use crate::Platform;
use crate::docs::{self, Doc};

fn account_key(email: &str) -> Key {
    // Hashed, so the store holds no list of addresses people tried.
    Key::new(format!("throttle#account#{}", digest(email)), "window")
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
        for _ in 0..5 {
            let now = p.clock.now();
            let current: Option<Doc<Window>> = docs::get(p.kv.as_ref(), key.clone()).await?;
            let next = policy.record_failure(current.as_ref().map(|d| d.value), now);
            let expires = Some(policy.forget_at(&next).unix_seconds());
            let result = match current {
                Some(doc) => docs::replace(p.kv.as_ref(), &Doc { value: next, ..doc }, expires).await.map(|_| ()),
                None => docs::create(p.kv.as_ref(), key.clone(), &next, expires).await,
            };
            match result {
                Err(DomainError::Conflict(_)) => {}
                other => {
                    other?;
                    break;
                }
            }
        }
    }
    Ok(())
}

/// Forgets the account's failures after a successful sign-in (the address window stays).
pub async fn succeeded(p: &Platform, email: &str) -> Result<(), DomainError> {
    if let Some(doc) = docs::get::<Window>(p.kv.as_ref(), account_key(email)).await? {
        // A concurrent change only means another attempt counted; nothing to undo.
        let _ = p.kv.delete_if_version(doc.key, doc.version).await;
    }
    Ok(())
}
