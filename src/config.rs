//! Typed configuration: built-in defaults → optional TOML file → `SHARIFY_<SECTION>__<KEY>` env vars.

use std::{fmt, net::SocketAddr, path::PathBuf};

use figment::{
    providers::{Env, Format, Serialized, Toml},
    Figment,
};
use serde::{Deserialize, Serialize};

/// The whole configuration tree, loaded once at startup and passed down.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Public HTTP listener.
    pub http: HttpConfig,
    /// Embedded store.
    pub store: StoreConfig,
    /// MongoDB store (used when `uri` is set).
    pub mongo: MongoConfig,
    /// Accounts, tokens and login throttling.
    pub auth: AuthConfig,
    /// Logging.
    pub log: LogConfig,
    /// Last.fm enrichment.
    pub lastfm: LastfmConfig,
    /// Per-user request quota.
    pub ratelimit: RateLimitConfig,
    /// Admin listener (metrics, probes).
    pub admin: AdminConfig,
    /// Graceful shutdown.
    pub shutdown: ShutdownConfig,
    /// Where secrets come from.
    pub secrets: SecretsConfig,
}

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

/// Per-user request quota on authenticated routes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitConfig {
    /// Sustained requests per minute per user.
    pub per_minute: u32,
    /// Requests a user may make at once above that.
    pub burst: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self { per_minute: 1200, burst: 300 }
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
    /// Use the first `X-Forwarded-For` address as the client address (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([0, 0, 0, 0], 8080)),
            body_limit_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            trust_forwarded_for: false,
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
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self { token_ttl_days: 30, max_failures_per_user: 10, max_failures_per_ip: 50, failure_window_secs: 900 }
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
    /// Sustained requests per second for the whole process (all Last.fm calls share it).
    pub rate_per_sec: f64,
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
    /// Contact URL sent in the User-Agent, as Last.fm's terms ask.
    pub contact_url: String,
}

