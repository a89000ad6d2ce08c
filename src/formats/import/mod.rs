//! Reading playlist files: the format from the media type, `?format=` or the body itself, then
//! one parser per format. Parsers keep going past lines that cannot become a track and report
//! them by physical line; anything that makes the whole file unreadable is an error.

mod csv_file;
mod jspf_file;
mod m3u_file;
mod text;
mod xspf_file;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::export::ExportFormat;
use crate::{error::ApiError, playlists::track_input::TrackInput};

/// A line of the file that did not become a track, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Rejected {
    /// Physical line number in the file (a header is line 1).
    pub line: usize,
    /// Why it was left out.
    pub reason: String,
}

/// What a playlist file holds.
#[derive(Debug, Default)]
pub struct ParsedFile {
    /// The playlist's name, when the file has one.
    pub name: Option<String>,
    /// Its description, when the file has one.
    pub description: Option<String>,
    /// The tracks, each with the physical line it starts on.
    pub tracks: Vec<(usize, TrackInput)>,
    /// Lines that could not become a track.
    pub rejected: Vec<Rejected>,
    /// The platform playlist it came from (imports by link).
    pub source_url: Option<String>,
    /// The playlist's cover, when the file or platform gives one (kept only if `https://`).
    pub image: Option<String>,
}

impl ParsedFile {
    fn reject(&mut self, line: usize, reason: impl Into<String>) {
        self.rejected.push(Rejected { line, reason: reason.into() });
    }

    /// Keeps a track; refuses the whole file as soon as it holds more than a playlist may, so a
    /// huge file costs no more than reading the tracks a playlist can take.
    fn push_track(&mut self, line: usize, track: TrackInput) -> Result<(), ApiError> {
        if self.tracks.len() >= crate::limits::ITEMS_PER_PLAYLIST_MAX {
            return Err(ApiError::invalid(
                "playlist_full",
                format!(
                    "the file has more than {max} tracks (stopped at line {line}); a playlist holds at most {max}",
                    max = crate::limits::ITEMS_PER_PLAYLIST_MAX
                ),
            ));
        }
        self.tracks.push((line, track));
        Ok(())
    }
}

/// Line numbers of byte offsets met in increasing order, counted once through the text (asking
/// for an earlier offset starts again from the top).
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, offset: 0, line: 1 }
    }

    /// The 1-based line of byte `offset`.
    fn line_of(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            (self.offset, self.line) = (0, 1);
        }
        self.line += self.text.as_bytes()[self.offset..offset].iter().filter(|b| **b == b'\n').count();
        self.offset = offset;
        self.line
    }
}

/// The format named by a media type, when it names one.
fn format_of_media_type(content_type: &str) -> Result<Option<ExportFormat>, ApiError> {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    Ok(match essence.as_str() {
        "text/csv" | "application/csv" | "text/tab-separated-values" | "text/x-csv" => Some(ExportFormat::Csv),
        "audio/x-mpegurl" | "audio/mpegurl" | "application/x-mpegurl" | "application/vnd.apple.mpegurl" => {
            Some(ExportFormat::M3u8)
        }
        "application/xspf+xml" | "application/xml" | "text/xml" => Some(ExportFormat::Xspf),
        "application/jspf+json" | "application/json" => Some(ExportFormat::Jspf),
        // What clients send when nobody said (curl's `--data-binary` sends form encoding).
        "" | "text/plain" | "application/octet-stream" | "application/x-www-form-urlencoded" => None,
        "multipart/form-data" => {
            return Err(ApiError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the file itself as the request body (curl --data-binary @playlist.csv), not as a form upload",
            ))
        }
        other => {
            return Err(ApiError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!(
                    "cannot import {other}: send CSV (text/csv), M3U/M3U8 (audio/x-mpegurl), XSPF \
                     (application/xspf+xml) or JSPF (application/jspf+json), or text/plain to let the \
                     format be recognised"
                ),
            ))
        }
    })
}

/// Recognises the format from the text itself.
fn sniff(text: &str) -> ExportFormat {
    let start = text.trim_start();
    if start.starts_with('{') {
        ExportFormat::Jspf
    } else if start.starts_with('<') {
        ExportFormat::Xspf
    } else if start.starts_with("#EXTM3U") || start.starts_with("#EXTINF") {
        ExportFormat::M3u8
    } else {
        let first = start.lines().next().unwrap_or("");
        let looks_like_path = first.contains('/') || first.contains('\\');
        let delimited = first.contains(',') || first.contains(';') || first.contains('\t');
        if looks_like_path && !delimited {
            ExportFormat::M3u8
        } else {
            ExportFormat::Csv
        }
    }
}

/// Whether a CSV file starts with a header row (`?header=`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CsvHeader {
    /// The first row names the columns (artist and title at least); the default.
    #[default]
    Present,
    /// No header: every row is artist, title[, album].
    None,
}

