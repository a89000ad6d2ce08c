//! The Last.fm HTTP client: one per process. Every call goes through the rate limiter, the
//! in-flight bound, the circuit breaker and the retry policy.

use std::{
    num::NonZeroU32,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, RwLock,
    },
    time::Duration,
};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use rand::Rng;
use tokio::sync::Semaphore;

use super::{
    breaker::CircuitBreaker,
    decode,
    error::{LastfmError, BAD_KEY_CODES},
    types::{ArtistHit, ArtistInfo, LovedTrack, Page, RecentTrack, TrackHit, TrackInfo, WeeklyChart},
};
use crate::{
    config::{LastfmConfig, Secret},
    metrics::Metrics,
};

/// A limiter for one replica's share of `rate_per_sec` and `burst` among `replicas`.
fn share_of(rate_per_sec: f64, burst: u32, replicas: u64) -> Option<DefaultDirectRateLimiter> {
    let replicas = replicas.max(1);
    let period = Duration::from_secs_f64(replicas as f64 / rate_per_sec);
    let burst = u32::try_from(u64::from(burst) / replicas).unwrap_or(1);
    let quota = Quota::with_period(period)?.allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
    Some(RateLimiter::direct(quota))
}

/// Longest single backoff sleep.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// A rate-limited, retrying, circuit-broken Last.fm client.
pub struct LastfmClient {
    http: reqwest::Client,
    base_url: String,
    api_key: Secret,
    /// This replica's share of the key's rate (rebuilt when the number of replicas changes).
    limiter: RwLock<Arc<DefaultDirectRateLimiter>>,
    rate_per_sec: f64,
    burst: u32,
    in_flight: Semaphore,
    breaker: CircuitBreaker,
    outage: super::outage::OutageClock,
    max_attempts: u32,
    retry_base: Duration,
    bad_key_reported: AtomicBool,
    metrics: Metrics,
}

impl LastfmClient {
    /// Builds the client; `None` when no API key is configured.
    pub fn from_config(config: &LastfmConfig, metrics: Metrics) -> anyhow::Result<Option<Self>> {
        let Some(api_key) = config.api_key.clone() else { return Ok(None) };
        let user_agent = format!("sharify/{} (+{})", env!("CARGO_PKG_VERSION"), config.contact_url);
        crate::tls::install_crypto_provider();
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(Duration::from_millis(config.connect_timeout_ms))
            .timeout(Duration::from_millis(config.timeout_ms))
            .build()?;
        let limiter = share_of(config.rate_per_sec, config.burst, 1)
            .ok_or_else(|| anyhow::anyhow!("lastfm.rate_per_sec is too high"))?;
        Ok(Some(Self {
            http,
            base_url: config.base_url.clone(),
            api_key,
            limiter: RwLock::new(Arc::new(limiter)),
            rate_per_sec: config.rate_per_sec,
            burst: config.burst,
            in_flight: Semaphore::new(config.max_in_flight),
            breaker: CircuitBreaker::new(config.breaker_failures, Duration::from_millis(config.breaker_cooldown_ms)),
            outage: super::outage::OutageClock::default(),
            max_attempts: config.max_attempts,
            retry_base: Duration::from_millis(config.retry_base_ms),
            bad_key_reported: AtomicBool::new(false),
            metrics,
        }))
    }

    /// When Last.fm stopped answering, while it does not.
    pub fn outage_since(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.outage.since()
    }

    /// Shares the key's rate among `replicas` live replicas (each gets rate ÷ replicas, burst ÷
    /// replicas, at least 1), so together they stay within the key's budget.
    pub fn set_replicas(&self, replicas: u64) {
        if let Some(limiter) = share_of(self.rate_per_sec, self.burst, replicas) {
            *self.limiter.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(limiter);
            tracing::info!(replicas, per_replica = self.rate_per_sec / replicas.max(1) as f64, "Last.fm rate shared");
        }
    }

