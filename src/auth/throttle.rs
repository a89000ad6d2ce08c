//! Failed-login throttling per normalised username and per client address (fixed windows,
//! shared by all replicas through the store), and the sign-up throttle per address.
//!
//! An attempt is counted *before* the password is checked and given back if it succeeds, so
//! parallel guesses cannot all pass a check that has not counted them yet. With replicas the
//! count is one atomic increment in the store per attempt (exact: a login costs an argon2id hash,
//! next to which the round trip is cheap); a cached Basic credential only checks the lockout
//! this replica already knows of, with no store write. The username and the
//! address are separate keys: failures from one shared address lock that address, not every
//! account; failures against one account lock that account from anywhere.

use std::{sync::Arc, time::Duration};

use chrono::Utc;

use crate::{
    error::ApiError,
    quotas::{replicas::Quotas, store::CounterStore, windows::SharedWindows},
};

/// Failed-login counts by username and by address.
pub struct LoginThrottle {
    users: Arc<SharedWindows>,
    addresses: Arc<SharedWindows>,
    max_per_user: i64,
    max_per_ip: i64,
    /// The store counting for every replica; `None` when this process is alone.
    shared: Option<Arc<dyn CounterStore>>,
}

/// An attempt counted as a failure until [`LoginThrottle::succeeded`] says otherwise.
#[must_use = "report a successful attempt with LoginThrottle::succeeded"]
pub struct Attempt {
    user: String,
    address: String,
}

fn user_key(username: &str) -> String {
    username.trim().to_lowercase()
}

fn address_key(ip: Option<&str>) -> String {
    ip.unwrap_or("unknown").to_owned()
}

impl LoginThrottle {
    /// A throttle allowing `max_per_user` / `max_per_ip` failures per `window`; with replicas
    /// (`quotas.shared()`), counted in `store`.
    pub fn new(
        quotas: &Quotas,
        store: Arc<dyn CounterStore>,
        window: Duration,
        max_per_user: u32,
        max_per_ip: u32,
    ) -> Self {
        Self {
            users: quotas.register(SharedWindows::new("login-user", window)),
            addresses: quotas.register(SharedWindows::new("login-ip", window)),
            max_per_user: i64::from(max_per_user),
            max_per_ip: i64::from(max_per_ip),
            shared: quotas.shared().then_some(store),
        }
    }

    fn locked(&self, windows: &SharedWindows, now: chrono::DateTime<Utc>) -> ApiError {
        ApiError::too_many_requests(windows.seconds_left(now), "too many failed logins; try again later")
    }

    /// Counts an attempt for the username and the address; 429 (with how long to wait) when
    /// either is locked out, a correct password included.
    pub async fn begin(&self, username: &str, ip: Option<&str>) -> Result<Attempt, ApiError> {
        let now = Utc::now();
        let (user, address) = (user_key(username), address_key(ip));
        let Some(store) = &self.shared else {
            if self.users.try_take(&user, self.max_per_user, now).is_none() {
                return Err(self.locked(&self.users, now));
            }
            if self.addresses.try_take(&address, self.max_per_ip, now).is_none() {
                self.users.add(&user, -1, now);
                return Err(self.locked(&self.addresses, now));
            }
            return Ok(Attempt { user, address });
        };
        self.known_lockout(username, ip)?;
        if self.users.try_take_shared(&**store, &user, self.max_per_user, now).await?.is_none() {
            return Err(self.locked(&self.users, now));
        }
        if self.addresses.try_take_shared(&**store, &address, self.max_per_ip, now).await?.is_none() {
            self.users.add_shared(&**store, &user, -1, now).await?;
            return Err(self.locked(&self.addresses, now));
        }
        Ok(Attempt { user, address })
    }

    /// 429 when this replica already knows the username or the address is locked out (no I/O:
    /// for credentials verified earlier and cached).
    pub fn known_lockout(&self, username: &str, ip: Option<&str>) -> Result<(), ApiError> {
        let now = Utc::now();
        if self.users.count(&user_key(username), now) >= self.max_per_user {
            return Err(self.locked(&self.users, now));
        }
        if self.addresses.count(&address_key(ip), now) >= self.max_per_ip {
            return Err(self.locked(&self.addresses, now));
        }
        Ok(())
    }

    /// The attempt was never checked (the service was too busy): both keys get it back.
    pub async fn abandon(&self, attempt: Attempt) {
        let now = Utc::now();
        let Some(store) = &self.shared else {
            self.addresses.add(&attempt.address, -1, now);
            self.users.add(&attempt.user, -1, now);
            return;
        };
        let given_back = async {
            self.addresses.add_shared(&**store, &attempt.address, -1, now).await?;
            self.users.add_shared(&**store, &attempt.user, -1, now).await
        };
        if let Err(e) = given_back.await {
            tracing::warn!(error = %e, "an unchecked login was not given back to the throttle");
        }
    }

