//! What platform work needs from the process.

use std::sync::Arc;

use super::import::Platforms;
use crate::deps::Basics;

/// Platform work's needs: the basics and the music platform connectors.
pub trait PlatformDeps: Basics {
    /// Music platform connectors (import by link, search, push).
    fn platforms(&self) -> &Arc<Platforms>;
}
