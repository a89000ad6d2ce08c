//! The playlist document and its items.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    matching::model::TrackMatch,
    tracks::model::{Enrichment, TrackMeta},
};

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

/// A collaborator's role. The owner is not a collaborator; they can do everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read the playlist.
    Viewer,
    /// Read; add items; remove items they added.
    Contributor,
    /// Read; add, remove and move any item; edit name and description; restore versions.
    Editor,
}

/// Someone the owner shares the playlist with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collaborator {
    /// User id.
    pub user_id: String,
    /// Username (usernames never change).
    pub username: String,
    /// What they may do.
    pub role: Role,
    /// When they were added (or joined through a link).
    pub added_at: DateTime<Utc>,
}

/// Where a fork came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ForkedFrom {
    /// The source playlist.
    pub playlist_id: String,
    /// Its version when forked.
    pub version: u64,
}

/// One track in a playlist, addressed by its stable `item_id`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Item {
    /// Stable id, never reused.
    pub item_id: String,
    /// Sort key: items are in ascending `pos` order. Sparse (gaps of [`POSITION_GAP`]) so an
    /// insert or move changes only the items it touches.
    #[serde(default)]
    pub pos: i64,
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
    /// Duration in milliseconds, as the file or client gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// MusicBrainz recording id, as the file or client gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mbid: Option<String>,
    /// ISRC, as the file or client gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isrc: Option<String>,
    /// Links to the track on music platforms (Spotify, Deezer, YouTube, Apple Music, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    /// Which canonical track this item is, and how sure we are.
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub matching: Option<TrackMatch>,
    /// Featured artists besides `artist` (the main one), as the file or client gave them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub featured_artists: Vec<String>,
    /// Cover art as the file or client gave it (`https://`); Last.fm's wins when matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

impl Item {
    /// A new item for `artist` / `title`, added by `added_by` now, not yet looked up.
    pub fn new(artist: String, title: String, added_by: &str) -> Self {
        Self {
            item_id: crate::ids::new_id(),
            pos: 0,
            track_key: super::normalize::track_key(&artist, &title),
            artist,
            title,
            album: None,
            added_by: added_by.to_owned(),
            added_at: crate::ids::now(),
            enrichment: Enrichment::Unenriched,
            meta: None,
            duration_ms: None,
            mbid: None,
            isrc: None,
            links: Vec::new(),
            matching: None,
            featured_artists: Vec::new(),
            image: None,
        }
    }

    /// Last.fm's metadata when it is a match to trust (matched, or from before matching existed).
    pub fn trusted_meta(&self) -> Option<&TrackMeta> {
        let trusted = self.matching.as_ref().is_none_or(|m| m.status == crate::matching::model::MatchStatus::Matched);
        self.meta.as_ref().filter(|_| trusted)
    }
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
    /// Bumped by every change a user makes (the `If-Match` version).
    pub version: u64,
    /// Bumped when enrichment results land: they change the body (and the ETag) but are not
    /// user changes, so they leave `version` alone.
    #[serde(default)]
    pub enrichment_gen: u64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last write.
    pub updated_at: DateTime<Utc>,
    /// Number of items.
    pub item_count: usize,
    /// Number of items waiting for enrichment.
    #[serde(default)]
    pub pending_items: usize,
    /// People it is shared with.
    #[serde(default)]
    pub collaborators: Vec<Collaborator>,
    /// The owner's and collaborators' user ids (derived; indexed for "shared with me").
    #[serde(default)]
    pub member_ids: Vec<String>,
    /// Normalised name and description (derived; used by public search).
    #[serde(default)]
    pub search_text: String,
    /// Set on forks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forked_from: Option<ForkedFrom>,
    /// Set on merges: the sources and their versions when merged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<ForkedFrom>,
    /// The platform playlist it was imported from, by link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// Its owner's copies on platforms (from pushes), one a platform.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<CopyLink>,
    /// Its cover (an `https://` address): from the file or platform playlist it was imported
    /// from, or set by its editors. Stored even when unset, so clearing it reaches every store.
    #[serde(default)]
    pub image: Option<String>,
}

