//! `ApiError`: the one error type at the HTTP edge, rendered as one JSON body everywhere.

use std::borrow::Cow;

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{lastfm::LastfmError, store_error::StoreError};

/// An error answered to a client: status, stable machine code and human message.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code, e.g. `playlist_not_found`.
    pub code: Cow<'static, str>,
    /// Human-readable explanation (never internal details).
    pub message: String,
    /// Seconds for `Retry-After` (429 and 503).
    pub retry_after: Option<u64>,
    /// The oldest version a change feed still has (410 `changes_expired`).
    pub oldest_version: Option<u64>,
}

/// The JSON error envelope: `{"error": {...}}`.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

/// The body of every error response.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// The request id (also in the `x-request-id` header).
    pub request_id: Option<String>,
    /// On 410 `changes_expired`: the oldest version the change feed still has; reload the
    /// playlist, then follow its changes from its version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_version: Option<u64>,
}

impl ApiError {
    /// An error with any status.
    pub fn new(status: StatusCode, code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self { status, code: code.into(), message: message.into(), retry_after: None, oldest_version: None }
    }
    /// 400: the request is malformed.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    /// 422: well-formed but invalid values.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }
    /// 404 with a specific code.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }
    /// 404 for a playlist that does not exist or that the caller may not see.
    pub fn playlist_not_found() -> Self {
        Self::not_found("playlist_not_found", "no such playlist")
    }
    /// 409: conflicts with current state.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }
    /// 403: may see the resource but not do this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    /// 412: `If-Match` does not match the current version.
    pub fn version_mismatch(current: u64) -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
            format!("the playlist changed (current version {current}); reload and retry"),
        )
    }
    /// 401: missing or invalid credentials.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
    /// 429 with `Retry-After`.
    pub fn too_many_requests(retry_after_secs: u64, message: impl Into<String>) -> Self {
        Self {
            retry_after: Some(retry_after_secs.max(1)),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message)
        }
    }
    /// 503: a dependency is unavailable.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self { retry_after: Some(1), ..Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message) }
    }
    /// 500: logs the details and answers a generic message.
    pub fn internal(details: impl std::fmt::Display) -> Self {
        tracing::error!(error = %details, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error")
    }
    /// The body, with a request id when known.
    pub fn body(&self, request_id: Option<String>) -> ErrorEnvelope {
        ErrorEnvelope {
            error: ErrorBody {
                code: self.code.to_string(),
                message: self.message.clone(),
                request_id,
                oldest_version: self.oldest_version,
            },
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body(None))).into_response();
        let headers = response.headers_mut();
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"sharify\", Basic realm=\"sharify\", charset=\"UTF-8\""),
            );
        }
        // The error-body layer re-renders the body with the request id.
        response.extensions_mut().insert(self);
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found("not_found", "no such resource"),
            StoreError::Conflict(what) => ApiError::conflict("conflict", format!("{what} already exists")),
            StoreError::VersionMismatch { current } => ApiError::version_mismatch(current),
            StoreError::Stale => ApiError::internal("stale playlist copy was not retried"),
            StoreError::Unavailable(details) => {
                tracing::warn!(error = %details, "store unavailable");
                ApiError::unavailable("the store is unavailable; retry shortly")
            }
            StoreError::Backend(details) => ApiError::internal(details),
        }
    }
}

/// Result type of services and handlers.
pub type ApiResult<T> = Result<T, ApiError>;

impl From<LastfmError> for ApiError {
    fn from(e: LastfmError) -> Self {
        let unavailable = |message: &str| Self {
            retry_after: Some(30),
            ..Self::new(axum::http::StatusCode::SERVICE_UNAVAILABLE, "enrichment_unavailable", message)
        };
        match e {
            LastfmError::NotFound(_) => Self::not_found("track_not_found", "Last.fm does not know this track"),
            LastfmError::NotConfigured => unavailable("track data is unavailable: no Last.fm API key is configured"),
            LastfmError::Api { code, .. } if crate::lastfm::error::BAD_KEY_CODES.contains(&code) => {
                unavailable("track data is unavailable: Last.fm rejects the configured API key")
            }
            e if e.is_retryable() || matches!(e, LastfmError::CircuitOpen) => {
                tracing::warn!(error = %e, "Last.fm unavailable");
                unavailable("Last.fm is unavailable right now; retry shortly")
            }
            e => {
                tracing::warn!(error = %e, "unexpected Last.fm answer");
                Self::new(axum::http::StatusCode::BAD_GATEWAY, "upstream_error", "Last.fm gave an unexpected answer")
            }
        }
    }
}
