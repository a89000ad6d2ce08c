//! `POST /v1/auth/tokens`, `DELETE /v1/auth/tokens/current`.

use axum::{extract::State, http::StatusCode, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{extractor::ClientAddr, service, AuthUser};
use crate::{
    app::AppState,
    error::{ApiError, ErrorEnvelope},
    http::api_errors::{JsonBodyErrors, NeedsAuth},
    http::extract::ApiJson,
    users::dto::UserDto,
};

/// Credentials exchanged for a token.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// Username (any case).
    pub username: String,
    /// Password.
    pub password: String,
}

/// A newly issued bearer token (shown only here, once).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    /// The token; send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
    /// Whom it belongs to.
    pub user: UserDto,
}

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_token)).routes(routes!(revoke_current_token))
}

/// Exchange username and password for a bearer token.
#[utoipa::path(post, path = "/v1/auth/tokens", tag = "auth", request_body = TokenRequest,
    responses((status = 201, description = "Token issued", body = TokenResponse),
        (status = 401, description = "Wrong username or password", body = ErrorEnvelope),
        (status = 429, description = "Too many failed logins; see Retry-After", body = ErrorEnvelope), JsonBodyErrors))]
async fn create_token(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<(StatusCode, Json<TokenResponse>), ApiError> {
    let user = service::verify_login(&state, &body.username, &body.password, addr.0.as_deref()).await?;
    let (token, record) = service::issue_token(&state, &user).await?;
    let response =
        TokenResponse { token, token_type: "Bearer".into(), expires_at: record.expires_at, user: UserDto::from(&user) };
    Ok((StatusCode::CREATED, Json(response)))
}

/// Revoke the bearer token this request is authenticated with.
#[utoipa::path(delete, path = "/v1/auth/tokens/current", tag = "auth",
    security(("bearer" = [])),
    responses((status = 204, description = "Token revoked"),
        (status = 400, description = "Authenticated with Basic, not a token", body = ErrorEnvelope), NeedsAuth))]
async fn revoke_current_token(State(state): State<AppState>, caller: AuthUser) -> Result<StatusCode, ApiError> {
    service::revoke_current(&state, &caller).await?;
    Ok(StatusCode::NO_CONTENT)
}
