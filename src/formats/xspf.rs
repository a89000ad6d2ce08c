//! XSPF version 1 (<https://www.xspf.org/spec>): the playlist element in the XSPF namespace, one
//! `track` per item, our ids in an `extension` element under our own application URI.

use quick_xml::escape::escape;

use super::{export::TrackOut, jspf::EXTENSION};
use crate::playlists::model::Playlist;

/// What closes a document opened by [`head`].
pub const END: &str = "  </trackList>\n</playlist>\n";

fn element(out: &mut String, indent: &str, name: &str, value: &str) {
    out.push_str(&format!("{indent}<{name}>{}</{name}>\n", escape(xml_chars(value).as_ref())));
}

/// Drops the characters XML 1.0 cannot hold at all (most C0 controls).
fn xml_chars(value: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| !c.is_control() || matches!(c, '\t' | '\n' | '\r') || u32::from(c) >= 0x7f;
    if value.chars().all(allowed) {
        value.into()
    } else {
        value.chars().filter(|c| allowed(*c)).collect::<String>().into()
    }
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
    if let Some(image) = &playlist.meta.image {
        element(&mut out, "  ", "image", image);
    }
    element(&mut out, "  ", "date", &playlist.meta.updated_at.to_rfc3339());
    out.push_str("  <trackList>\n");
    out
}

/// A block of `track` elements.
pub fn tracks<'a>(tracks: impl Iterator<Item = TrackOut<'a>>) -> String {
    let mut out = String::new();
    for t in tracks {
        out.push_str("    <track>\n");
        if t.links.is_empty() {
            element(&mut out, "      ", "location", &t.best_url());
        }
        for link in t.links {
            element(&mut out, "      ", "location", link);
        }
        if let Some(mbid) = t.mbid {
            element(&mut out, "      ", "identifier", &format!("https://musicbrainz.org/recording/{mbid}"));
        }
        element(&mut out, "      ", "title", t.title);
        element(&mut out, "      ", "creator", &t.credit());
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
        // Our fields live in our own namespace: XSPF extensions hold XML of other namespaces.
        out.push_str(&format!("      <extension application=\"{EXTENSION}\" xmlns:s=\"{EXTENSION}\">\n"));
        element(&mut out, "        ", "s:item_id", &t.item.item_id);
        element(&mut out, "        ", "s:artist_as_added", &t.item.artist);
        element(&mut out, "        ", "s:title_as_added", &t.item.title);
        if let Some(isrc) = t.isrc {
            element(&mut out, "        ", "s:isrc", isrc);
        }
        for artist in t.featured {
            element(&mut out, "        ", "s:featured_artist", artist);
        }
        if let Some(reason) = t.item.matching.as_ref().and_then(|m| m.reason.as_ref()) {
            element(&mut out, "        ", "s:match_reason", reason.code.as_str());
        }
        out.push_str("      </extension>\n    </track>\n");
    }
    out
}
