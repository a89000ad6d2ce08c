//! Why an item is not matched, in a stable code and words a person can act on.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why an item is not (yet) matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// No Last.fm API key is configured on this server: nothing is matched.
    EnrichmentOff,
    /// Last.fm has not answered since `since`; the lookup is retried in the background.
    UpstreamUnavailable,
    /// The request's lookup time ran out (or many lookups were queued); finished in the background.
    Queued,
    /// Last.fm offered no track close to these names.
    NoCandidate,
    /// Candidates exist but even the best is too far from these names to offer for review.
    BelowThreshold,
    /// The best candidate is close but not sure enough to match on its own: choose one.
    NeedsReview,
    /// You rejected every candidate.
    Rejected,
}

impl ReasonCode {
    /// A few words for a public page (no API advice: its readers are not the playlist's owner).
    pub fn short(self) -> &'static str {
        match self {
            Self::EnrichmentOff => "not matched: this server has no Last.fm key",
            Self::UpstreamUnavailable => "waiting for Last.fm, which is not answering",
            Self::Queued => "being matched",
            Self::NoCandidate => "not found on Last.fm",
            Self::BelowThreshold => "no close match on Last.fm",
            Self::NeedsReview => "match waiting for the owner's review",
            Self::Rejected => "kept as the owner wrote it",
        }
    }

    /// The code as in the API (`enrichment_off`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EnrichmentOff => "enrichment_off",
            Self::UpstreamUnavailable => "upstream_unavailable",
            Self::Queued => "queued",
            Self::NoCandidate => "no_candidate",
            Self::BelowThreshold => "below_threshold",
            Self::NeedsReview => "needs_review",
            Self::Rejected => "rejected",
        }
    }
}

/// Why an item is not matched: `code` for programs, `message` for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MatchReason {
    /// Stable code.
    pub code: ReasonCode,
    /// What it means and what you can do.
    pub message: String,
    /// Since when (`upstream_unavailable`: when Last.fm stopped answering).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<DateTime<Utc>>,
}

fn percent(confidence: f64) -> String {
    format!("{:.0}%", (confidence * 100.0).clamp(0.0, 100.0))
}

impl MatchReason {
    fn new(code: ReasonCode, message: String) -> Self {
        Self { code, message, since: None }
    }

    /// No Last.fm key on this server.
    pub fn enrichment_off() -> Self {
        Self::new(
            ReasonCode::EnrichmentOff,
            "tracks are not matched on this server: no Last.fm API key is configured (the operator sets \
             SHARIFY_LASTFM__API_KEY); the item is kept as you gave it"
                .into(),
        )
    }

    /// Last.fm silent since `since`.
    pub fn upstream_unavailable(since: DateTime<Utc>) -> Self {
        Self {
            since: Some(since),
            ..Self::new(
                ReasonCode::UpstreamUnavailable,
                format!(
                    "Last.fm has not answered since {}; the lookup is retried in the background and the \
                     item changes when it answers",
                    since.to_rfc3339_opts(SecondsFormat::Secs, true)
                ),
            )
        }
    }

    /// Left for the background lookups.
    pub fn queued() -> Self {
        Self::new(
            ReasonCode::Queued,
            "not looked up yet: the request's time for Last.fm lookups ran out; the lookup finishes in \
             the background within minutes"
                .into(),
        )
    }

    /// Nothing close.
    pub fn no_candidate() -> Self {
        Self::new(
            ReasonCode::NoCandidate,
            "Last.fm knows no track close to this artist and title; check the spelling, or keep it as it is".into(),
        )
    }

    /// Candidates, all too far.
    pub fn below_threshold(best: f64, review_threshold: f64) -> Self {
        Self::new(
            ReasonCode::BelowThreshold,
            format!(
                "the closest track Last.fm offers scores {} against these names, below the {} needed to \
                 offer it for review; the candidates are listed if one is right after all",
                percent(best),
                percent(review_threshold)
            ),
        )
    }

    /// Close but not sure.
    pub fn needs_review(best: f64, accept_threshold: f64) -> Self {
        Self::new(
            ReasonCode::NeedsReview,
            format!(
                "the best candidate scores {}, below the {} needed to match on its own: choose one or \
                 reject them (GET /v1/playlists/{{id}}/review)",
                percent(best),
                percent(accept_threshold)
            ),
        )
    }

    /// Every candidate rejected.
    pub fn rejected() -> Self {
        Self::new(ReasonCode::Rejected, "you rejected every candidate; the item is kept as you gave it".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_reads_as_it_serialises() {
        for code in [
            ReasonCode::EnrichmentOff,
            ReasonCode::UpstreamUnavailable,
            ReasonCode::Queued,
            ReasonCode::NoCandidate,
            ReasonCode::BelowThreshold,
            ReasonCode::NeedsReview,
            ReasonCode::Rejected,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
            assert!(!code.short().is_empty());
        }
    }
}
