//! `/v1/connections`: list, link (Spotify by OAuth, Last.fm by username) and unlink accounts,
//! and list the linked Spotify account's playlists.

use axum::{extract::State, http::StatusCode, Json};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    list, load, platform_name,
    spotify_playlists::{self, SpotifyPlaylists},
    Connection, ConnectionDto, ConnectionStatus, KIND,
};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{
        api_errors::{JsonBodyErrors, NeedsAuth},
        extract::{ApiJson, ApiPath},
    },
    lastfm::LastfmError,
    platforms::Platform,
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(super::oauth_routes::router())
        .routes(routes!(list_connections))
        .routes(routes!(link_lastfm))
        .routes(routes!(unlink))
        .routes(routes!(spotify_playlists_route))
}

/// Your linked accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectionList {
    /// One per linked platform.
    pub connections: Vec<ConnectionDto>,
}

/// A Last.fm username to link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LastfmLink {
    /// Your Last.fm username (your scrobbles must be public).
    pub username: String,
}

/// Your linked accounts, their scopes, status and expiry; never a token.
#[utoipa::path(get, path = "/v1/connections", tag = "connections", security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Linked accounts", body = ConnectionList), NeedsAuth))]
async fn list_connections(State(state): State<AppState>, caller: AuthUser) -> Result<Json<ConnectionList>, ApiError> {
    let connections = list(&state, &caller.user.id).await?;
    Ok(Json(ConnectionList { connections: connections.iter().map(ConnectionDto::from).collect() }))
}

fn valid_lastfm_name(name: &str) -> bool {
    (2..=15).contains(&name.chars().count())
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Links your Last.fm account by username (public scrobbles need no sign-in); checked with
/// Last.fm when it is configured here.
#[utoipa::path(put, path = "/v1/connections/{platform}", tag = "connections", request_body = LastfmLink,
    params(("platform" = Platform, Path, description = "lastfm")), security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The linked account", body = ConnectionDto), JsonBodyErrors, NeedsAuth))]
async fn link_lastfm(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(platform): ApiPath<Platform>,
    ApiJson(body): ApiJson<LastfmLink>,
) -> Result<Json<ConnectionDto>, ApiError> {
    if platform != Platform::Lastfm {
        return Err(ApiError::invalid(
            "not_linkable",
            format!(
                "only Last.fm is linked by username; link {} with POST /v1/connections/{{platform}}",
                platform.label()
            ),
        ));
    }
    let username = body.username.trim().to_owned();
    if !valid_lastfm_name(&username) {
        return Err(ApiError::invalid(
            "invalid_lastfm_username",
            "a Last.fm username has 2-15 characters: a letter first, then letters, digits, _ or -",
        ));
    }
    // Never shown as checked when it was not: the message says so, and why.
    let message = match state.tracks.client() {
        Ok(client) => match client.recent_tracks(&username, 1, 1).await {
            Ok(_) => None,
            Err(LastfmError::NotFound(_)) => {
                return Err(ApiError::invalid("lastfm_user_not_found", format!("Last.fm has no user {username}")))
            }
            Err(LastfmError::Api { code: 17, .. }) => {
                Some("your Last.fm listening history is private: make it public on Last.fm for stats".to_owned())
            }
            Err(e) => {
                tracing::info!(error = %e, "Last.fm user not checked");
                Some("not checked: Last.fm did not answer; link it again later to have it checked".to_owned())
            }
        },
        Err(_) => Some("not checked: this server has no Last.fm key, so the username is taken as given".to_owned()),
    };
    let connection = Connection {
        platform: Platform::Lastfm,
        status: ConnectionStatus::Active,
        account_id: Some(username.clone()),
        user_id: Some(username.clone()),
        display_name: Some(username),
        scopes: Vec::new(),
        access_expires_at: None,
        linked_at: Utc::now(),
        message,
        tokens: None,
    };
    super::save(&state, &caller.user.id, &connection).await?;
    Ok(Json(ConnectionDto::from(&connection)))
}

/// Unlinks an account and forgets its tokens; YouTube's are revoked at Google too. Spotify
/// offers apps no way to revoke a token: to withdraw sharify's access there too, remove it at
/// spotify.com/account/apps.
#[utoipa::path(delete, path = "/v1/connections/{platform}", tag = "connections",
    params(("platform" = Platform, Path, description = "spotify, youtube or lastfm")), security(("bearer" = []), ("basic" = [])),
    responses((status = 204, description = "Unlinked"), NeedsAuth,
        (status = 400, description = "Not a platform name", body = ErrorEnvelope),
        (status = 404, description = "Not linked", body = ErrorEnvelope)))]
async fn unlink(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(platform): ApiPath<Platform>,
) -> Result<StatusCode, ApiError> {
    if load(&state, &caller.user.id, platform).await?.is_none() {
        return Err(ApiError::not_found("not_linked", format!("no {} account is linked", platform.label())));
    }
    if platform == Platform::Youtube {
        super::youtube_api::revoke(&state, &caller.user.id).await;
    }
    state.store.delete_record(KIND, &super::key(&caller.user.id, platform)).await?;
    tracing::info!(platform = platform_name(platform), "account unlinked");
    Ok(StatusCode::NO_CONTENT)
}

/// Your Spotify playlists (owned and followed, every page), each marked `importable`: Spotify
/// lets apps read only those you own or collaborate on.
#[utoipa::path(get, path = "/v1/connections/spotify/playlists", tag = "connections",
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Your Spotify playlists", body = SpotifyPlaylists), NeedsAuth,
        (status = 409, description = "Spotify is not linked, or the link is broken", body = ErrorEnvelope)))]
async fn spotify_playlists_route(
    State(state): State<AppState>,
    caller: AuthUser,
) -> Result<Json<SpotifyPlaylists>, ApiError> {
    Ok(Json(spotify_playlists::list(&state, &caller.user.id).await?))
}
