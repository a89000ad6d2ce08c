//! Background jobs; each has a `run_once` (or `run`) that tests can call directly. Scheduled
//! jobs (`sync`, `generate`, `discover`, `listens`, `reindex`) run through `schedules`.

pub mod artists;
pub mod deps;
pub mod discover;
pub mod generate;
pub mod housekeeping;
pub mod job_deps;
pub mod pending_enrichment;
pub mod platform_links;
pub mod reindex;
pub mod routes;
pub mod scheduled;
pub mod seatgeek;
pub mod sync;
pub mod write_tracks;

use crate::playlists::model::PlaylistMeta;
pub use deps::ItemsAddedDeps;

/// Starts the background work new items need: enrichment of those left pending, then their
/// platform links.
pub async fn items_added(state: &dyn ItemsAddedDeps, playlist: &PlaylistMeta) {
    if playlist.pending_items > 0 {
        state.enrichment_wakeup().notify_one();
    }
    platform_links::queue(state, playlist).await;
}
