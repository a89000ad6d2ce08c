//! Account creation with validated username, display name and password policy.

use super::model::User;
use crate::{
    auth::deps::AuthDeps, auth::password::check_password_policy, error::ApiError, ids, limits, store_error::StoreError,
};

/// A username that passed validation: 3–32 of `[A-Za-z0-9_.-]`.
pub struct Username(String);

impl Username {
    /// Validates a username.
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let ok_chars = raw.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !limits::USERNAME_LEN.contains(&raw.len()) || !ok_chars {
            return Err(ApiError::invalid(
                "invalid_username",
                "username must be 3-32 characters of letters, digits, '_', '.' or '-'",
            ));
        }
        Ok(Self(raw.to_owned()))
    }
    /// The username.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Validates a display name: trimmed, 1–100 characters, no control characters.
pub fn parse_display_name(raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    if !limits::DISPLAY_NAME_CHARS.contains(&name.chars().count()) || name.chars().any(char::is_control) {
        return Err(ApiError::invalid("invalid_display_name", "display_name must be 1-100 printable characters"));
    }
    Ok(name.to_owned())
}

/// Creates an account whose inputs are already validated; 409 when the username is taken.
pub async fn create_account(
    state: &dyn AuthDeps,
    username: Username,
    password: String,
    display_name: String,
    addr: Option<&str>,
) -> Result<User, ApiError> {
    state.signups().take(addr).await?;
    let user = User {
        id: ids::new_id(),
        username: username.0,
        display_name,
        password_hash: state.passwords().hash(password).await?,
        created_at: ids::now(),
        deleted_at: None,
        timezone: "UTC".into(),
    };
    match state.store().insert_user(&user).await {
        Ok(()) => Ok(user),
        Err(StoreError::Conflict(_)) => Err(ApiError::conflict("username_taken", "that username is taken")),
        Err(e) => Err(e.into()),
    }
}

/// Signs a new user up under the current rules (username format, password policy).
pub async fn sign_up(
    state: &dyn AuthDeps,
    username: &str,
    password: String,
    display_name: &str,
    addr: Option<&str>,
) -> Result<User, ApiError> {
    let username = Username::parse(username)?;
    let display_name = parse_display_name(display_name)?;
    check_password_policy(&password, username.as_str())?;
    create_account(state, username, password, display_name, addr).await
}
