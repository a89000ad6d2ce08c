//! `GET /app/platforms` (linked accounts), `POST /app/platforms/{platform}/link` (starts OAuth:
//! Spotify, YouTube), `POST /app/platforms/lastfm` (a username), `POST
//! /app/platforms/{platform}/unlink` and `GET /app/platforms/spotify/playlists` (yours, to import).

use askama::Template;
use axum::{
    extract::{Path, State},
    http::{header, HeaderValue, StatusCode},
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use crate::{
    app::AppState,
    connections::{
        self, manage,
        oauth::provider,
        oauth_link::{self, BROWSER_COOKIE},
        spotify_playlists::{self, SpotifyPlaylist},
        tokens, Connection, ConnectionStatus,
    },
    error::ApiError,
    platforms::Platform,
    web::{
        form::WebForm,
        page::{allow_form_action, html, outcome, see_other, Chrome, Outcome, PageError},
        session::WebUser,
    },
};

/// The linked-accounts routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/platforms", get(show))
        .route("/app/platforms/lastfm", post(link_lastfm))
        .route("/app/platforms/{platform}/link", post(link_start))
        .route("/app/platforms/{platform}/unlink", post(unlink))
        .route("/app/platforms/spotify/playlists", get(spotify_list))
}

/// One platform's row on the page.
struct PlatformRow {
    /// `spotify`, `youtube`, `lastfm`.
    name: &'static str,
    /// Its label.
    label: &'static str,
    /// The linked account's name, when linked.
    account: Option<String>,
    /// Whether the link is broken (link again).
    broken: bool,
    /// What the platform or sharify says about the link.
    message: Option<String>,
    /// Why it cannot be linked on this server, when it cannot.
    unavailable: Option<String>,
    /// What linking lets you do, and the platform's own limits.
    about: &'static str,
}

/// The linked-accounts page.
#[derive(Template)]
#[template(path = "web/platforms.html")]
struct PlatformsPage {
    chrome: Chrome,
    rows: Vec<PlatformRow>,
}

fn about(platform: Platform) -> &'static str {
    match platform {
        Platform::Spotify => {
            "Import your own and collaborative playlists and Liked Songs, push playlists to your account, and \
             import what you played recently. Spotify lets an app in development mode serve at most 5 people its \
             operator has added by hand."
        }
        Platform::Youtube => {
            "Push playlists to your channel and import your own playlists. Google gives every app a daily quota; \
             a push shows what it costs first."
        }
        _ => "Import your scrobbles for listening stats. Only the username is needed; your history must be public.",
    }
}

/// Why `platform` cannot be linked here, if it cannot (the operator's settings are missing).
fn unavailable(state: &AppState, platform: Platform) -> Option<String> {
    if platform == Platform::Lastfm {
        return None;
    }
    let settings = provider(state, platform).err().or_else(|| tokens::cipher(state).err());
    settings.map(|e| format!("not set up on this server: {}", e.message))
}

fn row(state: &AppState, platform: Platform, linked: Option<&Connection>) -> PlatformRow {
    PlatformRow {
        name: connections::platform_name(platform),
        label: platform.label(),
        account: linked.map(|c| c.display_name.clone().or(c.account_id.clone()).unwrap_or_else(|| "linked".into())),
        broken: linked.is_some_and(|c| c.status == ConnectionStatus::Broken),
        message: linked.and_then(|c| c.message.clone()),
        unavailable: unavailable(state, platform),
        about: about(platform),
    }
}

