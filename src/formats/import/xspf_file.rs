//! XSPF, in the XSPF namespace or none: the playlist's `title` and `annotation`, and per `track`
//! its `creator`, `title`, `album`, `duration`, `location`s, `identifier`s and sharify's own
//! `extension` (ISRC).

use quick_xml::{events::Event, Reader};

use super::{keep_link, read_identifier, LineCounter, ParsedFile};
use crate::{error::ApiError, formats::jspf::EXTENSION, playlists::track_input::TrackInput};

/// Line and column (1-based) of a byte offset (for the one error that ends a parse).
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn malformed(text: &str, offset: u64, what: impl std::fmt::Display) -> ApiError {
    let (line, column) = line_column(text, offset as usize);
    ApiError::invalid("malformed_xml", format!("the XML is malformed at line {line}, column {column}: {what}"))
}

/// The track being read.
struct Open {
    line: usize,
    track: TrackInput,
}

/// Reads an XSPF file.
pub fn parse(text: &str) -> Result<ParsedFile, ApiError> {
    let mut reader = Reader::from_str(text);
    let mut file = ParsedFile::default();
    let mut path: Vec<String> = Vec::new();
    let mut value = String::new();
    let mut open: Option<Open> = None;
    let mut ours = false; // inside our own `extension`
    let mut root_seen = false;
    let mut lines = LineCounter::new(text);
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|e| malformed(text, reader.error_position(), e))?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_owned();
                if path.is_empty() {
                    if name != "playlist" {
                        return Err(ApiError::invalid(
                            "not_a_playlist",
                            format!("this XML is not an XSPF playlist (its root is <{name}>, not <playlist>)"),
                        ));
                    }
                    root_seen = true;
                }
                if name == "track" && path.last().is_some_and(|p| p == "trackList") {
                    let line = lines.line_of(at as usize);
                    open = Some(Open { line, track: TrackInput::named("", "") });
                }
                if name == "extension" {
                    ours = e
                        .try_get_attribute("application")
                        .ok()
                        .flatten()
                        .and_then(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v == EXTENSION)
                        })
                        .unwrap_or(false);
                }
                path.push(name);
                value.clear();
            }
            Event::Empty(e) if path.is_empty() => {
                let name = e.local_name().as_ref().to_owned();
                return Err(if name == "playlist" {
                    ApiError::invalid("empty_playlist", "the file holds no tracks")
                } else {
                    ApiError::invalid("not_a_playlist", format!("this XML is not an XSPF playlist (root <{name}>)"))
                });
            }
            Event::Text(t) => value.push_str(&t.xml10_content()),
            Event::CData(t) => value.push_str(&t.into_inner()),
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                match r.resolve_char_ref().ok().flatten() {
                    Some(c) => value.push(c),
                    None => match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(s) => value.push_str(s),
                        None => {
                            return Err(malformed(text, reader.buffer_position(), format!("unknown entity &{name};")))
                        }
                    },
                }
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                let parent = path.last().map(String::as_str).unwrap_or("");
                let v = value.trim().to_owned();
                value.clear();
                match (parent, name.as_str(), open.as_mut()) {
                    ("playlist", "title", _) => file.name = Some(v).filter(|v| !v.is_empty()),
                    ("playlist", "annotation", _) => file.description = Some(v).filter(|v| !v.is_empty()),
                    ("playlist", "image", _) => file.image = Some(v).filter(|v| !v.is_empty()),
                    ("trackList", "track", Some(_)) => {
                        let Open { line, mut track } = open.take().expect("open track");
                        track.links.dedup();
                        match (track.artist.is_empty(), track.title.is_empty()) {
                            (false, false) => file.push_track(line, track)?,
                            (true, _) => file.reject(line, "the track has no creator (artist)"),
                            (false, true) => file.reject(line, "the track has no title"),
                        }
                    }
                    ("track", field, Some(o)) => match field {
                        "title" => o.track.title = v,
                        "creator" => o.track.artist = v,
                        "album" => o.track.album = Some(v).filter(|v| !v.is_empty()),
                        "duration" => o.track.duration_ms = v.parse().ok().filter(|ms| *ms > 0),
                        "location" if keep_link(&v) => o.track.links.push(v),
                        "identifier" => read_identifier(&v, &mut o.track),
                        "image" => o.track.image = Some(v).filter(|v| !v.is_empty()),
                        _ => {}
                    },
                    ("extension", "isrc", Some(o)) if ours => o.track.isrc = Some(v).filter(|v| !v.is_empty()),
                    ("extension", "featured_artist", Some(o)) if ours && !v.is_empty() => {
                        o.track.featured_artists.push(v)
                    }
                    _ => {}
                }
                if name == "extension" {
                    ours = false;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_seen {
        return Err(ApiError::invalid("not_a_playlist", "this XML is not an XSPF playlist (no <playlist> element)"));
    }
    if !path.is_empty() {
        return Err(malformed(text, text.len() as u64, format!("<{}> is never closed", path.join("><"))));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_written_by_other_tools_are_kept() {
        // As a Spotify exporter writes them: the track's URI in <identifier> (and <location>),
        // an ISRC as a URN, a MusicBrainz recording.
        let text = "<?xml version=\"1.0\"?><playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\"><trackList>\
            <track><creator>A</creator><title>One</title>\
              <identifier>spotify:track:4uLU6hMCjMI75M1A2tKUQC</identifier>\
              <identifier>urn:isrc:gb-aye-69-00531</identifier>\
              <identifier>https://musicbrainz.org/recording/8f3471b5-7e6a-48da-86a9-c1c07a0f47ae</identifier></track>\
            <track><creator>B</creator><title>Two</title><location>spotify:track:0000000000000000000002</location>\
              <identifier>spotify:track:0000000000000000000002</identifier></track>\
            </trackList></playlist>";
        let file = parse(text).unwrap();
        let one = &file.tracks[0].1;
        assert_eq!(one.links, ["spotify:track:4uLU6hMCjMI75M1A2tKUQC"]);
        assert_eq!(one.isrc.as_deref(), Some("GBAYE6900531"));
        assert_eq!(one.mbid.as_deref(), Some("8f3471b5-7e6a-48da-86a9-c1c07a0f47ae"));
        assert_eq!(file.tracks[1].1.links, ["spotify:track:0000000000000000000002"], "once, not twice");
    }

    #[test]
    fn with_and_without_the_namespace() {
        for xmlns in [" xmlns=\"http://xspf.org/ns/0/\"", ""] {
            let text = format!(
                "<?xml version=\"1.0\"?>\n<playlist version=\"1\"{xmlns}>\n<title>A &amp; B</title>\n<trackList>\n\
                 <track><creator>Björk</creator><title>Jóga</title><duration>305000</duration>\
                 <identifier>https://musicbrainz.org/recording/8f3471b5-7e6a-48da-86a9-c1c07a0f47ae</identifier></track>\n\
                 <track><title>no artist</title></track>\n</trackList></playlist>"
            );
            let file = parse(&text).unwrap();
            assert_eq!(file.name.as_deref(), Some("A & B"));
            assert_eq!(file.tracks[0].1.artist, "Björk");
            assert_eq!(file.tracks[0].1.mbid.as_deref(), Some("8f3471b5-7e6a-48da-86a9-c1c07a0f47ae"));
            assert_eq!(file.rejected[0].line, 6);
        }
    }

    #[test]
    fn malformed_xml_names_line_and_column() {
        let err = parse("<playlist>\n<trackList>\n<track><title>x</titel></track>").unwrap_err();
        assert_eq!(err.code, "malformed_xml");
        assert!(err.message.contains("line 3"), "{}", err.message);
        assert_eq!(parse("<html><body/></html>").unwrap_err().code, "not_a_playlist");
    }
}
