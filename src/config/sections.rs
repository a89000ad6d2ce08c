//! The configuration sections and the redacted `Secret` type.

use std::{fmt, net::SocketAddr, path::PathBuf};

use serde::{Deserialize, Serialize};

/// Where the secrets come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretsSource {
    /// Environment variables only (`SHARIFY_MONGO__URI`, `SHARIFY_LASTFM__API_KEY`).
    Env,
    /// Files in `secrets.dir`, one per secret name.
    Files,
    /// Google Cloud Secret Manager.
    Gcp,
}

/// Secret resolution settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecretsConfig {
    /// `env`, `files` or `gcp`.
    pub source: SecretsSource,
    /// Comma-separated secrets to load (`mongo-uri`, `lastfm-api-key`); each must be found.
    pub load: String,
    /// Directory for `files`.
    pub dir: PathBuf,
    /// Project for `gcp`.
    pub gcp_project: Option<String>,
    /// Secret version for `gcp`.
    pub gcp_version: String,
    /// Endpoint override for `gcp` (tests; uses anonymous credentials).
    pub gcp_endpoint: Option<String>,
}

impl Default for SecretsConfig {
    fn default() -> Self {
        Self {
            source: SecretsSource::Env,
            load: String::new(),
            dir: PathBuf::from("/var/run/secrets/sharify"),
            gcp_project: None,
            gcp_version: "latest".into(),
            gcp_endpoint: None,
        }
    }
}

/// The admin listener: `/metrics`, `/healthz`, `/readyz`; not exposed by the public Service.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdminConfig {
    /// Address the admin endpoints listen on.
    pub bind: SocketAddr,
}

impl Default for AdminConfig {
    fn default() -> Self {
        Self { bind: SocketAddr::from(([0, 0, 0, 0], 9090)) }
    }
}

/// What happens on SIGTERM.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShutdownConfig {
    /// Seconds between readiness turning false and the listener closing (lets load balancers
    /// stop sending traffic first).
    pub delay_secs: u64,
    /// Most seconds in-flight requests get to finish after the listener closes.
    pub drain_secs: u64,
}

impl Default for ShutdownConfig {
    fn default() -> Self {
        Self { delay_secs: 0, drain_secs: 20 }
    }
}

/// Public HTTP listener settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Address the API listens on.
    pub bind: SocketAddr,
    /// Largest accepted request body, in bytes.
    pub body_limit_bytes: usize,
    /// Upper bound on one request's handling time, in seconds.
    pub request_timeout_secs: u64,
    /// CIDRs of the proxies in front of the service (e.g. the load balancer's): a TOML list, or
    /// one comma-separated string (as an environment variable gives it). Only a request arriving
    /// from one of them has its `X-Forwarded-For` believed, and then the client is the right-most
    /// address in it that is not itself a trusted proxy.
    #[serde(deserialize_with = "super::proxies::list_or_commas")]
    pub trusted_proxies: String,
    /// The address people reach the service at (`https://sharify.example.com`): share links are
    /// given as absolute addresses under it. Empty: the address the request that made the link
    /// came to (its `Host`, over http).
    pub public_url: String,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([0, 0, 0, 0], 8080)),
            body_limit_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            trusted_proxies: String::new(),
            public_url: String::new(),
        }
    }
}

/// Embedded (SQLite) store settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// Directory holding the embedded database.
    pub data_dir: PathBuf,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self { data_dir: PathBuf::from("./data") }
    }
}

/// MongoDB settings; the MongoDB store is used when `uri` is set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MongoConfig {
    /// Connection string (a secret: it may hold credentials).
    pub uri: Option<Secret>,
    /// Database name.
    pub database: String,
}

impl Default for MongoConfig {
    fn default() -> Self {
        Self { uri: None, database: "sharify".into() }
    }
}

