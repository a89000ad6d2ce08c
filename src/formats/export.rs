//! Playlist export as JSPF, XSPF, M3U8 or CSV, streamed: the body is written a block of tracks at
//! a time, so memory does not grow with the number of items.

use std::{ops::Range, sync::Arc};

use bytes::Bytes;
use futures::{stream, Stream};
use serde::Deserialize;
use url::form_urlencoded::byte_serialize;
use utoipa::ToSchema;

use super::{csv_format, jspf, m3u, xspf};
use crate::playlists::model::{Item, Playlist};

/// Tracks rendered per block of the stream.
const BLOCK: usize = 200;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// JSPF (JSON), as ListenBrainz writes it.
    Jspf,
    /// XSPF version 1 (XML).
    Xspf,
    /// Extended M3U, UTF-8.
    M3u8,
    /// CSV with a header row (RFC 4180).
    Csv,
}

impl ExportFormat {
    /// The media type of the format.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Jspf => "application/jspf+json",
            Self::Xspf => "application/xspf+xml",
            Self::M3u8 => "audio/x-mpegurl",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jspf => "jspf",
            Self::Xspf => "xspf",
            Self::M3u8 => "m3u8",
            Self::Csv => "csv",
        }
    }
}

/// Everything the service knows about one track, as the formats write it.
pub struct TrackOut<'a> {
    /// The item.
    pub item: &'a Item,
    /// Artist (Last.fm's spelling when known).
    pub artist: &'a str,
    /// Title (Last.fm's spelling when known).
    pub title: &'a str,
    /// Album.
    pub album: Option<&'a str>,
    /// Duration in milliseconds.
    pub duration_ms: Option<u64>,
    /// MusicBrainz recording id.
    pub mbid: Option<&'a str>,
    /// ISRC.
    pub isrc: Option<&'a str>,
    /// Platform links.
    pub links: &'a [String],
    /// Last.fm page.
    pub lastfm_url: Option<&'a str>,
    /// Cover art (Last.fm's for a trusted match, else the item's own).
    pub image: Option<&'a str>,
    /// Featured artists besides `artist`.
    pub featured: &'a [String],
}

impl<'a> TrackOut<'a> {
    /// What we know of `item`.
    /// Last.fm's names and facts are used only for a trusted match; otherwise the item's own.
    pub fn of(item: &'a Item) -> Self {
        let meta = item.trusted_meta();
        Self {
            item,
            artist: meta.map_or(item.artist.as_str(), |m| m.artist.as_str()),
            title: meta.map_or(item.title.as_str(), |m| m.title.as_str()),
            album: item.album.as_deref().or(meta.and_then(|m| m.album.as_deref())),
            duration_ms: item.duration_ms.or(meta.and_then(|m| m.duration_ms)),
            mbid: item.mbid.as_deref().or(meta.and_then(|m| m.mbid.as_deref())),
            isrc: item.isrc.as_deref(),
            links: &item.links,
            lastfm_url: meta.and_then(|m| m.url.as_deref()),
            image: meta.and_then(|m| m.image.as_deref()).or(item.image.as_deref()),
            featured: &item.featured_artists,
        }
    }

    /// The artist credit for formats with one artist field: "Main feat. A, B".
    pub fn credit(&self) -> String {
        super::artists::credit(self.artist, self.featured)
    }

    /// The best link to the track: a platform link, else its Last.fm page, else a Last.fm search.
    pub fn best_url(&self) -> String {
        match self.links.first().map(String::as_str).or(self.lastfm_url) {
            Some(url) => url.to_owned(),
            None => {
                let q: String = byte_serialize(format!("{} {}", self.artist, self.title).as_bytes()).collect();
                format!("https://www.last.fm/search/tracks?q={q}")
            }
        }
    }
}

/// What the export describes besides the tracks.
#[derive(Clone)]
pub struct ExportHead {
    /// The owner's display name.
    pub creator: String,
    /// The playlist's page.
    pub location: String,
}

/// The body of an export, as a stream of blocks: the head, the tracks a block at a time, the end.
pub fn stream_body(
    playlist: Arc<Playlist>,
    head: ExportHead,
    format: ExportFormat,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    let n = playlist.items.len();
    let blocks = (0..n).step_by(BLOCK).map(move |start| start..(start + BLOCK).min(n));
    let start = render_head(&playlist, &head, format);
    let end = render_end(format);
    let body = {
        let playlist = playlist.clone();
        stream::iter(blocks).map(move |range| Ok(render_block(&playlist, range, format)))
    };
    stream::once(async move { Ok(start) }).chain(body).chain(stream::once(async move { Ok(end) }))
}

use futures::StreamExt as _;

fn render_head(playlist: &Playlist, head: &ExportHead, format: ExportFormat) -> Bytes {
    Bytes::from(match format {
        ExportFormat::Jspf => jspf::head(playlist, &head.creator, &head.location),
        ExportFormat::Xspf => xspf::head(playlist, &head.creator, &head.location),
        ExportFormat::M3u8 => m3u::head(playlist),
        ExportFormat::Csv => csv_format::head(),
    })
}

fn render_block(playlist: &Playlist, range: Range<usize>, format: ExportFormat) -> Bytes {
    let first = range.start == 0;
    let tracks = playlist.items[range].iter().map(|i| TrackOut::of(i));
    Bytes::from(match format {
        ExportFormat::Jspf => jspf::tracks(tracks, first),
        ExportFormat::Xspf => xspf::tracks(tracks),
        ExportFormat::M3u8 => m3u::tracks(tracks),
        ExportFormat::Csv => csv_format::tracks(tracks),
    })
}

fn render_end(format: ExportFormat) -> Bytes {
    Bytes::from_static(match format {
        ExportFormat::Jspf => jspf::END.as_bytes(),
        ExportFormat::Xspf => xspf::END.as_bytes(),
        ExportFormat::M3u8 | ExportFormat::Csv => b"",
    })
}

/// A download file name made from the playlist name: letters, digits, spaces, `-`, `_` and `.`
/// kept, anything else `_`, at most 80 characters, never empty.
pub fn file_name(name: &str, format: ExportFormat) -> String {
    let safe: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.') { c } else { '_' })
        .take(80)
        .collect();
    let safe = safe.trim().trim_matches('.').trim();
    let stem = if safe.is_empty() { "playlist" } else { safe };
    format!("{stem}.{}", format.extension())
}

/// The `Content-Disposition` of a download: an ASCII fallback and the UTF-8 name (RFC 6266).
pub fn content_disposition(name: &str, format: ExportFormat) -> String {
    let exact = file_name(name, format);
    let ascii: String = exact.chars().map(|c| if c.is_ascii() && c != '"' && c != '\\' { c } else { '_' }).collect();
    let encoded: String = percent_encoding::utf8_percent_encode(&exact, percent_encoding::NON_ALPHANUMERIC).collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_never_empty() {
        assert_eq!(file_name("Road trip 2026", ExportFormat::Csv), "Road trip 2026.csv");
        assert_eq!(file_name("../../etc/passwd", ExportFormat::M3u8), "_.._etc_passwd.m3u8");
        assert_eq!(file_name("\"; rm -rf /", ExportFormat::Jspf), "__ rm -rf _.jspf");
        assert_eq!(file_name("...", ExportFormat::Xspf), "playlist.xspf");
        let header = content_disposition("Café ☕", ExportFormat::Csv);
        assert!(header.starts_with("attachment; filename=\"Caf_ _.csv\"; filename*=UTF-8''Caf%C3%A9%20"), "{header}");
    }
}
