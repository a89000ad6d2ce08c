//! Per-user rate limiting for authenticated requests: `RateLimit-Limit`, `RateLimit-Remaining`
//! and `RateLimit-Reset` on every authenticated answer, 429 with `Retry-After` beyond the limit.
//!
//! The check happens where the caller is identified (the auth extractor, once per request); this
//! middleware gives it a slot to report into and writes the headers on the way out.
//!
//! Two limits apply together: a token bucket in this replica (smooths bursts) and a per-minute
//! window shared by every replica (at most `per_minute + burst` a minute for the user across all
//! of them, reconciled in the background: no store write per request).

use std::{
    num::NonZeroU32,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    extract::Request,
    http::{HeaderMap, HeaderValue},
    middleware::Next,
    response::Response,
};
use governor::{
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    state::keyed::DefaultKeyedStateStore,
    Quota, RateLimiter,
};

use crate::{
    error::ApiError,
    quotas::{replicas::Quotas, windows::SharedWindows},
};

/// The quota state reported for one request.
#[derive(Debug, Clone, Copy)]
pub struct RateInfo {
    /// Requests allowed in a burst.
    pub limit: u32,
    /// Requests left right now.
    pub remaining: u32,
    /// Seconds until the quota is full again.
    pub reset_secs: u64,
}

/// Where the auth extractor reports the caller's quota for this request.
#[derive(Clone, Default)]
pub struct RateSlot(Arc<Mutex<Option<RateInfo>>>);

impl RateSlot {
    /// Records the quota state.
    pub fn set(&self, info: RateInfo) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(info);
    }
}

type Keyed = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// One token bucket per user id, and a shared per-minute window.
pub struct UserRateLimiter {
    limiter: Keyed,
    limit: u32,
    period: Duration,
    minute: Arc<SharedWindows>,
    per_window: i64,
}

impl UserRateLimiter {
    /// `per_minute` sustained, `burst` at once; the shared window is reconciled by `quotas`.
    pub fn new(quotas: &Quotas, per_minute: u32, burst: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_minute(per_minute).allow_burst(burst);
        Self {
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            limit: burst.get(),
            period: quota.replenish_interval(),
            minute: quotas.register(SharedWindows::new("requests", Duration::from_secs(60))),
            per_window: i64::from(per_minute.get()) + i64::from(burst.get()),
        }
    }

    /// Takes one request from `user_id`'s bucket; 429 (with the quota state) when it is empty.
    pub fn check(&self, user_id: &str) -> Result<RateInfo, (ApiError, RateInfo)> {
        match self.limiter.check_key(&user_id.to_owned()) {
            Ok(snapshot) => {
                let now = chrono::Utc::now();
                let Some(used) = self.minute.try_take(user_id, self.per_window, now) else {
                    let info = RateInfo { limit: self.limit, remaining: 0, reset_secs: self.minute.seconds_left(now) };
                    return Err((
                        ApiError::too_many_requests(info.reset_secs, "rate limit exceeded; see Retry-After"),
                        info,
                    ));
                };
                let left_in_window = u32::try_from(self.per_window - used).unwrap_or(u32::MAX);
                let remaining = snapshot.remaining_burst_capacity().min(left_in_window);
                let reset = self.period.saturating_mul(self.limit - remaining);
                Ok(RateInfo { limit: self.limit, remaining, reset_secs: reset.as_secs_f64().ceil() as u64 })
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                let info = RateInfo { limit: self.limit, remaining: 0, reset_secs: wait.as_secs_f64().ceil() as u64 };
                Err((ApiError::too_many_requests(info.reset_secs, "rate limit exceeded; see Retry-After"), info))
            }
        }
    }

    /// Forgets users whose buckets are full again (bounds memory).
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
    }
}

fn write_headers(headers: &mut HeaderMap, info: RateInfo) {
    headers.insert("ratelimit-limit", HeaderValue::from(info.limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(info.remaining));
    headers.insert("ratelimit-reset", HeaderValue::from(info.reset_secs));
}

/// Middleware: gives the request a `RateSlot` and writes the `RateLimit-*` headers it reports.
pub async fn rate_limit_headers(mut request: Request, next: Next) -> Response {
    let slot = RateSlot::default();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    let reported = *slot.0.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(info) = reported {
        write_headers(response.headers_mut(), info);
    }
    response
}
