//! Typed configuration: built-in defaults → optional TOML file → `SHARIFY_<SECTION>__<KEY>` env vars.

mod help;
mod job_sections;
mod keys;
mod limit_sections;
mod platform_sections;
mod proxies;
mod sections;

use figment::{
    error::Kind,
    providers::{Env, Format, Serialized, Toml},
    Figment, Source,
};
pub use help::config_help;
pub use job_sections::*;
pub use keys::{ConfigKey, CONFIG_KEYS};
pub use limit_sections::*;
pub use platform_sections::*;
pub use sections::*;
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
    /// Sharing limits.
    pub sharing: SharingConfig,
    /// History limits.
    pub history: HistoryConfig,
    /// Track matching thresholds.
    pub matching: MatchingConfig,
    /// Playlist file imports.
    pub import: ImportConfig,
    /// Spotify.
    pub spotify: SpotifyConfig,
    /// Deezer.
    pub deezer: DeezerConfig,
    /// YouTube.
    pub youtube: YoutubeConfig,
    /// Apple Music.
    pub applemusic: AppleMusicConfig,
    /// Linked platform accounts.
    pub connections: ConnectionsConfig,
    /// Scheduled jobs.
    pub jobs: JobsConfig,
    /// Concert listings (SeatGeek).
    pub seatgeek: SeatgeekConfig,
    /// Webhook deliveries.
    pub webhooks: WebhooksConfig,
}

impl Config {
    /// Loads defaults, then the optional TOML file, then `SHARIFY_*__*` env vars.
    pub fn load(file: Option<&std::path::Path>) -> Result<Self, ConfigError> {
        if let Some(path) = file {
            std::fs::metadata(path)
                .map_err(|e| ConfigError(format!("configuration file {}: cannot read it: {e}", path.display())))?;
        }
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

    /// Extracts a typed config, turning errors into messages that name the key and where it came
    /// from (the configuration file or the environment variable).
    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let mut config: Self = figment.extract().map_err(|e| ConfigError(describe(&e)))?;
        // An empty URI (common in templated environments) means "not set".
        if config.mongo.uri.as_ref().is_some_and(|u| u.expose().trim().is_empty()) {
            config.mongo.uri = None;
        }
        for secret in [
            &mut config.lastfm.api_key,
            &mut config.youtube.api_key,
            &mut config.spotify.client_id,
            &mut config.spotify.client_secret,
            &mut config.applemusic.private_key,
        ] {
            if secret.as_ref().is_some_and(|k| k.expose().trim().is_empty()) {
                *secret = None;
            }
        }
        config.http.proxies().map_err(ConfigError)?;
        let m = &config.matching;
        if !(0.0..=1.0).contains(&m.review_threshold)
            || !(0.0..=1.0).contains(&m.accept_threshold)
            || m.review_threshold > m.accept_threshold
        {
            return Err(ConfigError(
                "matching.review_threshold and matching.accept_threshold must be within 0..1, review <= accept \
                 (SHARIFY_MATCHING__REVIEW_THRESHOLD, SHARIFY_MATCHING__ACCEPT_THRESHOLD)"
                    .into(),
            ));
        }
        if config.import.max_bytes == 0 {
            return Err(ConfigError("import.max_bytes must be at least 1 (SHARIFY_IMPORT__MAX_BYTES)".into()));
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

/// Says what is wrong with one configuration value, naming the key and its source: the file (with
/// the TOML key) or the environment variable.
fn describe(e: &figment::Error) -> String {
    // For an unknown key, figment's path already ends with it.
    let key = e.path.join(".");
    let what = match &e.kind {
        Kind::UnknownField(field, _) => format!("unknown key `{field}`"),
        kind => kind.to_string(),
    };
    let source = e.metadata.as_ref().and_then(|m| m.source.as_ref());
    match (source, key.is_empty()) {
        (Some(Source::File(file)), true) => format!("configuration file {}: {what}", file.display()),
        (Some(Source::File(file)), false) => {
            format!("configuration file {}: `{key}`: {what}", file.display())
        }
        (_, true) => format!("invalid configuration: {what}"),
        (_, false) if e.metadata.as_ref().is_some_and(|m| m.name.contains("environment")) => {
            format!("environment variable SHARIFY_{} (`{key}`): {what}", key.to_uppercase().replace('.', "__"))
        }
        (_, false) => format!(
            "invalid configuration value for `{key}` (file key `{key}` or env SHARIFY_{}): {what}",
            key.to_uppercase().replace('.', "__")
        ),
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
            assert!(e.contains("SHARIFY_HTTP__BINDD") && e.contains("unknown key `bindd`"), "{e}");
            Ok(())
        });
        Jail::expect_with(|jail| {
            let e = load(jail, &[("SHARIFY_HTTP__TRUSTED_PROXIES", "10.0.0.0/8, 10.0.0/33")]).unwrap_err().0;
            assert!(e.contains("SHARIFY_HTTP__TRUSTED_PROXIES") && e.contains("`10.0.0/33`"), "{e}");
            let c = load(jail, &[("SHARIFY_HTTP__TRUSTED_PROXIES", "10.0.0.0/8, 35.191.0.0/16,::1")]).unwrap();
            assert_eq!(c.http.proxies().unwrap().len(), 3);
            jail.create_file("list.toml", "[http]\ntrusted_proxies = [\"10.0.0.0/8\", \"130.211.0.0/22\"]\n")?;
            let file = Some(std::path::Path::new("list.toml"));
            let c = Config::from_figment(Config::figment(file, Env::prefixed("SHARIFY_NONE_"))).unwrap();
            assert_eq!(c.http.proxies().unwrap().len(), 2, "a TOML list works too");
            Ok(())
        });
    }

    #[test]
    fn file_errors_name_the_file_and_the_key_not_an_env_var() {
        Jail::expect_with(|jail| {
            let dir = jail.directory().to_owned();
            let empty_env = || Env::prefixed("SHARIFY_TEST_NOTHING_");
            jail.create_file("unknown.toml", "[http]\nbindd = \"127.0.0.1:1\"\n")?;
            let e = Config::from_figment(Config::figment(Some(&dir.join("unknown.toml")), empty_env())).unwrap_err().0;
            assert!(e.contains("unknown.toml") && e.contains("`http.bindd`") && !e.contains("SHARIFY_"), "{e}");
            jail.create_file("bad-value.toml", "[auth]\ntoken_ttl_days = \"forever\"\n")?;
            let e =
                Config::from_figment(Config::figment(Some(&dir.join("bad-value.toml")), empty_env())).unwrap_err().0;
            assert!(e.contains("bad-value.toml") && e.contains("`auth.token_ttl_days`"), "{e}");
            jail.create_file("syntax.toml", "[http\nbind = 1\n")?;
            let e = Config::from_figment(Config::figment(Some(&dir.join("syntax.toml")), empty_env())).unwrap_err().0;
            assert!(e.contains("syntax.toml") && !e.contains("``"), "{e}");
            let e = Config::load(Some(&dir.join("missing.toml"))).unwrap_err().0;
            assert!(e.contains("missing.toml") && e.contains("cannot read"), "{e}");
            Ok(())
        });
    }
}
