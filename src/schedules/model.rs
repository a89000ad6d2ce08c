//! Stored schedules and their runs.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a schedule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    /// Back up or sync a source into a playlist or a dated snapshot.
    Sync,
    /// Build a playlist from artists, a tag, shows or your top tracks.
    Generate,
    /// A playlist of tracks by artists like your top ones that you have not heard.
    Discover,
    /// Import your listening history (Last.fm scrobbles, Spotify recently played).
    Listens,
    /// Refresh stale Last.fm cache entries and resolve never-enriched tracks.
    Reindex,
}

impl JobKind {
    /// The kind's name, as in the API and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sync => "sync",
            Self::Generate => "generate",
            Self::Discover => "discover",
            Self::Listens => "listens",
            Self::Reindex => "reindex",
        }
    }
}

/// When a schedule runs: a cron expression in a time zone, or a fixed interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Timing {
    /// Five-field cron (`0 6 * * 1`: Mondays at 06:00) in `timezone` (an IANA name).
    Cron {
        /// The expression.
        cron: String,
        /// Its time zone.
        timezone: String,
    },
    /// Every `interval_secs` seconds.
    Interval {
        /// Seconds between runs.
        interval_secs: u64,
    },
}

/// A stored schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    /// Its id.
    pub id: String,
    /// The user it runs as.
    pub owner_id: String,
    /// What it runs.
    pub kind: JobKind,
    /// The job's parameters (checked per kind when the schedule is saved).
    pub params: serde_json::Value,
    /// When it runs.
    pub timing: Timing,
    /// Whether it runs on its own (it can always be run now).
    pub enabled: bool,
    /// The next time it is due (none while disabled).
    pub next_run_at: Option<DateTime<Utc>>,
    /// How its last run went.
    pub last_run: Option<RunSummary>,
    /// Failed runs in a row (three pause it).
    pub failures_in_row: u32,
    /// Why it paused itself, until it is enabled again.
    pub paused_reason: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Bumped by every write; a write checks it so none is lost.
    pub rev: u64,
}

/// How a run ended (or that it is still running).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Started and not finished (or its holder died; it is taken over when its lease expires).
    Running,
    /// Finished without error.
    Succeeded,
    /// Finished with an error.
    Failed,
}

/// A run's outcome, as kept on its schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RunSummary {
    /// The run's id.
    pub run_id: String,
    /// How it ended.
    pub status: RunStatus,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// What it did, by name.
    pub counts: BTreeMap<String, u64>,
    /// Why it failed.
    pub error: Option<String>,
}

/// One run of a schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Run {
    /// Its id.
    pub id: String,
    /// The schedule it ran.
    #[serde(default)]
    pub schedule_id: String,
    /// The period it ran for (the due time it was claimed for, or `now-…` when run by hand);
    /// a job's effects are idempotent per period.
    pub period: String,
    /// How it went.
    pub status: RunStatus,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Why it failed.
    pub error: Option<String>,
    /// What it did, by name (`added`, `listens`, …).
    pub counts: BTreeMap<String, u64>,
    /// Which process ran it.
    #[serde(default)]
    pub holder: String,
}
