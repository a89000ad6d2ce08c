//! Spotify's accounts service and the `/me` endpoints of a linked user, on the platform fakes:
//! the authorization-code grant with a real S256 PKCE check, refresh grants that rotate the
//! refresh token (the first answers the recorded body), `invalid_grant` once revoked, 401 for
//! expired access tokens, and the plain-text 403s Spotify sends for app-level refusals.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    time::Duration,
};

use axum::{
    extract::{Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::platform_fakes::{file, json_body, record, Shared};

/// The Spotify user id of the linked fake account.
pub const FAKE_USER: &str = "fakeuser";

/// What the fake accounts service knows.
#[derive(Default)]
pub struct Accounts {
    /// Authorization codes handed out, with the PKCE challenge each was asked with.
    pub codes: HashMap<String, String>,
    /// Access tokens Spotify accepts now.
    pub access: HashSet<String>,
    /// Refresh tokens Spotify accepts now.
    pub refresh: HashSet<String>,
    /// Refresh grants asked for.
    pub refresh_calls: usize,
    /// Grants asked for in all (codes and refreshes).
    pub grants: usize,
    /// `expires_in` of the next grant.
    pub expires_in: u64,
    /// Every refresh token is revoked.
    pub revoked: bool,
    /// The next this many refresh grants fail with a 503 (Spotify's accounts service down).
    pub refresh_outages: usize,
    /// A plain-text 403 for every `/me` call.
    pub forbid_text: Option<&'static str>,
}

fn tokens(n: usize) -> (String, String) {
    (format!("fake-access-{n:04}-Qm9vbGVhbkFjY2Vzcw"), format!("fake-refresh-{n:04}-UmVmcmVzaFRva2Vu"))
}

/// The Bearer token of a request, if Spotify accepts it now.
pub(crate) fn accepted(s: &Shared, headers: &HeaderMap) -> bool {
    let token = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()?.strip_prefix("Bearer "));
    token.is_some_and(|t| s.accounts.lock().unwrap().access.contains(t))
}

fn invalid_grant(description: &str) -> Response {
    json_body(StatusCode::BAD_REQUEST, json!({"error": "invalid_grant", "error_description": description}).to_string())
}

fn grant(s: &Shared) -> Response {
    let mut a = s.accounts.lock().unwrap();
    a.grants += 1;
    let (access, refresh) = tokens(a.grants);
    a.access.insert(access.clone());
    a.refresh.insert(refresh.clone());
    let expires_in = if a.expires_in == 0 { 3600 } else { a.expires_in };
    let scope = "playlist-read-private playlist-read-collaborative playlist-modify-public playlist-modify-private";
    json_body(
        StatusCode::OK,
        json!({"access_token": access, "token_type": "Bearer", "expires_in": expires_in, "refresh_token": refresh, "scope": scope})
            .to_string(),
    )
}

/// The authorization-code and refresh grants (client credentials go to the search fake).
pub(crate) async fn user_grant(s: &Arc<Shared>, form: &HashMap<String, String>) -> Response {
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let code = form.get("code").cloned().unwrap_or_default();
            let challenge = s.accounts.lock().unwrap().codes.remove(&code);
            let Some(challenge) = challenge else { return invalid_grant("Invalid authorization code") };
            let verifier = form.get("code_verifier").cloned().unwrap_or_default();
            if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != challenge {
                return invalid_grant("code_verifier was incorrect");
            }
            if form.get("redirect_uri").is_none_or(|r| r.is_empty()) {
                return invalid_grant("Invalid redirect URI");
            }
            grant(s)
        }
        Some("refresh_token") => {
            tokio::time::sleep(Duration::from_millis(100)).await; // a real round trip, so callers overlap
            let first = {
                let mut a = s.accounts.lock().unwrap();
                a.refresh_calls += 1;
                if a.refresh_outages > 0 {
                    a.refresh_outages -= 1;
                    return (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "upstream connect error or disconnect/reset before headers",
                    )
                        .into_response();
                }
                let given = form.get("refresh_token").cloned().unwrap_or_default();
                if a.revoked || !a.refresh.remove(&given) {
                    return invalid_grant("Refresh token revoked");
                }
                a.refresh_calls == 1
            };
            if first {
                // The recorded refresh answer: its tokens become the valid ones.
                let body = file("spotify__token-refresh-pkce.json");
                let v: Value = serde_json::from_str(&body).unwrap();
                let mut a = s.accounts.lock().unwrap();
                a.access.insert(v["access_token"].as_str().unwrap().to_owned());
                a.refresh.insert(v["refresh_token"].as_str().unwrap().to_owned());
                return json_body(StatusCode::OK, body);
            }
            grant(s)
        }
        _ => json_body(StatusCode::BAD_REQUEST, file("spotify__token-error-invalid-client.json")),
    }
}

