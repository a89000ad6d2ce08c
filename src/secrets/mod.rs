//! Secrets, resolved once at startup before the listener binds: a chain of sources. Values set
//! explicitly in the environment (`SHARIFY_MONGO__URI`, `SHARIFY_LASTFM__API_KEY`) win; the
//! secrets listed in `secrets.load` that are still missing come from the configured source:
//! files in a mounted directory (a Kubernetes Secret volume) or Google Cloud Secret Manager.
//! A missing or unreadable secret stops startup with a message naming it, never its value.

pub mod file;
pub mod gcp;

use async_trait::async_trait;

use crate::config::{Config, Secret, SecretsSource};

/// Why a secret could not be had. Messages name the secret, never a value.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SecretError {
    /// The secret does not exist in the source.
    #[error("secret `{0}` was not found")]
    NotFound(String),
    /// The service identity may not read it.
    #[error("permission denied reading secret `{0}`")]
    PermissionDenied(String),
    /// Any other failure (I/O, network, malformed payload).
    #[error("secret `{name}` could not be read: {reason}")]
    Unreadable {
        /// The secret.
        name: String,
        /// What went wrong (never the value).
        reason: String,
    },
    /// The configuration names a secret sharify does not use.
    #[error("unknown secret `{0}` in SHARIFY_SECRETS__LOAD (known: mongo-uri, lastfm-api-key, youtube-api-key, spotify-client-id, spotify-client-secret, applemusic-private-key, token-key, token-key-previous, youtube-client-secret, seatgeek-client-id)")]
    Unknown(String),
}

/// Somewhere secrets can be read from.
#[async_trait]
pub trait SecretSource: Send + Sync {
    /// Reads one secret by name.
    async fn get(&self, name: &str) -> Result<Secret, SecretError>;
}

/// The secrets sharify knows, by name.
pub const KNOWN: [&str; 10] = [
    "mongo-uri",
    "lastfm-api-key",
    "youtube-api-key",
    "spotify-client-id",
    "spotify-client-secret",
    "applemusic-private-key",
    "token-key",
    "token-key-previous",
    "youtube-client-secret",
    "seatgeek-client-id",
];

fn slot<'a>(config: &'a mut Config, name: &str) -> Result<&'a mut Option<Secret>, SecretError> {
    match name {
        "mongo-uri" => Ok(&mut config.mongo.uri),
        "lastfm-api-key" => Ok(&mut config.lastfm.api_key),
        "youtube-api-key" => Ok(&mut config.youtube.api_key),
        "spotify-client-id" => Ok(&mut config.spotify.client_id),
        "spotify-client-secret" => Ok(&mut config.spotify.client_secret),
        "applemusic-private-key" => Ok(&mut config.applemusic.private_key),
        "token-key" => Ok(&mut config.connections.token_key),
        "token-key-previous" => Ok(&mut config.connections.previous_token_keys),
        "youtube-client-secret" => Ok(&mut config.youtube.client_secret),
        "seatgeek-client-id" => Ok(&mut config.seatgeek.client_id),
        other => Err(SecretError::Unknown(other.to_owned())),
    }
}

/// Fills the secrets named in `secrets.load` that the environment did not already provide.
pub async fn resolve(config: &mut Config) -> Result<Vec<String>, SecretError> {
    let names: Vec<String> =
        config.secrets.load.split(',').map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned).collect();
    for name in &names {
        slot(config, name)?;
    }
    let source: Box<dyn SecretSource> = match config.secrets.source {
        SecretsSource::Env => return Ok(Vec::new()),
        SecretsSource::Files => Box::new(file::FileSource::new(config.secrets.dir.clone())),
        SecretsSource::Gcp => Box::new(gcp::GcpSource::connect(&config.secrets).await?),
    };
    let mut loaded = Vec::new();
    for name in names {
        if slot(config, &name)?.is_some() {
            continue;
        }
        let value = source.get(&name).await?;
        *slot(config, &name)? = Some(value);
        loaded.push(name);
    }
    Ok(loaded)
}
