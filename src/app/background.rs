//! The process's background loops: replica counting, housekeeping, and (unless a CronJob runs
//! `sharify jobs run-due`) enrichment, platform links, due schedules and webhook deliveries.

use std::sync::Arc;

use tokio::task::JoinHandle;

use super::AppState;
use crate::jobs;

/// Starts the background loops; each gets the parts it needs.
pub(super) fn spawn(state: &AppState) -> Vec<JoinHandle<()>> {
    let (tracks, platforms) = (state.tracks.clone(), state.platforms.clone());
    let counters: Arc<dyn crate::quotas::store::CounterStore> = state.store.clone();
    let mut jobs = vec![
        tokio::spawn(state.quotas.clone().run(counters, move |n| {
            tracks.set_replicas(n);
            platforms.set_replicas(n);
        })),
        tokio::spawn(jobs::housekeeping::visit_flusher(
            state.store.clone(),
            state.visits.clone(),
            state.tracks.clone(),
        )),
        tokio::spawn(crate::library::maintenance::index_compactor(state.store.clone())),
        tokio::spawn(crate::memory::trim_periodically(state.store.clone())),
    ];
    // Background work and due schedules, unless a CronJob runs `sharify jobs run-due`.
    if state.config.jobs.in_process {
        let (users, anonymous) = (state.user_limiter.clone(), state.anonymous_limiter.clone());
        let forget_idle = move || {
            users.forget_idle();
            anonymous.forget_idle();
        };
        let (store, quotas) = (state.store.clone(), state.quotas.clone());
        jobs.push(tokio::spawn(jobs::housekeeping::expired_token_sweeper(store, quotas, forget_idle)));
        jobs.push(tokio::spawn(jobs::pending_enrichment::run(state.clone())));
        jobs.push(tokio::spawn(jobs::platform_links::run(state.clone())));
        jobs.push(tokio::spawn(crate::schedules::runner::run(state.clone())));
        jobs.push(tokio::spawn(crate::webhooks::dispatch::run(state.clone())));
    }
    jobs
}
