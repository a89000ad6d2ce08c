//! Importing by link: the configured connectors, and a platform playlist turned into what a file
//! import reads (each track with its platform link, ISRC, duration and album; what the platform
//! listed but could not be imported reported by position).

use std::{sync::Arc, time::Duration};

use super::{
    applemusic::AppleMusic,
    deezer::Deezer,
    links::{self, PlaylistLink},
    spotify::{Spotify, NEEDS_ACCOUNT},
    youtube::{UnitBudget, Youtube},
    Platform, PlatformError, PlaylistSource, RemotePlaylist, TrackSearch,
};
use crate::{
    config::Config,
    error::ApiError,
    formats::import::{ParsedFile, Rejected},
    playlists::track_input::TrackInput,
    quotas::store::CounterStore,
};

/// The configured platform connectors.
pub struct Platforms {
    applemusic: Option<AppleMusic>,
    deezer: Option<Deezer>,
    youtube: Option<Youtube>,
    /// Spotify's client (its read path needs a user's token).
    pub spotify: Option<Spotify>,
    /// YouTube calls made with a user's token (linking, pushing), API key or not.
    pub youtube_http: super::http::PlatformHttp,
}

/// A client, or `None` (logged) when it cannot be built.
fn built<T>(name: &str, r: anyhow::Result<T>) -> Option<T> {
    r.map_err(|e| tracing::error!(platform = name, error = %e, "cannot build the client; the platform is off")).ok()
}

impl Platforms {
    /// The connectors `config` enables (a platform without credentials is off).
    pub fn from_config(config: &Config, counters: Arc<dyn CounterStore>) -> Self {
        let deezer = config
            .deezer
            .enabled
            .then(|| {
                let d = &config.deezer;
                built("deezer", Deezer::new(&d.base_url, d.requests_per_5s, Duration::from_millis(d.quota_wait_ms)))
            })
            .flatten();
        let youtube = config.youtube.api_key.as_ref().and_then(|key| {
            let y = &config.youtube;
            built("youtube", Youtube::new(&y.base_url, key.expose().to_owned(), counters, UnitBudget::of(y)))
        });
        let s = &config.spotify;
        let spotify = built("spotify", Spotify::with_rate(&s.base_url, s.requests_per_second)).map(|spotify| {
            match (&s.client_id, &s.client_secret) {
                (Some(id), Some(secret)) => spotify.with_app_credentials(&s.accounts_url, id.expose(), secret.expose()),
                _ => spotify,
            }
        });
        let a = &config.applemusic;
        let applemusic = match (&a.team_id, &a.key_id, &a.private_key) {
            (Some(team), Some(key_id), Some(key)) => {
                built("applemusic", AppleMusic::new(&a.base_url, team, key_id, key.expose()))
                    .map(|apple| apple.with_storefront(&a.storefront))
            }
            _ => None,
        };
        let youtube_http =
            super::http::PlatformHttp::new(Platform::Youtube, 20, Duration::from_secs(1), Duration::from_secs(10))
                .expect("a constant rate is valid");
        Self { applemusic, deezer, youtube, spotify, youtube_http }
    }

    /// Shares every platform's limit among `replicas` live replicas.
    pub fn set_replicas(&self, replicas: u64) {
        if let Some(d) = &self.deezer {
            d.http().set_replicas(replicas);
        }
        if let Some(y) = &self.youtube {
            y.http().set_replicas(replicas);
        }
        self.youtube_http.set_replicas(replicas);
        if let Some(a) = &self.applemusic {
            a.http().set_replicas(replicas);
        }
        if let Some(s) = &self.spotify {
            s.http().set_replicas(replicas);
        }
    }

    /// The platforms that can search their catalog here (for per-track links).
    pub fn searchers(&self) -> Vec<&dyn TrackSearch> {
        let mut out: Vec<&dyn TrackSearch> = Vec::new();
        if let Some(d) = &self.deezer {
            out.push(d);
        }
        if let Some(s) = self.spotify.as_ref().filter(|s| s.can_search()) {
            out.push(s);
        }
        if let Some(a) = &self.applemusic {
            out.push(a);
        }
        out
    }

    fn source(&self, platform: Platform) -> Result<&dyn PlaylistSource, PlatformError> {
        let source: Option<&dyn PlaylistSource> = match platform {
            Platform::Deezer => self.deezer.as_ref().map(|d| d as &dyn PlaylistSource),
            Platform::Youtube => self.youtube.as_ref().map(|y| y as &dyn PlaylistSource),
            _ => None,
        };
        source.ok_or(PlatformError::NotConfigured(platform))
    }

    /// Reads the playlist a link names, every page, as a parsed file.
    pub async fn fetch(&self, link: &str, payer: &str) -> Result<ParsedFile, ApiError> {
        let PlaylistLink { platform, id, storefront } = links::parse(link)?;
        let remote = match platform {
            Platform::Spotify => return Err(ApiError::invalid("spotify_account_required", NEEDS_ACCOUNT)),
            Platform::Applemusic => {
                let apple = self.applemusic.as_ref().ok_or(PlatformError::NotConfigured(Platform::Applemusic))?;
                apple.playlist_in(storefront.as_deref().unwrap_or("us"), &id).await?
            }
            Platform::Youtube => {
                let youtube = self.youtube.as_ref().ok_or(PlatformError::NotConfigured(Platform::Youtube))?;
                youtube.playlist_for(&id, Some(payer)).await?
            }
            other => self.source(other)?.playlist(&id).await?,
        };
        let mut file = parsed(remote);
        file.source_url = Some(link.trim().to_owned());
        Ok(file)
    }
}

/// A platform playlist as a parsed file; `line` is the track's position in the playlist.
pub fn parsed(remote: RemotePlaylist) -> ParsedFile {
    let tracks = remote
        .tracks
        .into_iter()
        .map(|(position, t)| {
            let mut input = TrackInput::named(&t.artist, &t.title);
            input.album = t.album;
            input.duration_ms = t.duration_ms;
            input.isrc = t.isrc.filter(|i| i.len() == 12 && i.chars().all(|c| c.is_ascii_alphanumeric()));
            input.links = t.url.into_iter().filter(|u| crate::playlists::track_input::is_link(u)).collect();
            input.featured_artists = t.featured_artists;
            input.image = t.image;
            (position, input)
        })
        .collect();
    let rejected = remote.skipped.into_iter().map(|s| Rejected { line: s.position, reason: s.reason }).collect();
    ParsedFile {
        name: remote.name,
        description: remote.description,
        tracks,
        rejected,
        source_url: None,
        image: remote.image,
    }
}
