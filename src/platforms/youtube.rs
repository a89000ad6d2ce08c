//! YouTube Data API v3 with an API key: public and unlisted playlists, read with
//! `playlistItems.list` 50 at a time (1 quota unit a page; opaque page tokens, so one page after
//! another). Quota units are counted per Pacific day across replicas, and an import that would pass
//! `youtube.daily_quota_units` is refused before it starts. Deleted and private videos are
//! reported, not imported; "Artist - Title (Official Video)" titles are split and cleaned.

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, Utc};
use reqwest::Method;
use serde::Deserialize;

use super::{http::PlatformHttp, Platform, PlatformError, PlaylistSource, RemotePlaylist, RemoteTrack, SkippedTrack};
use crate::quotas::store::{CounterAdd, CounterStore};

/// Items per page (the API's maximum).
const PAGE: u64 = 50;

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    items: Vec<Entry>,
    #[serde(rename = "nextPageToken")]
    next: Option<String>,
    #[serde(rename = "pageInfo")]
    info: Option<PageInfo>,
}

#[derive(Deserialize)]
struct PageInfo {
    #[serde(rename = "totalResults")]
    total: Option<u64>,
    #[serde(rename = "resultsPerPage")]
    per_page: Option<u64>,
}

#[derive(Deserialize)]
struct Entry {
    snippet: Option<Snippet>,
}

#[derive(Deserialize)]
struct Snippet {
    title: Option<String>,
    #[serde(rename = "videoOwnerChannelTitle")]
    channel: Option<String>,
    #[serde(rename = "resourceId")]
    resource: Option<Resource>,
}

#[derive(Deserialize)]
struct Resource {
    #[serde(rename = "videoId")]
    video_id: Option<String>,
}

/// The `reason` of a Google API error body (`{"error": {"errors": [{"reason"}]}}`), if any.
pub fn error_reason(body: &[u8]) -> String {
    serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .and_then(|b| b.error.errors.into_iter().next().map(|r| r.reason))
        .unwrap_or_default()
}

#[derive(Deserialize)]
struct ErrorBody {
    error: GoogleError,
}

#[derive(Deserialize)]
struct GoogleError {
    #[serde(default)]
    errors: Vec<Reason>,
}

#[derive(Deserialize)]
struct Reason {
    #[serde(default)]
    reason: String,
}

/// Reads YouTube playlists.
pub struct Youtube {
    base_url: String,
    api_key: String,
    http: PlatformHttp,
    units: Arc<dyn CounterStore>,
    budget: UnitBudget,
}

/// Google resets the quota at midnight Pacific time; counting days in UTC-8 (standard time) never
/// starts a new day before Google does.
fn pacific_day(now: DateTime<Utc>) -> (String, DateTime<Utc>) {
    let pacific = FixedOffset::west_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"));
    let local = now.with_timezone(&pacific);
    let next = (local.date_naive() + chrono::Days::new(1)).and_hms_opt(0, 0, 0).unwrap_or_default();
    let reset = next.and_local_timezone(pacific).single().map_or(now, |t| t.with_timezone(&Utc));
    (local.date_naive().to_string(), reset)
}

/// Words that mark a bracketed note of a music video's title as noise.
const NOISE: &[&str] =
    &["official", "video", "audio", "lyric", "lyrics", "visualizer", "visualiser", "hd", "4k", "hq", "mv", "clip"];

/// "Artist - Title (Official Video)" → ("Artist", "Title"); without a dash, the channel is the
/// artist (" - Topic" and "VEVO" dropped).
pub fn split_video_title(title: &str, channel: Option<&str>) -> Option<(String, String)> {
    let mut clean = String::new();
    let mut depth = 0usize;
    let mut note = String::new();
    for c in title.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                note.clear();
            }
            ')' | ']' if depth > 0 => {
                depth -= 1;
                let words: Vec<String> = note.to_lowercase().split_whitespace().map(str::to_owned).collect();
                if !words.iter().any(|w| NOISE.contains(&w.as_str())) {
                    clean.push_str(&format!("({note})"));
                }
            }
            c if depth > 0 => note.push(c),
            c => clean.push(c),
        }
    }
    let clean = clean.split(" | ").next().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((artist, title)) = crate::formats::import::split_artist_title(&clean) {
        return Some((artist, title));
    }
    let artist = channel?.trim().trim_end_matches(" - Topic").trim_end_matches("VEVO").trim().to_owned();
    (!artist.is_empty() && !clean.is_empty()).then_some((artist, clean))
}

fn day_key() -> (String, DateTime<Utc>) {
    let (day, reset) = pacific_day(Utc::now());
    (format!("youtube-units:{day}"), reset + chrono::Duration::hours(1))
}

/// Seconds until Google's quota day ends.
pub fn secs_to_reset() -> u64 {
    (pacific_day(Utc::now()).1 - Utc::now()).num_seconds().max(1) as u64
}

