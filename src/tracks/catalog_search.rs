//! Searching Last.fm's catalog for tracks (by words), through the caller's share of direct
//! Last.fm calls and its cache of answers: what `GET /v1/tracks/search` and the web app's
//! "find a track" both use.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::deps::EnrichDeps;
use crate::error::ApiError;

/// A search hit.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrackHitDto {
    /// Title.
    pub title: String,
    /// Artist.
    pub artist: String,
    /// MusicBrainz id.
    pub mbid: Option<String>,
    /// Last.fm page.
    pub url: Option<String>,
    /// Listener count.
    pub listeners: Option<u64>,
    /// Largest image.
    pub image: Option<String>,
}

/// Search results.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SearchResults {
    /// Best matches first.
    pub tracks: Vec<TrackHitDto>,
    /// How many matches Last.fm has in all.
    pub total: u64,
}

/// Up to `limit` (1-50) tracks Last.fm finds for `q`, best first; a repeated question is
/// answered from the cache, a new one spends one of `user_id`'s direct Last.fm calls.
pub async fn search(state: &dyn EnrichDeps, user_id: &str, q: &str, limit: u32) -> Result<SearchResults, ApiError> {
    let question = format!("search\u{1f}{}\u{1f}{limit}", crate::playlists::normalize::normalize_field(q));
    if let Some(answer) = state.upstream_budget().cached(&question) {
        if let Ok(results) = serde_json::from_value::<SearchResults>(Value::clone(&answer)) {
            return Ok(results);
        }
    }
    let client = state.tracks().client()?;
    state.upstream_budget().take(user_id)?;
    let page = client.track_search(q, limit).await?;
    let tracks = page
        .items
        .into_iter()
        .map(|t| TrackHitDto {
            title: t.name,
            artist: t.artist,
            mbid: t.mbid,
            url: t.url,
            listeners: t.listeners,
            image: t.image,
        })
        .collect();
    let results = SearchResults { tracks, total: page.total };
    if let Ok(answer) = serde_json::to_value(&results) {
        state.upstream_budget().remember(question, answer);
    }
    Ok(results)
}
