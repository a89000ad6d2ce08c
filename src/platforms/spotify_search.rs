//! Spotify catalog search with the app's own client-credentials token (no user needed): by
//! `isrc:` first, then by track and artist, at most 10 hits (Development Mode's cap since 2026).
//! The token is fetched from the accounts service, kept until a minute before it expires, and
//! fetched again on a 401.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

use super::{
    spotify::{track, Spotify},
    Platform, PlatformError, RemoteTrack, SearchQuery, TrackSearch,
};

/// Hits asked of Spotify's search (Development Mode allows at most 10).
const SEARCH_HITS: usize = 5;

/// The app's client id and secret, the accounts service, and the current app token.
pub struct AppCredentials {
    accounts_url: String,
    client_id: String,
    client_secret: String,
    token: tokio::sync::Mutex<Option<(String, Instant)>>,
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: String,
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct SearchBody {
    tracks: Option<Hits>,
}

#[derive(Deserialize)]
struct Hits {
    #[serde(default)]
    items: Vec<Value>,
}

fn upstream(detail: impl Into<String>) -> PlatformError {
    PlatformError::upstream(Platform::Spotify, detail)
}

impl Spotify {
    /// Enables catalog search with the app's client credentials.
    pub fn with_app_credentials(mut self, accounts_url: &str, client_id: &str, client_secret: &str) -> Self {
        self.app = Some(AppCredentials {
            accounts_url: accounts_url.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            token: tokio::sync::Mutex::new(None),
        });
        self
    }

    /// Whether catalog search is configured.
    pub fn can_search(&self) -> bool {
        self.app.is_some()
    }

    /// The app token: the kept one, or a new one when it is missing, expiring, or `refresh`.
    async fn app_token(&self, refresh: bool) -> Result<String, PlatformError> {
        let app = self.app.as_ref().ok_or(PlatformError::NotConfigured(Platform::Spotify))?;
        let mut kept = app.token.lock().await;
        if let Some((token, until)) = kept.as_ref() {
            if !refresh && Instant::now() < *until {
                return Ok(token.clone());
            }
        }
        let url = format!("{}/api/token", app.accounts_url);
        let answer = self
            .http
            .send(&|| {
                self.http
                    .request(Method::POST, &url)
                    .basic_auth(&app.client_id, Some(&app.client_secret))
                    .form(&[("grant_type", "client_credentials")])
            })
            .await?;
        if !answer.status.is_success() {
            return Err(upstream(format!(
                "the accounts service refused the app's client credentials (HTTP {}): check spotify.client_id and \
                 spotify.client_secret",
                answer.status
            )));
        }
        let body: TokenBody = serde_json::from_slice(&answer.body).map_err(|e| upstream(e.to_string()))?;
        let life = Duration::from_secs(body.expires_in.unwrap_or(3600).saturating_sub(60).max(30));
        *kept = Some((body.access_token.clone(), Instant::now() + life));
        Ok(body.access_token)
    }

    /// One search; `None` when the token was refused (to be fetched again).
    async fn search_once(&self, q: &str, token: &str) -> Result<Option<Vec<RemoteTrack>>, PlatformError> {
        let url = format!("{}/search", self.base_url);
        let limit = SEARCH_HITS.to_string();
        let query = [("q", q), ("type", "track"), ("limit", limit.as_str())];
        let answer = self.http.send(&|| self.http.request(Method::GET, &url).query(&query).bearer_auth(token)).await?;
        match answer.status.as_u16() {
            200 => {
                let body: SearchBody = serde_json::from_slice(&answer.body).map_err(|e| upstream(e.to_string()))?;
                let hits = body.tracks.map(|t| t.items).unwrap_or_default();
                Ok(Some(hits.iter().filter_map(|t| track(t).ok()).collect()))
            }
            401 => Ok(None),
            status => Err(upstream(format!("search answered HTTP {status}"))),
        }
    }

    /// A search with the app token, fetched again once if Spotify refuses it.
    async fn search_with_app_token(&self, q: &str) -> Result<Vec<RemoteTrack>, PlatformError> {
        let token = self.app_token(false).await?;
        if let Some(hits) = self.search_once(q, &token).await? {
            return Ok(hits);
        }
        let token = self.app_token(true).await?;
        self.search_once(q, &token).await?.ok_or_else(|| upstream("Spotify refused a fresh app token"))
    }
}

#[async_trait]
impl TrackSearch for Spotify {
    fn platform(&self) -> Platform {
        Platform::Spotify
    }

    async fn search(&self, query: &SearchQuery<'_>) -> Result<Vec<RemoteTrack>, PlatformError> {
        if let Some(isrc) = query.isrc {
            let hits = self.search_with_app_token(&format!("isrc:{isrc}")).await?;
            if !hits.is_empty() {
                return Ok(hits);
            }
        }
        let clean = |s: &str| s.replace('"', "");
        self.search_with_app_token(&format!("track:\"{}\" artist:\"{}\"", clean(query.title), clean(query.artist)))
            .await
    }
}
