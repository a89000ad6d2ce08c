//! `GET /v1/playlists/{id}/history` and `POST /v1/playlists/{id}/restore`.

use axum::{extract::State, http::StatusCode, response::Response, Json};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    app::AppState,
    auth::{AuthUser, MaybeAuthUser},
    error::{ApiError, ErrorEnvelope},
    http::{
        api_errors::{JsonBodyErrors, NeedsAuth, PageErrors, PlaylistErrors},
        extract::{ApiJson, ApiPath, ApiQuery, IfMatch},
    },
    playlists::{dto::PlaylistDto, routes::playlist_response, service::page_limit},
};

pub use super::history::{HistoryEntryDto, HistoryPage};

/// History paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Only versions below this one.
    pub before: Option<u64>,
    /// Page size, 1–100 (default 50).
    pub limit: Option<u32>,
}

/// Restore request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreRequest {
    /// The version to bring back (one of the last 100 or more).
    pub version: u64,
}

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(history)).routes(routes!(restore))
}

/// Who did what and when, newest first (anyone who may read the playlist).
#[utoipa::path(get, path = "/v1/playlists/{id}/history", tag = "sharing",
    params(("id" = String, Path, description = "Playlist id"), HistoryQuery),
    responses(
        (status = 200, description = "A page of history", body = HistoryPage),
        (status = 401, description = "Invalid credentials", body = ErrorEnvelope),
        (status = 404, description = "No such playlist, or the caller may not read it", body = ErrorEnvelope),
        PageErrors))]
async fn history(
    State(state): State<AppState>,
    caller: MaybeAuthUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<Json<HistoryPage>, ApiError> {
    let limit = page_limit(query.limit)?;
    let caller = caller.0.as_ref().map(|c| &c.user);
    Ok(Json(super::history::page(&state, caller, &id, query.before, limit).await?))
}

/// Bring back the items, name and description of an earlier version, as a new version (editors and up).
#[utoipa::path(post, path = "/v1/playlists/{id}/restore", tag = "sharing", request_body = RestoreRequest,
    params(("id" = String, Path, description = "Playlist id"),
           ("If-Match" = Option<String>, Header, description = "Expected version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses(
        (status = 200, description = "The playlist as restored", body = PlaylistDto),
        (status = 404, description = "No such playlist, or that version is not restorable (`version_not_found`)", body = ErrorEnvelope),
        JsonBodyErrors, NeedsAuth, PlaylistErrors))]
async fn restore(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    IfMatch(if_match): IfMatch,
    ApiJson(body): ApiJson<RestoreRequest>,
) -> Result<Response, ApiError> {
    let playlist = super::history::restore(&state, &caller.user, &id, body.version, if_match).await?;
    Ok(playlist_response(StatusCode::OK, &playlist))
}
