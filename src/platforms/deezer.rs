//! Deezer's public API: public playlists need no credentials. `/playlist/{id}` gives the
//! metadata; the tracks are read from `/playlist/{id}/tracks` by offset in pages of the size
//! Deezer serves (up to the 100 asked for), several at once within Deezer's quota (50 requests per 5 s per address). Errors arrive as HTTP 200 with
//! an `error` object: 800 is "no such playlist", 4 is the quota (waited out, then retried).

use std::{collections::BTreeMap, time::Duration};

use async_trait::async_trait;
use futures::{stream, StreamExt, TryStreamExt};
use reqwest::Method;
use serde::Deserialize;

use super::{
    http::PlatformHttp, Platform, PlatformError, PlaylistSource, RemotePlaylist, RemoteTrack, SearchQuery, TrackSearch,
};

/// Tracks per page asked for (Deezer may serve fewer: its default is 25).
const PAGE: usize = 100;
/// Pages fetched at once.
const CONCURRENT_PAGES: usize = 4;

#[derive(Deserialize)]
struct ErrorBody {
    error: DeezerError,
}

#[derive(Deserialize)]
struct DeezerError {
    code: i64,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct PlaylistBody {
    title: Option<String>,
    description: Option<String>,
    /// The 1000×1000 cover (`picture` itself is an API address that redirects).
    picture_xl: Option<String>,
    nb_tracks: Option<usize>,
}

#[derive(Deserialize)]
struct TracksPage {
    #[serde(default)]
    data: Vec<Track>,
    total: Option<usize>,
}

#[derive(Deserialize)]
struct Track {
    title: Option<String>,
    link: Option<String>,
    duration: Option<u64>,
    artist: Option<Named>,
    album: Option<Titled>,
    /// Only on a single track (`/track/…`), never in playlist pages.
    #[serde(default)]
    isrc: Option<String>,
}

#[derive(Deserialize)]
struct Named {
    name: Option<String>,
}

#[derive(Deserialize)]
struct Titled {
    title: Option<String>,
}

/// Reads Deezer playlists.
pub struct Deezer {
    base_url: String,
    http: PlatformHttp,
    /// How long a quota error (code 4) is waited out before the call is tried again.
    quota_wait: Duration,
}

impl Deezer {
    /// Its HTTP client (limits are shared among replicas through it).
    pub fn http(&self) -> &PlatformHttp {
        &self.http
    }

    /// A client for the API at `base_url` (e.g. `https://api.deezer.com`).
    pub fn new(base_url: &str, requests_per_5s: u32, quota_wait: Duration) -> anyhow::Result<Self> {
        let http =
            PlatformHttp::new(Platform::Deezer, requests_per_5s, Duration::from_secs(5), Duration::from_secs(10))?;
        Ok(Self { base_url: base_url.trim_end_matches('/').to_owned(), http, quota_wait })
    }

    /// GETs `path`, mapping Deezer's in-body errors; a quota error is waited out and retried.
    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, PlatformError> {
        let url = format!("{}{path}", self.base_url);
        for _ in 0..3 {
            let answer = self.http.send(&|| self.http.request(Method::GET, &url)).await?;
            if let Ok(e) = serde_json::from_slice::<ErrorBody>(&answer.body) {
                match e.error.code {
                    4 | 700 => {
                        tokio::time::sleep(self.quota_wait).await;
                        continue;
                    }
                    800 => return Err(PlatformError::NotFound(Platform::Deezer)),
                    200 | 300 => {
                        return Err(PlatformError::Refused {
                            platform: Platform::Deezer,
                            code: "deezer_playlist_private",
                            message:
                                "this Deezer playlist is private: make it public on Deezer, then paste the link again"
                                    .into(),
                        })
                    }
                    code => {
                        return Err(PlatformError::upstream(
                            Platform::Deezer,
                            format!("error {code}: {}", e.error.message),
                        ))
                    }
                }
            }
            if !answer.status.is_success() {
                return Err(PlatformError::upstream(Platform::Deezer, format!("HTTP {}", answer.status)));
            }
            return serde_json::from_slice(&answer.body)
                .map_err(|e| PlatformError::upstream(Platform::Deezer, format!("unreadable answer: {e}")));
        }
        Err(PlatformError::Quota { platform: Platform::Deezer, retry_after_secs: self.quota_wait.as_secs().max(5) })
    }
}

fn remote(t: Track) -> Result<RemoteTrack, &'static str> {
    let artist = t.artist.and_then(|a| a.name).filter(|a| !a.trim().is_empty()).ok_or("Deezer gives no artist")?;
    let title = t.title.filter(|a| !a.trim().is_empty()).ok_or("Deezer gives no title")?;
    Ok(RemoteTrack {
        featured_artists: Vec::new(),
        image: None,
        artist,
        title,
        album: t.album.and_then(|a| a.title).filter(|a| !a.is_empty()),
        duration_ms: t.duration.filter(|d| *d > 0).map(|d| d * 1000),
        isrc: t.isrc.filter(|i| !i.is_empty()), // playlist pages carry none; `/track/…` does
        url: t.link,
    })
}