fn unauthorized() -> Response {
    json_body(
        StatusCode::UNAUTHORIZED,
        r#"{"error":{"status":401,"message":"Missing/invalid/expired access token"}}"#.into(),
    )
}

/// A refusal for `/me…` calls, if one applies.
fn gate(s: &Shared, headers: &HeaderMap, path: &str) -> Option<Response> {
    record(s, path.to_owned());
    if let Some(text) = s.accounts.lock().unwrap().forbid_text {
        return Some((StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/plain")], text).into_response());
    }
    (!accepted(s, headers)).then(unauthorized)
}

/// `GET /spotify/v1/me`.
pub(crate) async fn me(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Some(r) = gate(&s, &headers, "/spotify/v1/me") {
        return r;
    }
    json_body(
        StatusCode::OK,
        json!({"id": FAKE_USER, "account_id": "acct-7f3a", "display_name": "Fake Listener", "type": "user"})
            .to_string(),
    )
}

/// `GET /spotify/v1/me/playlists`: two pages, owned, collaborative and followed.
pub(crate) async fn my_playlists(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = gate(&s, &headers, "/spotify/v1/me/playlists") {
        return r;
    }
    let playlist = |id: &str, name: &str, owner: &str, collaborative: bool| {
        json!({"id": id, "name": name, "collaborative": collaborative, "owner": {"id": owner, "display_name": owner},
               "items": {"total": 3}, "external_urls": {"spotify": format!("https://open.spotify.com/playlist/{id}")}})
    };
    let body = if q.get("offset").map(String::as_str) == Some("2") {
        json!({"items": [playlist("3cEYpjA9oz9GiPac4AsH4n", "Followed", "someone", false)], "next": null, "total": 3})
    } else {
        json!({"items": [playlist("6rqhFgbbKwnb9MLmUQDhG6", "Mine", FAKE_USER, false),
                         playlist("7nP5ZNhUmJmwVtq7ypfBXr", "Together", "friend", true)],
               "next": format!("{}/spotify/v1/me/playlists?offset=2&limit=2", s.base()), "total": 3})
    };
    json_body(StatusCode::OK, body.to_string())
}

/// `GET /spotify/v1/me/tracks`: 60 liked songs over two pages of 50.
pub(crate) async fn liked(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = gate(&s, &headers, "/spotify/v1/me/tracks") {
        return r;
    }
    let offset: usize = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    let end = (offset + 50).min(60);
    let items: Vec<Value> = (offset..end)
        .map(|n| json!({"added_at": "2026-01-01T00:00:00Z", "track": {"type": "track", "name": format!("Liked {n}"),
            "artists": [{"name": "Liked Band"}], "album": {"name": "Hearts"}, "duration_ms": 180_000 + n,
            "external_ids": {"isrc": format!("USLIK{n:07}")}, "external_urls": {"spotify": format!("https://open.spotify.com/track/liked{n:017}")}}}))
        .collect();
    let next = (end < 60).then(|| format!("{}/spotify/v1/me/tracks?offset={end}&limit=50", s.base()));
    json_body(
        StatusCode::OK,
        json!({"items": items, "next": next, "offset": offset, "total": 60, "limit": 50}).to_string(),
    )
}

/// `GET /spotify/v1/me/player/recently-played`: the recorded body (20 plays of May 2017), only
/// the plays after `after` (ms) when given.
pub(crate) async fn recently_played(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(r) = gate(&s, &headers, "/spotify/v1/me/player/recently-played") {
        return r;
    }
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/platforms/spotify__recently-played.json");
    let recorded = std::fs::read_to_string(path).unwrap();
    let Some(after) = q.get("after").and_then(|a| a.parse::<i64>().ok()) else {
        return json_body(StatusCode::OK, recorded);
    };
    let mut body: Value = serde_json::from_str(&recorded).unwrap();
    let items = body["items"].as_array_mut().unwrap();
    items.retain(|i| {
        let at: chrono::DateTime<chrono::Utc> = i["played_at"].as_str().unwrap().parse().unwrap();
        at.timestamp_millis() > after
    });
    json_body(StatusCode::OK, body.to_string())
}
