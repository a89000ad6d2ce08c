//! Turns a Last.fm HTTP response (status + body) into a typed result or a typed error.

use serde::{de::DeserializeOwned, Deserialize};
use serde_json::Value;

use super::{
    error::LastfmError,
    types::{AlbumRef, ArtistHit, ArtistInfo, Page, TrackHit, TrackInfo},
    wire::{self, flag, list, num, opt_str, ArtistItem, ArtistRef, Image, PageAttr, Tags, TrackItem},
};

/// Checks the body: error objects (any key order, any HTTP status), non-JSON outage pages and
/// HTTP 5xx become errors; anything else is returned as JSON.
pub fn check(status: u16, body: &[u8]) -> Result<Value, LastfmError> {
    let snippet = || String::from_utf8_lossy(&body[..body.len().min(120)]).trim().to_owned();
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) if status >= 400 || body.trim_ascii_start().starts_with(b"<") => {
            return Err(LastfmError::Outage { status, detail: snippet() })
        }
        Err(e) => return Err(LastfmError::Decode(format!("{e}: {}", snippet()))),
    };
    if let Some(code) = value.get("error").and_then(Value::as_u64) {
        let message = value.get("message").and_then(Value::as_str).unwrap_or_default().to_owned();
        return Err(LastfmError::from_code(code as u32, message));
    }
    if status >= 500 {
        return Err(LastfmError::Outage { status, detail: snippet() });
    }
    Ok(value)
}

pub(super) fn parse<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, LastfmError> {
    serde_json::from_value(check(status, body)?).map_err(|e| LastfmError::Decode(e.to_string()))
}

#[derive(Deserialize)]
struct AlbumWire {
    #[serde(default, deserialize_with = "opt_str")]
    title: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    artist: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    mbid: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    url: Option<String>,
    #[serde(default, deserialize_with = "list")]
    image: Vec<Image>,
}

#[derive(Deserialize)]
struct TrackInfoWire {
    name: String,
    artist: ArtistRef,
    #[serde(default, deserialize_with = "opt_str")]
    mbid: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    url: Option<String>,
    #[serde(default, deserialize_with = "num")]
    duration: Option<u64>,
    #[serde(default, deserialize_with = "num")]
    listeners: Option<u64>,
    #[serde(default, deserialize_with = "num")]
    playcount: Option<u64>,
    album: Option<AlbumWire>,
    #[serde(default)]
    toptags: Option<Tags>,
    wiki: Option<wire::WikiWire>,
    #[serde(default, deserialize_with = "num")]
    userplaycount: Option<u64>,
    #[serde(default, deserialize_with = "flag")]
    userloved: Option<bool>,
}

/// `track.getInfo`; the not-found stub Last.fm answers with HTTP 200 becomes `NotFound`.
pub fn track_info(status: u16, body: &[u8]) -> Result<TrackInfo, LastfmError> {
    track_info_raw(status, body).map(|(info, _)| info)
}

/// `track.getInfo`, also returning Last.fm's own `track` object untouched.
pub fn track_info_raw(status: u16, body: &[u8]) -> Result<(TrackInfo, Value), LastfmError> {
    let raw = check(status, body)?
        .get_mut("track")
        .map(Value::take)
        .ok_or_else(|| LastfmError::Decode("no `track`".into()))?;
    let t: TrackInfoWire = serde_json::from_value(raw.clone()).map_err(|e| LastfmError::Decode(e.to_string()))?;
    let info = TrackInfo {
        artist: t.artist.name(),
        artist_mbid: t.artist.mbid(),
        mbid: t.mbid,
        url: t.url,
        duration_ms: t.duration.filter(|d| *d > 0),
        listeners: t.listeners,
        playcount: t.playcount,
        album: t.album.and_then(|a| {
            Some(AlbumRef {
                image: wire::largest(&a.image),
                title: a.title?,
                artist: a.artist,
                mbid: a.mbid,
                url: a.url,
            })
        }),
        tags: t.toptags.unwrap_or_default().tag.into_iter().map(|t| t.name).filter(|n| !n.is_empty()).collect(),
        wiki: t.wiki.and_then(wire::WikiWire::into_wiki),
        user_playcount: t.userplaycount,
        user_loved: t.userloved,
        name: t.name,
    };
    if info.is_stub() {
        return Err(LastfmError::NotFound("Track not found".into()));
    }
    Ok((info, raw))
}

#[derive(Deserialize)]
struct SearchResults<M> {
    #[serde(rename = "opensearch:totalResults", default, deserialize_with = "num")]
    total: Option<u64>,
    #[serde(rename = "opensearch:startIndex", default, deserialize_with = "num")]
    start_index: Option<u64>,
    #[serde(rename = "opensearch:itemsPerPage", default, deserialize_with = "num")]
    per_page: Option<u64>,
    #[serde(flatten)]
    matches: M,
}

fn search_page<T>(items: Vec<T>, total: Option<u64>, start: Option<u64>, per_page: Option<u64>) -> Page<T> {
    let per_page = per_page.filter(|p| *p > 0).unwrap_or(items.len().max(1) as u64);
    let total = total.unwrap_or(items.len() as u64);
    let attr = PageAttr {
        page: Some(start.unwrap_or(0) / per_page + 1),
        per_page: Some(per_page),
        total_pages: Some(total.div_ceil(per_page)),
        total: Some(total),
    };
    wire::page(items, &attr)
}

