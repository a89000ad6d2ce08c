//! The web app's session cookie as requests carry it: its name and how to read it. A leaf, so
//! the rate limiter can tell signed-in page requests without depending on the web app.

use axum::http::{header, HeaderMap};
use cookie::Cookie;

/// The session cookie's name.
pub const COOKIE: &str = "sharify_session";

/// The session token the request's cookie holds, if any.
pub fn token_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse_encoded)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .map(|c| c.value().to_owned())
}
