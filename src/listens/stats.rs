//! Listening stats over a period: counts, top tracks and artists, top tags (Last.fm tags of the
//! top tracks, from the track cache only), and the listening clock in the user's time zone.

use std::collections::HashMap;

use chrono::{Duration, Timelike, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::Listen;
use crate::{error::ApiError, matching::names, storage::Store, users::model::User};

/// Entries in each top list.
const TOP: usize = 20;

/// A stats period, back from now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Period {
    /// The last 7 days.
    #[serde(rename = "7d")]
    Week,
    /// The last month (30 days).
    #[serde(rename = "1m")]
    Month,
    /// The last 3 months (91 days).
    #[serde(rename = "3m")]
    Quarter,
    /// The last 12 months (365 days).
    #[serde(rename = "12m")]
    Year,
    /// Everything.
    #[serde(rename = "all")]
    All,
}

/// `user`'s time zone (UTC when it does not parse).
pub fn zone_of(user: &User) -> chrono_tz::Tz {
    user.timezone.parse().unwrap_or(chrono_tz::UTC)
}

impl Period {
    /// Days back from now (`None`: everything).
    pub fn days(self) -> Option<i64> {
        match self {
            Self::Week => Some(7),
            Self::Month => Some(30),
            Self::Quarter => Some(91),
            Self::Year => Some(365),
            Self::All => None,
        }
    }
}

/// A track and how often it was played.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TopTrack {
    /// Artist.
    pub artist: String,
    /// Title.
    pub title: String,
    /// Plays in the period.
    pub listens: u64,
}

/// An artist and how often they were played.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TopArtist {
    /// Artist.
    pub artist: String,
    /// Plays in the period.
    pub listens: u64,
}

/// A tag and the plays of the top tracks that carry it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TopTag {
    /// The Last.fm tag.
    pub tag: String,
    /// Plays of top tracks tagged so.
    pub listens: u64,
}

/// Your listening over a period.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Stats {
    /// The period.
    pub period: Period,
    /// Plays.
    pub listens: u64,
    /// Distinct tracks.
    pub unique_tracks: u64,
    /// Distinct artists.
    pub unique_artists: u64,
    /// Most played tracks.
    pub top_tracks: Vec<TopTrack>,
    /// Most played artists.
    pub top_artists: Vec<TopArtist>,
    /// Most played tags (from Last.fm's tags of the top tracks, as cached).
    pub top_tags: Vec<TopTag>,
    /// Plays by hour of day (0-23) in your time zone.
    pub by_hour: Vec<u64>,
    /// The time zone of `by_hour`.
    pub timezone: String,
}

fn top<T>(counts: HashMap<&str, (u64, T)>, n: usize) -> Vec<(u64, T)> {
    let mut all: Vec<(&str, (u64, T))> = counts.into_iter().collect();
    all.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(b.0)));
    all.into_iter().take(n).map(|(_, v)| v).collect()
}

/// A track's plays while counting.
struct Played<'a> {
    plays: u64,
    artist: &'a str,
    title: &'a str,
}

/// `user`'s stats for `period`.
pub async fn compute(store: &dyn Store, user: &User, period: Period) -> Result<Stats, ApiError> {
    let listens = listens_in(store, user, period).await?;
    summarise(store, user, period, &listens).await
}

/// `user`'s listens in `period`, oldest first.
pub async fn listens_in(store: &dyn Store, user: &User, period: Period) -> Result<Vec<Listen>, ApiError> {
    let from = period.days().map(|d| Utc::now() - Duration::days(d));
    Ok(store.listens_since(&user.id, from).await?)
}

/// The stats of `listens` (`user`'s in `period`); tags come from the track cache.
pub async fn summarise(store: &dyn Store, user: &User, period: Period, listens: &[Listen]) -> Result<Stats, ApiError> {
    let zone = zone_of(user);
    let mut by_hour = vec![0u64; 24];
    let mut tracks: HashMap<&str, Played<'_>> = HashMap::new();
    let mut artist_keys: HashMap<String, (u64, &str)> = HashMap::new();
    for l in listens {
        by_hour[l.at.with_timezone(&zone).hour() as usize] += 1;
        tracks.entry(&l.track_key).or_insert(Played { plays: 0, artist: &l.artist, title: &l.title }).plays += 1;
        artist_keys.entry(names::artist(&l.artist)).or_insert((0, &l.artist)).0 += 1;
    }
    let unique_tracks = tracks.len() as u64;
    let unique_artists = artist_keys.len() as u64;
    let keyed_tracks: Vec<(String, u64, &str, &str)> = {
        let mut all: Vec<(&str, Played<'_>)> = tracks.into_iter().collect();
        all.sort_by(|a, b| b.1.plays.cmp(&a.1.plays).then_with(|| a.0.cmp(b.0)));
        all.into_iter().take(TOP).map(|(k, p)| (k.to_owned(), p.plays, p.artist, p.title)).collect()
    };
    let artists: HashMap<&str, (u64, &str)> = artist_keys.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let top_artists =
        top(artists, TOP).into_iter().map(|(n, a)| TopArtist { artist: a.to_owned(), listens: n }).collect();
    let keys: Vec<String> = keyed_tracks.iter().map(|t| t.0.clone()).collect();
    let cached = store.cached_tracks(&keys).await?;
    let mut tags: HashMap<String, u64> = HashMap::new();
    for entry in &cached {
        let plays = keyed_tracks.iter().find(|t| t.0 == entry.key).map_or(0, |t| t.1);
        for tag in entry.meta.iter().flat_map(|m| m.tags.iter()) {
            *tags.entry(tag.to_lowercase()).or_default() += plays;
        }
    }
    let mut top_tags: Vec<TopTag> = tags.into_iter().map(|(tag, listens)| TopTag { tag, listens }).collect();
    top_tags.sort_by(|a, b| b.listens.cmp(&a.listens).then_with(|| a.tag.cmp(&b.tag)));
    top_tags.truncate(TOP);
    Ok(Stats {
        period,
        listens: listens.len() as u64,
        unique_tracks,
        unique_artists,
        top_tracks: keyed_tracks
            .into_iter()
            .map(|(_, n, a, t)| TopTrack { artist: a.to_owned(), title: t.to_owned(), listens: n })
            .collect(),
        top_artists,
        top_tags,
        by_hour,
        timezone: zone.name().to_owned(),
    })
}
