//! A Last.fm-shaped fake server for tests and benchmarks: a real local HTTP server speaking the
//! wire format, answering from the response bodies in tests/data/lastfm (see its SOURCES.md) and from
//! generated responses for any artist/title, with configurable latency, fault injection and
//! per-method call counters.
#![allow(dead_code)]

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use axum::{
    extract::{Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde_json::{json, Value};

/// The API key the fake accepts.
pub const FAKE_KEY: &str = "test-key";

/// What the fake does instead of answering normally.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// Answer normally.
    None,
    /// Every `n`th call (counted over all methods) fails with Last.fm error `code`.
    EveryNth { n: u64, code: u32 },
    /// Every call fails with Last.fm error `code`.
    Always { code: u32 },
    /// Every call gets an HTTP 500 with an empty body.
    Http500,
    /// Every call gets an HTML outage page (HTTP 503).
    Html,
    /// Calls never get an answer.
    Hang,
}

/// What the fake's `track.getInfo` answers for one (artist, title) asked: Last.fm's
/// autocorrected track, with its duration in milliseconds.
pub type Catalog = HashMap<(String, String), (String, String, Option<u64>)>;

#[derive(Default)]
struct Shared {
    catalog: Mutex<Catalog>,
    world: Mutex<Option<crate::lastfm_world::World>>,
    hang_next: AtomicU64,
    calls: Mutex<Vec<(String, Instant)>>,
    latency: Mutex<Duration>,
    fault: Mutex<Option<Fault>>,
    counter: AtomicU64,
}

/// A running fake.
#[derive(Clone)]
pub struct FakeLastfm {
    pub base_url: String,
    shared: Arc<Shared>,
}

impl FakeLastfm {
    /// Starts the fake on 127.0.0.1 (an ephemeral port).
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1:0").await.unwrap()
    }

    /// Starts the fake on `addr` (`tools/dev/fake-lastfm` uses a fixed port).
    pub async fn start_on(addr: &str) -> std::io::Result<Self> {
        let shared = Arc::new(Shared::default());
        let app = Router::new().route("/2.0/", get(handle)).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let base_url = format!("http://{}/2.0/", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Ok(Self { base_url, shared })
    }

    /// Adds latency to every answer.
    pub fn set_latency(&self, latency: Duration) {
        *self.shared.latency.lock().unwrap() = latency;
    }

    /// Answers `track.getInfo` for these (artist, title) pairs (matched ignoring case and
    /// surrounding spaces) with the given track, as Last.fm's autocorrection would.
    pub fn set_catalog(&self, catalog: Catalog) {
        let normalised =
            catalog.into_iter().map(|((a, t), v)| ((a.trim().to_lowercase(), t.trim().to_lowercase()), v)).collect();
        *self.shared.catalog.lock().unwrap() = normalised;
    }

    /// Answers artist and user methods from `world` instead of the recorded bodies.
    pub fn set_world(&self, world: crate::lastfm_world::World) {
        *self.shared.world.lock().unwrap() = Some(world);
    }

    /// The next `n` calls (any method) never get an answer.
    pub fn hang_next(&self, n: u64) {
        self.shared.hang_next.store(n, Ordering::SeqCst);
    }

    /// Injects a fault (or clears it with `Fault::None`).
    pub fn set_fault(&self, fault: Fault) {
        *self.shared.fault.lock().unwrap() = Some(fault);
    }

    /// Calls received for `method` (case-insensitive), failed ones included.
    pub fn calls(&self, method: &str) -> usize {
        let m = method.to_lowercase();
        self.shared.calls.lock().unwrap().iter().filter(|(name, _)| *name == m).count()
    }

    /// When each call (any method) arrived.
    pub fn call_times(&self) -> Vec<Instant> {
        self.shared.calls.lock().unwrap().iter().map(|(_, at)| *at).collect()
    }

    /// All calls, any method.
    pub fn total_calls(&self) -> usize {
        self.shared.calls.lock().unwrap().len()
    }
}

fn recorded_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/lastfm")
}

