//! One playlist: its tracks, edits (add, remove, move, rename), visibility and share links.

pub mod routes;
pub mod view;
