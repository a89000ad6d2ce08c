//! `GET /app/playlists/{id}/sharing`, and its forms: `POST …/collaborators` (grant or change a
//! role), `POST …/collaborators/{username}/remove` (also leaving), `POST …/links/new`,
//! `POST …/links/{link}/revoke` and `POST …/fork` (a copy of one's own).

use askama::Template;
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use crate::{
    app::AppState,
    error::ApiError,
    playlists::{
        access::access,
        model::{Access, Role, Visibility},
        service,
    },
    sharing::{
        collaborators::{self, CollaboratorDto},
        fork,
        links::{self, NewShareLink, ShareLinkDto},
        links_routes::public_base,
    },
    web::{
        form::WebForm,
        page::{html, outcome, see_other, Chrome, Outcome, PageError},
        session::WebUser,
    },
};

/// The sharing routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/playlists/{id}/sharing", get(show))
        .route("/app/playlists/{id}/collaborators", post(grant))
        .route("/app/playlists/{id}/collaborators/{username}/remove", post(remove))
        .route("/app/playlists/{id}/links/new", post(new_link))
        .route("/app/playlists/{id}/links/{link}/revoke", post(revoke))
        .route("/app/playlists/{id}/fork", post(make_copy))
        .route("/app/playlists/{id}/transfer", post(hand_over))
}

/// The sharing page.
#[derive(Template)]
#[template(path = "web/sharing.html")]
struct SharingPage {
    chrome: Chrome,
    id: String,
    version: u64,
    owner: String,
    is_owner: bool,
    me: String,
    collaborators: Vec<CollaboratorDto>,
    links: Vec<ShareLinkDto>,
    /// The public page's full address, when it has one.
    public_address: Option<String>,
}

/// A role in words.
pub fn role_word(role: impl std::borrow::Borrow<Role>) -> &'static str {
    match role.borrow() {
        Role::Viewer => "viewer",
        Role::Contributor => "contributor",
        Role::Editor => "editor",
    }
}

async fn page(
    state: &AppState,
    user: &WebUser,
    id: &str,
    headers: &HeaderMap,
    status: StatusCode,
    notice: Option<(&'static str, String)>,
) -> Result<Response, PageError> {
    let caller = &user.auth.user;
    let playlist = service::get(state, Some(caller), id).await?;
    let is_owner = access(&playlist.meta, Some(caller)) == Access::Owner;
    let members = collaborators::list(state, Some(caller), id).await?;
    let links = if is_owner { links::list(state, caller, id).await? } else { Vec::new() };
    let public_address = (playlist.meta.visibility != Visibility::Private)
        .then(|| format!("{}/p/{}", public_base(&state.config.http.public_url, headers), playlist.meta.id));
    let chrome = Chrome::new(format!("Sharing {}", playlist.meta.name), user.chrome_user()).with_any_notice(notice);
    let page = SharingPage {
        chrome,
        id: id.to_owned(),
        version: playlist.meta.version,
        owner: members.owner,
        is_owner,
        me: caller.username.clone(),
        collaborators: members.collaborators,
        links,
        public_address,
    };
    Ok(html(status, &page))
}

async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    page(&state, &user, &id, &headers, StatusCode::OK, None).await
}

/// The page after a form: done, or the 4xx message (a version mismatch included) on it.
async fn after(
    state: &AppState,
    user: &WebUser,
    id: &str,
    headers: &HeaderMap,
    done: Result<String, ApiError>,
) -> Result<Response, PageError> {
    match outcome(done)? {
        Outcome::Done(text) => page(state, user, id, headers, StatusCode::OK, Some(("ok", text))).await,
        Outcome::Refused(status, why) => page(state, user, id, headers, status, Some(("error", why))).await,
    }
}

#[derive(Deserialize)]
struct GrantForm {
    csrf: String,
    version: u64,
    username: String,
    role: Role,
}

async fn grant(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    WebForm(form): WebForm<GrantForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let name = form.username.trim();
    let done =
        collaborators::set_role(&state, &user.auth.user, &id, name, form.role, Some(form.version)).await.map(|_| {
            format!("{name} is now {} {}", if form.role == Role::Editor { "an" } else { "a" }, role_word(form.role))
        });
    after(&state, &user, &id, &headers, done).await
}

#[derive(Deserialize)]
struct VersionForm {
    csrf: String,
    version: u64,
}

async fn remove(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, username)): Path<(String, String)>,
    headers: HeaderMap,
    WebForm(form): WebForm<VersionForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let leaving = user.auth.user.username.eq_ignore_ascii_case(&username);
    let done = collaborators::remove(&state, &user.auth.user, &id, &username, Some(form.version)).await;
    match done {
        Ok(()) if leaving => Ok(see_other("/app")),
        done => after(&state, &user, &id, &headers, done.map(|()| format!("{username} no longer shares it"))).await,
    }
}

#[derive(Deserialize)]
struct LinkForm {
    csrf: String,
    role: Role,
    /// Days it lasts; empty: no expiry.
    #[serde(default)]
    days: String,
    /// How many may join with it; empty: unlimited.
    #[serde(default)]
    max_uses: String,
}

fn optional_number<T: std::str::FromStr>(text: &str, what: &str) -> Result<Option<T>, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| ApiError::invalid("invalid_form", format!("{what} must be a whole number")))
}

async fn new_link(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    WebForm(form): WebForm<LinkForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let base = public_base(&state.config.http.public_url, &headers);
    let done = async {
        let days: Option<u64> = optional_number(&form.days, "days")?;
        let max_uses = optional_number(&form.max_uses, "the number of uses")?;
        let request = NewShareLink { role: form.role, expires_in: days.map(|d| d.saturating_mul(86_400)), max_uses };
        let created = links::create(&state, &user.auth.user, &id, request, &base).await?;
        Ok(format!("a share link for a {}: {} (copy it now; it is shown only once)", role_word(form.role), created.url))
    }
    .await;
    after(&state, &user, &id, &headers, done).await
}

#[derive(Deserialize)]
struct TokenForm {
    csrf: String,
}

async fn revoke(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, link)): Path<(String, String)>,
    headers: HeaderMap,
    WebForm(form): WebForm<TokenForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let done = links::revoke(&state, &user.auth.user, &id, &link)
        .await
        .map(|()| "the link is revoked: it opens nothing any more".to_owned());
    after(&state, &user, &id, &headers, done).await
}

async fn make_copy(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<TokenForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let copy = fork::fork(&state, &user.auth.user, &id).await?;
    Ok(see_other(&format!("/app/playlists/{}", copy.meta.id)))
}

#[derive(Deserialize)]
struct HandOverForm {
    csrf: String,
    version: u64,
    username: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// Makes someone else the owner; the owner stays on as an editor.
async fn hand_over(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    WebForm(form): WebForm<HandOverForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let name = form.username.trim();
    let done = match form.confirm {
        None => Err(ApiError::invalid("not_confirmed", "tick \"Yes, hand it over\" to make them the owner")),
        Some(_) => collaborators::transfer(&state, &user.auth.user, &id, name, Some(form.version))
            .await
            .map(|_| format!("{name} owns it now; you stay on as an editor")),
    };
    after(&state, &user, &id, &headers, done).await
}
