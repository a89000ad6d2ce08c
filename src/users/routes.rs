//! `POST /v1/users`, `GET /v1/me`.

use axum::{extract::State, http::StatusCode, Json};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    dto::{NewUser, UserDto},
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
    OpenApiRouter::new().routes(routes!(create_user)).routes(routes!(me))
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
