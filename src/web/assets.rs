//! The web app's stylesheet and script, compiled into the binary and served under names that
//! carry a hash of their content, so they are cached for a year (`immutable`) and a new build's
//! pages ask for the new files.

use std::sync::LazyLock;

use axum::{
    extract::Path,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use sha2::{Digest, Sha256};

const STYLESHEET: &str = include_str!("../../static/web/app.css");
const SCRIPT: &str = include_str!("../../static/web/app.js");
const ICON: &str = include_str!("../../static/web/icon.svg");

/// One compiled-in file and the name it is served under.
pub struct Asset {
    /// `/assets/<stem>.<hash>.<ext>`.
    pub path: String,
    body: &'static str,
    content_type: &'static str,
}

impl Asset {
    fn new(stem: &str, ext: &str, body: &'static str, content_type: &'static str) -> Self {
        let hash = Sha256::digest(body.as_bytes());
        let short: String = hash.iter().take(6).map(|b| format!("{b:02x}")).collect();
        Self { path: format!("/assets/{stem}.{short}.{ext}"), body, content_type }
    }
}

/// The stylesheet every page links.
pub static STYLE: LazyLock<Asset> = LazyLock::new(|| Asset::new("app", "css", STYLESHEET, "text/css; charset=utf-8"));
/// The script every page loads (deferred; pages work without it).
pub static SCRIPT_JS: LazyLock<Asset> =
    LazyLock::new(|| Asset::new("app", "js", SCRIPT, "text/javascript; charset=utf-8"));

/// The site's icon.
pub static ICON_SVG: LazyLock<Asset> = LazyLock::new(|| Asset::new("icon", "svg", ICON, "image/svg+xml"));

/// `GET /assets/{name}`, and `GET /favicon.ico` (the icon, for pages that do not name theirs).
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/assets/{name}", get(serve)).route("/favicon.ico", get(favicon))
}

async fn favicon() -> Response {
    let mut response = ICON.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    response
}

async fn serve(Path(name): Path<String>) -> Response {
    let requested = format!("/assets/{name}");
    let Some(asset) = [&*STYLE, &*SCRIPT_JS, &*ICON_SVG].into_iter().find(|a| a.path == requested) else {
        return (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")], "no such asset").into_response();
    };
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}
