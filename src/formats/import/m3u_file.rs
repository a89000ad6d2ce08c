//! M3U and M3U8: `#EXTINF:<seconds>,<artist> - <title>` before each entry, `#EXTALB:` for the
//! album, `#PLAYLIST:` for the name; an entry without `#EXTINF` is named by its file name
//! ("Artist - Title.ext", Windows or POSIX paths and URLs alike).

use percent_encoding::percent_decode_str;

use super::{keep_link, split_artist_title, ParsedFile};
use crate::{error::ApiError, playlists::track_input::TrackInput};

/// "Artist - Title" from the last segment of a path or URL, its extension and any leading track
/// number ("01 - ", "01. ") dropped.
fn from_path(uri: &str) -> Option<(String, String)> {
    let without_query = uri.split(['?', '#']).next().unwrap_or(uri);
    let segment = without_query.rsplit(['/', '\\']).next()?;
    let decoded = percent_decode_str(segment).decode_utf8_lossy().replace('_', " ");
    let stem = match decoded.rfind('.') {
        Some(dot) if decoded.len() - dot <= 5 => &decoded[..dot],
        _ => &decoded[..],
    };
    let (artist, title) = split_artist_title(stem)?;
    // "01 - Artist - Title" or "01. Artist - Title".
    let number = artist.trim_end_matches('.').chars().all(|c| c.is_ascii_digit());
    if number {
        return split_artist_title(&title);
    }
    let artist = artist.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start_matches(['.', ' ']).to_owned();
    (!artist.is_empty()).then_some((artist, title))
}

/// Reads an M3U or M3U8 file.
pub fn parse(text: &str) -> Result<ParsedFile, ApiError> {
    let mut file = ParsedFile::default();
    // The pending `#EXTINF`: its line, seconds, and "artist - title" text; and `#EXTALB`.
    let mut info: Option<(usize, Option<u64>, String)> = None;
    let mut album: Option<String> = None;
    for (n, raw) in text.lines().enumerate() {
        let (line, entry) = (n + 1, raw.trim());
        if entry.is_empty() {
            continue;
        }
        if let Some(rest) = entry.strip_prefix("#EXTINF:") {
            // `#EXTINF:<seconds> [attributes],<text>`: the text starts after the first comma.
            let (head, name) = rest.split_once(',').unwrap_or((rest, ""));
            let seconds = head.split_whitespace().next().and_then(|s| s.parse::<i64>().ok());
            let ms = seconds.filter(|s| *s > 0).map(|s| s as u64 * 1000);
            info = Some((line, ms, name.trim().to_owned()));
        } else if let Some(name) = entry.strip_prefix("#PLAYLIST:") {
            file.name = Some(name.trim().to_owned()).filter(|n| !n.is_empty());
        } else if let Some(a) = entry.strip_prefix("#EXTALB:") {
            album = Some(a.trim().to_owned()).filter(|a| !a.is_empty());
        } else if entry.starts_with('#') {
            continue; // other directives and comments
        } else {
            let (at, names, ms) = match info.take() {
                Some((at, ms, text)) => (at, split_artist_title(&text).or_else(|| from_path(entry)), ms),
                None => (line, from_path(entry), None),
            };
            let album = album.take();
            match names {
                Some((artist, title)) => {
                    let mut track = TrackInput::named(&artist, &title);
                    track.duration_ms = ms;
                    track.album = album;
                    if keep_link(entry) {
                        track.links.push(entry.to_owned());
                    }
                    file.push_track(at, track)?;
                }
                None => file.reject(at, "cannot tell the artist from the title (expected \"Artist - Title\")"),
            }
        }
    }
    if let Some((at, _, _)) = info {
        file.reject(at, "#EXTINF without an entry after it");
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extinf_entries_and_bare_paths() {
        let text = "#EXTM3U\n#PLAYLIST:Mix\n#EXTINF:215,Daft Punk - One More Time\n#EXTALB:Discovery\n\
            https://open.spotify.com/track/0DiWol3AO6WpXZgp0goxAV\n\
            C:\\Music\\Queen\\01 - Queen - Bohemian Rhapsody.mp3\n\
            /home/me/music/Björk%20-%20J%C3%B3ga.flac\n\
            no-separator.mp3\n";
        let file = parse(text).unwrap();
        assert_eq!(file.name.as_deref(), Some("Mix"));
        let names: Vec<(&str, &str)> = file.tracks.iter().map(|(_, t)| (t.artist.as_str(), t.title.as_str())).collect();
        assert_eq!(names, [("Daft Punk", "One More Time"), ("Queen", "Bohemian Rhapsody"), ("Björk", "Jóga")]);
        assert_eq!(file.tracks[0].1.duration_ms, Some(215_000));
        assert_eq!(file.tracks[0].1.album.as_deref(), Some("Discovery"));
        assert_eq!(file.tracks[0].0, 3, "an entry's line is its #EXTINF line");
        assert_eq!(file.rejected[0].line, 8);
    }
}
