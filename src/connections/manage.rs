//! Linking a Last.fm username and unlinking any account: what the API's `PUT` and `DELETE
//! /v1/connections/{platform}` and the web app's linked-accounts page both do.

use chrono::Utc;

use super::{deps::ConnectionDeps, load, platform_name, save, Connection, ConnectionStatus, KIND};
use crate::{error::ApiError, lastfm::LastfmError, platforms::Platform, tracks::deps::EnrichDeps};

/// What linking a Last.fm username needs: the linked accounts, and Last.fm (to check the name).
pub trait LastfmLinkDeps: ConnectionDeps + EnrichDeps {}

impl<T: ConnectionDeps + EnrichDeps + ?Sized> LastfmLinkDeps for T {}

fn valid_lastfm_name(name: &str) -> bool {
    (2..=15).contains(&name.chars().count())
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Links `username` as `user_id`'s Last.fm account, checked with Last.fm when it is configured
/// here (the connection's message says when it could not be checked, and why).
pub async fn link_lastfm(state: &dyn LastfmLinkDeps, user_id: &str, username: &str) -> Result<Connection, ApiError> {
    let username = username.trim().to_owned();
    if !valid_lastfm_name(&username) {
        return Err(ApiError::invalid(
            "invalid_lastfm_username",
            "a Last.fm username has 2-15 characters: a letter first, then letters, digits, _ or -",
        ));
    }
    // Never shown as checked when it was not: the message says so, and why.
    let message = match state.tracks().client() {
        Ok(client) => match client.recent_tracks(&username, 1, 1).await {
            Ok(_) => None,
            Err(LastfmError::NotFound(_)) => {
                return Err(ApiError::invalid("lastfm_user_not_found", format!("Last.fm has no user {username}")))
            }
            Err(LastfmError::Api { code: 17, .. }) => {
                Some("your Last.fm listening history is private: make it public on Last.fm for stats".to_owned())
            }
            Err(e) => {
                tracing::info!(error = %e, "Last.fm user not checked");
                Some("not checked: Last.fm did not answer; link it again later to have it checked".to_owned())
            }
        },
        Err(_) => Some("not checked: this server has no Last.fm key, so the username is taken as given".to_owned()),
    };
    let connection = Connection {
        platform: Platform::Lastfm,
        status: ConnectionStatus::Active,
        account_id: Some(username.clone()),
        user_id: Some(username.clone()),
        display_name: Some(username),
        scopes: Vec::new(),
        access_expires_at: None,
        linked_at: Utc::now(),
        message,
        tokens: None,
    };
    save(state, user_id, &connection).await?;
    Ok(connection)
}

/// Unlinks `user_id`'s account on `platform` and forgets its tokens (YouTube's are revoked at
/// Google too; Spotify offers apps no way to revoke one). 404 `not_linked` when there is none.
pub async fn unlink(state: &dyn ConnectionDeps, user_id: &str, platform: Platform) -> Result<(), ApiError> {
    if load(state, user_id, platform).await?.is_none() {
        return Err(ApiError::not_found("not_linked", format!("no {} account is linked", platform.label())));
    }
    if platform == Platform::Youtube {
        super::youtube_api::revoke(state, user_id).await;
    }
    state.store().delete_record(KIND, &super::key(user_id, platform)).await?;
    tracing::info!(platform = platform_name(platform), "account unlinked");
    Ok(())
}
