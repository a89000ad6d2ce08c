//! `GET /v1/playlists/{id}/review` and `POST /v1/playlists/{id}/items/{item_id}/match`.

use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::review::{self, MatchRequest, ReviewPage};
use crate::{
    app::AppState,
    auth::{AuthUser, MaybeAuthUser},
    error::{ApiError, ErrorEnvelope},
    http::{
        api_errors::{JsonBodyErrors, NeedsAuth, PageErrors, PlaylistErrors},
        extract::{etag, ApiJson, ApiPath, ApiQuery, IfMatch},
    },
    playlists::{
        dto::{ItemDto, PageQuery},
        service::page_limit,
    },
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(review_queue)).routes(routes!(decide_match))
}

/// The items whose match needs a decision (status `review`), with their candidates, best first.
#[utoipa::path(get, path = "/v1/playlists/{id}/review", tag = "matching",
    params(("id" = String, Path, description = "Playlist id"), PageQuery),
    responses((status = 200, description = "A page of the review queue", body = ReviewPage),
        (status = 401, description = "Invalid credentials (none are needed for unlisted and public playlists)", body = ErrorEnvelope),
        (status = 404, description = "No such playlist, or the caller may not read it", body = ErrorEnvelope), PageErrors))]
async fn review_queue(
    State(state): State<AppState>,
    caller: MaybeAuthUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Response, ApiError> {
    let limit = page_limit(query.limit)?;
    let page = review::queue(&state, caller.0.as_ref().map(|c| &c.user), &id, query.cursor.as_deref(), limit).await?;
    Ok(([(header::ETAG, etag(page.revision))], Json(page)).into_response())
}

/// Decide an item's match: `{"candidate": n}` takes its n-th candidate, `{"artist": …,
/// "title": …}` names the right track, `{"reject": true}` says none is. A change like any other
/// (version, history, `If-Match`); the decision is remembered, so the same line resolves the same
/// way the next time you import or add it.
#[utoipa::path(post, path = "/v1/playlists/{id}/items/{item_id}/match", tag = "matching", request_body = MatchRequest,
    params(("id" = String, Path, description = "Playlist id"), ("item_id" = String, Path, description = "Item id"),
           ("If-Match" = Option<String>, Header, description = "Expected version (ETag)")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The item after the decision", body = ItemDto, headers(("ETag" = String))),
        JsonBodyErrors, NeedsAuth, PlaylistErrors))]
async fn decide_match(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, item_id)): ApiPath<(String, String)>,
    IfMatch(if_match): IfMatch,
    ApiJson(body): ApiJson<MatchRequest>,
) -> Result<Response, ApiError> {
    let (revision, item) = review::decide(&state, &caller.user, &id, &item_id, if_match, body).await?;
    Ok(([(header::ETAG, etag(revision))], Json(item)).into_response())
}
