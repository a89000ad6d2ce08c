//! Persistence of playlists: metadata plus ordered items, changed by operations with
//! compare-and-swap on the revision, each change committed atomically with its history entry.

use std::sync::Arc;

use async_trait::async_trait;

use super::{
    edit::ItemOp,
    history::HistoryEntry,
    model::{CopyLink, Item, ListCursor, ListScope, Playlist, PlaylistMeta, Revision},
};
use crate::store_error::StoreResult;

/// One user change, as the store commits it.
pub struct Commit<'a> {
    /// The metadata after the change (version bumped, derived fields in sync).
    pub meta: &'a PlaylistMeta,
    /// The items after the change, for a store that cannot express some operations in place.
    pub items: &'a [Arc<Item>],
    /// The operations leading from the stored items to `items`.
    pub ops: &'a [ItemOp],
    /// The revision the change was made from: the commit happens only if it is still current.
    pub expected: Revision,
    /// The change's history entry, stored in the same atomic step.
    pub history: &'a HistoryEntry,
    /// Most bytes the playlist's history may take; beyond it the oldest entries before the last
    /// `RESTORABLE_VERSIONS` go (entries within them always stay).
    pub history_budget: u64,
}

/// Platform links found for one item.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkUpdate {
    /// The item.
    pub item_id: String,
    /// The track the links are for (the item is left alone if it now names another).
    pub track_key: String,
    /// Links to add.
    pub links: Vec<String>,
}

/// Stores playlists; every change is one atomic conditional update.
#[async_trait]
pub trait PlaylistStore: Send + Sync {
    /// Inserts a new playlist together with its first history entry.
    async fn insert_playlist(&self, playlist: &Playlist, history: &HistoryEntry) -> StoreResult<()>;
    /// Reads a whole playlist (items in order).
    async fn playlist(&self, id: &str) -> StoreResult<Option<Playlist>>;
    /// Reads only a playlist's current revision (cheap: validates cached copies, answers 304s).
    async fn playlist_revision(&self, id: &str) -> StoreResult<Option<Revision>>;
    /// Applies a change if the stored revision is still `commit.expected`: `VersionMismatch`
    /// when the version moved, `Stale` when only enrichment landed, `NotFound` when gone.
    async fn commit(&self, commit: Commit<'_>) -> StoreResult<()>;
    /// Saves enrichment results: each item (by id) is replaced in content only if it is still
    /// pending. Bumps the enrichment generation when anything changed, never the version, and
    /// records no history; the pending count goes down by the items that are no longer pending
    /// (one may change and stay pending: why it waits). Returns the revision after and how many
    /// items changed.
    async fn apply_enrichment(&self, id: &str, items: &[Arc<Item>]) -> StoreResult<(Revision, usize)>;
    /// Adds platform links to items (by id) whose track is still the one searched for (same
    /// `track_key`); links an item already has are kept. Like enrichment results: bumps the
    /// enrichment generation when anything changed, never the version, and records no history.
    /// Returns the revision after and how many items changed.
    async fn add_item_links(&self, id: &str, updates: &[LinkUpdate]) -> StoreResult<(Revision, usize)>;
    /// Sets the owner's platform copies shown on the playlist. Like enrichment results: bumps
    /// the enrichment generation, never the version, no history. Returns the revision after.
    async fn set_copies(&self, id: &str, copies: &[CopyLink]) -> StoreResult<Revision>;
    /// Deletes the playlist, its items and its history if its stored version is still
    /// `expected_version` (when given).
    async fn delete_playlist(&self, id: &str, expected_version: Option<u64>) -> StoreResult<()>;
    /// A member's playlists in `scope`, most recently updated first, then by id descending.
    async fn playlists_for_member(
        &self,
        user_id: &str,
        scope: ListScope,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>>;
    /// Public playlists whose normalised name + description contain `query` (already
    /// normalised), most recently updated first, then by id descending.
    async fn public_playlists(
        &self,
        query: Option<&str>,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>>;
    /// Ids of the owner's playlists named exactly `name`, oldest first (ids are time-ordered).
    async fn playlist_ids_named(&self, owner_id: &str, name: &str) -> StoreResult<Vec<String>>;
    /// Ids of playlists that have items waiting for enrichment (at most `limit`).
    async fn playlists_with_pending(&self, limit: usize) -> StoreResult<Vec<String>>;
}
