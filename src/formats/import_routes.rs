//! `POST /v1/playlists/import` and `POST /v1/playlists/{id}/import`: a playlist file in, an
//! import report out.

use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    import,
    import_runs::{self, ImportTarget},
    importer::{import_into, import_new, ImportQuery, ImportReport},
};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{
        extract::{etag, ApiPath, ApiQuery, IfMatch},
        idempotency,
    },
    playlists::{access::Action, write::load},
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import_playlist)).routes(routes!(import_into_playlist))
}

/// Reads the body up to `import.max_bytes`: 413 at once when `Content-Length` says it is larger,
/// else as soon as more arrives.
async fn read_body(state: &AppState, headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let max = state.config.import.max_bytes;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            format!("the file is larger than the import limit of {max} bytes (import.max_bytes)"),
        )
    };
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, max).await.map_err(|_| too_large())
}

/// Import a playlist from a music platform by its link.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LinkImport {
    /// A playlist link: Deezer, YouTube / YouTube Music, Spotify (needs a linked account) or Apple
    /// Music (recognised, not yet importable).
    pub url: String,
}

/// The link of a `{"url": …}` body (an import from a platform), if it is one.
fn link_of(bytes: &[u8], format: Option<super::export::ExportFormat>) -> Result<Option<String>, ApiError> {
    let looks_like_json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if format.is_none() && looks_like_json {
        if let Ok(serde_json::Value::Object(body)) = serde_json::from_slice::<serde_json::Value>(bytes) {
            if let Some(url) = body.get("url") {
                let url = url.as_str().ok_or_else(|| {
                    ApiError::invalid("invalid_link", "url must be a string: the playlist's link on its platform")
                })?;
                return Ok(Some(url.to_owned()));
            }
        }
    }
    Ok(None)
}

/// The playlist file in the body.
async fn read_file(
    bytes: &[u8],
    (format, header): (Option<super::export::ExportFormat>, import::CsvHeader),
    headers: &HeaderMap,
) -> Result<import::ParsedFile, ApiError> {
    // Decoding and parsing a file of up to the size limit is CPU work: off the async workers.
    let (bytes, content_type) = (bytes.to_vec(), content_type(headers).map(str::to_owned));
    tokio::task::spawn_blocking(move || import::parse(&bytes, format, content_type.as_deref(), header))
        .await
        .map_err(ApiError::internal)?
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
}

fn created(playlist: &crate::playlists::model::Playlist, report: &ImportReport) -> Response {
    answer(StatusCode::CREATED, playlist, report)
}

fn appended(playlist: &crate::playlists::model::Playlist, report: &ImportReport) -> Response {
    answer(StatusCode::OK, playlist, report)
}

fn answer(status: StatusCode, playlist: &crate::playlists::model::Playlist, report: &ImportReport) -> Response {
    let location = format!("/v1/playlists/{}", playlist.meta.id);
    (status, [(header::ETAG, etag(playlist.meta.revision())), (header::LOCATION, location)], Json(report))
        .into_response()
}

/// Create a playlist from a file: CSV (Exportify, TuneMyMusic, Soundiiz or plain
/// `artist,title[,album]`), M3U/M3U8, XSPF or JSPF; or from a platform playlist by its link
/// (`{"url": "https://www.deezer.com/playlist/…"}`: Deezer, YouTube; every page is read first,
/// so the import is all or nothing). The format comes from `?format=`, else
/// `Content-Type`, else the body. Every track is matched (see `match` on items); lines that
/// cannot become a track are reported and the rest is imported. Nothing is created when the
/// import stops (empty, binary or malformed file, too large, no usable line).
#[utoipa::path(post, path = "/v1/playlists/import", tag = "import", params(ImportQuery,
        ("Idempotency-Key" = Option<String>, Header, description = "Retrying with the same key returns the first report and imports nothing again (24 h)")),
    request_body(content(
        (String = "text/csv"), (String = "audio/x-mpegurl"), (String = "application/xspf+xml"),
        (Object = "application/jspf+json"), (LinkImport = "application/json"), (String = "text/plain")),
        description = "The playlist file (at most `import.max_bytes`, 10 MiB by default)"),
    security(("bearer" = []), ("basic" = [])),
    responses(
        (status = 201, description = "Imported; `Location` names the new playlist", body = ImportReport),
        (status = 202, description = "An import by link still running past `jobs.request_wait_ms`: follow it at `Location` (`GET /v1/import-runs/{id}`)", body = super::import_runs::ImportRun),
        (status = 400, description = "Bad query or `Idempotency-Key`", body = ErrorEnvelope),
        (status = 401, description = "No or invalid credentials", body = ErrorEnvelope),
        (status = 409, description = "A duplicate under `on_duplicate=reject`, or the same `Idempotency-Key` still running", body = ErrorEnvelope),
        (status = 413, description = "The file is over the import limit", body = ErrorEnvelope),
        (status = 415, description = "A media type that is not a playlist format", body = ErrorEnvelope),
        (status = 422, description = "Empty, binary or malformed file, unrecognised CSV columns, no usable line, too many tracks; an unsupported or unreadable platform link (the code says why)", body = ErrorEnvelope),
        (status = 429, description = "A platform's quota is used up for now (`Retry-After`)", body = ErrorEnvelope),
        (status = 502, description = "The platform failed; nothing was imported", body = ErrorEnvelope),
        (status = 503, description = "The link's platform is not configured here", body = ErrorEnvelope)))]
