//! Finishes `pending` items: finds playlists with pending items, looks the tracks up (cache or
//! Last.fm, through the same limiter) and saves what resolved, by item id. Results are not user
//! changes: they move the enrichment generation (and so the ETag), not the version.

use std::{
    collections::HashMap,
    sync::{Mutex, OnceLock},
    time::{Duration, Instant},
};

use crate::{
    error::ApiError,
    playlists::deps::AddDeps,
    playlists::{background, write},
    tracks::{
        enrich,
        model::Enrichment,
        service::{Outcome, TrackQuery},
    },
};

/// Playlists handled per pass.
const BATCH: usize = 50;
/// How long a playlist whose results cannot be saved (it would grow too large) is passed over.
const SKIP_FOR: Duration = Duration::from_secs(3600);

/// Playlists passed over until a time, so one that cannot take its results never stalls the job.
fn skipped() -> &'static Mutex<HashMap<String, Instant>> {
    static SKIPPED: OnceLock<Mutex<HashMap<String, Instant>>> = OnceLock::new();
    SKIPPED.get_or_init(Mutex::default)
}

fn is_skipped(id: &str) -> bool {
    let mut map = skipped().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let now = Instant::now();
    map.retain(|_, until| *until > now);
    map.contains_key(id)
}

/// One pass; returns how many items were resolved.
pub async fn run_once(state: &dyn AddDeps) -> Result<usize, ApiError> {
    if !state.tracks().enabled() {
        return Ok(0);
    }
    let mut resolved = 0;
    for id in
        state.store().playlists_with_pending(BATCH * 2).await?.into_iter().filter(|id| !is_skipped(id)).take(BATCH)
    {
        let playlist = match write::current(state, &id).await {
            Ok(p) => p,
            Err(e) if e.status == axum::http::StatusCode::NOT_FOUND => continue, // deleted meanwhile
            Err(e) => return Err(e),
        };
        let queries: Vec<TrackQuery> = playlist
            .items
            .iter()
            .filter(|i| i.enrichment == Enrichment::Pending)
            .map(|i| TrackQuery { key: i.track_key.clone(), artist: i.artist.clone(), title: i.title.clone() })
            .collect();
        let outcomes = enrich::lookup_within_budget(state, &queries).await;
        tell_if_waiting_too_long(state, &playlist, &outcomes).await;
        let result = background::save_enrichment(state, &id, |item| {
            let mut item = item.clone();
            outcomes
                .get(&item.track_key)
                .is_some_and(|o| enrich::settle(&mut item, Some(o), true, &state.config().matching))
                .then_some(item)
        })
        .await;
        match result {
            Ok(count) => {
                resolved += count;
                if count > 0 {
                    super::platform_links::queue(state, &playlist.meta).await;
                }
            }
            Err(e) if e.status == axum::http::StatusCode::NOT_FOUND => {} // deleted meanwhile
            Err(e) if e.code == "playlist_too_large" => {
                tracing::warn!(playlist = %id, "enrichment results would make the playlist too large; skipped for an hour");
                skipped()
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(id, Instant::now() + SKIP_FOR);
            }
            Err(e) => {
                tracing::warn!(error = %e, playlist = %id, "pending items not saved; moving on");
            }
        }
    }
    Ok(resolved)
}

/// Notifies the owner when items of `playlist` still wait after this pass and the oldest has
/// waited longer than `lastfm.pending_notify_after_secs`.
async fn tell_if_waiting_too_long(
    state: &dyn AddDeps,
    playlist: &crate::playlists::model::Playlist,
    outcomes: &HashMap<String, Outcome>,
) {
    let waiting: Vec<_> = playlist
        .items
        .iter()
        .filter(|i| i.enrichment == Enrichment::Pending)
        .filter(|i| !matches!(outcomes.get(&i.track_key), Some(Outcome::Done(_))))
        .collect();
    let Some(oldest) = waiting.iter().map(|i| i.added_at).min() else { return };
    let secs = i64::try_from(state.config().lastfm.pending_notify_after_secs).unwrap_or(i64::MAX);
    let patience = chrono::TimeDelta::try_seconds(secs).unwrap_or(chrono::TimeDelta::MAX);
    if crate::ids::now() - oldest >= patience {
        let meta = &playlist.meta;
        let (store, outage) = (state.store().as_ref(), state.tracks().outage_since());
        let waited = (waiting.len(), oldest);
        crate::notifications::enrichment_delayed(store, &meta.owner_id, (&meta.id, &meta.name), waited, outage).await;
    }
}

/// Runs passes forever: every `pending_retry_ms`, or sooner when an add leaves items pending; with
/// replicas, only the one holding the job's lease runs them (another takes over within the lease
/// time if it stops).
pub async fn run<S: AddDeps + 'static>(state: S) {
    let interval = Duration::from_millis(state.config().lastfm.pending_retry_ms.max(10));
    loop {
        tokio::select! {
            () = state.enrichment_wakeup().notified() => {}
            () = tokio::time::sleep(interval) => {}
        }
        let lease = (interval * 3).max(Duration::from_secs(10));
        if !state.quotas().holds_lease(&**state.store(), "pending_enrichment", lease).await {
            state.metrics().job_leader.with_label_values(&["pending_enrichment"]).set(0);
            continue;
        }
        state.metrics().job_leader.with_label_values(&["pending_enrichment"]).set(1);
        match run_once(&state).await {
            Ok(n) if n > 0 => tracing::info!(changed = n, "pending items updated"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "pending-enrichment pass failed"),
        }
    }
}
