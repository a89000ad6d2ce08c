//! `GET /app/playlists/{id}/organise` and its forms: `POST …/sort`, `POST …/dedupe` (a preview,
//! or the removal the preview showed), `POST …/split`, `POST …/merge` and `POST …/delete`.

use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use crate::{
    app::AppState,
    error::ApiError,
    organise::{
        dedupe::{self, DedupeBy, DedupeRequest, Keep, RemovedDuplicate},
        merge::{self, MergeRequest},
        sort::{self, SortKey, SortOrder, SortRequest},
        split::{self, SplitBy, SplitRequest},
    },
    playlists::{
        access::{access, allows, Action},
        model::{Access, ListScope},
        service,
    },
    web::{
        form::WebForm,
        page::{html, outcome, see_other, Chrome, Outcome, PageError},
        session::WebUser,
    },
};

/// The organise routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/playlists/{id}/organise", get(show))
        .route("/app/playlists/{id}/sort", post(sort_playlist))
        .route("/app/playlists/{id}/dedupe", post(dedupe_playlist))
        .route("/app/playlists/{id}/split", post(split_playlist))
        .route("/app/playlists/{id}/merge", post(merge_playlists))
        .route("/app/playlists/{id}/delete", post(delete_playlist))
}

/// The organise page.
#[derive(Template)]
#[template(path = "web/organise.html")]
struct OrganisePage {
    chrome: Chrome,
    id: String,
    version: u64,
    count: usize,
    can_edit: bool,
    is_owner: bool,
    /// Other playlists the person can read, to merge with (id, name).
    others: Vec<(String, String)>,
    /// A de-duplication preview: what would go, and the form's choices.
    preview: Option<(Vec<RemovedDuplicate>, String, String)>,
    /// Playlists a split just created (id, name).
    created: Vec<(String, String)>,
}

/// What the page shows besides the forms.
#[derive(Default)]
struct Extra {
    preview: Option<(Vec<RemovedDuplicate>, String, String)>,
    created: Vec<(String, String)>,
}

async fn page(
    state: &AppState,
    user: &WebUser,
    id: &str,
    status: StatusCode,
    notice: Option<(&'static str, String)>,
    extra: Extra,
) -> Result<Response, PageError> {
    let caller = &user.auth.user;
    let playlist = service::get(state, Some(caller), id).await?;
    let relation = access(&playlist.meta, Some(caller));
    let (owned, _) = service::list_for(state, caller, ListScope::All, None, 200).await?;
    let page = OrganisePage {
        chrome: Chrome::new(format!("Organise {}", playlist.meta.name), user.chrome_user()).with_any_notice(notice),
        id: id.to_owned(),
        version: playlist.meta.version,
        count: playlist.items.len(),
        can_edit: allows(relation, Action::Edit),
        is_owner: relation == Access::Owner,
        others: owned.into_iter().filter(|m| m.id != id).map(|m| (m.id, m.name)).collect(),
        preview: extra.preview,
        created: extra.created,
    };
    Ok(html(status, &page))
}

async fn show(State(state): State<AppState>, user: WebUser, Path(id): Path<String>) -> Result<Response, PageError> {
    page(&state, &user, &id, StatusCode::OK, None, Extra::default()).await
}

/// The page after a form: the notice, or the 4xx message (a version mismatch in words).
async fn after(
    state: &AppState,
    user: &WebUser,
    id: &str,
    done: Result<(String, Extra), ApiError>,
) -> Result<Response, PageError> {
    match outcome(done)? {
        Outcome::Done((text, extra)) => page(state, user, id, StatusCode::OK, Some(("ok", text)), extra).await,
        Outcome::Refused(status, why) => page(state, user, id, status, Some(("error", why)), Extra::default()).await,
    }
}

#[derive(Deserialize)]
struct SortForm {
    csrf: String,
    version: u64,
    by: SortKey,
    #[serde(default)]
    order: SortOrder,
}

async fn sort_playlist(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<SortForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let request = SortRequest { by: form.by, order: form.order, seed: None };
    match sort::sort(&state, &user.auth.user, &id, Some(form.version), request).await {
        Ok(_) => Ok(see_other(&format!("/app/playlists/{id}"))),
        Err(e) => after(&state, &user, &id, Err(e)).await,
    }
}

#[derive(Deserialize)]
struct DedupeForm {
    csrf: String,
    version: u64,
    #[serde(default)]
    by: DedupeBy,
    #[serde(default)]
    keep: Keep,
    /// Present for the preview.
    #[serde(default)]
    preview: Option<String>,
}

fn word<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

async fn dedupe_playlist(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<DedupeForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let dry_run = form.preview.is_some();
    let request = DedupeRequest { by: form.by, keep: form.keep, dry_run };
    let done = dedupe::dedupe(&state, &user.auth.user, &id, Some(form.version), request).await.map(|(_, result)| {
        let n = result.removed.len();
        match (dry_run, n) {
            (true, 0) => ("nothing repeats: there is nothing to remove".to_owned(), Extra::default()),
            (true, _) => {
                let extra =
                    Extra { preview: Some((result.removed, word(form.by), word(form.keep))), ..Extra::default() };
                (format!("{n} repeats would go; nothing is removed until you confirm"), extra)
            }
            (false, _) => (format!("{n} repeats removed; {} tracks left", result.item_count), Extra::default()),
        }
    });
    after(&state, &user, &id, done).await
}

#[derive(Deserialize)]
struct SplitForm {
    csrf: String,
    by: SplitBy,
    #[serde(default)]
    size: String,
}

async fn split_playlist(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<SplitForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let done = async {
        let size = match (form.by, form.size.trim()) {
            (SplitBy::Size, text) => Some(
                text.parse::<usize>()
                    .map_err(|_| ApiError::invalid("invalid_split", "tracks per part must be a whole number"))?,
            ),
            (SplitBy::Artist, _) => None,
        };
        let made = split::split(&state, &user.auth.user, &id, SplitRequest { by: form.by, size }).await?;
        let created: Vec<(String, String)> = made.into_iter().map(|p| (p.meta.id, p.meta.name)).collect();
        Ok((format!("{} new playlists made", created.len()), Extra { created, ..Extra::default() }))
    }
    .await;
    after(&state, &user, &id, done).await
}

async fn merge_playlists(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    axum::extract::RawForm(body): axum::extract::RawForm,
) -> Result<Response, PageError> {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    user.check_form(&field("csrf").unwrap_or_default())?;
    let mut sources = vec![id.clone()];
    sources.extend(fields.iter().filter(|(k, _)| k == "with").map(|(_, v)| v.clone()));
    let name = field("name").map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    let request = MergeRequest { sources, name, description: String::new(), dedupe: field("dedupe").is_some() };
    match merge::merge(&state, &user.auth.user, request).await {
        Ok(merged) => Ok(see_other(&format!("/app/playlists/{}", merged.meta.id))),
        Err(e) => after(&state, &user, &id, Err(e)).await,
    }
}

#[derive(Deserialize)]
struct DeleteForm {
    csrf: String,
    version: u64,
    #[serde(default)]
    confirm: Option<String>,
}

async fn delete_playlist(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<DeleteForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    if form.confirm.is_none() {
        let why = ApiError::invalid("not_confirmed", "tick \"Yes, delete it\" to delete the playlist");
        return after(&state, &user, &id, Err(why)).await;
    }
    match service::delete(&state, &user.auth.user, &id, Some(form.version)).await {
        Ok(()) => Ok(see_other("/app")),
        Err(e) => after(&state, &user, &id, Err(e)).await,
    }
}
