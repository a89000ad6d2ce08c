//! Folders and tags: the library's folder tree (create, rename, move, delete) and filing a
//! playlist into a folder with tags.

pub mod routes;
