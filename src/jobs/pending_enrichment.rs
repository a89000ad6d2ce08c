//! Finishes `pending` items: finds playlists with pending items, looks the tracks up (cache or
//! Last.fm, through the same limiter) and applies what resolved, by item id, with the same
//! compare-and-swap write path as every other change.

use std::time::Duration;

use crate::{
    app::AppState,
    error::ApiError,
    playlists::write,
    tracks::{enrich, model::Enrichment, service::TrackQuery},
};

/// Playlists handled per pass.
const BATCH: usize = 50;

/// One pass; returns how many items were resolved.
pub async fn run_once(state: &AppState) -> Result<usize, ApiError> {
    if !state.tracks.enabled() {
        return Ok(0);
    }
    let mut resolved = 0;
    for id in state.store.playlists_with_pending(BATCH).await? {
        let Some(playlist) = state.store.playlist(&id).await? else { continue };
        let queries: Vec<TrackQuery> = playlist
            .items
            .iter()
            .filter(|i| i.enrichment == Enrichment::Pending)
            .map(|i| TrackQuery { key: i.track_key.clone(), artist: i.artist.clone(), title: i.title.clone() })
            .collect();
        let outcomes = enrich::lookup_within_budget(state, &queries).await;
        let result = write::modify_as_system(state, &id, "enrich", |p| {
            let mut count = 0;
            for item in p.items.iter_mut().filter(|i| i.enrichment == Enrichment::Pending) {
                if outcomes.get(&item.track_key).is_some_and(|o| enrich::apply(item, o)) {
                    count += 1;
                }
            }
            Ok((count, count > 0))
        })
        .await;
        match result {
            Ok((_, count)) => resolved += count,
            Err(e) if e.status == axum::http::StatusCode::NOT_FOUND => {} // deleted meanwhile
            Err(e) => return Err(e),
        }
    }
    Ok(resolved)
}

/// Runs passes forever: every `pending_retry_ms`, or sooner when an add leaves items pending.
pub async fn run(state: AppState) {
    let interval = Duration::from_millis(state.config.lastfm.pending_retry_ms.max(10));
    loop {
        tokio::select! {
            () = state.enrichment_wakeup.notified() => {}
            () = tokio::time::sleep(interval) => {}
        }
        match run_once(&state).await {
            Ok(n) if n > 0 => tracing::info!(resolved = n, "pending items enriched"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "pending-enrichment pass failed"),
        }
    }
}
