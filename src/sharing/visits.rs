//! Share-link visit counts, kept in memory and added to the store in batches, so a visit costs
//! no write: every `FLUSH_EVERY` (and once more at shutdown) each link's count since the last
//! flush is added with one increment. A crash loses at most that interval's counts.

use std::{collections::HashMap, sync::Mutex, time::Duration};

use crate::sharing::link_store::ShareLinkStore;

/// How often counts go to the store.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);

/// Visits counted since the last flush, by link id.
#[derive(Default)]
pub struct VisitCounts {
    pending: Mutex<HashMap<String, u64>>,
}

impl VisitCounts {
    /// Counts one visit of `link_id`.
    pub fn count(&self, link_id: &str) {
        let mut pending = self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *pending.entry(link_id.to_owned()).or_default() += 1;
    }

    /// Visits of `link_id` counted here and not yet in the store.
    pub fn pending(&self, link_id: &str) -> u64 {
        self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(link_id).copied().unwrap_or(0)
    }

    /// Adds the pending counts to the store (those that fail are kept for the next flush).
    pub async fn flush(&self, store: &dyn ShareLinkStore) {
        let batch = std::mem::take(&mut *self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        for (link_id, visits) in batch {
            if let Err(e) = store.count_visits(&link_id, visits).await {
                tracing::warn!(error = %e, "share-link visits not saved yet; retrying at the next flush");
                *self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner).entry(link_id).or_default() +=
                    visits;
            }
        }
    }
}
