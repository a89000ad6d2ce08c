//! Spotify's Web API as a linked user: every call carries the user's token, refreshed once and
//! retried when Spotify refuses it; refusals become answers a user can act on. The playlist
//! calls a push needs: create, read the items (every page), replace and append (100 a call).

use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{spotify_account, tokens::spotify_token};
use crate::{
    connections::deps::ConnectionDeps,
    error::ApiError,
    platforms::{Platform, PlatformError},
};

/// Items Spotify takes in one add or replace call.
pub const BATCH: usize = 100;

/// A linked user's Spotify session for one request.
pub struct SpotifyUser<'a> {
    state: &'a dyn ConnectionDeps,
    user_id: &'a str,
    base: String,
    /// API calls made (for reports and tests).
    pub calls: usize,
}

/// A platform playlist as a push sees it.
#[derive(Debug, Clone)]
pub struct RemoteCopy {
    /// Spotify's id.
    pub id: String,
    /// Its page.
    pub url: Option<String>,
    /// Spotify's version of it.
    pub snapshot_id: Option<String>,
    /// Its items' URIs, in order (local files and episodes included as Spotify lists them).
    pub uris: Vec<String>,
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    items: Vec<Value>,
    next: Option<String>,
}

fn upstream(e: impl std::fmt::Display) -> ApiError {
    PlatformError::upstream(Platform::Spotify, e.to_string()).into()
}

impl<'a> SpotifyUser<'a> {
    /// A session for `user_id` (whose account must be linked).
    pub fn new(state: &'a dyn ConnectionDeps, user_id: &'a str) -> Self {
        Self { state, user_id, base: state.config().spotify.base_url.trim_end_matches('/').to_owned(), calls: 0 }
    }

    /// One call; `Ok` only for a 2xx answer, whose body is returned.
    async fn call(&mut self, method: Method, url: &str, body: Option<&Value>) -> Result<Vec<u8>, ApiError> {
        let spotify = spotify_account::spotify(self.state)?;
        let http = spotify.http();
        let mut refused: Option<String> = None;
        loop {
            let token = spotify_token(self.state, self.user_id, refused.as_deref()).await?;
            self.calls += 1;
            let answer = http
                .send(&|| {
                    let request = http.request(method.clone(), url).bearer_auth(&token);
                    match body {
                        Some(b) => request.json(b),
                        None => request,
                    }
                })
                .await?;
            match answer.status.as_u16() {
                200..=299 => return Ok(answer.body.to_vec()),
                401 if refused.is_none() => refused = Some(token),
                404 => {
                    return Err(ApiError::invalid(
                        "spotify_playlist_not_found",
                        "Spotify has no such playlist, or it is not yours: check the target id",
                    ))
                }
                status => return Err(spotify_account::refusal(status, &answer.body)),
            }
        }
    }

    /// A call on playlist `id`'s items: the 2026 `/items` endpoint, else (404) the `/tracks` one
    /// that apps registered before 2026 may still be given.
    async fn items_call(
        &mut self,
        method: Method,
        id: &str,
        query: &str,
        body: Option<&Value>,
    ) -> Result<Vec<u8>, ApiError> {
        let url = format!("{}/playlists/{id}/items{query}", self.base);
        match self.call(method.clone(), &url, body).await {
            Err(e) if e.code == "spotify_playlist_not_found" => {
                self.call(method, &format!("{}/playlists/{id}/tracks{query}", self.base), body).await
            }
            other => other,
        }
    }

    /// Creates a private playlist on the user's account.
    pub async fn create(&mut self, name: &str, description: &str) -> Result<RemoteCopy, ApiError> {
        let body = json!({"name": name, "description": description, "public": false});
        let created: Value = serde_json::from_slice(
            &self.call(Method::POST, &format!("{}/me/playlists", self.base), Some(&body)).await?,
        )
        .map_err(upstream)?;
        let text = |k: &str| created.get(k).and_then(Value::as_str).map(str::to_owned);
        Ok(RemoteCopy {
            id: text("id").ok_or_else(|| upstream("a created playlist without an id"))?,
            url: created.get("external_urls").and_then(|u| u.get("spotify")).and_then(Value::as_str).map(str::to_owned),
            snapshot_id: text("snapshot_id"),
            uris: Vec::new(),
        })
    }

