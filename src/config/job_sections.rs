//! Scheduled jobs and the concert listings they read.

use serde::{Deserialize, Serialize};

use super::sections::Secret;

/// The scheduler: where due runs are looked for and how long a claim lasts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JobsConfig {
    /// Run due schedules and the background loops in this process (off when a Kubernetes
    /// CronJob runs `sharify jobs run-due` instead).
    pub in_process: bool,
    /// Seconds between looks for due runs.
    pub tick_secs: u64,
    /// Seconds a claimed run's lease lasts; it is renewed at a third of that while the run goes
    /// on, and another process takes the run over once it expires.
    pub lease_secs: u64,
    /// Shortest `interval_secs` a schedule may have.
    pub min_interval_secs: u64,
    /// Similarity (0-1) an artist name must reach to be resolved by `generate`.
    pub artist_match_threshold: f64,
    /// Seconds between runs of the track-cache re-index (one replica, or `jobs run-due`).
    pub reindex_every_secs: u64,
    /// Most Last.fm lookups one re-index run makes.
    pub reindex_budget: u32,
    /// Milliseconds a push or an import by link waits for its platform work before answering `202` with a run to
    /// follow (never more than two thirds of `http.request_timeout_secs`).
    pub request_wait_ms: u64,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            in_process: true,
            tick_secs: 30,
            lease_secs: 60,
            min_interval_secs: 60,
            artist_match_threshold: 0.8,
            reindex_every_secs: 86_400,
            reindex_budget: 200,
            request_wait_ms: 20_000,
        }
    }
}

/// Webhook deliveries.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhooksConfig {
    /// Allow http:// and internal (loopback, private) targets: local development and tests only.
    pub allow_insecure_targets: bool,
    /// Seconds before the first retry; each later one waits twice as long (at most an hour).
    pub retry_base_secs: u64,
    /// Seconds a receiver has to answer.
    pub timeout_secs: u64,
    /// Hours of failing after which a hook is disabled.
    pub give_up_hours: u64,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        Self { allow_insecure_targets: false, retry_base_secs: 30, timeout_secs: 10, give_up_hours: 24 }
    }
}

/// SeatGeek's public events API (concerts near a place; mainly the US and Canada).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SeatgeekConfig {
    /// API root.
    pub base_url: String,
    /// The app's client id (secret `seatgeek-client-id`).
    pub client_id: Option<Secret>,
}

impl Default for SeatgeekConfig {
    fn default() -> Self {
        Self { base_url: "https://api.seatgeek.com/2".into(), client_id: None }
    }
}
