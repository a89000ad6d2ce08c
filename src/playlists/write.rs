//! The one write path for playlists: load, authorize, check `If-Match`, change, compare-and-swap.
//!
//! Writers in this process are serialised per playlist (striped async locks) so they do not
//! spin; writers in other replicas are kept correct by the store's conditional replace, and a
//! lost race is retried when the caller did not pin a version with `If-Match`.

use std::{
    hash::{DefaultHasher, Hash, Hasher},
    time::Duration,
};

use rand::Rng;
use tokio::sync::{Mutex, MutexGuard};

use super::{
    access::{authorize, Action},
    history,
    model::Playlist,
};
use crate::{app::AppState, error::ApiError, ids, storage::StoreError, users::model::User};

const STRIPES: usize = 256;
const MAX_ATTEMPTS: u32 = 64;

/// Striped per-playlist locks serialising this process's writers.
pub struct WriteLocks {
    stripes: Vec<Mutex<()>>,
}

impl Default for WriteLocks {
    fn default() -> Self {
        Self { stripes: (0..STRIPES).map(|_| Mutex::new(())).collect() }
    }
}

impl WriteLocks {
    /// Waits for the lock guarding `id`.
    pub async fn lock(&self, id: &str) -> MutexGuard<'_, ()> {
        let mut h = DefaultHasher::new();
        id.hash(&mut h);
        self.stripes[(h.finish() as usize) % STRIPES].lock().await
    }
}

/// Loads a playlist the caller may act on (404 / 403 otherwise).
pub async fn load(state: &AppState, caller: Option<&User>, id: &str, action: Action) -> Result<Playlist, ApiError> {
    if !ids::looks_like_id(id) {
        return Err(ApiError::playlist_not_found());
    }
    let playlist = state.store.playlist(id).await?.ok_or_else(ApiError::playlist_not_found)?;
    authorize(&playlist.meta, caller, action)?;
    Ok(playlist)
}

/// Applies `change` atomically. `change` returns its result and whether it changed anything;
/// an unchanged playlist is not written and keeps its version.
pub async fn modify<R, F>(
    state: &AppState,
    caller: &User,
    id: &str,
    if_match: Option<u64>,
    action: Action,
    op: &'static str,
    change: F,
) -> Result<(Playlist, R), ApiError>
where
    F: FnMut(&mut Playlist) -> Result<(R, bool), ApiError>,
{
    modify_inner(state, Some(caller), Some(action), id, if_match, op, change).await
}

/// Like [`modify`] for a change the service has already authorized (e.g. joining through a
/// share link): no permission check, recorded as done by `actor`.
pub async fn modify_as<R, F>(
    state: &AppState,
    actor: &User,
    id: &str,
    op: &'static str,
    change: F,
) -> Result<(Playlist, R), ApiError>
where
    F: FnMut(&mut Playlist) -> Result<(R, bool), ApiError>,
{
    modify_inner(state, Some(actor), None, id, None, op, change).await
}

/// Like [`modify`] for the service's own background work (no caller to authorize).
pub async fn modify_as_system<R, F>(
    state: &AppState,
    id: &str,
    op: &'static str,
    change: F,
) -> Result<(Playlist, R), ApiError>
where
    F: FnMut(&mut Playlist) -> Result<(R, bool), ApiError>,
{
    modify_inner(state, None, None, id, None, op, change).await
}

async fn modify_inner<R, F>(
    state: &AppState,
    actor: Option<&User>,
    action: Option<Action>,
    id: &str,
    if_match: Option<u64>,
    op: &'static str,
    mut change: F,
) -> Result<(Playlist, R), ApiError>
where
    F: FnMut(&mut Playlist) -> Result<(R, bool), ApiError>,
{
    let _guard = state.write_locks.lock(id).await;
    let mut attempt = 0;
    loop {
        let mut playlist = match (actor, action) {
            (Some(user), Some(action)) => load(state, Some(user), id, action).await?,
            _ => state.store.playlist(id).await?.ok_or_else(ApiError::playlist_not_found)?,
        };
        if let Some(expected) = if_match {
            if playlist.meta.version != expected {
                return Err(ApiError::version_mismatch(playlist.meta.version));
            }
        }
        let before = playlist.clone();
        let (result, changed) = change(&mut playlist)?;
        if !changed {
            return Ok((playlist, result));
        }
        let read_version = playlist.meta.version;
        playlist.meta.version += 1;
        let previous = playlist.meta.updated_at;
        playlist.meta.updated_at = ids::now().max(previous + chrono::Duration::microseconds(1));
        playlist.sync_derived();
        match state.store.replace_playlist(&playlist, read_version).await {
            Ok(()) => {
                history::record(state, Some(&before), &playlist, actor, op).await;
                return Ok((playlist, result));
            }
            Err(StoreError::VersionMismatch { current }) if if_match.is_some() || attempt + 1 >= MAX_ATTEMPTS => {
                return Err(ApiError::version_mismatch(current));
            }
            Err(StoreError::VersionMismatch { .. }) => {
                attempt += 1;
                let cap_ms = 2u64.saturating_pow(attempt.min(6));
                let jitter = Duration::from_millis(rand::thread_rng().gen_range(0..=cap_ms));
                tokio::time::sleep(jitter).await;
            }
            Err(StoreError::NotFound) => return Err(ApiError::playlist_not_found()),
            Err(e) => return Err(e.into()),
        }
    }
}
