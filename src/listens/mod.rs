//! Listening history: plays imported from Last.fm and Spotify, and the stats drawn from them.

pub mod deps;
pub mod import;
pub mod model;
pub mod routes;
pub mod shape;
pub mod stats;
