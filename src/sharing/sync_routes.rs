//! `POST /v1/playlists/{id}/fork` and `POST /v1/playlists/{id}/sync`.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::Response,
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    fork,
    sync::{self, SyncReport, SyncRequest},
};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{
        api_errors::{JsonBodyErrors, NeedsAuth, PlaylistErrors},
        extract::{ApiJson, ApiPath, IfMatch},
    },
    playlists::{dto::PlaylistDto, routes::playlist_response},
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(fork_playlist)).routes(routes!(sync_playlist))
}

/// Fork: a new private playlist owned by the caller, with `forked_from` set. Needs read access.
#[utoipa::path(post, path = "/v1/playlists/{id}/fork", tag = "sharing",
    params(("id" = String, Path, description = "The playlist to copy")),
    security(("bearer" = []), ("basic" = [])),
    responses(
        (status = 201, description = "The fork; `Location` names it", body = PlaylistDto, headers(("Location" = String))),
        (status = 404, description = "No such playlist, or the caller may not read it", body = ErrorEnvelope),
        NeedsAuth))]
async fn fork_playlist(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let copy = fork::fork(&state, &caller.user, &id).await?;
    let mut response = playlist_response(StatusCode::CREATED, &copy);
    let location = format!("/v1/playlists/{}", copy.meta.id);
    response.headers_mut().insert(header::LOCATION, location.parse().map_err(ApiError::internal)?);
    Ok(response)
}

/// Sync this playlist from another (`add` or `mirror`; `dry_run` reports the plan only).
#[utoipa::path(post, path = "/v1/playlists/{id}/sync", tag = "sharing", request_body = SyncRequest,
    params(("id" = String, Path, description = "Destination playlist"),
           ("If-Match" = Option<String>, Header, description = "Expected destination version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses(
        (status = 200, description = "Counts of what changed (or would change)", body = SyncReport),
        JsonBodyErrors, NeedsAuth, PlaylistErrors))]
async fn sync_playlist(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    IfMatch(if_match): IfMatch,
    ApiJson(body): ApiJson<SyncRequest>,
) -> Result<Json<SyncReport>, ApiError> {
    Ok(Json(sync::sync(&state, &caller.user, &id, body, if_match).await?))
}
