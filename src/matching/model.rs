//! What an item says about its match: status, confidence, the chosen track and the candidates.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::reason::MatchReason;
use crate::tracks::model::TrackMeta;

/// Where a line stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MatchStatus {
    /// A canonical track was chosen (confidence at or above `matching.accept_threshold`, or by you).
    Matched,
    /// Candidates exist but none is sure enough: waiting for your decision.
    Review,
    /// No candidate is close enough, Last.fm is not configured, or you rejected them all.
    Unmatched,
    /// Not looked up yet (the Last.fm budget ran out, or Last.fm is not answering); finished in
    /// the background.
    Pending,
    /// Not matched at all: no Last.fm key is configured on this server.
    Off,
}

/// Who decided a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum DecidedBy {
    /// The matcher, from the confidence.
    #[default]
    Auto,
    /// You (or your remembered decision for the same line).
    User,
}

/// A canonical track a line may mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Candidate {
    /// Artist.
    pub artist: String,
    /// Title.
    pub title: String,
    /// Album, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub album: Option<String>,
    /// Duration in milliseconds, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// MusicBrainz recording id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mbid: Option<String>,
    /// Last.fm page, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// How sure the matcher is that this is the line's track, 0..1.
    pub confidence: f64,
}

impl Candidate {
    /// A candidate from Last.fm metadata.
    pub fn from_meta(meta: &TrackMeta, confidence: f64) -> Self {
        Self {
            artist: meta.artist.clone(),
            title: meta.title.clone(),
            album: meta.album.clone(),
            duration_ms: meta.duration_ms,
            mbid: meta.mbid.clone(),
            url: meta.url.clone(),
            confidence,
        }
    }
}

/// An item's match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TrackMatch {
    /// `matched`, `review`, `unmatched`, `pending` or `off`.
    pub status: MatchStatus,
    /// Why it is not matched (absent when `matched`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<MatchReason>,
    /// Confidence of the best candidate (1 for your own decisions), 0..1.
    pub confidence: f64,
    /// The chosen canonical track (when `matched`).
    pub track: Option<Candidate>,
    /// Candidates, best first (at most 5).
    pub candidates: Vec<Candidate>,
    /// `auto` or `user`.
    #[serde(default)]
    pub decided_by: DecidedBy,
}

impl TrackMatch {
    /// Not looked up yet, for `reason`.
    pub fn pending(reason: MatchReason) -> Self {
        Self {
            status: MatchStatus::Pending,
            reason: Some(reason),
            confidence: 0.0,
            track: None,
            candidates: vec![],
            decided_by: DecidedBy::Auto,
        }
    }

    /// Not matched: no Last.fm key on this server.
    pub fn off() -> Self {
        Self {
            status: MatchStatus::Off,
            reason: Some(MatchReason::enrichment_off()),
            ..Self::pending(MatchReason::queued())
        }
    }
}
