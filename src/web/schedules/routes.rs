//! `GET /app/schedules` (schedules, notifications, the new-schedule form), `POST /app/schedules`,
//! `GET /app/schedules/{id}` (its runs), `POST /app/schedules/{id}/run|pause|resume|delete` and
//! `POST /app/notifications/{id}/dismiss`.

use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use super::form::{job_words, timing_words, ScheduleForm};
use crate::{
    app::AppState,
    error::ApiError,
    notifications::{self, Notification},
    playlists::{model::ListScope, service as playlists},
    schedules::{
        model::{Run, RunStatus, Schedule},
        runner,
        service::{self, SchedulePatch},
    },
    web::{
        form::WebForm,
        page::{html, outcome, see_other, Chrome, Outcome, PageError},
        session::WebUser,
    },
};

/// The schedules routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/schedules", get(show).post(create))
        .route("/app/schedules/{id}", get(runs_page))
        .route("/app/schedules/{id}/{action}", post(act))
        .route("/app/notifications/{id}/dismiss", post(dismiss))
}

/// A schedule in words.
struct ScheduleRow {
    id: String,
    what: String,
    when: String,
    enabled: bool,
    next: Option<String>,
    last: Option<String>,
    last_failed: bool,
    paused_reason: Option<String>,
}

fn row(s: &Schedule) -> ScheduleRow {
    ScheduleRow {
        id: s.id.clone(),
        what: job_words(s),
        when: timing_words(s),
        enabled: s.enabled,
        next: s.next_run_at.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
        last: s.last_run.as_ref().map(|r| {
            let how = match r.status {
                RunStatus::Succeeded => "succeeded",
                RunStatus::Failed => "failed",
                RunStatus::Running => "running",
            };
            format!("{how} {}", r.started_at.format("%Y-%m-%d %H:%M UTC"))
        }),
        last_failed: s.last_run.as_ref().is_some_and(|r| r.status == RunStatus::Failed),
        paused_reason: s.paused_reason.clone(),
    }
}

/// The schedules page.
#[derive(Template)]
#[template(path = "web/schedules.html")]
struct SchedulesPage {
    chrome: Chrome,
    schedules: Vec<ScheduleRow>,
    notifications: Vec<Notification>,
    /// Your playlists (id, name), for a backup's destination.
    playlists: Vec<(String, String)>,
    timezone: String,
}

async fn page(
    state: &AppState,
    user: &WebUser,
    status: StatusCode,
    notice: Option<(&'static str, String)>,
) -> Result<Response, PageError> {
    let caller = &user.auth.user;
    let schedules = service::list(state, caller).await?;
    let mut notifications = notifications::list(state.store.as_ref(), &caller.id).await?;
    for n in &mut notifications {
        // The API's advice names its route; here the Resume button is at hand.
        if let Some(at) = n.message.find(" (PATCH /v1/schedules/") {
            n.message.truncate(at);
            n.message.push_str(" (Resume it below)");
        }
    }
    let (owned, _) = playlists::list_for(state, caller, ListScope::Owned, None, 200).await?;
    let page = SchedulesPage {
        chrome: Chrome::new("Schedules", user.chrome_user()).with_any_notice(notice),
        schedules: schedules.iter().map(row).collect(),
        notifications,
        playlists: owned.into_iter().map(|m| (m.id, m.name)).collect(),
        timezone: caller.timezone.clone(),
    };
    Ok(html(status, &page))
}

async fn show(State(state): State<AppState>, user: WebUser) -> Result<Response, PageError> {
    page(&state, &user, StatusCode::OK, None).await
}

/// A service's answer as the page: done, or the 4xx message on the page.
async fn after(state: &AppState, user: &WebUser, done: Result<String, ApiError>) -> Result<Response, PageError> {
    match outcome(done)? {
        Outcome::Done(text) => page(state, user, StatusCode::OK, Some(("ok", text))).await,
        Outcome::Refused(status, why) => page(state, user, status, Some(("error", why))).await,
    }
}

async fn create(
    State(state): State<AppState>,
    user: WebUser,
    WebForm(form): WebForm<ScheduleForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let input = form.new_schedule().map_err(|why| ApiError::invalid("invalid_schedule", why));
    let done = match input {
        Ok(input) => {
            service::create(&state, &user.auth.user, input).await.map(|s| format!("scheduled: {}", job_words(&s)))
        }
        Err(e) => Err(e),
    };
    after(&state, &user, done).await
}

/// A form that only carries the session's form token.
#[derive(Deserialize)]
struct TokenForm {
    csrf: String,
}

/// How long the page waits for a run started by hand.
const RUN_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

async fn run_now(state: &AppState, user: &WebUser, id: &str) -> Result<String, ApiError> {
    let schedule = service::get(state, &user.auth.user, id).await?;
    runner::check_run_now_gap(state, &schedule)?;
    let what = job_words(&schedule);
    let task_state = state.clone();
    let run = tokio::spawn(async move {
        let holder = task_state.quotas.replica_id.clone();
        runner::run_now(&task_state, &schedule, &holder).await
    });
    match tokio::time::timeout(RUN_WAIT, run).await {
        Ok(Ok(done)) => {
            let run = done?;
            match run.status {
                RunStatus::Failed => {
                    Err(ApiError::invalid("run_failed", format!("{what} failed: {}", run.error.unwrap_or_default())))
                }
                _ => Ok(format!("{what} ran: {}", counts(&run))),
            }
        }
        Ok(Err(join)) => Err(ApiError::internal(join)),
        Err(_) => Ok(format!("{what} is running in the background; its runs are on its page")),
    }
}

fn counts(run: &Run) -> String {
    if run.counts.is_empty() {
        return "nothing to do".into();
    }
    run.counts.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
}

async fn act(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, action)): Path<(String, String)>,
    WebForm(form): WebForm<TokenForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let caller = &user.auth.user;
    let done = match action.as_str() {
        "run" => run_now(&state, &user, &id).await,
        "pause" | "resume" => {
            let patch = SchedulePatch { enabled: Some(action == "resume"), ..Default::default() };
            service::patch(&state, caller, &id, patch)
                .await
                .map(|s| format!("{} is {}", job_words(&s), if s.enabled { "on" } else { "paused" }))
        }
        "delete" => service::delete(&state, caller, &id).await.map(|()| "the schedule and its runs are deleted".into()),
        _ => return Err(ApiError::not_found("route_not_found", "no such action").into()),
    };
    after(&state, &user, done).await
}

/// One schedule's runs.
#[derive(Template)]
#[template(path = "web/schedule_runs.html")]
struct RunsPage {
    chrome: Chrome,
    schedule: ScheduleRow,
    runs: Vec<(Run, String)>,
}

async fn runs_page(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let schedule = service::get(&state, &user.auth.user, &id).await?;
    let runs = service::runs(&state, &user.auth.user, &id, 50).await?;
    let page = RunsPage {
        chrome: Chrome::new(job_words(&schedule), user.chrome_user()),
        schedule: row(&schedule),
        runs: runs
            .into_iter()
            .map(|r| {
                let c = counts(&r);
                (r, c)
            })
            .collect(),
    };
    Ok(html(StatusCode::OK, &page))
}

async fn dismiss(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<TokenForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    notifications::dismiss(state.store.as_ref(), &user.auth.user.id, &id).await?;
    Ok(see_other("/app/schedules"))
}
