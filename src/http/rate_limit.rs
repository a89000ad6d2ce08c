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
    extract::{Request, State},
    http::{HeaderMap, HeaderValue},
    middleware::Next,
    response::IntoResponse,
    response::Response,
};
use governor::{
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    state::keyed::DefaultKeyedStateStore,
    Quota, RateLimiter,
};

use crate::{
    auth::extractor::client_address,
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
    message: &'static str,
}

impl UserRateLimiter {
    /// `per_minute` sustained, `burst` at once; the shared window is reconciled by `quotas`.
    pub fn new(quotas: &Quotas, per_minute: u32, burst: u32) -> Self {
        Self::new_named(quotas, "requests", per_minute, burst)
    }

    fn new_named(quotas: &Quotas, name: &'static str, per_minute: u32, burst: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_minute(per_minute).allow_burst(burst);
        Self {
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            limit: burst.get(),
            period: quota.replenish_interval(),
            minute: quotas.register(SharedWindows::new(name, Duration::from_secs(60))),
            per_window: i64::from(per_minute.get()) + i64::from(burst.get()),
            message: "rate limit exceeded; see Retry-After",
        }
    }

    /// Takes one request from `user_id`'s bucket; 429 (with the quota state) when it is empty.
    pub fn check(&self, user_id: &str) -> Result<RateInfo, (ApiError, RateInfo)> {
        match self.limiter.check_key(&user_id.to_owned()) {
            Ok(snapshot) => {
                let now = chrono::Utc::now();
                let Some(used) = self.minute.try_take(user_id, self.per_window, now) else {
                    let info = RateInfo { limit: self.limit, remaining: 0, reset_secs: self.minute.seconds_left(now) };
                    return Err((ApiError::too_many_requests(info.reset_secs, self.message), info));
                };
                let left_in_window = u32::try_from(self.per_window - used).unwrap_or(u32::MAX);
                let remaining = snapshot.remaining_burst_capacity().min(left_in_window);
                let reset = self.period.saturating_mul(self.limit - remaining);
                Ok(RateInfo { limit: self.limit, remaining, reset_secs: reset.as_secs_f64().ceil() as u64 })
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                let info = RateInfo { limit: self.limit, remaining: 0, reset_secs: wait.as_secs_f64().ceil() as u64 };
                Err((ApiError::too_many_requests(info.reset_secs, self.message), info))
            }
        }
    }

    /// Forgets users whose buckets are full again (bounds memory).
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
    }
}

/// The same two limits for requests without credentials, per client address.
pub struct AnonymousRateLimiter(UserRateLimiter);

impl AnonymousRateLimiter {
    /// `per_minute` sustained, `burst` at once, per client address.
    pub fn new(quotas: &Quotas, per_minute: u32, burst: u32) -> Self {
        let mut inner = UserRateLimiter::new_named(quotas, "anonymous", per_minute, burst);
        inner.message = "too many requests from this address without signing in; see Retry-After";
        Self(inner)
    }

    /// Takes one request from `address`'s bucket; 429 (with the quota state) when it is empty.
    pub fn check(&self, address: &str) -> Result<RateInfo, (ApiError, RateInfo)> {
        self.0.check(address)
    }

    /// Forgets addresses whose buckets are full again (bounds memory).
    pub fn forget_idle(&self) {
        self.0.forget_idle();
    }
}

/// Requests that are never limited: probes, the share page's stylesheet and the web app's
/// compiled-in assets (cached for a year by the browser, so asked for once).
fn exempt(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/static/share.css" | "/favicon.ico") || path.starts_with("/assets/")
}

/// Whether a request carries credentials its route checks (and so meets the per-user limit):
/// an `Authorization` header, or the web app's session cookie on a page that reads it (the
/// sign-in and sign-up forms take passwords, so they stay limited per address).
fn carries_credentials(headers: &HeaderMap, path: &str) -> bool {
    headers.contains_key(axum::http::header::AUTHORIZATION)
        || (path.starts_with("/app")
            && !matches!(path, "/app/sign-in" | "/app/sign-up")
            && super::session_cookie::token_of(headers).is_some())
}

/// Requests whose routes never look at credentials (share links and pages, public listings, the
/// API document, sign-up): an `Authorization` header there authenticates nothing, so it cannot
/// buy a way around the per-address limit.
fn never_authenticates(method: &axum::http::Method, path: &str) -> bool {
    let read = method == axum::http::Method::GET || method == axum::http::Method::HEAD;
    (read
        && (path.starts_with("/s/")
            || path.starts_with("/p/")
            || path.starts_with("/static/")
            || path == "/openapi.json"
            || path == "/v1/playlists/public"
            || (path.starts_with("/v1/shared/") && !path.ends_with("/join"))))
        || (method == axum::http::Method::POST && path == "/v1/users")
}

/// What the anonymous-request limit needs: its limiter and the proxies whose `X-Forwarded-For`
/// is believed.
#[derive(Clone)]
pub struct AnonymousLimits {
    /// Per-address request quota for requests without credentials.
    pub limiter: Arc<AnonymousRateLimiter>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<Vec<ipnet::IpNet>>,
}

/// Middleware: limits requests per client address unless they carry credentials to a route that
/// checks them (there the per-user limit applies), gives every request a `RateSlot` and writes
/// the `RateLimit-*` headers reported into it.
pub async fn limit_and_report(State(limits): State<AnonymousLimits>, mut request: Request, next: Next) -> Response {
    let slot = RateSlot::default();
    let (method, path) = (request.method(), request.uri().path());
    let anonymous = !carries_credentials(request.headers(), path) || never_authenticates(method, path);
    if anonymous && !exempt(path) {
        let peer = request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        let forwarded: Vec<&str> =
            request.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        let address = client_address(peer, forwarded.into_iter(), &limits.trusted_proxies)
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        match limits.limiter.check(&address) {
            Ok(info) => slot.set(info),
            Err((error, info)) => {
                let mut response = error.into_response();
                write_headers(response.headers_mut(), info);
                return response;
            }
        }
    }
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    let reported = *slot.0.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(info) = reported {
        write_headers(response.headers_mut(), info);
    }
    response
}

fn write_headers(headers: &mut HeaderMap, info: RateInfo) {
    headers.insert("ratelimit-limit", HeaderValue::from(info.limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(info.remaining));
    headers.insert("ratelimit-reset", HeaderValue::from(info.reset_secs));
}
