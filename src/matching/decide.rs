//! Turns a lookup into a match: every candidate scored against the line, best first, the status
//! from the thresholds.

use super::{
    model::{Candidate, DecidedBy, MatchStatus, TrackMatch},
    names,
    score::{confidence, TrackFacts},
};
use crate::{config::MatchingConfig, tracks::model::TrackMeta};

/// Most candidates kept on an item.
pub const MAX_CANDIDATES: usize = 5;

/// The facts of Last.fm metadata, for scoring.
pub fn facts_of(meta: &TrackMeta) -> TrackFacts<'_> {
    TrackFacts {
        artist: &meta.artist,
        title: &meta.title,
        duration_ms: meta.duration_ms,
        mbid: meta.mbid.as_deref(),
        isrc: None,
    }
}

/// Scores `found` (Last.fm's autocorrected answer) and `alternatives` (search hits) against
/// `line` and decides by the thresholds.
pub fn decide(
    line: &TrackFacts<'_>,
    found: Option<&TrackMeta>,
    alternatives: &[TrackMeta],
    thresholds: &MatchingConfig,
) -> TrackMatch {
    let mut candidates: Vec<Candidate> = found
        .into_iter()
        .chain(alternatives)
        .map(|m| Candidate::from_meta(m, confidence(line, &facts_of(m))))
        .collect();
    // Best first; the autocorrected answer wins ties (it came first and the sort is stable).
    candidates.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    let mut seen = std::collections::HashSet::new();
    candidates
        .retain(|c| seen.insert((names::artist(&c.artist), names::title(&c.title).core, names::title(&c.title).kinds)));
    candidates.truncate(MAX_CANDIDATES);
    let best = candidates.first().map_or(0.0, |c| c.confidence);
    let status = if best >= thresholds.accept_threshold {
        MatchStatus::Matched
    } else if best >= thresholds.review_threshold {
        MatchStatus::Review
    } else {
        MatchStatus::Unmatched
    };
    let track = (status == MatchStatus::Matched).then(|| candidates[0].clone());
    TrackMatch { status, confidence: best, track, candidates, decided_by: DecidedBy::Auto }
}
