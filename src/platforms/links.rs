//! Playlist links as people paste them, for every platform: web links with locale prefixes and
//! share parameters, app URIs, music sub-sites. Short links would need a request to an outside
//! redirector and are refused with a message saying what to paste instead.

use url::Url;

use super::Platform;
use crate::error::ApiError;

/// A recognised playlist link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaylistLink {
    /// The platform.
    pub platform: Platform,
    /// The playlist's id there.
    pub id: String,
    /// Apple Music's storefront (country), from the link.
    pub storefront: Option<String>,
}

/// What the error for an unrecognised link lists.
pub const SUPPORTED: &str = "open.spotify.com/playlist/… (or spotify:playlist:…), deezer.com/playlist/…, \
    youtube.com/playlist?list=… (also music.youtube.com and youtu.be links with list=), \
    music.apple.com/…/playlist/…";

fn unsupported(what: &str) -> ApiError {
    ApiError::invalid("unsupported_link", format!("{what}; paste a playlist link: {SUPPORTED}"))
}

fn short_link(platform: Platform) -> ApiError {
    ApiError::invalid(
        "short_link",
        format!(
            "{} short links are not supported: open the link in a browser and paste the address it leads to \
             (it contains /playlist/)",
            platform.label()
        ),
    )
}

/// The id that stands for a Spotify account's Liked Songs (never a real playlist id).
pub const SPOTIFY_LIKED: &str = "liked";

fn is_spotify_id(id: &str) -> bool {
    id.len() == 22 && id.chars().all(|c| c.is_ascii_alphanumeric())
}

fn link(platform: Platform, id: impl Into<String>) -> PlaylistLink {
    PlaylistLink { platform, id: id.into(), storefront: None }
}

/// `spotify:playlist:{id}` and `spotify:user:{user}:playlist:{id}`.
fn spotify_uri(raw: &str) -> Result<PlaylistLink, ApiError> {
    let parts: Vec<&str> = raw.split(':').collect();
    match parts.as_slice() {
        ["spotify", "playlist", id] | ["spotify", "user", _, "playlist", id] if is_spotify_id(id) => {
            Ok(link(Platform::Spotify, *id))
        }
        ["spotify", "collection", "tracks"] | ["spotify", "user", _, "collection"] => {
            Ok(link(Platform::Spotify, SPOTIFY_LIKED))
        }
        _ => Err(unsupported("this Spotify URI is not a playlist")),
    }
}

fn segments(url: &Url) -> Vec<String> {
    url.path_segments().map(|s| s.filter(|p| !p.is_empty()).map(str::to_owned).collect()).unwrap_or_default()
}

