//! The service's own background passes (pending enrichment, platform links, the sweep of expired
//! tokens and records), run by `sharify jobs run-due` when no replica runs them in-process. Each
//! takes its lease first, so a CronJob and in-process loops never run one twice at once.

use std::{collections::BTreeMap, time::Duration};

use chrono::Utc;

use super::deps::RunnerDeps;
use crate::{error::ApiError, jobs, storage::records::RecordKey};

/// Runs the re-index when `jobs.reindex_every_secs` has passed since it last began anywhere
/// (a record every replica and the CronJob claim); returns what it did, or `None` when not due.
pub async fn reindex_if_due(state: &dyn RunnerDeps) -> Result<Option<BTreeMap<String, u64>>, ApiError> {
    let every = chrono::Duration::seconds(state.config().jobs.reindex_every_secs.max(1) as i64);
    let at = RecordKey { kind: "system_run", owner: "system", key: "reindex" };
    if state.store().claim_record(at, &state.quotas().replica_id, Utc::now() + every).await?.is_some() {
        return Ok(None);
    }
    Ok(Some(jobs::reindex::run(state, state.config().jobs.reindex_budget as usize).await?))
}

/// How long a pass's lease lasts.
const LEASE: Duration = Duration::from_secs(600);

/// Runs one pass of each system job this process can take; returns what each did.
pub async fn run_passes(state: &dyn RunnerDeps) -> Result<BTreeMap<String, u64>, ApiError> {
    let mut done = BTreeMap::new();
    let (store, quotas) = (&**state.store(), &state.quotas());
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
    if let Some(reindexed) = reindex_if_due(state).await? {
        done.extend(reindexed.into_iter().filter(|(k, _)| k != "written").map(|(k, v)| (format!("reindex_{k}"), v)));
    }
    // Webhooks take a lease per hook.
    let pass = crate::webhooks::deliver::run_once(state).await?;
    done.insert("webhook_events_delivered".to_owned(), pass.delivered);
    if quotas.holds_lease(store, "expired_token_sweeper", LEASE).await {
        done.insert("expired_removed".to_owned(), jobs::housekeeping::sweep_once(&**state.store()).await);
        quotas.release_lease(store, "expired_token_sweeper").await;
    }
    Ok(done)
}
