//! `/v1/playlists/{id}/items…`.

use axum::{
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    dto::{PageQuery, PlaylistDto},
    items::{self, AddItems, AddItemsResponse, ItemPage, MoveItem, RefreshResponse},
    routes::playlist_response,
    service::page_limit,
};
use crate::{
    app::AppState,
    auth::{AuthUser, MaybeAuthUser},
    error::{ApiError, ErrorEnvelope},
    http::api_errors::{JsonBodyErrors, NeedsAuth, PageErrors, PlaylistErrors},
    http::conditional::{self, CachePolicy},
    http::extract::{etag, ApiJson, ApiPath, ApiQuery, IfMatch},
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(add_items, list_items))
        .routes(routes!(remove_item))
        .routes(routes!(move_item))
        .routes(routes!(refresh_items))
}

/// Add up to 500 tracks, at the end or at `position`.
#[utoipa::path(post, path = "/v1/playlists/{id}/items", tag = "items", request_body = AddItems,
    params(("id" = String, Path, description = "Playlist id"),
           ("If-Match" = Option<String>, Header, description = "Expected version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "What was added and skipped", body = AddItemsResponse, headers(("ETag" = String))),
        (status = 409, description = "A duplicate with on_duplicate=reject; nothing added", body = ErrorEnvelope),
        JsonBodyErrors, NeedsAuth, PlaylistErrors))]
async fn add_items(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    IfMatch(if_match): IfMatch,
    ApiJson(body): ApiJson<AddItems>,
) -> Result<Response, ApiError> {
    let (playlist, outcome) = items::add(&state, &caller.user, &id, if_match, body).await?;
    Ok(([(header::ETAG, etag(playlist.meta.revision()))], Json(outcome)).into_response())
}

/// A page of items, in order.
#[utoipa::path(get, path = "/v1/playlists/{id}/items", tag = "items",
    params(("id" = String, Path, description = "Playlist id"), PageQuery),
    responses((status = 200, description = "A page of items", body = ItemPage),
        (status = 401, description = "Invalid credentials (none are needed for unlisted and public playlists)", body = ErrorEnvelope),
        (status = 404, description = "No such playlist, or the caller may not read it", body = ErrorEnvelope), PageErrors))]
async fn list_items(
    State(state): State<AppState>,
    caller: MaybeAuthUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
    request: HeaderMap,
) -> Result<Response, ApiError> {
    let limit = page_limit(query.limit)?;
    let caller = caller.0.as_ref().map(|c| &c.user);
    let page = items::list(&state, caller, &id, query.cursor.as_deref(), limit).await?;
    let tag = etag(page.revision);
    Ok(conditional::respond(&request, &tag, CachePolicy::Private, "application/json", Json(page)))
}

/// Remove one item by its id.
#[utoipa::path(delete, path = "/v1/playlists/{id}/items/{item_id}", tag = "items",
    params(("id" = String, Path, description = "Playlist id"), ("item_id" = String, Path, description = "Item id"),
           ("If-Match" = Option<String>, Header, description = "Expected version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 204, description = "Removed", headers(("ETag" = String))),
        (status = 400, description = "Malformed If-Match", body = ErrorEnvelope), NeedsAuth, PlaylistErrors))]
async fn remove_item(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, item_id)): ApiPath<(String, String)>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    let playlist = items::remove(&state, &caller.user, &id, &item_id, if_match).await?;
    Ok((StatusCode::NO_CONTENT, [(header::ETAG, etag(playlist.meta.revision()))]).into_response())
}

/// Move one item (by id) to a new index.
#[utoipa::path(post, path = "/v1/playlists/{id}/items/{item_id}/move", tag = "items", request_body = MoveItem,
    params(("id" = String, Path, description = "Playlist id"), ("item_id" = String, Path, description = "Item id"),
           ("If-Match" = Option<String>, Header, description = "Expected version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The playlist after the move", body = PlaylistDto, headers(("ETag" = String))),
        JsonBodyErrors, NeedsAuth, PlaylistErrors))]
async fn move_item(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, item_id)): ApiPath<(String, String)>,
    IfMatch(if_match): IfMatch,
    ApiJson(body): ApiJson<MoveItem>,
) -> Result<Response, ApiError> {
    let playlist = items::move_to(&state, &caller.user, &id, &item_id, body.position, if_match).await?;
    Ok(playlist_response(StatusCode::OK, &playlist))
}

/// Re-enrich every item from Last.fm data (in the background).
#[utoipa::path(post, path = "/v1/playlists/{id}/items/refresh", tag = "items",
    params(("id" = String, Path, description = "Playlist id"),
           ("If-Match" = Option<String>, Header, description = "Expected version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses(
        (status = 202, description = "Items queued; they turn `enriched` or `not_found` shortly", body = RefreshResponse),
        (status = 400, description = "Malformed If-Match", body = ErrorEnvelope),
        (status = 503, description = "No Last.fm API key configured", body = ErrorEnvelope),
        NeedsAuth, PlaylistErrors))]
async fn refresh_items(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    let outcome = items::refresh(&state, &caller.user, &id, if_match).await?;
    Ok((StatusCode::ACCEPTED, [(header::ETAG, etag(outcome.revision))], Json(outcome)).into_response())
}