/// Account, token and login-throttling settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// How long a bearer token stays valid, in days.
    pub token_ttl_days: u32,
    /// Failed logins allowed per username within the window before 429.
    pub max_failures_per_user: u32,
    /// Failed logins allowed per client address within the window before 429.
    pub max_failures_per_ip: u32,
    /// Length of the failed-login window, in seconds.
    pub failure_window_secs: u64,
    /// How long a verified bearer token is trusted without a store read (0 = always read); a
    /// token revoked on another replica stops working within this bound.
    pub token_cache_secs: u64,
    /// How long verified HTTP Basic credentials are trusted without hashing again (0 = never).
    pub basic_cache_secs: u64,
    /// Accounts one client address may create per hour (429 beyond).
    pub signups_per_hour_per_ip: u32,
    /// Password hashes (19 MiB each) run at once; 0 = from the container's memory limit.
    pub hash_concurrency: usize,
    /// How long a sign-in or sign-up waits for a hashing slot before 503 (milliseconds).
    pub hash_queue_ms: u64,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            token_ttl_days: 30,
            max_failures_per_user: 10,
            max_failures_per_ip: 50,
            failure_window_secs: 900,
            token_cache_secs: 10,
            basic_cache_secs: 60,
            signups_per_hour_per_ip: 30,
            hash_concurrency: 0,
            hash_queue_ms: 2000,
        }
    }
}

/// Last.fm client, rate limit, cache freshness and enrichment settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LastfmConfig {
    /// API key (a secret); without one, enrichment is off and items are saved `unenriched`.
    pub api_key: Option<Secret>,
    /// Web API root.
    pub base_url: String,
    /// Sustained requests per second for the API key (the replicas share it).
    pub rate_per_sec: f64,
    /// Last.fm calls one user may cause per minute directly (track search, legacy `/song`);
    /// repeated questions are answered from memory for an hour and cost nothing.
    pub per_user_per_minute: u32,
    /// Requests allowed in a burst above the sustained rate.
    pub burst: u32,
    /// Most Last.fm requests in flight at once.
    pub max_in_flight: usize,
    /// How long an add waits for enrichment before saving the rest as `pending`, in ms.
    pub enrich_budget_ms: u64,
    /// Attempts per call, including the first (retries only on transient failures).
    pub max_attempts: u32,
    /// Base of the exponential backoff between attempts, in ms (full jitter).
    pub retry_base_ms: u64,
    /// Whole-request timeout, in ms.
    pub timeout_ms: u64,
    /// Connect timeout, in ms.
    pub connect_timeout_ms: u64,
    /// Consecutive failures that open the circuit breaker.
    pub breaker_failures: u32,
    /// How long the breaker stays open before letting one probe through, in ms.
    pub breaker_cooldown_ms: u64,
    /// How long a found track stays fresh, in days.
    pub found_ttl_days: u32,
    /// How long a not-found answer stays fresh, in hours.
    pub not_found_ttl_hours: u32,
    /// How often the background task retries `pending` items, in ms.
    pub pending_retry_ms: u64,
    /// How long a playlist's items may stay `pending` before its owner is notified, in seconds.
    pub pending_notify_after_secs: u64,
    /// Contact URL sent in the User-Agent, as Last.fm's terms ask.
    pub contact_url: String,
}

impl Default for LastfmConfig {
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: "https://ws.audioscrobbler.com/2.0/".into(),
            rate_per_sec: 5.0,
            per_user_per_minute: 30,
            burst: 5,
            max_in_flight: 8,
            enrich_budget_ms: 3000,
            max_attempts: 3,
            retry_base_ms: 250,
            timeout_ms: 10_000,
            connect_timeout_ms: 3000,
            breaker_failures: 5,
            breaker_cooldown_ms: 30_000,
            found_ttl_days: 30,
            not_found_ttl_hours: 24,
            pending_retry_ms: 30_000,
            pending_notify_after_secs: 600,
            contact_url: "https://github.com/sharify/sharify".into(),
        }
    }
}

/// Log output settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `pretty` (human-readable) or `json` (one object per line).
    pub format: LogFormat,
    /// Filter in `tracing` syntax, e.g. `info` or `sharify=debug,info`.
    pub level: String,
    /// GCP project for trace links in JSON logs (else `GOOGLE_CLOUD_PROJECT`).
    pub gcp_project: Option<String>,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { format: LogFormat::Pretty, level: "info".into(), gcp_project: None }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable, for development.
    Pretty,
    /// JSON lines, for production.
    Json,
}

/// A secret string: redacted in `Debug` and `Display`.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The secret value; call only where it is used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}