    /// One request, without retries: in-flight slot, then rate-limit token, then HTTP.
    async fn attempt(&self, method: &str, params: &[(&str, &str)]) -> Result<(u16, bytes::Bytes), LastfmError> {
        let _slot = self.in_flight.acquire().await.map_err(|_| LastfmError::Transport("client closed".into()))?;
        let limiter = self.limiter.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        limiter.until_ready().await;
        let mut query: Vec<(&str, &str)> =
            vec![("method", method), ("api_key", self.api_key.expose()), ("format", "json")];
        query.extend_from_slice(params);
        let response = self.http.get(&self.base_url).query(&query).send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(transport)?;
        Ok((status, body))
    }

    /// Calls `method` and decodes with `decode`, retrying transient failures with full jitter.
    pub async fn call<T>(
        &self,
        method: &str,
        params: &[(&str, &str)],
        decode: fn(u16, &[u8]) -> Result<T, LastfmError>,
    ) -> Result<T, LastfmError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            if !self.breaker.allow() {
                self.metrics.lastfm_calls.with_label_values(&[method, "circuit_open"]).inc();
                return Err(LastfmError::CircuitOpen);
            }
            let result = self.attempt(method, params).await.and_then(|(status, body)| decode(status, &body));
            self.metrics.lastfm_calls.with_label_values(&[method, &outcome(&result)]).inc();
            match &result {
                Err(e) if e.is_upstream_failure() => {
                    self.breaker.on_failure();
                    if self.breaker.is_open() {
                        self.outage.begin(e);
                    }
                }
                _ => {
                    self.breaker.on_success();
                    self.outage.end();
                }
            }
            match result {
                Err(e) if e.is_retryable() && attempt < self.max_attempts => {
                    tracing::debug!(method, attempt, error = %e, "Last.fm call failed; retrying");
                    let cap = self.retry_base.saturating_mul(1 << attempt.min(16)).min(MAX_BACKOFF);
                    let sleep = rand::thread_rng().gen_range(Duration::ZERO..=cap);
                    tokio::time::sleep(sleep).await;
                }
                Err(LastfmError::Api { code, message }) if BAD_KEY_CODES.contains(&code) => {
                    // Nothing can be looked up until the key is fixed: an outage for the items too.
                    self.outage.begin(&message);
                    if !self.bad_key_reported.swap(true, Ordering::Relaxed) {
                        tracing::error!(code, %message, "LAST.FM REJECTS THE API KEY: enrichment will fail until SHARIFY_LASTFM__API_KEY is fixed");
                    }
                    return Err(LastfmError::Api { code, message });
                }
                other => return other,
            }
        }
    }

    /// `track.getInfo` with autocorrect on.
    pub async fn track_info(&self, artist: &str, track: &str) -> Result<TrackInfo, LastfmError> {
        self.call("track.getInfo", &[("artist", artist), ("track", track), ("autocorrect", "1")], decode::track_info)
            .await
    }

    /// `track.getInfo` with autocorrect on, with Last.fm's own `track` object.
    pub async fn track_info_raw(
        &self,
        artist: &str,
        track: &str,
    ) -> Result<(TrackInfo, serde_json::Value), LastfmError> {
        let params = [("artist", artist), ("track", track), ("autocorrect", "1")];
        self.call("track.getInfo", &params, decode::track_info_raw).await
    }

    /// `track.search`.
    pub async fn track_search(&self, query: &str, limit: u32) -> Result<Page<TrackHit>, LastfmError> {
        self.call("track.search", &[("track", query), ("limit", &limit.to_string())], decode::track_search).await
    }

    /// `artist.search`.
    pub async fn artist_search(&self, query: &str, limit: u32) -> Result<Page<ArtistHit>, LastfmError> {
        self.call("artist.search", &[("artist", query), ("limit", &limit.to_string())], decode::artist_search).await
    }

    /// `artist.getInfo` with autocorrect on.
    pub async fn artist_info(&self, artist: &str) -> Result<ArtistInfo, LastfmError> {
        self.call("artist.getInfo", &[("artist", artist), ("autocorrect", "1")], decode::artist_info).await
    }

    /// `artist.getTopTracks`.
    pub async fn artist_top_tracks(&self, artist: &str, limit: u32) -> Result<Page<TrackHit>, LastfmError> {
        let params = [("artist", artist), ("autocorrect", "1"), ("limit", &limit.to_string())];
        self.call("artist.getTopTracks", &params, decode::artist_top_tracks).await
    }

    /// `artist.getSimilar`.
    pub async fn similar_artists(&self, artist: &str, limit: u32) -> Result<Vec<ArtistHit>, LastfmError> {
        let params = [("artist", artist), ("autocorrect", "1"), ("limit", &limit.to_string())];
        self.call("artist.getSimilar", &params, decode::similar_artists).await
    }

    /// `track.getSimilar`.
    pub async fn similar_tracks(&self, artist: &str, track: &str, limit: u32) -> Result<Vec<TrackHit>, LastfmError> {
        let params = [("artist", artist), ("track", track), ("autocorrect", "1"), ("limit", &limit.to_string())];
        self.call("track.getSimilar", &params, decode::similar_tracks).await
    }

    /// `tag.getTopTracks`.
    pub async fn tag_top_tracks(&self, tag: &str, limit: u32) -> Result<Page<TrackHit>, LastfmError> {
        self.call("tag.getTopTracks", &[("tag", tag), ("limit", &limit.to_string())], decode::tag_top_tracks).await
    }

    /// `user.getRecentTracks` (extended).
    pub async fn recent_tracks(&self, user: &str, limit: u32, page: u32) -> Result<Page<RecentTrack>, LastfmError> {
        let params = [("user", user), ("limit", &limit.to_string()), ("page", &page.to_string()), ("extended", "1")];
        self.call("user.getRecentTracks", &params, decode::recent_tracks).await
    }

    /// `user.getRecentTracks` of plays between `from` and `to` (Unix seconds, inclusive), 200 a
    /// page, newest first.
    pub async fn recent_tracks_between(
        &self,
        user: &str,
        from: Option<i64>,
        to: i64,
        page: u32,
    ) -> Result<Page<RecentTrack>, LastfmError> {
        let (from, to, page) = (from.map(|f| f.to_string()), to.to_string(), page.to_string());
        let mut params = vec![("user", user), ("limit", "200"), ("page", page.as_str()), ("to", to.as_str())];
        if let Some(from) = &from {
            params.push(("from", from));
        }
        self.call("user.getRecentTracks", &params, decode::recent_tracks).await
    }

    /// `user.getWeeklyTrackChart` for the most recent week.
    pub async fn weekly_track_chart(&self, user: &str) -> Result<WeeklyChart, LastfmError> {
        self.call("user.getWeeklyTrackChart", &[("user", user)], decode::weekly_track_chart).await
    }

    /// `user.getLovedTracks`.
    pub async fn loved_tracks(&self, user: &str, limit: u32, page: u32) -> Result<Page<LovedTrack>, LastfmError> {
        let params = [("user", user), ("limit", &limit.to_string()), ("page", &page.to_string())];
        self.call("user.getLovedTracks", &params, decode::loved_tracks).await
    }
}

/// The `outcome` label of a call.
fn outcome<T>(result: &Result<T, LastfmError>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(LastfmError::NotFound(_)) => "not_found".into(),
        Err(LastfmError::Api { code, .. }) => format!("error_{code}"),
        Err(LastfmError::Outage { .. }) => "outage".into(),
        Err(LastfmError::Decode(_)) => "decode_error".into(),
        Err(LastfmError::Transport(_)) => "transport_error".into(),
        Err(LastfmError::CircuitOpen) => "circuit_open".into(),
        Err(LastfmError::NotConfigured) => "not_configured".into(),
    }
}

fn transport(e: reqwest::Error) -> LastfmError {
    // Never include the URL: it carries the API key.
    LastfmError::Transport(e.without_url().to_string())
}
