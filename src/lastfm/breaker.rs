//! A circuit breaker: after N consecutive upstream failures, calls stop for a cool-down; then one
//! probe is let through, and its outcome closes or re-opens the circuit.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen { probe_since: Instant },
}

/// Consecutive-failure circuit breaker.
pub struct CircuitBreaker {
    state: Mutex<State>,
    threshold: u32,
    cooldown: Duration,
}

impl CircuitBreaker {
    /// Opens after `threshold` consecutive failures, for `cooldown`.
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Self { state: Mutex::new(State::Closed { failures: 0 }), threshold: threshold.max(1), cooldown }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// May a call go out now? In the half-open state only one probe at a time may
    /// (a probe that never reports back is replaced after another cool-down).
    pub fn allow(&self) -> bool {
        let mut state = self.lock();
        let now = Instant::now();
        match *state {
            State::Closed { .. } => true,
            State::Open { until } if now >= until => {
                *state = State::HalfOpen { probe_since: now };
                true
            }
            State::HalfOpen { probe_since } if now.duration_since(probe_since) >= self.cooldown => {
                *state = State::HalfOpen { probe_since: now };
                true
            }
            State::Open { .. } | State::HalfOpen { .. } => false,
        }
    }

    /// Records a healthy answer: the circuit closes.
    pub fn on_success(&self) {
        *self.lock() = State::Closed { failures: 0 };
    }

    /// Records an upstream failure: may open the circuit.
    pub fn on_failure(&self) {
        let mut state = self.lock();
        let open = State::Open { until: Instant::now() + self.cooldown };
        *state = match *state {
            State::Closed { failures } if failures + 1 >= self.threshold => open,
            State::Closed { failures } => State::Closed { failures: failures + 1 },
            State::HalfOpen { .. } | State::Open { .. } => open,
        };
    }

    /// True while calls are being refused.
    pub fn is_open(&self) -> bool {
        matches!(*self.lock(), State::Open { until } if Instant::now() < until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_consecutive_failures_and_a_probe_closes_it() {
        let b = CircuitBreaker::new(3, Duration::ZERO);
        b.on_failure();
        b.on_failure();
        b.on_success();
        b.on_failure();
        b.on_failure();
        assert!(b.allow(), "successes reset the count");
        b.on_failure();
        // Zero cool-down: the next call is the probe; a second concurrent one is refused.
        assert!(b.allow());
        assert!(b.allow(), "zero cool-down replaces a stuck probe at once");
        b.on_success();
        assert!(b.allow() && b.allow());
    }

    #[test]
    fn open_circuit_refuses_until_the_cooldown_passes() {
        let b = CircuitBreaker::new(1, Duration::from_secs(3600));
        b.on_failure();
        assert!(b.is_open());
        assert!(!b.allow());
    }
}
