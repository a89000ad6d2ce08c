//! Login verification (throttled, constant-shape), token issue, lookup and revocation.

use chrono::{Duration, Utc};

use super::{
    cache::CachedToken,
    deps::AuthDeps,
    extractor::AuthUser,
    store::TokenRecord,
    tokens::{generate_token, hash_token},
};
use crate::{error::ApiError, users::model::User};

const BAD_CREDENTIALS: &str = "invalid username or password";

/// Checks a username and password; throttles failures per username and address.
/// The answer (and its timing) is the same whether or not the username exists.
pub async fn verify_login(
    state: &dyn AuthDeps,
    username: &str,
    password: &str,
    addr: Option<&str>,
) -> Result<User, ApiError> {
    if let Some(user) = state.credentials().basic(username, password) {
        state.throttle().known_lockout(username, addr)?;
        return Ok(user);
    }
    let attempt = state.throttle().begin(username, addr).await?;
    let user = if username.len() <= 64 { state.store().user_by_username(username).await? } else { None };
    let user = user.filter(|u| !u.is_deleted());
    let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
    let password_ok = match state.passwords().verify(password.to_owned(), stored_hash).await {
        Ok(ok) => ok,
        Err(busy) => {
            state.throttle().abandon(attempt).await;
            return Err(busy);
        }
    };
    match user {
        Some(user) if password_ok => {
            state.throttle().succeeded(attempt).await;
            state.credentials().remember_basic(username, password, user.clone());
            Ok(user)
        }
        _ => {
            drop(attempt); // it stays counted as a failure
            tracing::info!(event = "login_failed", "failed login");
            Err(ApiError::unauthorized(BAD_CREDENTIALS))
        }
    }
}

/// Issues a bearer token for `user`; returns the token (shown once) and its stored record.
pub async fn issue_token(state: &dyn AuthDeps, user: &User) -> Result<(String, TokenRecord), ApiError> {
    let (token, token_hash) = generate_token();
    let now = Utc::now();
    let record = TokenRecord {
        token_hash,
        user_id: user.id.clone(),
        created_at: now,
        expires_at: now + Duration::days(i64::from(state.config().auth.token_ttl_days)),
    };
    state.store().insert_token(&record).await?;
    Ok((token, record))
}

/// Resolves a bearer token to its user; expired or unknown tokens are a 401.
pub async fn authenticate_token(state: &dyn AuthDeps, token: &str) -> Result<AuthUser, ApiError> {
    let invalid = || ApiError::unauthorized("invalid or expired token");
    if token.is_empty() || token.len() > 256 {
        return Err(invalid());
    }
    let token_hash = hash_token(token);
    if let Some(user) = state.credentials().token(&token_hash) {
        return Ok(AuthUser { user, token_hash: Some(token_hash) });
    }
    let record = state.store().token_by_hash(&token_hash).await?.ok_or_else(invalid)?;
    if record.expires_at <= Utc::now() {
        return Err(invalid());
    }
    let user = state.store().user_by_id(&record.user_id).await?.filter(|u| !u.is_deleted()).ok_or_else(invalid)?;
    let entry = CachedToken { user: user.clone(), expires_at: record.expires_at };
    state.credentials().remember_token(token_hash.clone(), entry);
    Ok(AuthUser { user, token_hash: Some(token_hash) })
}

/// Revokes the token the caller authenticated with.
pub async fn revoke_current(state: &dyn AuthDeps, caller: &AuthUser) -> Result<(), ApiError> {
    let hash = caller.token_hash.as_deref().ok_or_else(|| {
        ApiError::bad_request("no_token", "this request was authenticated with Basic credentials, not a token")
    })?;
    state.store().delete_token(hash).await?;
    state.credentials().forget_token(hash);
    Ok(())
}
