//! Configuration sections of the music platforms: `spotify`, `deezer`, `youtube`, `applemusic`.
//! Each has `base_url` (the API root with its version path, so tests and operators can point it
//! elsewhere) and its credentials; a platform without its credentials is off, with a clear
//! message when someone asks for it.

use serde::{Deserialize, Serialize};

use super::Secret;

/// Spotify (catalog search with client credentials; reading playlists needs a linked account).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpotifyConfig {
    /// API root.
    pub base_url: String,
    /// Accounts service root (tokens).
    pub accounts_url: String,
    /// App client id.
    pub client_id: Option<Secret>,
    /// App client secret.
    pub client_secret: Option<Secret>,
    /// Where Spotify sends the browser back after the user allows linking (must be registered
    /// in the app's dashboard; HTTPS or a loopback `http://127.0.0.1:PORT/…`).
    pub redirect_uri: Option<String>,
    /// Calls a second this deployment makes (shared among live replicas). Spotify's limit is an
    /// unpublished rolling 30-second window, lower in Development Mode.
    pub requests_per_second: u32,
}

impl Default for SpotifyConfig {
    fn default() -> Self {
        Self {
            base_url: "https://api.spotify.com/v1".into(),
            accounts_url: "https://accounts.spotify.com".into(),
            client_id: None,
            client_secret: None,
            redirect_uri: None,
            requests_per_second: 10,
        }
    }
}

/// Deezer's public API (no credentials: on by default).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeezerConfig {
    /// API root.
    pub base_url: String,
    /// Off switch.
    pub enabled: bool,
    /// Requests per 5 seconds this process makes (Deezer allows 50 per address).
    pub requests_per_5s: u32,
    /// How long Deezer's quota error (which carries no `Retry-After`) is waited out before the
    /// call is tried again, in milliseconds.
    pub quota_wait_ms: u64,
}

impl Default for DeezerConfig {
    fn default() -> Self {
        Self { base_url: "https://api.deezer.com".into(), enabled: true, requests_per_5s: 40, quota_wait_ms: 5000 }
    }
}

/// YouTube Data API v3 (an API key).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct YoutubeConfig {
    /// API root.
    pub base_url: String,
    /// API key (secret).
    pub api_key: Option<Secret>,
    /// Quota units per Pacific day this deployment may spend (Google's default is 10,000).
    pub daily_quota_units: u32,
    /// Of those, what one user's imports, pushes and searches may spend a day.
    pub user_daily_quota_units: u32,
    /// OAuth client id of the Google Cloud project (for linking accounts and pushing).
    pub client_id: Option<String>,
    /// OAuth client secret (secret `youtube-client-secret`).
    pub client_secret: Option<Secret>,
    /// Where Google sends the browser back after linking (registered with the OAuth client).
    pub redirect_uri: Option<String>,
    /// Google's authorization page.
    pub oauth_url: String,
    /// Google's token endpoint.
    pub token_url: String,
    /// Google's token revocation endpoint.
    pub revoke_url: String,
}

impl Default for YoutubeConfig {
    fn default() -> Self {
        Self {
            base_url: "https://www.googleapis.com/youtube/v3".into(),
            api_key: None,
            daily_quota_units: 10_000,
            user_daily_quota_units: 2_500,
            client_id: None,
            client_secret: None,
            redirect_uri: None,
            oauth_url: "https://accounts.google.com/o/oauth2/v2/auth".into(),
            token_url: "https://oauth2.googleapis.com/token".into(),
            revoke_url: "https://oauth2.googleapis.com/revoke".into(),
        }
    }
}

/// Apple Music API (a developer token signed with the team's MusicKit key).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppleMusicConfig {
    /// API root.
    pub base_url: String,
    /// Apple developer team id.
    pub team_id: Option<String>,
    /// MusicKit key id.
    pub key_id: Option<String>,
    /// The MusicKit private key (.p8, PEM; secret).
    pub private_key: Option<Secret>,
    /// The storefront (two-letter country code) whose catalog is searched for track links.
    pub storefront: String,
}

impl Default for AppleMusicConfig {
    fn default() -> Self {
        Self {
            base_url: "https://api.music.apple.com/v1".into(),
            team_id: None,
            key_id: None,
            private_key: None,
            storefront: "us".into(),
        }
    }
}

/// Linked platform accounts: the key their tokens are encrypted with at rest.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConnectionsConfig {
    /// The current token key: 32 random bytes, base64 (secret `token-key`). Without it no
    /// account that needs tokens can be linked.
    pub token_key: Option<Secret>,
    /// Earlier token keys, comma-separated base64, still read while `sharify keys rotate`
    /// re-encrypts with the current one (secret `token-key-previous`).
    pub previous_token_keys: Option<Secret>,
}
