//! Spotify read-path benchmark: the connector the importer uses reads a 2,000-track playlist (the
//! first page and 19 more of 100, by offset) from a Spotify-shaped server that adds 250 ms to every
//! answer and answers 429 with `Retry-After` past 12 requests in any second (Spotify's real limit
//! is an unpublished rolling window; ours is 10 per second per deployment). Prints the requests,
//! the limit errors provoked, the most requests in flight at once and the wall time against
//! reading page after page. One run, one machine.
//!
//! Run: `cargo bench --bench spotify_paging` (tools/bench/platforms.sh runs it too)

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    extract::{Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde_json::json;
use sharify::platforms::spotify::Spotify;

const TRACKS: usize = 2_000;
const PAGE: usize = 100;
const LATENCY: Duration = Duration::from_millis(250);
const LIMIT_PER_SECOND: usize = 12;

#[derive(Default)]
struct Stats {
    requests: usize,
    limited: usize,
    in_flight: usize,
    max_in_flight: usize,
    window: VecDeque<Instant>,
}

type Shared = Arc<(Mutex<Stats>, String)>;

fn item(n: usize) -> serde_json::Value {
    json!({"added_at": "2026-01-01T00:00:00Z", "is_local": false, "item": {
        "type": "track", "name": format!("Song {n}"), "artists": [{"name": format!("Artist {}", n % 41)}],
        "album": {"name": "Album"}, "duration_ms": 200_000 + n, "external_ids": {"isrc": format!("USBEN{n:07}")},
        "external_urls": {"spotify": format!("https://open.spotify.com/track/bench{n:018}")}}})
}

fn page(base: &str, offset: usize) -> serde_json::Value {
    let end = (offset + PAGE).min(TRACKS);
    let next = (end < TRACKS).then(|| format!("{base}/v1/playlists/bench/items?offset={end}&limit={PAGE}"));
    json!({"items": (offset..end).map(item).collect::<Vec<_>>(), "next": next, "offset": offset, "total": TRACKS, "limit": PAGE})
}

/// Counts the request, enforces the window, waits the latency; `Some` is a 429 to send.
async fn gate(s: &Shared) -> Option<Response> {
    {
        let mut st = s.0.lock().unwrap();
        st.requests += 1;
        let now = Instant::now();
        while st.window.front().is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1)) {
            st.window.pop_front();
        }
        if st.window.len() >= LIMIT_PER_SECOND {
            st.limited += 1;
            let body = r#"{"error": {"status": 429, "message": "API rate limit exceeded"}}"#;
            return Some((StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "1")], body).into_response());
        }
        st.window.push_back(now);
        st.in_flight += 1;
        st.max_in_flight = st.max_in_flight.max(st.in_flight);
    }
    tokio::time::sleep(LATENCY).await;
    s.0.lock().unwrap().in_flight -= 1;
    None
}

async fn playlist(State(s): State<Shared>) -> Response {
    if let Some(r) = gate(&s).await {
        return r;
    }
    let body = json!({"name": "Bench", "description": "", "items": page(&s.1, 0)});
    ([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn items(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>, Path(_): Path<String>) -> Response {
    if let Some(r) = gate(&s).await {
        return r;
    }
    let offset = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    ([(header::CONTENT_TYPE, "application/json")], page(&s.1, offset).to_string()).into_response()
}

#[tokio::main]
async fn main() {
    sharify::tls::install_crypto_provider();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let shared: Shared = Arc::new((Mutex::new(Stats::default()), base.clone()));
    let app = Router::new()
        .route("/v1/playlists/bench", get(playlist))
        .route("/v1/playlists/bench/{kind}", get(items))
        .with_state(shared.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let spotify = Spotify::new(&format!("{base}/v1")).unwrap();
    let started = Instant::now();
    let read = spotify.playlist_with_token("bench-user-token", "bench").await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(read.tracks.len(), TRACKS, "every track read");
    let st = shared.0.lock().unwrap();
    let pages = TRACKS.div_ceil(PAGE);
    let one_by_one = LATENCY * pages as u32;
    println!(
        "Spotify: a {TRACKS}-track playlist, {pages} pages of {PAGE} by offset, {} ms per answer, limit {LIMIT_PER_SECOND}/s:",
        LATENCY.as_millis()
    );
    println!("  {} requests in {:.2} s; limit errors provoked: {}", st.requests, elapsed.as_secs_f64(), st.limited);
    println!(
        "  most requests in flight at once: {} (page after page would take at least {:.2} s of latency alone)",
        st.max_in_flight,
        one_by_one.as_secs_f64()
    );
}
