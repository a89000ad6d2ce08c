//! Housekeeping loops: share-link visit counts and track read times to the store, expired tokens and the records of
//! deleted accounts out of it.

use std::time::Duration;

use std::sync::Arc;

use crate::{quotas::replicas::Quotas, sharing::visits::VisitCounts, storage::Store, tracks::service::TrackService};

/// Adds share-link visit counts and track read times to the store every few seconds.
pub async fn visit_flusher(store: Arc<dyn Store>, visits: Arc<VisitCounts>, tracks: Arc<TrackService>) {
    let mut every = tokio::time::interval(crate::sharing::visits::FLUSH_EVERY);
    loop {
        every.tick().await;
        visits.flush(&*store).await;
        tracks.accesses.flush(&*store).await;
    }
}

/// Every hour: `forget_idle` (the rate limiters drop idle callers), then a sweep of expired
/// tokens and records (on one replica at a time).
pub async fn expired_token_sweeper(store: Arc<dyn Store>, quotas: Arc<Quotas>, forget_idle: impl Fn() + Send) {
    let mut every = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every.tick().await;
        forget_idle();
        if !quotas.holds_lease(&*store, "expired_token_sweeper", Duration::from_secs(600)).await {
            continue;
        }
        sweep_once(&*store).await;
    }
}

/// One sweep: usernames of deleted accounts released, expired tokens and records removed;
/// returns how many rows went.
pub async fn sweep_once(store: &dyn Store) -> u64 {
    let mut removed = 0;
    let hold = chrono::Duration::days(crate::users::account::USERNAME_HOLD_DAYS);
    match store.purge_deleted_users(chrono::Utc::now() - hold).await {
        Ok(n) if n > 0 => {
            removed += n;
            tracing::info!(purged = n, "usernames of deleted accounts released");
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "deleted-account purge failed"),
    }
    match store.delete_expired_tokens(chrono::Utc::now()).await {
        Ok(n) if n > 0 => {
            removed += n;
            tracing::info!(deleted = n, "expired tokens removed");
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "expired-token sweep failed"),
    }
    match store.purge_expired_records(chrono::Utc::now()).await {
        Ok(n) if n > 0 => {
            removed += n;
            tracing::info!(deleted = n, "expired records removed");
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "expired-record sweep failed"),
    }
    removed
}
