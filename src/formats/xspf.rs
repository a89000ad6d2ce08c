//! XSPF version 1 (<https://www.xspf.org/spec>): the playlist element in the XSPF namespace, one
//! `track` per item, our ids in an `extension` element under our own application URI.

use quick_xml::escape::escape;

use super::{export::TrackOut, jspf::EXTENSION};
use crate::playlists::model::Playlist;

/// What closes a document opened by [`head`].
pub const END: &str = "  </trackList>\n</playlist>\n";

fn element(out: &mut String, indent: &str, name: &str, value: &str) {
    out.push_str(&format!("{indent}<{name}>{}</{name}>\n", escape(value)));
}

/// The document up to its first track.
pub fn head(playlist: &Playlist, creator: &str, location: &str) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\">\n");
    element(&mut out, "  ", "title", &playlist.meta.name);
    element(&mut out, "  ", "creator", creator);
    if !playlist.meta.description.is_empty() {
        element(&mut out, "  ", "annotation", &playlist.meta.description);
    }
    element(&mut out, "  ", "location", location);
    element(&mut out, "  ", "date", &playlist.meta.updated_at.to_rfc3339());
    out.push_str("  <trackList>\n");
    out
}

/// A block of `track` elements.
pub fn tracks<'a>(tracks: impl Iterator<Item = TrackOut<'a>>) -> String {
    let mut out = String::new();
    for t in tracks {
        out.push_str("    <track>\n");
        element(&mut out, "      ", "location", &t.best_url());
        if let Some(mbid) = t.mbid {
            element(&mut out, "      ", "identifier", &format!("https://musicbrainz.org/recording/{mbid}"));
        }
        element(&mut out, "      ", "title", t.title);
        element(&mut out, "      ", "creator", t.artist);
        if let Some(url) = t.lastfm_url {
            element(&mut out, "      ", "info", url);
        }
        if let Some(image) = t.image {
            element(&mut out, "      ", "image", image);
        }
        if let Some(album) = t.album {
            element(&mut out, "      ", "album", album);
        }
        if let Some(ms) = t.duration_ms {
            element(&mut out, "      ", "duration", &ms.to_string());
        }
        out.push_str(&format!("      <extension application=\"{EXTENSION}\">\n"));
        element(&mut out, "        ", "item_id", &t.item.item_id);
        element(&mut out, "        ", "artist_as_added", &t.item.artist);
        element(&mut out, "        ", "title_as_added", &t.item.title);
        out.push_str("      </extension>\n    </track>\n");
    }
    out
}
