//! Persistence of bearer tokens (only their SHA-256 hashes are stored).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store_error::StoreResult;

/// A stored token: the hash of the secret, never the secret.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TokenRecord {
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// Owner.
    pub user_id: String,
    /// When issued.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Stores token hashes.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Saves a new token record.
    async fn insert_token(&self, token: &TokenRecord) -> StoreResult<()>;
    /// Looks a token up by hash.
    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenRecord>>;
    /// Deletes a token; true when it existed.
    async fn delete_token(&self, token_hash: &str) -> StoreResult<bool>;
    /// Deletes every token of `user_id` but `except` (a token hash); returns how many.
    async fn delete_tokens_of(&self, user_id: &str, except: Option<&str>) -> StoreResult<u64>;
    /// Deletes every token that expired before `now`; returns how many.
    async fn delete_expired_tokens(&self, now: DateTime<Utc>) -> StoreResult<u64>;
}
