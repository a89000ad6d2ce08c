//! Spotify playlists a linked user writes, on the platform fakes: create (`POST /me/playlists`,
//! the first answer is the recorded body), read (`GET /playlists/{id}` and `/items`, pages of 50),
//! append (`POST …/items`, at most 100, the first answer is the recorded snapshot body) and
//! replace (`PUT …/items`). Each change moves the snapshot id.

use std::{collections::HashMap, sync::Arc};

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde_json::{json, Value};

use crate::{
    platform_fakes::{file, json_body, record, Shared},
    spotify_accounts_fake::{accepted, FAKE_USER},
};

/// A playlist on the fake account.
#[derive(Default, Clone)]
pub struct FakeList {
    /// Its snapshot id now.
    pub snapshot: String,
    /// Its tracks.
    pub uris: Vec<String>,
}

/// Playlists on the fake account, and the item writes made.
#[derive(Default)]
pub struct Lists {
    /// By id.
    pub lists: HashMap<String, FakeList>,
    /// `POST`/`PUT …/items` calls.
    pub item_writes: usize,
    /// Playlists created.
    pub created: usize,
    /// Changes made (to hand out snapshot ids).
    pub changes: usize,
    /// Only the pre-2026 `/tracks` endpoints exist (`/items` is 404), as for older apps.
    pub legacy: bool,
}

fn not_found() -> Response {
    json_body(StatusCode::NOT_FOUND, file("spotify__error-404-not-found.json"))
}

impl Lists {
    /// A new snapshot id: the recorded one first.
    fn next_snapshot(&mut self) -> String {
        self.changes += 1;
        if self.changes == 1 {
            let v: Value = serde_json::from_str(&file("spotify__add-items-snapshot.json")).unwrap();
            return v["snapshot_id"].as_str().unwrap().to_owned();
        }
        format!("snapshot-{:06}", self.changes)
    }
}

fn unauthorized() -> Response {
    json_body(
        StatusCode::UNAUTHORIZED,
        r#"{"error":{"status":401,"message":"Missing/invalid/expired access token"}}"#.into(),
    )
}

/// `POST /spotify/v1/me/playlists`.
pub(crate) async fn create(State(s): State<Arc<Shared>>, headers: HeaderMap, body: String) -> Response {
    record(&s, "POST /spotify/v1/me/playlists".into());
    if !accepted(&s, &headers) {
        return unauthorized();
    }
    let asked: Value = serde_json::from_str(&body).unwrap_or_default();
    let mut lists = s.lists.lock().unwrap();
    lists.created += 1;
    let snapshot = lists.next_snapshot();
    if lists.created == 1 {
        let recorded = file("spotify__create-playlist-empty.json");
        let v: Value = serde_json::from_str(&recorded).unwrap();
        let id = v["id"].as_str().unwrap().to_owned();
        let snapshot = v["snapshot_id"].as_str().map(str::to_owned).unwrap_or(snapshot);
        lists.lists.insert(id, FakeList { snapshot, uris: Vec::new() });
        return json_body(StatusCode::CREATED, recorded);
    }
    let id = format!("NewList{:015}", lists.created);
    lists.lists.insert(id.clone(), FakeList { snapshot: snapshot.clone(), uris: Vec::new() });
    let body = json!({"id": id, "name": asked["name"], "snapshot_id": snapshot, "owner": {"id": FAKE_USER},
                      "external_urls": {"spotify": format!("https://open.spotify.com/playlist/{id}")}});
    json_body(StatusCode::CREATED, body.to_string())
}

fn entry(uri: &str) -> Value {
    json!({"is_local": false, "item": {"type": "track", "uri": uri, "name": uri, "artists": [{"name": "x"}]}})
}

/// `GET /spotify/v1/playlists/{id}` for a playlist of the fake account: its first 100 entries
/// embedded (as Spotify's playlist object holds up to 100), though `/items` serves 50 a page.
pub(crate) fn read_meta(s: &Shared, id: &str) -> Option<Response> {
    let lists = s.lists.lock().unwrap();
    let list = lists.lists.get(id)?;
    let end = list.uris.len().min(100);
    let next =
        (end < list.uris.len()).then(|| format!("{}/spotify/v1/playlists/{id}/items?offset={end}&limit=100", s.base()));
    let items: Vec<Value> = list.uris[..end].iter().map(|u| entry(u)).collect();
    let body = json!({"id": id, "name": id, "snapshot_id": list.snapshot,
                      "items": {"items": items, "next": next, "total": list.uris.len(), "limit": 100, "offset": 0},
                      "external_urls": {"spotify": format!("https://open.spotify.com/playlist/{id}")}});
    Some(json_body(StatusCode::OK, body.to_string()))
}

/// `GET /spotify/v1/playlists/{id}/items` for a playlist of the fake account, 50 a page.
pub(crate) fn read_items(s: &Shared, id: &str, kind: &str, q: &HashMap<String, String>) -> Option<Response> {
    let lists = s.lists.lock().unwrap();
    let list = lists.lists.get(id)?;
    if lists.legacy && kind == "items" {
        return Some(not_found());
    }
    let offset: usize = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    let end = (offset + 50).min(list.uris.len());
    let items: Vec<Value> = list.uris[offset.min(end)..end].iter().map(|u| entry(u)).collect();
    let next =
        (end < list.uris.len()).then(|| format!("{}/spotify/v1/playlists/{id}/items?offset={end}&limit=50", s.base()));
    Some(json_body(StatusCode::OK, json!({"items": items, "next": next, "total": list.uris.len()}).to_string()))
}

fn write(s: &Shared, id: &str, kind: &str, headers: &HeaderMap, body: &str, replace: bool) -> Response {
    if !accepted(s, headers) {
        return unauthorized();
    }
    if s.lists.lock().unwrap().legacy && kind == "items" {
        return not_found();
    }
    let uris: Vec<String> = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["uris"].as_array().map(|a| a.iter().filter_map(|u| u.as_str().map(str::to_owned)).collect()))
        .unwrap_or_default();
    if uris.len() > 100 {
        return json_body(
            StatusCode::BAD_REQUEST,
            r#"{"error":{"status":400,"message":"Too many ids requested"}}"#.into(),
        );
    }
    let mut lists = s.lists.lock().unwrap();
    if !lists.lists.contains_key(id) {
        return json_body(StatusCode::FORBIDDEN, r#"{"error": {"status": 403, "message": "Forbidden" } }"#.into());
    }
    lists.item_writes += 1;
    let snapshot = lists.next_snapshot();
    let list = lists.lists.get_mut(id).unwrap();
    if replace {
        list.uris = uris;
    } else {
        list.uris.extend(uris);
    }
    list.snapshot = snapshot.clone();
    let status = if replace { StatusCode::OK } else { StatusCode::CREATED };
    json_body(status, json!({"snapshot_id": snapshot}).to_string())
}

/// `POST /spotify/v1/playlists/{id}/items`.
pub(crate) async fn append(
    State(s): State<Arc<Shared>>,
    Path((id, kind)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Response {
    record(&s, format!("POST /spotify/v1/playlists/{id}/{kind}"));
    write(&s, &id, &kind, &headers, &body, false)
}

/// `PUT /spotify/v1/playlists/{id}/items`.
pub(crate) async fn replace(
    State(s): State<Arc<Shared>>,
    Path((id, kind)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Response {
    record(&s, format!("PUT /spotify/v1/playlists/{id}/{kind}"));
    write(&s, &id, &kind, &headers, &body, true)
}
