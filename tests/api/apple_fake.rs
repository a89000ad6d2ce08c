//! The Apple Music part of the platform fakes: catalog playlists, relative `next` pages, and a
//! check of every developer token (ES256, our key id and team) against the test key.

use std::{collections::HashMap, path::PathBuf, sync::Arc};

use axum::{
    extract::{Path, Query, State},
    http::{header, StatusCode},
    response::Response,
};
use serde_json::{json, Value};

use crate::platform_fakes::{file, json_body, record, Shared};

/// The developer team the fake expects in tokens.
pub const APPLE_TEAM: &str = "TEAM123456";
/// The key id the fake expects in tokens.
pub const APPLE_KEY_ID: &str = "KEY1234567";

/// The test MusicKit key (a throwaway P-256 key made for these tests).
pub fn apple_private_key() -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/applemusic/test-key.p8"))
        .unwrap()
}

/// Checks the developer token: ES256, our key id, our team, not expired.
pub(crate) fn apple_token_ok(headers: &axum::http::HeaderMap) -> bool {
    let Some(token) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()?.strip_prefix("Bearer ")) else {
        return false;
    };
    let public =
        std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/applemusic/test-key.pub.pem"))
            .unwrap();
    let key = jsonwebtoken::DecodingKey::from_ec_pem(&public).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.set_issuer(&[APPLE_TEAM]);
    validation.set_required_spec_claims(&["exp", "iss"]);
    let header_ok = jsonwebtoken::decode_header(token).is_ok_and(|h| h.kid.as_deref() == Some(APPLE_KEY_ID));
    header_ok && jsonwebtoken::decode::<Value>(token, &key, &validation).is_ok()
}

fn apple_song(n: usize) -> Value {
    json!({"id": format!("{}", 1_500_000_000 + n), "type": "songs", "href": format!("/v1/catalog/fr/songs/{n}"),
           "attributes": {"artistName": format!("Artiste {}", n % 9), "name": format!("Chanson {n}"), "albumName": "Album",
                          "durationInMillis": 180_000 + n, "isrc": format!("FRZ03{n:07}"),
                          "url": format!("https://music.apple.com/fr/album/x/1?i={n}")}})
}

/// One page (100 items, offset `from`) of the 230-item shared playlist; item 150 is a music video.
fn apple_page(from: usize) -> Value {
    let data: Vec<Value> = (from..(from + 100).min(230))
        .map(|n| {
            if n == 150 {
                json!({"id": "mv1", "type": "music-videos", "attributes": {"name": "A video"}})
            } else {
                apple_song(n)
            }
        })
        .collect();
    let mut page = json!({"data": data});
    if from + 100 < 230 {
        page["next"] = json!(format!("/v1/catalog/fr/playlists/pl.u-threepages/tracks?offset={}", from + 100));
    }
    page
}

pub(crate) async fn apple_playlist(
    State(s): State<Arc<Shared>>,
    Path((storefront, id)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
) -> Response {
    record(&s, format!("/applemusic/v1/catalog/{storefront}/playlists/{id}"));
    if !apple_token_ok(&headers) {
        return json_body(
            StatusCode::UNAUTHORIZED,
            json!({"errors": [{"status": "401", "title": "Unauthorized"}]}).to_string(),
        );
    }
    match id.as_str() {
        "pl.acc464c750b94302b8806e5fcbe56e17" => json_body(StatusCode::OK, file("applemusic__catalog-playlist.json")),
        "pl.u-threepages" => {
            let first = apple_page(0);
            json_body(
                StatusCode::OK,
                json!({"data": [{"id": id, "type": "playlists", "attributes": {"name": "Trois pages", "description": {"standard": "Long"}},
                                 "relationships": {"tracks": first}}]})
                .to_string(),
            )
        }
        _ => json_body(
            StatusCode::NOT_FOUND,
            json!({"errors": [{"status": "404", "title": "Resource Not Found"}]}).to_string(),
        ),
    }
}

pub(crate) async fn apple_tracks(
    State(s): State<Arc<Shared>>,
    Path((storefront, id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: axum::http::HeaderMap,
) -> Response {
    record(&s, format!("/applemusic/v1/catalog/{storefront}/playlists/{id}/tracks"));
    if !apple_token_ok(&headers) {
        return json_body(
            StatusCode::UNAUTHORIZED,
            json!({"errors": [{"status": "401", "title": "Unauthorized"}]}).to_string(),
        );
    }
    let from: usize = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    json_body(StatusCode::OK, apple_page(from).to_string())
}
