//! `GET /app` (the library), `POST /app/playlists` (a new playlist), `POST /app/import` (a
//! file or a platform link).

use askama::Template;
use axum::{
    extract::{DefaultBodyLimit, Multipart, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Form, Router,
};
use serde::Deserialize;

use super::import::{parse_upload, read_form};
use crate::{
    app::AppState,
    error::ApiError,
    formats::importer::{import_new, ImportQuery, ImportReport},
    playlists::{
        dto::NewPlaylist,
        model::{ListScope, PlaylistMeta},
        service,
    },
    web::{
        page::{html, see_other, Chrome, PageError},
        session::WebUser,
    },
};

/// The library routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app", get(library))
        .route("/app/playlists", post(create))
        .route("/app/import", post(import).layer(DefaultBodyLimit::disable()))
}

/// One playlist in a list.
pub struct PlaylistRow {
    /// Its page.
    pub href: String,
    /// Its name.
    pub name: String,
    /// How many tracks.
    pub count: usize,
    /// `private`, `unlisted` or `public`.
    pub visibility: String,
    /// Its owner, for shared ones.
    pub owner: String,
}

impl PlaylistRow {
    fn of(meta: &PlaylistMeta) -> Self {
        Self {
            href: format!("/app/playlists/{}", meta.id),
            name: meta.name.clone(),
            count: meta.item_count,
            visibility: format!("{:?}", meta.visibility).to_lowercase(),
            owner: meta.owner_username.clone(),
        }
    }
}

/// The library page.
#[derive(Template)]
#[template(path = "web/library.html")]
struct LibraryPage {
    chrome: Chrome,
    owned: Vec<PlaylistRow>,
    shared: Vec<PlaylistRow>,
    more_owned: bool,
}

async fn library(State(state): State<AppState>, user: WebUser) -> Result<Response, PageError> {
    let caller = &user.auth.user;
    let (owned, next) = service::list_for(&state, caller, ListScope::Owned, None, 200).await?;
    let (shared, _) = service::list_for(&state, caller, ListScope::Shared, None, 200).await?;
    let page = LibraryPage {
        chrome: Chrome::new("Your library", user.chrome_user()),
        owned: owned.iter().map(PlaylistRow::of).collect(),
        shared: shared.iter().map(PlaylistRow::of).collect(),
        more_owned: next.is_some(),
    };
    Ok(html(StatusCode::OK, &page))
}

/// The new-playlist form.
#[derive(Deserialize)]
struct CreateForm {
    csrf: String,
    name: String,
}

async fn create(
    State(state): State<AppState>,
    user: WebUser,
    Form(form): Form<CreateForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let input = NewPlaylist { name: form.name, description: String::new(), visibility: Default::default() };
    let playlist = service::create(&state, &user.auth.user, input).await?;
    Ok(see_other(&format!("/app/playlists/{}", playlist.meta.id)))
}

/// What an import did: counts, lines left out and why, and the new playlist.
#[derive(Template)]
#[template(path = "web/import_report.html")]
struct ReportPage {
    chrome: Chrome,
    href: String,
    report: ImportReport,
}

async fn import(State(state): State<AppState>, user: WebUser, multipart: Multipart) -> Result<Response, PageError> {
    let form = read_form(multipart, state.config.import.max_bytes).await?;
    user.check_form(&form.csrf)?;
    let caller = &user.auth.user;
    let file = match (form.file, form.link.is_empty()) {
        (Some((name, bytes)), true) => parse_upload(name, bytes).await?,
        (None, false) => crate::connections::spotify_playlists::fetch_link(&state, &caller.id, &form.link).await?,
        (Some(_), false) => {
            return Err(ApiError::bad_request("file_and_link", "send a file or a link, not both").into());
        }
        (None, true) => return Err(ApiError::bad_request("nothing_to_import", "choose a file or paste a link").into()),
    };
    let (playlist, report) = import_new(&state, caller, file, &ImportQuery::default()).await?;
    let page = ReportPage {
        chrome: Chrome::new("Import report", user.chrome_user()),
        href: format!("/app/playlists/{}", playlist.meta.id),
        report,
    };
    Ok(html(StatusCode::CREATED, &page).into_response())
}
