//! The HTTP discipline every connector shares: one rate limiter per platform and process, a
//! circuit breaker, retries of transient failures with full-jitter back-off, and `Retry-After`
//! honoured (within a bound) on 429.

use std::{
    num::NonZeroU32,
    sync::{Arc, OnceLock, RwLock},
    time::Duration,
};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use rand::Rng;
use reqwest::{header, Method, StatusCode};

use super::{Platform, PlatformError};
use crate::lastfm::breaker::CircuitBreaker;

/// Longest `Retry-After` waited for inside one request; longer ones become a quota error.
const MAX_WAIT: Duration = Duration::from_secs(10);
/// Attempts per call.
const ATTEMPTS: u32 = 4;
/// Back-off base.
const BASE: Duration = Duration::from_millis(200);

/// One HTTP client for every platform, built on first use: a service that never imports by link
/// pays nothing for it at startup or in memory.
pub(crate) fn shared_client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        crate::tls::install_crypto_provider();
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .user_agent(concat!("sharify/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default()
    })
}

/// An answer: status and body.
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// Body bytes.
    pub body: bytes::Bytes,
}

/// A platform's HTTP client.
pub struct PlatformHttp {
    platform: Platform,
    timeout: Duration,
    requests: u32,
    per: Duration,
    limiter: RwLock<Arc<DefaultDirectRateLimiter>>,
    breaker: CircuitBreaker,
}

/// A limiter letting at most `requests` into any window of length `per`: half as a burst, half
/// spread over the period (a full burst plus a full period's refill would be twice that).
fn limiter(requests: u32, per: Duration) -> anyhow::Result<DefaultDirectRateLimiter> {
    let half = NonZeroU32::new((requests / 2).max(1)).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::with_period(per / half.get()).ok_or_else(|| anyhow::anyhow!("bad rate"))?.allow_burst(half);
    Ok(RateLimiter::direct(quota))
}

/// What one attempt came to.
enum Attempt {
    Done(Answer),
    Retry(Duration),
    Fail(PlatformError),
}

impl PlatformHttp {
    /// At most `requests` in any `per` from this process.
    pub fn new(platform: Platform, requests: u32, per: Duration, timeout: Duration) -> anyhow::Result<Self> {
        Ok(Self {
            platform,
            timeout,
            requests,
            per,
            limiter: RwLock::new(Arc::new(limiter(requests, per)?)),
            breaker: CircuitBreaker::new(5, Duration::from_secs(30)),
        })
    }

    fn retry_after(response: &reqwest::Response) -> Option<Duration> {
        let value = response.headers().get(header::RETRY_AFTER)?.to_str().ok()?;
        value.trim().parse::<u64>().ok().map(Duration::from_secs)
    }

