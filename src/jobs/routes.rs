//! `POST /v1/playlists/generate`.

use axum::{extract::State, http::StatusCode, Json};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::generate::{self, GenerateReport, GenerateRequest};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{
        api_errors::{JsonBodyErrors, NeedsAuth},
        extract::ApiJson,
    },
    playlists::dto::PlaylistDto,
    tracks::charged::Patience,
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(generate_playlist))
}

/// A generated playlist and how it was made.
#[derive(Debug, Serialize, ToSchema)]
pub struct Generated {
    /// The playlist.
    pub playlist: PlaylistDto,
    /// Each artist's resolution with its confidence, the shows read, counts.
    pub report: GenerateReport,
}

/// Generates a playlist from artist names (messy ones are resolved by fuzzy matching, each with
/// its confidence), a Last.fm tag, upcoming shows near a place (SeatGeek: mainly the US and
/// Canada) or your top tracks of a period. With `playlist_id`, regenerates into that playlist
/// (its items are replaced; recorded in history).
#[utoipa::path(post, path = "/v1/playlists/generate", tag = "playlists", request_body = GenerateRequest,
    security(("bearer" = []), ("basic" = [])),
    responses((status = 201, description = "The playlist and the report", body = Generated), JsonBodyErrors, NeedsAuth,
        (status = 403, description = "You may not change the playlist to regenerate into", body = ErrorEnvelope),
        (status = 404, description = "No such playlist to regenerate into", body = ErrorEnvelope),
        (status = 502, description = "The concert listings failed", body = ErrorEnvelope),
        (status = 503, description = "Last.fm or SeatGeek is not configured or unavailable", body = ErrorEnvelope)))]
async fn generate_playlist(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(body): ApiJson<GenerateRequest>,
) -> Result<(StatusCode, Json<Generated>), ApiError> {
    let (id, report) = generate::generate(&state, &caller.user, &body, None, Patience::Refuse).await?;
    let playlist = crate::playlists::write::current(&state, &id).await?;
    Ok((StatusCode::CREATED, Json(Generated { playlist: PlaylistDto::from(&*playlist), report })))
}
