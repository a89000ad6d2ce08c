//! Decoders for the `user.*` methods (recent tracks, weekly chart, loved tracks).

use serde::Deserialize;

use super::{
    decode::parse,
    error::LastfmError,
    types::{LovedTrack, Page, RecentTrack, WeeklyChart},
    wire::{self, flag, list, num, opt_str, ArtistRef, Date, Image, ItemAttr, PageAttr, Text, TrackItem},
};

/// `user.getRecentTracks` (the now-playing item, when present, comes first).
pub fn recent_tracks(status: u16, body: &[u8]) -> Result<Page<RecentTrack>, LastfmError> {
    #[derive(Deserialize)]
    struct RecentWire {
        #[serde(default)]
        name: String,
        artist: ArtistRef,
        album: Option<Text>,
        #[serde(default, deserialize_with = "opt_str")]
        mbid: Option<String>,
        #[serde(default, deserialize_with = "opt_str")]
        url: Option<String>,
        #[serde(default, deserialize_with = "list")]
        image: Vec<Image>,
        date: Option<Date>,
        #[serde(rename = "@attr", default)]
        attr: Option<ItemAttr>,
        #[serde(default, deserialize_with = "flag")]
        loved: Option<bool>,
    }
    #[derive(Deserialize)]
    struct Recent {
        #[serde(default, deserialize_with = "list")]
        track: Vec<RecentWire>,
        #[serde(rename = "@attr")]
        attr: Option<PageAttr>,
        // The 2014 empty form carries the pagination inline.
        #[serde(flatten)]
        inline: PageAttr,
    }
    #[derive(Deserialize)]
    struct Root {
        recenttracks: Recent,
    }
    let r = parse::<Root>(status, body)?.recenttracks;
    let items = r
        .track
        .into_iter()
        .map(|t| RecentTrack {
            artist: t.artist.name(),
            album: t.album.and_then(|a| a.text),
            mbid: t.mbid,
            url: t.url,
            image: wire::largest(&t.image),
            played_at: t.date.and_then(|d| d.at()),
            now_playing: t.attr.and_then(|a| a.nowplaying).unwrap_or(false),
            loved: t.loved,
            name: t.name,
        })
        .collect();
    Ok(wire::page(items, r.attr.as_ref().unwrap_or(&r.inline)))
}

/// `user.getWeeklyTrackChart`.
pub fn weekly_track_chart(status: u16, body: &[u8]) -> Result<WeeklyChart, LastfmError> {
    #[derive(Deserialize, Default)]
    struct Span {
        #[serde(default, deserialize_with = "num")]
        from: Option<u64>,
        #[serde(default, deserialize_with = "num")]
        to: Option<u64>,
    }
    #[derive(Deserialize)]
    struct Chart {
        #[serde(default, deserialize_with = "list")]
        track: Vec<TrackItem>,
        #[serde(rename = "@attr", default)]
        attr: Span,
    }
    #[derive(Deserialize)]
    struct Root {
        weeklytrackchart: Chart,
    }
    let c = parse::<Root>(status, body)?.weeklytrackchart;
    let at = |s: Option<u64>| s.and_then(|s| chrono::DateTime::from_timestamp(s as i64, 0));
    Ok(WeeklyChart {
        from: at(c.attr.from),
        to: at(c.attr.to),
        items: c.track.into_iter().map(|t| t.into_hit(1000)).collect(),
    })
}

/// `user.getLovedTracks`.
pub fn loved_tracks(status: u16, body: &[u8]) -> Result<Page<LovedTrack>, LastfmError> {
    #[derive(Deserialize)]
    struct LovedWire {
        #[serde(default)]
        name: String,
        artist: ArtistRef,
        #[serde(default, deserialize_with = "opt_str")]
        mbid: Option<String>,
        #[serde(default, deserialize_with = "opt_str")]
        url: Option<String>,
        #[serde(default, deserialize_with = "list")]
        image: Vec<Image>,
        date: Option<Date>,
    }
    #[derive(Deserialize)]
    struct Loved {
        #[serde(default, deserialize_with = "list")]
        track: Vec<LovedWire>,
        #[serde(rename = "@attr", default)]
        attr: PageAttr,
    }
    #[derive(Deserialize)]
    struct Root {
        lovedtracks: Loved,
    }
    let l = parse::<Root>(status, body)?.lovedtracks;
    let items = l
        .track
        .into_iter()
        .map(|t| LovedTrack {
            artist: t.artist.name(),
            mbid: t.mbid,
            url: t.url,
            image: wire::largest(&t.image),
            loved_at: t.date.and_then(|d| d.at()),
            name: t.name,
        })
        .collect();
    Ok(wire::page(items, &l.attr))
}
