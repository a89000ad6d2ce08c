//! Keeps the library search index tidy: entries of removed items go in the background, in
//! small batches, so that removing many items at once stays one cheap write.

use std::{sync::Arc, time::Duration};

use crate::storage::Store;

/// Entries removed per transaction (short, so writers never wait long).
const BATCH: usize = 200;

/// Removes every leftover index entry now; returns how many went.
pub async fn compact_now(store: &dyn Store) -> usize {
    let mut removed = 0;
    loop {
        match store.compact_search_index(BATCH).await {
            Ok(n) => {
                removed += n;
                if n < BATCH {
                    return removed;
                }
                tokio::task::yield_now().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "search index compaction failed");
                return removed;
            }
        }
    }
}

/// Compacts the search index every few seconds.
pub async fn index_compactor(store: Arc<dyn Store>) {
    let mut every = tokio::time::interval(Duration::from_secs(5));
    loop {
        every.tick().await;
        compact_now(store.as_ref()).await;
    }
}
