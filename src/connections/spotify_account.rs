//! Spotify for a linked user: the profile (`/me`), and Spotify's refusals (some in plain text)
//! mapped to answers a user can act on.

use reqwest::Method;
use serde::Deserialize;

use crate::{
    connections::deps::ConnectionDeps,
    error::ApiError,
    platforms::{
        spotify::{account_refusal, Spotify},
        Platform, PlatformError,
    },
};

/// The linked account's profile.
#[derive(Debug, Deserialize)]
pub struct Profile {
    /// The user id (owner id on playlists).
    pub id: String,
    /// The stable `account_id` (May 2026), when given.
    pub account_id: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
}

/// Spotify's client, or 503 when not configured.
pub fn spotify(state: &dyn ConnectionDeps) -> Result<&Spotify, ApiError> {
    state.platforms().spotify.as_ref().ok_or_else(|| PlatformError::NotConfigured(Platform::Spotify).into())
}

/// The answer to a refusal from Spotify's Web API, including its plain-text 403 bodies.
pub fn refusal(status: u16, body: &[u8]) -> ApiError {
    match status {
        403 => account_refusal(body)
            .unwrap_or_else(|| PlatformError::Refused {
                platform: Platform::Spotify,
                code: "spotify_forbidden",
                message: "Spotify refused: apps may only read and change playlists you own or collaborate on".into(),
            })
            .into(),
        _ => PlatformError::upstream(Platform::Spotify, format!("HTTP {status}")).into(),
    }
}

/// The profile of the account `access_token` belongs to.
pub async fn me(state: &dyn ConnectionDeps, access_token: &str) -> Result<Profile, ApiError> {
    let spotify = spotify(state)?;
    let url = format!("{}/me", state.config().spotify.base_url.trim_end_matches('/'));
    let http = spotify.http();
    let answer = http.send(&|| http.request(Method::GET, &url).bearer_auth(access_token)).await?;
    if answer.status.as_u16() != 200 {
        return Err(refusal(answer.status.as_u16(), &answer.body));
    }
    serde_json::from_slice(&answer.body).map_err(|e| PlatformError::upstream(Platform::Spotify, e.to_string()).into())
}
