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

/// Drops from `incoming` the listens already known: the same track at the same time from the
/// same source, or the same track within `window_secs` from the other source (one play seen by
/// Last.fm and by Spotify). One source's two plays of a track minutes apart are both kept.
pub fn new_plays(stored: &[Listen], incoming: &[Listen], window_secs: i64) -> Vec<Listen> {
    let mut by_track: std::collections::HashMap<&str, Vec<(i64, &str)>> = std::collections::HashMap::new();
    for l in stored {
        by_track.entry(&l.track_key).or_default().push((l.at.timestamp_micros(), &l.source));
    }
    let window = window_secs * 1_000_000;
    let mut out = Vec::new();
    for l in incoming {
        let at = l.at.timestamp_micros();
        let seen = by_track.entry(&l.track_key).or_default();
        let known =
            seen.iter().any(|(t, source)| if *source == l.source { *t == at } else { (t - at).abs() <= window });
        if known {
            continue;
        }
        seen.push((at, &l.source));
        out.push(l.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::*;

    fn play(at: i64, title: &str, source: &str) -> Listen {
        Listen {
            at: Utc.timestamp_opt(1_700_000_000 + at, 0).unwrap(),
            artist: "Muse".into(),
            title: title.into(),
            album: None,
            track_key: title.to_lowercase(),
            source: source.into(),
        }
    }

    #[test]
    fn one_play_seen_by_two_sources_counts_once_and_replays_count_twice() {
        let stored = vec![play(0, "Resistance", "lastfm")];
        let incoming = vec![
            play(215, "Resistance", "spotify"),    // the same play, reported at its end
            play(0, "Resistance", "lastfm"),       // imported again
            play(300, "Guiding Light", "spotify"), // played twice, five minutes apart
            play(600, "Guiding Light", "spotify"),
            play(600, "Guiding Light", "spotify"), // the same report twice
        ];
        let fresh = new_plays(&stored, &incoming, 600);
        let got: Vec<(String, i64)> =
            fresh.iter().map(|l| (l.title.clone(), (l.at - stored[0].at).num_seconds())).collect();
        assert_eq!(got, [("Guiding Light".to_owned(), 300), ("Guiding Light".to_owned(), 600)]);
        let far = vec![Listen { at: stored[0].at + Duration::hours(2), ..play(0, "Resistance", "spotify") }];
        assert_eq!(new_plays(&stored, &far, 600).len(), 1, "hours apart is another play");
    }
}
