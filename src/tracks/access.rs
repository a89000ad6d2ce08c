//! When cached tracks were last asked for: kept in memory as they are read, written to the store
//! in batches (the housekeeping loop, and before a re-index), so the re-indexer refreshes the
//! stale entries people use first. Never a write per read.

use std::{collections::HashSet, sync::Mutex};

use chrono::Utc;

use super::store::TrackCacheStore;

/// Keys remembered between flushes at most (more are dropped until the next flush).
const MAX_PENDING: usize = 20_000;

/// Keys read since the last flush.
#[derive(Default)]
pub struct AccessLog {
    pending: Mutex<HashSet<String>>,
}

impl AccessLog {
    /// Notes that `key` was read.
    pub fn record(&self, key: &str) {
        let mut pending = self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if pending.len() < MAX_PENDING && !pending.contains(key) {
            pending.insert(key.to_owned());
        }
    }

    /// Writes the keys read since the last flush as accessed now; on failure they are kept.
    pub async fn flush(&self, store: &dyn TrackCacheStore) {
        let keys: Vec<String> =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
                .into_iter()
                .collect();
        if keys.is_empty() {
            return;
        }
        if let Err(e) = store.touch_cached_tracks(&keys, Utc::now()).await {
            tracing::warn!(error = %e, "track access times not saved; kept for the next flush");
            let mut pending = self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let room = MAX_PENDING.saturating_sub(pending.len());
            pending.extend(keys.into_iter().take(room));
        }
    }
}
