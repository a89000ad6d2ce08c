//! Spotify. An app in Development Mode may read a playlist's items only for the Spotify user who
//! owns it or collaborates on it, and a client-credentials token has no user: importing a Spotify
//! link needs the user's linked account. The read path is here, against both the legacy
//! (`tracks`/`track`) and the 2026 (`items`/`item`) shapes, following `next` links; local files
//! and podcast episodes are reported, not imported.

use std::{collections::BTreeMap, time::Duration};

use futures::{stream, StreamExt, TryStreamExt};
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

use super::{http::PlatformHttp, Platform, PlatformError, RemotePlaylist, RemoteTrack, SkippedTrack};

/// What a user is told when a Spotify link cannot be read for want of a linked account.
pub const NEEDS_ACCOUNT: &str = "Spotify lets an app read a playlist only for the Spotify account that owns it or \
    collaborates on it, so importing a Spotify link needs your Spotify account linked to sharify: POST \
    /v1/connections/spotify and open the address it gives. Or export the playlist as CSV (for example with \
    Exportify) and import the file, or import the same playlist from Deezer, YouTube or Apple Music.";

/// Spotify's API client.
pub struct Spotify {
    pub(super) base_url: String,
    pub(super) http: PlatformHttp,
    /// The app's client credentials and the accounts service, for catalog search.
    pub(super) app: Option<super::spotify_search::AppCredentials>,
}

#[derive(Deserialize)]
struct PlaylistBody {
    name: Option<String>,
    description: Option<String>,
    /// Covers, largest first (Spotify's order); `null` on some playlists.
    #[serde(default)]
    images: Option<Vec<Image>>,
    #[serde(default)]
    items: Option<ItemsPage>,
    #[serde(default)]
    tracks: Option<ItemsPage>,
}

#[derive(Deserialize)]
struct Image {
    url: Option<String>,
}

#[derive(Deserialize)]
struct ItemsPage {
    #[serde(default)]
    items: Vec<Value>,
    next: Option<String>,
    total: Option<usize>,
}

/// Pages fetched at once (Spotify pages by offset, so all of them can be asked for together).
const CONCURRENT_PAGES: usize = 4;

/// `next` with its `offset` set to `offset`.
fn at_offset(next: &str, offset: usize) -> Option<String> {
    let mut url = url::Url::parse(next).ok()?;
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(
            |(k, v)| {
                if k == "offset" {
                    (k.into_owned(), offset.to_string())
                } else {
                    (k.into_owned(), v.into_owned())
                }
            },
        )
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    Some(url.into())
}

fn refused(code: &'static str, message: &str) -> PlatformError {
    PlatformError::Refused { platform: Platform::Spotify, code, message: message.to_owned() }
}

/// A 403 that is about the app or the account rather than the playlist (Spotify sends some as
/// plain text): the user is not on the app's allow-list, the app owner lacks Premium, a scope is
/// missing.
pub fn account_refusal(body: &[u8]) -> Option<PlatformError> {
    let text = String::from_utf8_lossy(body).to_lowercase();
    if text.contains("not registered") || text.contains("not approved") {
        return Some(refused(
            "spotify_user_not_registered",
            "this server's Spotify app is in Development Mode and your Spotify account is not on its allow-list: ask \
             the operator to add your Spotify account's email under Users and Access in the app's dashboard (at most \
             5 users), then try again",
        ));
    }
    if text.contains("premium") {
        return Some(refused(
            "spotify_premium_required",
            "Spotify refuses this server's app until its owner holds an active Premium subscription (a Development \
             Mode rule since 2026; it can take a few hours after the subscription changes): tell the operator",
        ));
    }
    if text.contains("scope") {
        return Some(refused(
            "spotify_scope_missing",
            "your Spotify link lacks a permission this needs: link your Spotify account again and allow everything asked",
        ));
    }
    None
}

/// One playlist entry: the track (`item` or `track`), or why it is left out.
fn entry(e: &Value) -> Result<RemoteTrack, &'static str> {
    if e.get("is_local").and_then(Value::as_bool) == Some(true) {
        return Err("a local file on the owner's device");
    }
    let t = e.get("item").filter(|v| !v.is_null()).or_else(|| e.get("track").filter(|v| !v.is_null()));
    track(t.ok_or("no longer available on Spotify")?)
}

