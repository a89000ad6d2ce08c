//! Running schedules: claim a due one (an atomic lease in the store), run its job while renewing
//! the lease, record the run, move the schedule on. With any number of processes on one store a
//! due run starts once; a run whose holder died is taken over when its lease expires (its next
//! run time was not moved), and every job is idempotent per period, so running it again adds
//! nothing twice.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};

use super::deps::RunnerDeps;
use super::{
    model::{Run, RunStatus, RunSummary, Schedule},
    store::Claim,
    timing,
};
use crate::{error::ApiError, ids, notifications, storage::Store, tracks::charged::Patience};

/// Failed runs in a row that pause a schedule.
pub const FAILURES_BEFORE_PAUSE: u32 = 3;
/// Due schedules claimed per look.
const DUE_PER_TICK: usize = 20;

fn lease_span(state: &dyn RunnerDeps) -> chrono::Duration {
    chrono::Duration::seconds(state.config().jobs.lease_secs.max(2) as i64)
}

/// Runs every schedule due now that no one else holds, one after the other; returns the runs.
pub async fn run_due(state: &dyn RunnerDeps, holder: &str) -> Result<Vec<Run>, ApiError> {
    let mut runs = Vec::new();
    for id in state.store().due_schedules(Utc::now(), DUE_PER_TICK).await? {
        let now = Utc::now();
        let claim = Claim { id: &id, holder, now, until: now + lease_span(state), due_only: true };
        // Someone else claimed it between the look and the claim: theirs to run.
        let Some(schedule) = state.store().claim_schedule(claim).await? else { continue };
        let period = schedule.next_run_at.unwrap_or(now).to_rfc3339();
        runs.push(run_claimed(state, schedule, holder, period, Patience::job()).await);
    }
    Ok(runs)
}

/// Refuses (429) a user's run-now within `jobs.min_interval_secs` of the schedule's last run's
/// start: no schedule runs more often than a schedule may be set to, asked or not (the
/// operator's `sharify jobs run` is not limited).
pub fn check_run_now_gap(state: &dyn RunnerDeps, schedule: &Schedule) -> Result<(), ApiError> {
    let now = Utc::now();
    let gap = chrono::Duration::seconds(state.config().jobs.min_interval_secs.max(1) as i64);
    if let Some(last) = schedule.last_run.as_ref().filter(|l| l.started_at + gap > now) {
        let wait = ((last.started_at + gap - now).num_milliseconds().max(1) as u64).div_ceil(1000);
        return Err(ApiError::too_many_requests(
            wait,
            format!(
                "this schedule ran {} s ago; a schedule runs at most once every {} s, run now included",
                (now - last.started_at).num_seconds().max(0),
                gap.num_seconds()
            ),
        ));
    }
    Ok(())
}

/// Runs `id` now, whatever its timing (409 while a run of it is in progress).
pub async fn run_now(state: &dyn RunnerDeps, schedule: &Schedule, holder: &str) -> Result<Run, ApiError> {
    let now = Utc::now();
    let claim = Claim { id: &schedule.id, holder, now, until: now + lease_span(state), due_only: false };
    let Some(schedule) = state.store().claim_schedule(claim).await? else {
        return Err(ApiError::conflict(
            "schedule_running",
            "a run of this schedule is in progress; try again when it ends",
        ));
    };
    // Someone is waiting for the answer: a spent Last.fm share refuses instead of waiting.
    Ok(run_claimed(state, schedule, holder, format!("manual {}", now.to_rfc3339()), Patience::Refuse).await)
}

