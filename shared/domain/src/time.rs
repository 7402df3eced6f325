//! A point in time as the domain sees it: milliseconds since the Unix epoch, in UTC.
//!
//! The domain never reads a clock; a `Timestamp` arrives from the clock port.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_unix_millis(millis: i64) -> Self {
        Self(millis)
    }

    pub const fn from_unix_seconds(seconds: i64) -> Self {
        Self(seconds * 1000)
    }

    pub const fn unix_millis(self) -> i64 {
        self.0
    }

    /// Whole seconds, rounded down (the unit of DynamoDB TTL and signed URLs).
    pub const fn unix_seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }

    #[must_use]
    pub fn plus(self, duration: Duration) -> Self {
        Self(self.0.saturating_add(i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)))
    }

    /// Time from `earlier` to `self`, zero when `earlier` is later.
    pub fn since(self, earlier: Self) -> Duration {
        Duration::from_millis(u64::try_from(self.0 - earlier.0).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_down_even_before_the_epoch() {
        assert_eq!(Timestamp::from_unix_millis(1_999).unix_seconds(), 1);
        assert_eq!(Timestamp::from_unix_millis(-1).unix_seconds(), -1);
    }

    #[test]
    fn arithmetic_saturates_and_clamps() {
        let t = Timestamp::from_unix_seconds(10);
        assert_eq!(t.plus(Duration::from_secs(5)), Timestamp::from_unix_seconds(15));
        assert_eq!(t.since(Timestamp::from_unix_seconds(12)), Duration::ZERO);
        assert_eq!(Timestamp::from_unix_millis(i64::MAX - 1).plus(Duration::from_secs(9)).unix_millis(), i64::MAX);
    }
}
