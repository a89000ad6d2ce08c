//! `Idempotency-Key`: a retried request with the same key from the same user gets the first
//! answer again and writes nothing. The first request claims the key (a keyed record that lives
//! 24 hours); a retry while it runs gets 409, a retry with a different request under the same key
//! 422, and a failed first attempt frees the key for the next try.

use std::{future::Future, time::Duration};

use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderName, StatusCode},
    response::Response,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{deps::Basics, error::ApiError, storage::records::RecordKey};

/// The record kind of idempotency keys.
const KIND: &str = "idempotency";
/// How long a key is remembered.
const KEEP_FOR: Duration = Duration::from_secs(24 * 3600);
/// Largest response kept for replays.
const MAX_KEPT_BYTES: usize = 4 * 1024 * 1024;
/// Response headers a replay repeats.
const KEPT_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

/// The header.
pub const HEADER: &str = "idempotency-key";

#[derive(Serialize, Deserialize)]
struct Stored {
    fingerprint: String,
    /// `None` while the first request runs.
    status: Option<u16>,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    body: String,
}

/// The key a request carries, if any: 1-255 visible ASCII characters (400 otherwise).
pub fn key_of(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(HEADER) else { return Ok(None) };
    match value.to_str() {
        Ok(k) if (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => Ok(Some(k.to_owned())),
        _ => Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key must be 1-255 visible ASCII characters",
        )),
    }
}

/// A fingerprint of what a request asks for (method, route and body).
pub fn fingerprint(route: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(route.as_bytes());
    h.update([0]);
    h.update(body);
    hex::encode(h.finalize())
}

fn replay(stored: Stored) -> Result<Response, ApiError> {
    let status =
        stored.status.and_then(|s| StatusCode::from_u16(s).ok()).ok_or_else(|| ApiError::internal("bad record"))?;
    let mut response = Response::builder().status(status);
    for (name, value) in &stored.headers {
        response = response.header(name, value);
    }
    response.header("idempotent-replayed", "true").body(Body::from(stored.body)).map_err(ApiError::internal)
}

/// Runs `handler` once per `(user, key)`: without a key it just runs; with one, a repeat
/// returns the stored answer of the first run.
pub async fn once<F, Fut>(
    state: &dyn Basics,
    user_id: &str,
    key: Option<String>,
    fingerprint: String,
    handler: F,
) -> Result<Response, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Response, ApiError>>,
{
    let Some(key) = key else { return handler().await };
    let record_key = format!("{user_id}\u{1e}{key}");
    let at = RecordKey { kind: KIND, owner: user_id, key: &record_key };
    let claim = Stored { fingerprint: fingerprint.clone(), status: None, headers: vec![], body: String::new() };
    let claim = serde_json::to_string(&claim).map_err(ApiError::internal)?;
    let expires = crate::ids::now() + chrono::Duration::from_std(KEEP_FOR).unwrap_or_default();
    if let Some(existing) = state.store().claim_record(at, &claim, expires).await? {
        let stored: Stored = serde_json::from_str(&existing).map_err(ApiError::internal)?;
        if stored.fingerprint != fingerprint {
            return Err(ApiError::invalid(
                "idempotency_key_reused",
                "this Idempotency-Key was used for a different request; use a new key for a new request",
            ));
        }
        if stored.status.is_none() {
            let mut e =
                ApiError::conflict("idempotency_in_progress", "a request with this Idempotency-Key is still running");
            e.retry_after = Some(1);
            return Err(e);
        }
        return replay(stored);
    }
    let result = handler().await;
    let response = match result {
        Ok(r) if r.status().is_success() => r,
        other => {
            // Nothing was done (or it failed): the key is free for the next attempt.
            state.store().delete_record(KIND, &record_key).await?;
            return other;
        }
    };
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_KEPT_BYTES).await.map_err(ApiError::internal)?;
    let headers = KEPT_HEADERS
        .iter()
        .filter_map(|h| Some((h.as_str().to_owned(), parts.headers.get(h)?.to_str().ok()?.to_owned())))
        .collect();
    let stored = Stored {
        fingerprint,
        status: Some(parts.status.as_u16()),
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let value = serde_json::to_string(&stored).map_err(ApiError::internal)?;
    state.store().put_record(at, &value, Some(expires)).await?;
    Ok(Response::from_parts(parts, Body::from(bytes)))
}