#[async_trait]
impl PlaylistSource for Deezer {
    fn platform(&self) -> Platform {
        Platform::Deezer
    }

    /// Reads every track, never assuming a page size: Deezer's largest `limit` is undocumented, so
    /// the first page's length is the step for the rest (several at once), any range a page left
    /// short is read again from where it stopped, and a track Deezer counted in `total` but never
    /// served is reported as skipped, so nothing goes missing silently.
    async fn playlist(&self, id: &str) -> Result<RemotePlaylist, PlatformError> {
        let meta: PlaylistBody = self.get(&format!("/playlist/{id}")).await?;
        let read = |index: usize| async move {
            let page: TracksPage = self.get(&format!("/playlist/{id}/tracks?index={index}&limit={PAGE}")).await?;
            Ok::<_, PlatformError>((index, page))
        };
        let (_, first) = read(0).await?;
        let total = first.total.or(meta.nb_tracks).unwrap_or(first.data.len());
        let step = if first.data.is_empty() { PAGE } else { first.data.len() };
        let mut entries: BTreeMap<usize, Track> = first.data.into_iter().enumerate().collect();
        let rest: Vec<(usize, TracksPage)> = stream::iter((step..total).step_by(step))
            .map(read)
            .buffer_unordered(CONCURRENT_PAGES)
            .try_collect()
            .await?;
        for (index, page) in rest {
            entries.extend(page.data.into_iter().enumerate().map(|(n, t)| (index + n, t)));
        }
        let mut reads_left = total / step + 4;
        let mut from = 0;
        while let Some(missing) = (from..total).find(|p| !entries.contains_key(p)) {
            if reads_left == 0 {
                break;
            }
            reads_left -= 1;
            let (index, page) = read(missing).await?;
            if page.data.is_empty() {
                break;
            }
            from = missing;
            entries.extend(page.data.into_iter().enumerate().map(|(n, t)| (index + n, t)));
        }
        let mut playlist = RemotePlaylist {
            name: meta.title,
            description: meta.description.filter(|d| !d.is_empty()),
            image: meta.picture_xl.filter(|p| !p.is_empty()),
            ..RemotePlaylist::default()
        };
        for position in 0..total.max(entries.keys().next_back().map_or(0, |p| p + 1)) {
            let position1 = position + 1;
            let outcome = match entries.remove(&position) {
                Some(track) => remote(track),
                None => Err("Deezer counted this track but did not serve it (the playlist may have changed while it \
                             was read): import again to try once more"),
            };
            match outcome {
                Ok(t) => playlist.tracks.push((position1, t)),
                Err(reason) => {
                    playlist.skipped.push(super::SkippedTrack { position: position1, reason: reason.into() })
                }
            }
        }
        Ok(playlist)
    }
}

/// Hits asked of Deezer's search.
const SEARCH_HITS: usize = 5;

#[async_trait]
impl TrackSearch for Deezer {
    fn platform(&self) -> Platform {
        Platform::Deezer
    }

    /// By ISRC first (`/track/isrc:…`, exact), then by artist and title (`/search/track`).
    async fn search(&self, query: &SearchQuery<'_>) -> Result<Vec<RemoteTrack>, PlatformError> {
        if let Some(isrc) = query.isrc {
            match self.get::<Track>(&format!("/track/isrc:{isrc}")).await {
                Ok(track) => return Ok(remote(track).into_iter().collect()),
                Err(PlatformError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let q = format!("artist:\"{}\" track:\"{}\"", query.artist.replace('"', ""), query.title.replace('"', ""));
        let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        let page: TracksPage = self.get(&format!("/search/track?q={q}&limit={SEARCH_HITS}")).await?;
        Ok(page.data.into_iter().filter_map(|t| remote(t).ok()).collect())
    }
}
