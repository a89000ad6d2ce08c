//! Catalog search on the platform fakes: Spotify's client-credentials token and `/search`
//! (recorded bodies), Deezer's `/track/isrc:…` and `/search/track`, Apple Music's
//! `songs?filter[isrc]=` and `/search` (bodies of our own in their shapes, with the recorded
//! empty Deezer search). They know one track, Rick Astley's "Never Gonna Give You Up".

use std::{collections::HashMap, sync::Arc};

use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::Response,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use serde_json::json;

use crate::{
    apple_fake::apple_token_ok,
    platform_fakes::{file, json_body, record, Shared},
};

/// The app credentials the Spotify fake accepts.
pub const SPOTIFY_CLIENT_ID: &str = "fake-client-id";
/// The app secret the Spotify fake accepts.
pub const SPOTIFY_CLIENT_SECRET: &str = "fake-client-secret";
/// The ISRC of the one track the fakes' catalogs know.
pub const KNOWN_ISRC: &str = "GBARL9300135";
/// Where that track is on Spotify (from the recorded search).
pub const SPOTIFY_URL: &str = "https://open.spotify.com/track/4PTG3Z6ehGkBFwjybzWkR8";
/// Where the Deezer fake says it is.
pub const DEEZER_URL: &str = "https://www.deezer.com/track/900000001";
/// Where the Apple Music fake says it is.
pub const APPLE_URL: &str = "https://music.apple.com/us/album/never-gonna-give-you-up/900000002?i=900000003";

fn knows(text: &str) -> bool {
    let text = text.to_lowercase();
    text.contains(&KNOWN_ISRC.to_lowercase()) || (text.contains("astley") && text.contains("never gonna"))
}

/// `POST /spotify/accounts/api/token`: the recorded client-credentials token for our app; the
/// user grants go to the accounts fake.
pub(crate) async fn spotify_token(State(s): State<Arc<Shared>>, headers: HeaderMap, body: String) -> Response {
    record(&s, "/spotify/accounts/api/token".into());
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return crate::spotify_accounts_fake::user_grant(&s, &form).await;
    }
    let expected = format!("Basic {}", STANDARD.encode(format!("{SPOTIFY_CLIENT_ID}:{SPOTIFY_CLIENT_SECRET}")));
    let basic = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if basic != Some(expected.as_str()) {
        return json_body(
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_client", "error_description": "Invalid client"}).to_string(),
        );
    }
    json_body(StatusCode::OK, file("spotify__token-client-credentials.json"))
}

/// `GET /spotify/v1/search`: the recorded answer for the known track, an empty one otherwise;
/// a 401 without the recorded token, a 400 over Development Mode's limit of 10.
pub(crate) async fn spotify_search(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    record(&s, "/spotify/v1/search".into());
    let token: serde_json::Value = serde_json::from_str(&file("spotify__token-client-credentials.json")).unwrap();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(bearer.as_str()) {
        return json_body(
            StatusCode::UNAUTHORIZED,
            r#"{"error": {"status": 401, "message": "Invalid access token"}}"#.into(),
        );
    }
    if q.get("limit").and_then(|l| l.parse::<u32>().ok()).is_some_and(|l| l > 10)
        || q.get("type").map(String::as_str) != Some("track")
    {
        return json_body(StatusCode::BAD_REQUEST, r#"{"error": {"status": 400, "message": "Invalid limit"}}"#.into());
    }
    if q.get("q").is_some_and(|q| knows(q)) {
        return json_body(StatusCode::OK, file("spotify__search-track.json"));
    }
    json_body(
        StatusCode::OK,
        json!({"tracks": {"href": "", "items": [], "limit": 5, "next": null, "offset": 0, "previous": null, "total": 0}})
            .to_string(),
    )
}

fn deezer_track() -> serde_json::Value {
    json!({"id": 900000001, "readable": true, "title": "Never Gonna Give You Up", "link": DEEZER_URL,
           "duration": 213, "isrc": KNOWN_ISRC, "artist": {"id": 1, "name": "Rick Astley"},
           "album": {"id": 2, "title": "Whenever You Need Somebody"}, "type": "track"})
}

/// `GET /deezer/track/{id}`: only `isrc:` look-ups, error 800 when unknown (HTTP 200).
pub(crate) async fn deezer_track_lookup(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    record(&s, format!("/deezer/track/{id}"));
    if id.strip_prefix("isrc:").is_some_and(knows) {
        return json_body(StatusCode::OK, deezer_track().to_string());
    }
    json_body(StatusCode::OK, file("deezer__error-800-no-data.json"))
}

/// `GET /deezer/search/track`: the known track, or the recorded empty answer.
pub(crate) async fn deezer_search(State(s): State<Arc<Shared>>, Query(q): Query<HashMap<String, String>>) -> Response {
    record(&s, "/deezer/search/track".into());
    if q.get("q").is_some_and(|q| knows(q)) {
        return json_body(StatusCode::OK, json!({"data": [deezer_track()], "total": 1}).to_string());
    }
    json_body(StatusCode::OK, file("deezer__search-empty.json"))
}

fn apple_song() -> serde_json::Value {
    json!({"id": "900000003", "type": "songs", "href": "/v1/catalog/us/songs/900000003", "attributes": {
        "name": "Never Gonna Give You Up", "artistName": "Rick Astley", "albumName": "Whenever You Need Somebody",
        "durationInMillis": 213573, "isrc": KNOWN_ISRC, "url": APPLE_URL}})
}

fn apple_unauthorized() -> Response {
    json_body(StatusCode::UNAUTHORIZED, json!({"errors": [{"status": "401", "title": "Unauthorized"}]}).to_string())
}

/// `GET /applemusic/v1/catalog/{sf}/songs?filter[isrc]=`.
pub(crate) async fn apple_songs(
    State(s): State<Arc<Shared>>,
    Path(storefront): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    record(&s, format!("/applemusic/v1/catalog/{storefront}/songs"));
    if !apple_token_ok(&headers) {
        return apple_unauthorized();
    }
    let data = if q.get("filter[isrc]").is_some_and(|i| knows(i)) { vec![apple_song()] } else { vec![] };
    json_body(StatusCode::OK, json!({"data": data}).to_string())
}

/// `GET /applemusic/v1/catalog/{sf}/search?types=songs&term=`.
pub(crate) async fn apple_search(
    State(s): State<Arc<Shared>>,
    Path(storefront): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    record(&s, format!("/applemusic/v1/catalog/{storefront}/search"));
    if !apple_token_ok(&headers) {
        return apple_unauthorized();
    }
    if q.get("term").is_some_and(|t| knows(t)) {
        return json_body(
            StatusCode::OK,
            json!({"results": {"songs": {"data": [apple_song()], "href": ""}}}).to_string(),
        );
    }
    json_body(StatusCode::OK, json!({"results": {}, "meta": {"results": {"order": [], "rawOrder": []}}}).to_string())
}
