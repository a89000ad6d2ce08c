//! The service's own background passes (pending enrichment, platform links, the sweep of expired
//! tokens and records), run by `sharify jobs run-due` when no replica runs them in-process. Each
//! takes its lease first, so a CronJob and in-process loops never run one twice at once.

use std::{collections::BTreeMap, time::Duration};

use crate::{app::AppState, error::ApiError, jobs};

/// How long a pass's lease lasts.
const LEASE: Duration = Duration::from_secs(600);

/// Runs one pass of each system job this process can take; returns what each did.
pub async fn run_passes(state: &AppState) -> Result<BTreeMap<String, u64>, ApiError> {
    let mut done = BTreeMap::new();
    let (store, quotas) = (&*state.store, &state.quotas);
    if quotas.holds_lease(store, "pending_enrichment", LEASE).await {
        let resolved = jobs::pending_enrichment::run_once(state).await;
        quotas.release_lease(store, "pending_enrichment").await;
        done.insert("pending_resolved".to_owned(), resolved? as u64);
    }
    if quotas.holds_lease(store, "platform_links", LEASE).await {
        let linked = jobs::platform_links::run_once(state).await;
        quotas.release_lease(store, "platform_links").await;
        done.insert("links_added".to_owned(), linked? as u64);
    }
    // Webhooks take a lease per hook.
    let pass = crate::webhooks::deliver::run_once(state).await?;
    done.insert("webhook_events_delivered".to_owned(), pass.delivered);
    if quotas.holds_lease(store, "expired_token_sweeper", LEASE).await {
        done.insert("expired_removed".to_owned(), jobs::housekeeping::sweep_once(state).await);
        quotas.release_lease(store, "expired_token_sweeper").await;
    }
    Ok(done)
}
