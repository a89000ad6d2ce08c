//! Playlists and their ordered items: CRUD, optimistic concurrency, duplicate detection.

pub mod access;
pub mod add;
pub mod background;
pub mod bodies;
pub mod deps;
pub mod dto;
pub mod edit;
pub mod history;
pub mod item_pages;
pub mod items;
pub mod items_routes;
pub mod live;
pub mod locks;
pub mod model;
pub mod normalize;
pub mod routes;
pub mod service;
pub mod store;
pub mod track_input;
pub mod write;