async fn import_playlist(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiQuery(query): ApiQuery<ImportQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let key = idempotency::key_of(&headers)?;
    let bytes = read_body(&state, &headers, body).await?;
    let print = idempotency::fingerprint(&format!("POST /v1/playlists/import?{query:?}"), &bytes);
    idempotency::once(&state, &caller.user.id, key, print, || async {
        if let Some(url) = link_of(&bytes, query.format)? {
            return import_runs::start(&state, &caller.user, url, ImportTarget::New, query.clone(), created).await;
        }
        let file = read_file(&bytes, (query.format, query.header.unwrap_or_default()), &headers).await?;
        let (playlist, report) = import_new(&state, &caller.user, file, &query).await?;
        Ok(created(&playlist, &report))
    })
    .await
}

/// Append a file's tracks to a playlist you may add to (contributor or better), as one change
/// (`If-Match` honoured). Formats and report as for `POST /v1/playlists/import`; the name and
/// description parameters are ignored.
#[utoipa::path(post, path = "/v1/playlists/{id}/import", tag = "import",
    params(("id" = String, Path, description = "Playlist id"), ImportQuery,
        ("If-Match" = Option<String>, Header, description = "Import only if the playlist is still at this ETag"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retrying with the same key returns the first report and imports nothing again (24 h)")),
    request_body(content(
        (String = "text/csv"), (String = "audio/x-mpegurl"), (String = "application/xspf+xml"),
        (Object = "application/jspf+json"), (LinkImport = "application/json"), (String = "text/plain")),
        description = "The playlist file"),
    security(("bearer" = []), ("basic" = [])),
    responses(
        (status = 200, description = "Imported", body = ImportReport),
        (status = 202, description = "An import by link still running past `jobs.request_wait_ms`: follow it at `Location` (`GET /v1/import-runs/{id}`)", body = super::import_runs::ImportRun),
        (status = 400, description = "Bad query, `If-Match` or `Idempotency-Key`", body = ErrorEnvelope),
        (status = 401, description = "No or invalid credentials", body = ErrorEnvelope),
        (status = 403, description = "You may read but not add to this playlist", body = ErrorEnvelope),
        (status = 404, description = "No such playlist, or you may not read it", body = ErrorEnvelope),
        (status = 409, description = "A duplicate under `on_duplicate=reject`, or the same `Idempotency-Key` still running", body = ErrorEnvelope),
        (status = 412, description = "`If-Match` does not match", body = ErrorEnvelope),
        (status = 413, description = "The file is over the import limit", body = ErrorEnvelope),
        (status = 415, description = "A media type that is not a playlist format", body = ErrorEnvelope),
        (status = 422, description = "Empty, binary or malformed file, unrecognised CSV columns, no usable line, the playlist would be too large", body = ErrorEnvelope)))]
async fn import_into_playlist(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<ImportQuery>,
    IfMatch(if_match): IfMatch,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    // Who may add is known before the file is read.
    load(&state, Some(&caller.user), &id, Action::AddItems).await?;
    let key = idempotency::key_of(&headers)?;
    let bytes = read_body(&state, &headers, body).await?;
    let print = idempotency::fingerprint(&format!("POST /v1/playlists/{id}/import?{query:?}"), &bytes);
    idempotency::once(&state, &caller.user.id, key, print, || async {
        if let Some(url) = link_of(&bytes, query.format)? {
            let into = ImportTarget::Existing(id.clone(), if_match);
            return import_runs::start(&state, &caller.user, url, into, query.clone(), appended).await;
        }
        let file = read_file(&bytes, (query.format, query.header.unwrap_or_default()), &headers).await?;
        let (playlist, report) = import_into(&state, &caller.user, &id, if_match, file, &query).await?;
        Ok(appended(&playlist, &report))
    })
    .await
}
