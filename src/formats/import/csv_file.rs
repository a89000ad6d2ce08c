//! CSV as the common exporters write it (Exportify, TuneMyMusic, Soundiiz, sharify itself, or a
//! plain `artist,title[,album]`): header names matched case-insensitively, `,` `;` or tab
//! delimited, quoted fields with line breaks. A header naming an artist and a title column is
//! required: a file without one is read as artist, title[, album] rows only when the caller says
//! so (`?header=none`), never guessed (a file of unknown columns would become nonsense tracks).

use super::{keep_link, ParsedFile};
use crate::{
    error::ApiError,
    formats::{artists, csv_format::unguard},
    playlists::track_input::TrackInput,
};

/// A column we read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Artist,
    /// Exportify's "Artist Name(s)": every artist, joined by `;` (the first is the main one).
    ArtistList,
    Title,
    Album,
    DurationMs,
    Duration,
    Mbid,
    Isrc,
    Links,
    SpotifyId,
    PlaylistName,
    Featured,
    Image,
}

/// Header names (lower case) and the column they are.
const HEADERS: &[(&str, Column)] = &[
    ("artist", Column::Artist),
    ("artists", Column::Artist),
    ("artist name", Column::Artist),
    ("artist name(s)", Column::ArtistList),
    ("artist names", Column::Artist),
    ("creator", Column::Artist),
    ("performer", Column::Artist),
    ("title", Column::Title),
    ("track", Column::Title),
    ("track name", Column::Title),
    ("track title", Column::Title),
    ("song", Column::Title),
    ("song name", Column::Title),
    ("name", Column::Title),
    ("album", Column::Album),
    ("album name", Column::Album),
    ("album title", Column::Album),
    ("duration_ms", Column::DurationMs),
    ("duration (ms)", Column::DurationMs),
    ("track duration (ms)", Column::DurationMs),
    ("duration", Column::Duration),
    ("length", Column::Duration),
    ("time", Column::Duration),
    ("mbid", Column::Mbid),
    ("musicbrainz id", Column::Mbid),
    ("recording mbid", Column::Mbid),
    ("isrc", Column::Isrc),
    ("links", Column::Links),
    ("url", Column::Links),
    ("link", Column::Links),
    ("track uri", Column::Links),
    ("spotify uri", Column::Links),
    ("spotify url", Column::Links),
    ("deezer url", Column::Links),
    ("youtube url", Column::Links),
    ("apple music url", Column::Links),
    ("spotify - id", Column::SpotifyId),
    ("spotify id", Column::SpotifyId),
    ("playlist name", Column::PlaylistName),
    ("playlist", Column::PlaylistName),
    ("featured_artists", Column::Featured),
    ("featured artists", Column::Featured),
    ("image", Column::Image),
    ("album image url", Column::Image),
    ("cover", Column::Image),
];

fn column_of(header: &str) -> Option<Column> {
    let h = header.trim().trim_matches('"').to_lowercase();
    HEADERS.iter().find(|(name, _)| *name == h).map(|(_, c)| *c)
}

/// The delimiter used most in the first line, outside quotes.
fn delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], usize::from(i == 0))).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// "3:45", "1:02:03", "225" (seconds), "225000" (milliseconds), "225.5".
fn duration(raw: &str) -> Option<u64> {
    let raw = raw.trim();
    if raw.contains(':') {
        let mut total = 0u64;
        for part in raw.split(':') {
            total = total.checked_mul(60)?.checked_add(part.trim().parse::<u64>().ok()?)?;
        }
        return Some(total * 1000);
    }
    let n: f64 = raw.parse().ok()?;
    if !n.is_finite() || n <= 0.0 {
        return None;
    }
    Some(if n < 10_000.0 { (n * 1000.0).round() as u64 } else { n.round() as u64 })
}

fn none_if_empty(s: &str) -> Option<String> {
    let s = unguard(s.trim());
    (!s.is_empty()).then(|| s.to_owned())
}

/// Whether the header row is TuneMyMusic's (`Track name, Artist name, Album, Playlist name, Type,
/// ISRC, Spotify - id`): the layout that says its artist column is a ", "-joined list.
fn is_tunemymusic(header: &csv::StringRecord) -> bool {
    let names: Vec<String> = header.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase()).collect();
    ["track name", "artist name", "playlist name", "type"].iter().all(|n| names.iter().any(|h| h == n))
}

