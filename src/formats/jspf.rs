//! JSPF (XSPF in JSON, <https://www.xspf.org/jspf>) in the form ListenBrainz writes: tracks with
//! `identifier` URLs, and our own ids in an `extension` block under our namespace.

use serde_json::{json, Map, Value};

use super::export::TrackOut;
use crate::playlists::model::Playlist;

/// The namespace of sharify's `extension` blocks.
pub const EXTENSION: &str = "https://sharify.dev/jspf";

/// What closes a document opened by [`head`].
pub const END: &str = "]}}\n";

/// One track as a JSPF object.
pub fn track(t: &TrackOut<'_>) -> Value {
    let mut o = Map::new();
    o.insert("title".into(), json!(t.title));
    o.insert("creator".into(), json!(t.credit()));
    if let Some(album) = t.album {
        o.insert("album".into(), json!(album));
    }
    if let Some(ms) = t.duration_ms {
        o.insert("duration".into(), json!(ms));
    }
    let mut identifiers = Vec::new();
    if let Some(mbid) = t.mbid {
        identifiers.push(json!(format!("https://musicbrainz.org/recording/{mbid}")));
    }
    if !identifiers.is_empty() {
        o.insert("identifier".into(), Value::Array(identifiers));
    }
    let mut locations: Vec<String> = t.links.to_vec();
    if locations.is_empty() {
        locations.push(t.best_url());
    }
    o.insert("location".into(), json!(locations));
    if let Some(image) = t.image {
        o.insert("image".into(), json!(image));
    }
    if let Some(url) = t.lastfm_url {
        o.insert("info".into(), json!(url));
    }
    let ours = json!({
        "item_id": t.item.item_id,
        "artist_as_added": t.item.artist,
        "title_as_added": t.item.title,
        "added_at": t.item.added_at.to_rfc3339(),
        "lastfm_url": t.lastfm_url,
        "isrc": t.isrc,
        "links": t.links,
        "featured_artists": t.featured,
        "match": t.item.matching.as_ref().map(|m| json!({
            "status": m.status,
            "confidence": m.confidence,
            "reason": m.reason.as_ref().map(|r| r.code),
        })),
    });
    o.insert("extension".into(), json!({ EXTENSION: ours }));
    Value::Object(o)
}

/// The document up to its first track: `{"playlist": {…, "track": [`.
pub fn head(playlist: &Playlist, creator: &str, location: &str) -> String {
    let mut meta = json!({
        "title": playlist.meta.name,
        "creator": creator,
        "annotation": playlist.meta.description,
        "location": location,
        "identifier": location,
        "date": playlist.meta.updated_at.to_rfc3339(),
        // No playlist id here: a share link's JSPF must not hand it out (`location` says where it lives).
        "extension": { EXTENSION: { "version": playlist.meta.version } },
    });
    if let Some(image) = &playlist.meta.image {
        meta["image"] = json!(image);
    }
    let mut text = json!({ "playlist": meta }).to_string();
    // Reopen the object to append the track list: `…}}` becomes `…,"track":[`.
    text.truncate(text.len() - 2);
    text.push_str(",\"track\":[");
    text
}

/// A block of tracks, comma-separated (preceded by a comma unless it is the first block).
pub fn tracks<'a>(tracks: impl Iterator<Item = TrackOut<'a>>, first_block: bool) -> String {
    let mut out = String::new();
    for (i, t) in tracks.enumerate() {
        if i > 0 || !first_block {
            out.push(',');
        }
        out.push_str(&track(&t).to_string());
    }
    out
}

/// The whole document at once (the share page's JSPF, which is cached per revision).
pub fn to_jspf(playlist: &Playlist, creator: &str, location: &str) -> Value {
    let text = format!(
        "{}{}{}",
        head(playlist, creator, location),
        tracks(playlist.items.iter().map(|i| TrackOut::of(i)), true),
        END
    );
    serde_json::from_str(&text).unwrap_or(Value::Null)
}
