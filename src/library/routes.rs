//! `/v1/folders…`, `/v1/tags` and `/v1/library/search`.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    folders::{self, FolderDto, FolderList, FolderPatch, NewFolder},
    search::{self, LibrarySearchResults, SearchQuery},
};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::api_errors::{JsonBodyErrors, NeedsAuth, PageErrors},
    http::extract::{ApiJson, ApiPath, ApiQuery},
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_folder, list_folders))
        .routes(routes!(get_folder, patch_folder, delete_folder))
        .routes(routes!(list_tags))
        .routes(routes!(search_library))
}

/// Create a folder (at the top level or inside `parent`; at most 5 deep).
#[utoipa::path(post, path = "/v1/folders", tag = "library", request_body = NewFolder,
    security(("bearer" = []), ("basic" = [])),
    responses((status = 201, description = "Created; `Location` names it", body = FolderDto, headers(("Location" = String))),
        (status = 404, description = "The parent is not one of your folders", body = ErrorEnvelope),
        (status = 409, description = "The parent already holds a folder of that name", body = ErrorEnvelope),
        JsonBodyErrors, NeedsAuth))]
async fn create_folder(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(body): ApiJson<NewFolder>,
) -> Result<Response, ApiError> {
    let folder = folders::create(&state, &caller.user, body).await?;
    let location = format!("/v1/folders/{}", folder.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(folder)).into_response())
}

/// All of your folders, parents first, siblings by name.
#[utoipa::path(get, path = "/v1/folders", tag = "library", security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Your folders", body = FolderList), NeedsAuth))]
async fn list_folders(State(state): State<AppState>, caller: AuthUser) -> Result<Json<FolderList>, ApiError> {
    Ok(Json(folders::list(&state, &caller.user).await?))
}

/// One of your folders (list its playlists with `GET /v1/playlists?folder={id}`).
#[utoipa::path(get, path = "/v1/folders/{id}", tag = "library",
    params(("id" = String, Path, description = "Folder id")), security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The folder", body = FolderDto),
        (status = 404, description = "No such folder of yours", body = ErrorEnvelope), NeedsAuth))]
async fn get_folder(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<FolderDto>, ApiError> {
    Ok(Json(folders::get(&state, &caller.user, &id).await?))
}

/// Rename a folder or move it (`parent`: another folder, or null for the top level).
#[utoipa::path(patch, path = "/v1/folders/{id}", tag = "library", request_body = FolderPatch,
    params(("id" = String, Path, description = "Folder id")), security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The folder after the change", body = FolderDto),
        (status = 404, description = "No such folder (or parent) of yours", body = ErrorEnvelope),
        (status = 409, description = "The parent already holds a folder of that name", body = ErrorEnvelope),
        JsonBodyErrors, NeedsAuth))]
async fn patch_folder(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<FolderPatch>,
) -> Result<Json<FolderDto>, ApiError> {
    Ok(Json(folders::patch(&state, &caller.user, &id, body).await?))
}

/// Delete a folder: its playlists and subfolders move to its parent; no playlist is deleted.
#[utoipa::path(delete, path = "/v1/folders/{id}", tag = "library",
    params(("id" = String, Path, description = "Folder id")), security(("bearer" = []), ("basic" = [])),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No such folder of yours", body = ErrorEnvelope), NeedsAuth))]
async fn delete_folder(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    folders::delete(&state, &caller.user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One of your tags.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TagCount {
    /// The tag.
    pub tag: String,
    /// How many of your playlists carry it.
    pub playlists: usize,
}

/// Your tags.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TagList {
    /// Most used first, then by name.
    pub tags: Vec<TagCount>,
}

/// Your tags, with how many playlists carry each (list them with `GET /v1/playlists?tag=`).
#[utoipa::path(get, path = "/v1/tags", tag = "library", security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Your tags", body = TagList), NeedsAuth))]
async fn list_tags(State(state): State<AppState>, caller: AuthUser) -> Result<Json<TagList>, ApiError> {
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for placement in state.store.all_placements(&caller.user.id).await? {
        for tag in placement.tags {
            *counts.entry(tag).or_default() += 1;
        }
    }
    let mut tags: Vec<TagCount> = counts.into_iter().map(|(tag, playlists)| TagCount { tag, playlists }).collect();
    tags.sort_by(|a, b| b.playlists.cmp(&a.playlists).then_with(|| a.tag.cmp(&b.tag)));
    Ok(Json(TagList { tags }))
}

/// Search your library: your playlists (owned and shared with you) by name, description and
/// your tags, and the tracks in them by artist, title and album, with the playlists holding each.
#[utoipa::path(get, path = "/v1/library/search", tag = "library", params(SearchQuery),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "What matched", body = LibrarySearchResults),
        (status = 400, description = "No or too long `q`, bad `in`, `limit` or `cursor`", body = ErrorEnvelope),
        PageErrors, NeedsAuth))]
async fn search_library(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<LibrarySearchResults>, ApiError> {
    Ok(Json(search::search(&state, &caller.user, query).await?))
}