/// Runs a claimed schedule to its end and frees the lease; failures are recorded on the run.
async fn run_claimed(
    state: &dyn RunnerDeps,
    schedule: Schedule,
    holder: &str,
    period: String,
    patience: Patience,
) -> Run {
    let started = std::time::Instant::now();
    let mut run = Run {
        id: ids::new_id(),
        schedule_id: schedule.id.clone(),
        period,
        status: RunStatus::Running,
        started_at: Utc::now(),
        finished_at: None,
        error: None,
        counts: BTreeMap::new(),
        holder: holder.to_owned(),
    };
    settle_abandoned(state, &schedule.id).await;
    if let Err(e) = state.store().put_run(&run).await {
        tracing::warn!(error = %e, schedule = %schedule.id, "run not recorded as started");
    }
    let renewer = tokio::spawn(renew_while_running(
        state.store().clone(),
        lease_span(state),
        schedule.id.clone(),
        holder.to_owned(),
    ));
    let result = crate::jobs::scheduled::execute(state, &schedule, &run, patience).await;
    renewer.abort();
    run.finished_at = Some(Utc::now());
    let kind = schedule.kind.as_str();
    match result {
        Ok(counts) => {
            run.status = RunStatus::Succeeded;
            state.metrics().job_items.with_label_values(&[kind]).inc_by(counts.get("written").copied().unwrap_or(0));
            run.counts = counts;
        }
        Err(e) => {
            tracing::warn!(schedule = %schedule.id, kind, error = %e.message, "scheduled run failed");
            run.status = RunStatus::Failed;
            run.error = Some(e.message.clone());
        }
    }
    let outcome = if run.status == RunStatus::Succeeded { "succeeded" } else { "failed" };
    state.metrics().job_runs.with_label_values(&[kind, outcome]).inc();
    state.metrics().job_duration.with_label_values(&[kind]).observe(started.elapsed().as_secs_f64());
    if let Err(e) = state.store().put_run(&run).await {
        tracing::warn!(error = %e, schedule = %schedule.id, "run outcome not recorded");
    }
    let summary = RunSummary {
        run_id: run.id.clone(),
        status: run.status,
        started_at: run.started_at,
        duration_ms: started.elapsed().as_millis() as u64,
        counts: run.counts.clone(),
        error: run.error.clone(),
    };
    if let Err(e) = move_on(state, &schedule.id, summary).await {
        tracing::warn!(error = %e, schedule = %schedule.id, "schedule not moved on after its run");
    }
    if let Err(e) = state.store().release_schedule_lease(&schedule.id, holder).await {
        tracing::warn!(error = %e, schedule = %schedule.id, "lease not released; it expires on its own");
    }
    run
}

/// Marks runs left `running` by a holder that died (its lease expired) as failed.
async fn settle_abandoned(state: &dyn RunnerDeps, schedule_id: &str) {
    let Ok(runs) = state.store().runs(schedule_id, 5).await else { return };
    for mut old in runs.into_iter().filter(|r| r.status == RunStatus::Running) {
        old.status = RunStatus::Failed;
        old.error = Some("the process running it stopped before the end; the run was taken over".into());
        let _ = state.store().put_run(&old).await;
    }
}

/// Renews the lease at a third of its length until aborted.
async fn renew_while_running(store: Arc<dyn Store>, span: chrono::Duration, id: String, holder: String) {
    let every = Duration::from_millis((span.num_milliseconds() / 3).max(200) as u64);
    loop {
        tokio::time::sleep(every).await;
        match store.renew_schedule_lease(&id, &holder, Utc::now() + span).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(schedule = %id, "lease lost while running; another process may take the run over")
            }
            Err(e) => tracing::warn!(error = %e, schedule = %id, "lease not renewed"),
        }
    }
}

/// Records the run on the schedule and sets its next run; three failures in a row pause it and
/// tell the owner. Retries when the owner edited the schedule meanwhile.
async fn move_on(state: &dyn RunnerDeps, id: &str, summary: RunSummary) -> Result<(), ApiError> {
    for _ in 0..5 {
        let Some(mut s) = state.store().schedule(id).await? else { return Ok(()) };
        let expected = s.rev;
        let failed = summary.status == RunStatus::Failed;
        s.failures_in_row = if failed { s.failures_in_row + 1 } else { 0 };
        let pause = failed && s.failures_in_row >= FAILURES_BEFORE_PAUSE && s.enabled;
        if pause {
            s.enabled = false;
            s.paused_reason = Some(format!(
                "paused after {} failed runs in a row; the last: {}",
                s.failures_in_row,
                summary.error.as_deref().unwrap_or("unknown error")
            ));
        }
        s.next_run_at = next_run(&s, Utc::now());
        s.last_run = Some(summary.clone());
        s.rev += 1;
        if state.store().replace_schedule(&s, expected).await? {
            if pause {
                notifications::schedule_paused(state.store().as_ref(), &s).await;
            }
            return Ok(());
        }
    }
    Err(ApiError::conflict("schedule_busy", "the schedule kept changing; its run is recorded"))
}

/// When an enabled schedule next runs after `now`.
pub fn next_run(s: &Schedule, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    s.enabled.then(|| timing::next_after(&s.timing, now)).flatten()
}

/// Looks for due runs every `jobs.tick_secs`, forever (in-process mode).
pub async fn run<S: RunnerDeps + 'static>(state: S) {
    let holder = state.quotas().replica_id.clone();
    let mut every = tokio::time::interval(Duration::from_secs(state.config().jobs.tick_secs.max(1)));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if state.shutting_down().load(std::sync::atomic::Ordering::SeqCst) {
            continue;
        }
        if let Err(e) = run_due(&state, &holder).await {
            tracing::warn!(error = %e, "due schedules not run this time");
        }
        match super::system::reindex_if_due(&state).await {
            Ok(Some(done)) => tracing::info!(?done, "track cache re-indexed"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "re-index not run this time"),
        }
    }
}