    async fn attempt(&self, build: &(dyn Fn() -> reqwest::RequestBuilder + Sync)) -> Attempt {
        let limiter = self.limiter.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        limiter.until_ready().await;
        let response = match build().send().await {
            Ok(r) => r,
            Err(e) => return Attempt::Retry(Duration::ZERO).or_fail(self.platform, &transport_detail(e)),
        };
        let status = response.status();
        let wait = Self::retry_after(&response);
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(e) => return Attempt::Retry(Duration::ZERO).or_fail(self.platform, &transport_detail(e)),
        };
        if status == StatusCode::TOO_MANY_REQUESTS {
            let wait = wait.unwrap_or(Duration::from_secs(1));
            if wait > MAX_WAIT || String::from_utf8_lossy(&body).contains("QUOTA_EXCEEDED") {
                return Attempt::Fail(PlatformError::Quota {
                    platform: self.platform,
                    retry_after_secs: wait.as_secs().max(1),
                });
            }
            return Attempt::Retry(wait);
        }
        if status.is_server_error() {
            return Attempt::Retry(Duration::ZERO);
        }
        Attempt::Done(Answer { status, body })
    }

    /// Sends the request `build` makes (again for each attempt) until it gets an answer that is
    /// not a transient failure.
    pub async fn send(&self, build: &(dyn Fn() -> reqwest::RequestBuilder + Sync)) -> Result<Answer, PlatformError> {
        let mut last = String::new();
        for attempt in 1..=ATTEMPTS {
            if !self.breaker.allow() {
                return Err(PlatformError::upstream(self.platform, "circuit open after repeated failures"));
            }
            match self.attempt(build).await {
                Attempt::Done(answer) => {
                    self.breaker.on_success();
                    return Ok(answer);
                }
                Attempt::Fail(e) => {
                    self.breaker.on_success();
                    return Err(e);
                }
                Attempt::Retry(wait) => {
                    self.breaker.on_failure();
                    last = format!("transient failure on attempt {attempt}");
                    let cap = BASE.saturating_mul(1 << attempt.min(10));
                    let jitter = rand::thread_rng().gen_range(Duration::ZERO..=cap);
                    if attempt < ATTEMPTS {
                        tokio::time::sleep(wait.max(jitter)).await;
                    }
                }
            }
        }
        Err(PlatformError::upstream(self.platform, last))
    }

    /// Sends the request once, for requests that must not be repeated: a transient failure is an
    /// error, never a second try.
    pub async fn send_once(
        &self,
        build: &(dyn Fn() -> reqwest::RequestBuilder + Sync),
    ) -> Result<Answer, PlatformError> {
        if !self.breaker.allow() {
            return Err(PlatformError::upstream(self.platform, "circuit open after repeated failures"));
        }
        match self.attempt(build).await {
            Attempt::Done(answer) => {
                self.breaker.on_success();
                Ok(answer)
            }
            Attempt::Fail(e) => Err(e),
            Attempt::Retry(_) => {
                self.breaker.on_failure();
                Err(PlatformError::upstream(self.platform, "the request failed and is not repeated; try again"))
            }
        }
    }

    /// Shares the platform's limit among `replicas` live replicas (the limit is per app or per
    /// address, and replicas may share both), at least one request per window each.
    pub fn set_replicas(&self, replicas: u64) {
        let share = u32::try_from(u64::from(self.requests) / replicas.max(1)).unwrap_or(1).max(1);
        if let Ok(l) = limiter(share, self.per) {
            *self.limiter.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(l);
        }
    }

    /// Takes a request slot now if one is free (tests).
    #[cfg(test)]
    fn try_take(&self) -> bool {
        self.limiter.read().unwrap_or_else(std::sync::PoisonError::into_inner).check().is_ok()
    }

    /// A request builder for `method` `url`.
    pub fn request(&self, method: Method, url: &str) -> reqwest::RequestBuilder {
        shared_client().request(method, url).timeout(self.timeout)
    }
}

/// A transport error in words, without the URL: platform URLs can carry an API key (YouTube's
/// `key=`), and these words reach the log.
fn transport_detail(e: reqwest::Error) -> String {
    e.without_url().to_string()
}

impl Attempt {
    /// Transport errors are retried; the detail is kept for the last one.
    fn or_fail(self, platform: Platform, detail: &str) -> Self {
        tracing::debug!(?platform, detail, "platform request failed; retrying");
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn transport_errors_never_show_the_url_or_its_key() {
        crate::tls::install_crypto_provider();
        let e = reqwest::Client::new().get("http://127.0.0.1:1/playlistItems?key=SECRET-KEY").send().await.unwrap_err();
        assert!(e.to_string().contains("SECRET-KEY"), "reqwest's own words carry the URL");
        let detail = transport_detail(e);
        assert!(!detail.contains("SECRET-KEY") && !detail.contains("127.0.0.1:1"), "{detail}");
    }

    #[test]
    fn replicas_share_the_limit() {
        let http = PlatformHttp::new(Platform::Deezer, 40, Duration::from_secs(5), Duration::from_secs(1)).unwrap();
        let burst = |h: &PlatformHttp| (0..100).take_while(|_| h.try_take()).count();
        assert_eq!(burst(&http), 20, "alone: half of 40 at once");
        http.set_replicas(4);
        assert_eq!(burst(&http), 5, "one of four: half of 10 at once");
    }
}
