//! Organising a playlist in the web app: sort, de-duplicate (a preview first), split into new
//! playlists, merge with others into a new one, and delete it.

pub mod routes;
