//! What the playlist services need from the process.

use tokio::sync::Notify;

use super::{bodies::PlaylistBodies, live::LivePlaylists, locks::WriteLocks};
use crate::{deps::Basics, jobs::deps::ItemsAddedDeps, tracks::deps::EnrichDeps};

/// The playlist services' needs: the basics, the live copies and prebuilt bodies shared by reads
/// and writes, this process's per-playlist write locks, and the webhook pass to wake after a write.
pub trait PlaylistDeps: Basics {
    /// Current playlists, shared by reads and writes (checked against the store revision).
    fn live(&self) -> &LivePlaylists;
    /// Per-playlist write serialisation within this process.
    fn write_locks(&self) -> &WriteLocks;
    /// Prebuilt playlist bodies, reused until the playlist's version changes.
    fn playlist_bodies(&self) -> &PlaylistBodies;
    /// Woken after a playlist write, so its webhooks are delivered soon.
    fn webhooks_wakeup(&self) -> &Notify;
}

/// What adding tracks needs: the playlist services, enrichment within the budget, and the
/// background work new items start.
pub trait AddDeps: PlaylistDeps + EnrichDeps + ItemsAddedDeps {}

impl<T: PlaylistDeps + EnrichDeps + ItemsAddedDeps + ?Sized> AddDeps for T {}
