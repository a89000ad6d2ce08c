//! The web app at `/app`: server-rendered pages over the same services as the API (no store
//! access of its own, no HTTP calls to itself). Every page reads and every form works without
//! JavaScript; `static/web/app.js` only improves them. Sessions are an HttpOnly cookie holding
//! one of the API's revocable tokens ([`session`]); every state-changing form is checked for
//! cross-site use ([`csrf`]); pages carry a strict Content-Security-Policy ([`page`]).

pub mod account;
pub mod assets;
pub mod csrf;
pub mod entry;
pub mod folders;
pub mod form;
pub mod history;
pub mod library;
pub mod organise;
pub mod page;
pub mod platforms;
pub mod playlist;
pub mod push;
pub mod review;
pub mod schedules;
pub mod search;
pub mod session;
pub mod sharing;
pub mod stats;

use axum::{middleware, Router};

use crate::app::AppState;

/// The web app's routes (pages, forms and their assets).
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(entry::routes::router())
        .merge(library::routes::router())
        .merge(playlist::routes::router())
        .merge(review::routes::router())
        .merge(folders::routes::router())
        .merge(history::routes::router())
        .merge(account::routes::router())
        .merge(platforms::routes::router())
        .merge(push::routes::router())
        .merge(stats::routes::router())
        .merge(schedules::routes::router())
        .merge(sharing::routes::router())
        .merge(organise::routes::router())
        .merge(search::routes::router())
        .layer(middleware::from_fn(csrf::refuse_cross_site_posts))
        .merge(assets::router())
}
