//! Turns a lookup into a match: every candidate scored against the line, best first, the status
//! from the thresholds.

use super::{
    model::{Candidate, DecidedBy, MatchStatus, TrackMatch},
    names,
    reason::MatchReason,
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
    let reason = match status {
        MatchStatus::Matched => None,
        MatchStatus::Review => Some(MatchReason::needs_review(best, thresholds.accept_threshold)),
        _ if candidates.is_empty() => Some(MatchReason::no_candidate()),
        _ => Some(MatchReason::below_threshold(best, thresholds.review_threshold)),
    };
    TrackMatch { status, reason, confidence: best, track, candidates, decided_by: DecidedBy::Auto }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::reason::ReasonCode;

    fn meta(artist: &str, title: &str) -> TrackMeta {
        TrackMeta {
            artist: artist.into(),
            title: title.into(),
            album: None,
            duration_ms: None,
            mbid: None,
            url: None,
            tags: Vec::new(),
            listeners: None,
            playcount: None,
            image: None,
            enriched_at: crate::ids::now(),
        }
    }

    fn reason_of(
        found: Option<&TrackMeta>,
        alternatives: &[TrackMeta],
        thresholds: &MatchingConfig,
    ) -> Option<ReasonCode> {
        let line = TrackFacts { artist: "Daft Punk", title: "One More Time", ..TrackFacts::default() };
        decide(&line, found, alternatives, thresholds).reason.map(|r| r.code)
    }

    #[test]
    fn every_status_but_matched_says_why() {
        let defaults = MatchingConfig::default();
        let same = meta("Daft Punk", "One More Time");
        assert_eq!(reason_of(Some(&same), &[], &defaults), None, "matched: nothing to explain");
        assert_eq!(reason_of(None, &[], &defaults), Some(ReasonCode::NoCandidate));
        let far = meta("Someone Else", "Another Song");
        assert_eq!(reason_of(None, &[far], &defaults), Some(ReasonCode::BelowThreshold));
        let strict = MatchingConfig { accept_threshold: 1.01, review_threshold: 0.1 };
        let decided = decide(
            &TrackFacts { artist: "Daft Punk", title: "One More Time", ..TrackFacts::default() },
            Some(&same),
            &[],
            &strict,
        );
        let reason = decided.reason.expect("review says why");
        assert_eq!(reason.code, ReasonCode::NeedsReview);
        assert!(reason.message.contains("needed to match on its own: choose one"), "{}", reason.message);
    }
}
