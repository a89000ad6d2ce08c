//! Persistence of accounts.

use async_trait::async_trait;

use super::model::User;
use crate::storage::StoreResult;

/// Stores accounts; usernames are unique ignoring ASCII case.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Inserts a new user; `Conflict("username")` when the username is taken in any case.
    async fn insert_user(&self, user: &User) -> StoreResult<()>;
    /// Finds a user by id.
    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>>;
    /// Finds a user by username, ignoring ASCII case.
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>>;
}
