//! `GET /app/playlists/{id}/find?q=…`: tracks Last.fm finds for some words, each with an Add
//! button (the playlist page's add form, at the version this page showed).

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;

use crate::{
    app::AppState,
    playlists::{
        access::{access, allows, Action},
        service,
    },
    tracks::catalog_search::{self, TrackHitDto},
    web::{
        page::{html, Chrome, PageError},
        session::WebUser,
    },
};

/// The find page.
#[derive(Template)]
#[template(path = "web/find.html")]
struct FindPage {
    chrome: Chrome,
    id: String,
    name: String,
    version: u64,
    q: String,
    hits: Vec<TrackHitDto>,
    searched: bool,
}

/// The words to find.
#[derive(Deserialize)]
pub struct FindQuery {
    #[serde(default)]
    q: String,
}

/// Finds tracks to add to playlist `id`.
pub async fn find(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Query(query): Query<FindQuery>,
) -> Result<Response, PageError> {
    let caller = &user.auth.user;
    let playlist = service::get(&state, Some(caller), &id).await?;
    if !allows(access(&playlist.meta, Some(caller)), Action::AddItems) {
        return Err(crate::error::ApiError::forbidden("you may read this playlist but not add to it").into());
    }
    let q: String = query.q.trim().chars().take(500).collect();
    let (hits, notice, status) = if q.is_empty() {
        (Vec::new(), None, StatusCode::OK)
    } else {
        match catalog_search::search(&state, &caller.id, &q, 20).await {
            Ok(found) => (found.tracks, None, StatusCode::OK),
            Err(e) if e.status.is_client_error() || e.status.is_server_error() => {
                let why = format!("Last.fm could not be searched: {}", e.message);
                (Vec::new(), Some(("error", why)), e.status)
            }
            Err(e) => return Err(e.into()),
        }
    };
    let page = FindPage {
        chrome: Chrome::new(format!("Add to {}", playlist.meta.name), user.chrome_user()).with_any_notice(notice),
        id,
        name: playlist.meta.name.clone(),
        version: playlist.meta.version,
        searched: !q.is_empty(),
        q,
        hits,
    };
    Ok(html(status, &page))
}
