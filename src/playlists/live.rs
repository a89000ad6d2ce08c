//! The current state of recently used playlists, kept in memory and checked against the store's
//! revision before each use (one cheap read, none at all on the embedded store).
//!
//! Reads and writes start from here, so a write to a large playlist does not re-read and
//! re-parse every item: it changes a shared copy (items are `Arc`s) and commits only the
//! operations. An entry is never trusted without that revision check, so it is right on every
//! replica. The cache is bounded by an estimate of bytes held.

use std::sync::Arc;

use moka::sync::Cache;

use super::model::{Playlist, Revision};

/// Estimated bytes held at most.
const MAX_BYTES: u64 = 24 * 1024 * 1024;
/// Estimated bytes per item (strings, Last.fm metadata, the `Arc`).
const BYTES_PER_ITEM: usize = 600;

/// Recently used playlists by id.
pub struct LivePlaylists {
    cache: Cache<String, Arc<Playlist>>,
}

impl Default for LivePlaylists {
    fn default() -> Self {
        let cache = Cache::builder()
            .max_capacity(MAX_BYTES)
            .weigher(|_: &String, p: &Arc<Playlist>| {
                u32::try_from(1024 + p.items.len() * BYTES_PER_ITEM).unwrap_or(u32::MAX)
            })
            .build();
        Self { cache }
    }
}

impl LivePlaylists {
    /// The playlist `id` if it is held at exactly `revision`.
    pub fn get(&self, id: &str, revision: Revision) -> Option<Arc<Playlist>> {
        self.cache.get(id).filter(|p| p.meta.revision() == revision)
    }

    /// Keeps `playlist` (replacing an older copy).
    pub fn put(&self, playlist: Arc<Playlist>) {
        self.cache.insert(playlist.meta.id.clone(), playlist);
    }

    /// Drops `id` (deleted, or its state is unknown after a failed write).
    pub fn forget(&self, id: &str) {
        self.cache.invalidate(id);
    }
}
