//! `GET /v1/playlists/{id}/history` and `POST /v1/playlists/{id}/restore`.

use std::{collections::HashMap, sync::Arc};

use axum::{extract::State, http::StatusCode, response::Response, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
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
    playlists::{
        access::Action,
        dto::PlaylistDto,
        history::{self, ChangeSummary, RESTORABLE_VERSIONS},
        model::Item,
        routes::playlist_response,
        service::page_limit,
        write::{self, load},
    },
};

/// One history entry.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HistoryEntryDto {
    /// The version the write produced.
    pub version: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (username; `sharify` for background enrichment).
    pub actor: String,
    /// The operation, e.g. `add_items`, `update`, `restore`.
    pub op: String,
    /// What changed.
    pub summary: ChangeSummary,
}

/// A page of history, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HistoryPage {
    /// Entries, newest first.
    pub entries: Vec<HistoryEntryDto>,
    /// Pass as `before` for the next page.
    pub next_before: Option<u64>,
}

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
    load(&state, caller.0.as_ref().map(|c| &c.user), &id, Action::Read).await?;
    let mut rows = state.store.history(&id, query.before, limit + 1).await?;
    let next_before = (rows.len() > limit).then(|| {
        rows.truncate(limit);
        rows.last().map(|e| e.version)
    });
    let entries = rows
        .into_iter()
        .map(|e| HistoryEntryDto { version: e.version, at: e.at, actor: e.actor, op: e.op, summary: e.summary })
        .collect();
    Ok(Json(HistoryPage { entries, next_before: next_before.flatten() }))
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
    load(&state, Some(&caller.user), &id, Action::Edit).await?;
    let chain = state.store.restore_chain(&id, body.version).await?;
    let snapshot = history::rebuild(&chain, body.version).ok_or_else(|| {
        ApiError::not_found(
            "version_not_found",
            format!("version {} is not restorable (the last {RESTORABLE_VERSIONS} versions are kept)", body.version),
        )
    })?;
    let (playlist, ()) = write::modify(&state, &caller.user, &id, if_match, Action::Edit, "restore", |p| {
        p.meta.name.clone_from(&snapshot.name);
        p.meta.description.clone_from(&snapshot.description);
        let same_items = p.items().len() == snapshot.items.len()
            && p.items().iter().zip(&snapshot.items).all(|(a, b)| a.item_id == b.item_id);
        if !same_items {
            // Items still present keep what enrichment learned since; others come back as they were.
            let now: HashMap<&str, &Arc<Item>> = p.items().iter().map(|i| (i.item_id.as_str(), i)).collect();
            let items: Vec<Item> = snapshot
                .items
                .iter()
                .map(|old| Item::clone(now.get(old.item_id.as_str()).copied().unwrap_or(old)))
                .collect();
            p.replace_all(items);
        }
        Ok(())
    })
    .await?;
    Ok(playlist_response(StatusCode::OK, &playlist))
}
