//! Track metadata from Last.fm, as cached and as stored on playlist items.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::lastfm::types::TrackInfo;

/// Most tags kept per track.
pub const MAX_TAGS: usize = 5;

/// What Last.fm knows about a track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TrackMeta {
    /// Canonical artist (Last.fm's spelling).
    pub artist: String,
    /// Canonical title.
    pub title: String,
    /// Album title.
    pub album: Option<String>,
    /// Duration in milliseconds.
    pub duration_ms: Option<u64>,
    /// MusicBrainz recording id.
    pub mbid: Option<String>,
    /// Last.fm page.
    pub url: Option<String>,
    /// Up to 5 tags, most relevant first.
    pub tags: Vec<String>,
    /// Listener count.
    pub listeners: Option<u64>,
    /// Play count.
    pub playcount: Option<u64>,
    /// Largest album image.
    pub image: Option<String>,
    /// When this was fetched from Last.fm.
    pub enriched_at: DateTime<Utc>,
}

impl TrackMeta {
    /// Builds metadata from a `track.getInfo` answer.
    pub fn from_info(info: TrackInfo, at: DateTime<Utc>) -> Self {
        let (album, image) = match info.album {
            Some(a) => (Some(a.title), a.image),
            None => (None, None),
        };
        Self {
            artist: info.artist,
            title: info.name,
            album,
            duration_ms: info.duration_ms,
            mbid: info.mbid,
            url: info.url,
            tags: info.tags.into_iter().take(MAX_TAGS).collect(),
            listeners: info.listeners,
            playcount: info.playcount,
            image,
            enriched_at: at,
        }
    }
}

/// A cache entry: found (with metadata) or known not to exist, and when that was learned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedTrack {
    /// Normalised artist + title key this entry is stored under.
    pub key: String,
    /// `None` when Last.fm does not know the track.
    pub meta: Option<TrackMeta>,
    /// Last.fm's search hits, kept when its answer was not a sure match for the names asked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<TrackMeta>,
    /// When Last.fm was asked.
    pub fetched_at: DateTime<Utc>,
}

/// Enrichment state of a playlist item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Enrichment {
    /// Metadata from Last.fm is attached.
    Enriched,
    /// Last.fm does not know this track.
    NotFound,
    /// Not looked up yet (Last.fm slow or unavailable); a background task finishes it.
    Pending,
    /// Enrichment is not configured (no API key).
    #[default]
    Unenriched,
}
