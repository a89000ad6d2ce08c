//! A listen: one play of a track by a user, from Last.fm scrobbles or Spotify's recently played.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store_error::StoreResult;

/// One play.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listen {
    /// When it was played (its start, as the source reports it).
    pub at: DateTime<Utc>,
    /// Artist as the source names it.
    pub artist: String,
    /// Title as the source names it.
    pub title: String,
    /// Album, when known.
    pub album: Option<String>,
    /// Normalised artist + title (the same play from two sources has the same key).
    pub track_key: String,
    /// `lastfm` or `spotify`.
    pub source: String,
}

/// Stored listens, de-duplicated per (user, time, track) and across sources.
#[async_trait]
pub trait ListenStore: Send + Sync {
    /// Stores the listens not already there: a listen of the same track within `window_secs` of
    /// one stored (from any source) is the same play. Returns how many were stored.
    async fn add_listens(&self, user: &str, listens: &[Listen], window_secs: i64) -> StoreResult<u64>;
    /// The user's listens from `from` (inclusive) on, oldest first.
    async fn listens_since(&self, user: &str, from: Option<DateTime<Utc>>) -> StoreResult<Vec<Listen>>;
    /// When the user's newest listen from `source` was played.
    async fn latest_listen(&self, user: &str, source: &str) -> StoreResult<Option<DateTime<Utc>>>;
    /// Removes every listen of `user` (account deletion).
    async fn delete_listens_of(&self, user: &str) -> StoreResult<()>;
}

/// Drops from `incoming` the listens that are the same play as one in `stored` or earlier in
/// `incoming`: same track within `window_secs`.
pub fn new_plays(stored: &[Listen], incoming: &[Listen], window_secs: i64) -> Vec<Listen> {
    let mut by_track: std::collections::HashMap<&str, Vec<i64>> = std::collections::HashMap::new();
    for l in stored {
        by_track.entry(&l.track_key).or_default().push(l.at.timestamp());
    }
    let mut out = Vec::new();
    for l in incoming {
        let at = l.at.timestamp();
        let seen = by_track.entry(&l.track_key).or_default();
        if seen.iter().any(|t| (t - at).abs() <= window_secs) {
            continue;
        }
        seen.push(at);
        out.push(l.clone());
    }
    out
}
