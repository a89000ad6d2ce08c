//! `POST /app/folders` (a new folder), `POST /app/folders/{id}` (rename and move),
//! `POST /app/folders/{id}/delete`, and `POST /app/playlists/{id}/file` (its folder and tags).

use axum::{
    extract::{Path, State},
    response::Response,
    routing::post,
    Router,
};
use serde::Deserialize;

use crate::{
    app::AppState,
    library::folders::{self, FolderPatch, NewFolder},
    playlists::{dto::PlaylistPatch, service},
    web::{
        entry::routes::TokenOnly,
        form::WebForm,
        page::{see_other, PageError},
        session::WebUser,
    },
};

/// The folder routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/folders", post(create))
        .route("/app/folders/{id}", post(change))
        .route("/app/folders/{id}/delete", post(delete))
        .route("/app/playlists/{id}/file", post(file))
}

/// A folder form: its name and where it goes (empty: the top).
#[derive(Deserialize)]
struct FolderForm {
    csrf: String,
    name: String,
    #[serde(default)]
    parent: String,
}

fn parent_of(raw: &str) -> Option<String> {
    Some(raw.trim()).filter(|p| !p.is_empty()).map(str::to_owned)
}

async fn create(
    State(state): State<AppState>,
    user: WebUser,
    WebForm(form): WebForm<FolderForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let input = NewFolder { name: form.name, parent: parent_of(&form.parent) };
    let folder = folders::create(&state, &user.auth.user, input).await?;
    Ok(see_other(&format!("/app?folder={}", folder.id)))
}

async fn change(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<FolderForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let patch = FolderPatch { name: Some(form.name), parent: Some(parent_of(&form.parent)) };
    folders::patch(&state, &user.auth.user, &id, patch).await?;
    Ok(see_other(&format!("/app?folder={id}")))
}

async fn delete(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<TokenOnly>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    folders::delete(&state, &user.auth.user, &id).await?;
    Ok(see_other("/app"))
}

/// Filing a playlist: its folder (empty: none) and its tags, separated by commas.
#[derive(Deserialize)]
struct FileForm {
    csrf: String,
    #[serde(default)]
    folder: String,
    #[serde(default)]
    tags: String,
}

async fn file(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<FileForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let tags: Vec<String> = form.tags.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect();
    let patch = PlaylistPatch {
        name: None,
        description: None,
        visibility: None,
        image: None,
        folder: Some(parent_of(&form.folder)),
        tags: Some(tags),
    };
    service::patch(&state, &user.auth.user, &id, None, patch).await?;
    Ok(see_other(&format!("/app/playlists/{id}")))
}
