//! JSPF as ListenBrainz exports it: `playlist.title`, `annotation`, and per `track` its
//! `creator`, `title`, `album`, `duration`, `identifier` (MusicBrainz recording URLs),
//! `location`s, and sharify's own `extension` (ISRC, links).

use serde::Deserialize;
use serde_json::{value::RawValue, Value};

use super::{keep_link, read_identifier, LineCounter, ParsedFile};
use crate::{error::ApiError, formats::jspf::EXTENSION, playlists::track_input::TrackInput};

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow)]
    playlist: Option<PlaylistPart<'a>>,
}

#[derive(Deserialize)]
struct PlaylistPart<'a> {
    title: Option<Value>,
    annotation: Option<Value>,
    image: Option<Value>,
    #[serde(borrow, default)]
    track: Option<Vec<&'a RawValue>>,
}

/// A string field, or `None` for anything else.
fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// A field that may be one string or a list of them.
fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    }
}

fn track(v: &Value) -> Result<TrackInput, &'static str> {
    let o = v.as_object().ok_or("the track is not an object")?;
    let artist = o.get("creator").and_then(text).ok_or("the track has no creator (artist)")?;
    let title = o.get("title").and_then(text).ok_or("the track has no title")?;
    let mut t = TrackInput::named(&artist, &title);
    t.album = o.get("album").and_then(text);
    t.duration_ms = o.get("duration").and_then(Value::as_u64).filter(|ms| *ms > 0);
    t.image = o.get("image").and_then(text);
    t.links = o.get("location").map(strings).unwrap_or_default().into_iter().filter(|l| keep_link(l)).collect();
    for identifier in o.get("identifier").map(strings).unwrap_or_default() {
        read_identifier(&identifier, &mut t);
    }
    if let Some(ours) = o.get("extension").and_then(|e| e.get(EXTENSION)) {
        t.isrc = ours.get("isrc").and_then(text);
        t.featured_artists = ours.get("featured_artists").map(strings).unwrap_or_default();
        for link in ours.get("links").map(strings).unwrap_or_default() {
            if keep_link(&link) && !t.links.contains(&link) {
                t.links.push(link);
            }
        }
    }
    Ok(t)
}

/// Reads a JSPF file.
pub fn parse(body: &str) -> Result<ParsedFile, ApiError> {
    let doc: Document<'_> = serde_json::from_str(body).map_err(|e| {
        ApiError::invalid(
            "malformed_json",
            format!("the JSON is malformed at line {}, column {}: {e}", e.line(), e.column()),
        )
    })?;
    let playlist = doc.playlist.ok_or_else(|| {
        ApiError::invalid("not_a_playlist", "this JSON is not a JSPF playlist (no \"playlist\" object)")
    })?;
    let mut file = ParsedFile {
        name: playlist.title.as_ref().and_then(text),
        description: playlist.annotation.as_ref().and_then(text),
        image: playlist.image.as_ref().and_then(text),
        ..ParsedFile::default()
    };
    let mut lines = LineCounter::new(body);
    for (position, raw) in playlist.track.unwrap_or_default().into_iter().enumerate() {
        // The track's physical line: where its text starts in the body.
        let line = lines.line_of(raw.get().as_ptr() as usize - body.as_ptr() as usize);
        let value: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
        match track(&value) {
            Ok(t) => file.push_track(line, t)?,
            // Files are often one line long: the track's place in the list is what finds it.
            Err(reason) => file.reject(line, format!("track {} of the list: {reason}", position + 1)),
        }
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listenbrainz_jspf() {
        let body = r#"{"playlist": {"title": "Weekly Jams", "track": [
  {"title": "Hoppípolla", "creator": "Sigur Rós",
   "identifier": ["https://musicbrainz.org/recording/0b8e90e9-f646-4d5f-9ae8-5d0928398f9f"]},
  {"title": "orphan"}
]}}"#;
        let file = parse(body).unwrap();
        assert_eq!(file.name.as_deref(), Some("Weekly Jams"));
        assert_eq!(file.tracks[0].0, 2);
        assert_eq!(file.tracks[0].1.mbid.as_deref(), Some("0b8e90e9-f646-4d5f-9ae8-5d0928398f9f"));
        assert_eq!(file.rejected[0].line, 4);
        assert_eq!(file.rejected[0].reason, "track 2 of the list: the track has no creator (artist)");
        // A one-line file: the place in the list tells the tracks apart, not "line 1".
        let one_line = r#"{"playlist":{"track":[{"title":"a","creator":"b"},{"title":"c"},{"creator":"d"}]}}"#;
        let reasons: Vec<String> = parse(one_line).unwrap().rejected.into_iter().map(|r| r.reason).collect();
        assert_eq!(
            reasons,
            ["track 2 of the list: the track has no creator (artist)", "track 3 of the list: the track has no title"]
        );
        let err = parse("{\"playlist\": [").unwrap_err();
        assert!(err.message.contains("line 1"), "{}", err.message);
    }
}
