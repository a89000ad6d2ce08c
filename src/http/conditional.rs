//! Conditional GETs: strong `ETag`s, `If-None-Match` → 304 with no body, and the
//! `Cache-Control` policy of each kind of answer.

use axum::{
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

/// Who may keep a copy of an answer, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePolicy {
    /// Only the caller's own cache, revalidated on every use: authenticated answers, and pages
    /// reached through a share link (revoking the link must take effect at once).
    Private,
    /// Any cache, briefly, then served stale while revalidating: public playlists' pages.
    PublicShort,
}

impl CachePolicy {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            CachePolicy::Private => "private, no-cache",
            CachePolicy::PublicShort => "public, max-age=60, stale-while-revalidate=300",
        })
    }
}

/// Whether `If-None-Match` in `headers` matches `etag` (weak comparison, as RFC 9110 asks for
/// `If-None-Match`; `*` matches any current representation).
pub fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let wanted = bare(etag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || bare(t) == wanted)
}

/// Answers 304 (no body) when the client already has `etag`, else 200 with `body`; both carry
/// the `ETag` and the cache policy.
pub fn respond(
    request: &HeaderMap,
    etag: &str,
    policy: CachePolicy,
    content_type: &'static str,
    body: impl IntoResponse,
) -> Response {
    let mut response = if none_match(request, etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], body).into_response()
    };
    let h = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, value);
    }
    h.insert(header::CACHE_CONTROL, policy.header());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, value.parse().unwrap());
        h
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        assert!(none_match(&with("\"3\""), "\"3\""));
        assert!(none_match(&with("W/\"3\""), "\"3\""));
        assert!(none_match(&with("\"1\", \"3\""), "\"3\""));
        assert!(none_match(&with("*"), "\"3\""));
        assert!(!none_match(&with("\"4\""), "\"3\""));
        assert!(!none_match(&HeaderMap::new(), "\"3\""));
    }

    #[test]
    fn a_match_is_304_without_body_and_keeps_the_validators() {
        let r = respond(&with("\"3\""), "\"3\"", CachePolicy::Private, "application/json", "{}");
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(r.headers()[header::ETAG], "\"3\"");
        assert_eq!(r.headers()[header::CACHE_CONTROL], "private, no-cache");
        assert!(r.headers().get(header::CONTENT_TYPE).is_none());
        let r = respond(&with("\"2\""), "\"3\"", CachePolicy::PublicShort, "application/json", "{}");
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::CACHE_CONTROL], "public, max-age=60, stale-while-revalidate=300");
    }
}
