//! Timing of the library store's operations.

use std::time::Instant;

use async_trait::async_trait;

use super::InstrumentedStore;
use crate::{
    library::{
        model::{FolderTree, Placement, PlacementChange},
        store::{LibraryStore, TrackHit},
        terms::SearchTerms,
    },
    playlists::model::{ListCursor, ListScope, PlaylistMeta},
    storage::StoreResult,
};

#[async_trait]
impl LibraryStore for InstrumentedStore {
    async fn folder_tree(&self, user_id: &str) -> StoreResult<FolderTree> {
        timed!(self.folder_tree(user_id))
    }
    async fn save_folder_tree(&self, tree: &FolderTree, expected_rev: u64) -> StoreResult<()> {
        timed!(self.save_folder_tree(tree, expected_rev))
    }
    async fn placements(&self, user_id: &str, playlist_ids: &[String]) -> StoreResult<Vec<Placement>> {
        timed!(self.placements(user_id, playlist_ids))
    }
    async fn all_placements(&self, user_id: &str) -> StoreResult<Vec<Placement>> {
        timed!(self.all_placements(user_id))
    }
    async fn update_placement(
        &self,
        user_id: &str,
        playlist_id: &str,
        change: &PlacementChange,
    ) -> StoreResult<Placement> {
        timed!(self.update_placement(user_id, playlist_id, change))
    }
    async fn filed_in(&self, user_id: &str, folders: &[String]) -> StoreResult<Vec<String>> {
        timed!(self.filed_in(user_id, folders))
    }
    async fn tagged(&self, user_id: &str, tag: &str) -> StoreResult<Vec<String>> {
        timed!(self.tagged(user_id, tag))
    }
    async fn refile(&self, user_id: &str, from: &str, to: Option<&str>) -> StoreResult<u64> {
        timed!(self.refile(user_id, from, to))
    }
    async fn delete_placements_of_playlist(&self, playlist_id: &str) -> StoreResult<()> {
        timed!(self.delete_placements_of_playlist(playlist_id))
    }
    async fn delete_library_of(&self, user_id: &str) -> StoreResult<()> {
        timed!(self.delete_library_of(user_id))
    }
    async fn member_playlists_among(
        &self,
        user_id: &str,
        scope: ListScope,
        ids: &[String],
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        timed!(self.member_playlists_among(user_id, scope, ids, after, limit))
    }
    async fn search_playlists(
        &self,
        user_id: &str,
        terms: &SearchTerms,
        also: &[String],
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        timed!(self.search_playlists(user_id, terms, also, after, limit))
    }
    async fn search_tracks(
        &self,
        user_id: &str,
        terms: &SearchTerms,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<TrackHit>> {
        timed!(self.search_tracks(user_id, terms, after, limit))
    }
    async fn compact_search_index(&self, limit: usize) -> StoreResult<usize> {
        timed!(self.compact_search_index(limit))
    }
}
