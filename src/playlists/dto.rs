//! Request and response shapes of the playlists feature.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{ForkedFrom, Item, ListScope, Playlist, PlaylistMeta, Visibility};
use crate::{
    matching::model::TrackMatch,
    platforms::item_links::ItemLinks,
    tracks::model::{Enrichment, TrackMeta},
};

/// Create-playlist request.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlaylist {
    /// 1–200 characters.
    pub name: String,
    /// Up to 2,000 characters.
    #[serde(default)]
    pub description: String,
    /// Defaults to `private`.
    #[serde(default)]
    pub visibility: Visibility,
}

/// Partial update: only the given fields change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaylistPatch {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New cover: an `https://` image address (null: none).
    #[serde(default, deserialize_with = "crate::http::extract::present_or_null")]
    #[schema(value_type = Option<String>, nullable)]
    pub image: Option<Option<String>>,
    /// Your folder for it (null: out of any folder). Yours alone: a collaborator files a
    /// shared playlist in their own folders. Needs only read access.
    #[serde(default, deserialize_with = "crate::http::extract::present_or_null")]
    #[schema(value_type = Option<String>, nullable)]
    pub folder: Option<Option<String>>,
    /// Your tags on it (replacing your previous ones; at most 20, normalised: case folded, a
    /// leading `#` dropped). Yours alone, like the folder.
    pub tags: Option<Vec<String>>,
}

/// A playlist's owner.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OwnerDto {
    /// User id.
    pub id: String,
    /// Username.
    pub username: String,
}

/// A playlist without its items.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlaylistSummaryDto {
    /// Id.
    pub id: String,
    /// Owner.
    pub owner: OwnerDto,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Visibility.
    pub visibility: Visibility,
    /// Version; also the `ETag`.
    pub version: u64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last write.
    pub updated_at: DateTime<Utc>,
    /// Number of items.
    pub item_count: usize,
    /// Set on forks: the source and its version when forked.
    pub forked_from: Option<ForkedFrom>,
    /// The platform playlist it was imported from, when imported by link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// The owner's copies on platforms (kept up by the owner's pushes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<super::model::CopyLink>,
    /// Set on merges: the sources and their versions when merged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<ForkedFrom>,
    /// Its cover (`https://`), from the file or platform it was imported from, or set by `PATCH`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Your folder and tags for it: in your listings, in library search and in the answer to
    /// the `PATCH` that sets them (not in the body of `GET /v1/playlists/{id}`, which every
    /// reader shares).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<crate::library::model::PlacementDto>,
}

/// A whole playlist.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PlaylistDto {
    /// Everything but the items.
    #[serde(flatten)]
    pub summary: PlaylistSummaryDto,
    /// The first items in order (`items_limit` of them, 100 unless asked otherwise).
    pub items: Vec<ItemDto>,
    /// When there are more: pass as `cursor` to `GET /v1/playlists/{id}/items` for the rest.
    pub items_next_cursor: Option<String>,
}

impl PlaylistDto {
    /// The playlist with its first `limit` items embedded.
    pub fn with_first_items(p: &Playlist, limit: usize) -> Self {
        let page = super::item_pages::first_page(&p.items, limit);
        Self { summary: (&p.meta).into(), items: page.items, items_next_cursor: page.next_cursor }
    }
}

/// One playlist item.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemDto {
    /// Stable item id.
    pub item_id: String,
    /// Artist.
    pub artist: String,
    /// Title.
    pub title: String,
    /// Album, when known.
    pub album: Option<String>,
    /// User id of whoever added it.
    pub added_by: String,
    /// When it was added.
    pub added_at: DateTime<Utc>,
    /// `enriched`, `not_found`, `pending` or `unenriched`.
    pub enrichment: Enrichment,
    /// Last.fm metadata, when enriched.
    pub meta: Option<TrackMeta>,
    /// Duration in milliseconds, as given when added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// MusicBrainz recording id, as given when added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mbid: Option<String>,
    /// ISRC, as given when added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isrc: Option<String>,
    /// Where the track can be opened: `{spotify, deezer, youtube, applemusic, lastfm}` where
    /// known (and `other` links it came with).
    #[serde(default)]
    pub links: ItemLinks,
    /// Which canonical track this is and how sure we are (absent on items added before matching).
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub matching: Option<TrackMatch>,
    /// Featured artists besides `artist`, as given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub featured_artists: Vec<String>,
    /// Cover art as given (`https://`); `meta.image` is Last.fm's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

/// A page of playlists.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PlaylistPage {
    /// Playlists, most recently updated first.
    pub playlists: Vec<PlaylistSummaryDto>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Parameters of `GET /v1/playlists/{id}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadQuery {
    /// How many items to embed, 1–1,000 (default 100); the rest via `items_next_cursor`.
    pub items_limit: Option<u32>,
}

/// Parameters of `GET /v1/playlists`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `owned` (default; `all` when `folder` or `tag` is given), `shared` (shared with you) or `all`.
    pub scope: Option<ListScope>,
    /// Only the playlists you filed in this folder (not its subfolders).
    pub folder: Option<String>,
    /// Only the playlists you tagged so (normalised like tags).
    pub tag: Option<String>,
    /// Page size, 1–100 (default 50).
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page.
    pub cursor: Option<String>,
}

/// Parameters of `GET /v1/playlists/public`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicQuery {
    /// Words to find in the name or description (any case); omit to list all.
    pub q: Option<String>,
    /// Page size, 1–100 (default 50).
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page.
    pub cursor: Option<String>,
}

/// Pagination parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1–100 (default 50).
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page.
    pub cursor: Option<String>,
}

impl From<&PlaylistMeta> for PlaylistSummaryDto {
    fn from(m: &PlaylistMeta) -> Self {
        Self {
            id: m.id.clone(),
            owner: OwnerDto { id: m.owner_id.clone(), username: m.owner_username.clone() },
            name: m.name.clone(),
            description: m.description.clone(),
            visibility: m.visibility,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
            item_count: m.item_count,
            forked_from: m.forked_from.clone(),
            source_url: m.source_url.clone(),
            copies: m.copies.clone(),
            merged_from: m.merged_from.clone(),
            image: m.image.clone(),
            placement: None,
        }
    }
}

impl From<&Item> for ItemDto {
    fn from(i: &Item) -> Self {
        Self {
            item_id: i.item_id.clone(),
            artist: i.artist.clone(),
            title: i.title.clone(),
            album: i.album.clone(),
            added_by: i.added_by.clone(),
            added_at: i.added_at,
            enrichment: i.enrichment,
            meta: i.meta.clone(),
            duration_ms: i.duration_ms,
            mbid: i.mbid.clone(),
            isrc: i.isrc.clone(),
            links: ItemLinks::of(i),
            matching: i.matching.clone(),
            featured_artists: i.featured_artists.clone(),
            image: i.image.clone(),
        }
    }
}

impl From<&Playlist> for PlaylistDto {
    fn from(p: &Playlist) -> Self {
        Self::with_first_items(p, crate::limits::EMBEDDED_ITEMS_DEFAULT as usize)
    }
}
