//! `GET /app/account`, `POST /app/account` (name and time zone), `POST /app/account/password`
//! (which ends every other session of the account).

use askama::Template;
use axum::{
    extract::State,
    http::StatusCode,
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use crate::{
    app::AppState,
    users::{
        account::{self, AccountDeletion, PasswordChange},
        dto::AccountPatch,
    },
    web::{
        form::WebForm,
        page::{html, see_other, Chrome, PageError},
        session::{self, WebUser},
    },
};

/// The account routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/account", get(show).post(update))
        .route("/app/account/password", post(change_password))
        .route("/app/account/export", get(export))
        .route("/app/account/delete", post(delete_account))
}

/// The account page.
#[derive(Template)]
#[template(path = "web/account.html")]
struct AccountPage {
    chrome: Chrome,
    username: String,
    display_name: String,
    timezone: String,
}

fn account_page(user: &WebUser, status: StatusCode, notice: Option<(&'static str, String)>) -> Response {
    let chrome = Chrome::new("Your account", user.chrome_user()).with_any_notice(notice);
    let u = &user.auth.user;
    let page = AccountPage {
        chrome,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        timezone: u.timezone.clone(),
    };
    html(status, &page)
}

async fn show(user: WebUser) -> Response {
    account_page(&user, StatusCode::OK, None)
}

#[derive(Deserialize)]
struct UpdateForm {
    csrf: String,
    display_name: String,
    timezone: String,
}

async fn update(
    State(state): State<AppState>,
    user: WebUser,
    WebForm(form): WebForm<UpdateForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let patch = AccountPatch { display_name: Some(form.display_name), timezone: Some(form.timezone) };
    match account::update_account(&state, &user.auth, patch).await {
        Ok(_) => Ok(see_other("/app/account")),
        Err(e) if e.status.is_client_error() => Ok(account_page(&user, e.status, Some(("error", e.message)))),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    csrf: String,
    current_password: String,
    new_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    user: WebUser,
    WebForm(form): WebForm<PasswordForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    let change = PasswordChange { current_password: form.current_password, new_password: form.new_password };
    match account::change_password(&state, &user.auth, change).await {
        Ok(ended) => {
            let text = format!("your password is changed; {ended} other sessions and tokens were ended");
            Ok(account_page(&user, StatusCode::OK, Some(("ok", text))))
        }
        Err(e) if e.status.is_client_error() => Ok(account_page(&user, e.status, Some(("error", e.message)))),
        Err(e) => Err(e.into()),
    }
}

/// Everything the person keeps here, as the API's take-out zip.
async fn export(State(state): State<AppState>, user: WebUser) -> Result<Response, PageError> {
    Ok(crate::users::routes::takeout_download(&state, &user.auth.user).await?)
}

#[derive(Deserialize)]
struct DeleteForm {
    csrf: String,
    password: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// Deletes the account and everything it owns (the API's `DELETE /v1/me`), then ends the session.
async fn delete_account(
    State(state): State<AppState>,
    user: WebUser,
    WebForm(form): WebForm<DeleteForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    if form.confirm.is_none() {
        let text = "tick \"Yes, delete my account\" to delete it".to_owned();
        return Ok(account_page(&user, StatusCode::UNPROCESSABLE_ENTITY, Some(("error", text))));
    }
    match account::delete_account(&state, &user.auth, AccountDeletion { password: form.password }).await {
        Ok(()) => {
            let mut response = see_other("/app/sign-in");
            let cookie = session::end(session::secure_cookies(&state));
            response.headers_mut().append(axum::http::header::SET_COOKIE, cookie);
            Ok(response)
        }
        Err(e) if e.status == StatusCode::UNAUTHORIZED => {
            let text = "that is not your password, so nothing was deleted".to_owned();
            Ok(account_page(&user, StatusCode::UNPROCESSABLE_ENTITY, Some(("error", text))))
        }
        Err(e) if e.status.is_client_error() => Ok(account_page(&user, e.status, Some(("error", e.message)))),
        Err(e) => Err(e.into()),
    }
}
