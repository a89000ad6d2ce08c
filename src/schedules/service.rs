//! Creating, reading, changing and deleting your schedules.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    model::{JobKind, RunSummary, Schedule, Timing},
    params, runner, timing,
};
use crate::{deps::Basics, error::ApiError, ids, users::model::User};

/// Most schedules a user may have.
pub const SCHEDULES_PER_USER_MAX: usize = 50;

/// A new schedule: `cron` (with `timezone`, your account's by default) or `interval_secs`
/// (`listens` schedules poll hourly when given neither).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSchedule {
    /// `sync`, `generate`, `discover` or `listens` (`reindex` is the operator's: refused).
    pub kind: JobKind,
    /// The job's parameters (see each kind).
    #[serde(default = "empty_object")]
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
    /// Five-field cron, e.g. `"0 6 * * 1"` (Mondays 06:00), or `@daily`, `@weekly`, `@hourly`.
    pub cron: Option<String>,
    /// The cron's IANA time zone (default: your account's).
    pub timezone: Option<String>,
    /// Instead of `cron`: seconds between runs.
    pub interval_secs: Option<u64>,
    /// Runs on its own (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn empty_object() -> serde_json::Value {
    serde_json::json!({})
}
fn yes() -> bool {
    true
}

/// Changes to a schedule (any subset). Enabling it again clears a pause.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchedulePatch {
    /// New parameters (replacing the old ones).
    #[schema(value_type = Option<Object>)]
    pub params: Option<serde_json::Value>,
    /// New cron expression (replaces an interval).
    pub cron: Option<String>,
    /// New time zone of the cron.
    pub timezone: Option<String>,
    /// New interval (replaces a cron).
    pub interval_secs: Option<u64>,
    /// Enable or disable.
    pub enabled: Option<bool>,
}

/// A schedule as the API shows it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScheduleDto {
    /// Its id.
    pub id: String,
    /// What it runs.
    pub kind: JobKind,
    /// The job's parameters.
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
    /// Its cron expression, when it has one.
    pub cron: Option<String>,
    /// The cron's time zone.
    pub timezone: Option<String>,
    /// Its interval, when it has one.
    pub interval_secs: Option<u64>,
    /// Runs on its own.
    pub enabled: bool,
    /// When it next runs on its own.
    pub next_run_at: Option<chrono::DateTime<Utc>>,
    /// How its last run went.
    pub last_run: Option<RunSummary>,
    /// Failed runs in a row (three pause it).
    pub failures_in_row: u32,
    /// Why it paused itself.
    pub paused_reason: Option<String>,
    /// When it was created.
    pub created_at: chrono::DateTime<Utc>,
}

impl From<&Schedule> for ScheduleDto {
    fn from(s: &Schedule) -> Self {
        let (cron, timezone, interval_secs) = match &s.timing {
            Timing::Cron { cron, timezone } => (Some(cron.clone()), Some(timezone.clone()), None),
            Timing::Interval { interval_secs } => (None, None, Some(*interval_secs)),
        };
        Self {
            id: s.id.clone(),
            kind: s.kind,
            params: s.params.clone(),
            cron,
            timezone,
            interval_secs,
            enabled: s.enabled,
            next_run_at: s.next_run_at,
            last_run: s.last_run.clone(),
            failures_in_row: s.failures_in_row,
            paused_reason: s.paused_reason.clone(),
            created_at: s.created_at,
        }
    }
}

fn timing_of(
    state: &dyn Basics,
    cron: Option<String>,
    timezone: Option<String>,
    interval_secs: Option<u64>,
    default_zone: &str,
) -> Result<Timing, ApiError> {
    let timing = match (cron, interval_secs) {
        (Some(cron), None) => {
            Timing::Cron { cron: cron.trim().to_owned(), timezone: timezone.unwrap_or_else(|| default_zone.to_owned()) }
        }
        (None, Some(interval_secs)) if timezone.is_none() => Timing::Interval { interval_secs },
        (None, Some(_)) => {
            return Err(ApiError::invalid("invalid_schedule", "timezone goes with cron, not interval_secs"))
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid("invalid_schedule", "give cron or interval_secs, not both"))
        }
        (None, None) => {
            return Err(ApiError::invalid("invalid_schedule", "give cron (with timezone) or interval_secs"))
        }
    };
    timing::check(&timing, state.config().jobs.min_interval_secs.max(1))?;
    Ok(timing)
}

