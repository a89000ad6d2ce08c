//! The playlist page as it is now, and what every edit answers: back to the page, or the page
//! with the refusal (a stale version: "changed meanwhile", with what the person typed kept).

use askama::Template;
use axum::{http::StatusCode, response::Response};

use super::view::{Draft, PlaylistView};
use crate::{
    app::AppState,
    error::ApiError,
    playlists::service,
    web::{
        page::{html, see_other, Chrome, PageError},
        session::WebUser,
    },
};

/// The playlist page.
#[derive(Template)]
#[template(path = "web/playlist.html")]
struct PlaylistPage {
    chrome: Chrome,
    p: PlaylistView,
}

/// Renders the playlist as it is now, with a notice and the caller's unapplied draft.
pub async fn page(
    state: &AppState,
    user: &WebUser,
    id: &str,
    from: usize,
    status: StatusCode,
    notice: Option<(&'static str, String)>,
    draft: Draft,
) -> Result<Response, PageError> {
    let caller = &user.auth.user;
    let playlist = service::get(state, Some(caller), id).await?;
    let folders = crate::library::folders::list(state, caller).await?.folders;
    let places = crate::library::placement::placements_of(state, caller, &[id.to_owned()]).await?;
    let view = PlaylistView::of(&playlist, caller, from, draft).with_filing(&folders, places.get(id));
    let chrome = Chrome::new(playlist.meta.name.clone(), user.chrome_user()).with_any_notice(notice);
    Ok(html(status, &PlaylistPage { chrome, p: view }))
}

/// After an edit: back to the page, or the page as it is now when the edit was refused.
pub async fn after_edit<T>(
    state: &AppState,
    user: &WebUser,
    id: &str,
    result: Result<T, ApiError>,
    draft: Draft,
) -> Result<Response, PageError> {
    after_edit_to(state, user, id, result, draft, "").await
}

/// [`after_edit`], back to `at` on the page (`?from=…#item-…`) when it is applied.
pub async fn after_edit_to<T>(
    state: &AppState,
    user: &WebUser,
    id: &str,
    result: Result<T, ApiError>,
    draft: Draft,
    at: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(see_other(&format!("/app/playlists/{id}{at}"))),
        Err(e) if e.code == "version_mismatch" => {
            let text = "someone changed this playlist while you were looking at it, so your change was not applied. \
                        This is the playlist as it is now; what you typed is kept below. Try again if it still makes sense.";
            page(state, user, id, 0, StatusCode::CONFLICT, Some(("error", text.to_owned())), draft).await
        }
        Err(e)
            if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND && e.status != StatusCode::FORBIDDEN =>
        {
            page(state, user, id, 0, e.status, Some(("error", e.message.clone())), draft).await
        }
        Err(e) => Err(e.into()),
    }
}
