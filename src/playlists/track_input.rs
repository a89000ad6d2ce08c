//! A track as a client or a file gives it, and its validation into a [`CleanTrack`].

use serde::Deserialize;
use utoipa::ToSchema;

use super::normalize::track_key;
use crate::{error::ApiError, limits};

/// A track as the client sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackInput {
    /// Artist name.
    pub artist: String,
    /// Track title.
    pub title: String,
    /// Album, optional.
    pub album: Option<String>,
    /// Duration in milliseconds, optional (helps matching).
    #[serde(default)]
    pub duration_ms: Option<u64>,
    /// MusicBrainz recording id, optional (a match is certain when Last.fm confirms it).
    #[serde(default)]
    pub mbid: Option<String>,
    /// ISRC, optional.
    #[serde(default)]
    pub isrc: Option<String>,
    /// Links to the track on music platforms (http(s) or `spotify:` URIs), at most 10.
    #[serde(default)]
    pub links: Vec<String>,
    /// Featured artists, besides the main `artist` (at most 10; kept and exported, matching and
    /// search links use the main artist).
    #[serde(default)]
    pub featured_artists: Vec<String>,
    /// Cover art: an `https://` image address, optional (shown when Last.fm has none).
    #[serde(default)]
    pub image: Option<String>,
}

impl TrackInput {
    /// A track with just its names.
    pub fn named(artist: &str, title: &str) -> Self {
        Self {
            artist: artist.to_owned(),
            title: title.to_owned(),
            album: None,
            duration_ms: None,
            mbid: None,
            isrc: None,
            links: Vec::new(),
            featured_artists: Vec::new(),
            image: None,
        }
    }
}

fn clean_field(raw: &str, field: &str) -> Result<String, ApiError> {
    let value = raw.trim();
    if value.is_empty() || value.chars().count() > limits::TRACK_FIELD_MAX_CHARS || value.chars().any(char::is_control)
    {
        return Err(ApiError::invalid(
            "invalid_track",
            format!("{field} must be 1-{} printable characters", limits::TRACK_FIELD_MAX_CHARS),
        ));
    }
    Ok(value.to_owned())
}

/// Most platform links kept per track.
pub const MAX_LINKS: usize = 10;

/// Most featured artists kept per track.
pub const MAX_FEATURED: usize = 10;

/// Cover art the pages may show: an `https://` address (the pages' CSP allows images over HTTPS
/// only), printable, at most 1,000 characters. Anything else (a local file path in a player's
/// playlist) is left out, never refused: the track is what matters.
pub fn is_image_address(v: &str) -> bool {
    v.len() <= 1000 && v.starts_with("https://") && !v.chars().any(|c| c.is_control() || c.is_whitespace())
}

fn clean_id(raw: Option<&str>, field: &str, valid: fn(&str) -> bool) -> Result<Option<String>, ApiError> {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if valid(v) => Ok(Some(v.to_owned())),
        Some(_) => Err(ApiError::invalid("invalid_track", format!("{field} is not valid"))),
    }
}

fn is_mbid(v: &str) -> bool {
    uuid::Uuid::parse_str(v).is_ok()
}

fn is_isrc(v: &str) -> bool {
    v.len() == 12 && v.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A platform or web link: http(s) or a `spotify:` URI, printable, at most 500 characters.
pub fn is_link(v: &str) -> bool {
    v.len() <= 500
        && !v.chars().any(|c| c.is_control() || c.is_whitespace())
        && (v.starts_with("https://") || v.starts_with("http://") || v.starts_with("spotify:"))
}

/// A validated track, ready to become an item.
#[derive(Debug, Clone)]
pub struct CleanTrack {
    pub(crate) artist: String,
    pub(crate) title: String,
    pub(crate) album: Option<String>,
    pub(crate) duration_ms: Option<u64>,
    pub(crate) mbid: Option<String>,
    pub(crate) isrc: Option<String>,
    pub(crate) links: Vec<String>,
    pub(crate) featured_artists: Vec<String>,
    pub(crate) image: Option<String>,
    pub(crate) key: String,
}

impl CleanTrack {
    /// Validates one track; the error says which field is wrong.
    pub fn from_input(t: &TrackInput) -> Result<Self, ApiError> {
        let artist = clean_field(&t.artist, "artist")?;
        let title = clean_field(&t.title, "title")?;
        let album =
            t.album.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(|a| clean_field(a, "album")).transpose()?;
        if t.links.len() > MAX_LINKS || !t.links.iter().all(|l| is_link(l)) {
            return Err(ApiError::invalid(
                "invalid_track",
                format!("links must be at most {MAX_LINKS} http(s) or spotify: URIs of at most 500 characters"),
            ));
        }
        if t.featured_artists.len() > MAX_FEATURED {
            return Err(ApiError::invalid("invalid_track", format!("at most {MAX_FEATURED} featured_artists")));
        }
        let mut featured_artists = Vec::with_capacity(t.featured_artists.len());
        for name in t.featured_artists.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
            let name = clean_field(name, "featured_artists")?;
            if !name.eq_ignore_ascii_case(&artist) && !featured_artists.contains(&name) {
                featured_artists.push(name);
            }
        }
        Ok(Self {
            key: track_key(&artist, &title),
            artist,
            title,
            album,
            duration_ms: t.duration_ms.filter(|ms| *ms > 0 && *ms < 24 * 3600 * 1000),
            mbid: clean_id(t.mbid.as_deref(), "mbid", is_mbid)?,
            isrc: clean_id(t.isrc.as_deref(), "isrc", is_isrc)?.map(|i| i.to_ascii_uppercase()),
            links: t.links.clone(),
            featured_artists,
            image: t.image.as_deref().map(str::trim).filter(|i| is_image_address(i)).map(str::to_owned),
        })
    }

    /// The duplicate-detection key.
    pub fn key(&self) -> &str {
        &self.key
    }
}
