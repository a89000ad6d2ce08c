//! A push as a run (see [`crate::runs`]): each catalog search is saved as it is made, so a run
//! that dies with its pod loses nothing and the next push starts where it stopped. One push at a
//! time per playlist, user and platform (a lease; 409 `push_running` with the run to follow).

use std::sync::{atomic::AtomicUsize, Arc};

use chrono::Utc;

use super::{PushDeps, PushReport, PushRequest};
use crate::{
    error::ApiError,
    platforms::track_links::SEARCHES_MADE,
    playlists::model::Playlist,
    runs::{Run, RunKind, Started},
    storage::records::RecordKey,
};

/// Records kind of push runs.
pub const RUNS: &str = "push_run";
/// Records kind of the one-push-at-a-time leases.
const LEASES: &str = "push_lease";
/// Longest a push may hold its lease (a pod that dies mid-run frees it by then).
const LEASE_FOR: chrono::TimeDelta = chrono::TimeDelta::minutes(15);

/// A push run: `searched` counts its catalog searches, `report` is the push's report.
pub type PushRun = Run<PushReport>;

/// Starts `request` as a run for `user_id` and waits for it up to the configured time.
pub async fn start<S: PushDeps + Clone + 'static>(
    state: &S,
    user_id: &str,
    playlist: Arc<Playlist>,
    request: PushRequest,
) -> Result<Started<PushReport, PushReport>, ApiError> {
    let run = PushRun::new(Some(playlist.meta.id.clone()), true);
    let platform = crate::connections::platform_name(request.platform);
    let lease_key = format!("{}\u{1e}{user_id}\u{1e}{platform}", playlist.meta.id);
    let lease = RecordKey { kind: LEASES, owner: user_id, key: &lease_key };
    if let Some(running) = state.store().claim_record(lease, &run.id, Utc::now() + LEASE_FOR).await? {
        return Err(ApiError::conflict(
            "push_running",
            format!("a push of this playlist to this platform is running: follow it at GET /v1/push-runs/{running}"),
        ));
    }
    let searches = Arc::new(AtomicUsize::new(0));
    let (owned_state, owned_user) = (state.clone(), user_id.to_owned());
    let work = SEARCHES_MADE
        .scope(searches.clone(), async move { push(&owned_state, &owned_user, &playlist, &request).await });
    let kind = RunKind { records: RUNS, lease: Some((LEASES, lease_key)) };
    let runs = crate::runs::Runs::of(state);
    crate::runs::start(&runs, user_id, kind, run, searches, work, PushReport::clone).await
}

async fn push(
    state: &dyn PushDeps,
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
