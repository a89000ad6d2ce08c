//! What the share page shows: its rows, links and totals, built from a playlist (the routes
//! that serve it are in `page`).

use askama::Template;
use url::form_urlencoded::byte_serialize;

use crate::{
    platforms::{item_links::ItemLinks, Platform},
    playlists::model::Playlist,
};

/// A link to open a track elsewhere.
pub struct OpenLink {
    /// Service name.
    pub label: &'static str,
    /// URL.
    pub href: String,
}

/// One row of the page.
pub struct TrackRow {
    /// Position, from 1.
    pub number: usize,
    /// Artist credit: the main artist (Last.fm's spelling when enriched) and the featured ones.
    pub artist: String,
    /// Title.
    pub title: String,
    /// Album art.
    pub image: Option<String>,
    /// `m:ss`, when known.
    pub duration: Option<String>,
    /// Why the track is not matched, in a few words (none when matched).
    pub note: Option<&'static str>,
    /// Search links on other services, and the Last.fm page.
    pub links: Vec<OpenLink>,
}

/// Most tracks a page shows (bounds what one anonymous view costs; the JSPF is complete).
pub const PAGE_ROWS: usize = 500;

/// The page.
#[derive(Template)]
#[template(path = "share.html")]
pub struct SharePage {
    /// Playlist name.
    pub title: String,
    /// Description.
    pub description: String,
    /// Owner's display name.
    pub owner: String,
    /// Number of tracks.
    pub count: usize,
    /// Tracks not shown (beyond the first `PAGE_ROWS`; the JSPF has them all).
    pub more: usize,
    /// Total duration of the tracks whose duration is known.
    pub total: String,
    /// The rows.
    pub rows: Vec<TrackRow>,
    /// The JSPF download.
    pub jspf_url: String,
    /// Downloads in the other formats (public and unlisted pages only: a share link's page
    /// does not reveal the playlist's id).
    pub other_formats: Vec<OpenLink>,
    /// The whole playlist on the platform it was imported from.
    pub open_on: Vec<OpenLink>,
    /// The playlist's cover: its own image, else the first track's art (also `og:image`).
    pub cover: Option<String>,
}

/// The page for links that do not work.
#[derive(Template)]
#[template(path = "not_found.html")]
pub struct NotFoundPage;

fn encode(s: &str) -> String {
    byte_serialize(s.as_bytes()).collect()
}

/// A duration as `m:ss`.
pub fn clock(ms: u64) -> String {
    let secs = ms / 1000;
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// A total duration in minutes (and hours past 60).
pub fn total(ms: u64) -> String {
    let minutes = ms / 60_000;
    if minutes >= 60 {
        format!("{} h {} min", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min")
    }
}

/// Builds the page's content from a playlist.
pub fn page(playlist: &Playlist, owner: String, jspf_url: String, other_formats: Vec<OpenLink>) -> SharePage {
    let rows: Vec<TrackRow> = playlist
        .items
        .iter()
        .take(PAGE_ROWS)
        .enumerate()
        .map(|(i, item)| {
            let meta = item.trusted_meta();
            let artist = meta.map_or(&item.artist, |m| &m.artist).clone();
            let title = meta.map_or(&item.title, |m| &m.title).clone();
            let q = encode(&format!("{artist} {title}"));
            let lastfm = meta
                .and_then(|m| m.url.clone())
                .unwrap_or_else(|| format!("https://www.last.fm/music/{}/_/{}", encode(&artist), encode(&title)));
            TrackRow {
                number: i + 1,
                image: meta.and_then(|m| m.image.clone()).or_else(|| item.image.clone()),
                duration: meta.and_then(|m| m.duration_ms).or(item.duration_ms).map(clock),
                note: item.matching.as_ref().and_then(|m| m.reason.as_ref()).map(|r| r.code.short()),
                links: {
                    let own = ItemLinks::of(item);
                    let link = |platform: Platform, label: &'static str, search: String| OpenLink {
                        label,
                        // The track's own page there (a Spotify URI becomes its web page).
                        href: own.get(platform).and_then(crate::platforms::links::web_address).unwrap_or(search),
                    };
                    vec![
                        link(Platform::Spotify, "Spotify", format!("https://open.spotify.com/search/{q}")),
                        link(Platform::Youtube, "YouTube Music", format!("https://music.youtube.com/search?q={q}")),
                        link(Platform::Applemusic, "Apple Music", format!("https://music.apple.com/search?term={q}")),
                        link(Platform::Deezer, "Deezer", format!("https://www.deezer.com/search/{q}")),
                        OpenLink { label: "Last.fm", href: lastfm },
                    ]
                },
                // The whole credit ("Main feat. A, B"); searches use the main artist alone.
                artist: crate::formats::artists::credit(&artist, &item.featured_artists),
                title,
            }
        })
        .collect();
    // Last.fm's duration for a trusted match, else the one the item came with.
    let total_ms =
        playlist.items.iter().filter_map(|i| i.trusted_meta().and_then(|m| m.duration_ms).or(i.duration_ms)).sum();
    let cover = playlist.meta.image.clone().or_else(|| rows.iter().find_map(|r| r.image.clone()));
    SharePage {
        title: playlist.meta.name.clone(),
        description: playlist.meta.description.clone(),
        owner,
        count: playlist.items.len(),
        more: playlist.items.len().saturating_sub(rows.len()),
        total: total(total_ms),
        rows,
        jspf_url,
        other_formats,
        open_on: open_on(playlist),
        cover,
    }
}

/// Where the whole playlist can be opened: the platform playlist it was imported from, and its
/// owner's copies.
fn open_on(playlist: &Playlist) -> Vec<OpenLink> {
    let source = playlist.meta.source_url.as_deref().and_then(|url| {
        let platform = crate::platforms::links::parse(url).ok()?.platform;
        url.starts_with("https://").then(|| OpenLink { label: platform.label(), href: url.to_owned() })
    });
    let copies = playlist
        .meta
        .copies
        .iter()
        .filter(|c| c.url.starts_with("https://"))
        .map(|c| OpenLink { label: c.platform.label(), href: c.url.clone() });
    let mut links: Vec<OpenLink> = Vec::new();
    for link in source.into_iter().chain(copies) {
        if !links.iter().any(|l| l.label == link.label) {
            links.push(link);
        }
    }
    links
}
