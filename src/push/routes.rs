//! `POST /v1/playlists/{id}/push` and `GET /v1/playlists/{id}/copies`.

use axum::{extract::State, Json};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{copies, CopyList, PushReport, PushRequest};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{
        api_errors::{JsonBodyErrors, NeedsAuth},
        extract::{ApiJson, ApiPath},
    },
    platforms::Platform,
    playlists::{access::Action, write::load},
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(push_playlist)).routes(routes!(list_copies))
}

/// Push a playlist you can read to your linked Spotify or YouTube account: `target` `new` (your remembered
/// copy, else a new private playlist) or one of your Spotify playlists; `mode` `add` (append what
/// it lacks) or `mirror` (make it exactly this playlist). Only matched items go; the report says
/// what was added, removed, already there and not found. Pushing again changes nothing. A mirror
/// refuses (409) when the copy changed on Spotify since the last push, unless `force` or
/// `keep_platform_additions`; `dry_run` shows what would happen, platform changes included.
#[utoipa::path(post, path = "/v1/playlists/{id}/push", tag = "push", request_body = PushRequest,
    params(("id" = String, Path, description = "Playlist id")), security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "What was pushed", body = PushReport), JsonBodyErrors, NeedsAuth,
        (status = 404, description = "No such playlist, or you may not read it", body = ErrorEnvelope),
        (status = 409, description = "Spotify not linked or link broken; the copy changed on Spotify", body = ErrorEnvelope),
        (status = 429, description = "Spotify's quota is used up for now", body = ErrorEnvelope),
        (status = 502, description = "Spotify failed", body = ErrorEnvelope)))]
async fn push_playlist(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<PushRequest>,
) -> Result<Json<PushReport>, ApiError> {
    let playlist = load(&state, Some(&caller.user), &id, Action::Read).await?;
    match request.platform {
        Platform::Spotify => Ok(Json(super::spotify::push(&state, &caller.user.id, &playlist, &request).await?)),
        Platform::Youtube => Ok(Json(super::youtube::push(&state, &caller.user.id, &playlist, &request).await?)),
        other => Err(ApiError::invalid(
            "push_not_supported",
            format!(
                "pushing to {} is not offered: {}",
                other.label(),
                match other {
                    Platform::Deezer => "Deezer has not let new apps register since 2024, and writing needs one",
                    Platform::Applemusic => "Apple Music needs a user token only its own MusicKit apps can obtain",
                    _ => "Last.fm has no playlists",
                }
            ),
        )),
    }
}

/// Your copies of this playlist on platforms (from your pushes).
#[utoipa::path(get, path = "/v1/playlists/{id}/copies", tag = "push",
    params(("id" = String, Path, description = "Playlist id")), security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Your copies", body = CopyList), NeedsAuth,
        (status = 404, description = "No such playlist, or you may not read it", body = ErrorEnvelope)))]
async fn list_copies(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<CopyList>, ApiError> {
    load(&state, Some(&caller.user), &id, Action::Read).await?;
    Ok(Json(CopyList { copies: copies(&state, &id, &caller.user.id).await? }))
}