async fn page(
    state: &AppState,
    user: &WebUser,
    status: StatusCode,
    notice: Option<(&'static str, String)>,
) -> Result<Response, PageError> {
    let linked = connections::list(state, &user.auth.user.id).await?;
    let rows = connections::LINKABLE.iter().map(|p| row(state, *p, linked.iter().find(|c| c.platform == *p))).collect();
    let chrome = Chrome::new("Linked accounts", user.chrome_user()).with_any_notice(notice);
    let mut response = html(status, &PlatformsPage { chrome, rows });
    allow_form_action(&mut response, &consent_origins(state));
    Ok(response)
}

/// Where the link buttons send the browser: the configured platforms' consent pages.
fn consent_origins(state: &AppState) -> Vec<String> {
    [Platform::Spotify, Platform::Youtube]
        .into_iter()
        .filter_map(|p| provider(state, p).ok())
        .filter_map(|p| url::Url::parse(&p.authorize_url).ok())
        .map(|u| u.origin().ascii_serialization())
        .filter(|o| o != "null")
        .collect()
}

async fn show(State(state): State<AppState>, user: WebUser) -> Result<Response, PageError> {
    page(&state, &user, StatusCode::OK, None).await
}

/// A form that only carries the session's form token.
#[derive(Deserialize)]
struct TokenForm {
    csrf: String,
}

fn oauth_platform(name: &str) -> Result<Platform, PageError> {
    match name {
        "spotify" => Ok(Platform::Spotify),
        "youtube" => Ok(Platform::Youtube),
        _ => Err(ApiError::not_found("not_linkable", "only Spotify and YouTube are linked by signing in there").into()),
    }
}

/// Starts OAuth: the browser goes to the platform's consent page, which returns it to the API's
/// callback with this browser's cookie (proof that it is the same person).
async fn link_start(
    State(state): State<AppState>,
    user: WebUser,
    Path(name): Path<String>,
    WebForm(form): WebForm<TokenForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let platform = oauth_platform(&name)?;
    let started = match oauth_link::start(&state, &user.auth.user, platform).await {
        Ok(started) => started,
        Err(e) if e.status.is_client_error() || e.status == StatusCode::SERVICE_UNAVAILABLE => {
            return page(&state, &user, e.status, Some(("error", e.message))).await
        }
        Err(e) => return Err(e.into()),
    };
    let secure = provider(&state, platform)?.redirect_uri.starts_with("https:");
    let cookie = format!(
        "{BROWSER_COOKIE}={}; Path=/v1/connections/; Max-Age=600; HttpOnly; SameSite=Lax{}",
        started.browser_secret,
        if secure { "; Secure" } else { "" }
    );
    let mut response = see_other(&started.response.authorize_url);
    let value = HeaderValue::from_str(&cookie).map_err(ApiError::internal)?;
    response.headers_mut().insert(header::SET_COOKIE, value);
    Ok(response)
}

#[derive(Deserialize)]
struct LastfmForm {
    csrf: String,
    username: String,
}

async fn link_lastfm(
    State(state): State<AppState>,
    user: WebUser,
    WebForm(form): WebForm<LastfmForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let done = manage::link_lastfm(&state, &user.auth.user.id, &form.username)
        .await
        .map(|c| format!("Last.fm user {} is linked", c.display_name.unwrap_or_default()));
    after(&state, &user, done).await
}

/// The page after a form: done, or why not.
async fn after(state: &AppState, user: &WebUser, done: Result<String, ApiError>) -> Result<Response, PageError> {
    match outcome(done)? {
        Outcome::Done(text) => page(state, user, StatusCode::OK, Some(("ok", text))).await,
        Outcome::Refused(status, why) => page(state, user, status, Some(("error", why))).await,
    }
}

async fn unlink(
    State(state): State<AppState>,
    user: WebUser,
    Path(name): Path<String>,
    WebForm(form): WebForm<TokenForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let platform = connections::LINKABLE
        .into_iter()
        .find(|p| connections::platform_name(*p) == name)
        .ok_or_else(|| ApiError::not_found("not_linkable", "no such platform to unlink"))?;
    let done = manage::unlink(&state, &user.auth.user.id, platform).await.map(|()| match platform {
        Platform::Spotify => "Spotify is unlinked and its tokens forgotten; to withdraw sharify's access there too, \
                              remove it at spotify.com/account/apps"
            .to_owned(),
        other => format!("{} is unlinked and its tokens forgotten", other.label()),
    });
    after(&state, &user, done).await
}

/// Your Spotify playlists, each with an import button (or why Spotify will not let us read it).
#[derive(Template)]
#[template(path = "web/spotify_playlists.html")]
struct SpotifyListPage {
    chrome: Chrome,
    playlists: Vec<SpotifyPlaylist>,
}

async fn spotify_list(State(state): State<AppState>, user: WebUser) -> Result<Response, PageError> {
    let playlists = match spotify_playlists::list(&state, &user.auth.user.id).await {
        Ok(list) => list.playlists,
        Err(e) if e.status.is_client_error() => return page(&state, &user, e.status, Some(("error", e.message))).await,
        Err(e) => return Err(e.into()),
    };
    let chrome = Chrome::new("Your Spotify playlists", user.chrome_user());
    Ok(html(StatusCode::OK, &SpotifyListPage { chrome, playlists }))
}
