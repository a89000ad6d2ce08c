//! Extractors whose rejections are `ApiError`s, so malformed input gets the JSON error body.

use axum::{
    extract::{rejection::JsonRejection, FromRequest, FromRequestParts, Request},
    http::{request::Parts, StatusCode},
};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// JSON body extractor: 415 without a JSON content type, 400 on bad syntax or UTF-8,
/// 413 when too large, 422 when the shape is wrong (unknown fields, wrong types).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let text = rejection.body_text();
    match rejection {
        JsonRejection::JsonDataError(_) => ApiError::invalid("invalid_body", text),
        JsonRejection::JsonSyntaxError(_) => ApiError::bad_request("malformed_json", text),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "expected a request body with `Content-Type: application/json`",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => payload_too_large(),
        other => ApiError::bad_request("unreadable_body", other.body_text()),
    }
}

/// 413 with the standard message.
pub fn payload_too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is too large")
}

/// Query-string extractor answering 400 `invalid_query` with the reason.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))
    }
}

/// Path-parameter extractor answering 400 `invalid_path` with the reason.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|e| ApiError::bad_request("invalid_path", e.body_text()))
    }
}

/// `If-Match` parsed as a playlist version: `"3"`, `"3.2"` (an ETag carrying an enrichment
/// generation, which `If-Match` ignores: enrichment never makes a write fail), `W/"3"` or `3`;
/// `*` means any version.
pub struct IfMatch(pub Option<u64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(axum::http::header::IF_MATCH) else {
            return Ok(Self(None));
        };
        let text = value.to_str().map_err(|_| bad_if_match())?.trim();
        if text == "*" {
            return Ok(Self(None));
        }
        let tag = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
        let version = tag.split_once('.').map_or(tag, |(version, _enrichment)| version);
        version.parse::<u64>().map(|v| Self(Some(v))).map_err(|_| bad_if_match())
    }
}

fn bad_if_match() -> ApiError {
    ApiError::bad_request("invalid_if_match", "If-Match must be an ETag previously returned, e.g. \"3\"")
}

/// The ETag of one representation of a playlist revision (e.g. an export format): `"3.2-csv"`.
pub fn etag_of(revision: crate::playlists::model::Revision, representation: &str) -> String {
    let tag = etag(revision);
    format!("{}-{representation}\"", &tag[..tag.len() - 1])
}

/// The ETag of a playlist revision: `"3"` until enrichment results land, then `"3.2"` (version
/// 3, enrichment generation 2). It changes whenever the body does.
pub fn etag(revision: crate::playlists::model::Revision) -> String {
    match revision.enrichment_gen {
        0 => format!("\"{}\"", revision.version),
        gen => format!("\"{}.{gen}\"", revision.version),
    }
}

/// Reads a field that may be absent (`None`), `null` (`Some(None)`) or a value: a `PATCH` field
/// that `null` clears.
pub fn present_or_null<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

/// A count parameter `name` between 1 and `max` (`default` when absent); 400 otherwise.
pub fn bounded_limit(name: &str, value: Option<u32>, default: u32, max: u32) -> Result<usize, crate::error::ApiError> {
    match value.unwrap_or(default) {
        n if (1..=max).contains(&n) => Ok(n as usize),
        _ => Err(crate::error::ApiError::bad_request("invalid_query", format!("{name} must be between 1 and {max}"))),
    }
}