    /// The attempt succeeded: the address gets it back and the username's failures are forgotten.
    pub async fn succeeded(&self, attempt: Attempt) {
        let now = Utc::now();
        let Some(store) = &self.shared else {
            self.addresses.add(&attempt.address, -1, now);
            self.users.clear(&attempt.user, now);
            return;
        };
        let known = self.users.count(&attempt.user, now);
        let given_back = async {
            self.addresses.add_shared(&**store, &attempt.address, -1, now).await?;
            self.users.add_shared(&**store, &attempt.user, -known, now).await
        };
        if let Err(e) = given_back.await {
            tracing::warn!(error = %e, "a successful login was not given back to the throttle");
        }
    }
}

/// Sign-ups per client address per hour.
pub struct SignupThrottle {
    addresses: Arc<SharedWindows>,
    max_per_hour: i64,
    shared: Option<Arc<dyn CounterStore>>,
}

impl SignupThrottle {
    /// At most `max_per_hour` accounts per address per hour; with replicas, counted in `store`.
    pub fn new(quotas: &Quotas, store: Arc<dyn CounterStore>, max_per_hour: u32) -> Self {
        Self {
            addresses: quotas.register(SharedWindows::new("signup-ip", Duration::from_secs(3600))),
            max_per_hour: i64::from(max_per_hour),
            shared: quotas.shared().then_some(store),
        }
    }

    /// Counts one sign-up from `ip`; 429 (with how long to wait) beyond the limit.
    pub async fn take(&self, ip: Option<&str>) -> Result<(), ApiError> {
        let now = Utc::now();
        let key = address_key(ip);
        let taken = match &self.shared {
            Some(store) => self.addresses.try_take_shared(&**store, &key, self.max_per_hour, now).await?,
            None => self.addresses.try_take(&key, self.max_per_hour, now),
        };
        taken.map(|_| ()).ok_or_else(|| {
            ApiError::too_many_requests(
                self.addresses.seconds_left(now),
                "too many sign-ups from this address; try again later",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotas() -> Quotas {
        Quotas::new(false, Duration::from_secs(1), crate::metrics::Metrics::new())
    }

    fn store() -> Arc<dyn CounterStore> {
        let dir = tempfile::tempdir().unwrap();
        Arc::new(crate::storage::embedded::EmbeddedStore::open(dir.path()).unwrap())
    }

    #[tokio::test]
    async fn locks_username_after_max_failures_and_success_unlocks() {
        let t = LoginThrottle::new(&quotas(), store(), Duration::from_secs(60), 3, 100);
        for _ in 0..3 {
            let _failed = t.begin("Alice", Some("1.2.3.4")).await.expect("allowed");
        }
        let locked = t.begin("ALICE ", Some("5.6.7.8")).await.err().expect("locked by username");
        assert_eq!(locked.status, 429);
        assert!(t.begin("bob", Some("1.2.3.4")).await.is_ok());
        let t = LoginThrottle::new(&quotas(), store(), Duration::from_secs(60), 3, 100);
        let _failed = t.begin("alice", None).await.unwrap();
        t.succeeded(t.begin("alice", None).await.unwrap()).await;
        for _ in 0..3 {
            let _failed = t.begin("alice", None).await.expect("failures were forgotten after the success");
        }
    }

    #[tokio::test]
    async fn locks_address_across_usernames_and_counts_before_checking() {
        let t = LoginThrottle::new(&quotas(), store(), Duration::from_secs(60), 100, 2);
        let mut in_flight = Vec::new();
        for i in 0..5 {
            if let Ok(attempt) = t.begin(&format!("u{i}"), Some("9.9.9.9")).await {
                in_flight.push(attempt);
            }
        }
        assert_eq!(in_flight.len(), 2, "parallel guesses are counted as they start");
        assert!(t.begin("c", Some("8.8.8.8")).await.is_ok());
    }

    #[tokio::test]
    async fn signups_stop_at_the_hourly_limit_per_address() {
        let t = SignupThrottle::new(&quotas(), store(), 2);
        assert!(t.take(Some("1.1.1.1")).await.is_ok() && t.take(Some("1.1.1.1")).await.is_ok());
        assert_eq!(t.take(Some("1.1.1.1")).await.err().map(|e| e.status.as_u16()), Some(429));
        assert!(t.take(Some("2.2.2.2")).await.is_ok());
    }
}
