//! Account lifecycle: changing the password and deleting the account.

use chrono::Utc;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    auth::deps::AuthDeps,
    auth::{password::check_password_policy, AuthUser},
    connections::deps::ConnectionDeps,
    error::ApiError,
    playlists::deps::PlaylistDeps,
    playlists::{model::ListScope, write},
    users::model::User,
};

/// What managing an account needs: authentication (passwords, tokens), the playlists it owns or
/// shares (deleted or left with it) and its linked accounts (revoked with it).
pub trait AccountDeps: AuthDeps + PlaylistDeps + ConnectionDeps {}

impl<T: AuthDeps + PlaylistDeps + ConnectionDeps + ?Sized> AccountDeps for T {}

/// How long a deleted account's username stays reserved (so links and mentions of it cannot be
/// taken over by someone who signs up with it).
pub const USERNAME_HOLD_DAYS: i64 = 90;

/// Password change request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password now.
    pub current_password: String,
    /// The new one (same rules as at sign-up).
    pub new_password: String,
}

/// Account deletion request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountDeletion {
    /// The account's password, to confirm.
    pub password: String,
}

/// Checks `password` against the caller's stored hash (through the login throttle and the
/// bounded hashing slots); 401 when wrong.
async fn confirm_password(state: &dyn AccountDeps, caller: &User, password: &str) -> Result<(), ApiError> {
    let attempt = state.throttle().begin(&caller.username, None).await?;
    match state.passwords().verify(password.to_owned(), Some(caller.password_hash.clone())).await {
        Ok(true) => {
            state.throttle().succeeded(attempt).await;
            Ok(())
        }
        Ok(false) => Err(ApiError::unauthorized("the current password is not right")),
        Err(busy) => {
            state.throttle().abandon(attempt).await;
            Err(busy)
        }
    }
}

/// Changes the caller's password and revokes every other token of theirs (this one stays).
pub async fn change_password(
    state: &dyn AccountDeps,
    caller: &AuthUser,
    change: PasswordChange,
) -> Result<u64, ApiError> {
    check_password_policy(&change.new_password, &caller.user.username)?;
    confirm_password(state, &caller.user, &change.current_password).await?;
    let user = User { password_hash: state.passwords().hash(change.new_password).await?, ..caller.user.clone() };
    state.store().update_user(&user).await?;
    let revoked = state.store().delete_tokens_of(&user.id, caller.token_hash.as_deref()).await?;
    state.credentials().forget_user(&user.id);
    Ok(revoked)
}

/// Deletes the caller's account: its tokens go, its playlists (with their share links and
/// history) are deleted, it leaves every playlist shared with it, and its username stays
/// reserved for [`USERNAME_HOLD_DAYS`]. Forks others made of its playlists stay theirs.
pub async fn delete_account(
    state: &dyn AccountDeps,
    caller: &AuthUser,
    confirm: AccountDeletion,
) -> Result<(), ApiError> {
    confirm_password(state, &caller.user, &confirm.password).await?;
    let user = &caller.user;
    // First the placeholder: from here on nobody can sign in as this account.
    let placeholder = User {
        password_hash: String::new(),
        display_name: String::new(),
        deleted_at: Some(Utc::now()),
        ..user.clone()
    };
    state.store().update_user(&placeholder).await?;
    state.store().delete_tokens_of(&user.id, None).await?;
    state.credentials().forget_user(&user.id);
    // Linked accounts (YouTube's token revoked at Google first), remembered match decisions,
    // platform copies and idempotency keys.
    crate::connections::youtube_api::revoke(state, &user.id).await;
    state.store().delete_records_of(&user.id).await?;
    state.store().delete_library_of(&user.id).await?;
    state.store().delete_schedules_of(&user.id).await?;
    state.store().delete_listens_of(&user.id).await?;
    loop {
        let page = state.store().playlists_for_member(&user.id, ListScope::All, None, 100).await?;
        if page.is_empty() {
            break;
        }
        for meta in page {
            if meta.owner_id == user.id {
                crate::playlists::service::delete(state, user, &meta.id, None).await.or_else(gone)?;
            } else {
                let left = write::modify_as(state, user, &meta.id, "leave", |p| {
                    p.meta.collaborators.retain(|c| c.user_id != user.id);
                    Ok(())
                });
                left.await.map(|_| ()).or_else(gone)?;
            }
        }
    }
    tracing::info!(event = "account_deleted", user = %user.id, "account deleted");
    Ok(())
}

/// A playlist that disappeared meanwhile is already what deletion wants.
fn gone(e: ApiError) -> Result<(), ApiError> {
    if e.status == axum::http::StatusCode::NOT_FOUND {
        Ok(())
    } else {
        Err(e)
    }
}

/// Applies `patch` to the caller's account (read afresh, so nothing changed meanwhile is lost
/// from a cached copy) and returns it.
pub async fn update_account(
    state: &dyn AccountDeps,
    caller: &AuthUser,
    patch: super::dto::AccountPatch,
) -> Result<User, ApiError> {
    let mut user = state
        .store()
        .user_by_id(&caller.user.id)
        .await?
        .filter(|u| !u.is_deleted())
        .ok_or_else(|| ApiError::unauthorized("this account no longer exists"))?;
    if let Some(name) = patch.display_name {
        user.display_name = super::service::parse_display_name(&name)?;
    }
    if let Some(zone) = patch.timezone {
        let zone = zone.trim();
        let parsed: chrono_tz::Tz = zone.parse().map_err(|_| {
            ApiError::invalid(
                "invalid_timezone",
                format!("{zone:?} is not a time zone: use an IANA name such as Europe/Paris, America/New_York or UTC"),
            )
        })?;
        user.timezone = parsed.name().to_owned();
    }
    state.store().update_user(&user).await?;
    state.credentials().forget_user(&user.id);
    Ok(user)
}
