//! `GET /v1/tracks/lookup`, `GET /v1/tracks/search`.

use axum::{extract::State, Json};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{model::TrackMeta, service::Lookup};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{api_errors::NeedsAuth, extract::ApiQuery},
    limits,
};

/// Lookup parameters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// Artist name (any spelling; Last.fm autocorrects).
    pub artist: String,
    /// Track title.
    pub title: String,
}

/// Search parameters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to search for.
    pub q: String,
    /// Results, 1–50 (default 10).
    pub limit: Option<u32>,
}

pub use super::catalog_search::{SearchResults, TrackHitDto};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(lookup)).routes(routes!(search))
}

fn field(value: &str, name: &str) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > limits::TRACK_FIELD_MAX_CHARS {
        return Err(ApiError::bad_request("invalid_query", format!("{name} must be 1-500 characters")));
    }
    Ok(v.to_owned())
}

/// Look a track up (from the cache, or Last.fm).
#[utoipa::path(get, path = "/v1/tracks/lookup", tag = "tracks", params(LookupQuery),
    security(("bearer" = []), ("basic" = [])),
    responses(
        (status = 200, description = "What Last.fm knows about the track", body = TrackMeta),
        (status = 400, description = "Missing or empty artist or title", body = ErrorEnvelope),
        (status = 404, description = "Last.fm does not know the track (`track_not_found`)", body = ErrorEnvelope),
        (status = 502, description = "Last.fm gave an unexpected answer", body = ErrorEnvelope),
        (status = 503, description = "No API key, or Last.fm unavailable (`enrichment_unavailable`)", body = ErrorEnvelope),
        NeedsAuth))]
async fn lookup(
    State(state): State<AppState>,
    _caller: AuthUser,
    ApiQuery(query): ApiQuery<LookupQuery>,
) -> Result<Json<TrackMeta>, ApiError> {
    let (artist, title) = (field(&query.artist, "artist")?, field(&query.title, "title")?);
    match state.tracks.lookup(&artist, &title).await? {
        Lookup::Found(meta, _) => Ok(Json(TrackMeta::clone(&meta))),
        Lookup::NotFound(_) => Err(ApiError::not_found("track_not_found", "Last.fm does not know this track")),
    }
}

/// Search Last.fm for tracks.
#[utoipa::path(get, path = "/v1/tracks/search", tag = "tracks", params(SearchQuery),
    security(("bearer" = []), ("basic" = [])),
    responses(
        (status = 200, description = "Matches, best first", body = SearchResults),
        (status = 400, description = "Missing q or bad limit", body = ErrorEnvelope),
        (status = 429, description = "The caller's share of Last.fm calls is spent (cached answers still work)", body = ErrorEnvelope),
        (status = 502, description = "Last.fm gave an unexpected answer", body = ErrorEnvelope),
        (status = 503, description = "No API key, or Last.fm unavailable", body = ErrorEnvelope),
        NeedsAuth))]
async fn search(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<SearchResults>, ApiError> {
    let q = field(&query.q, "q")?;
    let limit = match query.limit.unwrap_or(10) {
        n @ 1..=50 => n,
        _ => return Err(ApiError::bad_request("invalid_query", "limit must be between 1 and 50")),
    };
    let results = super::catalog_search::search(&state, &caller.user.id, &q, limit).await?;
    Ok(Json(results))
}
