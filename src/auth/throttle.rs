//! Failed-login throttling per username and per client address (fixed window, bounded memory).

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Most keys tracked at once; beyond this, expired windows are pruned and new keys are
/// counted only after space frees up (the per-address limit still applies).
const MAX_TRACKED_KEYS: usize = 100_000;

#[derive(Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

/// Counts failed logins in fixed windows and says when a key is locked out.
pub struct LoginThrottle {
    windows: Mutex<HashMap<String, Window>>,
    window: Duration,
    max_per_user: u32,
    max_per_ip: u32,
}

impl LoginThrottle {
    /// A throttle allowing `max_per_user` / `max_per_ip` failures per `window`.
    pub fn new(window: Duration, max_per_user: u32, max_per_ip: u32) -> Self {
        Self { windows: Mutex::new(HashMap::new()), window, max_per_user, max_per_ip }
    }

    fn keys(username: &str, ip: Option<&str>) -> [(String, bool); 2] {
        [(format!("u:{}", username.to_ascii_lowercase()), true), (format!("ip:{}", ip.unwrap_or("unknown")), false)]
    }

    /// Seconds until the caller may try again, or `None` when attempts are allowed.
    pub fn locked_for(&self, username: &str, ip: Option<&str>) -> Option<u64> {
        let windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        Self::keys(username, ip)
            .iter()
            .filter_map(|(key, is_user)| {
                let w = windows.get(key)?;
                let max = if *is_user { self.max_per_user } else { self.max_per_ip };
                let elapsed = now.duration_since(w.started);
                (elapsed < self.window && w.failures >= max).then(|| (self.window - elapsed).as_secs().max(1))
            })
            .max()
    }

    /// Records a failed attempt for both the username and the address.
    pub fn record_failure(&self, username: &str, ip: Option<&str>) {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if windows.len() >= MAX_TRACKED_KEYS {
            windows.retain(|_, w| now.duration_since(w.started) < self.window);
        }
        for (key, _) in Self::keys(username, ip) {
            if windows.len() >= MAX_TRACKED_KEYS && !windows.contains_key(&key) {
                continue;
            }
            let w = windows.entry(key).or_insert(Window { started: now, failures: 0 });
            if now.duration_since(w.started) >= self.window {
                *w = Window { started: now, failures: 0 };
            }
            w.failures += 1;
        }
    }

    /// Forgets the username's failures after a successful login.
    pub fn record_success(&self, username: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        windows.remove(&format!("u:{}", username.to_ascii_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_username_after_max_failures_and_success_unlocks() {
        let t = LoginThrottle::new(Duration::from_secs(60), 3, 100);
        for _ in 0..3 {
            assert_eq!(t.locked_for("Alice", Some("1.2.3.4")), None);
            t.record_failure("alice", Some("1.2.3.4"));
        }
        let wait = t.locked_for("ALICE", Some("5.6.7.8")).expect("locked by username");
        assert!((1..=60).contains(&wait));
        assert_eq!(t.locked_for("bob", Some("1.2.3.4")), None);
        t.record_success("alice");
        assert_eq!(t.locked_for("alice", Some("1.2.3.4")), None);
    }

    #[test]
    fn locks_address_across_usernames() {
        let t = LoginThrottle::new(Duration::from_secs(60), 100, 2);
        t.record_failure("a", Some("9.9.9.9"));
        t.record_failure("b", Some("9.9.9.9"));
        assert!(t.locked_for("c", Some("9.9.9.9")).is_some());
        assert!(t.locked_for("c", Some("8.8.8.8")).is_none());
    }
}
