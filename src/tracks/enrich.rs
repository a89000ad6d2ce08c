//! Enrichment of playlist items: look new tracks up within the budget before the write, save
//! what is not resolved as `pending`, and let the background job finish those.

use std::{collections::HashMap, time::Duration};

use super::{
    model::{Enrichment, TrackMeta},
    service::{Lookup, Outcome, TrackQuery},
};
use crate::{app::AppState, playlists::model::Item};

/// Looks tracks up within the configured budget; empty when enrichment is off.
pub async fn lookup_within_budget(state: &AppState, queries: &[TrackQuery]) -> HashMap<String, Outcome> {
    if !state.tracks.enabled() || queries.is_empty() {
        return HashMap::new();
    }
    let started = std::time::Instant::now();
    let outcomes =
        state.tracks.lookup_within(queries, Duration::from_millis(state.config.lastfm.enrich_budget_ms)).await;
    let label = if outcomes.values().any(|o| *o == Outcome::Pending) { "partial" } else { "complete" };
    state.metrics.enrichment_duration.with_label_values(&[label]).observe(started.elapsed().as_secs_f64());
    outcomes
}

/// The state a new item starts in, given its lookup outcome.
pub fn initial_state(outcome: Option<&Outcome>, enabled: bool) -> (Enrichment, Option<TrackMeta>) {
    match outcome {
        Some(Outcome::Done(Lookup::Found(meta))) => (Enrichment::Enriched, Some(TrackMeta::clone(meta))),
        Some(Outcome::Done(Lookup::NotFound)) => (Enrichment::NotFound, None),
        Some(Outcome::Pending) => (Enrichment::Pending, None),
        None if enabled => (Enrichment::Pending, None),
        None => (Enrichment::Unenriched, None),
    }
}

/// Applies a resolved outcome to an item; false when there is nothing to change.
pub fn apply(item: &mut Item, outcome: &Outcome) -> bool {
    let (enrichment, meta) = match outcome {
        Outcome::Pending => return false,
        other => initial_state(Some(other), true),
    };
    if item.enrichment == enrichment && item.meta == meta {
        return false;
    }
    item.enrichment = enrichment;
    item.meta = meta;
    true
}
