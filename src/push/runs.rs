//! A push as a run: started by the request, which waits for it up to `jobs.request_wait_ms` and
//! otherwise answers `202` with the run to follow (`GET /v1/push-runs/{id}`). The run goes on
//! whether or not anyone waits; each catalog search is saved as it is made, so a run that dies
//! with its pod loses nothing and the next push starts where it stopped. One push at a time per
//! playlist, user and platform (a lease, 409 `push_running` with the run to follow).

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{PushReport, PushRequest};
use crate::{
    app::AppState, error::ApiError, platforms::track_links::SEARCHES_MADE, playlists::model::Playlist,
    storage::records::RecordKey,
};

/// Records kind of runs.
const RUNS: &str = "push_run";
/// Records kind of the one-push-at-a-time leases.
const LEASES: &str = "push_lease";
/// How long a run's record is kept once started.
const KEPT_FOR_DAYS: i64 = 7;
/// How often a running push saves its progress; a run not saved for 4 × this is `interrupted`.
const HEARTBEAT: Duration = Duration::from_secs(2);
/// Longest a push may hold its lease (a pod that dies mid-run frees it by then).
const LEASE_FOR: chrono::TimeDelta = chrono::TimeDelta::minutes(15);

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Still going (`searched` grows).
    Running,
    /// Done: `report` says what was pushed.
    Succeeded,
    /// Stopped: `error` says why; the searches it made are kept.
    Failed,
    /// Its process stopped mid-run; push again (the searches it made are kept).
    Interrupted,
}

/// Why a run failed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RunError {
    /// The HTTP status the push would have answered.
    pub status: u16,
    /// Stable code.
    pub code: String,
    /// What happened and what to do.
    pub message: String,
}

/// A push run.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PushRun {
    /// Its id.
    pub id: String,
    /// The playlist pushed.
    pub playlist_id: String,
    /// `running`, `succeeded`, `failed` or `interrupted`.
    pub status: RunStatus,
    /// Catalog searches made so far (each one saved as it is made).
    pub searched: usize,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it last saved its progress.
    pub updated_at: DateTime<Utc>,
    /// What the push did (`succeeded`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<PushReport>,
    /// Why it failed (`failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RunError>,
}

/// How a push request ends: the report now, or a run to follow.
pub enum Started {
    /// Finished within the wait.
    Done(PushReport),
    /// Still running.
    Running(PushRun),
}

fn run_key(user_id: &str, run_id: &str) -> String {
    format!("{user_id}\u{1e}{run_id}")
}

async fn save(state: &AppState, user_id: &str, run: &PushRun) {
    let value = serde_json::to_string(run).unwrap_or_default();
    let key = run_key(user_id, &run.id);
    let at = RecordKey { kind: RUNS, owner: user_id, key: &key };
    let keep_until = run.started_at + chrono::TimeDelta::days(KEPT_FOR_DAYS);
    if let Err(e) = state.store.put_record(at, &value, Some(keep_until)).await {
        tracing::warn!(error = %e, run = %run.id, "push run not saved");
    }
}

/// `user_id`'s run `run_id`; 404 when there is none (or it is someone else's).
pub async fn get(state: &AppState, user_id: &str, run_id: &str) -> Result<PushRun, ApiError> {
    let key = run_key(user_id, run_id);
    let found = state.store.records(RUNS, std::slice::from_ref(&key)).await?;
    let mut run: PushRun = found
        .into_iter()
        .next()
        .and_then(|(_, v)| serde_json::from_str(&v).ok())
        .ok_or_else(|| ApiError::not_found("push_run_not_found", "no such push run of yours"))?;
    if run.status == RunStatus::Running
        && Utc::now() - run.updated_at > chrono::TimeDelta::from_std(HEARTBEAT * 4).unwrap_or_default()
    {
        run.status = RunStatus::Interrupted;
    }
    Ok(run)
}

/// Starts `request` as a run for `user_id` and waits for it up to the configured time.
pub async fn start(
    state: &AppState,
    user_id: &str,
    playlist: Arc<Playlist>,
    request: PushRequest,
) -> Result<Started, ApiError> {
    let now = Utc::now();
    let run = PushRun {
        id: crate::ids::new_id(),
        playlist_id: playlist.meta.id.clone(),
        status: RunStatus::Running,
        searched: 0,
        started_at: now,
        updated_at: now,
        report: None,
        error: None,
    };
    let lease_key =
        format!("{}\u{1e}{user_id}\u{1e}{}", playlist.meta.id, crate::connections::platform_name(request.platform));
    let lease = RecordKey { kind: LEASES, owner: user_id, key: &lease_key };
    if let Some(running) = state.store.claim_record(lease, &run.id, now + LEASE_FOR).await? {
        return Err(ApiError::conflict(
            "push_running",
            format!("a push of this playlist to this platform is running: follow it at GET /v1/push-runs/{running}"),
        ));
    }
    save(state, user_id, &run).await;
    let searches = Arc::new(AtomicUsize::new(0));
    let task = tokio::spawn(run_to_the_end(
        state.clone(),
        user_id.to_owned(),
        playlist,
        request,
        run.clone(),
        searches.clone(),
        lease_key,
    ));
    let wait = Duration::from_millis(state.config.jobs.request_wait_ms)
        .min(Duration::from_secs(state.config.http.request_timeout_secs) * 2 / 3);
    match tokio::time::timeout(wait, task).await {
        Ok(Ok(result)) => result.map(Started::Done),
        Ok(Err(join)) => Err(ApiError::internal(join)),
        Err(_) => Ok(Started::Running(PushRun { searched: searches.load(Ordering::Relaxed), ..run })),
    }
}

/// Runs the push, saving progress every [`HEARTBEAT`] and the outcome at the end; lets the lease go.
async fn run_to_the_end(
    state: AppState,
    user_id: String,
    playlist: Arc<Playlist>,
    request: PushRequest,
    mut run: PushRun,
    searches: Arc<AtomicUsize>,
    lease_key: String,
) -> Result<PushReport, ApiError> {
    let work = SEARCHES_MADE.scope(searches.clone(), push(&state, &user_id, &playlist, &request));
    tokio::pin!(work);
    let mut beat = tokio::time::interval(HEARTBEAT);
    beat.tick().await;
    let result = loop {
        tokio::select! {
            result = &mut work => break result,
            _ = beat.tick() => {
                run.searched = searches.load(Ordering::Relaxed);
                run.updated_at = Utc::now();
                save(&state, &user_id, &run).await;
            }
        }
    };
    run.searched = searches.load(Ordering::Relaxed);
    run.updated_at = Utc::now();
    match &result {
        Ok(report) => (run.status, run.report) = (RunStatus::Succeeded, Some(report.clone())),
        Err(e) => {
            run.status = RunStatus::Failed;
            run.error =
                Some(RunError { status: e.status.as_u16(), code: e.code.to_string(), message: e.message.clone() });
        }
    }
    save(&state, &user_id, &run).await;
    if let Err(e) = state.store.delete_record_if(LEASES, &lease_key, &run.id).await {
        tracing::warn!(error = %e, "push lease not released (it expires by itself)");
    }
    result
}

async fn push(
    state: &AppState,
    user_id: &str,
    playlist: &Playlist,
    request: &PushRequest,
) -> Result<PushReport, ApiError> {
    match request.platform {
        crate::platforms::Platform::Spotify => super::spotify::push(state, user_id, playlist, request).await,
        crate::platforms::Platform::Youtube => super::youtube::push(state, user_id, playlist, request).await,
        other => Err(ApiError::invalid("push_not_supported", format!("pushing to {} is not offered", other.label()))),
    }
}