/// A day's quota units: the deployment's, and what one user may spend of them.
#[derive(Debug, Clone, Copy)]
pub struct UnitBudget {
    /// The deployment's units per Pacific day.
    pub daily: i64,
    /// One user's share of them.
    pub per_user: i64,
}

impl UnitBudget {
    /// The budget `youtube` configures.
    pub fn of(youtube: &crate::config::YoutubeConfig) -> Self {
        Self { daily: i64::from(youtube.daily_quota_units), per_user: i64::from(youtube.user_daily_quota_units) }
    }
}

/// Takes `n` of today's quota units (counted across replicas) from the deployment's budget and
/// from `payer`'s share of it, or refuses, giving them back, when that would pass either.
pub async fn take_units(
    units: &dyn CounterStore,
    budget: UnitBudget,
    payer: Option<&str>,
    n: i64,
) -> Result<(), PlatformError> {
    let (key, expires_at) = day_key();
    let mut adds = vec![CounterAdd { key: key.clone(), delta: n, expires_at }];
    if let Some(user) = payer {
        adds.push(CounterAdd { key: format!("{key}:{user}"), delta: n, expires_at });
    }
    let totals =
        units.add_to_counters(&adds).await.map_err(|e| PlatformError::upstream(Platform::Youtube, e.to_string()))?;
    let over_all = totals.first().copied().unwrap_or(0) > budget.daily;
    let over_share = payer.is_some() && totals.get(1).copied().unwrap_or(0) > budget.per_user;
    if over_all || over_share {
        let back: Vec<CounterAdd> = adds.into_iter().map(|a| CounterAdd { delta: -n, ..a }).collect();
        let _ = units.add_to_counters(&back).await;
        let retry_after_secs = secs_to_reset();
        return Err(if over_share {
            PlatformError::UserQuota {
                platform: Platform::Youtube,
                retry_after_secs,
                share: budget.per_user,
                needed: n,
            }
        } else {
            PlatformError::Quota { platform: Platform::Youtube, retry_after_secs }
        });
    }
    Ok(())
}

/// Today's quota units `payer` may still spend: the least of what is left of the deployment's
/// budget and of their share.
pub async fn units_left(units: &dyn CounterStore, budget: UnitBudget, payer: &str) -> Result<i64, PlatformError> {
    let (key, expires_at) = day_key();
    let adds = [
        CounterAdd { key: key.clone(), delta: 0, expires_at },
        CounterAdd { key: format!("{key}:{payer}"), delta: 0, expires_at },
    ];
    let totals =
        units.add_to_counters(&adds).await.map_err(|e| PlatformError::upstream(Platform::Youtube, e.to_string()))?;
    let all = budget.daily - totals.first().copied().unwrap_or(0);
    let mine = budget.per_user - totals.get(1).copied().unwrap_or(0);
    Ok(all.min(mine).max(0))
}

impl Youtube {
    /// Its HTTP client (limits are shared among replicas through it).
    pub fn http(&self) -> &PlatformHttp {
        &self.http
    }

    /// A client for the API at `base_url` (e.g. `https://www.googleapis.com/youtube/v3`).
    pub fn new(
        base_url: &str,
        api_key: String,
        units: Arc<dyn CounterStore>,
        budget: UnitBudget,
    ) -> anyhow::Result<Self> {
        let http = PlatformHttp::new(Platform::Youtube, 20, Duration::from_secs(1), Duration::from_secs(10))?;
        Ok(Self { base_url: base_url.trim_end_matches('/').to_owned(), api_key, http, units, budget })
    }

    /// Takes `n` quota units (from `payer`'s share too), or refuses (giving them back) when the
    /// day's budget or the share would pass.
    async fn take_units(&self, payer: Option<&str>, n: i64) -> Result<(), PlatformError> {
        take_units(&*self.units, self.budget, payer, n).await
    }

    async fn page(&self, id: &str, token: Option<&str>) -> Result<Page, PlatformError> {
        let url = format!("{}/playlistItems", self.base_url);
        let mut query = vec![
            ("part", "snippet".to_owned()),
            ("playlistId", id.to_owned()),
            ("maxResults", PAGE.to_string()),
            ("key", self.api_key.clone()),
        ];
        if let Some(t) = token {
            query.push(("pageToken", t.to_owned()));
        }
        let answer = self.http.send(&|| self.http.request(Method::GET, &url).query(&query)).await?;
        if answer.status.is_success() {
            return serde_json::from_slice(&answer.body)
                .map_err(|e| PlatformError::upstream(Platform::Youtube, format!("unreadable page: {e}")));
        }
        let reason = error_reason(&answer.body);
        Err(match (answer.status.as_u16(), reason.as_str()) {
            (403, "quotaExceeded" | "dailyLimitExceeded") => {
                let (_, reset) = pacific_day(Utc::now());
                PlatformError::Quota {
                    platform: Platform::Youtube,
                    retry_after_secs: (reset - Utc::now()).num_seconds().max(1) as u64,
                }
            }
            (404, _) => PlatformError::NotFound(Platform::Youtube),
            (403, "playlistItemsNotAccessible") => PlatformError::Refused {
                platform: Platform::Youtube,
                code: "youtube_playlist_private",
                message:
                    "this YouTube playlist is private: make it public or unlisted on YouTube, then paste the link again"
                        .into(),
            },
            (400 | 403, "keyInvalid" | "accessNotConfigured" | "forbidden") => {
                PlatformError::upstream(Platform::Youtube, format!("the API key is refused ({reason})"))
            }
            (status, _) => PlatformError::upstream(Platform::Youtube, format!("HTTP {status} {reason}")),
        })
    }
}

