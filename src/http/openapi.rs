//! The OpenAPI 3.1 document, generated from the handlers' annotations and served at `/openapi.json`.

use std::sync::Arc;

use axum::{http::header, response::IntoResponse, Extension};
use utoipa::{
    openapi::{
        security::{Http, HttpAuthScheme, SecurityScheme},
        OpenApi as OpenApiDoc,
    },
    Modify, OpenApi,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::app::AppState;

/// Top-level document metadata; paths come from the feature routers.
#[derive(OpenApi)]
#[openapi(
    info(title = "sharify", description = "Create, organise and share music playlists, enriched from Last.fm."),
    modifiers(&SecuritySchemes),
    // Schemas referenced only from query parameters (utoipa registers body schemas itself).
    components(schemas(
        crate::playlists::model::ListScope,
        crate::formats::export::ExportFormat,
        crate::playlists::model::Visibility,
        crate::playlists::add::OnDuplicate,
        crate::formats::import::CsvHeader,
        crate::library::search::SearchIn
    )),
    tags(
        (name = "users", description = "Accounts"),
        (name = "auth", description = "Tokens"),
        (name = "playlists", description = "Playlists"),
        (name = "items", description = "Playlist items"),
        (name = "organise", description = "Bulk item edits, sort, de-duplicate, merge and split"),
        (name = "library", description = "Your folders and tags, and search across your library"),
        (name = "import", description = "Playlists in and out as files (JSPF, XSPF, M3U8, CSV)"),
        (name = "matching", description = "Which canonical track each item is, and the review queue"),
        (name = "tracks", description = "Track data from Last.fm"),
        (name = "sharing", description = "Collaborators, share links, forks, sync and history"),
        (name = "schedules", description = "Scheduled jobs: backup and sync, generated playlists, discovery, listening history, cache re-indexing"),
        (name = "probes", description = "Health and readiness"),
        (name = "meta", description = "This document"),
        (name = "legacy", description = "The old service's API, kept for its clients (deprecated)"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        components.add_security_scheme("basic", SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)));
    }
}

/// The route serving the document.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(openapi_json))
}

/// This OpenAPI document.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
async fn openapi_json(Extension(doc): Extension<OpenApiJson>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], doc.0.as_ref().clone())
}

/// The document, serialised once when the router is built.
#[derive(Clone)]
pub struct OpenApiJson(pub Arc<String>);

impl OpenApiJson {
    /// Serialises the document.
    pub fn new(doc: &OpenApiDoc) -> Self {
        Self(Arc::new(doc.to_pretty_json().expect("the OpenAPI document serialises")))
    }
}
