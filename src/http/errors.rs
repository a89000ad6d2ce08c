//! Renders every error response as the one JSON body, with the request id.
//!
//! Handlers' `ApiError`s are re-rendered with the id; errors produced elsewhere (unknown route,
//! wrong method, body limit, timeout, panic) are converted into the same shape.

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::error::ApiError;

/// Marks a response whose error body is intentional and must be left as it is.
#[derive(Clone, Copy, Debug)]
pub struct KeepBody;

/// Middleware: gives every 4xx/5xx response the JSON error body with `request_id`.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || response.extensions().get::<KeepBody>().is_some() {
        return response;
    }
    let error = response.extensions_mut().remove::<ApiError>().unwrap_or_else(|| fallback_error(status));
    let body = serde_json::to_vec(&error.body(request_id)).unwrap_or_default();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.remove(header::CONTENT_LENGTH);
    *response.body_mut() = Body::from(body);
    response
}

fn fallback_error(status: StatusCode) -> ApiError {
    match status {
        StatusCode::NOT_FOUND => route_not_found_error(),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, "method_not_allowed", "this route does not support that method")
        }
        StatusCode::PAYLOAD_TOO_LARGE => super::extract::payload_too_large(),
        StatusCode::REQUEST_TIMEOUT => ApiError::new(status, "request_timeout", "the request took too long"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::new(status, "unsupported_media_type", "unsupported content type")
        }
        s if s.is_server_error() => ApiError::new(s, "internal", "internal error"),
        s => ApiError::new(s, "request_error", s.canonical_reason().unwrap_or("request error")),
    }
}

fn route_not_found_error() -> ApiError {
    ApiError::not_found("route_not_found", "no such route; see /openapi.json")
}

/// Fallback handler for unknown routes.
pub async fn route_not_found() -> Response {
    route_not_found_error().into_response()
}

/// Turns a caught panic into a 500 (details are logged, never returned).
pub fn panic_response(details: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = details
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| details.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "unknown panic".into());
    ApiError::internal(format!("handler panicked: {message}")).into_response()
}