/// A copy of a playlist on a platform, made by its owner's push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CopyLink {
    /// The platform.
    pub platform: crate::platforms::Platform,
    /// The copy's page there.
    pub url: String,
}

/// Spacing of item positions when items are appended or renumbered.
pub const POSITION_GAP: i64 = 1 << 32;

/// What identifies one state of a playlist's body: the user version and the enrichment
/// generation. The ETag is made of both; `If-Match` compares only the version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Revision {
    /// The user version.
    pub version: u64,
    /// The enrichment generation.
    pub enrichment_gen: u64,
}

impl PlaylistMeta {
    /// Recomputes the fields derived from the items and the rest of the metadata.
    pub fn sync_derived(&mut self, items: &[Arc<Item>]) {
        self.item_count = items.len();
        self.pending_items = items.iter().filter(|i| i.enrichment == Enrichment::Pending).count();
        self.member_ids = std::iter::once(self.owner_id.clone())
            .chain(self.collaborators.iter().map(|c| c.user_id.clone()))
            .collect();
        self.search_text = crate::playlists::normalize::normalize_field(&format!("{} {}", self.name, self.description));
    }

    /// The revision this metadata describes.
    pub fn revision(&self) -> Revision {
        Revision { version: self.version, enrichment_gen: self.enrichment_gen }
    }

    /// The caller's relationship to the playlist.
    pub fn access_of(&self, user_id: Option<&str>) -> Access {
        match user_id {
            Some(id) if id == self.owner_id => Access::Owner,
            Some(id) => match self.collaborators.iter().find(|c| c.user_id == id) {
                Some(c) => Access::Collaborator(c.role),
                None => Access::Stranger,
            },
            None => Access::Stranger,
        }
    }
}

/// A caller's relationship to a playlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Owns it.
    Owner,
    /// Shares it with this role.
    Collaborator(Role),
    /// Neither (anonymous callers too).
    Stranger,
}

/// A whole playlist: one document, written atomically.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Playlist {
    /// Everything but the items.
    #[serde(flatten)]
    pub meta: PlaylistMeta,
    /// Items, in order (ascending `pos`); shared so copies of a large playlist are cheap.
    pub items: Vec<Arc<Item>>,
}

impl Playlist {
    /// A new, empty playlist at version 1.
    pub fn new(
        id: String,
        owner: &crate::users::model::User,
        name: String,
        description: String,
        visibility: Visibility,
    ) -> Self {
        let now = crate::ids::now();
        let mut playlist = Self {
            meta: PlaylistMeta {
                id,
                owner_id: owner.id.clone(),
                owner_username: owner.username.clone(),
                name,
                description,
                visibility,
                version: 1,
                enrichment_gen: 0,
                created_at: now,
                updated_at: now,
                item_count: 0,
                pending_items: 0,
                collaborators: Vec::new(),
                member_ids: Vec::new(),
                search_text: String::new(),
                forked_from: None,
                merged_from: Vec::new(),
                source_url: None,
                copies: Vec::new(),
                image: None,
            },
            items: Vec::new(),
        };
        playlist.sync_derived();
        playlist
    }

    /// Recomputes derived fields before a write.
    pub fn sync_derived(&mut self) {
        self.meta.sync_derived(&self.items);
    }
}

/// Which of a user's playlists to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ListScope {
    /// Playlists they own.
    #[default]
    Owned,
    /// Playlists shared with them.
    Shared,
    /// Both.
    All,
}

/// Keyset position in the owner's playlist listing (newest update first, then id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCursor {
    /// `updated_at` in microseconds of the last row seen.
    pub updated_us: i64,
    /// Id of the last row seen.
    pub id: String,
}
