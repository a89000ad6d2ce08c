//! Creating a playlist from others' items (merge, split): copies with new item ids, checked
//! against the playlist limits, its lineage recorded like a fork's.

use std::sync::Arc;

use crate::{
    error::ApiError,
    ids, limits,
    playlists::deps::AddDeps,
    playlists::{
        history,
        live::item_bytes,
        model::{ForkedFrom, Item, Playlist, PlaylistMeta, Visibility},
        write::within_size,
    },
    users::model::User,
};

/// The source as lineage: recorded when its id is the new playlist's readers' business (it is
/// not private) or the caller owns it (a fork's rule, plus your own playlists).
pub fn lineage(caller: &User, source: &PlaylistMeta) -> Option<ForkedFrom> {
    (source.visibility != Visibility::Private || source.owner_id == caller.id)
        .then(|| ForkedFrom { playlist_id: source.id.clone(), version: source.version })
}

/// A name cut to the 200 characters a playlist name may have.
pub fn fit_name(name: String) -> String {
    if name.chars().count() <= 200 {
        name
    } else {
        name.chars().take(199).chain(std::iter::once('…')).collect()
    }
}

/// Refuses items that would not fit in one playlist.
pub fn check_fits(items: &[Arc<Item>]) -> Result<(), ApiError> {
    if items.len() > limits::ITEMS_PER_PLAYLIST_MAX {
        return Err(ApiError::invalid(
            "playlist_too_large",
            format!(
                "the result would hold {} items; a playlist holds at most {}",
                items.len(),
                limits::ITEMS_PER_PLAYLIST_MAX
            ),
        ));
    }
    within_size(0, items.iter().map(|i| item_bytes(i) as i64).sum())?;
    Ok(())
}

/// A new private playlist of the caller holding copies of `items` (new ids, order kept).
pub fn build(caller: &User, name: String, description: String, items: &[Arc<Item>]) -> Playlist {
    let mut playlist = Playlist::new(ids::new_id(), caller, fit_name(name), description, Visibility::Private);
    playlist.items = items
        .iter()
        .zip(1..)
        .map(|(i, n)| {
            Arc::new(Item { item_id: ids::new_id(), pos: n * crate::playlists::model::POSITION_GAP, ..Item::clone(i) })
        })
        .collect();
    playlist.sync_derived();
    playlist
}

/// Stores a new playlist with its first history entry, recorded as `op` by the caller.
pub async fn insert(state: &dyn AddDeps, caller: &User, playlist: &Playlist, op: &str) -> Result<(), ApiError> {
    let entry = history::entry(None, &playlist.meta, &[], &playlist.items, Some(caller), op);
    state.store().insert_playlist(playlist, &entry).await?;
    if playlist.meta.pending_items > 0 {
        state.enrichment_wakeup().notify_one();
    }
    Ok(())
}