#[async_trait]
impl PlaylistSource for Youtube {
    fn platform(&self) -> Platform {
        Platform::Youtube
    }

    async fn playlist(&self, id: &str) -> Result<RemotePlaylist, PlatformError> {
        self.playlist_for(id, None).await
    }
}

impl Youtube {
    /// The whole playlist `id`, its quota units paid from `payer`'s share too.
    pub async fn playlist_for(&self, id: &str, payer: Option<&str>) -> Result<RemotePlaylist, PlatformError> {
        self.take_units(payer, 1).await?;
        let first = self.page(id, None).await?;
        // Every further page costs a unit: take them all before reading on.
        let total = first.info.as_ref().and_then(|i| i.total).unwrap_or(0);
        let per_page = first.info.as_ref().and_then(|i| i.per_page).filter(|n| *n > 0).unwrap_or(PAGE);
        let more_pages = total.div_ceil(per_page).saturating_sub(1) as i64;
        if more_pages > 0 && first.next.is_some() {
            self.take_units(payer, more_pages).await?;
        }
        let mut playlist = RemotePlaylist::default();
        let mut position = 0;
        let mut page = first;
        loop {
            for entry in page.items {
                position += 1;
                let Some(snippet) = entry.snippet else { continue };
                let title = snippet.title.unwrap_or_default();
                if matches!(title.as_str(), "Deleted video" | "Private video") {
                    playlist
                        .skipped
                        .push(SkippedTrack { position, reason: format!("{} on YouTube", title.to_lowercase()) });
                    continue;
                }
                match split_video_title(&title, snippet.channel.as_deref()) {
                    Some((artist, title)) => playlist.tracks.push((
                        position,
                        RemoteTrack {
                            featured_artists: Vec::new(),
                            image: None,
                            artist,
                            title,
                            url: snippet
                                .resource
                                .and_then(|r| r.video_id)
                                .map(|v| format!("https://www.youtube.com/watch?v={v}")),
                            ..RemoteTrack::default()
                        },
                    )),
                    None => playlist
                        .skipped
                        .push(SkippedTrack { position, reason: "cannot tell the artist from the title".into() }),
                }
            }
            match page.next {
                Some(token) => page = self.page(id, Some(&token)).await?,
                None => break,
            }
        }
        if total as usize > position {
            // Never silence: entries YouTube counts but does not list (private or removed
            // videos, some region-blocked ones) are one report line.
            playlist.skipped.push(SkippedTrack {
                position: position + 1,
                reason: format!(
                    "YouTube counts {total} entries in this playlist but listed {position}: the other {} are hidden \
                     from its API (private, removed or blocked videos)",
                    total as usize - position
                ),
            });
        }
        Ok(playlist)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_titles_split_and_lose_their_noise() {
        let split = |t: &str, c: Option<&str>| split_video_title(t, c).map(|(a, b)| format!("{a} | {b}"));
        assert_eq!(split("Adele - Hello (Official Music Video)", None).as_deref(), Some("Adele | Hello"));
        assert_eq!(
            split("Daft Punk - Get Lucky [Official Audio] ft. Pharrell", None).as_deref(),
            Some("Daft Punk | Get Lucky ft. Pharrell")
        );
        assert_eq!(split("Hello", Some("Adele - Topic")).as_deref(), Some("Adele | Hello"));
        assert_eq!(
            split("Rolling in the Deep (Lyrics)", Some("AdeleVEVO")).as_deref(),
            Some("Adele | Rolling in the Deep")
        );
        assert_eq!(split("Song (Live at Wembley)", Some("Queen")).as_deref(), Some("Queen | Song (Live at Wembley)"));
    }

    #[test]
    fn the_pacific_day_never_starts_before_googles() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            pacific_day(at("2026-07-01T07:30:00Z")).0,
            "2026-06-30",
            "07:30 UTC in summer: Google has reset, we wait till 08:00"
        );
        assert_eq!(pacific_day(at("2026-07-01T08:00:00Z")).0, "2026-07-01");
        assert_eq!(pacific_day(at("2026-07-01T07:59:00Z")).1, at("2026-07-01T08:00:00Z"));
    }
}
