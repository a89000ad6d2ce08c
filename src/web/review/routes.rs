//! `GET /app/playlists/{id}/review`, `POST …/review/{item}` (one decision) and
//! `POST …/review/accept` (the best candidate of every item at least so sure).

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
    matching::review::{decide, queue, MatchRequest},
    playlists::dto::ItemDto,
    sharing::page_view::clock,
    web::{
        form::WebForm,
        page::{html, see_other, Chrome, PageError},
        session::WebUser,
    },
};

/// Items one review page shows.
const ITEMS_PER_PAGE: usize = 50;
/// Decisions one "accept them" makes (each is a write): the rest wait for the next press.
const ACCEPTED_PER_REQUEST: usize = 200;

/// The review routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/playlists/{id}/review", get(show))
        .route("/app/playlists/{id}/review/accept", post(accept_above))
        .route("/app/playlists/{id}/review/{item}", post(decide_one))
}

/// One candidate, as a choice.
struct Choice {
    index: usize,
    label: String,
    percent: u32,
}

/// One item waiting, what it said and what it might be.
struct Waiting {
    item_id: String,
    given: String,
    choices: Vec<Choice>,
}

fn track_words(artist: &str, title: &str, album: Option<&str>, duration_ms: Option<u64>) -> String {
    let mut words = format!("{title} — {artist}");
    if let Some(album) = album.filter(|a| !a.is_empty()) {
        words.push_str(&format!(" · {album}"));
    }
    if let Some(ms) = duration_ms {
        words.push_str(&format!(" · {}", clock(ms)));
    }
    words
}

impl Waiting {
    fn of(item: &ItemDto) -> Self {
        let candidates = item.matching.as_ref().map(|m| m.candidates.as_slice()).unwrap_or_default();
        Self {
            item_id: item.item_id.clone(),
            given: track_words(&item.artist, &item.title, item.album.as_deref(), item.duration_ms),
            choices: candidates
                .iter()
                .enumerate()
                .map(|(index, c)| Choice {
                    index,
                    label: track_words(&c.artist, &c.title, c.album.as_deref(), c.duration_ms),
                    percent: (c.confidence * 100.0).round() as u32,
                })
                .collect(),
        }
    }
}

/// The review page.
#[derive(Template)]
#[template(path = "web/review.html")]
struct ReviewPage {
    chrome: Chrome,
    id: String,
    name: String,
    version: u64,
    total: usize,
    items: Vec<Waiting>,
}

async fn page(
    state: &AppState,
    user: &WebUser,
    id: &str,
    status: StatusCode,
    notice: Option<(&'static str, String)>,
) -> Result<Response, PageError> {
    let playlist = crate::playlists::service::get(state, Some(&user.auth.user), id).await?;
    let waiting = queue(state, Some(&user.auth.user), id, None, ITEMS_PER_PAGE).await?;
    let chrome = Chrome::new(format!("Review: {}", playlist.meta.name), user.chrome_user()).with_any_notice(notice);
    let view = ReviewPage {
        chrome,
        id: id.to_owned(),
        name: playlist.meta.name.clone(),
        version: waiting.version,
        total: waiting.total,
        items: waiting.items.iter().map(Waiting::of).collect(),
    };
    Ok(html(status, &view))
}

async fn show(State(state): State<AppState>, user: WebUser, Path(id): Path<String>) -> Result<Response, PageError> {
    page(&state, &user, &id, StatusCode::OK, None).await
}

/// One decision: a candidate's index, or `reject`.
#[derive(Deserialize)]
struct DecisionForm {
    csrf: String,
    version: u64,
    choice: String,
}

async fn decide_one(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, item)): Path<(String, String)>,
    WebForm(form): WebForm<DecisionForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let request = match form.choice.as_str() {
        "reject" => MatchRequest { candidate: None, artist: None, title: None, reject: Some(true) },
        n => {
            let Ok(candidate) = n.parse::<usize>() else {
                let text = "choose one of the candidates, or none of them".to_owned();
                return page(&state, &user, &id, StatusCode::UNPROCESSABLE_ENTITY, Some(("error", text))).await;
            };
            MatchRequest { candidate: Some(candidate), artist: None, title: None, reject: None }
        }
    };
    match decide(&state, &user.auth.user, &id, &item, Some(form.version), request).await {
        Ok(_) => Ok(see_other(&format!("/app/playlists/{id}/review"))),
        Err(e) if e.code == "version_mismatch" => {
            let text = "the playlist changed while you were deciding, so this decision was not applied: here is \
                        the queue as it is now";
            page(&state, &user, &id, StatusCode::CONFLICT, Some(("error", text.to_owned()))).await
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            page(&state, &user, &id, e.status, Some(("error", e.message))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Accept the best candidate of every waiting item at least `min` percent sure.
#[derive(Deserialize)]
struct AcceptForm {
    csrf: String,
    min: u32,
}

async fn accept_above(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    WebForm(form): WebForm<AcceptForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let waiting = queue(&state, Some(&user.auth.user), &id, None, usize::MAX).await?;
    let sure_enough = |item: &&ItemDto| {
        let best = item.matching.as_ref().and_then(|m| m.candidates.first());
        best.is_some_and(|c| c.confidence * 100.0 >= f64::from(form.min))
    };
    let eligible: Vec<&ItemDto> = waiting.items.iter().filter(sure_enough).collect();
    for item in eligible.iter().take(ACCEPTED_PER_REQUEST) {
        let request = MatchRequest { candidate: Some(0), artist: None, title: None, reject: None };
        decide(&state, &user.auth.user, &id, &item.item_id, None, request).await?;
    }
    let accepted = eligible.len().min(ACCEPTED_PER_REQUEST);
    let mut text = format!("accepted the best candidate of {accepted} items at least {}% sure", form.min);
    if eligible.len() > accepted {
        text.push_str(&format!("; {} more are that sure: press Accept again", eligible.len() - accepted));
    }
    page(&state, &user, &id, StatusCode::OK, Some(("ok", text))).await
}