impl Default for LastfmConfig {
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: "https://ws.audioscrobbler.com/2.0/".into(),
            rate_per_sec: 5.0,
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

/// One documented configuration key: its env var, default and meaning (drives `--help`).
pub struct ConfigKey {
    /// Environment variable name.
    pub env: &'static str,
    /// Default value, as text.
    pub default: &'static str,
    /// What it does.
    pub help: &'static str,
}

/// Every configuration key; `sharify --help` prints this table.
pub const CONFIG_KEYS: &[ConfigKey] = &[
    ConfigKey { env: "SHARIFY_HTTP__BIND", default: "0.0.0.0:8080", help: "address the API listens on" },
    ConfigKey { env: "SHARIFY_HTTP__BODY_LIMIT_BYTES", default: "1048576", help: "largest request body (413 beyond)" },
    ConfigKey {
        env: "SHARIFY_HTTP__REQUEST_TIMEOUT_SECS",
        default: "30",
        help: "request handling time limit (503 beyond)",
    },
    ConfigKey {
        env: "SHARIFY_HTTP__TRUST_FORWARDED_FOR",
        default: "false",
        help: "take the client address from X-Forwarded-For (behind a trusted proxy only)",
    },
    ConfigKey { env: "SHARIFY_STORE__DATA_DIR", default: "./data", help: "directory of the embedded store" },
    ConfigKey {
        env: "SHARIFY_MONGO__URI",
        default: "(unset)",
        help: "MongoDB connection string; when set, MongoDB is the store",
    },
    ConfigKey { env: "SHARIFY_MONGO__DATABASE", default: "sharify", help: "MongoDB database name" },
    ConfigKey { env: "SHARIFY_AUTH__TOKEN_TTL_DAYS", default: "30", help: "bearer token lifetime in days" },
    ConfigKey {
        env: "SHARIFY_AUTH__MAX_FAILURES_PER_USER",
        default: "10",
        help: "failed logins per username per window before 429",
    },
    ConfigKey {
        env: "SHARIFY_AUTH__MAX_FAILURES_PER_IP",
        default: "50",
        help: "failed logins per client address per window before 429",
    },
    ConfigKey { env: "SHARIFY_AUTH__FAILURE_WINDOW_SECS", default: "900", help: "failed-login window in seconds" },
    ConfigKey {
        env: "SHARIFY_LASTFM__API_KEY",
        default: "(unset)",
        help: "Last.fm API key (secret); unset = no enrichment, items saved unenriched",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__BASE_URL",
        default: "https://ws.audioscrobbler.com/2.0/",
        help: "Last.fm API root",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__RATE_PER_SEC",
        default: "5",
        help: "Last.fm requests/s for this process (replicas multiply it)",
    },
    ConfigKey { env: "SHARIFY_LASTFM__BURST", default: "5", help: "Last.fm requests allowed in a burst" },
    ConfigKey { env: "SHARIFY_LASTFM__MAX_IN_FLIGHT", default: "8", help: "most concurrent Last.fm requests" },
    ConfigKey {
        env: "SHARIFY_LASTFM__ENRICH_BUDGET_MS",
        default: "3000",
        help: "how long an add waits for enrichment before saving items pending",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__MAX_ATTEMPTS",
        default: "3",
        help: "attempts per Last.fm call (retries on codes 8/11/16/29, 5xx, transport errors)",
    },
    ConfigKey { env: "SHARIFY_LASTFM__RETRY_BASE_MS", default: "250", help: "exponential backoff base (full jitter)" },
    ConfigKey { env: "SHARIFY_LASTFM__TIMEOUT_MS", default: "10000", help: "Last.fm request timeout" },
    ConfigKey { env: "SHARIFY_LASTFM__CONNECT_TIMEOUT_MS", default: "3000", help: "Last.fm connect timeout" },
    ConfigKey {
        env: "SHARIFY_LASTFM__BREAKER_FAILURES",
        default: "5",
        help: "consecutive failures that pause Last.fm calls",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__BREAKER_COOLDOWN_MS",
        default: "30000",
        help: "pause before one probe call is let through",
    },
    ConfigKey { env: "SHARIFY_LASTFM__FOUND_TTL_DAYS", default: "30", help: "freshness of cached tracks" },
    ConfigKey {
        env: "SHARIFY_LASTFM__NOT_FOUND_TTL_HOURS",
        default: "24",
        help: "freshness of cached not-found answers",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__PENDING_RETRY_MS",
        default: "30000",
        help: "how often pending items are retried",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__CONTACT_URL",
        default: "https://github.com/sharify/sharify",
        help: "contact URL in the User-Agent",
    },
    ConfigKey {
        env: "SHARIFY_RATELIMIT__PER_MINUTE",
        default: "1200",
        help: "requests per minute per signed-in user (RateLimit-* headers; 429 beyond)",
    },
    ConfigKey { env: "SHARIFY_RATELIMIT__BURST", default: "300", help: "requests a signed-in user may make at once" },
    ConfigKey {
        env: "SHARIFY_ADMIN__BIND",
        default: "0.0.0.0:9090",
        help: "admin listener: /metrics, /healthz, /readyz (keep it private)",
    },
    ConfigKey {
        env: "SHARIFY_SHUTDOWN__DELAY_SECS",
        default: "0",
        help: "on SIGTERM, seconds not-ready before the listener closes",
    },
    ConfigKey {
        env: "SHARIFY_SHUTDOWN__DRAIN_SECS",
        default: "20",
        help: "most seconds in-flight requests get to finish",
    },
    ConfigKey {
        env: "SHARIFY_SECRETS__SOURCE",
        default: "env",
        help: "where secrets come from: env, files or gcp (Secret Manager)",
    },
    ConfigKey {
        env: "SHARIFY_SECRETS__LOAD",
        default: "(none)",
        help: "secrets to load from that source, e.g. mongo-uri,lastfm-api-key (each must exist)",
    },
    ConfigKey {
        env: "SHARIFY_SECRETS__DIR",
        default: "/var/run/secrets/sharify",
        help: "directory of secret files (source files)",
    },
    ConfigKey { env: "SHARIFY_SECRETS__GCP_PROJECT", default: "(unset)", help: "Secret Manager project (source gcp)" },
    ConfigKey { env: "SHARIFY_SECRETS__GCP_VERSION", default: "latest", help: "Secret Manager version (source gcp)" },
    ConfigKey {
        env: "SHARIFY_SECRETS__GCP_ENDPOINT",
        default: "(unset)",
        help: "Secret Manager endpoint override (tests; anonymous credentials)",
    },
    ConfigKey { env: "SHARIFY_LOG__FORMAT", default: "pretty", help: "log format: pretty or json" },
    ConfigKey {
        env: "SHARIFY_LOG__GCP_PROJECT",
        default: "(unset)",
        help: "GCP project for trace links in JSON logs (else GOOGLE_CLOUD_PROJECT)",
    },
    ConfigKey { env: "SHARIFY_LOG__LEVEL", default: "info", help: "log filter, e.g. info or sharify=debug,info" },
];

/// Help text listing every configuration key, for `--help`.
pub fn config_help() -> String {
    let mut out = String::from(
        "CONFIGURATION\n  Built-in defaults, then the TOML file given by --config or SHARIFY_CONFIG\n  \
         (sections [http] [store] [mongo] [auth] [lastfm] [ratelimit] [admin] [shutdown] [secrets] [log]), then these environment variables:\n\n",
    );
    for key in CONFIG_KEYS {
        out.push_str(&format!("  {:<38} default {:<14} {}\n", key.env, key.default, key.help));
    }
    out
}

impl Config {
    /// Loads defaults, then the optional TOML file, then `SHARIFY_*__*` env vars.
    pub fn load(file: Option<&std::path::Path>) -> Result<Self, ConfigError> {
        Self::from_figment(Self::figment(
            file,
            Env::prefixed("SHARIFY_").filter(|k| k.as_str().contains("__")).split("__"),
        ))
    }

