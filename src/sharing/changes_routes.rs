//! `GET /v1/playlists/{id}/changes`.

use axum::{extract::State, Json};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::changes::{self, ChangesPage, PAGE_MAX};
use crate::{
    app::AppState,
    auth::MaybeAuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{
        api_errors::PageErrors,
        extract::{ApiPath, ApiQuery},
    },
    playlists::service::bounded_limit,
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(playlist_changes))
}

/// Where to start.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    /// The version you have: changes after it are answered (0 for everything still kept).
    pub since: u64,
    /// Changes a page, 1-100 (default 100).
    pub limit: Option<u32>,
}

/// What changed after `since`, in order: items added, removed, moved, matched; name and
/// description edits; restores; and, for owners and editors, collaborator, visibility and owner
/// changes. Follow `next_since` to the current `version`. When `since` is older than the feed
/// keeps (at least the last 100 versions), 410 with `oldest_version`: reload the playlist.
#[utoipa::path(get, path = "/v1/playlists/{id}/changes", tag = "sharing",
    params(("id" = String, Path, description = "Playlist id"), ChangesQuery),
    responses(
        (status = 200, description = "Changes after `since`, oldest first", body = ChangesPage),
        (status = 401, description = "Invalid credentials", body = ErrorEnvelope),
        (status = 404, description = "No such playlist, or the caller may not read it", body = ErrorEnvelope),
        (status = 410, description = "`since` is older than the feed keeps (`changes_expired`, with `oldest_version`)", body = ErrorEnvelope),
        PageErrors))]
async fn playlist_changes(
    State(state): State<AppState>,
    caller: MaybeAuthUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> Result<Json<ChangesPage>, ApiError> {
    let limit = bounded_limit("limit", query.limit, PAGE_MAX as u32, PAGE_MAX as u32)?;
    Ok(Json(changes::after(&state, caller.0.as_ref().map(|c| &c.user), &id, query.since, limit).await?))
}
