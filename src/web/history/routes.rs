//! `GET /app/playlists/{id}/history` and `POST /app/playlists/{id}/restore`.

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use crate::{
    app::AppState,
    playlists::access::{access, allows, Action},
    sharing::history::{self, HistoryEntryDto},
    web::{
        form::WebForm,
        page::{html, see_other, Chrome, PageError},
        session::WebUser,
    },
};

/// Entries one history page shows.
const ENTRIES_PER_PAGE: usize = 50;

/// The history routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/app/playlists/{id}/history", get(show)).route("/app/playlists/{id}/restore", post(restore))
}

/// One entry, in words.
struct EntryRow {
    version: u64,
    when: String,
    who: String,
    what: String,
}

fn what_changed(e: &HistoryEntryDto) -> String {
    let s = &e.summary;
    let mut parts = Vec::new();
    if s.added > 0 {
        parts.push(format!("{} added", s.added));
    }
    if s.removed > 0 {
        parts.push(format!("{} removed", s.removed));
    }
    if s.reordered {
        parts.push("reordered".to_owned());
    }
    if !s.fields.is_empty() {
        parts.push(format!("changed {}", s.fields.join(", ")));
    }
    let op = e.op.replace('_', " ");
    if parts.is_empty() {
        op
    } else {
        format!("{op}: {}", parts.join("; "))
    }
}

/// The history page.
#[derive(Template)]
#[template(path = "web/history.html")]
struct HistoryView {
    chrome: Chrome,
    id: String,
    name: String,
    version: u64,
    can_restore: bool,
    entries: Vec<EntryRow>,
    older: Option<u64>,
}

/// Which entries: those below this version.
#[derive(Deserialize)]
struct Before {
    before: Option<u64>,
}

async fn render(
    state: &AppState,
    user: &WebUser,
    id: &str,
    before: Option<u64>,
    status: StatusCode,
    notice: Option<(&'static str, String)>,
) -> Result<Response, PageError> {
    let caller = &user.auth.user;
    let playlist = crate::playlists::service::get(state, Some(caller), id).await?;
    let found = history::page(state, Some(caller), id, before, ENTRIES_PER_PAGE).await?;
    let chrome = Chrome::new(format!("History: {}", playlist.meta.name), user.chrome_user()).with_any_notice(notice);
    let view = HistoryView {
        chrome,
        id: id.to_owned(),
        name: playlist.meta.name.clone(),
        version: playlist.meta.version,
        can_restore: allows(access(&playlist.meta, Some(caller)), Action::Edit),
        entries: found
            .entries
            .iter()
            .map(|e| EntryRow {
                version: e.version,
                when: e.at.format("%Y-%m-%d %H:%M UTC").to_string(),
                who: e.actor.clone(),
                what: what_changed(e),
            })
            .collect(),
        older: found.next_before,
    };
    Ok(html(status, &view))
}

async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Query(before): Query<Before>,
) -> Result<Response, PageError> {
    render(&state, &user, &id, before.before, StatusCode::OK, None).await
}

/// Bring back version `to`, the playlist being at `version`.
#[derive(Deserialize)]
struct RestoreForm {
    csrf: String,
    version: u64,
    to: u64,
}

async fn restore(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<RestoreForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    match history::restore(&state, &user.auth.user, &id, form.to, Some(form.version)).await {
        Ok(_) => Ok(see_other(&format!("/app/playlists/{id}"))),
        Err(e) if e.code == "version_mismatch" => {
            let text = "the playlist changed while you were looking at its history, so nothing was restored: \
                        here is the history as it is now";
            render(&state, &user, &id, None, StatusCode::CONFLICT, Some(("error", text.to_owned()))).await
        }
        Err(e) => Err(e.into()),
    }
}
