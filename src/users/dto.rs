//! Request and response shapes of the users feature.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::User;

/// Sign-up request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// 3–32 characters of `A-Z a-z 0-9 _ . -`, unique ignoring case.
    pub username: String,
    /// At least 10 characters, not a common password.
    pub password: String,
    /// Name shown to others (1–100 characters).
    pub display_name: String,
}

/// A user as others see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserDto {
    /// Stable id.
    pub id: String,
    /// Username.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// Time zone (IANA name; `UTC` until set).
    pub timezone: String,
}

impl From<&User> for UserDto {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.clone(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            created_at: u.created_at,
            timezone: u.timezone.clone(),
        }
    }
}

/// Changes to your account (any subset).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    /// New display name (1-100 printable characters).
    pub display_name: Option<String>,
    /// Your time zone, an IANA name such as `Europe/Paris` or `America/New_York`.
    pub timezone: Option<String>,
}
