//! `/v1/schedules`: your scheduled jobs, running one now, and their runs.

use axum::{extract::State, http::StatusCode, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    model::Run,
    runner,
    service::{self, NewSchedule, ScheduleDto, SchedulePatch},
};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{
        api_errors::{JsonBodyErrors, NeedsAuth},
        extract::{ApiJson, ApiPath, ApiQuery},
    },
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_schedule, list_schedules))
        .routes(routes!(get_schedule, patch_schedule, delete_schedule))
        .routes(routes!(run_schedule))
        .routes(routes!(list_runs))
}

/// Your schedules.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleList {
    /// Oldest first.
    pub schedules: Vec<ScheduleDto>,
}

/// A schedule's runs.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunList {
    /// Newest first (the last 100 are kept).
    pub runs: Vec<Run>,
}

/// How many runs to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RunsQuery {
    /// 1-100 (default 20).
    pub limit: Option<u32>,
}

/// Schedules a job: `sync` (backup to a playlist or dated snapshots), `generate`, `discover`
/// or `listens`, by `cron` in your time zone or every `interval_secs` (`reindex` is the
/// operator's: 422 `operator_job`).
#[utoipa::path(post, path = "/v1/schedules", tag = "schedules", request_body = NewSchedule,
    security(("bearer" = []), ("basic" = [])),
    responses((status = 201, description = "The schedule", body = ScheduleDto), JsonBodyErrors, NeedsAuth,
        (status = 409, description = "You have the most schedules allowed", body = ErrorEnvelope)))]
async fn create_schedule(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(body): ApiJson<NewSchedule>,
) -> Result<(StatusCode, Json<ScheduleDto>), ApiError> {
    let s = service::create(&state, &caller.user, body).await?;
    Ok((StatusCode::CREATED, Json(ScheduleDto::from(&s))))
}

/// Your schedules.
#[utoipa::path(get, path = "/v1/schedules", tag = "schedules", security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Your schedules", body = ScheduleList), NeedsAuth))]
async fn list_schedules(State(state): State<AppState>, caller: AuthUser) -> Result<Json<ScheduleList>, ApiError> {
    let schedules = service::list(&state, &caller.user).await?;
    Ok(Json(ScheduleList { schedules: schedules.iter().map(ScheduleDto::from).collect() }))
}

/// One schedule.
#[utoipa::path(get, path = "/v1/schedules/{id}", tag = "schedules", security(("bearer" = []), ("basic" = [])),
    params(("id" = String, Path, description = "The schedule's id")),
    responses((status = 200, description = "The schedule", body = ScheduleDto), NeedsAuth,
        (status = 404, description = "No such schedule of yours", body = ErrorEnvelope)))]
async fn get_schedule(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ScheduleDto>, ApiError> {
    Ok(Json(ScheduleDto::from(&service::get(&state, &caller.user, &id).await?)))
}

/// Changes a schedule; `{"enabled": true}` also resumes one that paused itself.
#[utoipa::path(patch, path = "/v1/schedules/{id}", tag = "schedules", request_body = SchedulePatch,
    security(("bearer" = []), ("basic" = [])), params(("id" = String, Path, description = "The schedule's id")),
    responses((status = 200, description = "The schedule after", body = ScheduleDto), JsonBodyErrors, NeedsAuth,
        (status = 404, description = "No such schedule of yours", body = ErrorEnvelope),
        (status = 409, description = "It kept changing under this edit (its runs record themselves on it)", body = ErrorEnvelope)))]
async fn patch_schedule(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<SchedulePatch>,
) -> Result<Json<ScheduleDto>, ApiError> {
    Ok(Json(ScheduleDto::from(&service::patch(&state, &caller.user, &id, body).await?)))
}

/// Deletes a schedule and its runs.
#[utoipa::path(delete, path = "/v1/schedules/{id}", tag = "schedules", security(("bearer" = []), ("basic" = [])),
    params(("id" = String, Path, description = "The schedule's id")),
    responses((status = 204, description = "Deleted"), NeedsAuth,
        (status = 404, description = "No such schedule of yours", body = ErrorEnvelope)))]
async fn delete_schedule(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    service::delete(&state, &caller.user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How long `POST …/run` waits for the run before answering 202.
const RUN_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// A run still going when the answer was due.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunStarted {
    /// `running`.
    pub status: &'static str,
    /// Where its outcome will be.
    pub runs: String,
}

/// Runs a schedule now (also a disabled one) and answers with the finished run; a run that
/// fails is still a 200 whose `status` is `failed` with its `error`. A run that takes longer
/// than 20 s goes on in the background: 202, then see its runs.
#[utoipa::path(post, path = "/v1/schedules/{id}/run", tag = "schedules", security(("bearer" = []), ("basic" = [])),
    params(("id" = String, Path, description = "The schedule's id")),
    responses((status = 200, description = "The finished run", body = Run),
        (status = 202, description = "Still running; its outcome will be in its runs", body = RunStarted), NeedsAuth,
        (status = 404, description = "No such schedule of yours", body = ErrorEnvelope),
        (status = 409, description = "A run of it is in progress", body = ErrorEnvelope),
        (status = 429, description = "It ran less than jobs.min_interval_secs ago (Retry-After)", body = ErrorEnvelope)))]
async fn run_schedule(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let schedule = service::get(&state, &caller.user, &id).await?;
    runner::check_run_now_gap(&state, &schedule)?;
    // The run is its own task: a client that goes away, or a slow job, never cuts it short.
    let task_state = state.clone();
    let run = tokio::spawn(async move {
        let holder = task_state.quotas.replica_id.clone();
        runner::run_now(&task_state, &schedule, &holder).await
    });
    match tokio::time::timeout(RUN_WAIT, run).await {
        Ok(Ok(done)) => Ok(Json(done?).into_response()),
        Ok(Err(join)) => Err(ApiError::internal(join)),
        Err(_) => {
            let started = RunStarted { status: "running", runs: format!("/v1/schedules/{id}/runs") };
            Ok((StatusCode::ACCEPTED, Json(started)).into_response())
        }
    }
}

/// A schedule's runs: `status`, `started_at`, `finished_at`, `error`, `counts`.
#[utoipa::path(get, path = "/v1/schedules/{id}/runs", tag = "schedules", security(("bearer" = []), ("basic" = [])),
    params(("id" = String, Path, description = "The schedule's id"), RunsQuery),
    responses((status = 200, description = "Its runs, newest first", body = RunList), NeedsAuth,
        (status = 400, description = "Bad limit", body = ErrorEnvelope),
        (status = 404, description = "No such schedule of yours", body = ErrorEnvelope)))]
async fn list_runs(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<RunsQuery>,
) -> Result<Json<RunList>, ApiError> {
    let limit = crate::playlists::service::bounded_limit("limit", q.limit, 20, 100)?;
    Ok(Json(RunList { runs: service::runs(&state, &caller.user, &id, limit).await? }))
}
