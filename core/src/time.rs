//! Time as the caller tells it.
//!
//! The core never reads a clock: every call that needs the time takes an [`Instant`]. That keeps the
//! state machines deterministic, lets tests run hours of session life without sleeping, and lets
//! firmware use whatever tick counter it has.

use core::fmt;

/// A point in time: milliseconds since an epoch of the caller's choosing.
///
/// Only differences between instants matter to the core, so any monotonic millisecond counter works
/// (a tokio `Instant` relative to start-up, a hardware tick counter, Unix time). Arithmetic saturates:
/// a session that would expire after `u64::MAX` milliseconds simply never expires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(pub u64);

impl Instant {
    /// The instant `millis` milliseconds after the epoch.
    #[must_use]
    pub const fn from_millis(millis: u64) -> Self {
        Self(millis)
    }

    /// The instant `secs` seconds after the epoch (saturating).
    #[must_use]
    pub const fn from_secs(secs: u64) -> Self {
        Self(secs.saturating_mul(1000))
    }

    /// Milliseconds since the epoch.
    #[must_use]
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// This instant moved `millis` milliseconds later, saturating at the end of time.
    #[must_use]
    pub const fn saturating_add_millis(self, millis: u64) -> Self {
        Self(self.0.saturating_add(millis))
    }

    /// This instant moved `secs` seconds later, saturating at the end of time.
    #[must_use]
    pub const fn saturating_add_secs(self, secs: u64) -> Self {
        self.saturating_add_millis(secs.saturating_mul(1000))
    }

    /// Milliseconds from `earlier` to `self`, or zero when `earlier` is later.
    #[must_use]
    pub const fn saturating_millis_since(self, earlier: Instant) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_overflowing() {
        assert_eq!(Instant(u64::MAX - 1).saturating_add_millis(5), Instant(u64::MAX));
        assert_eq!(Instant::from_secs(u64::MAX), Instant(u64::MAX));
        assert_eq!(Instant(5).saturating_millis_since(Instant(9)), 0);
        assert_eq!(Instant(9).saturating_millis_since(Instant(5)), 4);
        assert_eq!(Instant(1).saturating_add_secs(2), Instant(2001));
    }
}
