//! Linked platform accounts ("connections"): a user's Spotify account (OAuth authorization code
//! with PKCE, tokens encrypted at rest and refreshed once across replicas) and Last.fm username.
//! A connection is a record per user and platform in the records store, removed with the account.

pub mod cipher;
pub mod deps;
pub mod keys;
pub mod manage;
pub mod oauth;
pub mod oauth_link;
pub mod oauth_routes;
pub mod routes;
pub mod spotify_account;
pub mod spotify_api;
pub mod spotify_playlists;
pub mod tokens;
pub mod youtube_api;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{connections::deps::ConnectionDeps, error::ApiError, platforms::Platform, storage::records::RecordKey};
use cipher::Sealed;

/// Records kind of connections.
pub const KIND: &str = "connection";

/// Where a connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionStatus {
    /// Usable.
    Active,
    /// The platform no longer accepts it (revoked or expired consent): link again.
    Broken,
}

/// A linked account as stored: what the API shows, and the sealed tokens.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Connection {
    /// Which platform.
    pub platform: Platform,
    /// Active or broken.
    pub status: ConnectionStatus,
    /// The platform's stable id of the account (Spotify's `account_id`, else its user id).
    pub account_id: Option<String>,
    /// The platform's user id (Spotify: the owner id on playlists).
    #[serde(default)]
    pub user_id: Option<String>,
    /// The account's display name (Last.fm: the username).
    pub display_name: Option<String>,
    /// Scopes granted.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// When the current access token expires.
    pub access_expires_at: Option<DateTime<Utc>>,
    /// When the account was linked.
    pub linked_at: DateTime<Utc>,
    /// Why it is broken, and what to do.
    pub message: Option<String>,
    /// The access and refresh tokens, sealed ([`tokens::Tokens`]).
    pub tokens: Option<Sealed>,
}

/// A linked account as the API shows it: never a token.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConnectionDto {
    /// `spotify` or `lastfm`.
    pub platform: Platform,
    /// `active`, or `broken` (link again).
    pub status: ConnectionStatus,
    /// The account on the platform.
    pub account_id: Option<String>,
    /// Its display name (Last.fm: the username).
    pub display_name: Option<String>,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// When the current access token expires (it is refreshed before then).
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was linked.
    pub linked_at: DateTime<Utc>,
    /// Why it is broken, and what to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl From<&Connection> for ConnectionDto {
    fn from(c: &Connection) -> Self {
        Self {
            platform: c.platform,
            status: c.status,
            account_id: c.account_id.clone(),
            display_name: c.display_name.clone(),
            scopes: c.scopes.clone(),
            expires_at: c.access_expires_at,
            linked_at: c.linked_at,
            message: c.message.clone(),
        }
    }
}

/// The platforms an account can be linked on.
pub const LINKABLE: [Platform; 3] = [Platform::Spotify, Platform::Youtube, Platform::Lastfm];

/// The record key of `user`'s connection on `platform`.
pub fn key(user_id: &str, platform: Platform) -> String {
    format!("{user_id}\u{1e}{}", platform_name(platform))
}

/// The platform's name as in the API.
pub fn platform_name(platform: Platform) -> &'static str {
    match platform {
        Platform::Spotify => "spotify",
        Platform::Deezer => "deezer",
        Platform::Youtube => "youtube",
        Platform::Applemusic => "applemusic",
        Platform::Lastfm => "lastfm",
    }
}

/// `user`'s connection on `platform`, if linked.
pub async fn load(
    state: &dyn ConnectionDeps,
    user_id: &str,
    platform: Platform,
) -> Result<Option<Connection>, ApiError> {
    let found = state.store().records(KIND, &[key(user_id, platform)]).await?;
    Ok(found.into_iter().next().and_then(|(_, v)| serde_json::from_str(&v).ok()))
}

/// Stores `user`'s connection (replacing any).
pub async fn save(state: &dyn ConnectionDeps, user_id: &str, connection: &Connection) -> Result<(), ApiError> {
    let value = serde_json::to_string(connection).map_err(|e| ApiError::internal(e.to_string()))?;
    let at = RecordKey { kind: KIND, owner: user_id, key: &key(user_id, connection.platform) };
    state.store().put_record(at, &value, None).await?;
    Ok(())
}

/// All of `user`'s connections.
pub async fn list(state: &dyn ConnectionDeps, user_id: &str) -> Result<Vec<Connection>, ApiError> {
    let keys: Vec<String> = LINKABLE.iter().map(|p| key(user_id, *p)).collect();
    let mut found: Vec<Connection> = state
        .store()
        .records(KIND, &keys)
        .await?
        .into_iter()
        .filter_map(|(_, v)| serde_json::from_str(&v).ok())
        .collect();
    found.sort_by_key(|c| platform_name(c.platform));
    Ok(found)
}