/// Reads a CSV file; `headerless`: its rows are artist, title[, album] with no header row.
pub fn parse(text: &str, headerless: bool) -> Result<ParsedFile, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let first = match records.next() {
        Some(Ok(r)) => r,
        Some(Err(e)) => return Err(ApiError::invalid("malformed_csv", format!("the CSV cannot be read: {e}"))),
        None => return Err(ApiError::invalid("empty_file", "the file is empty")),
    };
    let named: Vec<Option<Column>> = first.iter().map(column_of).collect();
    let has =
        |c: Column| named.contains(&Some(c)) || (c == Column::Artist && named.contains(&Some(Column::ArtistList)));
    let (columns, header_row) = if headerless {
        (vec![Some(Column::Artist), Some(Column::Title), Some(Column::Album)], false)
    } else if has(Column::Artist) && has(Column::Title) {
        (named, true)
    } else {
        let seen: Vec<&str> = first.iter().take(8).map(str::trim).collect();
        return Err(ApiError::invalid(
            "unrecognised_columns",
            format!(
                "the CSV's first row ({}) names no artist and title columns: give it a header row \
                 (artist, title, album, duration_ms, isrc, …, or the columns of Exportify, TuneMyMusic \
                 or Soundiiz), or, for plain artist,title[,album] rows without a header, import with \
                 ?header=none",
                seen.join(", ")
            ),
        ));
    };
    // TuneMyMusic joins a track's artists with ", " in its `Artist name` column.
    let comma_joined = header_row && is_tunemymusic(&first);
    let mut file = ParsedFile::default();
    let rows = (!header_row).then_some(Ok(first)).into_iter().chain(records);
    for row in rows {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                file.reject(line, format!("unreadable row: {e}"));
                continue;
            }
        };
        let line = row.position().map_or(0, |p| p.line() as usize);
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut track = TrackInput::named("", "");
        for (value, column) in row.iter().zip(&columns) {
            match column {
                Some(Column::Artist) if track.artist.is_empty() && comma_joined => {
                    (track.artist, track.featured_artists) = artists::split_commas(unguard(value.trim()));
                }
                Some(Column::Artist) if track.artist.is_empty() => track.artist = unguard(value.trim()).to_owned(),
                // Exportify joins a track's artists with `;`: "Main Artist;Featured Artist".
                Some(Column::ArtistList) if track.artist.is_empty() => {
                    (track.artist, track.featured_artists) = artists::split_list(unguard(value), ';');
                }
                Some(Column::Featured) => track
                    .featured_artists
                    .extend(unguard(value).split(';').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned)),
                Some(Column::Image) => track.image = track.image.take().or_else(|| none_if_empty(value)),
                Some(Column::Title) if track.title.is_empty() => track.title = unguard(value.trim()).to_owned(),
                Some(Column::Album) => track.album = track.album.take().or_else(|| none_if_empty(value)),
                Some(Column::DurationMs) => track.duration_ms = value.trim().parse().ok().filter(|ms| *ms > 0),
                Some(Column::Duration) => track.duration_ms = track.duration_ms.or_else(|| duration(value)),
                Some(Column::Mbid) => track.mbid = none_if_empty(value),
                Some(Column::Isrc) => track.isrc = none_if_empty(value),
                Some(Column::Links) => {
                    track.links.extend(value.split_whitespace().filter(|l| keep_link(l)).map(str::to_owned))
                }
                Some(Column::SpotifyId) => {
                    let id = value.trim();
                    if id.len() == 22 && id.chars().all(|c| c.is_ascii_alphanumeric()) {
                        track.links.push(format!("spotify:track:{id}"));
                    }
                }
                Some(Column::PlaylistName) if file.name.is_none() => file.name = none_if_empty(value),
                _ => {}
            }
        }
        track.links.dedup();
        match (track.artist.is_empty(), track.title.is_empty()) {
            (true, true) => file.reject(line, "no artist and no title"),
            (true, false) => file.reject(line, "no artist"),
            (false, true) => file.reject(line, "no title"),
            (false, false) => file.push_track(line, track)?,
        }
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exportify_columns_and_quoted_newlines() {
        let text = "\"Track URI\",\"Track Name\",\"Artist Name(s)\",\"Album Name\",\"Track Duration (ms)\",\"ISRC\"\n\
            \"spotify:track:4uLU6hMCjMI75M1A2tKUQC\",\"Never Gonna\nGive You Up\",\"Rick Astley\",\"Whenever\",\"213573\",\"GBARL9300135\"\n\
            \"\",\"\",\"Nobody\",\"\",\"\",\"\"\n";
        let file = parse(text, false).unwrap();
        assert_eq!(file.tracks.len(), 1);
        let (line, t) = &file.tracks[0];
        assert_eq!((*line, t.artist.as_str(), t.title.as_str()), (2, "Rick Astley", "Never Gonna\nGive You Up"));
        assert_eq!(t.duration_ms, Some(213573));
        assert_eq!(t.links, ["spotify:track:4uLU6hMCjMI75M1A2tKUQC"]);
        assert_eq!(file.rejected[0].line, 4, "the quoted newline makes row 2 two physical lines");
    }

    #[test]
    fn semicolons_tabs_and_headerless_rows() {
        let file = parse("Title;Artist;Album\nSong;Band;LP\n", false).unwrap();
        assert_eq!((file.tracks[0].1.artist.as_str(), file.tracks[0].1.album.as_deref()), ("Band", Some("LP")));
        let file = parse("ARTIST\tTITLE\nA\tB\n", false).unwrap();
        assert_eq!(file.tracks[0].1.title, "B");
        let file = parse("Band,Song\nOther,Tune,Album\n", true).unwrap();
        assert_eq!(file.tracks.len(), 2);
        for unknown in ["foo,bar,baz\n1,2,3\n", "Band,Song\nOther,Tune\n", "foo,bar,baz,qux\n1,2,3,4\n"] {
            let e = parse(unknown, false).unwrap_err();
            assert_eq!(e.code, "unrecognised_columns", "{unknown}");
            assert!(e.message.contains("?header=none"), "{}", e.message);
        }
    }

    #[test]
    fn durations_in_any_unit() {
        assert_eq!(duration("3:45"), Some(225_000));
        assert_eq!(duration("225"), Some(225_000));
        assert_eq!(duration("225000"), Some(225_000));
        assert_eq!(duration("x"), None);
    }
}
