//! Spotify's accounts service for a linked user: the authorization-code exchange (PKCE, no client
//! secret sent), refreshing, and the profile (`/me`). Its errors are mapped to answers a user can
//! act on; a refused refresh (`invalid_grant`) means the link is over.

use reqwest::Method;
use serde::Deserialize;

use crate::{
    app::AppState,
    error::ApiError,
    platforms::{
        spotify::{account_refusal, Spotify},
        Platform, PlatformError,
    },
};

/// What the token endpoint grants.
#[derive(Debug, Deserialize)]
pub struct Grant {
    /// The access token.
    pub access_token: String,
    /// A new refresh token, when Spotify rotates it (keep the old one otherwise).
    pub refresh_token: Option<String>,
    /// Seconds the access token lives.
    pub expires_in: Option<i64>,
    /// Scopes granted, space-separated.
    pub scope: Option<String>,
}

#[derive(Deserialize)]
struct TokenError {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// Why the accounts service refused.
#[derive(Debug)]
pub enum GrantError {
    /// `invalid_grant`: the code, verifier or refresh token is not (or no longer) accepted.
    Refused(String),
    /// Anything else (the app's configuration, the network), as an answer.
    Other(ApiError),
}

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
pub fn spotify(state: &AppState) -> Result<&Spotify, ApiError> {
    state.platforms.spotify.as_ref().ok_or_else(|| PlatformError::NotConfigured(Platform::Spotify).into())
}

fn client_id(state: &AppState) -> Result<&str, ApiError> {
    state.config.spotify.client_id.as_ref().map(|c| c.expose()).ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "linking_not_configured",
            "Spotify linking is not configured on this server (SHARIFY_SPOTIFY__CLIENT_ID is not set)",
        )
    })
}

/// POSTs `form` to the token endpoint.
async fn token_call(state: &AppState, form: &[(&str, &str)]) -> Result<Grant, GrantError> {
    let spotify = spotify(state).map_err(GrantError::Other)?;
    let url = format!("{}/api/token", state.config.spotify.accounts_url.trim_end_matches('/'));
    let http = spotify.http();
    let answer =
        http.send(&|| http.request(Method::POST, &url).form(form)).await.map_err(|e| GrantError::Other(e.into()))?;
    if answer.status.is_success() {
        return serde_json::from_slice(&answer.body)
            .map_err(|e| GrantError::Other(PlatformError::upstream(Platform::Spotify, e.to_string()).into()));
    }
    match serde_json::from_slice::<TokenError>(&answer.body) {
        Ok(e) if e.error == "invalid_grant" => Err(GrantError::Refused(e.error_description)),
        Ok(e) if e.error == "invalid_client" => Err(GrantError::Other(ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "linking_not_configured",
            "Spotify does not recognise this server's app (invalid client): the operator must check \
             SHARIFY_SPOTIFY__CLIENT_ID",
        ))),
        Ok(e) => Err(GrantError::Other(ApiError::new(
            axum::http::StatusCode::BAD_GATEWAY,
            "spotify_link_failed",
            format!("Spotify refused the link: {} ({})", e.error, e.error_description),
        ))),
        Err(_) => Err(GrantError::Other(refusal(answer.status.as_u16(), &answer.body))),
    }
}

/// Exchanges an authorization `code` and its PKCE `verifier`.
pub async fn exchange_code(state: &AppState, code: &str, verifier: &str) -> Result<Grant, GrantError> {
    let client_id = client_id(state).map_err(GrantError::Other)?;
    let redirect = state.config.spotify.redirect_uri.clone().unwrap_or_default();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect.as_str()),
        ("client_id", client_id),
        ("code_verifier", verifier),
    ];
    token_call(state, &form).await
}

/// Asks for a new access token with `refresh_token`.
pub async fn refresh(state: &AppState, refresh_token: &str) -> Result<Grant, GrantError> {
    let client_id = client_id(state).map_err(GrantError::Other)?;
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("client_id", client_id)];
    token_call(state, &form).await
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
pub async fn me(state: &AppState, access_token: &str) -> Result<Profile, ApiError> {
    let spotify = spotify(state)?;
    let url = format!("{}/me", state.config.spotify.base_url.trim_end_matches('/'));
    let http = spotify.http();
    let answer = http.send(&|| http.request(Method::GET, &url).bearer_auth(access_token)).await?;
    if answer.status.as_u16() != 200 {
        return Err(refusal(answer.status.as_u16(), &answer.body));
    }
    serde_json::from_slice(&answer.body).map_err(|e| PlatformError::upstream(Platform::Spotify, e.to_string()).into())
}
