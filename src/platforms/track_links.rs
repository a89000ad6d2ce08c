//! Per-track platform links for matched tracks: each platform that can search its catalog
//! (Deezer always, Spotify with the app's client credentials, Apple Music with a developer token)
//! is asked for the matched track, by ISRC first. A hit counts only when the matcher is as sure
//! of it as of a Last.fm match (`matching.accept_threshold`). Answers, misses included, are cached
//! in the records store, shared by all replicas, so a track is searched once per platform.
//! YouTube is not searched: `search.list` has a bucket of 100 calls a day.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use chrono::{Duration as Days, Utc};
use futures::{stream, StreamExt};
use serde::{Deserialize, Serialize};

use super::{item_links::ItemLinks, Platform, SearchQuery, TrackSearch};
use crate::{
    error::ApiError,
    matching::{
        model::MatchStatus,
        score::{confidence, TrackFacts},
    },
    platforms::deps::PlatformDeps,
    playlists::{
        model::{Item, Playlist},
        store::LinkUpdate,
    },
    storage::records::RecordKey,
};

/// Records kind of cached search answers.
const CACHE_KIND: &str = "platform_link";
/// Searches run at once (each platform's own limiter paces them further).
const CONCURRENT_SEARCHES: usize = 4;

tokio::task_local! {
    /// Counts the catalog searches made within a scope (a push run's progress).
    pub static SEARCHES_MADE: std::sync::Arc<std::sync::atomic::AtomicUsize>;
}
/// How long a found link is trusted, and how long a miss is, before the platform is asked again.
const HIT_DAYS: i64 = 30;
const MISS_DAYS: i64 = 7;

/// A cached answer: the track's page on the platform, or none.
#[derive(Serialize, Deserialize)]
struct Cached {
    url: Option<String>,
}

/// One search to make: the matched track's names and ISRC, on one platform.
#[derive(Clone)]
struct Wanted {
    platform: Platform,
    artist: String,
    title: String,
    duration_ms: Option<u64>,
    isrc: Option<String>,
}

impl Wanted {
    /// Cache key: by ISRC when known, else by folded names.
    fn key(&self) -> String {
        let platform = serde_json::to_value(self.platform).ok().and_then(|v| v.as_str().map(str::to_owned));
        let platform = platform.unwrap_or_default();
        match &self.isrc {
            Some(isrc) => format!("{platform}\u{1e}isrc:{}", isrc.to_ascii_uppercase()),
            None => format!("{platform}\u{1e}{}", crate::playlists::normalize::track_key(&self.artist, &self.title)),
        }
    }
}

/// What one pass over a playlist found.
pub struct Found {
    /// New links by item.
    pub updates: Vec<LinkUpdate>,
    /// Whether every wanted search was answered (else the playlist is tried again later).
    pub complete: bool,
    /// Platform calls made (searches, not cache hits).
    pub searched: usize,
}

/// The searches a playlist's matched items still need, by item.
fn wanted(playlist: &Playlist, platforms: &[Platform]) -> Vec<(usize, Wanted)> {
    let mut out = Vec::new();
    for (at, item) in playlist.items.iter().enumerate() {
        let Some(m) = item.matching.as_ref().filter(|m| m.status == MatchStatus::Matched) else { continue };
        let Some(track) = m.track.as_ref() else { continue };
        let known = ItemLinks::of(item);
        for &platform in platforms.iter().filter(|p| known.get(**p).is_none()) {
            let wanted = Wanted {
                platform,
                artist: track.artist.clone(),
                title: track.title.clone(),
                duration_ms: track.duration_ms.or(item.duration_ms),
                isrc: item.isrc.clone(),
            };
            out.push((at, wanted));
        }
    }
    out
}

/// The hit the matcher is sure of, if any.
fn best_hit(want: &Wanted, hits: &[super::RemoteTrack], accept: f64) -> Option<String> {
    let line = TrackFacts {
        artist: &want.artist,
        title: &want.title,
        duration_ms: want.duration_ms,
        mbid: None,
        isrc: want.isrc.as_deref(),
    };
    hits.iter()
        .filter(|h| h.url.is_some())
        .map(|h| {
            let hit = TrackFacts {
                artist: &h.artist,
                title: &h.title,
                duration_ms: h.duration_ms,
                mbid: None,
                isrc: h.isrc.as_deref(),
            };
            (confidence(&line, &hit), h)
        })
        .filter(|(c, _)| *c >= accept)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .and_then(|(_, h)| h.url.clone())
}

/// Searches (cache first) for the links `playlist`'s matched items lack, at most `budget` calls
/// to the platforms.
pub async fn find(state: &dyn PlatformDeps, playlist: &Playlist, budget: usize) -> Result<Found, ApiError> {
    let platforms: Vec<Platform> = state.platforms().searchers().iter().map(|s| s.platform()).collect();
    let wanted = wanted(playlist, &platforms);
    let searchers = state.platforms().searchers();
    let (answers, complete, searched) = answers(state, &searchers, wanted.iter().map(|(_, w)| w), budget).await?;
    let mut by_item: HashMap<usize, Vec<String>> = HashMap::new();
    for (at, w) in &wanted {
        if let Some(Some(url)) = answers.get(&w.key()) {
            by_item.entry(*at).or_default().push(url.clone());
        }
    }
    let mut updates: Vec<LinkUpdate> = by_item
        .into_iter()
        .map(|(at, links)| {
            let item = &playlist.items[at];
            LinkUpdate { item_id: item.item_id.clone(), track_key: item.track_key.clone(), links }
        })
        .collect();
    updates.sort_by(|a, b| a.item_id.cmp(&b.item_id));
    Ok(Found { updates, complete, searched })
}

