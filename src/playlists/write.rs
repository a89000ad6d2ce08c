//! The one write path for playlists: current state, authorize, check `If-Match`, change,
//! commit the operations with compare-and-swap on the revision.
//!
//! Writers in this process are serialised per playlist (striped async locks) so they do not
//! spin; writers in other replicas are kept correct by the store's conditional commit, and a
//! lost race is retried when the caller did not pin a version with `If-Match`. A race lost only
//! to enrichment results is always retried: they never cause a 412.

use std::{sync::Arc, time::Duration};

use rand::Rng;

use super::{
    access::{authorize, Action},
    edit::Edit,
    history,
    model::Playlist,
    store::Commit,
};
pub use super::{deps::PlaylistDeps, locks::WriteLocks};
use crate::{error::ApiError, ids, limits, store_error::StoreError, users::model::User};

const MAX_ATTEMPTS: u32 = 64;

/// The current state of a playlist: the live copy when it is at the stored revision (one cheap
/// revision read), else read in full and kept for the next caller.
pub async fn current(state: &dyn PlaylistDeps, id: &str) -> Result<Arc<Playlist>, ApiError> {
    if !ids::looks_like_id(id) {
        return Err(ApiError::playlist_not_found());
    }
    let revision = state.store().playlist_revision(id).await?.ok_or_else(ApiError::playlist_not_found)?;
    if let Some(playlist) = state.live().get(id, revision) {
        return Ok(playlist);
    }
    let playlist = Arc::new(state.store().playlist(id).await?.ok_or_else(ApiError::playlist_not_found)?);
    state.live().put(playlist.clone());
    Ok(playlist)
}

/// Loads a playlist the caller may act on (404 / 403 otherwise).
pub async fn load(
    state: &dyn PlaylistDeps,
    caller: Option<&User>,
    id: &str,
    action: Action,
) -> Result<Arc<Playlist>, ApiError> {
    let playlist = current(state, id).await?;
    authorize(&playlist.meta, caller, action)?;
    Ok(playlist)
}

/// Applies `change` atomically and returns the playlist after it with `change`'s result. A
/// change that records no operation and leaves the metadata as it was is not written and keeps
/// the version.
pub async fn modify<R, F>(
    state: &dyn PlaylistDeps,
    caller: &User,
    id: &str,
    if_match: Option<u64>,
    action: Action,
    op: &'static str,
    change: F,
) -> Result<(Arc<Playlist>, R), ApiError>
where
    F: FnMut(&mut Edit) -> Result<R, ApiError>,
{
    modify_inner(state, Some(caller), Some(action), id, if_match, op, change).await
}

/// Like [`modify`] for a change the service has already authorized (e.g. joining through a
/// share link): no permission check, recorded as done by `actor`.
pub async fn modify_as<R, F>(
    state: &dyn PlaylistDeps,
    actor: &User,
    id: &str,
    op: &'static str,
    change: F,
) -> Result<(Arc<Playlist>, R), ApiError>
where
    F: FnMut(&mut Edit) -> Result<R, ApiError>,
{
    modify_inner(state, Some(actor), None, id, None, op, change).await
}

async fn modify_inner<R, F>(
    state: &dyn PlaylistDeps,
    actor: Option<&User>,
    action: Option<Action>,
    id: &str,
    if_match: Option<u64>,
    op: &'static str,
    mut change: F,
) -> Result<(Arc<Playlist>, R), ApiError>
where
    F: FnMut(&mut Edit) -> Result<R, ApiError>,
{
    let _guard = state.write_locks().lock(id).await;
    let mut attempt = 0;
    loop {
        let before = match (actor, action) {
            (Some(user), Some(action)) => load(state, Some(user), id, action).await?,
            _ => current(state, id).await?,
        };
        if let Some(expected) = if_match {
            if before.meta.version != expected {
                return Err(ApiError::version_mismatch(before.meta.version));
            }
        }
        let mut edit = Edit::of(&before);
        let result = change(&mut edit)?;
        if edit.ops().is_empty() && edit.meta == before.meta {
            return Ok((before, result));
        }
        let bytes = within_size(state.live().size_of(&before), edit.grown_bytes())?;
        let (mut meta, items, ops) = edit.finish();
        meta.version = before.meta.version + 1;
        meta.enrichment_gen = before.meta.enrichment_gen;
        meta.updated_at = ids::now().max(before.meta.updated_at + chrono::Duration::microseconds(1));
        meta.sync_derived(&items);
        let entry = history::entry(Some(&before), &meta, &ops, &items, actor, op);
        let commit = Commit {
            meta: &meta,
            items: &items,
            ops: &ops,
            expected: before.meta.revision(),
            history: &entry,
            history_budget: state.config().history.max_bytes_per_playlist,
        };
        match state.store().commit(commit).await {
            Ok(()) => {
                let after = Arc::new(Playlist { meta, items });
                state.live().put(after.clone());
                state.live().set_size(&after, bytes);
                state.webhooks_wakeup().notify_one();
                return Ok((after, result));
            }
            Err(StoreError::VersionMismatch { current }) if if_match.is_some() || attempt + 1 >= MAX_ATTEMPTS => {
                state.live().forget(id);
                return Err(ApiError::version_mismatch(current));
            }
            Err(StoreError::VersionMismatch { .. } | StoreError::Stale) if attempt + 1 < MAX_ATTEMPTS => {
                state.live().forget(id);
                attempt += 1;
                let cap_ms = 2u64.saturating_pow(attempt.min(6));
                let jitter = Duration::from_millis(rand::thread_rng().gen_range(0..=cap_ms));
                tokio::time::sleep(jitter).await;
            }
            Err(StoreError::NotFound) => {
                state.live().forget(id);
                return Err(ApiError::playlist_not_found());
            }
            Err(e) => {
                state.live().forget(id);
                return Err(e.into());
            }
        }
    }
}

/// The estimated size after growing `before` by `grown` bytes; 422 `playlist_too_large` when a
/// growth would take it past what every store can hold (shrinking is always allowed).
pub fn within_size(before: usize, grown: i64) -> Result<usize, ApiError> {
    let after = usize::try_from((before as i64).saturating_add(grown).max(0)).unwrap_or(usize::MAX);
    if grown > 0 && after > limits::PLAYLIST_MAX_BYTES {
        return Err(ApiError::invalid(
            "playlist_too_large",
            format!(
                "this change would make the playlist about {} KiB, over the {} KiB a playlist may take; \
                 remove items or split it",
                after / 1024,
                limits::PLAYLIST_MAX_BYTES / 1024
            ),
        ));
    }
    Ok(after)
}
