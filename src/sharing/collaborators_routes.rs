//! `/v1/playlists/{id}/collaborators…` and `/v1/playlists/{id}/transfer`.

use axum::{extract::State, http::StatusCode, response::Response, Json};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::collaborators::{self, Members, RoleRequest, TransferRequest};
use crate::{
    app::AppState,
    auth::{AuthUser, MaybeAuthUser},
    error::{ApiError, ErrorEnvelope},
    http::{
        api_errors::{JsonBodyErrors, NeedsAuth, PlaylistErrors},
        extract::{ApiJson, ApiPath, IfMatch},
    },
    playlists::{dto::PlaylistDto, routes::playlist_response},
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_collaborators))
        .routes(routes!(put_collaborator, delete_collaborator))
        .routes(routes!(transfer))
}

/// The owner and collaborators (anyone who may read the playlist).
#[utoipa::path(get, path = "/v1/playlists/{id}/collaborators", tag = "sharing",
    params(("id" = String, Path, description = "Playlist id")),
    responses(
        (status = 200, description = "Owner and collaborators", body = Members),
        (status = 401, description = "Invalid credentials", body = ErrorEnvelope),
        (status = 404, description = "No such playlist, or the caller may not read it", body = ErrorEnvelope)))]
async fn list_collaborators(
    State(state): State<AppState>,
    caller: MaybeAuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Members>, ApiError> {
    Ok(Json(collaborators::list(&state, caller.0.as_ref().map(|c| &c.user), &id).await?))
}

/// Grant a user a role, or change it (owner only).
#[utoipa::path(put, path = "/v1/playlists/{id}/collaborators/{username}", tag = "sharing", request_body = RoleRequest,
    params(("id" = String, Path, description = "Playlist id"), ("username" = String, Path, description = "Who"),
           ("If-Match" = Option<String>, Header, description = "Expected version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses(
        (status = 200, description = "Owner and collaborators after the change", body = Members),
        (status = 409, description = "That user is the owner", body = ErrorEnvelope),
        JsonBodyErrors, NeedsAuth, PlaylistErrors))]
async fn put_collaborator(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, username)): ApiPath<(String, String)>,
    IfMatch(if_match): IfMatch,
    ApiJson(body): ApiJson<RoleRequest>,
) -> Result<Json<Members>, ApiError> {
    Ok(Json(collaborators::set_role(&state, &caller.user, &id, &username, body.role, if_match).await?))
}

/// Remove a collaborator (the owner removes anyone; a collaborator may remove themselves to leave).
#[utoipa::path(delete, path = "/v1/playlists/{id}/collaborators/{username}", tag = "sharing",
    params(("id" = String, Path, description = "Playlist id"), ("username" = String, Path, description = "Who"),
           ("If-Match" = Option<String>, Header, description = "Expected version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 204, description = "Removed"), NeedsAuth, PlaylistErrors))]
async fn delete_collaborator(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, username)): ApiPath<(String, String)>,
    IfMatch(if_match): IfMatch,
) -> Result<StatusCode, ApiError> {
    collaborators::remove(&state, &caller.user, &id, &username, if_match).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Transfer ownership (owner only); the previous owner stays on as an editor.
#[utoipa::path(post, path = "/v1/playlists/{id}/transfer", tag = "sharing", request_body = TransferRequest,
    params(("id" = String, Path, description = "Playlist id"),
           ("If-Match" = Option<String>, Header, description = "Expected version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The playlist with its new owner", body = PlaylistDto), JsonBodyErrors, NeedsAuth, PlaylistErrors))]
async fn transfer(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    IfMatch(if_match): IfMatch,
    ApiJson(body): ApiJson<TransferRequest>,
) -> Result<Response, ApiError> {
    let playlist = collaborators::transfer(&state, &caller.user, &id, &body.username, if_match).await?;
    Ok(playlist_response(StatusCode::OK, &playlist))
}
