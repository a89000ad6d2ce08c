//! Long platform work as a run, not a request: the request starts it and waits up to
//! `jobs.request_wait_ms` (never more than two thirds of the request timeout); past that it
//! answers `202` with the run to follow. The run goes on whether or not anyone waits, saves its
//! progress every [`HEARTBEAT`], and its record (kept [`KEPT_FOR_DAYS`] days, its starter's
//! alone) ends `succeeded` with the report or `failed` with the error the request would have
//! answered. A run whose process stopped reads as `interrupted`.

use std::{
    future::Future,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::ApiError,
    storage::records::{RecordKey, RecordStore},
};

/// What runs need: the store their records live in, and how long a request waits for one.
#[derive(Clone)]
pub struct Runs {
    /// Where runs and leases are kept.
    pub store: Arc<dyn RecordStore>,
    /// How long the starting request waits before answering with the run to follow.
    pub wait: Duration,
}

impl Runs {
    /// Runs kept in `store`, waited for `request_wait_ms` but never more than two thirds of the
    /// request timeout.
    pub fn new(store: Arc<dyn RecordStore>, request_wait_ms: u64, request_timeout_secs: u64) -> Self {
        let wait = Duration::from_millis(request_wait_ms).min(Duration::from_secs(request_timeout_secs) * 2 / 3);
        Self { store, wait }
    }

    /// Runs kept in the store, waited for as configured (`jobs.request_wait_ms`).
    pub fn of(deps: &dyn crate::deps::Basics) -> Self {
        let config = deps.config();
        Self::new(deps.store().clone(), config.jobs.request_wait_ms, config.http.request_timeout_secs)
    }
}

/// How long a run's record is kept once started.
const KEPT_FOR_DAYS: i64 = 7;
/// How often a run saves its progress; a run not saved for 4 × this is `interrupted`.
const HEARTBEAT: Duration = Duration::from_secs(2);

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Still going.
    Running,
    /// Done: `report` says what was done.
    Succeeded,
    /// Stopped: `error` says why.
    Failed,
    /// Its process stopped mid-run; start it again (what it saved is kept).
    Interrupted,
}

/// Why a run failed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RunError {
    /// The HTTP status the request would have answered.
    pub status: u16,
    /// Stable code.
    pub code: String,
    /// What happened and what to do.
    pub message: String,
}

/// A run and, once it succeeded, its report.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(bound(deserialize = "R: Deserialize<'de>"))]
pub struct Run<R> {
    /// Its id.
    pub id: String,
    /// The playlist it works on (a push's source; an import's target, when it has one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub playlist_id: Option<String>,
    /// `running`, `succeeded`, `failed` or `interrupted`.
    pub status: RunStatus,
    /// Catalog searches made so far (a push; each one saved as it is made).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub searched: Option<usize>,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it last saved its progress.
    pub updated_at: DateTime<Utc>,
    /// What it did (`succeeded`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<R>,
    /// Why it failed (`failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RunError>,
}

impl<R> Run<R> {
    /// A run starting now.
    pub fn new(playlist_id: Option<String>, counts_searches: bool) -> Self {
        let now = Utc::now();
        Self {
            id: crate::ids::new_id(),
            playlist_id,
            status: RunStatus::Running,
            searched: counts_searches.then_some(0),
            started_at: now,
            updated_at: now,
            report: None,
            error: None,
        }
    }
}

/// How a request that started a run ends: the work's outcome now, or the run to follow.
pub enum Started<T, R> {
    /// Finished within the wait.
    Done(T),
    /// Still running.
    Running(Run<R>),
}

