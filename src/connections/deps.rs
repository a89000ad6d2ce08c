//! What linked-account work needs from the process.

use crate::{platforms::deps::PlatformDeps, playlists::locks::WriteLocks};

/// Linked accounts' needs: the platforms (their OAuth and API settings) and this process's
/// per-connection refresh locks (so one refresh runs at a time).
pub trait ConnectionDeps: PlatformDeps {
    /// Token refreshes in this process, one at a time per connection.
    fn refresh_locks(&self) -> &WriteLocks;
}
