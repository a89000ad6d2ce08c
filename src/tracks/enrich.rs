//! Enrichment of playlist items: look new tracks up within the budget before the write, save
//! what is not resolved as `pending`, and let the background job finish those. Every resolved
//! lookup also decides the item's match.

use std::{collections::HashMap, time::Duration};

use super::{
    deps::EnrichDeps,
    model::{Enrichment, TrackMeta},
    service::{Delay, Lookup, Outcome, TrackQuery},
};
use crate::{
    config::MatchingConfig,
    matching::{
        decide::decide,
        model::{DecidedBy, TrackMatch},
        reason::MatchReason,
        score::TrackFacts,
    },
    playlists::model::Item,
};

/// Looks tracks up within the configured budget; empty when enrichment is off.
pub async fn lookup_within_budget(state: &dyn EnrichDeps, queries: &[TrackQuery]) -> HashMap<String, Outcome> {
    if !state.tracks().enabled() || queries.is_empty() {
        return HashMap::new();
    }
    let started = std::time::Instant::now();
    let outcomes =
        state.tracks().lookup_within(queries, Duration::from_millis(state.config().lastfm.enrich_budget_ms)).await;
    let label = if outcomes.values().any(|o| matches!(o, Outcome::Pending(_))) { "partial" } else { "complete" };
    state.metrics().enrichment_duration.with_label_values(&[label]).observe(started.elapsed().as_secs_f64());
    outcomes
}

/// What a line says about its track, for scoring.
pub fn facts_of_item(item: &Item) -> TrackFacts<'_> {
    TrackFacts {
        artist: &item.artist,
        title: &item.title,
        duration_ms: item.duration_ms,
        mbid: item.mbid.as_deref(),
        isrc: item.isrc.as_deref(),
    }
}

/// Sets an item's enrichment, metadata and match from its lookup outcome (`None`: not looked
/// up). A match you decided stays. Returns false when nothing changed (or it is still pending).
pub fn settle(item: &mut Item, outcome: Option<&Outcome>, enabled: bool, thresholds: &MatchingConfig) -> bool {
    let (enrichment, meta, matching) = match outcome {
        Some(Outcome::Done(Lookup::Found(meta, alternatives))) => (
            Enrichment::Enriched,
            Some(TrackMeta::clone(meta)),
            decide(&facts_of_item(item), Some(meta), alternatives, thresholds),
        ),
        Some(Outcome::Done(Lookup::NotFound(alternatives))) => {
            (Enrichment::NotFound, None, decide(&facts_of_item(item), None, alternatives, thresholds))
        }
        Some(Outcome::Pending(delay)) => {
            let reason = match delay {
                Delay::Queued => MatchReason::queued(),
                Delay::Outage(since) => MatchReason::upstream_unavailable(*since),
            };
            let same = item.matching.as_ref().and_then(|m| m.reason.as_ref()).is_some_and(|r| r.code == reason.code);
            if item.enrichment == Enrichment::Pending && same {
                return false; // still waiting, for the same reason: nothing to write
            }
            (Enrichment::Pending, None, TrackMatch::pending(reason))
        }
        None if enabled => (Enrichment::Pending, None, TrackMatch::pending(MatchReason::queued())),
        None => (Enrichment::Unenriched, None, TrackMatch::off()),
    };
    let user_decided = item.matching.as_ref().is_some_and(|m| m.decided_by == DecidedBy::User);
    let before = (item.enrichment, item.meta.clone(), item.matching.clone());
    item.enrichment = if user_decided && item.meta.is_some() { Enrichment::Enriched } else { enrichment };
    if !user_decided {
        item.meta = meta;
        item.matching = Some(matching);
    }
    before != (item.enrichment, item.meta.clone(), item.matching.clone())
}
