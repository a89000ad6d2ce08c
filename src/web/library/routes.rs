//! `GET /app` (the library), `POST /app/playlists` (a new playlist), `POST /app/import` (a
//! file or a platform link).

use askama::Template;
use axum::{
    extract::{DefaultBodyLimit, Multipart, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use super::{
    import::{parse_upload, read_form},
    view::{folder_rows, tags_in, FolderRow, PlaylistRow},
};
use crate::{
    app::AppState,
    error::ApiError,
    formats::importer::{import_new, ImportQuery, ImportReport},
    library::placement,
    playlists::{
        dto::NewPlaylist,
        model::{ListScope, PlaylistMeta},
        service,
    },
    web::{
        form::WebForm,
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

/// Playlists a library page lists.
const PAGE: usize = 200;

/// The library page.
#[derive(Template)]
#[template(path = "web/library.html")]
struct LibraryPage {
    chrome: Chrome,
    owned: Vec<PlaylistRow>,
    shared: Vec<PlaylistRow>,
    /// The address of the next page of playlists, when there are more.
    more_owned: Option<String>,
    folders: Vec<FolderRow>,
    tags: Vec<String>,
    /// The folder shown (its id, path and parent), when one is.
    folder: Option<(String, String, String)>,
    /// The tag shown, when one is.
    tag: Option<String>,
}

/// Which playlists the library shows: all, those filed in a folder, or those with a tag.
#[derive(Deserialize)]
struct Filter {
    folder: Option<String>,
    tag: Option<String>,
    /// Where the previous page ended (its cursor).
    after: Option<String>,
}

async fn library(
    State(state): State<AppState>,
    user: WebUser,
    Query(filter): Query<Filter>,
) -> Result<Response, PageError> {
    let caller = &user.auth.user;
    let folders = crate::library::folders::list(&state, caller).await?.folders;
    let (folder, tag) = (filter.folder.filter(|f| !f.is_empty()), filter.tag.filter(|t| !t.is_empty()));
    let after = filter.after.as_deref().filter(|a| !a.is_empty());
    let (owned, shared, next) = if folder.is_some() || tag.is_some() {
        let (rows, next) =
            placement::list_filed(&state, caller, ListScope::All, folder.as_deref(), tag.as_deref(), after, PAGE)
                .await?;
        (rows, Vec::new(), next)
    } else {
        let (owned, next) = service::list_for(&state, caller, ListScope::Owned, after, PAGE).await?;
        let shared = if after.is_none() {
            service::list_for(&state, caller, ListScope::Shared, None, PAGE).await?.0
        } else {
            Vec::new()
        };
        (owned, shared, next)
    };
    let ids: Vec<String> = owned.iter().chain(&shared).map(|m| m.id.clone()).collect();
    let places = placement::placements_of(&state, caller, &ids).await?;
    let row = |m: &PlaylistMeta| PlaylistRow::of(m, &caller.id, places.get(&m.id), &folders);
    let shown = folder.as_deref().and_then(|id| folders.iter().find(|f| f.id == id));
    let title = match (shown, &tag) {
        (Some(f), _) => format!("Folder {}", f.path.join(" / ")),
        (None, Some(t)) => format!("Tagged {t}"),
        (None, None) => "Your library".to_owned(),
    };
    let page = LibraryPage {
        chrome: Chrome::new(title, user.chrome_user()),
        owned: owned.iter().map(row).collect(),
        shared: shared.iter().map(row).collect(),
        more_owned: next.map(|cursor| {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            if let Some(f) = folder.as_deref() {
                query.append_pair("folder", f);
            }
            if let Some(t) = tag.as_deref() {
                query.append_pair("tag", t);
            }
            format!("/app?{}", query.append_pair("after", &cursor).finish())
        }),
        folders: folder_rows(&folders, folder.as_deref()),
        tags: tags_in(&places),
        folder: shown.map(|f| (f.id.clone(), f.name.clone(), f.parent.clone().unwrap_or_default())),
        tag,
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
    WebForm(form): WebForm<CreateForm>,
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