/// A track object, or why it is left out.
pub(super) fn track(t: &Value) -> Result<RemoteTrack, &'static str> {
    if t.get("type").and_then(Value::as_str) == Some("episode")
        || t.get("episode").and_then(Value::as_bool) == Some(true)
    {
        return Err("a podcast episode");
    }
    let text =
        |v: Option<&Value>| v.and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let artists: Vec<String> = t
        .get("artists")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| text(x.get("name"))).collect())
        .unwrap_or_default();
    let title = text(t.get("name")).ok_or("no title")?;
    if artists.is_empty() {
        return Err("no artist");
    }
    // Spotify lists every artist; the first is the main one.
    let mut artists = artists.into_iter();
    let artist = artists.next().unwrap_or_default();
    let cover = t.get("album").and_then(|a| a.get("images")).and_then(Value::as_array).and_then(|i| i.first());
    Ok(RemoteTrack {
        artist,
        featured_artists: artists.collect(),
        image: text(cover.and_then(|c| c.get("url"))),
        title,
        album: text(t.get("album").and_then(|a| a.get("name"))),
        duration_ms: t.get("duration_ms").and_then(Value::as_u64).filter(|d| *d > 0),
        isrc: text(t.get("external_ids").and_then(|x| x.get("isrc"))),
        url: text(t.get("external_urls").and_then(|x| x.get("spotify"))),
    })
}

impl Spotify {
    /// Its HTTP client (limits are shared among replicas through it).
    pub fn http(&self) -> &PlatformHttp {
        &self.http
    }

    /// A client for the API at `base_url` (e.g. `https://api.spotify.com/v1`).
    pub fn new(base_url: &str) -> anyhow::Result<Self> {
        Self::with_rate(base_url, 10)
    }

    /// A client making at most `requests_per_second` calls a second from this deployment.
    pub fn with_rate(base_url: &str, requests_per_second: u32) -> anyhow::Result<Self> {
        let http =
            PlatformHttp::new(Platform::Spotify, requests_per_second, Duration::from_secs(1), Duration::from_secs(10))?;
        Ok(Self { base_url: base_url.trim_end_matches('/').to_owned(), http, app: None })
    }

    /// GETs `url` with a user's `token`; `playlist_id` (when reading one) explains a 404.
    pub async fn get(&self, url: &str, token: &str, playlist_id: &str) -> Result<Vec<u8>, PlatformError> {
        let answer = self.http.send(&|| self.http.request(Method::GET, url).bearer_auth(token)).await?;
        match answer.status.as_u16() {
            200 => Ok(answer.body.to_vec()),
            401 => {
                Err(refused("spotify_token_expired", "your Spotify link has expired: link your Spotify account again"))
            }
            403 => Err(account_refusal(&answer.body).unwrap_or_else(|| {
                refused(
                    "spotify_playlist_not_readable",
                    "Spotify lets apps read only playlists you own or collaborate on: copy this playlist to your own \
                     Spotify library (Add to other playlist → New playlist), then import that copy",
                )
            })),
            404 if playlist_id.starts_with("37i9") => Err(refused(
                "spotify_algorithmic_playlist",
                "this is one of Spotify's own or personalised playlists (Discover Weekly, Release Radar, editorial), \
                 which Spotify no longer lets apps read: save its tracks to a playlist of your own and import that",
            )),
            404 => Err(PlatformError::NotFound(Platform::Spotify)),
            status => Err(PlatformError::upstream(Platform::Spotify, format!("HTTP {status}"))),
        }
    }

    /// Reads playlist `id` with a user's access `token`, every page.
    pub async fn playlist_with_token(&self, token: &str, id: &str) -> Result<RemotePlaylist, PlatformError> {
        let body = self.get(&format!("{}/playlists/{id}", self.base_url), token, id).await?;
        let meta: PlaylistBody =
            serde_json::from_slice(&body).map_err(|e| PlatformError::upstream(Platform::Spotify, e.to_string()))?;
        // 2026 shape first; no items at all means Spotify withheld them (not an empty playlist).
        let first = meta.items.or(meta.tracks).ok_or_else(|| {
            refused(
                "spotify_playlist_not_readable",
                "Spotify gave this playlist's name but not its tracks: it lets apps read only playlists you own or \
                 collaborate on",
            )
        })?;
        let mut playlist = RemotePlaylist {
            name: meta.name,
            description: meta.description.filter(|d| !d.is_empty()),
            image: meta.images.unwrap_or_default().into_iter().find_map(|i| i.url),
            ..RemotePlaylist::default()
        };
        self.read_pages(token, id, first, &mut playlist).await?;
        Ok(playlist)
    }

