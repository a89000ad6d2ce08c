//! `/v1/connections`: list, link (Spotify by OAuth, Last.fm by username) and unlink accounts,
//! and list the linked Spotify account's playlists.

use axum::{extract::State, http::StatusCode, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    list,
    spotify_playlists::{self, SpotifyPlaylists},
    ConnectionDto,
};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{
        api_errors::{JsonBodyErrors, NeedsAuth},
        extract::{ApiJson, ApiPath},
    },
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
    let connection = super::manage::link_lastfm(&state, &caller.user.id, &body.username).await?;
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
    super::manage::unlink(&state, &caller.user.id, platform).await?;
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
