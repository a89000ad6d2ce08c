//! Persistence of playlists: whole documents with compare-and-swap on `version`.

use async_trait::async_trait;

use super::model::{ListCursor, ListScope, Playlist, PlaylistMeta};
use crate::storage::StoreResult;

/// Stores playlists as single documents; every write is one atomic conditional update.
#[async_trait]
pub trait PlaylistStore: Send + Sync {
    /// Inserts a new playlist.
    async fn insert_playlist(&self, playlist: &Playlist) -> StoreResult<()>;
    /// Reads a whole playlist.
    async fn playlist(&self, id: &str) -> StoreResult<Option<Playlist>>;
    /// Reads only a playlist's current version (cheap: validates cached bodies, answers 304s).
    async fn playlist_version(&self, id: &str) -> StoreResult<Option<u64>>;
    /// Replaces the playlist if its stored version is still `expected_version`
    /// (`VersionMismatch` otherwise, `NotFound` when gone).
    async fn replace_playlist(&self, playlist: &Playlist, expected_version: u64) -> StoreResult<()>;
    /// Deletes the playlist if its stored version is still `expected_version` (when given).
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
