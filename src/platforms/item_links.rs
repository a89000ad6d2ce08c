//! An item's links by platform, as the API shows them: `{spotify, deezer, youtube, applemusic,
//! lastfm}` where known, and any other link kept from a file under `other`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Platform;
use crate::playlists::model::Item;

/// Where a track can be opened.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemLinks {
    /// On Spotify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spotify: Option<String>,
    /// On Deezer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deezer: Option<String>,
    /// On YouTube or YouTube Music.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub youtube: Option<String>,
    /// On Apple Music.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applemusic: Option<String>,
    /// On Last.fm (from a trusted match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lastfm: Option<String>,
    /// Other links the track came with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<String>,
}

/// The platform a link points to, when it is one of ours.
pub fn platform_of(link: &str) -> Option<Platform> {
    let host = url::Url::parse(link).ok().and_then(|u| u.host_str().map(|h| h.trim_start_matches("www.").to_owned()));
    if link.starts_with("spotify:") {
        return Some(Platform::Spotify);
    }
    match host.as_deref()? {
        "open.spotify.com" => Some(Platform::Spotify),
        "deezer.com" => Some(Platform::Deezer),
        "youtube.com" | "music.youtube.com" | "youtu.be" | "m.youtube.com" => Some(Platform::Youtube),
        "music.apple.com" | "itunes.apple.com" => Some(Platform::Applemusic),
        "last.fm" => Some(Platform::Lastfm),
        _ => None,
    }
}

impl ItemLinks {
    /// The links of `item`: its own, by platform (the first of each), and Last.fm's page.
    pub fn of(item: &Item) -> Self {
        let mut links = Self { lastfm: item.trusted_meta().and_then(|m| m.url.clone()), ..Self::default() };
        for link in &item.links {
            let slot = match platform_of(link) {
                Some(Platform::Spotify) => &mut links.spotify,
                Some(Platform::Deezer) => &mut links.deezer,
                Some(Platform::Youtube) => &mut links.youtube,
                Some(Platform::Applemusic) => &mut links.applemusic,
                Some(Platform::Lastfm) => &mut links.lastfm,
                None => {
                    links.other.push(link.clone());
                    continue;
                }
            };
            if slot.is_none() {
                *slot = Some(link.clone());
            }
        }
        links
    }

    /// The link on `platform`, if known.
    pub fn get(&self, platform: Platform) -> Option<&str> {
        match platform {
            Platform::Spotify => self.spotify.as_deref(),
            Platform::Deezer => self.deezer.as_deref(),
            Platform::Youtube => self.youtube.as_deref(),
            Platform::Applemusic => self.applemusic.as_deref(),
            Platform::Lastfm => self.lastfm.as_deref(),
        }
    }
}
