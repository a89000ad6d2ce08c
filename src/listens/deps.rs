//! What importing listens needs from the process.

use crate::{connections::deps::ConnectionDeps, tracks::deps::EnrichDeps};

/// What importing listens needs: enrichment (Last.fm) and the linked accounts.
pub trait ListenDeps: EnrichDeps + ConnectionDeps {}

impl<T: EnrichDeps + ConnectionDeps + ?Sized> ListenDeps for T {}
