//! The account record.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A stored account. `password_hash` is an argon2id PHC string.
#[derive(Clone, Serialize, Deserialize)]
pub struct User {
    /// Stable id.
    pub id: String,
    /// Username as chosen (unique ignoring ASCII case).
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// Set when the account was deleted: the record stays (without a password) only to keep the
    /// username from being taken again for a while, then is purged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<DateTime<Utc>>,
    /// The user's time zone (IANA name, e.g. `Europe/Paris`): schedules and stats use it.
    #[serde(default = "utc")]
    pub timezone: String,
}

fn utc() -> String {
    "UTC".into()
}

impl User {
    /// True for the placeholder a deleted account leaves behind.
    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// The case-insensitive uniqueness key of a username.
    pub fn username_key(username: &str) -> String {
        username.to_ascii_lowercase()
    }
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User").field("id", &self.id).field("username", &self.username).finish_non_exhaustive()
    }
}
