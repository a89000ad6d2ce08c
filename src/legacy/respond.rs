//! The legacy wire format: JSON request bodies on every method (even GET and DELETE), plain-text
//! error bodies, HTTP Basic auth, and `Deprecation`/`Link` headers on every answer.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, MatchedPath, Request, State},
    http::{header, request::Parts, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value};

use crate::{
    app::AppState,
    auth::{AuthUser, MaybeAuthUser},
    error::ApiError,
    http::errors::KeepBody,
};

/// When the legacy API was deprecated (RFC 9745 `Deprecation` header: `@` + Unix seconds).
const DEPRECATED_AT: &str = "@1795305600";

/// A legacy error: a status and a plain-text message (the old service's exact words).
#[derive(Debug)]
pub struct LegacyError {
    status: StatusCode,
    message: String,
    retry_after: Option<u64>,
}

impl LegacyError {
    /// An error with the given status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into(), retry_after: None }
    }
    /// 400 with `message`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    /// 409 with `message`.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }
}

impl From<ApiError> for LegacyError {
    /// Errors from the current services keep their status and message, as plain text.
    fn from(e: ApiError) -> Self {
        Self { status: e.status, message: e.message, retry_after: e.retry_after }
    }
}

impl IntoResponse for LegacyError {
    fn into_response(self) -> Response {
        let mut response =
            (self.status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], self.message).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"sharify\""));
        }
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(KeepBody);
        response
    }
}

/// The signed-in caller (Basic, or a Bearer token); a plain-text 401 otherwise.
pub struct LegacyUser(pub AuthUser);

impl FromRequestParts<AppState> for LegacyUser {
    type Rejection = LegacyError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match MaybeAuthUser::from_request_parts(parts, state).await {
            Ok(MaybeAuthUser(Some(user))) => Ok(Self(user)),
            Ok(MaybeAuthUser(None)) => Err(LegacyError::new(StatusCode::UNAUTHORIZED, "Authentication required")),
            Err(e) if e.status == StatusCode::UNAUTHORIZED => {
                Err(LegacyError::new(StatusCode::UNAUTHORIZED, "Invalid username or password"))
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// A JSON object body, read whatever the method and content type (old clients send both
/// loosely); fields that are missing or not strings read as empty.
pub struct LegacyBody(Map<String, Value>);

impl LegacyBody {
    /// The string field `name`, or `""`.
    pub fn field(&self, name: &str) -> String {
        self.0.get(name).and_then(Value::as_str).unwrap_or_default().to_owned()
    }
}

impl FromRequest<AppState> for LegacyBody {
    type Rejection = LegacyError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| LegacyError::new(e.status(), "The request body could not be read"))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(Map::new()));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            _ => Err(LegacyError::bad_request("The request body must be a JSON object")),
        }
    }
}

/// Middleware: counts calls by route and marks every answer deprecated (RFC 9745), linking to
/// the current API's document.
pub async fn mark_deprecated(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str);
    let label = format!("{} {route}", request.method());
    state.metrics.legacy_requests.with_label_values(&[label.as_str()]).inc();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert("deprecation", HeaderValue::from_static(DEPRECATED_AT));
    headers.insert(
        header::LINK,
        HeaderValue::from_static("</openapi.json>; rel=\"deprecation\"; type=\"application/json\""),
    );
    response
}
