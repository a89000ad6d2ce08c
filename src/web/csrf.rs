//! Cross-site request forgery: a state-changing request to the web app must come from a page of
//! this site. Browsers say where a request comes from (`Sec-Fetch-Site`, else `Origin`); one from
//! another site is refused before any handler runs. Signed-in forms also carry the session's
//! form token ([`super::session::WebUser::check_form`]), which a page of another site cannot know.

use axum::{
    extract::Request,
    http::{header, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::page::PageError;
use crate::error::ApiError;

/// Middleware: refuses a non-GET request another site made.
pub async fn refuse_cross_site_posts(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) || same_site(&request) {
        return next.run(request).await;
    }
    PageError(ApiError::new(
        StatusCode::FORBIDDEN,
        "cross_site_request",
        "this form was sent from another site, so it was refused; use sharify's own pages",
    ))
    .into_response()
}

/// Whether the browser says the request comes from this site (requests without either header,
/// from tools rather than browsers, pass here and meet the form token).
fn same_site(request: &Request) -> bool {
    let headers = request.headers();
    // Every value must say so: a request carrying the header twice is judged by the worst.
    let sites = headers.get_all("sec-fetch-site");
    if sites.iter().next().is_some() {
        return sites.iter().all(|v| matches!(v.to_str(), Ok("same-origin" | "none")));
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}
