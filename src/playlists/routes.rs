//! `/v1/playlists` and `/v1/playlists/{id}`.

use axum::{
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    dto::{
        ListQuery, NewPlaylist, PlaylistDto, PlaylistPage, PlaylistPatch, PlaylistSummaryDto, PublicQuery, ReadQuery,
    },
    item_pages,
    model::ListScope,
    service,
};
use crate::{
    app::AppState,
    auth::{AuthUser, MaybeAuthUser},
    error::{ApiError, ErrorEnvelope},
    http::api_errors::{JsonBodyErrors, NeedsAuth, PageErrors, PlaylistErrors},
    http::conditional::{self, CachePolicy},
    http::extract::{etag, ApiJson, ApiPath, ApiQuery, IfMatch},
    http::idempotency,
    library::placement,
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_playlist, list_playlists))
        .routes(routes!(list_public_playlists))
        .routes(routes!(get_playlist, patch_playlist, delete_playlist))
}

/// A whole-playlist response with its `ETag`.
pub fn playlist_response(status: StatusCode, playlist: &super::model::Playlist) -> Response {
    (status, [(header::ETAG, etag(playlist.meta.revision()))], Json(PlaylistDto::from(playlist))).into_response()
}

/// Create a playlist.
#[utoipa::path(post, path = "/v1/playlists", tag = "playlists", request_body = NewPlaylist,
    security(("bearer" = []), ("basic" = [])),
    responses((status = 201, description = "Created; `Location` names it", body = PlaylistDto,
            headers(("Location" = String), ("ETag" = String))), JsonBodyErrors, NeedsAuth,
        (status = 409, description = "A request with this `Idempotency-Key` is still running", body = ErrorEnvelope)),
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Retrying with the same key returns the first answer and creates nothing again (24 h)")))]
async fn create_playlist(
    State(state): State<AppState>,
    caller: AuthUser,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewPlaylist>,
) -> Result<Response, ApiError> {
    let key = idempotency::key_of(&headers)?;
    let print = idempotency::fingerprint("POST /v1/playlists", &serde_json::to_vec(&body).unwrap_or_default());
    idempotency::once(&state, &caller.user.id, key, print, || async {
        let playlist = service::create(&state, &caller.user, body).await?;
        let mut response = playlist_response(StatusCode::CREATED, &playlist);
        let location = format!("/v1/playlists/{}", playlist.meta.id);
        response.headers_mut().insert(header::LOCATION, location.parse().map_err(ApiError::internal)?);
        Ok(response)
    })
    .await
}

/// The caller's playlists (`scope`: owned, shared with them, or all; `folder` and `tag`: only
/// those you filed or tagged so), most recently updated first, each with your folder and tags.
#[utoipa::path(get, path = "/v1/playlists", tag = "playlists", params(ListQuery),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "A page of playlists", body = PlaylistPage), PageErrors, NeedsAuth,
        (status = 404, description = "`folder` is not one of your folders", body = ErrorEnvelope)))]
async fn list_playlists(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<PlaylistPage>, ApiError> {
    let limit = service::page_limit(query.limit)?;
    let user = &caller.user;
    let cursor = query.cursor.as_deref();
    let (rows, next_cursor) = if query.folder.is_some() || query.tag.is_some() {
        let scope = query.scope.unwrap_or(ListScope::All);
        placement::list_filed(&state, user, scope, query.folder.as_deref(), query.tag.as_deref(), cursor, limit).await?
    } else {
        service::list_for(&state, user, query.scope.unwrap_or_default(), cursor, limit).await?
    };
    let playlists = placement::with_placements(&state, user, &rows).await?;
    Ok(Json(PlaylistPage { playlists, next_cursor }))
}

/// Search public playlists by name and description (no account needed).
#[utoipa::path(get, path = "/v1/playlists/public", tag = "playlists", params(PublicQuery),
    responses((status = 200, description = "A page of public playlists, most recently updated first", body = PlaylistPage), PageErrors))]
async fn list_public_playlists(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<PublicQuery>,
) -> Result<Json<PlaylistPage>, ApiError> {
    let limit = service::page_limit(query.limit)?;
    let (rows, next_cursor) = service::list_public(&state, query.q.as_deref(), query.cursor.as_deref(), limit).await?;
    Ok(Json(PlaylistPage { playlists: rows.iter().map(PlaylistSummaryDto::from).collect(), next_cursor }))
}

/// Read a playlist with its items (anonymous callers may read unlisted and public ones).
#[utoipa::path(get, path = "/v1/playlists/{id}", tag = "playlists",
    params(("id" = String, Path, description = "Playlist id"), ReadQuery,
           ("If-None-Match" = Option<String>, Header, description = "An ETag you hold: 304 if it is current")),
    responses((status = 200, description = "The playlist", body = PlaylistDto, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified: your copy (If-None-Match) is current", headers(("ETag" = String))),
        (status = 400, description = "items_limit out of range", body = ErrorEnvelope),
        (status = 401, description = "Invalid credentials (none are needed for unlisted and public playlists)", body = ErrorEnvelope),
        (status = 404, description = "No such playlist, or the caller may not read it", body = ErrorEnvelope)))]
async fn get_playlist(
    State(state): State<AppState>,
    caller: MaybeAuthUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<ReadQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let items = item_pages::embedded_limit(query.items_limit)?;
    let body = service::get_body(&state, caller.0.as_ref().map(|c| &c.user), &id, items).await?;
    let tag = etag(body.meta.revision());
    Ok(conditional::respond(&headers, &tag, CachePolicy::Private, "application/json", body.json.clone()))
}

/// Change name, description or visibility (for everyone), or your own folder and tags for it.
#[utoipa::path(patch, path = "/v1/playlists/{id}", tag = "playlists", request_body = PlaylistPatch,
    params(("id" = String, Path, description = "Playlist id"),
           ("If-Match" = Option<String>, Header, description = "Expected version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The updated playlist", body = PlaylistDto, headers(("ETag" = String))),
        JsonBodyErrors, NeedsAuth, PlaylistErrors))]
async fn patch_playlist(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    IfMatch(if_match): IfMatch,
    ApiJson(body): ApiJson<PlaylistPatch>,
) -> Result<Response, ApiError> {
    let (playlist, placement) = service::patch(&state, &caller.user, &id, if_match, body).await?;
    let mut dto = PlaylistDto::from(&*playlist);
    dto.summary.placement = placement;
    Ok((StatusCode::OK, [(header::ETAG, etag(playlist.meta.revision()))], Json(dto)).into_response())
}

/// Delete a playlist.
#[utoipa::path(delete, path = "/v1/playlists/{id}", tag = "playlists",
    params(("id" = String, Path, description = "Playlist id"),
           ("If-Match" = Option<String>, Header, description = "Expected version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 204, description = "Deleted"),
        (status = 400, description = "Malformed If-Match", body = ErrorEnvelope), NeedsAuth, PlaylistErrors))]
async fn delete_playlist(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    IfMatch(if_match): IfMatch,
) -> Result<StatusCode, ApiError> {
    service::delete(&state, &caller.user, &id, if_match).await?;
    Ok(StatusCode::NO_CONTENT)
}
