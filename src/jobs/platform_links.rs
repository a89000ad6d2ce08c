//! Finds platform links for matched tracks in the background. Playlists that gained matched
//! items are queued (a `links_due` record, shared by replicas and dropped with the account);
//! a pass takes queued playlists, searches what their items lack (cache first, within a budget
//! of platform calls per pass) and adds the links it is sure of, without a new version.

use std::time::Duration;

use chrono::{Duration as Span, Utc};

use crate::{
    error::ApiError,
    platforms::track_links,
    playlists::deps::AddDeps,
    playlists::{background, model::PlaylistMeta, write},
    storage::records::RecordKey,
};

/// Records kind of the queue.
const DUE: &str = "links_due";
/// Playlists handled per pass.
const BATCH: usize = 20;
/// Platform searches per pass (the platforms' own limiters pace them).
const SEARCHES_PER_PASS: usize = 200;
/// How long a playlist stays queued if no pass reaches it.
const QUEUED_FOR_HOURS: i64 = 48;

/// Queues `playlist` for a links pass when any platform can search; call after items were added
/// or matched. A failure is logged, never the caller's error.
pub async fn queue(state: &dyn super::ItemsAddedDeps, playlist: &PlaylistMeta) {
    if state.platforms().searchers().is_empty() {
        return;
    }
    let at = RecordKey { kind: DUE, owner: &playlist.owner_id, key: &playlist.id };
    match state.store().put_record(at, "", Some(Utc::now() + Span::hours(QUEUED_FOR_HOURS))).await {
        Ok(()) => state.links_wakeup().notify_one(),
        Err(e) => tracing::warn!(error = %e, playlist = %playlist.id, "playlist not queued for platform links"),
    }
}

/// One pass; returns how many items got links.
pub async fn run_once(state: &dyn AddDeps) -> Result<usize, ApiError> {
    if state.platforms().searchers().is_empty() {
        return Ok(0);
    }
    let mut budget = SEARCHES_PER_PASS;
    let mut linked = 0;
    for id in state.store().record_keys(DUE, None, BATCH).await? {
        // Taken off the queue before the playlist is read: an add meanwhile queues it again.
        state.store().delete_record(DUE, &id).await?;
        let playlist = match write::current(state, &id).await {
            Ok(p) => p,
            Err(e) if e.status == axum::http::StatusCode::NOT_FOUND => continue,
            Err(e) => return Err(e),
        };
        let found = match track_links::find(state, &playlist, budget).await {
            Ok(found) => found,
            Err(e) => {
                queue(state, &playlist.meta).await;
                return Err(e);
            }
        };
        budget = budget.saturating_sub(found.searched);
        match background::save_links(state, &id, &found.updates).await {
            Ok(n) => linked += n,
            Err(e) if e.status == axum::http::StatusCode::NOT_FOUND => continue,
            Err(e) => tracing::warn!(error = %e, playlist = %id, "platform links not saved; tried again later"),
        }
        // Unanswered searches (a platform failed, or the pass's budget ran out) are tried again;
        // items still pending are queued when enrichment matches them.
        if !found.complete {
            queue(state, &playlist.meta).await;
        }
        if budget == 0 {
            break;
        }
    }
    Ok(linked)
}

/// Runs passes forever: every `lastfm.pending_retry_ms`, or sooner when a playlist is queued;
/// with replicas, only the holder of the job's lease runs them.
pub async fn run<S: AddDeps + 'static>(state: S) {
    let interval = Duration::from_millis(state.config().lastfm.pending_retry_ms.max(10));
    loop {
        tokio::select! {
            () = state.links_wakeup().notified() => {}
            () = tokio::time::sleep(interval) => {}
        }
        let lease = (interval * 3).max(Duration::from_secs(10));
        if !state.quotas().holds_lease(&**state.store(), "platform_links", lease).await {
            state.metrics().job_leader.with_label_values(&["platform_links"]).set(0);
            continue;
        }
        state.metrics().job_leader.with_label_values(&["platform_links"]).set(1);
        match run_once(&state).await {
            Ok(n) if n > 0 => tracing::info!(linked = n, "platform links added"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "platform-links pass failed"),
        }
    }
}
