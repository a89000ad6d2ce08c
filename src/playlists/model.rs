//! The playlist document and its items.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::tracks::model::{Enrichment, TrackMeta};

/// Who may read a playlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Owner (and, later, collaborators) only.
    #[default]
    Private,
    /// Anyone holding the id or a link; not listed.
    Unlisted,
    /// Listed and searchable.
    Public,
}

/// One track in a playlist, addressed by its stable `item_id`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Item {
    /// Stable id, never reused.
    pub item_id: String,
    /// Artist as sent by the client.
    pub artist: String,
    /// Title as sent by the client.
    pub title: String,
    /// Album, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub album: Option<String>,
    /// Id of the user who added it.
    pub added_by: String,
    /// When it was added.
    pub added_at: DateTime<Utc>,
    /// Normalised artist + title used for duplicate detection.
    pub track_key: String,
    /// Enrichment state.
    #[serde(default)]
    pub enrichment: Enrichment,
    /// Last.fm metadata, once enriched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<TrackMeta>,
}

/// Playlist fields without its items (what listings carry).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlaylistMeta {
    /// Stable id.
    pub id: String,
    /// Owner's user id.
    pub owner_id: String,
    /// Owner's username (usernames never change).
    pub owner_username: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Who may read it.
    pub visibility: Visibility,
    /// Bumped by every write.
    pub version: u64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last write.
    pub updated_at: DateTime<Utc>,
    /// Number of items.
    pub item_count: usize,
    /// Number of items waiting for enrichment.
    #[serde(default)]
    pub pending_items: usize,
}

/// A whole playlist: one document, written atomically.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Playlist {
    /// Everything but the items.
    #[serde(flatten)]
    pub meta: PlaylistMeta,
    /// Items, in order.
    pub items: Vec<Item>,
}

impl Playlist {
    /// Recomputes derived fields before a write.
    pub fn sync_derived(&mut self) {
        self.meta.item_count = self.items.len();
        self.meta.pending_items = self.items.iter().filter(|i| i.enrichment == Enrichment::Pending).count();
    }
}

/// Keyset position in the owner's playlist listing (newest update first, then id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCursor {
    /// `updated_at` in microseconds of the last row seen.
    pub updated_us: i64,
    /// Id of the last row seen.
    pub id: String,
}
