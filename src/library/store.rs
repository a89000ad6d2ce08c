//! Persistence of folders, placements and the library search indexes.

use std::sync::Arc;

use async_trait::async_trait;

use super::{
    model::{FolderTree, Placement, PlacementChange},
    terms::SearchTerms,
};
use crate::{
    playlists::model::{Item, ListCursor, ListScope, PlaylistMeta},
    store_error::StoreResult,
};

/// One item a track search found.
#[derive(Debug, Clone)]
pub struct TrackHit {
    /// The item's duplicate-detection key (what groups hits into tracks).
    pub track_key: String,
    /// The playlist holding it.
    pub playlist_id: String,
    /// The item.
    pub item: Arc<Item>,
}

/// Stores folders and placements, and searches a user's library.
#[async_trait]
pub trait LibraryStore: Send + Sync {
    /// The user's folders (an empty tree at rev 0 when they have none).
    async fn folder_tree(&self, user_id: &str) -> StoreResult<FolderTree>;
    /// Stores `tree` if the stored one is still at `expected_rev` (0: none stored);
    /// `VersionMismatch` otherwise.
    async fn save_folder_tree(&self, tree: &FolderTree, expected_rev: u64) -> StoreResult<()>;
    /// The user's placements of `playlist_ids` (absent ones have none).
    async fn placements(&self, user_id: &str, playlist_ids: &[String]) -> StoreResult<Vec<Placement>>;
    /// All of the user's placements.
    async fn all_placements(&self, user_id: &str) -> StoreResult<Vec<Placement>>;
    /// Changes only the given fields of the user's placement of a playlist (creating it) and
    /// returns it after, so concurrent changes of different fields never undo each other.
    async fn update_placement(
        &self,
        user_id: &str,
        playlist_id: &str,
        change: &PlacementChange,
    ) -> StoreResult<Placement>;
    /// Ids of the playlists the user filed in one of `folders`.
    async fn filed_in(&self, user_id: &str, folders: &[String]) -> StoreResult<Vec<String>>;
    /// Ids of the playlists the user tagged `tag`.
    async fn tagged(&self, user_id: &str, tag: &str) -> StoreResult<Vec<String>>;
    /// Moves the user's placements in `from` to `to`; returns how many moved.
    async fn refile(&self, user_id: &str, from: &str, to: Option<&str>) -> StoreResult<u64>;
    /// Forgets every user's placement of a deleted playlist.
    async fn delete_placements_of_playlist(&self, playlist_id: &str) -> StoreResult<()>;
    /// Forgets a user's folders and placements (account deletion).
    async fn delete_library_of(&self, user_id: &str) -> StoreResult<()>;
    /// The member's playlists in `scope` among `ids`, most recently updated first, then by id
    /// descending.
    async fn member_playlists_among(
        &self,
        user_id: &str,
        scope: ListScope,
        ids: &[String],
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>>;
    /// The member's playlists whose name or description holds every word of `terms` (as word
    /// prefixes where the index allows), or whose id is in `also`; most recently updated first.
    async fn search_playlists(
        &self,
        user_id: &str,
        terms: &SearchTerms,
        also: &[String],
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>>;
    /// Items of the member's playlists whose artist, title and album hold every word of `terms`,
    /// of the first `limit` matching tracks (by `track_key`, ascending, after `after`), ordered
    /// by track, playlist and position.
    async fn search_tracks(
        &self,
        user_id: &str,
        terms: &SearchTerms,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<TrackHit>>;
    /// Removes up to `limit` index entries of items that no longer exist (the embedded store
    /// leaves them for later so that removing items stays cheap); returns how many went.
    async fn compact_search_index(&self, limit: usize) -> StoreResult<usize>;
}
