//! `GET /docs`: the API reference as one HTML page, rendered once from the OpenAPI document the
//! service serves (every route by tag with its parameters, body, answers and a curl example; then
//! every schema with its fields). No script, nothing from another host: its stylesheet is
//! `/static/docs.css`, and the page carries the share page's strict Content-Security-Policy.

use std::sync::{Arc, OnceLock};

use askama::Template;
use axum::{
    http::{header, HeaderValue},
    response::{Html, IntoResponse, Response},
    Extension,
};
use serde_json::Value;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::app::AppState;

const STYLESHEET: &str = include_str!("../../static/docs.css");

/// The page for the served document, rendered on its first request (not at start-up: most
/// processes never serve it) and kept.
#[derive(Clone)]
pub struct ApiDocsHtml {
    openapi: Arc<String>,
    page: Arc<OnceLock<String>>,
}

impl ApiDocsHtml {
    /// The page for `openapi` (the document as JSON), not rendered yet.
    pub fn new(openapi: Arc<String>) -> Self {
        Self { openapi, page: Arc::default() }
    }

    fn html(&self) -> &str {
        self.page.get_or_init(|| {
            let doc: Value = serde_json::from_str(&self.openapi).unwrap_or_default();
            super::api_docs_model::page(&doc).render().unwrap_or_default()
        })
    }
}

/// The routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(docs_page)).routes(routes!(docs_stylesheet))
}

/// The API reference (HTML): every route with its parameters, body, answers and an example.
#[utoipa::path(get, path = "/docs", tag = "meta",
    responses((status = 200, description = "The API reference page", content_type = "text/html")))]
async fn docs_page(Extension(page): Extension<ApiDocsHtml>) -> Response {
    let mut response = Html(page.html().to_owned()).into_response();
    crate::sharing::page::secure(&mut response);
    response
}

/// The API reference's stylesheet.
#[utoipa::path(get, path = "/static/docs.css", tag = "meta",
    responses((status = 200, description = "CSS", content_type = "text/css")))]
async fn docs_stylesheet() -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLESHEET).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    response
}