    /// The account's Liked Songs (`/me/tracks`), every page, as a playlist.
    pub async fn liked_with_token(&self, token: &str) -> Result<RemotePlaylist, PlatformError> {
        let body = self.get(&format!("{}/me/tracks?limit=50&offset=0", self.base_url), token, "").await?;
        let first: ItemsPage =
            serde_json::from_slice(&body).map_err(|e| PlatformError::upstream(Platform::Spotify, e.to_string()))?;
        let mut playlist = RemotePlaylist { name: Some("Liked Songs".into()), ..RemotePlaylist::default() };
        self.read_pages(token, "", first, &mut playlist).await?;
        Ok(playlist)
    }

    /// Reads every entry after `first` into `playlist`'s tracks and skipped entries, never
    /// assuming a page size: the page `next` names is read first (its length is the size Spotify
    /// serves: the playlist object embeds up to 100, `/items` serves at most 50), the rest by
    /// offset, several at once, and any range a page left short is read again from where it
    /// stopped. An entry Spotify counted in `total` but never served is reported as skipped, so
    /// nothing goes missing silently.
    async fn read_pages(
        &self,
        token: &str,
        id: &str,
        first: ItemsPage,
        playlist: &mut RemotePlaylist,
    ) -> Result<(), PlatformError> {
        let total = first.total.unwrap_or(first.items.len());
        let mut entries: BTreeMap<usize, Value> = BTreeMap::new();
        let first_len = first.items.len();
        entries.extend(first.items.into_iter().enumerate());
        if let Some(next) = first.next.as_deref() {
            if !next.starts_with(&format!("{}/", self.base_url)) {
                return Err(PlatformError::upstream(Platform::Spotify, format!("a next link off the API: {next}")));
            }
            let read = |offset: usize| async move {
                let url = at_offset(next, offset).ok_or_else(|| {
                    PlatformError::upstream(Platform::Spotify, format!("a next link that is not a URL: {next}"))
                })?;
                let body = self.get(&url, token, id).await?;
                let page: ItemsPage = serde_json::from_slice(&body)
                    .map_err(|e| PlatformError::upstream(Platform::Spotify, e.to_string()))?;
                Ok::<_, PlatformError>((offset, page.items))
            };
            let (offset, items) = read(first_len).await?;
            let step = items.len().max(1);
            entries.extend(items.into_iter().enumerate().map(|(n, e)| (offset + n, e)));
            let rest: Vec<(usize, Vec<Value>)> = stream::iter((first_len + step..total).step_by(step))
                .map(read)
                .buffer_unordered(CONCURRENT_PAGES)
                .try_collect()
                .await?;
            for (offset, items) in rest {
                entries.extend(items.into_iter().enumerate().map(|(n, e)| (offset + n, e)));
            }
            // Ranges a page left short (a shorter page than the first, or a playlist that
            // changed meanwhile): read from where they stop, as long as Spotify serves more.
            let mut reads_left = total / step + 4;
            while let Some(missing) = (0..total).find(|p| !entries.contains_key(p)) {
                if reads_left == 0 {
                    break;
                }
                reads_left -= 1;
                let (offset, items) = read(missing).await?;
                if items.is_empty() {
                    break;
                }
                entries.extend(items.into_iter().enumerate().map(|(n, e)| (offset + n, e)));
            }
        }
        for position in 0..total.max(entries.keys().next_back().map_or(0, |p| p + 1)) {
            let position1 = position + 1;
            match entries.remove(&position) {
                Some(e) => match entry(&e) {
                    Ok(t) => playlist.tracks.push((position1, t)),
                    Err(reason) => playlist.skipped.push(SkippedTrack { position: position1, reason: reason.into() }),
                },
                None => playlist.skipped.push(SkippedTrack {
                    position: position1,
                    reason: "Spotify counted this entry but did not serve it (the playlist may have changed while \
                             it was read): import again to try once more"
                        .into(),
                }),
            }
        }
        Ok(())
    }
}
