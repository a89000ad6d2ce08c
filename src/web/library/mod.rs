//! The library: the playlists a person owns and those shared with them; new playlists, from
//! scratch, a file or a platform link.

pub mod import;
pub mod routes;
pub mod view;
