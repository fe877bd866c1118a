//! The time the core is given: a monotonic clock for real use, a manual one for tests.

use persistent_auth::Instant;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where [`Instant`]s come from.
pub trait Clock: Send + Sync + 'static {
    /// The time now.
    fn now(&self) -> Instant;
}

/// Milliseconds since the clock was made, from the monotonic system clock.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    start: std::time::Instant,
}

impl SystemClock {
    /// A clock starting at 0 now.
    #[must_use]
    pub fn new() -> Self {
        Self { start: std::time::Instant::now() }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant(u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX))
    }
}

/// A clock that moves only when told to: session expiry in tests without sleeping.
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    millis: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock at 0.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock `minutes` on, for every holder of a clone.
    pub fn advance_minutes(&self, minutes: u64) {
        self.millis.fetch_add(minutes * 60_000, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        Instant(self.millis.load(Ordering::SeqCst))
    }
}
