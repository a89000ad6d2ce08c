//! Housekeeping loops: share-link visit counts and track read times to the store, expired tokens and the records of
//! deleted accounts out of it.

use std::time::Duration;

use crate::app::AppState;

/// Adds share-link visit counts to the store every few seconds.
pub async fn visit_flusher(state: AppState) {
    let mut every = tokio::time::interval(crate::sharing::visits::FLUSH_EVERY);
    loop {
        every.tick().await;
        state.visits.flush(&*state.store).await;
        state.tracks.accesses.flush(&*state.store).await;
    }
}

/// Deletes expired tokens every hour (on one replica at a time).
pub async fn expired_token_sweeper(state: AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every.tick().await;
        state.user_limiter.forget_idle();
        state.anonymous_limiter.forget_idle();
        if !state.quotas.holds_lease(&*state.store, "expired_token_sweeper", Duration::from_secs(600)).await {
            continue;
        }
        sweep_once(&state).await;
    }
}

/// One sweep: usernames of deleted accounts released, expired tokens and records removed;
/// returns how many rows went.
pub async fn sweep_once(state: &AppState) -> u64 {
    let mut removed = 0;
    let hold = chrono::Duration::days(crate::users::account::USERNAME_HOLD_DAYS);
    match state.store.purge_deleted_users(chrono::Utc::now() - hold).await {
        Ok(n) if n > 0 => {
            removed += n;
            tracing::info!(purged = n, "usernames of deleted accounts released");
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "deleted-account purge failed"),
    }
    match state.store.delete_expired_tokens(chrono::Utc::now()).await {
        Ok(n) if n > 0 => {
            removed += n;
            tracing::info!(deleted = n, "expired tokens removed");
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "expired-token sweep failed"),
    }
    match state.store.purge_expired_records(chrono::Utc::now()).await {
        Ok(n) if n > 0 => {
            removed += n;
            tracing::info!(deleted = n, "expired records removed");
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "expired-record sweep failed"),
    }
    removed
}
