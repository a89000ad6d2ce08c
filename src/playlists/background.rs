//! Writes the service makes in the background, not users: enrichment results and platform
//! links. They change items in place, move the enrichment generation (so ETags and cached copies
//! change) and never the version, and record no history.

use std::{collections::HashMap, sync::Arc};

use super::{
    live::item_bytes,
    model::{Item, Playlist, Revision},
    store::LinkUpdate,
    write::{current, within_size},
};
use crate::{error::ApiError, playlists::deps::PlaylistDeps, tracks::model::Enrichment};

/// Saves enrichment results: `resolve` gives the new content of a pending item (or `None` to
/// leave it pending). Returns how many items changed.
pub async fn save_enrichment(
    state: &dyn PlaylistDeps,
    id: &str,
    resolve: impl Fn(&Item) -> Option<Item>,
) -> Result<usize, ApiError> {
    let _guard = state.write_locks().lock(id).await;
    let before = current(state, id).await?;
    let updates: Vec<Arc<Item>> = before
        .items
        .iter()
        .filter(|i| i.enrichment == Enrichment::Pending)
        .filter_map(|i| resolve(i))
        .map(Arc::new)
        .collect();
    if updates.is_empty() {
        return Ok(0);
    }
    let after_bytes = size_after(state, &before, &updates)?;
    let (revision, changed) = state.store().apply_enrichment(id, &updates).await?;
    keep_live(state, &before, &updates, revision, changed, after_bytes);
    Ok(changed)
}

/// Adds platform links found for items that still name the track searched for; links an item
/// already has are left out. Returns how many items changed.
pub async fn save_links(state: &dyn PlaylistDeps, id: &str, found: &[LinkUpdate]) -> Result<usize, ApiError> {
    let _guard = state.write_locks().lock(id).await;
    let before = current(state, id).await?;
    let by_id: HashMap<&str, &Arc<Item>> = before.items.iter().map(|i| (i.item_id.as_str(), i)).collect();
    let mut updates = Vec::new();
    let mut items = Vec::new();
    for f in found {
        let Some(item) = by_id.get(f.item_id.as_str()).filter(|i| i.track_key == f.track_key) else { continue };
        let new: Vec<String> = f.links.iter().filter(|l| !item.links.contains(l)).cloned().collect();
        if new.is_empty() {
            continue;
        }
        let mut after = Item::clone(item);
        after.links.extend(new.iter().cloned());
        items.push(Arc::new(after));
        updates.push(LinkUpdate { links: new, ..f.clone() });
    }
    if updates.is_empty() {
        return Ok(0);
    }
    let after_bytes = size_after(state, &before, &items)?;
    let (revision, changed) = state.store().add_item_links(id, &updates).await?;
    keep_live(state, &before, &items, revision, changed, after_bytes);
    Ok(changed)
}

/// The playlist's size once `updates` replace their items (422 when over the limit).
fn size_after(state: &dyn PlaylistDeps, before: &Playlist, updates: &[Arc<Item>]) -> Result<usize, ApiError> {
    let old: HashMap<&str, &Arc<Item>> = before.items.iter().map(|i| (i.item_id.as_str(), i)).collect();
    let grown: i64 = updates
        .iter()
        .filter_map(|new| old.get(new.item_id.as_str()).map(|old| (new, old)))
        .map(|(new, old)| item_bytes(new) as i64 - item_bytes(old) as i64)
        .sum();
    within_size(state.live().size_of(before), grown)
}

/// Keeps the live copy current when the store changed exactly what we sent (else forgets it).
fn keep_live(
    state: &dyn PlaylistDeps,
    before: &Playlist,
    updates: &[Arc<Item>],
    revision: Revision,
    changed: usize,
    after_bytes: usize,
) {
    let only_ours = revision.version == before.meta.version
        && revision.enrichment_gen == before.meta.enrichment_gen + changed as u64
        && changed == updates.len();
    if !only_ours {
        state.live().forget(&before.meta.id);
        return;
    }
    let mut after = before.clone();
    let by_id: HashMap<&str, &Arc<Item>> = updates.iter().map(|i| (i.item_id.as_str(), i)).collect();
    for slot in &mut after.items {
        if let Some(new) = by_id.get(slot.item_id.as_str()) {
            *slot = Arc::clone(new);
        }
    }
    after.meta.enrichment_gen = revision.enrichment_gen;
    after.sync_derived();
    let after = Arc::new(after);
    state.live().set_size(&after, after_bytes);
    state.live().put(after);
}

/// Sets the owner's platform copies shown on the playlist (not a user change: the version stays).
pub async fn save_copies(
    state: &dyn PlaylistDeps,
    id: &str,
    copies: &[super::model::CopyLink],
) -> Result<(), ApiError> {
    let _guard = state.write_locks().lock(id).await;
    let result = state.store().set_copies(id, copies).await;
    state.live().forget(id);
    result.map(|_| ()).map_err(Into::into)
}
