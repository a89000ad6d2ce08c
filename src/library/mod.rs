//! Organising a library: folders, tags (both per user) and search across the playlists a user
//! owns or shares.

pub mod folders;
pub mod maintenance;
pub mod model;
pub mod placement;
pub mod routes;
pub mod search;
pub mod store;
pub mod tags;
pub mod terms;
