//! How the services sharify leans on are doing: Last.fm's outage clock, and whether it is
//! configured at all. `/readyz` carries it as detail (it stays ready: the service works without
//! Last.fm) and signed-in users read it at `GET /v1/status`.

pub mod routes;

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::tracks::service::TrackService;

/// An upstream's condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Condition {
    /// Answering.
    Ok,
    /// Not answering since `since`; what needs it waits and retries.
    Degraded,
    /// Not configured on this server.
    Off,
}

/// One upstream service and how it is doing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UpstreamState {
    /// `lastfm`.
    pub name: String,
    /// `ok`, `degraded` or `off`.
    pub state: Condition,
    /// When it stopped answering (`degraded`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<DateTime<Utc>>,
    /// What it means for you.
    pub message: String,
}

/// Reads the upstreams' states on demand (what the probes hold, so they need not know the
/// services).
pub type UpstreamReport = Arc<dyn Fn() -> Vec<UpstreamState> + Send + Sync>;

/// The report over `tracks` (Last.fm).
pub fn report(tracks: Arc<TrackService>) -> UpstreamReport {
    Arc::new(move || vec![lastfm(&tracks)])
}

fn lastfm(tracks: &TrackService) -> UpstreamState {
    let (state, since, message) = match (tracks.enabled(), tracks.outage_since()) {
        (false, _) => (
            Condition::Off,
            None,
            "no Last.fm API key is configured: tracks are kept as given and not matched (items say enrichment_off)"
                .to_owned(),
        ),
        (true, Some(since)) => (
            Condition::Degraded,
            Some(since),
            format!(
                "Last.fm has not answered since {}: new items stay pending and are looked up when it answers",
                since.to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
        ),
        (true, None) => (Condition::Ok, None, "Last.fm answers: tracks are looked up and matched".to_owned()),
    };
    UpstreamState { name: "lastfm".into(), state, since, message }
}
