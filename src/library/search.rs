//! `GET /v1/library/search`: your playlists (owned and shared with you) by name, description and
//! your tags, and the tracks inside them by artist, title and album, with the playlists holding
//! each track. Diacritic- and case-insensitive, paged; backed by the stores' text indexes.

use std::collections::HashMap;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{placement::with_placements, terms::SearchTerms};
use crate::{
    error::ApiError,
    playlists::deps::PlaylistDeps,
    playlists::{
        dto::{ItemDto, PlaylistSummaryDto},
        model::{ListCursor, ListScope},
        service::{bounded_limit, decode_list_cursor, encode_list_cursor},
    },
    users::model::User,
};

/// What to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum SearchIn {
    /// Playlists and tracks (default).
    #[default]
    All,
    /// Playlists only.
    Playlists,
    /// Tracks only.
    Tracks,
}

/// Parameters of `GET /v1/library/search`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The words to find (1–200 characters, up to 10 words); every word must match the start
    /// of a word, in any case and with or without accents.
    pub q: Option<String>,
    /// `all` (default), `playlists` or `tracks`.
    #[serde(rename = "in")]
    #[param(rename = "in", value_type = Option<SearchIn>)]
    pub within: Option<SearchIn>,
    /// Results per list, 1–100 (default 20).
    pub limit: Option<u32>,
    /// `playlists_next_cursor` or `tracks_next_cursor` of a previous answer: continues that list
    /// (the other comes back empty).
    pub cursor: Option<String>,
}

/// Where a found track is.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrackPlace {
    /// The playlist.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The matching items in it (a track may be there more than once).
    pub item_ids: Vec<String>,
}

/// A found track and the playlists of yours that hold it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrackResult {
    /// One of its items (artist, title, album and the rest as that item has them).
    pub track: ItemDto,
    /// The playlists holding it, by name. (Tracks are told apart by their artist and title as
    /// normalised for duplicate detection: case, width and spacing aside, not accents.)
    pub playlists: Vec<TrackPlace>,
}

/// Search results.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LibrarySearchResults {
    /// Your playlists whose name, description or your tags match, most recently updated first.
    pub playlists: Vec<PlaylistSummaryDto>,
    /// Pass as `cursor` for more playlists.
    pub playlists_next_cursor: Option<String>,
    /// Tracks whose artist, title or album match, by artist and title.
    pub tracks: Vec<TrackResult>,
    /// Pass as `cursor` for more tracks.
    pub tracks_next_cursor: Option<String>,
}

enum Cursor {
    Playlists(ListCursor),
    Tracks(String),
}

fn decode(raw: &str) -> Result<Cursor, ApiError> {
    let invalid = || ApiError::bad_request("invalid_cursor", "cursor is not one this search issued");
    let text = URL_SAFE_NO_PAD.decode(raw).ok().and_then(|b| String::from_utf8(b).ok()).ok_or_else(invalid)?;
    match text.split_once(':') {
        Some(("p", list)) => Ok(Cursor::Playlists(decode_list_cursor(list).map_err(|_| invalid())?)),
        Some(("t", key)) if !key.is_empty() => Ok(Cursor::Tracks(key.to_owned())),
        _ => Err(invalid()),
    }
}

fn encode(kind: &str, value: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{kind}:{value}"))
}

/// Runs a search.
pub async fn search(
    state: &dyn PlaylistDeps,
    user: &User,
    query: SearchQuery,
) -> Result<LibrarySearchResults, ApiError> {
    let terms = SearchTerms::parse(query.q.as_deref())?;
    let limit = bounded_limit("limit", query.limit, 20, 100)?;
    let cursor = query.cursor.as_deref().map(decode).transpose()?;
    let within = query.within.unwrap_or_default();
    let (want_playlists, want_tracks) = match &cursor {
        Some(Cursor::Playlists(_)) => (true, false),
        Some(Cursor::Tracks(_)) => (false, true),
        None => (within != SearchIn::Tracks, within != SearchIn::Playlists),
    };
    let mut results = LibrarySearchResults {
        playlists: Vec::new(),
        playlists_next_cursor: None,
        tracks: Vec::new(),
        tracks_next_cursor: None,
    };
    if want_playlists {
        let after = match &cursor {
            Some(Cursor::Playlists(c)) => Some(c),
            _ => None,
        };
        let tagged: Vec<String> = state
            .store()
            .all_placements(&user.id)
            .await?
            .into_iter()
            .filter(|p| !p.tags.is_empty() && terms.matches(&p.tags.iter().map(String::as_str).collect::<Vec<_>>()))
            .map(|p| p.playlist_id)
            .collect();
        let mut rows = state.store().search_playlists(&user.id, &terms, &tagged, after, limit + 1).await?;
        if rows.len() > limit {
            rows.truncate(limit);
            results.playlists_next_cursor = rows.last().map(|m| {
                encode(
                    "p",
                    &encode_list_cursor(&ListCursor { updated_us: m.updated_at.timestamp_micros(), id: m.id.clone() }),
                )
            });
        }
        results.playlists = with_placements(state, user, &rows).await?;
    }
    if want_tracks {
        let after = match &cursor {
            Some(Cursor::Tracks(key)) => Some(key.as_str()),
            _ => None,
        };
        let hits = state.store().search_tracks(&user.id, &terms, after, limit + 1).await?;
        let ids: Vec<String> =
            hits.iter().map(|h| h.playlist_id.clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        let names: HashMap<String, String> = state
            .store()
            .member_playlists_among(&user.id, ListScope::All, &ids, None, ids.len().max(1))
            .await?
            .into_iter()
            .map(|m| (m.id, m.name))
            .collect();
        let mut tracks: Vec<(String, TrackResult)> = Vec::new();
        for hit in hits {
            let Some(name) = names.get(&hit.playlist_id) else { continue };
            if tracks.last().is_none_or(|(key, _)| *key != hit.track_key) {
                let result = TrackResult { track: ItemDto::from(&*hit.item), playlists: Vec::new() };
                tracks.push((hit.track_key.clone(), result));
            }
            let Some((_, track)) = tracks.last_mut() else { continue };
            match track.playlists.last_mut() {
                Some(place) if place.id == hit.playlist_id => place.item_ids.push(hit.item.item_id.clone()),
                _ => track.playlists.push(TrackPlace {
                    id: hit.playlist_id.clone(),
                    name: name.clone(),
                    item_ids: vec![hit.item.item_id.clone()],
                }),
            }
        }
        if tracks.len() > limit {
            tracks.truncate(limit);
            results.tracks_next_cursor = tracks.last().map(|(key, _)| encode("t", key));
        }
        for (_, track) in &mut tracks {
            track
                .playlists
                .sort_by_cached_key(|p| (crate::playlists::normalize::normalize_field(&p.name), p.id.clone()));
        }
        results.tracks = tracks.into_iter().map(|(_, t)| t).collect();
    }
    Ok(results)
}
