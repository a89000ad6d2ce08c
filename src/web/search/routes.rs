//! `GET /app/search?q=…` (and `cursor` to go on with one list).

use askama::Template;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
    routing::get,
    Router,
};
use serde::Deserialize;

use crate::{
    app::AppState,
    library::search::{self, LibrarySearchResults, SearchQuery},
    web::{
        page::{html, Chrome, PageError},
        session::WebUser,
    },
};

/// The search route.
pub fn router() -> Router<AppState> {
    Router::new().route("/app/search", get(show))
}

/// The search page: the box, and results when there is a query.
#[derive(Template)]
#[template(path = "web/search.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    results: Option<LibrarySearchResults>,
}

#[derive(Deserialize)]
struct SearchForm {
    #[serde(default)]
    q: String,
    cursor: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Query(form): Query<SearchForm>,
) -> Result<Response, PageError> {
    let q = form.q.trim().to_owned();
    let chrome = |title: String| Chrome::new(title, user.chrome_user());
    if q.is_empty() {
        let page = SearchPage { chrome: chrome("Search".into()), q, results: None };
        return Ok(html(StatusCode::OK, &page));
    }
    let query = SearchQuery { q: Some(q.clone()), within: None, limit: Some(50), cursor: form.cursor };
    match search::search(&state, &user.auth.user, query).await {
        Ok(results) => {
            let page = SearchPage { chrome: chrome(format!("Search: {q}")), q, results: Some(results) };
            Ok(html(StatusCode::OK, &page))
        }
        Err(e) if e.status.is_client_error() => {
            let page = SearchPage {
                chrome: chrome("Search".into()).with_notice("error", e.message.clone()),
                q,
                results: None,
            };
            Ok(html(e.status, &page))
        }
        Err(e) => Err(e.into()),
    }
}
