//! Sign-in throttling: how many failures a window allows, and how long a lockout lasts.
//!
//! The application keeps one window per account and one per client address in the key-value store
//! (with a TTL) and asks these rules before and after each attempt. Unknown accounts are throttled
//! exactly like known ones, so the answer never tells whether an account exists.

use std::time::Duration;

use crate::time::Timestamp;

/// A limit: `max_failures` within `window`, then locked for `lockout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub max_failures: u32,
    pub window: Duration,
    pub lockout: Duration,
}

/// Per account: five wrong passwords in a quarter of an hour lock it for a quarter of an hour.
pub const PER_ACCOUNT: Policy =
    Policy { max_failures: 5, window: Duration::from_mins(15), lockout: Duration::from_mins(15) };

/// Per client address: generous for a shared church network, still fatal to password spraying.
pub const PER_ADDRESS: Policy =
    Policy { max_failures: 50, window: Duration::from_mins(15), lockout: Duration::from_mins(15) };

/// Password-reset requests per email address: three an hour. Further requests are accepted and
/// dropped, known address or not, so nobody can flood an inbox and the answer still says nothing.
pub const RESET_REQUESTS: Policy =
    Policy { max_failures: 3, window: Duration::from_hours(1), lockout: Duration::from_hours(1) };

/// The failures counted so far in the current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Window {
    pub started: Timestamp,
    pub failures: u32,
    pub locked_until: Option<Timestamp>,
}

impl Policy {
    /// `Err(retry_after)` while locked.
    pub fn check(&self, window: Option<&Window>, now: Timestamp) -> Result<(), Duration> {
        match window.and_then(|w| w.locked_until) {
            Some(until) if until > now => Err(until.since(now).max(Duration::from_secs(1))),
            _ => Ok(()),
        }
    }

    /// The window after one more failure; it locks when the failures reach the limit.
    pub fn record_failure(&self, window: Option<Window>, now: Timestamp) -> Window {
        let current = window.filter(|w| now < w.started.plus(self.window) && w.locked_until.is_none_or(|u| u > now));
        let mut next = current.unwrap_or(Window { started: now, failures: 0, locked_until: None });
        next.failures += 1;
        if next.failures >= self.max_failures {
            next.locked_until = Some(now.plus(self.lockout));
        }
        next
    }

    /// When a stored window can be forgotten (its TTL).
    pub fn forget_at(&self, window: &Window) -> Timestamp {
        let end = window.started.plus(self.window);
        window.locked_until.map_or(end, |until| until.max(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_failure_locks_and_the_lock_ends() {
        let t0 = Timestamp::from_unix_seconds(1_000);
        let mut window = None;
        for i in 0..5 {
            assert!(PER_ACCOUNT.check(window.as_ref(), t0).is_ok(), "attempt {i} allowed");
            window = Some(PER_ACCOUNT.record_failure(window, t0));
        }
        let retry = PER_ACCOUNT.check(window.as_ref(), t0.plus(Duration::from_mins(1))).unwrap_err();
        assert_eq!(retry, Duration::from_mins(14));
        assert!(PER_ACCOUNT.check(window.as_ref(), t0.plus(PER_ACCOUNT.lockout)).is_ok());
    }

    #[test]
    fn failures_spread_beyond_the_window_never_lock() {
        let mut now = Timestamp::from_unix_seconds(0);
        let mut window = None;
        for _ in 0..20 {
            window = Some(PER_ACCOUNT.record_failure(window, now));
            assert!(PER_ACCOUNT.check(window.as_ref(), now).is_ok());
            now = now.plus(Duration::from_mins(4));
            if window.is_some_and(|w| w.failures >= 4) {
                now = now.plus(PER_ACCOUNT.window);
            }
        }
    }
}
