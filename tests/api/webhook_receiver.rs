//! A webhook receiver for tests: a local HTTP server recording every request (headers and body),
//! answering 500 to the first `fail_first` requests, 200 after.
#![allow(dead_code)]

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Mutex,
};

use axum::{body::Bytes, extract::State, http::HeaderMap, http::StatusCode, routing::post, Router};

/// One request received.
#[derive(Clone, Debug)]
pub struct Received {
    pub id: String,
    pub timestamp: i64,
    pub signature: String,
    pub body: Vec<u8>,
    pub answered: u16,
    pub arrived: chrono::DateTime<chrono::Utc>,
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    fail_first: AtomicUsize,
    hang_first: AtomicUsize,
}

/// A running receiver.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    shared: Arc<Shared>,
}

async fn hook(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let text = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let hanging = s.hang_first.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
    let failing = s.fail_first.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
    if hanging {
        // Seen, never answered in time: the sender dies or times out meanwhile.
        s.received.lock().unwrap().push(Received {
            id: text("webhook-id"),
            timestamp: text("webhook-timestamp").parse().unwrap_or_default(),
            signature: text("webhook-signature"),
            body: body.to_vec(),
            answered: 0,
            arrived: chrono::Utc::now(),
        });
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
    let status = if failing { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK };
    s.received.lock().unwrap().push(Received {
        id: text("webhook-id"),
        timestamp: text("webhook-timestamp").parse().unwrap_or_default(),
        signature: text("webhook-signature"),
        body: body.to_vec(),
        answered: status.as_u16(),
        arrived: chrono::Utc::now(),
    });
    status
}

impl Receiver {
    /// Starts it on 127.0.0.1.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let app = Router::new().route("/hook", post(hook)).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, shared }
    }

    /// The next `n` requests get a 500.
    pub fn fail_next(&self, n: usize) {
        self.shared.fail_first.store(n, Ordering::SeqCst);
    }

    /// The next `n` requests are never answered.
    pub fn hang_next(&self, n: usize) {
        self.shared.hang_first.store(n, Ordering::SeqCst);
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// The requests it acknowledged (answered 2xx).
    pub fn acknowledged(&self) -> Vec<Received> {
        self.received().into_iter().filter(|r| (200..300).contains(&r.answered)).collect()
    }
}
