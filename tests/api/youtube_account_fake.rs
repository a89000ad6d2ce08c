//! Google's OAuth endpoints and the YouTube Data API of a linked channel, on the platform fakes:
//! the authorization-code grant with a real S256 PKCE check and the client secret, refresh
//! grants (Google keeps the refresh token), revocation, `channels?mine=true`, and the channel's
//! playlists: create (the first answer is the recorded body), list items, insert one video (the
//! first answer is the recorded body) and delete one item.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
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

/// The OAuth client the fake accepts.
pub const GOOGLE_CLIENT_ID: &str = "fake-google-client.apps.googleusercontent.com";
/// Its secret.
pub const GOOGLE_CLIENT_SECRET: &str = "fake-google-secret";

/// The linked channel's state.
#[derive(Default)]
pub struct Channel {
    /// Codes handed out, with their PKCE challenge.
    pub codes: HashMap<String, String>,
    /// Access tokens accepted now.
    pub access: HashSet<String>,
    /// Refresh tokens accepted now.
    pub refresh: HashSet<String>,
    /// Tokens revoked.
    pub revoked: Vec<String>,
    /// Grants made.
    pub grants: usize,
    /// Playlists: id → (playlist item id, video id).
    pub lists: HashMap<String, Vec<(String, String)>>,
    /// Writes made (create, insert, delete).
    pub writes: usize,
}

fn bad(error: &str, description: &str) -> Response {
    json_body(StatusCode::BAD_REQUEST, json!({"error": error, "error_description": description}).to_string())
}

fn grant(c: &mut Channel, with_refresh: bool) -> Response {
    c.grants += 1;
    let access = format!("ya29.fake-google-access-{:04}", c.grants);
    c.access.insert(access.clone());
    let mut body = json!({"access_token": access, "expires_in": 3599, "token_type": "Bearer",
                          "scope": "https://www.googleapis.com/auth/youtube"});
    if with_refresh {
        let refresh = format!("1//fake-google-refresh-{:04}", c.grants);
        c.refresh.insert(refresh.clone());
        body["refresh_token"] = json!(refresh);
    }
    json_body(StatusCode::OK, body.to_string())
}

/// `POST /google/token`.
pub(crate) async fn token(State(s): State<Arc<Shared>>, body: String) -> Response {
    record(&s, "/google/token".into());
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    if form.get("client_id").map(String::as_str) != Some(GOOGLE_CLIENT_ID)
        || form.get("client_secret").map(String::as_str) != Some(GOOGLE_CLIENT_SECRET)
    {
        return bad("invalid_client", "The OAuth client was not found.");
    }
    let mut c = s.channel.lock().unwrap();
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let Some(challenge) = c.codes.remove(form.get("code").map(String::as_str).unwrap_or_default()) else {
                return bad("invalid_grant", "Malformed auth code.");
            };
            let verifier = form.get("code_verifier").cloned().unwrap_or_default();
            if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != challenge {
                return bad("invalid_grant", "Invalid code verifier.");
            }
            grant(&mut c, true)
        }
        Some("refresh_token")
            if c.refresh.contains(form.get("refresh_token").map(String::as_str).unwrap_or_default()) =>
        {
            grant(&mut c, false)
        }
        Some("refresh_token") => bad("invalid_grant", "Token has been expired or revoked."),
        _ => bad("unsupported_grant_type", "Invalid grant_type"),
    }
}

/// `POST /google/revoke`.
pub(crate) async fn revoke(State(s): State<Arc<Shared>>, body: String) -> Response {
    record(&s, "/google/revoke".into());
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    let mut c = s.channel.lock().unwrap();
    let token = form.get("token").cloned().unwrap_or_default();
    c.refresh.remove(&token);
    c.revoked.push(token);
    json_body(StatusCode::OK, "{}".into())
}

/// The bearer token, if Google accepts it now.
pub(crate) fn bearer_ok(s: &Shared, headers: &HeaderMap) -> Option<bool> {
    let token = headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")?.to_owned();
    Some(s.channel.lock().unwrap().access.contains(&token))
}

fn unauthorized() -> Response {
    json_body(
        StatusCode::UNAUTHORIZED,
        json!({"error": {"code": 401, "message": "Request had invalid authentication credentials.",
               "errors": [{"message": "Invalid Credentials", "domain": "global", "reason": "authError"}]}})
        .to_string(),
    )
}

/// `GET /youtube/v3/channels?mine=true`.
pub(crate) async fn channels(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    record(&s, "/youtube/v3/channels".into());
    if bearer_ok(&s, &headers) != Some(true) {
        return unauthorized();
    }
    json_body(
        StatusCode::OK,
        json!({"kind": "youtube#channelListResponse", "items": [{"kind": "youtube#channel", "id": "UCfakeChannel000000000000",
               "snippet": {"title": "Fake Channel"}}]})
        .to_string(),
    )
}

