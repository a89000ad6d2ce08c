//! The in-process delivery loop: passes shortly after a write here, else every second; each
//! hook with work delivered by a task of its own, so a slow receiver holds up only its hook.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::Utc;

use super::deliver::{one_hook, DeliveryDeps, HOOKS_AT_ONCE};
use crate::error::ApiError;

/// Gathering time after a write before a pass: a burst of writes is delivered by a few passes,
/// each saving its cursor once, not one pass per write.
const GATHER: Duration = Duration::from_millis(50);

/// What the in-process loop knows between passes: the hooks being delivered now (one task each,
/// so a slow receiver holds up nothing else), and each hook's backlog for the gauges.
#[derive(Default)]
struct InFlight {
    hooks: std::collections::HashSet<String>,
    backlog: std::collections::HashMap<String, (u64, Option<chrono::DateTime<Utc>>)>,
}

/// Runs passes forever: shortly after a write here, else every second (other replicas' writes).
/// Each hook with work is delivered by a task of its own (at most `HOOKS_AT_ONCE` at once); a
/// pass starts the hooks not already being delivered and does not wait for them.
pub async fn run<S: DeliveryDeps + Clone + 'static>(state: S) {
    let in_flight: Arc<Mutex<InFlight>> = Arc::default();
    let slots = Arc::new(tokio::sync::Semaphore::new(HOOKS_AT_ONCE));
    loop {
        tokio::select! {
            () = state.webhooks_wakeup().notified() => tokio::time::sleep(GATHER).await,
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
        if let Err(e) = start_pass(&state, &in_flight, &slots).await {
            tracing::warn!(error = %e, "webhook pass failed");
        }
        let known = in_flight.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let pending: u64 = known.backlog.values().map(|(n, _)| n).sum();
        let oldest = known.backlog.values().filter_map(|(_, t)| *t).min();
        state.metrics().webhook_queue_depth.set(pending as i64);
        let age = oldest.map_or(0.0, |t| (Utc::now() - t).num_milliseconds().max(0) as f64 / 1000.0);
        state.metrics().webhook_oldest_pending_seconds.set(age);
    }
}

async fn start_pass<S: DeliveryDeps + Clone + 'static>(
    state: &S,
    in_flight: &Arc<Mutex<InFlight>>,
    slots: &Arc<tokio::sync::Semaphore>,
) -> Result<(), ApiError> {
    let mut after: Option<String> = None;
    loop {
        let (hooks, last) = super::page(state, after.as_deref(), 200).await?;
        for hook in hooks {
            let lock = || in_flight.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if !lock().hooks.insert(hook.id.clone()) {
                continue; // still being delivered: one task per hook
            }
            let Ok(slot) = slots.clone().acquire_owned().await else { return Ok(()) };
            let (state, in_flight) = (state.clone(), in_flight.clone());
            tokio::spawn(async move {
                let _slot = slot;
                let id = hook.id.clone();
                let (done, oldest) = one_hook(&state, hook).await;
                let mut known = in_flight.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                known.hooks.remove(&id);
                known.backlog.insert(id, (done.pending, oldest));
            });
        }
        match last {
            Some(key) => after = Some(key),
            None => return Ok(()),
        }
    }
}
