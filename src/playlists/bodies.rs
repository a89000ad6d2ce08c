//! Prebuilt playlist bodies: the JSON of `GET /v1/playlists/{id}` serialised once per revision
//! and reused until the revision changes.
//!
//! A playlist's content at a given revision never changes (every user write bumps the version,
//! every enrichment result the enrichment generation), so an entry keyed by id and checked
//! against the store's current revision (one cheap read) is always
//! right, on every replica. The cache is bounded by bytes.

use std::sync::Arc;

use bytes::Bytes;
use moka::sync::Cache;

use super::{
    dto::PlaylistDto,
    model::{Playlist, PlaylistMeta, Revision},
};

/// At most this many bytes of JSON are kept.
const MAX_BYTES: u64 = 8 * 1024 * 1024;

/// One playlist's serialised body at one version, with what access checks need.
pub struct PlaylistBody {
    /// The playlist without its items (owner, visibility, collaborators, version).
    pub meta: PlaylistMeta,
    /// The JSON body of `GET /v1/playlists/{id}`.
    pub json: Bytes,
}

/// The cache of prebuilt bodies, by playlist id and number of embedded items.
pub struct PlaylistBodies {
    cache: Cache<(String, usize), Arc<PlaylistBody>>,
}

impl Default for PlaylistBodies {
    fn default() -> Self {
        let cache = Cache::builder()
            .max_capacity(MAX_BYTES)
            .weigher(|(id, _): &(String, usize), body: &Arc<PlaylistBody>| {
                u32::try_from(id.len() + body.json.len() + 512).unwrap_or(u32::MAX)
            })
            .build();
        Self { cache }
    }
}

impl PlaylistBodies {
    /// The body of `id` with `items` embedded items if one was built for exactly `revision`.
    pub fn get(&self, id: &str, items: usize, revision: Revision) -> Option<Arc<PlaylistBody>> {
        self.cache.get(&(id.to_owned(), items)).filter(|b| b.meta.revision() == revision)
    }

    /// Serialises `playlist` with its first `items` items and keeps the result for later
    /// readers of the same version.
    pub fn build(&self, playlist: &Playlist, items: usize) -> Result<Arc<PlaylistBody>, serde_json::Error> {
        let json = Bytes::from(serde_json::to_vec(&PlaylistDto::with_first_items(playlist, items))?);
        let body = Arc::new(PlaylistBody { meta: playlist.meta.clone(), json });
        self.cache.insert((playlist.meta.id.clone(), items), body.clone());
        Ok(body)
    }
}