/// Creates a schedule for `owner`.
pub async fn create(state: &dyn Basics, owner: &User, input: NewSchedule) -> Result<Schedule, ApiError> {
    params::check(input.kind, &input.params)?;
    // Listening history is polled: hourly unless told otherwise (Spotify keeps only 50 plays).
    let interval = match (input.kind, &input.cron, input.interval_secs) {
        (JobKind::Listens, None, None) => Some(3600),
        (_, _, given) => given,
    };
    let timing = timing_of(state, input.cron, input.timezone, interval, &owner.timezone)?;
    if state.store().schedules_of(&owner.id).await?.len() >= SCHEDULES_PER_USER_MAX {
        return Err(ApiError::conflict(
            "too_many_schedules",
            format!("you have {SCHEDULES_PER_USER_MAX} schedules, the most allowed; delete one first"),
        ));
    }
    let mut schedule = Schedule {
        id: ids::new_id(),
        owner_id: owner.id.clone(),
        kind: input.kind,
        params: input.params,
        timing,
        enabled: input.enabled,
        next_run_at: None,
        last_run: None,
        failures_in_row: 0,
        paused_reason: None,
        created_at: Utc::now(),
        rev: 1,
    };
    schedule.next_run_at = runner::next_run(&schedule, Utc::now());
    state.store().insert_schedule(&schedule).await?;
    Ok(schedule)
}

/// `owner`'s schedules, oldest first.
pub async fn list(state: &dyn Basics, owner: &User) -> Result<Vec<Schedule>, ApiError> {
    Ok(state.store().schedules_of(&owner.id).await?)
}

/// The latest `limit` runs of `owner`'s schedule `id`, newest first.
pub async fn runs(
    state: &dyn Basics,
    owner: &User,
    id: &str,
    limit: usize,
) -> Result<Vec<super::model::Run>, ApiError> {
    get(state, owner, id).await?;
    Ok(state.store().runs(id, limit).await?)
}

/// One of `owner`'s schedules (404 for anyone else's).
pub async fn get(state: &dyn Basics, owner: &User, id: &str) -> Result<Schedule, ApiError> {
    match state.store().schedule(id).await? {
        Some(s) if s.owner_id == owner.id => Ok(s),
        _ => Err(ApiError::not_found("schedule_not_found", "no such schedule")),
    }
}

/// Applies `patch` to one of `owner`'s schedules.
pub async fn patch(state: &dyn Basics, owner: &User, id: &str, patch: SchedulePatch) -> Result<Schedule, ApiError> {
    for _ in 0..5 {
        let mut s = get(state, owner, id).await?;
        let expected = s.rev;
        if let Some(params) = &patch.params {
            params::check(s.kind, params)?;
            s.params = params.clone();
        }
        if patch.cron.is_some() || patch.interval_secs.is_some() || patch.timezone.is_some() {
            let (cron, zone) = match (&s.timing, &patch.cron, &patch.interval_secs) {
                (_, _, Some(_)) => (None, patch.timezone.clone()),
                (Timing::Cron { cron, timezone }, None, None) => {
                    (Some(cron.clone()), patch.timezone.clone().or(Some(timezone.clone())))
                }
                (_, Some(c), None) => (Some(c.clone()), patch.timezone.clone()),
                (Timing::Interval { .. }, None, None) => {
                    return Err(ApiError::invalid("invalid_schedule", "timezone goes with cron, not interval_secs"))
                }
            };
            s.timing = timing_of(state, cron, zone, patch.interval_secs, &owner.timezone)?;
        }
        if let Some(enabled) = patch.enabled {
            if enabled && !s.enabled {
                s.failures_in_row = 0;
                s.paused_reason = None;
            }
            s.enabled = enabled;
        }
        s.next_run_at = runner::next_run(&s, Utc::now());
        s.rev += 1;
        if state.store().replace_schedule(&s, expected).await? {
            return Ok(s);
        }
    }
    Err(ApiError::conflict("schedule_busy", "the schedule kept changing; try again"))
}

/// Deletes one of `owner`'s schedules and its runs.
pub async fn delete(state: &dyn Basics, owner: &User, id: &str) -> Result<(), ApiError> {
    get(state, owner, id).await?;
    state.store().delete_schedule(id).await?;
    Ok(())
}
