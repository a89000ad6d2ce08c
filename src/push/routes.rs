//! `POST /v1/playlists/{id}/push`, `GET /v1/playlists/{id}/copies` and `GET /v1/push-runs/{id}`.

use axum::{extract::State, http::StatusCode, Json};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{copies, runs::PushRun, CopyList, PushReport, PushRequest};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{
        api_errors::{JsonBodyErrors, NeedsAuth},
        extract::{ApiJson, ApiPath},
    },
    platforms::Platform,
    playlists::{access::Action, write::load},
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(push_playlist)).routes(routes!(list_copies)).routes(routes!(push_run))
}

/// A push that answered `202`: `running` with the searches made so far, then `succeeded` with its
/// report or `failed` with its error (`interrupted` when its process stopped: push again, the
/// searches it made are kept).
#[utoipa::path(get, path = "/v1/push-runs/{id}", tag = "push",
    params(("id" = String, Path, description = "Run id")), security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The run", body = PushRun), NeedsAuth,
        (status = 404, description = "No such run of yours", body = ErrorEnvelope)))]
async fn push_run(
    State(runs): State<crate::runs::Runs>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<PushRun>, ApiError> {
    Ok(Json(crate::runs::get(&runs, super::runs::RUNS, "push_run_not_found", &caller.user.id, &id).await?))
}

/// Push a playlist you can read to your linked Spotify or YouTube account: `target` `new` (your remembered
/// copy, else a new private playlist) or one of your Spotify playlists; `mode` `add` (append what
/// it lacks) or `mirror` (make it exactly this playlist). Only matched items go; the report says
/// what was added, removed, already there and not found. Pushing again changes nothing. A mirror
/// refuses (409) when the copy changed on Spotify since the last push, unless `force` or
/// `keep_platform_additions`; `dry_run` shows what would happen, platform changes included.
/// A push that takes longer than `jobs.request_wait_ms` (catalog searches at the platform's
/// rate) answers `202` with a run to follow at its `Location` (`GET /v1/push-runs/{id}`); it
/// goes on meanwhile, and every search it makes is kept. One push at a time per playlist and
/// platform (409 `push_running`).
#[utoipa::path(post, path = "/v1/playlists/{id}/push", tag = "push", request_body = PushRequest,
    params(("id" = String, Path, description = "Playlist id")), security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "What was pushed", body = PushReport),
        (status = 202, description = "Still running: follow it at Location", body = PushRun), JsonBodyErrors, NeedsAuth,
        (status = 404, description = "No such playlist, or you may not read it", body = ErrorEnvelope),
        (status = 409, description = "Spotify not linked or link broken; the copy changed on Spotify; a push of it to that platform is running (`push_running`)", body = ErrorEnvelope),
        (status = 429, description = "Spotify's quota is used up for now", body = ErrorEnvelope),
        (status = 502, description = "Spotify failed", body = ErrorEnvelope)))]
async fn push_playlist(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<PushRequest>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let playlist = load(&state, Some(&caller.user), &id, Action::Read).await?;
    match request.platform {
        Platform::Spotify | Platform::Youtube => {
            match super::runs::start(&state, &caller.user.id, playlist, request).await? {
                crate::runs::Started::Done(report) => Ok(Json(report).into_response()),
                crate::runs::Started::Running(run) => {
                    let location = format!("/v1/push-runs/{}", run.id);
                    Ok((StatusCode::ACCEPTED, [(axum::http::header::LOCATION, location)], Json(run)).into_response())
                }
            }
        }
        other => Err(ApiError::invalid(
            "push_not_supported",
            format!(
                "pushing to {} is not offered: {}",
                other.label(),
                match other {
                    Platform::Deezer => "Deezer has not let new apps register since 2024, and writing needs one",
                    Platform::Applemusic => "Apple Music needs a user token only its own MusicKit apps can obtain",
                    _ => "Last.fm has no playlists",
                }
            ),
        )),
    }
}

/// Your copies of this playlist on platforms (from your pushes).
#[utoipa::path(get, path = "/v1/playlists/{id}/copies", tag = "push",
    params(("id" = String, Path, description = "Playlist id")), security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Your copies", body = CopyList), NeedsAuth,
        (status = 404, description = "No such playlist, or you may not read it", body = ErrorEnvelope)))]
async fn list_copies(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<CopyList>, ApiError> {
    load(&state, Some(&caller.user), &id, Action::Read).await?;
    Ok(Json(CopyList { copies: copies(&state, &id, &caller.user.id).await? }))
}
