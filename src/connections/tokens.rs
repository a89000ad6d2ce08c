//! A linked account's tokens: sealed at rest, opened only to make a call, and refreshed before
//! they expire (or when Spotify refuses one) exactly once however many requests need them: one
//! task per connection in this process (a lock), one replica at a time (a short lease record in
//! the store), because Spotify may rotate the refresh token and a second refresh with the old
//! one would break the link.

use std::time::Duration;

use chrono::{Duration as Span, Utc};
use serde::{Deserialize, Serialize};

use super::{
    cipher::{Sealed, TokenCipher},
    key, load,
    oauth::{provider, GrantError},
    platform_name, save, Connection, ConnectionStatus,
};
use crate::{connections::deps::ConnectionDeps, error::ApiError, platforms::Platform, storage::records::RecordKey};

/// The tokens of a connection, as sealed.
#[derive(Serialize, Deserialize)]
pub struct Tokens {
    /// Access token.
    pub access_token: String,
    /// Refresh token.
    pub refresh_token: Option<String>,
}

/// Refreshed this long before the access token expires.
const EARLY: Span = Span::seconds(60);
/// How long one replica may hold a refresh.
const LEASE: Span = Span::seconds(60);
/// How long a request waits for another replica's refresh before answering 503.
const WAIT_FOR_OTHER: Duration = Duration::from_secs(20);

/// The token cipher, or 503 with what to set.
pub fn cipher(state: &dyn ConnectionDeps) -> Result<&TokenCipher, ApiError> {
    state.token_cipher().as_deref().ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "linking_not_configured",
            "linking accounts is not configured on this server: set SHARIFY_CONNECTIONS__TOKEN_KEY (secret \
             token-key) to 32 random bytes, base64",
        )
    })
}

/// What a connection's tokens are bound to: the record they are kept in.
pub fn context(user_id: &str, platform: Platform) -> String {
    format!("connection\u{1e}{}", super::key(user_id, platform))
}

/// Seals `tokens` for `user_id`'s `platform` link.
pub fn seal(
    state: &dyn ConnectionDeps,
    user_id: &str,
    platform: Platform,
    tokens: &Tokens,
) -> Result<Sealed, ApiError> {
    let plain = serde_json::to_vec(tokens).map_err(ApiError::internal)?;
    cipher(state)?.seal(&plain, &context(user_id, platform)).map_err(ApiError::internal)
}

/// Opens the tokens of `user_id`'s `platform` link.
pub fn open(
    state: &dyn ConnectionDeps,
    user_id: &str,
    platform: Platform,
    sealed: &Sealed,
) -> Result<Tokens, ApiError> {
    let plain = cipher(state)?.open(sealed, &context(user_id, platform)).map_err(ApiError::internal)?;
    serde_json::from_slice(&plain).map_err(ApiError::internal)
}

/// 409 with how to link `platform`.
pub fn not_linked_on(platform: Platform) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::CONFLICT,
        format!("{}_not_linked", platform_name(platform)),
        format!(
            "link your {} account first: POST /v1/connections/{} gives the address to open in a browser",
            platform.label(),
            platform_name(platform)
        ),
    )
}

/// 409 with how to link Spotify.
pub fn not_linked() -> ApiError {
    not_linked_on(Platform::Spotify)
}

fn broken(platform: Platform, message: Option<&str>) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::CONFLICT,
        format!("{}_link_broken", platform_name(platform)),
        message.map_or_else(
            || format!("your {} link no longer works: link your account again", platform.label()),
            str::to_owned,
        ),
    )
}

/// The access token of `connection` when it is good for a while yet and is not `refused`.
fn usable(
    state: &dyn ConnectionDeps,
    user_id: &str,
    connection: &Connection,
    refused: Option<&str>,
) -> Result<Option<String>, ApiError> {
    if connection.status == ConnectionStatus::Broken {
        return Err(broken(connection.platform, connection.message.as_deref()));
    }
    let sealed = connection.tokens.as_ref().ok_or_else(|| not_linked_on(connection.platform))?;
    let tokens = open(state, user_id, connection.platform, sealed)?;
    let fresh = connection.access_expires_at.is_some_and(|t| t > Utc::now() + EARLY);
    Ok((fresh && refused != Some(tokens.access_token.as_str())).then_some(tokens.access_token))
}

/// A Spotify access token for `user_id` that Spotify should accept; pass the token Spotify just
/// refused as `refused` to get a new one.
pub async fn spotify_token(
    state: &dyn ConnectionDeps,
    user_id: &str,
    refused: Option<&str>,
) -> Result<String, ApiError> {
    access_token(state, user_id, Platform::Spotify, refused).await
}

