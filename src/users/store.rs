//! Persistence of accounts.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::model::User;
use crate::store_error::StoreResult;

/// Stores accounts; usernames are unique ignoring ASCII case.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Inserts a new user; `Conflict("username")` when the username is taken in any case.
    async fn insert_user(&self, user: &User) -> StoreResult<()>;
    /// Finds a user by id.
    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>>;
    /// Finds a user by username, ignoring ASCII case.
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>>;
    /// Replaces a user's record (same id and username); `NotFound` when gone.
    async fn update_user(&self, user: &User) -> StoreResult<()>;
    /// Removes the records of accounts deleted before `before`; returns how many.
    async fn purge_deleted_users(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}
