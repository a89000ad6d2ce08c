//! Organising a playlist's items and playlists themselves: bulk remove and move, sort,
//! de-duplicate (by recording or by spelling), merge and split. Each edit of a playlist is one
//! change with one version bump, `If-Match`, history and change events.

pub mod bulk;
pub mod create;
pub mod dedupe;
pub mod identity;
pub mod merge;
pub mod routes;
pub mod sort;
pub mod split;