    /// Reads playlist `id`: its snapshot and every item's URI, page after page.
    pub async fn read(&mut self, id: &str) -> Result<RemoteCopy, ApiError> {
        let meta: Value = serde_json::from_slice(
            &self
                .call(Method::GET, &format!("{}/playlists/{id}?fields=id,snapshot_id,external_urls", self.base), None)
                .await?,
        )
        .map_err(upstream)?;
        let mut uris = Vec::new();
        let first = self.items_call(Method::GET, id, "?limit=50&offset=0", None).await?;
        let mut page: Option<Page> = Some(serde_json::from_slice(&first).map_err(upstream)?);
        while let Some(this) = page.take() {
            for entry in &this.items {
                let track = entry.get("item").filter(|v| !v.is_null()).or_else(|| entry.get("track"));
                if let Some(uri) = track.and_then(|t| t.get("uri")).and_then(Value::as_str) {
                    uris.push(uri.to_owned());
                }
            }
            if let Some(next) = this.next.filter(|n| n.starts_with(&format!("{}/", self.base))) {
                page = Some(serde_json::from_slice(&self.call(Method::GET, &next, None).await?).map_err(upstream)?);
            }
        }
        Ok(RemoteCopy {
            id: id.to_owned(),
            url: meta.get("external_urls").and_then(|u| u.get("spotify")).and_then(Value::as_str).map(str::to_owned),
            snapshot_id: meta.get("snapshot_id").and_then(Value::as_str).map(str::to_owned),
            uris,
        })
    }

    fn snapshot(body: &[u8]) -> Option<String> {
        serde_json::from_slice::<Value>(body).ok()?.get("snapshot_id")?.as_str().map(str::to_owned)
    }

    /// Appends `uris` in order, 100 a call; returns the last snapshot.
    pub async fn append(&mut self, id: &str, uris: &[String]) -> Result<Option<String>, ApiError> {
        let mut snapshot = None;
        for batch in uris.chunks(BATCH) {
            let body = json!({"uris": batch});
            let answer = self.items_call(Method::POST, id, "", Some(&body)).await?;
            snapshot = Self::snapshot(&answer).or(snapshot);
        }
        Ok(snapshot)
    }

    /// Replaces the playlist's items with `uris` in order: the first 100 by replacing, the rest
    /// appended.
    pub async fn replace(&mut self, id: &str, uris: &[String]) -> Result<Option<String>, ApiError> {
        let first = &uris[..uris.len().min(BATCH)];
        let body = json!({"uris": first});
        let answer = self.items_call(Method::PUT, id, "", Some(&body)).await?;
        let snapshot = Self::snapshot(&answer);
        Ok(self.append(id, &uris[first.len()..]).await?.or(snapshot))
    }
}

/// One play from Spotify's recently played.
#[derive(Debug, Clone)]
pub struct RecentPlay {
    /// When it was played.
    pub played_at: chrono::DateTime<chrono::Utc>,
    /// The track's first artist.
    pub artist: String,
    /// Its title.
    pub title: String,
    /// Its album.
    pub album: Option<String>,
}

impl SpotifyUser<'_> {
    /// The account's recently played tracks after `after_ms` (Spotify keeps the last 50 only).
    pub async fn recently_played(&mut self, after_ms: Option<i64>) -> Result<Vec<RecentPlay>, ApiError> {
        let after = after_ms.map(|ms| format!("&after={ms}")).unwrap_or_default();
        let url = format!("{}/me/player/recently-played?limit=50{after}", self.base);
        let page: Page = serde_json::from_slice(&self.call(Method::GET, &url, None).await?).map_err(upstream)?;
        Ok(page
            .items
            .iter()
            .filter_map(|item| {
                let track = item.get("track")?;
                Some(RecentPlay {
                    played_at: item.get("played_at")?.as_str()?.parse().ok()?,
                    artist: track.pointer("/artists/0/name")?.as_str()?.to_owned(),
                    title: track.get("name")?.as_str()?.to_owned(),
                    album: track.pointer("/album/name").and_then(Value::as_str).map(str::to_owned),
                })
            })
            .collect())
    }
}
