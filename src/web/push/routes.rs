//! `GET /app/playlists/{id}/push` (where to push), `POST /app/playlists/{id}/push` (the dry run,
//! or the push) and `GET /app/push-runs/{id}` (a push that outlasted the request).

use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
    routing::get,
    Router,
};

use super::view::{Destination, PushForm, ReportView};
use crate::{
    app::AppState,
    connections::{self, spotify_playlists, ConnectionStatus},
    error::ApiError,
    platforms::Platform,
    playlists::{access::Action, model::Playlist, write::load},
    push::{self, runs::PushRun},
    runs::{RunStatus, Started},
    web::{
        form::WebForm,
        page::{html, see_other, Chrome, PageError},
        session::WebUser,
    },
};

/// The push routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/app/playlists/{id}/push", get(show).post(submit)).route("/app/push-runs/{id}", get(run_page))
}

/// Where to push, and how.
#[derive(Template)]
#[template(path = "web/push.html")]
struct PushPage {
    chrome: Chrome,
    id: String,
    name: String,
    destinations: Vec<Destination>,
    /// Why nothing can be chosen, when nothing can.
    missing: Option<String>,
    /// A hint about the list (e.g. Spotify's playlists could not be read).
    hint: Option<String>,
}

/// A dry run's or a push's report.
#[derive(Template)]
#[template(path = "web/push_report.html")]
struct ReportPage {
    chrome: Chrome,
    id: String,
    report: ReportView,
    /// The choice that gave this report (to push it for real).
    form: PushForm,
}

/// A push still running, or how it ended.
#[derive(Template)]
#[template(path = "web/push_run.html")]
struct RunPage {
    chrome: Chrome,
    run: PushRun,
    playlist_href: Option<String>,
    report: Option<ReportView>,
}

async fn destinations(
    state: &AppState,
    user_id: &str,
    playlist_id: &str,
) -> Result<(Vec<Destination>, Option<String>), ApiError> {
    let linked = connections::list(state, user_id).await?;
    let copies = push::copies(state, playlist_id, user_id).await?;
    let active = |p: Platform| linked.iter().any(|c| c.platform == p && c.status == ConnectionStatus::Active);
    let mut out = Vec::new();
    let mut hint = None;
    for platform in [Platform::Spotify, Platform::Youtube] {
        if !active(platform) {
            continue;
        }
        let name = connections::platform_name(platform);
        let label = match copies.iter().find(|c| c.platform == platform) {
            Some(_) => format!("{}: your copy of this playlist (pushed before)", platform.label()),
            None => format!("{}: a new private playlist", platform.label()),
        };
        out.push(Destination { value: format!("{name}|new"), label });
        if platform == Platform::Spotify {
            match spotify_playlists::list(state, user_id).await {
                Ok(list) => out.extend(list.playlists.into_iter().filter(|p| p.importable).map(|p| Destination {
                    value: format!("spotify|{}", p.id),
                    label: format!("Spotify: {}", p.name),
                })),
                Err(e) => hint = Some(format!("your Spotify playlists could not be listed ({})", e.message)),
            }
        }
    }
    Ok((out, hint))
}

async fn form_page(
    state: &AppState,
    user: &WebUser,
    playlist: &Playlist,
    status: StatusCode,
    notice: Option<(&'static str, String)>,
) -> Result<Response, PageError> {
    let (destinations, hint) = destinations(state, &user.auth.user.id, &playlist.meta.id).await?;
    let missing = destinations.is_empty().then(|| {
        "link Spotify or YouTube first: pushing writes to your own account there (Deezer and Apple Music \
         do not let apps write)"
            .to_owned()
    });
    let chrome = Chrome::new(format!("Push {}", playlist.meta.name), user.chrome_user()).with_any_notice(notice);
    let page = PushPage {
        chrome,
        id: playlist.meta.id.clone(),
        name: playlist.meta.name.clone(),
        destinations,
        missing,
        hint,
    };
    Ok(html(status, &page))
}

async fn show(State(state): State<AppState>, user: WebUser, Path(id): Path<String>) -> Result<Response, PageError> {
    let playlist = load(&state, Some(&user.auth.user), &id, Action::Read).await?;
    form_page(&state, &user, &playlist, StatusCode::OK, None).await
}

async fn submit(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<PushForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let playlist = load(&state, Some(&user.auth.user), &id, Action::Read).await?;
    let request = match form.request() {
        Ok(r) => r,
        Err(why) => {
            return form_page(&state, &user, &playlist, StatusCode::UNPROCESSABLE_ENTITY, Some(("error", why))).await
        }
    };
    let dry_run = request.dry_run;
    match push::runs::start(&state, &user.auth.user.id, playlist.clone(), request).await {
        Ok(Started::Done(report)) => {
            let title = if dry_run { "What the push would do" } else { "Pushed" };
            let page = ReportPage {
                chrome: Chrome::new(title, user.chrome_user()),
                id,
                report: ReportView::of(&report, &playlist),
                form,
            };
            Ok(html(StatusCode::OK, &page))
        }
        Ok(Started::Running(run)) => Ok(see_other(&format!("/app/push-runs/{}", run.id))),
        Err(e) if e.status.is_client_error() => {
            form_page(&state, &user, &playlist, e.status, Some(("error", e.message))).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn run_page(State(state): State<AppState>, user: WebUser, Path(id): Path<String>) -> Result<Response, PageError> {
    let runs = crate::runs::Runs::of(&state);
    let run: PushRun = crate::runs::get(&runs, push::runs::RUNS, "push_run_not_found", &user.auth.user.id, &id).await?;
    let playlist = match &run.playlist_id {
        Some(pid) => load(&state, Some(&user.auth.user), pid, Action::Read).await.ok(),
        None => None,
    };
    let report = match (&run.report, &playlist) {
        (Some(r), Some(p)) => Some(ReportView::of(r, p)),
        _ => None,
    };
    let title = match run.status {
        RunStatus::Running => "Pushing…",
        RunStatus::Succeeded => "Pushed",
        _ => "The push stopped",
    };
    let page = RunPage {
        chrome: Chrome::new(title, user.chrome_user()),
        playlist_href: run.playlist_id.as_ref().map(|p| format!("/app/playlists/{p}")),
        run,
        report,
    };
    Ok(html(StatusCode::OK, &page))
}
