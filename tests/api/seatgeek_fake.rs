//! A SeatGeek-shaped fake (`GET /2/events`) answering from tests/data/seatgeek (our own bodies in
//! the documented shape, see its SOURCES.md): Portland's concerts over two pages, nothing
//! elsewhere, 403 for a wrong client id, and a switch to fail with 500.
#![allow(dead_code)]

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
};

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};

/// The client id the fake accepts.
pub const CLIENT_ID: &str = "seatgeek-test-client";

#[derive(Default)]
struct Shared {
    failing: AtomicBool,
    queries: Mutex<Vec<HashMap<String, String>>>,
}

/// A running fake.
#[derive(Clone)]
pub struct FakeSeatgeek {
    /// Its API root (the `base_url` to configure).
    pub base_url: String,
    shared: Arc<Shared>,
}

fn body(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/seatgeek").join(name);
    std::fs::read_to_string(path).unwrap()
}

fn json(status: StatusCode, name: &str) -> Response {
    (status, [("content-type", "application/json; charset=utf-8")], body(name)).into_response()
}

async fn events(State(shared): State<Arc<Shared>>, Query(q): Query<HashMap<String, String>>) -> Response {
    shared.queries.lock().unwrap().push(q.clone());
    if shared.failing.load(Ordering::SeqCst) {
        return (StatusCode::INTERNAL_SERVER_ERROR, "upstream failure").into_response();
    }
    if q.get("client_id").map(String::as_str) != Some(CLIENT_ID) {
        return json(StatusCode::FORBIDDEN, "error-403.json");
    }
    let portland = q.get("venue.city").is_some_and(|c| c.eq_ignore_ascii_case("portland"))
        || q.get("lat").and_then(|l| l.parse::<f64>().ok()).is_some_and(|l| (l - 45.52).abs() < 0.5)
            && q.get("range").is_some_and(|r| r.ends_with("km"));
    if !portland || q.get("taxonomies.name").map(String::as_str) != Some("concert") {
        return json(StatusCode::OK, "events-empty.json");
    }
    match q.get("page").map(String::as_str) {
        Some("2") => json(StatusCode::OK, "events-portland-page2.json"),
        _ => json(StatusCode::OK, "events-portland-page1.json"),
    }
}

impl FakeSeatgeek {
    /// Starts the fake on 127.0.0.1.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let app = Router::new().route("/2/events", get(events)).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/2", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { base_url, shared }
    }

    /// Makes every answer a 500 (or stops).
    pub fn set_failing(&self, failing: bool) {
        self.shared.failing.store(failing, Ordering::SeqCst);
    }

    /// The queries received.
    pub fn queries(&self) -> Vec<HashMap<String, String>> {
        self.shared.queries.lock().unwrap().clone()
    }
}
