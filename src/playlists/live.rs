//! The current state of recently used playlists, kept in memory and checked against the store's
//! revision before each use (one cheap read, none at all on the embedded store).
//!
//! Reads and writes start from here, so a write to a large playlist does not re-read and
//! re-parse every item: it changes a shared copy (items are `Arc`s) and commits only the
//! operations. An entry is never trusted without that revision check, so it is right on every
//! replica. The cache is bounded by an estimate of bytes held.

use std::sync::Arc;

use moka::sync::Cache;

use super::model::{Item, Playlist, Revision};

/// Estimated bytes held at most.
const MAX_BYTES: u64 = 24 * 1024 * 1024;
/// Estimated bytes per item (strings, Last.fm metadata, the `Arc`).
const BYTES_PER_ITEM: usize = 600;

/// Recently used playlists by id, and their estimated stored sizes.
pub struct LivePlaylists {
    cache: Cache<String, Arc<Playlist>>,
    sizes: Cache<String, (Revision, usize)>,
}

/// The estimated stored size of one item (its JSON plus what BSON adds per field).
pub fn item_bytes(item: &Item) -> usize {
    serde_json::to_vec(item).map_or(4096, |v| v.len()) + 96
}

/// The estimated stored size of a whole playlist.
pub fn playlist_bytes(playlist: &Playlist) -> usize {
    let meta = serde_json::to_vec(&playlist.meta).map_or(8192, |v| v.len());
    meta + 1024 + playlist.items.iter().map(|i| item_bytes(i)).sum::<usize>()
}

impl Default for LivePlaylists {
    fn default() -> Self {
        let cache = Cache::builder()
            .max_capacity(MAX_BYTES)
            .weigher(|_: &String, p: &Arc<Playlist>| {
                u32::try_from(1024 + p.items.len() * BYTES_PER_ITEM).unwrap_or(u32::MAX)
            })
            .build();
        Self { cache, sizes: Cache::new(10_000) }
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
        self.sizes.invalidate(id);
    }

    /// The estimated stored size of `playlist` (computed once per revision, then kept).
    pub fn size_of(&self, playlist: &Playlist) -> usize {
        let revision = playlist.meta.revision();
        if let Some((at, bytes)) = self.sizes.get(&playlist.meta.id) {
            if at == revision {
                return bytes;
            }
        }
        let bytes = playlist_bytes(playlist);
        self.sizes.insert(playlist.meta.id.clone(), (revision, bytes));
        bytes
    }

    /// Records the size of a revision the caller computed incrementally.
    pub fn set_size(&self, playlist: &Playlist, bytes: usize) {
        self.sizes.insert(playlist.meta.id.clone(), (playlist.meta.revision(), bytes));
    }
}
