//! `POST /v1/playlists/{id}/dedupe`: removes repeats of the same recording (or the same
//! spelling) in one change, keeping the first or the last of each; a dry run only answers.

use std::{collections::HashSet, sync::Arc};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::identity::repeats;
use crate::{
    error::ApiError,
    playlists::deps::AddDeps,
    playlists::{
        access::Action,
        model::{Item, Playlist},
        write::{self, load},
    },
    users::model::User,
};

/// What counts as the same track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum DedupeBy {
    /// The same recording: ISRC, MusicBrainz id, or the same canonical track (a confident match,
    /// else the names folded, version notes such as "live" kept apart), unless ISRCs differ.
    #[default]
    Recording,
    /// The same artist and title, spelled alike (case, width and spacing aside).
    Text,
}

/// Which occurrence stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum Keep {
    /// The first in playlist order (default).
    #[default]
    First,
    /// The last.
    Last,
}

/// De-duplicate request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DedupeRequest {
    /// `recording` (default) or `text`.
    #[serde(default)]
    pub by: DedupeBy,
    /// `first` (default) or `last`.
    #[serde(default)]
    pub keep: Keep,
    /// Only answer what would go; change nothing (needs only read access).
    #[serde(default)]
    pub dry_run: bool,
}

/// One removed (or, in a dry run, removable) item.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RemovedDuplicate {
    /// The item.
    pub item_id: String,
    /// Its artist.
    pub artist: String,
    /// Its title.
    pub title: String,
    /// The item kept in its place.
    pub duplicate_of: String,
    /// `isrc`, `mbid`, `track` (same canonical track) or `text`.
    pub reason: String,
}

/// What a de-duplication did (or would do).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DedupeResult {
    /// True when nothing was changed.
    pub dry_run: bool,
    /// The items removed (or that would be), in playlist order.
    pub removed: Vec<RemovedDuplicate>,
    /// The playlist's version after (unchanged in a dry run or when nothing repeats).
    pub version: u64,
    /// Items left (or that would be left).
    pub item_count: usize,
}

/// The repeats in `items`, given what stays.
pub fn duplicates(items: &[Arc<Item>], by: DedupeBy, keep: Keep) -> Vec<RemovedDuplicate> {
    let mut order: Vec<&Item> = items.iter().map(|i| &**i).collect();
    if keep == Keep::Last {
        order.reverse();
    }
    let found = repeats(&order, by == DedupeBy::Text);
    let mut removed: Vec<RemovedDuplicate> = order
        .iter()
        .zip(found)
        .filter_map(|(item, repeat)| {
            let (first, why) = repeat?;
            Some(RemovedDuplicate {
                item_id: item.item_id.clone(),
                artist: item.artist.clone(),
                title: item.title.clone(),
                duplicate_of: order[first].item_id.clone(),
                reason: why.as_str().to_owned(),
            })
        })
        .collect();
    if keep == Keep::Last {
        removed.reverse();
    }
    removed
}

/// Runs a de-duplication.
pub async fn dedupe(
    state: &dyn AddDeps,
    caller: &User,
    id: &str,
    if_match: Option<u64>,
    request: DedupeRequest,
) -> Result<(Arc<Playlist>, DedupeResult), ApiError> {
    if request.dry_run {
        let playlist = load(state, Some(caller), id, Action::Read).await?;
        if if_match.is_some_and(|v| v != playlist.meta.version) {
            return Err(ApiError::version_mismatch(playlist.meta.version));
        }
        let removed = duplicates(&playlist.items, request.by, request.keep);
        let item_count = playlist.items.len() - removed.len();
        let result = DedupeResult { dry_run: true, removed, version: playlist.meta.version, item_count };
        return Ok((playlist, result));
    }
    let (playlist, removed) = write::modify(state, caller, id, if_match, Action::Edit, "dedupe", |edit| {
        let removed = duplicates(edit.items(), request.by, request.keep);
        let ids: HashSet<&str> = removed.iter().map(|r| r.item_id.as_str()).collect();
        edit.remove_ids(&ids);
        Ok(removed)
    })
    .await?;
    let result =
        DedupeResult { dry_run: false, removed, version: playlist.meta.version, item_count: playlist.items.len() };
    Ok((playlist, result))
}
