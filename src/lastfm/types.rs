//! Typed Last.fm results: every wire quirk (strings for numbers, object-or-array, `#text`,
//! empty mbids) is absorbed before these are built.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A wiki or bio text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wiki {
    /// Publication date as Last.fm prints it.
    pub published: Option<String>,
    /// HTML summary.
    pub summary: Option<String>,
    /// HTML content.
    pub content: Option<String>,
}

/// The album a track belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlbumRef {
    /// Album title.
    pub title: String,
    /// Album artist.
    pub artist: Option<String>,
    /// MusicBrainz id.
    pub mbid: Option<String>,
    /// Last.fm page.
    pub url: Option<String>,
    /// Largest cover image.
    pub image: Option<String>,
}

/// `track.getInfo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackInfo {
    /// Canonical title.
    pub name: String,
    /// Canonical artist.
    pub artist: String,
    /// Artist MusicBrainz id.
    pub artist_mbid: Option<String>,
    /// Track MusicBrainz id.
    pub mbid: Option<String>,
    /// Last.fm page.
    pub url: Option<String>,
    /// Duration in milliseconds (`None` when Last.fm says 0).
    pub duration_ms: Option<u64>,
    /// Listener count.
    pub listeners: Option<u64>,
    /// Play count.
    pub playcount: Option<u64>,
    /// Album, when known.
    pub album: Option<AlbumRef>,
    /// Top tags, most relevant first.
    pub tags: Vec<String>,
    /// Wiki text.
    pub wiki: Option<Wiki>,
    /// Plays by the user named in the request.
    pub user_playcount: Option<u64>,
    /// Whether that user loved it.
    pub user_loved: Option<bool>,
}

impl TrackInfo {
    /// True for the placeholder Last.fm returns (HTTP 200) for tracks it does not know.
    pub fn is_stub(&self) -> bool {
        self.mbid.is_none()
            && self.album.is_none()
            && self.tags.is_empty()
            && self.duration_ms.is_none()
            && self.wiki.is_none()
            && self.listeners.unwrap_or(0) < 10
    }
}

/// A track in a list (search, top tracks, similar, tag charts, weekly chart).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackHit {
    /// Title.
    pub name: String,
    /// Artist.
    pub artist: String,
    /// MusicBrainz id.
    pub mbid: Option<String>,
    /// Last.fm page.
    pub url: Option<String>,
    /// Listener count, when given.
    pub listeners: Option<u64>,
    /// Play count, when given.
    pub playcount: Option<u64>,
    /// Duration in milliseconds, when given.
    pub duration_ms: Option<u64>,
    /// Largest image.
    pub image: Option<String>,
    /// Rank in a chart.
    pub rank: Option<u32>,
    /// Similarity 0..1 (similar tracks).
    pub match_score: Option<f64>,
}

/// An artist in a list (search, similar).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArtistHit {
    /// Name.
    pub name: String,
    /// MusicBrainz id.
    pub mbid: Option<String>,
    /// Last.fm page.
    pub url: Option<String>,
    /// Listener count (search).
    pub listeners: Option<u64>,
    /// Similarity 0..1 (similar artists).
    pub match_score: Option<f64>,
    /// Largest image.
    pub image: Option<String>,
}

/// `artist.getInfo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArtistInfo {
    /// Name.
    pub name: String,
    /// MusicBrainz id.
    pub mbid: Option<String>,
    /// Last.fm page.
    pub url: Option<String>,
    /// Listener count.
    pub listeners: Option<u64>,
    /// Play count.
    pub playcount: Option<u64>,
    /// Plays by the user named in the request.
    pub user_playcount: Option<u64>,
    /// On tour.
    pub on_tour: bool,
    /// Top tags.
    pub tags: Vec<String>,
    /// Similar artists' names.
    pub similar: Vec<String>,
    /// Biography (`None` when Last.fm has none in the requested language).
    pub bio: Option<Wiki>,
}

/// One scrobble from `user.getRecentTracks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecentTrack {
    /// Title.
    pub name: String,
    /// Artist.
    pub artist: String,
    /// Album title, when any.
    pub album: Option<String>,
    /// MusicBrainz id.
    pub mbid: Option<String>,
    /// Last.fm page.
    pub url: Option<String>,
    /// Largest image.
    pub image: Option<String>,
    /// When it was played (`None` while now playing).
    pub played_at: Option<DateTime<Utc>>,
    /// Being played right now.
    pub now_playing: bool,
    /// Loved by the user (extended responses only).
    pub loved: Option<bool>,
}

/// One entry of `user.getLovedTracks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LovedTrack {
    /// Title.
    pub name: String,
    /// Artist.
    pub artist: String,
    /// MusicBrainz id.
    pub mbid: Option<String>,
    /// Last.fm page.
    pub url: Option<String>,
    /// Largest image.
    pub image: Option<String>,
    /// When it was loved.
    pub loved_at: Option<DateTime<Utc>>,
}

/// A page of results with Last.fm's pagination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// Items on this page.
    pub items: Vec<T>,
    /// Page number (1-based).
    pub page: u32,
    /// Requested page size.
    pub per_page: u32,
    /// Number of pages.
    pub total_pages: u32,
    /// Number of results in all.
    pub total: u64,
}

/// `user.getWeeklyTrackChart`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklyChart {
    /// Tracks with play counts, by rank.
    pub items: Vec<TrackHit>,
    /// Start of the week.
    pub from: Option<DateTime<Utc>>,
    /// End of the week.
    pub to: Option<DateTime<Utc>>,
}
