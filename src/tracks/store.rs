//! Persistence of the track cache (both backends).

use async_trait::async_trait;

use super::model::CachedTrack;
use crate::store_error::StoreResult;

/// Stores cache entries keyed by normalised artist + title.
#[async_trait]
pub trait TrackCacheStore: Send + Sync {
    /// Reads the entries that exist for `keys` (one round trip).
    async fn cached_tracks(&self, keys: &[String]) -> StoreResult<Vec<CachedTrack>>;
    /// Writes `entry` under each of `keys` (the looked-up key and the autocorrected one).
    async fn put_cached_track(&self, keys: &[String], entry: &CachedTrack) -> StoreResult<()>;
    /// Records that the entries under `keys` were read at `at`.
    async fn touch_cached_tracks(&self, keys: &[String], at: chrono::DateTime<chrono::Utc>) -> StoreResult<()>;
    /// Up to `limit` entries fetched before `before`, the most recently read first, then the
    /// oldest fetched (for the re-indexer).
    async fn stale_cached_tracks(
        &self,
        before: chrono::DateTime<chrono::Utc>,
        limit: usize,
    ) -> StoreResult<Vec<CachedTrack>>;
}
