//! When Last.fm stopped answering: set when the circuit breaker opens, cleared by the next healthy
//! answer. Each outage is logged once at WARN when it starts and once when it ends, however many
//! lookups fail in between.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

/// The start of the current outage, if any (milliseconds since the epoch; 0: none).
#[derive(Debug, Default)]
pub struct OutageClock {
    since_ms: AtomicI64,
}

impl OutageClock {
    /// When the current outage began; `None` while Last.fm answers.
    pub fn since(&self) -> Option<DateTime<Utc>> {
        match self.since_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => DateTime::from_timestamp_millis(ms),
        }
    }

    /// Last.fm stopped answering (the breaker opened) after `error`: starts the outage, unless one
    /// is already running.
    pub fn begin(&self, error: &dyn std::fmt::Display) {
        let now = Utc::now().timestamp_millis().max(1);
        if self.since_ms.compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
            tracing::warn!(
                %error,
                "Last.fm is not answering: new items stay pending and are retried in the background \
                 (items and GET /v1/status say since when)"
            );
        }
    }

    /// Last.fm answered: ends the outage, if one was running.
    pub fn end(&self) {
        let began = self.since_ms.swap(0, Ordering::Relaxed);
        if began != 0 {
            let lasted_secs = (Utc::now().timestamp_millis() - began).max(0) / 1000;
            tracing::warn!(lasted_secs, "Last.fm answers again: pending items are being looked up");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_starts_once_and_ends_with_the_next_answer() {
        let clock = OutageClock::default();
        assert_eq!(clock.since(), None);
        clock.begin(&"timeout");
        let since = clock.since().expect("started");
        clock.begin(&"timeout again");
        assert_eq!(clock.since(), Some(since), "a second failure does not move the start");
        clock.end();
        assert_eq!(clock.since(), None);
    }
}
