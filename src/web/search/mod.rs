//! Searching the library from the web app: playlists by name, description or tag, and tracks by
//! artist, title or album with the playlists that hold them.

pub mod routes;
