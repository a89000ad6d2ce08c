//! The Deezer part of the platform fakes: public playlists and their track pages, paged as Deezer
//! pages (`index`, `limit`, `total`, `next`), with its quota error and knobs for shorter pages and
//! tracks counted but never served.

use std::{
    collections::HashMap,
    sync::{atomic::Ordering, Arc},
};

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use serde_json::{json, Value};

use crate::platform_fakes::{file, json_body, record, take, Shared};

const DEEZER_QUOTA: &str = r#"{"error":{"type":"Exception","message":"Quota limit exceeded","code":4}}"#;

/// The tracks of a playlist the fake knows: the recorded ones, and generated ones in their shape
/// for the 102-track playlist past its first recorded 25.
fn deezer_all_tracks(id: &str) -> Option<Vec<Value>> {
    match id {
        "908622995" => {
            let doc: Value = serde_json::from_str(&file("deezer__playlist.json")).unwrap();
            Some(doc["tracks"]["data"].as_array().unwrap().clone())
        }
        "9200461" => {
            let page: Value = serde_json::from_str(&file("deezer__playlist-tracks-page1-next.json")).unwrap();
            let mut tracks = page["data"].as_array().unwrap().clone();
            let template = tracks[0].clone();
            for n in tracks.len()..102 {
                let mut t = template.clone();
                t["id"] = json!(900_000_000 + n);
                t["title"] = json!(format!("Generated Track {n}"));
                t["title_short"] = json!(format!("Generated Track {n}"));
                t["link"] = json!(format!("https://www.deezer.com/track/{}", 900_000_000 + n));
                t["artist"]["name"] = json!(format!("Generated Artist {}", n % 7));
                tracks.push(t);
            }
            Some(tracks)
        }
        _ => None,
    }
}

pub(crate) async fn deezer_playlist(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    record(&s, format!("/deezer/playlist/{id}"));
    if take(&s.deezer_quota_errors) {
        return json_body(StatusCode::OK, DEEZER_QUOTA.into());
    }
    match id.as_str() {
        "908622995" => json_body(StatusCode::OK, file("deezer__playlist.json")),
        "9200461" => json_body(
            StatusCode::OK,
            json!({"id": 9200461, "title": "A hundred and two", "description": "", "nb_tracks": 102, "public": true,
                   "link": "https://www.deezer.com/playlist/9200461", "type": "playlist",
                   "tracks": {"data": deezer_all_tracks(&id).unwrap()[..25].to_vec()}})
            .to_string(),
        ),
        _ => json_body(StatusCode::OK, file("deezer__error-800-no-data.json")),
    }
}

pub(crate) async fn deezer_tracks(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    record(&s, format!("/deezer/playlist/{id}/tracks"));
    if take(&s.deezer_quota_errors) {
        return json_body(StatusCode::OK, DEEZER_QUOTA.into());
    }
    let Some(all) = deezer_all_tracks(&id) else {
        return json_body(StatusCode::OK, file("deezer__error-800-no-data.json"));
    };
    let index: usize = q.get("index").and_then(|v| v.parse().ok()).unwrap_or(0);
    let cap = match s.deezer_page_cap.load(Ordering::SeqCst) {
        0 => 100,
        n => n as usize,
    };
    let limit: usize = q.get("limit").and_then(|v| v.parse().ok()).unwrap_or(25).min(cap);
    let end = (index + limit).min(all.len());
    let total = all.len() + s.deezer_uncounted.load(Ordering::SeqCst) as usize;
    let mut body = json!({"data": all[index.min(end)..end], "checksum": "c0ffee", "total": total});
    if end < all.len() {
        body["next"] = json!(format!("https://api.deezer.com/playlist/{id}/tracks?index={end}"));
    }
    json_body(StatusCode::OK, body.to_string())
}