/// An access token for `user_id` on `platform` that the platform should accept; pass the token
/// it just refused as `refused` to get a new one.
pub async fn access_token(
    state: &dyn ConnectionDeps,
    user_id: &str,
    platform: Platform,
    refused: Option<&str>,
) -> Result<String, ApiError> {
    let linked = || async { load(state, user_id, platform).await?.ok_or_else(|| not_linked_on(platform)) };
    let connection = linked().await?;
    if let Some(token) = usable(state, user_id, &connection, refused)? {
        return Ok(token);
    }
    let key = key(user_id, platform);
    let _one_here = state.refresh_locks().lock(&key).await;
    // Someone may have refreshed while this task waited.
    let connection = linked().await?;
    if let Some(token) = usable(state, user_id, &connection, refused)? {
        return Ok(token);
    }
    let lease = RecordKey { kind: "token_refresh", owner: user_id, key: &key };
    let holder = crate::ids::new_id();
    if state.store().claim_record(lease, &holder, Utc::now() + LEASE).await?.is_some() {
        return wait_for_other_replica(state, user_id, platform, refused).await;
    }
    // Another replica may have refreshed and let go of the lease between the read above and the
    // claim: its tokens are saved before its lease goes, so this read sees them. Refreshing
    // again with the refresh token it rotated out would break the link.
    let connection = linked().await?;
    if let Some(token) = usable(state, user_id, &connection, refused)? {
        let _ = state.store().delete_record_if("token_refresh", &key, &holder).await;
        return Ok(token);
    }
    let result = refresh_now(state, user_id, connection).await;
    // Only this refresh's own lease: had it run past it, another replica's would stay.
    if let Err(e) = state.store().delete_record_if("token_refresh", &key, &holder).await {
        tracing::warn!(error = %e, "refresh lease not released; it expires by itself");
    }
    result
}

/// Another replica is refreshing: wait (bounded) until the stored token changes.
async fn wait_for_other_replica(
    state: &dyn ConnectionDeps,
    user_id: &str,
    platform: Platform,
    refused: Option<&str>,
) -> Result<String, ApiError> {
    let deadline = tokio::time::Instant::now() + WAIT_FOR_OTHER;
    while tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let connection = load(state, user_id, platform).await?.ok_or_else(|| not_linked_on(platform))?;
        if let Some(token) = usable(state, user_id, &connection, refused)? {
            return Ok(token);
        }
    }
    Err(ApiError::unavailable(format!("refreshing your {} link took too long; try again", platform.label())))
}

async fn refresh_now(
    state: &dyn ConnectionDeps,
    user_id: &str,
    mut connection: Connection,
) -> Result<String, ApiError> {
    let platform = connection.platform;
    let sealed = connection.tokens.as_ref().ok_or_else(|| not_linked_on(platform))?;
    let tokens = open(state, user_id, platform, sealed)?;
    let refresh_token = tokens.refresh_token.clone().ok_or_else(|| broken(platform, None))?;
    match provider(state, platform)?.refresh(&refresh_token).await {
        Ok(grant) => {
            let tokens = Tokens {
                access_token: grant.access_token.clone(),
                refresh_token: grant.refresh_token.or(Some(refresh_token)),
            };
            connection.tokens = Some(seal(state, user_id, platform, &tokens)?);
            connection.access_expires_at = Some(Utc::now() + Span::seconds(grant.expires_in.unwrap_or(3600)));
            if let Some(scope) = grant.scope.filter(|s| !s.is_empty()) {
                connection.scopes = scope.split_whitespace().map(str::to_owned).collect();
            }
            save(state, user_id, &connection).await?;
            Ok(grant.access_token)
        }
        Err(GrantError::Refused(why)) => {
            tracing::info!(reason = %why, platform = platform_name(platform), "a refresh was refused; the link is broken");
            connection.status = ConnectionStatus::Broken;
            connection.tokens = None;
            connection.message = Some(match platform {
                Platform::Spotify => "Spotify no longer accepts this link (it ends 6 months after you linked, or when \
                                      you remove sharify from your Spotify account's apps): link your Spotify account again"
                    .into(),
                other => format!(
                    "{} no longer accepts this link (access was removed from your account): link your account again",
                    other.label()
                ),
            });
            save(state, user_id, &connection).await?;
            let message = connection.message.as_deref().unwrap_or_default();
            crate::notifications::connection_broken(state.store().as_ref(), user_id, platform_name(platform), message)
                .await;
            Err(broken(platform, connection.message.as_deref()))
        }
        Err(GrantError::Other(e)) => Err(e),
    }
}
