//! The legacy API of the service sharify replaces (`/sign-up`, `/playlist`, `/song`), kept so
//! its clients work unchanged. Every route maps onto the current services; only the shapes,
//! messages and statuses are the old ones. Deliberate differences: auth is enforced, playlists
//! are the caller's own, passwords are argon2id.

pub mod playlist;
pub mod respond;
pub mod routes;
pub mod signup;
pub mod song;

use md5::{Digest, Md5};

/// The old song id: lowercase hex MD5 of `"{track} - {artist}"` as the client typed them.
pub fn song_id(artist: &str, track: &str) -> String {
    hex::encode(Md5::digest(format!("{track} - {artist}").as_bytes()))
}

/// The old playlist id: hex MD5 of the name.
pub fn playlist_id(name: &str) -> String {
    hex::encode(Md5::digest(name.as_bytes()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_md5_of_the_old_formats() {
        // md5("Numb - Linkin Park") and md5("Road trip"), computed with Python hashlib.
        assert_eq!(super::song_id("Linkin Park", "Numb"), "425a15d998a87be1b62d37ed5b2b8ba4");
        assert_eq!(super::playlist_id("Road trip"), "6fd7e944708b711fb42565ca2cfd5df4");
    }
}
