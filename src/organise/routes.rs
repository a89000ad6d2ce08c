//! `POST /v1/playlists/{id}/items/bulk`, `…/sort`, `…/dedupe`, `…/split` and
//! `POST /v1/playlists/merge`.

use axum::{
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    bulk::{self, BulkItems, BulkResult},
    dedupe::{self, DedupeRequest, DedupeResult},
    merge::{self, MergeRequest},
    sort::{self, SortRequest, SortResult},
    split::{self, SplitRequest, SplitResult},
};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::api_errors::{JsonBodyErrors, NeedsAuth, PlaylistErrors},
    http::extract::{etag, ApiJson, ApiPath, IfMatch},
    http::idempotency,
    playlists::{dto::PlaylistDto, dto::PlaylistSummaryDto, routes::playlist_response},
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(bulk_items))
        .routes(routes!(sort_items))
        .routes(routes!(dedupe_items))
        .routes(routes!(merge_playlists))
        .routes(routes!(split_playlist))
}

fn with_etag<T: serde::Serialize>(revision: crate::playlists::model::Revision, body: T) -> Response {
    (StatusCode::OK, [(header::ETAG, etag(revision))], Json(body)).into_response()
}

/// Remove many items (`remove`), or move many together (`move`, before `before` or to the end),
/// as one change.
#[utoipa::path(post, path = "/v1/playlists/{id}/items/bulk", tag = "organise", request_body = BulkItems,
    params(("id" = String, Path, description = "Playlist id"),
           ("If-Match" = Option<String>, Header, description = "Expected version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Done, as one new version", body = BulkResult, headers(("ETag" = String))),
        JsonBodyErrors, NeedsAuth, PlaylistErrors))]
async fn bulk_items(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    IfMatch(if_match): IfMatch,
    ApiJson(body): ApiJson<BulkItems>,
) -> Result<Response, ApiError> {
    let (playlist, result) = bulk::apply(&state, &caller.user, &id, if_match, body).await?;
    Ok(with_etag(playlist.meta.revision(), result))
}

/// Sort every item by `artist`, `title`, `album`, `added_at`, `duration` or `random` (a seeded
/// shuffle), as one change (editors and owners).
#[utoipa::path(post, path = "/v1/playlists/{id}/sort", tag = "organise", request_body = SortRequest,
    params(("id" = String, Path, description = "Playlist id"),
           ("If-Match" = Option<String>, Header, description = "Expected version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Sorted (one new version, none when already in order)", body = SortResult, headers(("ETag" = String))),
        JsonBodyErrors, NeedsAuth, PlaylistErrors))]
async fn sort_items(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    IfMatch(if_match): IfMatch,
    ApiJson(body): ApiJson<SortRequest>,
) -> Result<Response, ApiError> {
    let (playlist, result) = sort::sort(&state, &caller.user, &id, if_match, body).await?;
    Ok(with_etag(playlist.meta.revision(), result))
}

/// Remove repeats of the same recording (`by: recording`) or spelling (`by: text`), keeping the
/// first or last, as one change; `dry_run` only answers what would go.
#[utoipa::path(post, path = "/v1/playlists/{id}/dedupe", tag = "organise", request_body = DedupeRequest,
    params(("id" = String, Path, description = "Playlist id"),
           ("If-Match" = Option<String>, Header, description = "Expected version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "What was (or would be) removed", body = DedupeResult, headers(("ETag" = String))),
        JsonBodyErrors, NeedsAuth, PlaylistErrors))]
async fn dedupe_items(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    IfMatch(if_match): IfMatch,
    ApiJson(body): ApiJson<DedupeRequest>,
) -> Result<Response, ApiError> {
    let (playlist, result) = dedupe::dedupe(&state, &caller.user, &id, if_match, body).await?;
    Ok(with_etag(playlist.meta.revision(), result))
}

/// Merge playlists you can read into a new private one of yours (sources untouched).
#[utoipa::path(post, path = "/v1/playlists/merge", tag = "organise", request_body = MergeRequest,
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Retrying with the same key returns the first answer and creates nothing again (24 h)")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 201, description = "The new playlist; `Location` names it", body = PlaylistDto,
            headers(("Location" = String), ("ETag" = String))),
        (status = 404, description = "A source does not exist or you may not read it", body = ErrorEnvelope),
        JsonBodyErrors, NeedsAuth))]
async fn merge_playlists(
    State(state): State<AppState>,
    caller: AuthUser,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MergeRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency::key_of(&headers)?;
    let print = idempotency::fingerprint("POST /v1/playlists/merge", &serde_json::to_vec(&body).unwrap_or_default());
    idempotency::once(&state, &caller.user.id, key, print, || async {
        let merged = merge::merge(&state, &caller.user, body).await?;
        let mut response = playlist_response(StatusCode::CREATED, &merged);
        let location = format!("/v1/playlists/{}", merged.meta.id);
        response.headers_mut().insert(header::LOCATION, location.parse().map_err(ApiError::internal)?);
        Ok(response)
    })
    .await
}

/// Split a playlist you can read into new private ones of yours, by artist or in parts of
/// `size` items (the source untouched; at most 100 at once).
#[utoipa::path(post, path = "/v1/playlists/{id}/split", tag = "organise", request_body = SplitRequest,
    params(("id" = String, Path, description = "Playlist id"),
        ("Idempotency-Key" = Option<String>, Header,
        description = "Retrying with the same key returns the first answer and creates nothing again (24 h)")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 201, description = "The new playlists", body = SplitResult),
        JsonBodyErrors, NeedsAuth, PlaylistErrors))]
async fn split_playlist(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SplitRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency::key_of(&headers)?;
    let raw = format!("{id}:{:?}:{:?}", body.by, body.size);
    let print = idempotency::fingerprint("POST /v1/playlists/{id}/split", raw.as_bytes());
    idempotency::once(&state, &caller.user.id, key, print, || async {
        let parts = split::split(&state, &caller.user, &id, body).await?;
        let playlists = parts.iter().map(|p| PlaylistSummaryDto::from(&p.meta)).collect();
        Ok((StatusCode::CREATED, Json(SplitResult { playlists })).into_response())
    })
    .await
}