/// `GET /youtube/v3/playlistItems` with a bearer token: the channel's own playlists, 50 a page.
pub(crate) fn own_items(s: &Shared, headers: &HeaderMap, q: &HashMap<String, String>) -> Option<Response> {
    let ok = bearer_ok(s, headers)?;
    if !ok {
        return Some(unauthorized());
    }
    let c = s.channel.lock().unwrap();
    let Some(list) = q.get("playlistId").and_then(|id| c.lists.get(id)) else {
        return Some(json_body(
            StatusCode::NOT_FOUND,
            json!({"error": {"code": 404, "message": "not found", "errors": [{"reason": "playlistNotFound"}]}})
                .to_string(),
        ));
    };
    let from: usize = q.get("pageToken").and_then(|t| t.strip_prefix("p")?.parse().ok()).unwrap_or(0);
    let end = (from + 50).min(list.len());
    let items: Vec<Value> = list[from..end]
        .iter()
        .map(|(id, video)| json!({"id": id, "snippet": {"title": video, "resourceId": {"kind": "youtube#video", "videoId": video}}}))
        .collect();
    let mut body = json!({"items": items, "pageInfo": {"totalResults": list.len(), "resultsPerPage": 50}});
    if end < list.len() {
        body["nextPageToken"] = json!(format!("p{end}"));
    }
    Some(json_body(StatusCode::OK, body.to_string()))
}

/// `POST /youtube/v3/playlists`.
pub(crate) async fn create(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    record(&s, "POST /youtube/v3/playlists".into());
    if bearer_ok(&s, &headers) != Some(true) {
        return unauthorized();
    }
    let mut c = s.channel.lock().unwrap();
    c.writes += 1;
    let first = !c.lists.contains_key("PLBaidt0ilCMZN8XPVB5iXY6FlSYGeyn2n");
    if first {
        c.lists.insert("PLBaidt0ilCMZN8XPVB5iXY6FlSYGeyn2n".into(), Vec::new());
        return json_body(StatusCode::OK, file("youtube__playlists-insert.json"));
    }
    let id = format!("PLfake{:028}", c.writes);
    c.lists.insert(id.clone(), Vec::new());
    json_body(StatusCode::OK, json!({"kind": "youtube#playlist", "id": id}).to_string())
}

/// `POST /youtube/v3/playlistItems` (one video) and `DELETE /youtube/v3/playlistItems?id=`.
pub(crate) async fn write_item(
    State(s): State<Arc<Shared>>,
    method: axum::http::Method,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: String,
) -> Response {
    record(&s, format!("{method} /youtube/v3/playlistItems"));
    if bearer_ok(&s, &headers) != Some(true) {
        return unauthorized();
    }
    let mut c = s.channel.lock().unwrap();
    c.writes += 1;
    if method == axum::http::Method::DELETE {
        let id = q.get("id").cloned().unwrap_or_default();
        for list in c.lists.values_mut() {
            list.retain(|(item, _)| *item != id);
        }
        return StatusCode::NO_CONTENT.into_response();
    }
    let v: Value = serde_json::from_str(&body).unwrap_or_default();
    let playlist = v.pointer("/snippet/playlistId").and_then(Value::as_str).unwrap_or_default().to_owned();
    let video = v.pointer("/snippet/resourceId/videoId").and_then(Value::as_str).unwrap_or_default().to_owned();
    let writes = c.writes;
    let Some(list) = c.lists.get_mut(&playlist) else {
        return json_body(
            StatusCode::NOT_FOUND,
            json!({"error": {"code": 404, "errors": [{"reason": "playlistNotFound"}]}}).to_string(),
        );
    };
    list.push((format!("item{writes:08}"), video));
    if writes == 2 {
        return json_body(StatusCode::OK, file("youtube__playlistItems-insert.json"));
    }
    json_body(StatusCode::OK, json!({"kind": "youtube#playlistItem", "id": format!("item{writes:08}")}).to_string())
}

/// `GET /youtube/v3/search?type=video&q=`: Rick Astley's video, or nothing.
pub(crate) async fn search(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    record(&s, "/youtube/v3/search".into());
    if bearer_ok(&s, &headers) != Some(true) {
        return unauthorized();
    }
    let asked = q.get("q").map(|q| q.to_lowercase()).unwrap_or_default();
    let items = if asked.contains("astley") {
        json!([{"kind": "youtube#searchResult", "id": {"kind": "youtube#video", "videoId": "dQw4w9WgXcQ"},
                "snippet": {"title": "Rick Astley - Never Gonna Give You Up (Official Music Video)", "channelTitle": "Rick Astley"}},
               {"kind": "youtube#searchResult", "id": {"kind": "youtube#video", "videoId": "coverCover1"},
                "snippet": {"title": "Never Gonna Give You Up (Piano Cover)", "channelTitle": "Keys Forever"}}])
    } else {
        json!([])
    };
    json_body(StatusCode::OK, json!({"kind": "youtube#searchListResponse", "items": items}).to_string())
}