fn query(url: &Url, key: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

fn spotify(url: &Url) -> Result<PlaylistLink, ApiError> {
    let path = segments(url);
    if path.first().is_some_and(|s| s == "s") {
        return Err(short_link(Platform::Spotify));
    }
    if path.ends_with(&["collection".to_owned(), "tracks".to_owned()]) {
        return Ok(link(Platform::Spotify, SPOTIFY_LIKED)); // Liked Songs
    }
    // /playlist/{id}, /intl-fr/playlist/{id}, /user/{user}/playlist/{id}, /embed/playlist/{id}
    match path.iter().position(|s| s == "playlist").and_then(|at| path.get(at + 1)) {
        Some(id) if is_spotify_id(id) => Ok(link(Platform::Spotify, id.clone())),
        Some(_) => Err(unsupported("this Spotify link has no valid playlist id")),
        None => Err(unsupported("this Spotify link is not a playlist (tracks, albums and artists are not)")),
    }
}

fn deezer(url: &Url) -> Result<PlaylistLink, ApiError> {
    let path = segments(url);
    match path.iter().position(|s| s == "playlist").and_then(|at| path.get(at + 1)) {
        Some(id) if !id.is_empty() && id.len() <= 20 && id.chars().all(|c| c.is_ascii_digit()) => {
            Ok(link(Platform::Deezer, id.clone()))
        }
        _ => Err(unsupported("this Deezer link is not a playlist")),
    }
}

fn youtube(url: &Url) -> Result<PlaylistLink, ApiError> {
    let path = segments(url);
    let id = query(url, "list").or_else(|| {
        // music.youtube.com/browse/VL{id}
        match path.as_slice() {
            [browse, id] if browse == "browse" => id.strip_prefix("VL").map(str::to_owned),
            _ => None,
        }
    });
    let Some(id) = id.filter(|i| {
        (2..=64).contains(&i.len()) && i.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    }) else {
        return Err(unsupported("this YouTube link has no playlist (list=…)"));
    };
    if id.starts_with("RD") && !id.starts_with("RDCLAK5uy_") {
        return Err(ApiError::invalid(
            "youtube_mix",
            "this is a YouTube mix, which YouTube makes up per viewer and does not let apps read; save it as a playlist first",
        ));
    }
    if matches!(id.as_str(), "LM" | "WL" | "HL" | "LL") {
        return Err(ApiError::invalid(
            "youtube_private_list",
            "Liked videos, Watch later and history are private to your YouTube account and cannot be read by link",
        ));
    }
    Ok(link(Platform::Youtube, id))
}

fn apple(url: &Url) -> Result<PlaylistLink, ApiError> {
    let path = segments(url);
    if path.last().is_some_and(|id| id.starts_with("p.")) {
        return Err(ApiError::invalid(
            "applemusic_library_playlist",
            "this is a private Apple Music library playlist, readable only with your own Apple account: share it \
             publicly in Apple Music (Share Playlist) and paste the music.apple.com/…/pl.u-… link it gives",
        ));
    }
    let at = path.iter().position(|s| s == "playlist");
    let id = path.last().filter(|id| id.starts_with("pl."));
    match (at, id) {
        (Some(at), Some(id)) => {
            let storefront = path[..at].first().filter(|s| s.len() == 2).cloned().unwrap_or_else(|| "us".into());
            Ok(PlaylistLink { platform: Platform::Applemusic, id: id.clone(), storefront: Some(storefront) })
        }
        _ => Err(unsupported("this Apple Music link is not a playlist")),
    }
}

/// The address a browser can open for a track's `link`: web addresses as they are, a Spotify
/// track URI (`spotify:track:…`, as Exportify and Spotify's exporters write) as its
/// open.spotify.com page, an `http://` link to a platform as its `https://` one; `None` for anything
/// else (other app URIs open nothing in a browser).
pub fn web_address(link: &str) -> Option<String> {
    if link.starts_with("https://") {
        return Some(link.to_owned());
    }
    // Older files hold `http://` links to the platforms, which all serve https now.
    if let Some(rest) = link.strip_prefix("http://") {
        return super::item_links::platform_of(link).map(|_| format!("https://{rest}"));
    }
    let id = link.strip_prefix("spotify:track:")?;
    (id.len() == 22 && id.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| format!("https://open.spotify.com/track/{id}"))
}

/// Recognises a playlist link (422 naming what is supported when it is not one).
pub fn parse(raw: &str) -> Result<PlaylistLink, ApiError> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 2048 {
        return Err(unsupported("the link is empty or too long"));
    }
    if raw.starts_with("spotify:") {
        return spotify_uri(raw);
    }
    let url = Url::parse(raw)
        .or_else(|_| Url::parse(&format!("https://{raw}")))
        .map_err(|_| unsupported("this is not a link"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(unsupported("only http(s) links can be imported"));
    }
    let host = url.host_str().unwrap_or("").trim_start_matches("www.").trim_start_matches("m.").to_ascii_lowercase();
    match host.as_str() {
        "open.spotify.com" | "play.spotify.com" => spotify(&url),
        "spotify.link" | "link.tospotify.com" | "spotify.app.link" => Err(short_link(Platform::Spotify)),
        "deezer.com" => deezer(&url),
        "link.deezer.com" | "deezer.page.link" | "dzr.page.link" => Err(short_link(Platform::Deezer)),
        "youtube.com" | "music.youtube.com" | "youtu.be" => youtube(&url),
        "music.apple.com" | "itunes.apple.com" | "embed.music.apple.com" => apple(&url),
        _ => Err(unsupported(&format!("links to {host} are not supported"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> (Platform, String) {
        let l = parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        (l.platform, l.id)
    }

    #[test]
    fn a_track_link_opens_its_own_page_in_a_browser() {
        let open = |l: &str| web_address(l);
        assert_eq!(
            open("spotify:track:4uLU6hMCjMI75M1A2tKUQC").unwrap(),
            "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"
        );
        assert_eq!(open("http://www.deezer.com/track/3135556").unwrap(), "https://www.deezer.com/track/3135556");
        assert_eq!(open("http://youtu.be/dQw4w9WgXcQ").unwrap(), "https://youtu.be/dQw4w9WgXcQ");
        assert_eq!(open("https://music.apple.com/us/song/x/1").unwrap(), "https://music.apple.com/us/song/x/1");
        assert_eq!(open("http://example.com/track.mp3"), None, "not a platform: not upgraded");
        assert_eq!(open("spotify:track:short"), None);
        assert_eq!(open("spotify:episode:4uLU6hMCjMI75M1A2tKUQC"), None);
    }

    #[test]
    fn every_link_form_is_recognised() {
        let sp = (Platform::Spotify, "37i9dQZF1DXcBWIGoYBM5M".to_owned());
        for raw in [
            "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M?si=1a2b3c",
            "https://open.spotify.com/intl-fr/playlist/37i9dQZF1DXcBWIGoYBM5M",
            "https://open.spotify.com/user/marcel%23spotify/playlist/37i9dQZF1DXcBWIGoYBM5M",
            "spotify:playlist:37i9dQZF1DXcBWIGoYBM5M",
            "spotify:user:marcel%23spotify:playlist:37i9dQZF1DXcBWIGoYBM5M",
            "open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M",
        ] {
            assert_eq!(ok(raw), sp, "{raw}");
        }
        for raw in ["https://www.deezer.com/fr/playlist/908622995", "https://deezer.com/playlist/908622995?utm=x"] {
            assert_eq!(ok(raw), (Platform::Deezer, "908622995".into()), "{raw}");
        }
        for raw in [
            "https://www.youtube.com/playlist?list=PLOU2XLYxmsIJJVnHWmd1qfr0Caq4VZCu4",
            "https://music.youtube.com/playlist?list=PLOU2XLYxmsIJJVnHWmd1qfr0Caq4VZCu4&feature=share",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PLOU2XLYxmsIJJVnHWmd1qfr0Caq4VZCu4",
            "https://youtu.be/dQw4w9WgXcQ?list=PLOU2XLYxmsIJJVnHWmd1qfr0Caq4VZCu4",
            "https://music.youtube.com/browse/VLPLOU2XLYxmsIJJVnHWmd1qfr0Caq4VZCu4",
        ] {
            assert_eq!(ok(raw), (Platform::Youtube, "PLOU2XLYxmsIJJVnHWmd1qfr0Caq4VZCu4".into()), "{raw}");
        }
        let apple =
            parse("https://music.apple.com/fr/playlist/todays-hits/pl.f4d106fed2bd41149aaacabb233eb5eb").unwrap();
        assert_eq!((apple.platform, apple.storefront.as_deref()), (Platform::Applemusic, Some("fr")));
        assert_eq!(ok("https://music.apple.com/us/playlist/mine/pl.u-76oNkGxIv9vP1z").1, "pl.u-76oNkGxIv9vP1z");
    }

    #[test]
    fn other_links_are_refused_with_what_to_do() {
        for (raw, code) in [
            ("https://deezer.page.link/abc123", "short_link"),
            ("https://link.deezer.com/s/30abc", "short_link"),
            ("https://spotify.link/Abc", "short_link"),
            ("https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", "unsupported_link"),
            ("https://soundcloud.com/x/sets/y", "unsupported_link"),
            ("not a link at all", "unsupported_link"),
            ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=RDdQw4w9WgXcQ", "youtube_mix"),
            ("ftp://deezer.com/playlist/1", "unsupported_link"),
            ("https://music.apple.com/library/playlist/p.AbCdEf123", "applemusic_library_playlist"),
        ] {
            assert_eq!(parse(raw).unwrap_err().code, code, "{raw}");
        }
    }
}
