//! Deezer-, YouTube- and Spotify-shaped fakes on one local HTTP server (`/deezer`,
//! `/youtube/v3`, `/spotify/v1`), serving the recorded bodies in tests/data/platforms (see its
//! SOURCES.md) and, where no recording allows it, bodies of our own in the same shapes. Switches
//! make the next calls fail the way each platform fails: Deezer's quota error with HTTP 200,
//! YouTube's 403 `quotaExceeded`, Spotify's 429 with `Retry-After`.
#![allow(dead_code)]

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{
        atomic::{AtomicU32, Ordering},
        Arc, Mutex,
    },
    time::Instant,
};

use axum::{
    extract::{Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use serde_json::{json, Value};

pub use crate::apple_fake::{apple_private_key, APPLE_KEY_ID, APPLE_TEAM};
use crate::{apple_fake, deezer_fake, search_fakes, spotify_accounts_fake, spotify_write_fake, youtube_account_fake};

/// The YouTube API key the fake accepts.
pub const YOUTUBE_KEY: &str = "yt-key";
/// The recorded two-page YouTube playlist.
pub const YOUTUBE_PLAYLIST: &str = "PLOU2XLYxmsIKpaV8h0AGE05so0fAwwfTw";

#[derive(Default)]
pub(crate) struct Shared {
    base: String,
    calls: Mutex<Vec<(String, Instant)>>,
    pub(crate) deezer_quota_errors: AtomicU32,
    pub(crate) deezer_page_cap: AtomicU32,
    pub(crate) deezer_uncounted: AtomicU32,
    youtube_uncounted: AtomicU32,
    youtube_quota_errors: AtomicU32,
    spotify_429s: AtomicU32,
    spotify_quota: AtomicU32,
    pub(crate) accounts: Mutex<crate::spotify_accounts_fake::Accounts>,
    pub(crate) lists: Mutex<crate::spotify_write_fake::Lists>,
    pub(crate) channel: Mutex<crate::youtube_account_fake::Channel>,
}

impl Shared {
    /// `http://127.0.0.1:port`.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }
}

/// A running fake.
#[derive(Clone)]
pub struct FakePlatforms {
    /// `http://127.0.0.1:port`.
    pub base: String,
    pub(crate) shared: Arc<Shared>,
}

pub(crate) fn file(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/platforms").join(name);
    std::fs::read_to_string(path).unwrap()
}

pub(crate) fn json_body(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
}

impl FakePlatforms {
    /// Starts the fake on an ephemeral port.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared { base: base.clone(), ..Shared::default() });
        let app = Router::new()
            .route("/deezer/playlist/{id}", get(deezer_fake::deezer_playlist))
            .route("/deezer/playlist/{id}/tracks", get(deezer_fake::deezer_tracks))
            .route(
                "/youtube/v3/playlistItems",
                get(youtube_items).post(youtube_account_fake::write_item).delete(youtube_account_fake::write_item),
            )
            .route("/youtube/v3/playlists", post(youtube_account_fake::create))
            .route("/youtube/v3/channels", get(youtube_account_fake::channels))
            .route("/youtube/v3/search", get(youtube_account_fake::search))
            .route("/google/token", post(youtube_account_fake::token))
            .route("/google/revoke", post(youtube_account_fake::revoke))
            .route("/spotify/v1/playlists/{id}", get(spotify_playlist))
            .route(
                "/spotify/v1/playlists/{id}/{kind}",
                get(spotify_page).post(spotify_write_fake::append).put(spotify_write_fake::replace),
            )
            .route("/applemusic/v1/catalog/{storefront}/playlists/{id}", get(apple_fake::apple_playlist))
            .route("/applemusic/v1/catalog/{storefront}/playlists/{id}/tracks", get(apple_fake::apple_tracks))
            .route("/applemusic/v1/catalog/{storefront}/songs", get(search_fakes::apple_songs))
            .route("/applemusic/v1/catalog/{storefront}/search", get(search_fakes::apple_search))
            .route("/deezer/track/{id}", get(search_fakes::deezer_track_lookup))
            .route("/deezer/search/track", get(search_fakes::deezer_search))
            .route("/spotify/accounts/api/token", post(search_fakes::spotify_token))
            .route("/spotify/v1/search", get(search_fakes::spotify_search))
            .route("/spotify/v1/me", get(spotify_accounts_fake::me))
            .route("/spotify/accounts/authorize", get(crate::spotify_consent_fake::authorize))
            .route(
                "/spotify/v1/me/playlists",
                get(spotify_accounts_fake::my_playlists).post(spotify_write_fake::create),
            )
            .route("/spotify/v1/me/tracks", get(spotify_accounts_fake::liked))
            .route("/spotify/v1/me/player/recently-played", get(spotify_accounts_fake::recently_played))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { base, shared }
    }

    /// Calls whose path starts with `prefix`.
    pub fn calls(&self, prefix: &str) -> usize {
        self.shared.calls.lock().unwrap().iter().filter(|(p, _)| p.starts_with(prefix)).count()
    }

    /// When each call under `prefix` arrived.
    pub fn call_times(&self, prefix: &str) -> Vec<Instant> {
        self.shared.calls.lock().unwrap().iter().filter(|(p, _)| p.starts_with(prefix)).map(|(_, t)| *t).collect()
    }

    /// The next `n` Deezer calls answer the quota error (code 4, HTTP 200).
    pub fn deezer_quota_errors(&self, n: u32) {
        self.shared.deezer_quota_errors.store(n, Ordering::SeqCst);
    }

    /// Deezer serves at most `n` tracks a page whatever `limit` asks (its default page is 25).
    pub fn deezer_page_cap(&self, n: u32) {
        self.shared.deezer_page_cap.store(n, Ordering::SeqCst);
    }

    /// Deezer's `total` counts `n` tracks more than it serves (tracks gone meanwhile).
    pub fn deezer_uncounted(&self, n: u32) {
        self.shared.deezer_uncounted.store(n, Ordering::SeqCst);
    }

    /// YouTube's `totalResults` counts `n` entries more than it lists (hidden videos).
    pub fn youtube_uncounted(&self, n: u32) {
        self.shared.youtube_uncounted.store(n, Ordering::SeqCst);
    }

    /// The next `n` YouTube calls answer 403 `quotaExceeded`.
    pub fn youtube_quota_errors(&self, n: u32) {
        self.shared.youtube_quota_errors.store(n, Ordering::SeqCst);
    }

    /// Plays the user's browser on Spotify's consent page: the code Spotify would hand back for
    /// an authorize address with this PKCE `challenge`.
    pub fn consent(&self, challenge: &str) -> String {
        let code = format!("code-{}", sharify::ids::new_id());
        self.shared.accounts.lock().unwrap().codes.insert(code.clone(), challenge.to_owned());
        code
    }

    /// Spotify stops accepting every access token handed out so far.
    pub fn expire_access_tokens(&self) {
        self.shared.accounts.lock().unwrap().access.clear();
    }

    /// Spotify revokes every refresh token.
    pub fn revoke_refresh_tokens(&self) {
        self.shared.accounts.lock().unwrap().revoked = true;
    }

    /// The next `n` Spotify calls answer 429 with `Retry-After: 1`.
    pub fn spotify_429s(&self, n: u32) {
        self.shared.spotify_429s.store(n, Ordering::SeqCst);
    }

    /// The next `n` Spotify calls answer the 2026 quota 429 (`QUOTA_EXCEEDED`, no `Retry-After`).
    pub fn spotify_quota_exceeded(&self, n: u32) {
        self.shared.spotify_quota.store(n, Ordering::SeqCst);
    }
}

pub(crate) fn record(shared: &Shared, path: String) {
    shared.calls.lock().unwrap().push((path, Instant::now()));
}

pub(crate) fn take(counter: &AtomicU32) -> bool {
    counter.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
}

// ---- YouTube ----

async fn youtube_items(
    State(s): State<Arc<Shared>>,
    headers: axum::http::HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    record(&s, "/youtube/v3/playlistItems".into());
    if let Some(r) = youtube_account_fake::own_items(&s, &headers, &q) {
        return r;
    }
    let google_error = |status: StatusCode, reason: &str, domain: &str, message: &str| {
        json_body(
            status,
            json!({"error": {"code": status.as_u16(), "message": message,
                   "errors": [{"message": message, "domain": domain, "reason": reason}]}})
            .to_string(),
        )
    };
    if q.get("key").map(String::as_str) != Some(YOUTUBE_KEY) {
        return google_error(
            StatusCode::BAD_REQUEST,
            "keyInvalid",
            "usageLimits",
            "API key not valid. Please pass a valid API key.",
        );
    }
    if take(&s.youtube_quota_errors) {
        return google_error(
            StatusCode::FORBIDDEN,
            "quotaExceeded",
            "youtube.quota",
            "The request cannot be completed because you have exceeded your quota.",
        );
    }
    if q.get("playlistId").map(String::as_str) != Some(YOUTUBE_PLAYLIST) {
        return google_error(
            StatusCode::NOT_FOUND,
            "playlistNotFound",
            "youtube.playlistItem",
            "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
        );
    }
    let counted = |body: String| {
        let total = 13 + s.youtube_uncounted.load(Ordering::SeqCst);
        json_body(StatusCode::OK, body.replace("\"totalResults\": 13", &format!("\"totalResults\": {total}")))
    };
    match q.get("pageToken").map(String::as_str) {
        None => counted(file("youtube__playlistItems-page1-next.json")),
        Some("CAoQAA") => counted(file("youtube__playlistItems-page2-last.json")),
        Some(_) => google_error(StatusCode::BAD_REQUEST, "invalidPageToken", "youtube.parameter", "bad page token"),
    }
}

// ---- Spotify ----

/// The recorded 244-track legacy playlist, the 2026 dual-shape one, and a playlist whose only
/// page is the recorded episodes-and-tracks page.
pub const SPOTIFY_LEGACY: &str = "4dn0iEoAxn69ea0Tyov8V5";
/// The recorded 2026 dual-shape playlist.
pub const SPOTIFY_DUAL: &str = "1Cp6VQCKf2VL4sP09jN9oX";
/// A playlist with podcast episodes.
pub const SPOTIFY_EPISODES: &str = "episodesAndTracks00000";
/// Another user's playlist (Development Mode refuses its items).
pub const SPOTIFY_NOT_OURS: &str = "notOursNotOursNotOurs0";
/// An algorithmic playlist (Release Radar).
pub const SPOTIFY_ALGORITHMIC: &str = "37i9dQZEVXbqUGAw5VCQ7w";

fn spotify_error(status: StatusCode, message: &str) -> Response {
    json_body(status, format!("{{\"error\": {{\"status\": {}, \"message\": \"{message}\" }} }}", status.as_u16()))
}

fn rewrite(s: &Shared, body: String) -> String {
    body.replace("https://api.spotify.com/v1", &format!("{}/spotify/v1", s.base))
}

fn spotify_gate(s: &Shared, path: String) -> Option<Response> {
    record(s, path);
    if take(&s.spotify_quota) {
        let body = r#"{"error":{"status":429,"message":"Too many requests","reason":"QUOTA_EXCEEDED"}}"#;
        return Some(json_body(StatusCode::TOO_MANY_REQUESTS, body.into()));
    }
    if take(&s.spotify_429s) {
        let body = file("spotify__error-429-rate-limit.json");
        return Some(
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, "1"), (header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response(),
        );
    }
    None
}

async fn spotify_playlist(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    if let Some(r) = spotify_gate(&s, format!("/spotify/v1/playlists/{id}")) {
        return r;
    }
    if let Some(r) = spotify_write_fake::read_meta(&s, &id) {
        return r;
    }
    match id.as_str() {
        SPOTIFY_LEGACY => json_body(StatusCode::OK, rewrite(&s, file("spotify__get-playlist-page1-next.json"))),
        SPOTIFY_DUAL => json_body(StatusCode::OK, rewrite(&s, file("spotify__get-playlist-2026-dual-shape.json"))),
        SPOTIFY_EPISODES => json_body(
            StatusCode::OK,
            json!({"name": "Episodes", "description": "", "id": id,
                   "items": {"items": [], "next": format!("{}/spotify/v1/playlists/{id}/items?offset=0&limit=50", s.base), "total": 4}})
            .to_string(),
        ),
        SPOTIFY_NOT_OURS => json_body(StatusCode::OK, json!({"name": "Someone else's", "id": id, "description": ""}).to_string()),
        SPOTIFY_ALGORITHMIC => spotify_error(StatusCode::NOT_FOUND, "Resource not found"),
        _ => json_body(StatusCode::NOT_FOUND, file("spotify__error-404-not-found.json")),
    }
}

async fn spotify_page(
    State(s): State<Arc<Shared>>,
    Path((id, kind)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = spotify_gate(&s, format!("/spotify/v1/playlists/{id}/{kind}")) {
        return r;
    }
    if let Some(r) = spotify_write_fake::read_items(&s, &id, &kind, &q) {
        return r;
    }
    let offset = q.get("offset").map(String::as_str).unwrap_or("0");
    match (id.as_str(), kind.as_str(), offset) {
        (SPOTIFY_LEGACY, "tracks", "100") => {
            json_body(StatusCode::OK, rewrite(&s, file("spotify__playlist-tracks-page2.json")))
        }
        (SPOTIFY_LEGACY, "tracks", "200") => {
            // The third page was never recorded: 44 tracks of our own in the legacy shape.
            let items: Vec<Value> = (200..244)
                .map(|n| json!({"added_at": "2019-01-01T00:00:00Z", "is_local": false, "track": {
                    "type": "track", "name": format!("Third Page Song {n}"), "artists": [{"name": "Third Page Band"}],
                    "album": {"name": "Page Three"}, "duration_ms": 200000 + n, "external_ids": {"isrc": format!("USAAA{n:07}")},
                    "external_urls": {"spotify": format!("https://open.spotify.com/track/third{n:017}")}}}))
                .collect();
            json_body(
                StatusCode::OK,
                json!({"items": items, "next": null, "offset": 200, "total": 244, "limit": 100}).to_string(),
            )
        }
        (SPOTIFY_EPISODES, "items", _) => {
            json_body(StatusCode::OK, file("spotify__playlist-items-episodes-and-tracks.json"))
        }
        (SPOTIFY_NOT_OURS, _, _) => spotify_error(StatusCode::FORBIDDEN, "Forbidden"),
        _ => json_body(StatusCode::NOT_FOUND, file("spotify__error-404-not-found.json")),
    }
}
