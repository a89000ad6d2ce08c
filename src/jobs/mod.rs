//! Background jobs; each has a `run_once` that tests can call directly.

pub mod housekeeping;
pub mod pending_enrichment;
pub mod platform_links;

use crate::{app::AppState, playlists::model::PlaylistMeta};

/// Starts the background work new items need: enrichment of those left pending, then their
/// platform links.
pub async fn items_added(state: &AppState, playlist: &PlaylistMeta) {
    if playlist.pending_items > 0 {
        state.enrichment_wakeup.notify_one();
    }
    platform_links::queue(state, playlist).await;
}
