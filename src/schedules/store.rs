//! How schedules and their runs are stored. A due run is claimed with a lease written in the
//! same atomic update that checks the schedule is due and unleased, so among any number of
//! processes sharing the store exactly one takes it; a holder that dies stops renewing and its
//! run is taken over when the lease expires.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::model::{Run, Schedule};
use crate::store_error::StoreResult;

/// What a claim asks for.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    /// The schedule.
    pub id: &'a str,
    /// The claiming process.
    pub holder: &'a str,
    /// Now (a due schedule's next run is at or before it; a lease before it has expired).
    pub now: DateTime<Utc>,
    /// The lease's end.
    pub until: DateTime<Utc>,
    /// Only when enabled and due (else: whenever not leased; "run now").
    pub due_only: bool,
}

/// Stored schedules, their leases and runs.
#[async_trait]
pub trait ScheduleStore: Send + Sync {
    /// Stores a new schedule.
    async fn insert_schedule(&self, schedule: &Schedule) -> StoreResult<()>;
    /// Replaces a schedule if its stored `rev` is still `expected_rev` (the lease is kept);
    /// false when it changed meanwhile or is gone.
    async fn replace_schedule(&self, schedule: &Schedule, expected_rev: u64) -> StoreResult<bool>;
    /// One schedule.
    async fn schedule(&self, id: &str) -> StoreResult<Option<Schedule>>;
    /// A user's schedules, oldest first.
    async fn schedules_of(&self, owner: &str) -> StoreResult<Vec<Schedule>>;
    /// Every schedule, by id, `limit` after `after` (the CLI's list).
    async fn all_schedules(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<Schedule>>;
    /// Deletes a schedule and its runs; false when there was none.
    async fn delete_schedule(&self, id: &str) -> StoreResult<bool>;
    /// Deletes every schedule `owner` has, with their runs (account deletion).
    async fn delete_schedules_of(&self, owner: &str) -> StoreResult<()>;
    /// Ids of up to `limit` enabled schedules due at `now` whose lease is free or expired,
    /// earliest first.
    async fn due_schedules(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<String>>;
    /// Takes the schedule's lease for `claim.holder` if it is free or expired (and, with
    /// `due_only`, the schedule is enabled and due), in one atomic update; the schedule as it
    /// was when claimed, or `None` when someone else holds it or it is not due.
    async fn claim_schedule(&self, claim: Claim<'_>) -> StoreResult<Option<Schedule>>;
    /// Extends `holder`'s lease; false when it lost it.
    async fn renew_schedule_lease(&self, id: &str, holder: &str, until: DateTime<Utc>) -> StoreResult<bool>;
    /// Frees `holder`'s lease.
    async fn release_schedule_lease(&self, id: &str, holder: &str) -> StoreResult<()>;
    /// Stores (or replaces, by id) a run; keeps the newest 100 of its schedule.
    async fn put_run(&self, run: &Run) -> StoreResult<()>;
    /// A schedule's runs, newest first.
    async fn runs(&self, schedule_id: &str, limit: usize) -> StoreResult<Vec<Run>>;
}
