//! `AuthUser` / `MaybeAuthUser`: Bearer tokens or HTTP Basic, resolved once per request.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{header, request::Parts},
};
use base64::{engine::general_purpose::STANDARD, Engine as _};

use super::service;
use crate::{app::AppState, error::ApiError, http::rate_limit::RateSlot, users::model::User};

/// The signed-in caller.
#[derive(Clone, Debug)]
pub struct AuthUser {
    /// The account.
    pub user: User,
    /// Hash of the bearer token used, when a token was used (not Basic).
    pub token_hash: Option<String>,
}

/// The caller if credentials were sent; invalid credentials are still a 401.
#[derive(Clone, Debug)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

/// The client's address (peer, or first `X-Forwarded-For` hop when trusted).
#[derive(Clone, Debug)]
pub struct ClientAddr(pub Option<String>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.config.http.trust_forwarded_for {
            let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
            if let Some(first) = forwarded.and_then(|v| v.split(',').next()).map(str::trim).filter(|s| !s.is_empty()) {
                return Ok(Self(Some(first.to_owned())));
            }
        }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(Self(peer))
    }
}

impl FromRequestParts<AppState> for MaybeAuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(cached) = parts.extensions.get::<MaybeAuthUser>() {
            return Ok(cached.clone());
        }
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Self(None));
        };
        let value = value.to_str().map_err(|_| malformed())?.trim();
        let (scheme, credentials) = value.split_once(' ').ok_or_else(malformed)?;
        let credentials = credentials.trim();
        let user = if scheme.eq_ignore_ascii_case("bearer") {
            service::authenticate_token(state, credentials).await?
        } else if scheme.eq_ignore_ascii_case("basic") {
            let decoded = STANDARD.decode(credentials).map_err(|_| malformed())?;
            let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
            let (username, password) = decoded.split_once(':').ok_or_else(malformed)?;
            let addr = ClientAddr::from_request_parts(parts, state).await?;
            let user = service::verify_login(state, username, password, addr.0.as_deref()).await?;
            AuthUser { user, token_hash: None }
        } else {
            return Err(ApiError::unauthorized("unsupported authorization scheme; use Bearer or Basic"));
        };
        let slot = parts.extensions.get::<RateSlot>().cloned();
        match state.user_limiter.check(&user.user.id) {
            Ok(info) => slot.iter().for_each(|s| s.set(info)),
            Err((error, info)) => {
                slot.iter().for_each(|s| s.set(info));
                return Err(error);
            }
        }
        let resolved = Self(Some(user));
        parts.extensions.insert(resolved.clone());
        Ok(resolved)
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        MaybeAuthUser::from_request_parts(parts, state)
            .await?
            .0
            .ok_or_else(|| ApiError::unauthorized("authentication required: send a Bearer token or Basic credentials"))
    }
}

fn malformed() -> ApiError {
    ApiError::unauthorized("malformed Authorization header")
}
