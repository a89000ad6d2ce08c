//! The listening-stats page: counts, top artists, tracks and tags, the listening clock and plays
//! over time, drawn on the server as SVG (no script needed), each with its numbers in words.

pub mod routes;
pub mod svg;
