//! Apple Music catalog playlists (`pl.…` and shared `pl.u-…`) with a developer token: an ES256
//! JWT signed with the team's MusicKit key (kept in secrets), renewed before it expires. Tracks
//! come with the playlist and then by the relative `next` links Apple gives.

use std::{
    sync::Mutex,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use async_trait::async_trait;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    http::PlatformHttp, Platform, PlatformError, RemotePlaylist, RemoteTrack, SearchQuery, SkippedTrack, TrackSearch,
};

/// How long a developer token lives (Apple allows up to six months).
const TOKEN_LIFE: Duration = Duration::from_secs(12 * 3600);

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    iat: u64,
    exp: u64,
}

#[derive(Deserialize)]
struct Document {
    #[serde(default)]
    data: Vec<Value>,
    next: Option<String>,
}

/// Reads Apple Music catalog playlists.
pub struct AppleMusic {
    base_url: String,
    team_id: String,
    key_id: String,
    key: EncodingKey,
    http: PlatformHttp,
    token: Mutex<Option<(String, SystemTime)>>,
    /// The storefront (country) catalog searches look in.
    storefront: String,
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn song(v: &Value) -> Result<RemoteTrack, &'static str> {
    if v.get("type").and_then(Value::as_str) != Some("songs") {
        return Err("not a song (a music video or an unavailable item)");
    }
    let a = v.get("attributes").ok_or("no longer available on Apple Music")?;
    let text = |k: &str| a.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    Ok(RemoteTrack {
        featured_artists: Vec::new(),
        image: None,
        artist: text("artistName").ok_or("no artist")?,
        title: text("name").ok_or("no title")?,
        album: text("albumName"),
        duration_ms: a.get("durationInMillis").and_then(Value::as_u64),
        isrc: text("isrc"),
        url: text("url"),
    })
}

impl AppleMusic {
    /// Its HTTP client (limits are shared among replicas through it).
    pub fn http(&self) -> &PlatformHttp {
        &self.http
    }

