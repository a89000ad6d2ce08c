//! JSPF (XSPF in JSON, <https://www.xspf.org/jspf>) export of a playlist.

use serde_json::{json, Map, Value};

use crate::playlists::model::Playlist;

/// The playlist as a JSPF document; `creator` is the owner's display name, `location` the
/// playlist's page.
pub fn to_jspf(playlist: &Playlist, creator: &str, location: &str) -> Value {
    let tracks: Vec<Value> = playlist
        .items
        .iter()
        .map(|item| {
            let meta = item.meta.as_ref();
            let mut t = Map::new();
            t.insert("title".into(), json!(meta.map_or(&item.title, |m| &m.title)));
            t.insert("creator".into(), json!(meta.map_or(&item.artist, |m| &m.artist)));
            if let Some(album) = meta.and_then(|m| m.album.as_ref()).or(item.album.as_ref()) {
                t.insert("album".into(), json!(album));
            }
            if let Some(ms) = meta.and_then(|m| m.duration_ms) {
                t.insert("duration".into(), json!(ms));
            }
            if let Some(mbid) = meta.and_then(|m| m.mbid.as_ref()) {
                t.insert("identifier".into(), json!([format!("https://musicbrainz.org/recording/{mbid}")]));
            }
            if let Some(image) = meta.and_then(|m| m.image.as_ref()) {
                t.insert("image".into(), json!(image));
            }
            if let Some(url) = meta.and_then(|m| m.url.as_ref()) {
                t.insert("info".into(), json!(url));
            }
            Value::Object(t)
        })
        .collect();
    json!({"playlist": {
        "title": playlist.meta.name,
        "creator": creator,
        "annotation": playlist.meta.description,
        "location": location,
        "date": playlist.meta.updated_at.to_rfc3339(),
        "track": tracks,
    }})
}
