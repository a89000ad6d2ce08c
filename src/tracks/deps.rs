//! What track enrichment needs from the process.

use std::sync::Arc;

use super::{budget::UpstreamBudget, service::TrackService};
use crate::deps::Basics;

/// Enrichment's needs: the basics, the track service (cache + Last.fm) and each user's share of
/// direct Last.fm calls.
pub trait EnrichDeps: Basics {
    /// Track lookups (cache + Last.fm).
    fn tracks(&self) -> &Arc<TrackService>;
    /// Each user's share of direct Last.fm calls, and those answers' cache.
    fn upstream_budget(&self) -> &Arc<UpstreamBudget>;
}