fn recorded(name: &str) -> Value {
    let text = std::fs::read_to_string(recorded_dir().join(format!("{name}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// An error body in Last.fm's current wire order, with its usual HTTP status.
fn lastfm_error(code: u32, message: &str) -> Response {
    let status = match code {
        10 | 17 | 26 => StatusCode::FORBIDDEN,
        29 => StatusCode::TOO_MANY_REQUESTS,
        8 => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::OK,
    };
    json_response(status, json!({"message": message, "error": code}))
}

async fn handle(State(shared): State<Arc<Shared>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let method = q.get("method").map(|m| m.to_lowercase()).unwrap_or_default();
    shared.calls.lock().unwrap().push((method.clone(), Instant::now()));
    let n = shared.counter.fetch_add(1, Ordering::SeqCst) + 1;
    let latency = *shared.latency.lock().unwrap();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if shared.hang_next.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    let fault = shared.fault.lock().unwrap().unwrap_or(Fault::None);
    match fault {
        Fault::EveryNth { n: every, code } if n % every == 0 => return lastfm_error(code, "injected failure"),
        Fault::Always { code } => return lastfm_error(code, "injected failure"),
        Fault::Http500 => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Fault::Html => {
            let page = "<html><head><title>503</title></head><body>Service Unavailable</body></html>";
            return (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "text/html")], page).into_response();
        }
        Fault::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        _ => {}
    }
    if q.get("api_key").map(String::as_str) != Some(FAKE_KEY) {
        return lastfm_error(10, "Invalid API key - You must be granted a valid key by last.fm");
    }
    if q.get("format").map(String::as_str) != Some("json") {
        return (StatusCode::OK, "<lfm status=\"failed\"></lfm>").into_response();
    }
    let param = |k: &str| q.get(k).cloned().unwrap_or_default();
    let world = shared.world.lock().unwrap().clone();
    if let Some(world) = world {
        let num = |k: &str, d: usize| q.get(k).and_then(|v| v.parse().ok()).unwrap_or(d);
        let time = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
        let not_found = || lastfm_error(6, "The artist you supplied could not be found");
        match method.as_str() {
            "artist.search" => return json_response(StatusCode::OK, world.search(&param("artist"))),
            "artist.gettoptracks" => {
                return world
                    .top_tracks(&param("artist"), num("limit", 50))
                    .map_or_else(not_found, |b| json_response(StatusCode::OK, b))
            }
            "artist.getsimilar" => {
                return world
                    .similar(&param("artist"), num("limit", 100))
                    .map_or_else(not_found, |b| json_response(StatusCode::OK, b))
            }
            "user.getrecenttracks" => {
                return match world.recent(
                    &param("user"),
                    time("from"),
                    time("to"),
                    num("page", 1).max(1),
                    num("limit", 50),
                ) {
                    Ok(body) => json_response(StatusCode::OK, body),
                    Err(17) => lastfm_error(17, "Login: User required to be logged in"),
                    Err(code) => lastfm_error(code, "User not found"),
                }
            }
            _ => {}
        }
    }
    match method.as_str() {
        "track.getinfo" => {
            let asked = (param("artist").trim().to_lowercase(), param("track").trim().to_lowercase());
            let known = shared.catalog.lock().unwrap().get(&asked).cloned();
            match known {
                Some((artist, title, ms)) => json_response(StatusCode::OK, track_body(&artist, &title, ms, false)),
                None => track_info(&param("artist"), &param("track")),
            }
        }
        "track.search" if param("track").eq_ignore_ascii_case("kvelertak") => {
            json_response(StatusCode::OK, recorded("track.search__kvelertak-streamable-FIXME"))
        }
        "track.search" => track_search(&param("track")),
        "artist.search" => json_response(StatusCode::OK, recorded("artist.search__glass-harbour-trimmed")),
        "artist.getinfo" => json_response(StatusCode::OK, recorded("artist.getInfo__glass-harbour-lang-pt")),
        "artist.gettoptracks" => json_response(StatusCode::OK, recorded("artist.getTopTracks__glass-harbour-limit2")),
        "artist.getsimilar" => json_response(StatusCode::OK, recorded("artist.getSimilar__glass-harbour-limit2")),
        "track.getsimilar" => json_response(StatusCode::OK, recorded("track.getSimilar__kvelertak-empty-result")),
        "tag.gettoptracks" if param("tag").eq_ignore_ascii_case("nonexistent") => {
            json_response(StatusCode::OK, recorded("tag.getTopTracks__nonexistent-tag-empty"))
        }
        "tag.gettoptracks" => json_response(StatusCode::OK, recorded("tag.getTopTracks__argentina")),
        "user.getrecenttracks" => {
            json_response(StatusCode::OK, recorded("user.getRecentTracks__quietlistener-limit50-2024"))
        }
        "user.getweeklytrackchart" => {
            json_response(StatusCode::OK, recorded("user.getWeeklyTrackChart__testuser-limit2"))
        }
        "user.getlovedtracks" => json_response(StatusCode::OK, recorded("user.getLovedTracks__testuser-limit1")),
        _ => lastfm_error(3, "Invalid Method - No method with that name in this package"),
    }
}

/// What `tools/dev/fake-lastfm` knows beyond its generated answers: Last.fm's studio take for the
/// README's live line, so the walkthrough shows one track matched and one waiting for review.
pub fn demo_catalog() -> Catalog {
    let mut catalog = Catalog::new();
    catalog.insert(
        ("queen".into(), "bohemian rhapsody (live aid 1985)".into()),
        ("Queen".into(), "Bohemian Rhapsody".into(), Some(354_000)),
    );
    catalog
}

/// Title Case, standing in for Last.fm's autocorrection to the canonical spelling.
pub fn canonical(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn fake_id(s: &str) -> String {
    let h = s.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3));
    let x = format!("{h:016x}{:016x}", h.rotate_left(17));
    format!("{}-{}-{}-{}-{}", &x[0..8], &x[8..12], &x[12..16], &x[16..20], &x[20..32])
}

fn images(hash: &str) -> Value {
    let sizes = [("34s", "small"), ("64s", "medium"), ("174s", "large"), ("300x300", "extralarge")];
    Value::Array(
        sizes
            .iter()
            .map(|(p, s)| json!({"#text": format!("https://lastfm.freetls.fastly.net/i/u/{p}/{hash}.png"), "size": s}))
            .collect(),
    )
}

fn track_info(artist: &str, track: &str) -> Response {
    let (a, t) = (artist.trim().to_lowercase(), track.trim().to_lowercase());
    if a == "marble coast" && t == "tidal lines" {
        return json_response(StatusCode::OK, recorded("track.getInfo__marble-coast-tidal-lines"));
    }
    if a == "fake artist" {
        return json_response(StatusCode::OK, recorded("track.getInfo__nonexistent-track-stub-200"));
    }
    if a.contains("unknown") || a.is_empty() || t.is_empty() {
        return lastfm_error(6, "Track not found");
    }
    let bare = a.contains("no album");
    json_response(StatusCode::OK, track_body(&canonical(artist), &canonical(track), Some(215_000), bare))
}

/// A `track.getInfo` body for `artist` / `track` (already spelled canonically).
fn track_body(artist: &str, track: &str, duration_ms: Option<u64>, bare: bool) -> Value {
    let (artist, track) = (artist.to_owned(), track.to_owned());
    let duration = duration_ms.map_or("0".to_owned(), |d| d.to_string());
    let url_artist = artist.replace(' ', "+");
    let tags: Vec<Value> = ["rock", "indie", "alternative", "pop", "electronic", "seen live"]
        .iter()
        .map(|t| json!({"name": t, "url": format!("https://www.last.fm/tag/{t}")}))
        .collect();
    let body = json!({"track": {
        "name": track, "mbid": fake_id(&format!("{artist}/{track}")),
        "url": format!("https://www.last.fm/music/{url_artist}/_/{}", track.replace(' ', "+")),
        "duration": duration, "streamable": {"#text": "0", "fulltrack": "0"},
        "listeners": "12345", "playcount": "67890",
        "artist": {"name": artist, "mbid": fake_id(&artist), "url": format!("https://www.last.fm/music/{url_artist}")},
        "album": {"artist": artist, "title": format!("{track} (Album)"), "mbid": fake_id(&track),
                  "url": format!("https://www.last.fm/music/{url_artist}/album"), "image": images(&fake_id(&track).replace('-', "")),
                  "@attr": {"position": "1"}},
        "toptags": {"tag": tags},
        "wiki": {"published": "01 Jan 2020, 00:00", "summary": "A track.", "content": "A track. CC BY-SA."}
    }});
    let mut body = body;
    if bare {
        let t = body["track"].as_object_mut().unwrap();
        t.remove("album");
        t.remove("wiki");
    }
    body
}

fn track_search(query: &str) -> Response {
    let hits: Vec<Value> = (1..=3)
        .map(|i| {
            let name = format!("{} {i}", canonical(query));
            json!({"name": name, "artist": "Various Artists", "url": "https://www.last.fm/music/x/_/y",
                   "streamable": "FIXME", "listeners": format!("{}", 1000 / i), "image": images("2a96cbd8b46e442fc41c2b86b821562f"),
                   "mbid": ""})
        })
        .collect();
    json_response(
        StatusCode::OK,
        json!({"results": {"opensearch:Query": {"#text": "", "role": "request", "startPage": "1"},
            "opensearch:totalResults": "3", "opensearch:startIndex": "0", "opensearch:itemsPerPage": "30",
            "trackmatches": {"track": hits}, "@attr": {}}}),
    )
}