/// Each matched item's page on `platform` (by item id): the link it has, else a search (cache
/// first, at most `budget` searches): `Some(Some(url))` found, `Some(None)` no sure hit there (or
/// the platform cannot search here), `None` not searched yet (over the budget, or it failed).
pub async fn pages_on(
    state: &dyn PlatformDeps,
    platform: Platform,
    playlist: &Playlist,
    budget: usize,
    searcher: Option<&dyn TrackSearch>,
) -> Result<HashMap<String, Option<Option<String>>>, ApiError> {
    let mut pages = HashMap::new();
    let matched = |i: &&Arc<Item>| i.matching.as_ref().is_some_and(|m| m.status == MatchStatus::Matched);
    for item in playlist.items.iter().filter(matched) {
        if let Some(link) = ItemLinks::of(item).get(platform) {
            pages.insert(item.item_id.clone(), Some(Some(link.to_owned())));
        }
    }
    let wanted: Vec<(usize, Wanted)> = wanted(playlist, &[platform])
        .into_iter()
        .filter(|(at, _)| !pages.contains_key(&playlist.items[*at].item_id))
        .collect();
    let mut searchers = state.platforms().searchers();
    searchers.extend(searcher);
    let can_search = searchers.iter().any(|s| s.platform() == platform);
    let budget = if can_search { budget } else { 0 };
    let (answers, _, _) = answers(state, &searchers, wanted.iter().map(|(_, w)| w), budget).await?;
    for (at, w) in &wanted {
        let answer = answers.get(&w.key()).cloned().or((!can_search).then_some(None));
        pages.insert(playlist.items[*at].item_id.clone(), answer);
    }
    Ok(pages)
}

/// The answers to `wanted` by cache key: cached ones, then at most `budget` searches (cached in
/// turn). Also says whether every one was answered, and how many searches were made.
async fn answers<'w>(
    state: &dyn PlatformDeps,
    searchers: &[&dyn TrackSearch],
    wanted: impl Iterator<Item = &'w Wanted>,
    budget: usize,
) -> Result<(HashMap<String, Option<String>>, bool, usize), ApiError> {
    let wanted: Vec<&Wanted> = wanted.collect();
    let keys: Vec<String> = wanted.iter().map(|w| w.key()).collect::<HashSet<_>>().into_iter().collect();
    let mut answers: HashMap<String, Option<String>> = HashMap::new();
    for chunk in keys.chunks(500) {
        for (key, value) in state.store().records(CACHE_KIND, chunk).await? {
            if let Ok(c) = serde_json::from_str::<Cached>(&value) {
                answers.insert(key, c.url);
            }
        }
    }
    let mut to_search: Vec<Wanted> = Vec::new();
    let mut queued = HashSet::new();
    for w in &wanted {
        let key = w.key();
        if !answers.contains_key(&key) && queued.insert(key) {
            to_search.push(Wanted::clone(w));
        }
    }
    let mut complete = to_search.len() <= budget;
    to_search.truncate(budget);
    let searched_count = to_search.len();
    let accept = state.config().matching.accept_threshold;
    let searched: Vec<(String, Option<Option<String>>)> = stream::iter(to_search)
        .map(|w| {
            let searcher: Option<&dyn TrackSearch> = searchers.iter().copied().find(|s| s.platform() == w.platform);
            async move {
                let query = SearchQuery { artist: &w.artist, title: &w.title, isrc: w.isrc.as_deref() };
                let outcome = match searcher {
                    Some(s) => s.search(&query).await.map(|hits| best_hit(&w, &hits, accept)),
                    None => return Ok((w.key(), None)),
                };
                let _ = SEARCHES_MADE.try_with(|n| n.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
                match outcome {
                    Ok(url) => {
                        // Saved as soon as it is known: work cut short (a request given up, a
                        // pod stopped) keeps every search it made for the next attempt.
                        let days = if url.is_some() { HIT_DAYS } else { MISS_DAYS };
                        let value = serde_json::to_string(&Cached { url: url.clone() }).unwrap_or_default();
                        let key = w.key();
                        let at = RecordKey { kind: CACHE_KIND, owner: "", key: &key };
                        state.store().put_record(at, &value, Some(Utc::now() + Days::days(days))).await?;
                        Ok((key, Some(url)))
                    }
                    Err(e) => {
                        tracing::debug!(platform = ?w.platform, error = %e, "platform search failed; tried again later");
                        Ok((w.key(), None))
                    }
                }
            }
        })
        .buffer_unordered(CONCURRENT_SEARCHES)
        .collect::<Vec<Result<_, ApiError>>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    for (key, outcome) in searched {
        let Some(url) = outcome else {
            complete = false;
            continue;
        };
        answers.insert(key, url);
    }
    Ok((answers, complete, searched_count))
}
