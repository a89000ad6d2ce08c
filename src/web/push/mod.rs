//! Pushing a playlist to a linked Spotify or YouTube account from the web app: choose where,
//! see the dry run (what would be added, removed, not found, and what it costs), then push.

pub mod routes;
pub mod view;