/// What a run is, for its records.
#[derive(Clone)]
pub struct RunKind {
    /// Records kind of its runs (`push_run`, `import_run`).
    pub records: &'static str,
    /// A lease `(kind, key)` held for the run, released when it ends.
    pub lease: Option<(&'static str, String)>,
}

fn run_key(user_id: &str, run_id: &str) -> String {
    format!("{user_id}\u{1e}{run_id}")
}

async fn save<R: Serialize>(runs: &Runs, records: &str, user_id: &str, run: &Run<R>) {
    let value = serde_json::to_string(run).unwrap_or_default();
    let key = run_key(user_id, &run.id);
    let at = RecordKey { kind: records, owner: user_id, key: &key };
    let keep_until = run.started_at + chrono::TimeDelta::days(KEPT_FOR_DAYS);
    if let Err(e) = runs.store.put_record(at, &value, Some(keep_until)).await {
        tracing::warn!(error = %e, run = %run.id, "run not saved");
    }
}

/// `user_id`'s run `run_id` of `records`; 404 `not_found_code` when there is none (or it is
/// someone else's).
pub async fn get<R: DeserializeOwned>(
    runs: &Runs,
    records: &str,
    not_found_code: &'static str,
    user_id: &str,
    run_id: &str,
) -> Result<Run<R>, ApiError> {
    let key = run_key(user_id, run_id);
    let found = runs.store.records(records, std::slice::from_ref(&key)).await?;
    let mut run: Run<R> = found
        .into_iter()
        .next()
        .and_then(|(_, v)| serde_json::from_str(&v).ok())
        .ok_or_else(|| ApiError::not_found(not_found_code, "no such run of yours"))?;
    let silent_for = Utc::now() - run.updated_at;
    if run.status == RunStatus::Running && silent_for > chrono::TimeDelta::from_std(HEARTBEAT * 4).unwrap_or_default() {
        run.status = RunStatus::Interrupted;
    }
    Ok(run)
}

/// Starts `work` as `run` of `kind` for `user_id` and waits for it up to the configured time.
/// `searches` counts its progress (when `run.searched` is set); `report_of` is what a
/// succeeded run keeps of the work's outcome.
pub async fn start<T, R, Fut>(
    runs: &Runs,
    user_id: &str,
    kind: RunKind,
    run: Run<R>,
    searches: Arc<AtomicUsize>,
    work: Fut,
    report_of: fn(&T) -> R,
) -> Result<Started<T, R>, ApiError>
where
    T: Send + 'static,
    R: Serialize + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<T, ApiError>> + Send + 'static,
{
    save(runs, kind.records, user_id, &run).await;
    let ctx = (runs.clone(), user_id.to_owned(), kind);
    let task = tokio::spawn(run_to_the_end(ctx, run.clone(), searches.clone(), work, report_of));
    match tokio::time::timeout(runs.wait, task).await {
        Ok(Ok(result)) => result.map(Started::Done),
        Ok(Err(join)) => Err(ApiError::internal(join)),
        Err(_) => {
            let searched = run.searched.map(|_| searches.load(Ordering::Relaxed));
            Ok(Started::Running(Run { searched, ..run }))
        }
    }
}

/// Runs `work`, saving progress every [`HEARTBEAT`] and the outcome at the end; lets the lease go.
async fn run_to_the_end<T, R, Fut>(
    (runs, user_id, kind): (Runs, String, RunKind),
    mut run: Run<R>,
    searches: Arc<AtomicUsize>,
    work: Fut,
    report_of: fn(&T) -> R,
) -> Result<T, ApiError>
where
    R: Serialize,
    Fut: Future<Output = Result<T, ApiError>>,
{
    tokio::pin!(work);
    let mut beat = tokio::time::interval(HEARTBEAT);
    beat.tick().await;
    let result = loop {
        tokio::select! {
            result = &mut work => break result,
            _ = beat.tick() => {
                run.searched = run.searched.map(|_| searches.load(Ordering::Relaxed));
                run.updated_at = Utc::now();
                save(&runs, kind.records, &user_id, &run).await;
            }
        }
    };
    run.searched = run.searched.map(|_| searches.load(Ordering::Relaxed));
    run.updated_at = Utc::now();
    match &result {
        Ok(outcome) => (run.status, run.report) = (RunStatus::Succeeded, Some(report_of(outcome))),
        Err(e) => {
            run.status = RunStatus::Failed;
            run.error =
                Some(RunError { status: e.status.as_u16(), code: e.code.to_string(), message: e.message.clone() });
        }
    }
    save(&runs, kind.records, &user_id, &run).await;
    if let Some((lease_kind, lease_key)) = &kind.lease {
        if let Err(e) = runs.store.delete_record_if(lease_kind, lease_key, &run.id).await {
            tracing::warn!(error = %e, "run lease not released (it expires by itself)");
        }
    }
    result
}
