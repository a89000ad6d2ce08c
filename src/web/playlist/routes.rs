//! `GET /app/playlists/{id}` and its forms. Every edit sends the version the page showed: when
//! someone changed the playlist meanwhile, the edit is not applied and the page answers with the
//! playlist as it is now, says so, and keeps what the person typed.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use super::{
    edits::{after_edit, after_edit_to, page},
    view::{Draft, ROWS_PER_PAGE},
};
use crate::{
    app::AppState,
    playlists::{
        add::{self, AddItems, TrackInput},
        dto::PlaylistPatch,
        items,
        model::{Role, Visibility},
        service,
    },
    sharing::links::{self, NewShareLink},
    web::{form::WebForm, page::PageError, session::WebUser},
};

/// The playlist page's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/playlists/{id}", get(show))
        .route("/app/playlists/{id}/find", get(super::find::find))
        .route("/app/playlists/{id}/items/bulk", post(super::bulk::bulk_items))
        .route("/app/playlists/{id}/rename", post(rename))
        .route("/app/playlists/{id}/visibility", post(visibility))
        .route("/app/playlists/{id}/tracks", post(add_track))
        .route("/app/playlists/{id}/items/{item}/remove", post(remove))
        .route("/app/playlists/{id}/items/{item}/move", post(move_item))
        .route("/app/playlists/{id}/links", post(share))
}

/// Which tracks the page shows: from this 0-based position.
#[derive(Deserialize)]
struct Window {
    #[serde(default)]
    from: usize,
}

async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Query(window): Query<Window>,
) -> Result<Response, PageError> {
    page(&state, &user, &id, window.from, StatusCode::OK, None, Draft::default()).await
}

/// A form that edits a playlist at the version the page showed.
#[derive(Deserialize)]
struct Versioned {
    csrf: String,
    version: u64,
}

#[derive(Deserialize)]
struct RenameForm {
    csrf: String,
    version: u64,
    name: String,
}

fn patch_of(name: Option<String>, visibility: Option<Visibility>) -> PlaylistPatch {
    PlaylistPatch { name, description: None, visibility, image: None, folder: None, tags: None }
}

async fn rename(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<RenameForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let patch = patch_of(Some(form.name.clone()), None);
    let result = service::patch(&state, &user.auth.user, &id, Some(form.version), patch).await;
    after_edit(&state, &user, &id, result, Draft { name: Some(form.name), ..Draft::default() }).await
}

#[derive(Deserialize)]
struct VisibilityForm {
    csrf: String,
    version: u64,
    visibility: Visibility,
}

async fn visibility(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<VisibilityForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let patch = patch_of(None, Some(form.visibility));
    let result = service::patch(&state, &user.auth.user, &id, Some(form.version), patch).await;
    after_edit(&state, &user, &id, result, Draft::default()).await
}

#[derive(Deserialize)]
struct AddForm {
    csrf: String,
    version: u64,
    artist: String,
    title: String,
}

async fn add_track(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<AddForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let track = TrackInput::named(&form.artist, &form.title);
    let request = AddItems { tracks: vec![track], position: None, on_duplicate: Default::default() };
    let result = add::add(&state, &user.auth.user, &id, Some(form.version), request).await;
    after_edit(&state, &user, &id, result, Draft { artist: form.artist, title: form.title, ..Draft::default() }).await
}

async fn remove(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, item)): Path<(String, String)>,
    WebForm(form): WebForm<Versioned>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let result = items::remove(&state, &user.auth.user, &id, &item, Some(form.version)).await;
    after_edit(&state, &user, &id, result, Draft::default()).await
}

#[derive(Deserialize)]
struct MoveForm {
    csrf: String,
    version: u64,
    to: usize,
}

async fn move_item(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, item)): Path<(String, String)>,
    WebForm(form): WebForm<MoveForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let result = items::move_to(&state, &user.auth.user, &id, &item, form.to, Some(form.version)).await;
    let at = match form.to / ROWS_PER_PAGE * ROWS_PER_PAGE {
        0 => format!("#item-{item}"),
        from => format!("?from={from}#item-{item}"),
    };
    after_edit_to(&state, &user, &id, result, Draft::default(), &at).await
}

#[derive(Deserialize)]
struct ShareForm {
    csrf: String,
    role: Role,
}

async fn share(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    WebForm(form): WebForm<ShareForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let base = crate::sharing::links_routes::public_base(&state.config.http.public_url, &headers);
    let request = NewShareLink { role: form.role, expires_in: None, max_uses: None };
    let created = links::create(&state, &user.auth.user, &id, request, &base).await?;
    let text =
        format!("a share link for a {}: {} (copy it now; it is shown only once)", role_word(form.role), created.url);
    page(&state, &user, &id, 0, StatusCode::CREATED, Some(("ok", text)), Draft::default()).await
}

fn role_word(role: Role) -> &'static str {
    match role {
        Role::Viewer => "viewer",
        Role::Contributor => "contributor",
        Role::Editor => "editor",
    }
}