    /// Builds the provider chain (the env provider is injectable for tests).
    pub fn figment(file: Option<&std::path::Path>, env: Env) -> Figment {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            figment = figment.merge(Toml::file_exact(path));
        }
        figment.merge(env)
    }

    /// Extracts a typed config, turning errors into messages that name the key.
    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let mut config: Self = figment.extract().map_err(|e| {
            let key = e.path.join(".");
            let env = if key.is_empty() {
                String::new()
            } else {
                format!(" (env SHARIFY_{})", key.to_uppercase().replace('.', "__"))
            };
            ConfigError(format!("invalid configuration value for `{key}`{env}: {}", e.kind))
        })?;
        // An empty URI (common in templated environments) means "not set".
        if config.mongo.uri.as_ref().is_some_and(|u| u.expose().trim().is_empty()) {
            config.mongo.uri = None;
        }
        if config.lastfm.api_key.as_ref().is_some_and(|k| k.expose().trim().is_empty()) {
            config.lastfm.api_key = None;
        }
        let l = &config.lastfm;
        if !(l.rate_per_sec > 0.0 && l.rate_per_sec.is_finite())
            || l.burst == 0
            || l.max_in_flight == 0
            || l.max_attempts == 0
        {
            return Err(ConfigError(
                "lastfm.rate_per_sec must be > 0 and lastfm.burst, max_in_flight, max_attempts >= 1 \
                 (SHARIFY_LASTFM__RATE_PER_SEC, __BURST, __MAX_IN_FLIGHT, __MAX_ATTEMPTS)"
                    .into(),
            ));
        }
        Ok(config)
    }
}

/// A configuration problem that stops startup; the message names the offending key.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Error, returned by Jail closures, is large
mod tests {
    use figment::{providers::Env, Jail};

    use super::*;

    /// Loads the config from `vars` in an isolated environment.
    fn load(jail: &mut Jail, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        for (k, v) in vars {
            jail.set_env(k, v);
        }
        let env = Env::prefixed("SHARIFY_").filter(|k| k.as_str().contains("__")).split("__");
        Config::from_figment(Config::figment(None, env))
    }

    #[test]
    fn env_vars_override_defaults_and_empty_mongo_uri_means_unset() {
        Jail::expect_with(|jail| {
            let c = load(
                jail,
                &[("SHARIFY_HTTP__BIND", "127.0.0.1:9999"), ("SHARIFY_MONGO__URI", ""), ("SHARIFY_CONFIG", "x")],
            )
            .unwrap();
            assert_eq!(c.http.bind.to_string(), "127.0.0.1:9999");
            assert!(c.mongo.uri.is_none());
            let c =
                load(jail, &[("SHARIFY_MONGO__URI", "mongodb://u:p@h/"), ("SHARIFY_MONGO__DATABASE", "prod")]).unwrap();
            assert_eq!(c.mongo.uri.as_ref().map(Secret::expose), Some("mongodb://u:p@h/"));
            assert_eq!(c.mongo.database, "prod");
            assert!(!format!("{c:?}").contains("u:p"), "the URI is redacted in Debug");
            Ok(())
        });
    }

    #[test]
    fn bad_values_and_unknown_keys_name_the_key() {
        Jail::expect_with(|jail| {
            let e = load(jail, &[("SHARIFY_AUTH__TOKEN_TTL_DAYS", "forever")]).unwrap_err().0;
            assert!(e.contains("auth.token_ttl_days") && e.contains("SHARIFY_AUTH__TOKEN_TTL_DAYS"), "{e}");
            Ok(())
        });
        Jail::expect_with(|jail| {
            let e = load(jail, &[("SHARIFY_HTTP__BINDD", "x")]).unwrap_err().0;
            assert!(e.contains("bindd"), "{e}");
            Ok(())
        });
    }
}
