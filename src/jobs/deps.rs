//! What starting background work needs from the process.

use tokio::sync::Notify;

use crate::platforms::deps::PlatformDeps;

/// What `items_added` needs: the platforms (to know whether links can be searched) and the
/// wake-ups of the enrichment and platform-links jobs.
pub trait ItemsAddedDeps: PlatformDeps {
    /// Wakes the pending-enrichment job early.
    fn enrichment_wakeup(&self) -> &Notify;
    /// Wakes the platform-links job early.
    fn links_wakeup(&self) -> &Notify;
}