    /// A client for `base_url` (e.g. `https://api.music.apple.com/v1`) signing with the PEM
    /// (PKCS#8 `.p8`) `private_key` of MusicKit key `key_id` of team `team_id`.
    pub fn new(base_url: &str, team_id: &str, key_id: &str, private_key: &str) -> anyhow::Result<Self> {
        let key = EncodingKey::from_ec_pem(private_key.as_bytes())
            .map_err(|e| anyhow::anyhow!("applemusic.private_key is not a PEM EC key (.p8): {e}"))?;
        let http = PlatformHttp::new(Platform::Applemusic, 20, Duration::from_secs(1), Duration::from_secs(10))?;
        Ok(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            team_id: team_id.to_owned(),
            key_id: key_id.to_owned(),
            key,
            http,
            token: Mutex::new(None),
            storefront: "us".into(),
        })
    }

    /// Searches the catalog of `storefront` (a two-letter country code) instead of `us`.
    pub fn with_storefront(mut self, storefront: &str) -> Self {
        self.storefront = storefront.to_ascii_lowercase();
        self
    }

    /// The developer token, signed anew an hour before the last one expires.
    fn token(&self) -> Result<String, PlatformError> {
        let mut cached = self.token.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((token, until)) = cached.as_ref() {
            if SystemTime::now() + Duration::from_secs(3600) < *until {
                return Ok(token.clone());
            }
        }
        let iat = now_secs();
        let claims = Claims { iss: &self.team_id, iat, exp: iat + TOKEN_LIFE.as_secs() };
        let header = Header { kid: Some(self.key_id.clone()), ..Header::new(Algorithm::ES256) };
        let token = jsonwebtoken::encode(&header, &claims, &self.key).map_err(|e| {
            PlatformError::upstream(Platform::Applemusic, format!("cannot sign the developer token: {e}"))
        })?;
        *cached = Some((token.clone(), SystemTime::now() + TOKEN_LIFE));
        Ok(token)
    }

    async fn get(&self, url: &str) -> Result<Document, PlatformError> {
        self.get_json(url).await
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, PlatformError> {
        let token = self.token()?;
        let answer = self.http.send(&|| self.http.request(Method::GET, url).bearer_auth(&token)).await?;
        match answer.status.as_u16() {
            200 => serde_json::from_slice(&answer.body)
                .map_err(|e| PlatformError::upstream(Platform::Applemusic, e.to_string())),
            404 => Err(PlatformError::NotFound(Platform::Applemusic)),
            401 | 403 => Err(PlatformError::upstream(
                Platform::Applemusic,
                "the developer token is refused (check the team id, key id and key)",
            )),
            status => Err(PlatformError::upstream(Platform::Applemusic, format!("HTTP {status}"))),
        }
    }

    /// The whole catalog playlist `id` in `storefront`.
    pub async fn playlist_in(&self, storefront: &str, id: &str) -> Result<RemotePlaylist, PlatformError> {
        let first = self.get(&format!("{}/catalog/{storefront}/playlists/{id}?include=tracks", self.base_url)).await?;
        let playlist = first.data.first().ok_or(PlatformError::NotFound(Platform::Applemusic))?;
        let attributes = playlist.get("attributes");
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned).filter(|s| !s.is_empty());
        let tracks = playlist.get("relationships").and_then(|r| r.get("tracks"));
        let mut out = RemotePlaylist {
            name: text(attributes.and_then(|a| a.get("name"))),
            description: text(attributes.and_then(|a| a.get("description")).and_then(|d| d.get("standard"))),
            ..RemotePlaylist::default()
        };
        let mut page = Document {
            data: tracks.and_then(|t| t.get("data")).and_then(Value::as_array).cloned().unwrap_or_default(),
            next: text(tracks.and_then(|t| t.get("next"))),
        };
        let mut position = 0;
        loop {
            for v in &page.data {
                position += 1;
                match song(v) {
                    Ok(t) => out.tracks.push((position, t)),
                    Err(reason) => out.skipped.push(SkippedTrack { position, reason: reason.into() }),
                }
            }
            // `next` is a path under the API root ("/v1/catalog/…").
            let Some(next) = page.next.take() else { break };
            let path = next.strip_prefix("/v1").unwrap_or(&next);
            if !path.starts_with('/') {
                return Err(PlatformError::upstream(Platform::Applemusic, format!("an odd next link: {next}")));
            }
            page = self.get(&format!("{}{path}", self.base_url)).await?;
        }
        Ok(out)
    }
}

#[async_trait]
impl super::PlaylistSource for AppleMusic {
    fn platform(&self) -> Platform {
        Platform::Applemusic
    }

    async fn playlist(&self, id: &str) -> Result<RemotePlaylist, PlatformError> {
        self.playlist_in("us", id).await
    }
}

/// Hits asked of Apple's catalog search.
const SEARCH_HITS: usize = 5;

#[derive(Deserialize)]
struct SearchBody {
    results: Option<SearchResults>,
}

#[derive(Deserialize)]
struct SearchResults {
    songs: Option<Document>,
}

#[async_trait]
impl TrackSearch for AppleMusic {
    fn platform(&self) -> Platform {
        Platform::Applemusic
    }

    /// By ISRC first (`songs?filter[isrc]=`, exact), then by catalog search on artist and title.
    async fn search(&self, query: &SearchQuery<'_>) -> Result<Vec<RemoteTrack>, PlatformError> {
        let catalog = format!("{}/catalog/{}", self.base_url, self.storefront);
        if let Some(isrc) = query.isrc {
            let found = match self.get(&format!("{catalog}/songs?filter[isrc]={isrc}")).await {
                Err(PlatformError::NotFound(_)) => Document { data: Vec::new(), next: None },
                other => other?,
            };
            let songs: Vec<RemoteTrack> = found.data.iter().filter_map(|v| song(v).ok()).collect();
            if !songs.is_empty() {
                return Ok(songs);
            }
        }
        let term: String =
            url::form_urlencoded::byte_serialize(format!("{} {}", query.artist, query.title).as_bytes()).collect();
        let body: SearchBody =
            self.get_json(&format!("{catalog}/search?types=songs&limit={SEARCH_HITS}&term={term}")).await?;
        let songs = body.results.and_then(|r| r.songs).map(|d| d.data).unwrap_or_default();
        Ok(songs.iter().filter_map(|v| song(v).ok()).collect())
    }
}
