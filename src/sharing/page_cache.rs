//! Rendered pages of public and unlisted playlists (`/p/{id}` and its JSPF), kept per version.
//!
//! A page shows the playlist as it is at one version (every change bumps it) and the owner's
//! display name, which no route changes; so a page rendered for a version serves every later
//! visitor of that version after one cheap version check. Bounded by bytes.

use std::sync::Arc;

use bytes::Bytes;
use moka::sync::Cache;
use sha2::{Digest, Sha256};

use crate::{http::conditional::CachePolicy, playlists::model::Revision};

/// At most this many bytes of rendered pages are kept.
const MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Which rendering of a playlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    /// The HTML page.
    Html,
    /// The JSPF download.
    Jspf,
}

/// One rendered answer with its validator and cache policy.
pub struct RenderedPage {
    /// The bytes sent.
    pub body: Bytes,
    /// Strong ETag: a hash of the bytes.
    pub etag: String,
    /// Who may cache it (public playlists: shared caches too).
    pub policy: CachePolicy,
}

impl RenderedPage {
    /// Wraps a rendered body, computing its ETag.
    pub fn new(body: String, policy: CachePolicy) -> Self {
        let digest = Sha256::digest(body.as_bytes());
        Self { etag: format!("\"{}\"", hex::encode(&digest[..16])), body: Bytes::from(body), policy }
    }
}

/// The cache, by playlist id, kind and version.
pub struct SharePages {
    cache: Cache<(String, PageKind, Revision), Arc<RenderedPage>>,
}

impl Default for SharePages {
    fn default() -> Self {
        let cache = Cache::builder()
            .max_capacity(MAX_BYTES)
            .weigher(|(id, _, _): &(String, PageKind, Revision), page: &Arc<RenderedPage>| {
                u32::try_from(id.len() + page.body.len() + 256).unwrap_or(u32::MAX)
            })
            .build();
        Self { cache }
    }
}

impl SharePages {
    /// The page rendered for exactly this version, if any.
    pub fn get(&self, id: &str, kind: PageKind, revision: Revision) -> Option<Arc<RenderedPage>> {
        self.cache.get(&(id.to_owned(), kind, revision))
    }

    /// Keeps a page rendered at `version`.
    pub fn insert(&self, id: &str, kind: PageKind, revision: Revision, page: Arc<RenderedPage>) {
        self.cache.insert((id.to_owned(), kind, revision), page);
    }
}
