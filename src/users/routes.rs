//! `POST /v1/users`, `GET /v1/me`, `POST /v1/me/password`, `DELETE /v1/me`, `GET /v1/me/export`.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    account::{self, AccountDeletion, PasswordChange},
    dto::{AccountPatch, NewUser, UserDto},
    service,
};
use crate::{
    app::AppState,
    auth::{extractor::ClientAddr, AuthUser},
    error::{ApiError, ErrorEnvelope},
    http::api_errors::{JsonBodyErrors, NeedsAuth},
    http::extract::ApiJson,
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_user))
        .routes(routes!(me, delete_me, update_me))
        .routes(routes!(change_password))
        .routes(routes!(export_everything))
}

/// Sign up.
#[utoipa::path(post, path = "/v1/users", tag = "users", request_body = NewUser,
    responses((status = 201, description = "Account created", body = UserDto),
        (status = 409, description = "Username taken (in any case)", body = ErrorEnvelope),
        (status = 429, description = "Too many sign-ups from this address (see `Retry-After`)", body = ErrorEnvelope),
        JsonBodyErrors))]
async fn create_user(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(body): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<UserDto>), ApiError> {
    let user = service::sign_up(&state, &body.username, body.password, &body.display_name, addr.0.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(UserDto::from(&user))))
}

/// The signed-in user.
#[utoipa::path(get, path = "/v1/me", tag = "users",
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The caller", body = UserDto), NeedsAuth))]
async fn me(caller: AuthUser) -> Json<UserDto> {
    Json(UserDto::from(&caller.user))
}

/// Change your display name or time zone (schedules and stats use it; `UTC` until set).
#[utoipa::path(patch, path = "/v1/me", tag = "users", request_body = AccountPatch,
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The account after", body = UserDto), JsonBodyErrors, NeedsAuth))]
async fn update_me(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(body): ApiJson<AccountPatch>,
) -> Result<Json<UserDto>, ApiError> {
    Ok(Json(UserDto::from(&account::update_account(&state, &caller, body).await?)))
}

/// What a password change did.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PasswordChanged {
    /// Other tokens of the account that stopped working (the one used for this request stays).
    pub revoked_tokens: u64,
}

/// Change the password (the current one confirms it); every other token of the account is revoked.
#[utoipa::path(post, path = "/v1/me/password", tag = "users", request_body = PasswordChange,
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Changed", body = PasswordChanged),
        (status = 422, description = "The new password breaks the rules (`weak_password`)", body = ErrorEnvelope),
        (status = 429, description = "Too many wrong passwords (see `Retry-After`)", body = ErrorEnvelope),
        (status = 503, description = "Too many password checks at once (see `Retry-After`)", body = ErrorEnvelope),
        JsonBodyErrors, NeedsAuth))]
async fn change_password(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<Json<PasswordChanged>, ApiError> {
    let revoked_tokens = account::change_password(&state, &caller, body).await?;
    Ok(Json(PasswordChanged { revoked_tokens }))
}

/// Delete the account (the password confirms it): its tokens, playlists and share links go, it
/// leaves every playlist shared with it, and its username stays reserved for 90 days.
#[utoipa::path(delete, path = "/v1/me", tag = "users", request_body = AccountDeletion,
    security(("bearer" = []), ("basic" = [])),
    responses((status = 204, description = "Deleted"),
        (status = 429, description = "Too many wrong passwords (see `Retry-After`)", body = ErrorEnvelope),
        (status = 503, description = "Too many password checks at once (see `Retry-After`)", body = ErrorEnvelope),
        JsonBodyErrors, NeedsAuth))]
async fn delete_me(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiJson(body): ApiJson<AccountDeletion>,
) -> Result<StatusCode, ApiError> {
    account::delete_account(&state, &caller, body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everything you have, to take with you: a zip with each playlist you own as JSPF and CSV, and
/// `account.json` (your account, your playlists, the playlists shared with you and your role
/// in each, your settings). No password hash or token is included.
#[utoipa::path(get, path = "/v1/me/export", tag = "users",
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The zip (`Content-Disposition: attachment`)", content_type = "application/zip"),
        NeedsAuth))]
async fn export_everything(State(state): State<AppState>, caller: AuthUser) -> Result<Response, ApiError> {
    takeout_download(&state, &caller.user).await
}

/// The take-out zip of `user` as a download (the API's and the web app's).
pub async fn takeout_download(state: &AppState, user: &crate::users::model::User) -> Result<Response, ApiError> {
    let (zip, length) = super::takeout::archive(state, user).await?;
    let disposition = format!("attachment; filename=\"sharify-{}.zip\"", user.username);
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(zip)));
    let headers = [
        (header::CONTENT_TYPE, "application/zip".to_owned()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::CONTENT_LENGTH, length.to_string()),
    ];
    Ok((headers, body).into_response())
}
