//! Fork: a private copy of a playlist the caller may read, recording where it came from.

use std::sync::Arc;

use crate::{
    error::ApiError,
    ids,
    playlists::deps::AddDeps,
    playlists::{
        access::Action,
        history,
        model::{ForkedFrom, Item, Playlist, Visibility},
        write::load,
    },
    users::model::User,
};

/// Copies the playlist (name, description, items with their enrichment) into a new private
/// playlist owned by the caller.
pub async fn fork(state: &dyn AddDeps, caller: &User, id: &str) -> Result<Playlist, ApiError> {
    let source = load(state, Some(caller), id, Action::Read).await?;
    let mut copy = Playlist::new(
        ids::new_id(),
        caller,
        source.meta.name.clone(),
        source.meta.description.clone(),
        Visibility::Private,
    );
    // A private source's id is not the fork's readers' business: it is recorded only for public
    // and unlisted sources (whose ids are meant to be passed around).
    copy.meta.image.clone_from(&source.meta.image);
    copy.meta.forked_from = (source.meta.visibility != Visibility::Private)
        .then(|| ForkedFrom { playlist_id: source.meta.id.clone(), version: source.meta.version });
    copy.items = source.items.iter().map(|i| Arc::new(Item { item_id: ids::new_id(), ..Item::clone(i) })).collect();
    copy.sync_derived();
    let entry = history::entry(None, &copy.meta, &[], &copy.items, Some(caller), "fork");
    state.store().insert_playlist(&copy, &entry).await?;
    Ok(copy)
}
