//! `POST /v1/playlists/merge`: a new playlist holding the items of several, in order, optionally
//! without repeats; the sources stay as they are and are recorded as its lineage.

use std::{collections::HashSet, sync::Arc};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    create,
    dedupe::{duplicates, DedupeBy, Keep},
};
use crate::{
    error::ApiError,
    playlists::deps::AddDeps,
    playlists::{
        access::Action,
        model::{Item, Playlist},
        service::{parse_description, parse_name},
        write::load,
    },
    users::model::User,
};

/// Most playlists one merge takes.
pub const MAX_SOURCES: usize = 20;
/// Most items the sources of one merge may hold together (twice what a playlist holds, so a
/// de-duplicated merge of overlapping playlists still fits): a merge over it is refused as the
/// sources load, before any more are read or any de-duplication runs.
pub const MAX_SOURCE_ITEMS: usize = 2 * crate::limits::ITEMS_PER_PLAYLIST_MAX;

fn yes() -> bool {
    true
}

/// Merge request.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The playlists to merge (2–20, each once), in the order their items should come; you need
    /// read access to each.
    pub sources: Vec<String>,
    /// The new playlist's name (default: the sources' names joined with " + ").
    pub name: Option<String>,
    /// Its description.
    #[serde(default)]
    pub description: String,
    /// Leave out repeats of the same recording, keeping the first (default true).
    #[serde(default = "yes")]
    pub dedupe: bool,
}

/// Merges playlists into a new private one owned by the caller.
pub async fn merge(state: &dyn AddDeps, caller: &User, request: MergeRequest) -> Result<Playlist, ApiError> {
    if !(2..=MAX_SOURCES).contains(&request.sources.len()) {
        return Err(ApiError::invalid("invalid_sources", format!("sources takes 2-{MAX_SOURCES} playlist ids")));
    }
    let mut seen = HashSet::new();
    if let Some(twice) = request.sources.iter().find(|id| !seen.insert(id.as_str())) {
        return Err(ApiError::invalid("invalid_sources", format!("playlist {twice} is named twice in sources")));
    }
    let name = request.name.as_deref().map(parse_name).transpose()?;
    let description = parse_description(&request.description)?;
    let mut sources = Vec::with_capacity(request.sources.len());
    let mut total = 0;
    for id in &request.sources {
        let source = load(state, Some(caller), id, Action::Read).await?;
        total += source.items.len();
        let most = if request.dedupe { MAX_SOURCE_ITEMS } else { crate::limits::ITEMS_PER_PLAYLIST_MAX };
        if total > most {
            return Err(ApiError::invalid(
                "playlist_too_large",
                format!(
                    "the sources hold more than {most} items together{}; merge fewer or smaller playlists",
                    if request.dedupe { " (a merge reads at most that many)" } else { ", more than a playlist holds" }
                ),
            ));
        }
        sources.push(source);
    }
    let mut items: Vec<Arc<Item>> = sources.iter().flat_map(|s| s.items.iter().cloned()).collect();
    if request.dedupe {
        // Comparing up to 20,000 items is CPU work: off the async workers.
        items = tokio::task::spawn_blocking(move || {
            let repeats: HashSet<String> =
                duplicates(&items, DedupeBy::Recording, Keep::First).into_iter().map(|r| r.item_id).collect();
            items.retain(|i| !repeats.contains(&i.item_id));
            items
        })
        .await
        .map_err(ApiError::internal)?;
    }
    create::check_fits(&items)?;
    let name = name.unwrap_or_else(|| sources.iter().map(|s| s.meta.name.as_str()).collect::<Vec<_>>().join(" + "));
    let mut merged = create::build(caller, name, description, &items);
    merged.meta.merged_from = sources.iter().filter_map(|s| create::lineage(caller, &s.meta)).collect();
    create::insert(state, caller, &merged, "merge").await?;
    Ok(merged)
}
