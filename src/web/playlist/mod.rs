//! One playlist: its tracks, edits (add, remove, move, rename), visibility and share links.

pub mod bulk;
pub mod edits;
pub mod find;
pub mod routes;
pub mod view;