/// `track.search`.
pub fn track_search(status: u16, body: &[u8]) -> Result<Page<TrackHit>, LastfmError> {
    #[derive(Deserialize)]
    struct Matches {
        trackmatches: TrackList,
    }
    #[derive(Deserialize)]
    struct Root {
        results: SearchResults<Matches>,
    }
    let r = parse::<Root>(status, body)?.results;
    let items = r.matches.trackmatches.track.into_iter().map(|t| t.into_hit(1000)).collect();
    Ok(search_page(items, r.total, r.start_index, r.per_page))
}

/// `artist.search`.
pub fn artist_search(status: u16, body: &[u8]) -> Result<Page<ArtistHit>, LastfmError> {
    #[derive(Deserialize)]
    struct Artists {
        #[serde(default, deserialize_with = "list")]
        artist: Vec<ArtistItem>,
    }
    #[derive(Deserialize)]
    struct Matches {
        artistmatches: Artists,
    }
    #[derive(Deserialize)]
    struct Root {
        results: SearchResults<Matches>,
    }
    let r = parse::<Root>(status, body)?.results;
    let items = r.matches.artistmatches.artist.into_iter().map(ArtistHit::from).collect();
    Ok(search_page(items, r.total, r.start_index, r.per_page))
}

#[derive(Deserialize)]
struct TrackList {
    #[serde(default, deserialize_with = "list")]
    track: Vec<TrackItem>,
    #[serde(rename = "@attr", default)]
    attr: Option<PageAttr>,
}

/// A `{"<root>": {"track": [...], "@attr": {...}}}` body as a page of tracks.
fn track_list(status: u16, body: &[u8], root: &str) -> Result<TrackList, LastfmError> {
    let mut value = check(status, body)?;
    let list =
        value.get_mut(root).map(Value::take).ok_or_else(|| LastfmError::Decode(format!("no `{root}` object")))?;
    serde_json::from_value(list).map_err(|e| LastfmError::Decode(e.to_string()))
}

fn track_page(status: u16, body: &[u8], root: &str) -> Result<Page<TrackHit>, LastfmError> {
    let l = track_list(status, body, root)?;
    Ok(wire::page(l.track.into_iter().map(|t| t.into_hit(1000)).collect(), &l.attr.unwrap_or_default()))
}

/// `artist.getTopTracks`.
pub fn artist_top_tracks(status: u16, body: &[u8]) -> Result<Page<TrackHit>, LastfmError> {
    track_page(status, body, "toptracks")
}

/// `tag.getTopTracks` (the root is `tracks`; durations in seconds).
pub fn tag_top_tracks(status: u16, body: &[u8]) -> Result<Page<TrackHit>, LastfmError> {
    track_page(status, body, "tracks")
}

/// `track.getSimilar` (best match first; an unknown track is an empty list).
pub fn similar_tracks(status: u16, body: &[u8]) -> Result<Vec<TrackHit>, LastfmError> {
    Ok(track_list(status, body, "similartracks")?.track.into_iter().map(|t| t.into_hit(1000)).collect())
}

/// `artist.getSimilar`.
pub fn similar_artists(status: u16, body: &[u8]) -> Result<Vec<ArtistHit>, LastfmError> {
    #[derive(Deserialize)]
    struct Artists {
        #[serde(default, deserialize_with = "list")]
        artist: Vec<ArtistItem>,
    }
    #[derive(Deserialize)]
    struct Root {
        similarartists: Artists,
    }
    Ok(parse::<Root>(status, body)?.similarartists.artist.into_iter().map(ArtistHit::from).collect())
}

/// `artist.getInfo`.
pub fn artist_info(status: u16, body: &[u8]) -> Result<ArtistInfo, LastfmError> {
    #[derive(Deserialize, Default)]
    struct Stats {
        #[serde(default, deserialize_with = "num")]
        listeners: Option<u64>,
        #[serde(default, deserialize_with = "num")]
        playcount: Option<u64>,
        #[serde(default, deserialize_with = "num")]
        userplaycount: Option<u64>,
    }
    #[derive(Deserialize, Default)]
    struct Similar {
        #[serde(default, deserialize_with = "list")]
        artist: Vec<wire::NamedEntry>,
    }
    #[derive(Deserialize)]
    struct ArtistWire {
        name: String,
        #[serde(default, deserialize_with = "opt_str")]
        mbid: Option<String>,
        #[serde(default, deserialize_with = "opt_str")]
        url: Option<String>,
        #[serde(default, deserialize_with = "flag")]
        ontour: Option<bool>,
        #[serde(default)]
        stats: Stats,
        #[serde(default)]
        similar: Similar,
        #[serde(default)]
        tags: Tags,
        bio: Option<wire::WikiWire>,
    }
    #[derive(Deserialize)]
    struct Root {
        artist: ArtistWire,
    }
    let a = parse::<Root>(status, body)?.artist;
    Ok(ArtistInfo {
        name: a.name,
        mbid: a.mbid,
        url: a.url,
        listeners: a.stats.listeners,
        playcount: a.stats.playcount,
        user_playcount: a.stats.userplaycount,
        on_tour: a.ontour.unwrap_or(false),
        tags: a.tags.tag.into_iter().map(|t| t.name).collect(),
        similar: a.similar.artist.into_iter().map(|s| s.name).collect(),
        bio: a.bio.and_then(wire::WikiWire::into_wiki),
    })
}

pub use super::decode_user::{loved_tracks, recent_tracks, weekly_track_chart};
