//! Item operations: list, remove and move by item id, refresh (adding is in `add`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::add::{add, add_with, AddItems, AddItemsResponse, OnDuplicate, SameTrack, SkippedTrack, TrackInput};
use super::{
    access::{access, allows, Action},
    dto::ItemDto,
    edit::Edit,
    model::{Playlist, Revision},
    write::{self, load},
};
use crate::{error::ApiError, playlists::deps::AddDeps, tracks::model::Enrichment, users::model::User};

/// Move request: the item's index after the move.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveItem {
    /// Target index, 0-based.
    pub position: usize,
}

/// A page of items.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ItemPage {
    /// Items in playlist order.
    pub items: Vec<ItemDto>,
    /// Cursor for the next page, absent on the last.
    pub next_cursor: Option<String>,
    /// Playlist version the page was read at.
    pub version: u64,
    /// The revision the page was read at (its ETag).
    #[serde(skip)]
    pub revision: Revision,
}

/// One page of a playlist's items.
pub async fn list(
    state: &dyn AddDeps,
    caller: Option<&User>,
    id: &str,
    cursor: Option<&str>,
    limit: usize,
) -> Result<ItemPage, ApiError> {
    let playlist = load(state, caller, id, Action::Read).await?;
    let page = super::item_pages::page(&playlist.items, cursor, limit)?;
    Ok(ItemPage {
        items: page.items,
        next_cursor: page.next_cursor,
        version: playlist.meta.version,
        revision: playlist.meta.revision(),
    })
}

fn position_of(p: &Edit, item_id: &str) -> Result<usize, ApiError> {
    p.index_of(item_id).ok_or_else(|| ApiError::not_found("item_not_found", "no such item in this playlist"))
}

/// Removes one item by id (contributors only the items they added).
pub async fn remove(
    state: &dyn AddDeps,
    caller: &User,
    id: &str,
    item_id: &str,
    if_match: Option<u64>,
) -> Result<Arc<Playlist>, ApiError> {
    let (playlist, ()) = write::modify(state, caller, id, if_match, Action::AddItems, "remove_item", |p| {
        let at = position_of(p, item_id)?;
        if p.items()[at].added_by != caller.id && !allows(access(&p.meta, Some(caller)), Action::Edit) {
            return Err(ApiError::forbidden("contributors may remove only the items they added"));
        }
        p.remove(at);
        Ok(())
    })
    .await?;
    Ok(playlist)
}

/// Moves one item (by id) to `position` in the resulting order.
pub async fn move_to(
    state: &dyn AddDeps,
    caller: &User,
    id: &str,
    item_id: &str,
    position: usize,
    if_match: Option<u64>,
) -> Result<Arc<Playlist>, ApiError> {
    let (playlist, ()) = write::modify(state, caller, id, if_match, Action::Edit, "move_item", |p| {
        let from = position_of(p, item_id)?;
        if position >= p.items().len() {
            return Err(ApiError::invalid("invalid_position", format!("position must be 0-{}", p.items().len() - 1)));
        }
        p.move_item(from, position);
        Ok(())
    })
    .await?;
    Ok(playlist)
}

/// Result of a refresh request.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RefreshResponse {
    /// Items queued for enrichment.
    pub pending: usize,
    /// Playlist version after queueing them.
    pub version: u64,
    /// The revision after queueing them (its ETag).
    #[serde(skip)]
    pub revision: Revision,
}

/// Queues every item for re-enrichment; the background job resolves them (cache or Last.fm).
pub async fn refresh(
    state: &dyn AddDeps,
    caller: &User,
    id: &str,
    if_match: Option<u64>,
) -> Result<RefreshResponse, ApiError> {
    // Authorize first, so a caller who may not read the playlist learns nothing else.
    load(state, Some(caller), id, Action::Edit).await?;
    if !state.tracks().enabled() {
        return Err(crate::lastfm::LastfmError::NotConfigured.into());
    }
    let (playlist, ()) = write::modify(state, caller, id, if_match, Action::Edit, "refresh", |p| {
        for at in 0..p.items().len() {
            p.update(at, |item| item.enrichment = Enrichment::Pending);
        }
        Ok(())
    })
    .await?;
    state.enrichment_wakeup().notify_one();
    Ok(RefreshResponse {
        pending: playlist.meta.pending_items,
        version: playlist.meta.version,
        revision: playlist.meta.revision(),
    })
}
