//! Music platforms: recognising playlist links and reading playlists from Deezer, YouTube and
//! Spotify through one small trait, with the same retry, back-off and circuit-breaker discipline
//! as the Last.fm client. What each platform allows an app in 2026 decides what each connector
//! does; every refusal becomes an error a user can act on.

pub mod applemusic;
pub mod deezer;
pub mod deps;
pub mod error;
pub mod http;
pub mod import;
pub mod item_links;
pub mod links;
pub mod spotify;
pub mod spotify_search;
pub mod track_links;
pub mod youtube;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use error::PlatformError;

/// A platform's name, the same everywhere (configuration sections, the API, links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Spotify.
    Spotify,
    /// Deezer.
    Deezer,
    /// YouTube and YouTube Music.
    Youtube,
    /// Apple Music.
    Applemusic,
    /// Last.fm.
    Lastfm,
}

impl Platform {
    /// The name users read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Spotify => "Spotify",
            Self::Deezer => "Deezer",
            Self::Youtube => "YouTube",
            Self::Applemusic => "Apple Music",
            Self::Lastfm => "Last.fm",
        }
    }
}

/// One track as a platform lists it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RemoteTrack {
    /// Artist (the platform's credit, or parsed from a video title).
    pub artist: String,
    /// Title.
    pub title: String,
    /// Album, when the platform says.
    pub album: Option<String>,
    /// Duration in milliseconds, when the platform says.
    pub duration_ms: Option<u64>,
    /// ISRC, when the platform says.
    pub isrc: Option<String>,
    /// The track's page on the platform.
    pub url: Option<String>,
    /// Featured artists, when the platform lists several (the first is `artist`).
    pub featured_artists: Vec<String>,
    /// Cover art (`https://`), when the platform gives it.
    pub image: Option<String>,
}

/// A track the platform lists that could not be imported, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedTrack {
    /// 1-based position in the platform's playlist.
    pub position: usize,
    /// Why.
    pub reason: String,
}

/// A playlist as a platform gives it: every page read.
#[derive(Debug, Clone, Default)]
pub struct RemotePlaylist {
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Its cover image.
    pub image: Option<String>,
    /// Tracks, each with its 1-based position.
    pub tracks: Vec<(usize, RemoteTrack)>,
    /// What was left out.
    pub skipped: Vec<SkippedTrack>,
}

/// Reads playlists from one platform.
#[async_trait]
pub trait PlaylistSource: Send + Sync {
    /// Which platform.
    fn platform(&self) -> Platform;
    /// The whole playlist `id`, all pages.
    async fn playlist(&self, id: &str) -> Result<RemotePlaylist, PlatformError>;
}

/// What a platform search looks for: a matched track's canonical names, and its ISRC when known.
#[derive(Debug, Clone, Copy)]
pub struct SearchQuery<'a> {
    /// Artist.
    pub artist: &'a str,
    /// Title.
    pub title: &'a str,
    /// ISRC, when known (an exact look-up where the platform offers one).
    pub isrc: Option<&'a str>,
}

/// Finds tracks in one platform's catalog (for per-track links).
#[async_trait]
pub trait TrackSearch: Send + Sync {
    /// Which platform.
    fn platform(&self) -> Platform;
    /// The platform's best few hits for `query` (possibly none).
    async fn search(&self, query: &SearchQuery<'_>) -> Result<Vec<RemoteTrack>, PlatformError>;
}
