//! Linked accounts in the web app: link Spotify and YouTube (OAuth, through the API's callback)
//! and Last.fm (a username), unlink, and pick one of your Spotify playlists to import.

pub mod routes;
