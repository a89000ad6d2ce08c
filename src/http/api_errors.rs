//! Reusable sets of documented error responses for the OpenAPI document (documentation only:
//! the errors themselves are `ApiError`s).
#![allow(dead_code)]

use utoipa::IntoResponses;

use crate::error::ErrorEnvelope;

/// 401 on routes that need a signed-in caller.
#[derive(IntoResponses)]
pub enum NeedsAuth {
    /// Missing or invalid credentials; `WWW-Authenticate` names the Bearer and Basic schemes.
    #[response(status = 401)]
    Unauthorized(ErrorEnvelope),
}

/// Errors of routes that read a JSON body.
#[derive(IntoResponses)]
pub enum JsonBodyErrors {
    /// Malformed JSON (syntax, bad UTF-8), query string, path parameter or `If-Match`.
    #[response(status = 400)]
    BadRequest(ErrorEnvelope),
    /// The body is larger than the configured limit.
    #[response(status = 413)]
    TooLarge(ErrorEnvelope),
    /// The body is not `Content-Type: application/json`.
    #[response(status = 415)]
    UnsupportedMediaType(ErrorEnvelope),
    /// Well-formed but invalid: unknown fields, wrong types, values out of range.
    #[response(status = 422)]
    Invalid(ErrorEnvelope),
}

/// Errors of actions on an existing playlist.
#[derive(IntoResponses)]
pub enum PlaylistErrors {
    /// A malformed `If-Match` or path parameter.
    #[response(status = 400)]
    BadRequest(ErrorEnvelope),
    /// The caller may read the playlist but not do this.
    #[response(status = 403)]
    Forbidden(ErrorEnvelope),
    /// No such playlist (or item), or the caller may not read it.
    #[response(status = 404)]
    NotFound(ErrorEnvelope),
    /// `If-Match` does not match the current version; nothing changed.
    #[response(status = 412)]
    VersionMismatch(ErrorEnvelope),
}

/// Errors of paginated listings.
#[derive(IntoResponses)]
pub enum PageErrors {
    /// `limit` outside 1–100, or a `cursor` this service did not issue.
    #[response(status = 400)]
    BadPage(ErrorEnvelope),
}
