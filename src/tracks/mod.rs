//! Tracks: Last.fm metadata, its cache, lookups with coalescing, and fan-out enrichment.

pub mod access;
pub mod budget;
pub mod catalog_search;
pub mod charged;
pub mod deps;
pub mod enrich;
pub mod model;
pub mod routes;
pub mod search_hits;
pub mod service;
pub mod store;
