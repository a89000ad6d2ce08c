//! Your decisions on doubtful matches, remembered per user and per line (normalised artist and
//! title as written), so the same messy line resolves the same way next time.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::model::{Candidate, DecidedBy, MatchStatus, TrackMatch};
use crate::{
    error::ApiError,
    playlists::model::Item,
    storage::records::{RecordKey, RecordStore},
    tracks::model::{Enrichment, TrackMeta},
};

/// The record kind of remembered decisions.
const KIND: &str = "match_decision";

/// A decision on one line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "lowercase")]
pub enum Decision {
    /// This canonical track.
    Chose {
        /// The track.
        track: Candidate,
    },
    /// None of the candidates.
    Reject,
}

fn key(user_id: &str, track_key: &str) -> String {
    format!("{user_id}\u{1e}{track_key}")
}

/// `user_id`'s remembered decisions for these lines (by track key).
pub async fn remembered<'a>(
    store: &dyn RecordStore,
    user_id: &str,
    track_keys: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, Decision>, ApiError> {
    let mut keys: Vec<String> = track_keys.map(|k| key(user_id, k)).collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let prefix = key(user_id, "");
    let found = store.records(KIND, &keys).await?;
    Ok(found
        .into_iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(&prefix)?.to_owned(), serde_json::from_str(&v).ok()?)))
        .collect())
}

/// Remembers `decision` for `user_id`'s line `track_key`.
pub async fn remember(
    store: &dyn RecordStore,
    user_id: &str,
    track_key: &str,
    decision: &Decision,
) -> Result<(), ApiError> {
    let value = serde_json::to_string(decision).map_err(|e| ApiError::internal(e.to_string()))?;
    let k = key(user_id, track_key);
    store.put_record(RecordKey { kind: KIND, owner: user_id, key: &k }, &value, None).await?;
    Ok(())
}

/// Applies a decision to an item: the chosen track becomes its match (and its metadata when
/// Last.fm's answer was another track), or it is marked unmatched.
pub fn apply(item: &mut Item, decision: &Decision) {
    let candidates = item.matching.as_ref().map(|m| m.candidates.clone()).unwrap_or_default();
    match decision {
        Decision::Chose { track } => {
            let track = Candidate { confidence: 1.0, ..track.clone() };
            let same = item.meta.as_ref().is_some_and(|m| m.artist == track.artist && m.title == track.title);
            if !same {
                item.meta = Some(TrackMeta {
                    artist: track.artist.clone(),
                    title: track.title.clone(),
                    album: track.album.clone(),
                    duration_ms: track.duration_ms,
                    mbid: track.mbid.clone(),
                    url: track.url.clone(),
                    tags: Vec::new(),
                    listeners: None,
                    playcount: None,
                    image: None,
                    enriched_at: crate::ids::now(),
                });
            }
            item.enrichment = Enrichment::Enriched;
            item.matching = Some(TrackMatch {
                status: MatchStatus::Matched,
                reason: None,
                confidence: 1.0,
                track: Some(track),
                candidates,
                decided_by: DecidedBy::User,
            });
        }
        Decision::Reject => {
            item.matching = Some(TrackMatch {
                status: MatchStatus::Unmatched,
                reason: Some(crate::matching::reason::MatchReason::rejected()),
                confidence: 0.0,
                track: None,
                candidates,
                decided_by: DecidedBy::User,
            });
        }
    }
}
