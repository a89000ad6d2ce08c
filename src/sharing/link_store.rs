//! A share link as stored, and the store that keeps them: the part of share links the stores
//! implement, apart from the service (`links`) so the stores need nothing above them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{playlists::model::Role, store_error::StoreResult};

/// A stored share link (never the token itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareLink {
    /// Id used to list and revoke it.
    pub link_id: String,
    /// The playlist it opens.
    pub playlist_id: String,
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// `viewer` or `contributor`.
    pub role: Role,
    /// Who made it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// How many joins it allows, if limited.
    pub max_uses: Option<u32>,
    /// Joins so far.
    pub uses: u32,
    /// Reads so far.
    pub visits: u64,
    /// Revoked by the owner.
    pub revoked: bool,
}

impl ShareLink {
    /// `active`, `expired`, `used_up` or `revoked`.
    pub fn state(&self, now: DateTime<Utc>) -> &'static str {
        if self.revoked {
            "revoked"
        } else if self.expires_at.is_some_and(|e| now >= e) {
            "expired"
        } else if self.max_uses.is_some_and(|m| self.uses >= m) {
            "used_up"
        } else {
            "active"
        }
    }
}

/// Stores share links (one document each; counters updated atomically).
#[async_trait]
pub trait ShareLinkStore: Send + Sync {
    /// Saves a new link.
    async fn insert_link(&self, link: &ShareLink) -> StoreResult<()>;
    /// A playlist's links, oldest first.
    async fn links_for(&self, playlist_id: &str) -> StoreResult<Vec<ShareLink>>;
    /// The link with this token hash.
    async fn link_by_token(&self, token_hash: &str) -> StoreResult<Option<ShareLink>>;
    /// Revokes a link of this playlist; false when there is none.
    async fn revoke_link(&self, playlist_id: &str, link_id: &str) -> StoreResult<bool>;
    /// Adds `visits` reads to a link's count (batched: see `sharing::visits`).
    async fn count_visits(&self, link_id: &str, visits: u64) -> StoreResult<()>;
    /// Counts a join if the link is not revoked and has uses left (atomic); false otherwise.
    async fn use_link(&self, link_id: &str, max_uses: Option<u32>) -> StoreResult<bool>;
    /// Gives one use back (a join that granted nothing).
    async fn return_link_use(&self, link_id: &str) -> StoreResult<()>;
    /// Deletes a playlist's links.
    async fn delete_links_for(&self, playlist_id: &str) -> StoreResult<()>;
}
