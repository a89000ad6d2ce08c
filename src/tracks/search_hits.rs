//! Last.fm's search hits for a lookup whose autocorrected answer is not a sure match: more
//! candidates for matching.

use chrono::{DateTime, Utc};

use super::{model::TrackMeta, service::TrackQuery};
use crate::{lastfm::LastfmClient, matching::decide::MAX_CANDIDATES};

/// Last.fm's search hits for a doubtful lookup (none when the search fails: matching then works
/// with the autocorrected answer alone).
pub async fn search_hits(client: &LastfmClient, query: &TrackQuery, now: DateTime<Utc>) -> Vec<TrackMeta> {
    match client.track_search(&format!("{} {}", query.artist, query.title), MAX_CANDIDATES as u32).await {
        Ok(page) => page
            .items
            .into_iter()
            .map(|hit| TrackMeta {
                artist: hit.artist,
                title: hit.name,
                album: None,
                duration_ms: hit.duration_ms,
                mbid: hit.mbid,
                url: hit.url,
                tags: Vec::new(),
                listeners: hit.listeners,
                playcount: hit.playcount,
                image: hit.image,
                enriched_at: now,
            })
            .collect(),
        Err(e) => {
            tracing::debug!(error = %e, "track.search failed; matching with the autocorrected answer only");
            Vec::new()
        }
    }
}
