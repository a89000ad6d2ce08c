//! `GET /` (to the app), `/app/sign-in`, `/app/sign-up` and `POST /app/sign-out`.

use askama::Template;
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use crate::{
    app::AppState,
    auth::{extractor::ClientAddr, service},
    error::ApiError,
    users::service::sign_up,
    web::{
        form::WebForm,
        page::{html, see_other, Chrome, PageError},
        session::{self, MaybeWebUser, WebUser},
    },
};

/// The entry routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { see_other("/app") }))
        .route("/app/sign-in", get(sign_in_page).post(sign_in))
        .route("/app/sign-up", get(sign_up_page).post(sign_up_form))
        .route("/app/sign-out", post(sign_out))
}

/// The sign-in and sign-up page.
#[derive(Template)]
#[template(path = "web/sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    sign_up: bool,
    username: String,
    display_name: String,
}

fn entry_page(status: StatusCode, sign_up: bool, username: &str, display_name: &str, error: Option<&str>) -> Response {
    let title = if sign_up { "Create an account" } else { "Sign in" };
    let mut chrome = Chrome::new(title, None);
    if let Some(e) = error {
        chrome = chrome.with_notice("error", e);
    }
    let page = SignInPage { chrome, sign_up, username: username.to_owned(), display_name: display_name.to_owned() };
    html(status, &page)
}

async fn sign_in_page(MaybeWebUser(user): MaybeWebUser) -> Response {
    match user {
        Some(_) => see_other("/app"),
        None => entry_page(StatusCode::OK, false, "", "", None),
    }
}

async fn sign_up_page(MaybeWebUser(user): MaybeWebUser) -> Response {
    match user {
        Some(_) => see_other("/app"),
        None => entry_page(StatusCode::OK, true, "", "", None),
    }
}

/// The sign-in form.
#[derive(Deserialize)]
struct SignInForm {
    username: String,
    password: String,
}

/// The sign-up form.
#[derive(Deserialize)]
struct SignUpForm {
    username: String,
    display_name: String,
    password: String,
}

/// Answers with a new session for `user` and sends the browser to its library.
async fn start_session(state: &AppState, user: &crate::users::model::User) -> Result<Response, ApiError> {
    let (token, _) = service::issue_token(state, user).await?;
    let cookie = session::start(&token, state.config.auth.token_ttl_days, session::secure_cookies(state));
    let mut response = see_other("/app");
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

async fn sign_in(State(state): State<AppState>, addr: ClientAddr, WebForm(form): WebForm<SignInForm>) -> Response {
    let result = service::verify_login(&state, &form.username, &form.password, addr.0.as_deref()).await;
    match result {
        Ok(user) => start_session(&state, &user).await.unwrap_or_else(|e| PageError(e).into_response()),
        Err(e) => {
            let message = if e.status == StatusCode::UNAUTHORIZED {
                "that username and password do not match an account".to_owned()
            } else {
                e.message.clone()
            };
            entry_page(e.status, false, &form.username, "", Some(&message))
        }
    }
}

async fn sign_up_form(State(state): State<AppState>, addr: ClientAddr, WebForm(form): WebForm<SignUpForm>) -> Response {
    let created = sign_up(&state, &form.username, form.password, &form.display_name, addr.0.as_deref()).await;
    match created {
        Ok(user) => start_session(&state, &user).await.unwrap_or_else(|e| PageError(e).into_response()),
        Err(e) => entry_page(e.status, true, &form.username, &form.display_name, Some(&e.message)),
    }
}

/// A form that carries only the session's form token.
#[derive(Deserialize)]
pub struct TokenOnly {
    /// The session's form token.
    pub csrf: String,
}

async fn sign_out(State(state): State<AppState>, user: WebUser, WebForm(form): WebForm<TokenOnly>) -> Response {
    if let Err(e) = user.check_form(&form.csrf) {
        return e.into_response();
    }
    if let Err(e) = service::revoke_current(&state, &user.auth).await {
        return PageError(e).into_response();
    }
    let mut response = see_other("/app/sign-in");
    response.headers_mut().append(header::SET_COOKIE, session::end(session::secure_cookies(&state)));
    response
}