/// Reads a playlist file: `format` (from `?format=`) wins, then the media type, then sniffing.
/// `header` applies to CSV only.
pub fn parse(
    body: &[u8],
    format: Option<ExportFormat>,
    content_type: Option<&str>,
    header: CsvHeader,
) -> Result<ParsedFile, ApiError> {
    let text = text::decode(body)?;
    let from_type = content_type.map(format_of_media_type).transpose()?.flatten();
    let format = format.or(from_type).unwrap_or_else(|| sniff(&text));
    let parsed = match format {
        ExportFormat::Csv => csv_file::parse(&text, header == CsvHeader::None)?,
        ExportFormat::M3u8 => m3u_file::parse(&text)?,
        ExportFormat::Xspf => xspf_file::parse(&text)?,
        ExportFormat::Jspf => jspf_file::parse(&text)?,
    };
    if parsed.tracks.is_empty() && parsed.rejected.is_empty() {
        return Err(ApiError::invalid("empty_playlist", "the file holds no tracks"));
    }
    Ok(parsed)
}

/// Splits "Artist - Title" (the first " - ", or an en/em dash with spaces).
pub(crate) fn split_artist_title(s: &str) -> Option<(String, String)> {
    for sep in [" - ", " \u{2013} ", " \u{2014} "] {
        if let Some((a, t)) = s.split_once(sep) {
            let (a, t) = (a.trim(), t.trim());
            if !a.is_empty() && !t.is_empty() {
                return Some((a.to_owned(), t.to_owned()));
            }
        }
    }
    None
}

/// A link worth keeping on a track: a platform or web page for it, not a Last.fm page or search
/// (those come back from enrichment).
pub(crate) fn keep_link(url: &str) -> bool {
    crate::playlists::track_input::is_link(url) && !url.contains("://www.last.fm/") && !url.contains("://last.fm/")
}

/// Reads one `identifier` of an XSPF or JSPF track into `track`: a MusicBrainz recording
/// (`https://musicbrainz.org/recording/…`), an ISRC (`urn:isrc:…`), or a link to the track on a
/// platform (a `spotify:track:…` URI, a web address): what tools that write these files put there.
pub(crate) fn read_identifier(identifier: &str, track: &mut crate::playlists::track_input::TrackInput) {
    let value = identifier.trim();
    if let Some(mbid) = mbid_of(value) {
        track.mbid.get_or_insert(mbid);
    } else if let Some(code) = value.strip_prefix("urn:isrc:").or_else(|| value.strip_prefix("isrc:")) {
        let code: String = code.chars().filter(|c| *c != '-').collect::<String>().to_ascii_uppercase();
        if code.len() == 12 && code.chars().all(|c| c.is_ascii_alphanumeric()) {
            track.isrc.get_or_insert(code);
        }
    } else if keep_link(value) && !track.links.iter().any(|l| l == value) {
        track.links.push(value.to_owned());
    }
}

/// The MusicBrainz recording id of an identifier URL.
pub(crate) fn mbid_of(identifier: &str) -> Option<String> {
    let id = identifier
        .strip_prefix("https://musicbrainz.org/recording/")
        .or_else(|| identifier.strip_prefix("http://musicbrainz.org/recording/"))?;
    uuid::Uuid::parse_str(id.trim_end_matches('/')).ok().map(|u| u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_once_through_and_again_from_the_top_when_asked_earlier() {
        let text = "a\nb\n\nc";
        let mut lines = LineCounter::new(text);
        assert_eq!([0, 2, 4, 5, 6].map(|o| lines.line_of(o)), [1, 2, 3, 4, 4]);
        assert_eq!(lines.line_of(1), 1, "an earlier offset");
        assert_eq!(lines.line_of(99), 4, "past the end");
    }

    #[test]
    fn a_file_with_more_tracks_than_a_playlist_holds_is_refused_while_parsing() {
        let n = crate::limits::ITEMS_PER_PLAYLIST_MAX + 1;
        let csv: String =
            std::iter::once("artist,title\n".to_owned()).chain((0..n).map(|i| format!("A,T{i}\n"))).collect();
        let m3u: String = (0..n).map(|i| format!("#EXTINF:1,A - T{i}\nhttps://x.example/{i}.mp3\n")).collect();
        let jspf_tracks: Vec<String> = (0..n).map(|i| format!("{{\"creator\":\"A\",\"title\":\"T{i}\"}}")).collect();
        let jspf = format!("{{\"playlist\":{{\"track\":[\n{}]}}}}", jspf_tracks.join(",\n"));
        let xspf_tracks: String =
            (0..n).map(|i| format!("<track><creator>A</creator><title>T{i}</title></track>\n")).collect();
        let xspf = format!(
            "<playlist xmlns=\"http://xspf.org/ns/0/\" version=\"1\"><trackList>\n{xspf_tracks}</trackList></playlist>"
        );
        for (format, body) in [("csv", csv), ("m3u", m3u), ("jspf", jspf), ("xspf", xspf)] {
            let e = parse(body.as_bytes(), None, None, CsvHeader::Present).unwrap_err();
            assert_eq!(e.code, "playlist_full", "{format}: {}", e.message);
            assert!(e.message.contains("more than 10000"), "{format}: {}", e.message);
        }
    }

    #[test]
    fn formats_are_recognised_from_the_body() {
        assert_eq!(sniff("  {\"playlist\":{}}"), ExportFormat::Jspf);
        assert_eq!(sniff("<?xml version=\"1.0\"?><playlist/>"), ExportFormat::Xspf);
        assert_eq!(sniff("#EXTM3U\n"), ExportFormat::M3u8);
        assert_eq!(sniff("C:\\Music\\A - B.mp3\n"), ExportFormat::M3u8);
        assert_eq!(sniff("artist,title\nA,B\n"), ExportFormat::Csv);
    }
}
