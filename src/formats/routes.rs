//! `GET /v1/playlists/{id}/export`: the playlist as a file, streamed.

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderMap, HeaderValue},
    response::Response,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::export::{content_disposition, stream_body, ExportFormat, ExportHead};
use crate::{
    app::AppState,
    auth::MaybeAuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{
        conditional::{self, CachePolicy},
        extract::{etag_of, ApiPath, ApiQuery},
    },
    playlists::{access::Action, write::load},
    sharing::page::owner_name,
};

/// Which format to export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `jspf`, `xspf`, `m3u8` or `csv`.
    pub format: ExportFormat,
}

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export))
}

/// The playlist as a file (anyone who may read it): JSPF, XSPF, extended M3U or CSV, with every
/// track's artist, title, album, duration, MusicBrainz id and Last.fm page, and sharify's ids.
#[utoipa::path(get, path = "/v1/playlists/{id}/export", tag = "playlists",
    params(("id" = String, Path, description = "Playlist id"), ExportQuery),
    responses(
        (status = 200, description = "The file (`Content-Disposition: attachment`)", content(
            (Object = "application/jspf+json"), (String = "application/xspf+xml"),
            (String = "audio/x-mpegurl"), (String = "text/csv"))),
        (status = 304, description = "Not modified (`If-None-Match`)"),
        (status = 400, description = "Unknown `format`", body = ErrorEnvelope),
        (status = 401, description = "Invalid credentials (none are needed for unlisted and public playlists)", body = ErrorEnvelope),
        (status = 404, description = "No such playlist, or the caller may not read it", body = ErrorEnvelope)))]
async fn export(
    State(state): State<AppState>,
    caller: MaybeAuthUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<ExportQuery>,
    request: HeaderMap,
) -> Result<Response, ApiError> {
    let playlist = load(&state, caller.0.as_ref().map(|c| &c.user), &id, Action::Read).await?;
    let format = query.format;
    let tag = etag_of(playlist.meta.revision(), format.extension());
    let head = ExportHead { creator: owner_name(&state, &playlist).await, location: format!("/p/{id}") };
    let disposition = content_disposition(&playlist.meta.name, format);
    let body = Body::from_stream(stream_body(playlist, head, format));
    let mut response = conditional::respond(&request, &tag, CachePolicy::Private, format.media_type(), body);
    if response.status().is_success() {
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}
