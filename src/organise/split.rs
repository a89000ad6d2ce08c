//! `POST /v1/playlists/{id}/split`: new playlists from one, by artist or in parts of a size;
//! the source stays as it is and is recorded as each part's origin.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::create;
use crate::{
    error::ApiError,
    matching::names,
    playlists::deps::AddDeps,
    playlists::{
        access::Action,
        model::{Item, Playlist},
        write::load,
    },
    users::model::User,
};

/// Most playlists one split creates.
pub const MAX_PARTS: usize = 100;

/// How to split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SplitBy {
    /// One playlist per main artist ("feat." guests aside), in order of first appearance.
    Artist,
    /// Consecutive parts of `size` items.
    Size,
}

/// Split request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitRequest {
    /// `artist` or `size`.
    pub by: SplitBy,
    /// With `size`: items per part, 1–10,000.
    pub size: Option<usize>,
}

/// The playlists a split created.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SplitResult {
    /// The new playlists, in order.
    pub playlists: Vec<crate::playlists::dto::PlaylistSummaryDto>,
}

/// A part: its name suffix and its items.
type Part = (String, Vec<Arc<Item>>);

/// The parts of `items`.
fn parts(items: &[Arc<Item>], by: SplitBy, size: Option<usize>) -> Result<Vec<Part>, ApiError> {
    match (by, size) {
        (SplitBy::Size, Some(size)) if (1..=crate::limits::ITEMS_PER_PLAYLIST_MAX).contains(&size) => {
            let count = items.len().div_ceil(size);
            Ok(items
                .chunks(size)
                .enumerate()
                .map(|(n, chunk)| (format!("({}/{count})", n + 1), chunk.to_vec()))
                .collect())
        }
        (SplitBy::Size, _) => Err(ApiError::invalid("invalid_split", "by size needs size: 1-10000 items per part")),
        (SplitBy::Artist, Some(_)) => Err(ApiError::invalid("invalid_split", "size goes only with \"by\": \"size\"")),
        (SplitBy::Artist, None) => {
            let mut groups: Vec<(String, String, Vec<Arc<Item>>)> = Vec::new();
            for item in items {
                let key = names::main_artist(&item.artist);
                match groups.iter_mut().find(|(k, _, _)| *k == key) {
                    Some((_, _, members)) => members.push(item.clone()),
                    None => groups.push((key, item.artist.trim().to_owned(), vec![item.clone()])),
                }
            }
            Ok(groups.into_iter().map(|(_, artist, members)| (format!("— {artist}"), members)).collect())
        }
    }
}

/// Splits a playlist the caller may read into new private playlists of theirs.
pub async fn split(
    state: &dyn AddDeps,
    caller: &User,
    id: &str,
    request: SplitRequest,
) -> Result<Vec<Playlist>, ApiError> {
    let source = load(state, Some(caller), id, Action::Read).await?;
    if source.items.is_empty() {
        return Err(ApiError::invalid("invalid_split", "the playlist has no items to split"));
    }
    let parts = parts(&source.items, request.by, request.size)?;
    if parts.len() > MAX_PARTS {
        return Err(ApiError::invalid(
            "too_many_parts",
            format!(
                "this split would create {} playlists; at most {MAX_PARTS} at once (use a larger size)",
                parts.len()
            ),
        ));
    }
    let mut created = Vec::with_capacity(parts.len());
    for (suffix, items) in parts {
        let name = format!("{} {suffix}", source.meta.name);
        let mut part = create::build(caller, name, source.meta.description.clone(), &items);
        part.meta.forked_from = create::lineage(caller, &source.meta);
        create::insert(state, caller, &part, "split").await?;
        created.push(part);
    }
    Ok(created)
}
