//! `POST /v1/playlists/{id}/items/bulk`: remove many items, or move many together, as one change.

use std::{collections::HashSet, sync::Arc};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::ApiError,
    limits,
    playlists::deps::AddDeps,
    playlists::{
        access::{access, allows, Action},
        model::Playlist,
        write,
    },
    users::model::User,
};

/// A bulk change: either `remove`, or `move` (with `before`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkItems {
    /// Items to remove, by id (contributors: only items they added).
    pub remove: Option<Vec<String>>,
    /// Items to move, by id, in the order they should end up (editors and owners).
    #[serde(rename = "move")]
    pub move_ids: Option<Vec<String>>,
    /// With `move`: the item they go just before (absent or null: the end).
    #[serde(default)]
    pub before: Option<String>,
}

/// What a bulk change did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BulkResult {
    /// The playlist's version after.
    pub version: u64,
    /// Items in the playlist after.
    pub item_count: usize,
    /// Items removed.
    pub removed: usize,
    /// Items moved.
    pub moved: usize,
}

/// The ids of a request: 1–10,000, none twice.
fn checked_ids<'a>(ids: &'a [String], field: &str) -> Result<Vec<&'a str>, ApiError> {
    if ids.is_empty() || ids.len() > limits::ITEMS_PER_PLAYLIST_MAX {
        return Err(ApiError::invalid(
            "invalid_items",
            format!("{field} takes 1-{} item ids", limits::ITEMS_PER_PLAYLIST_MAX),
        ));
    }
    let mut seen = HashSet::new();
    if let Some(twice) = ids.iter().find(|id| !seen.insert(id.as_str())) {
        return Err(ApiError::invalid("invalid_items", format!("item {twice} is named twice in {field}")));
    }
    Ok(ids.iter().map(String::as_str).collect())
}

fn unknown_items(missing: &[&str]) -> ApiError {
    let shown: Vec<&str> = missing.iter().take(5).copied().collect();
    ApiError::not_found(
        "item_not_found",
        format!("{} of the items are not in this playlist: {}", missing.len(), shown.join(", ")),
    )
}

/// Applies a bulk change.
pub async fn apply(
    state: &dyn AddDeps,
    caller: &User,
    id: &str,
    if_match: Option<u64>,
    request: BulkItems,
) -> Result<(Arc<Playlist>, BulkResult), ApiError> {
    match (&request.remove, &request.move_ids) {
        (Some(remove), None) => {
            if request.before.is_some() {
                return Err(ApiError::invalid("invalid_items", "before goes only with move"));
            }
            let ids = checked_ids(remove, "remove")?;
            let (playlist, removed) =
                write::modify(state, caller, id, if_match, Action::AddItems, "remove_items", |edit| {
                    let present: HashSet<&str> = edit.items().iter().map(|i| i.item_id.as_str()).collect();
                    let missing: Vec<&str> = ids.iter().copied().filter(|i| !present.contains(i)).collect();
                    if !missing.is_empty() {
                        return Err(unknown_items(&missing));
                    }
                    let wanted: HashSet<&str> = ids.iter().copied().collect();
                    if !allows(access(&edit.meta, Some(caller)), Action::Edit)
                        && edit.items().iter().any(|i| wanted.contains(i.item_id.as_str()) && i.added_by != caller.id)
                    {
                        return Err(ApiError::forbidden("contributors may remove only the items they added"));
                    }
                    Ok(edit.remove_ids(&wanted).len())
                })
                .await?;
            let result =
                BulkResult { version: playlist.meta.version, item_count: playlist.items.len(), removed, moved: 0 };
            Ok((playlist, result))
        }
        (None, Some(moving)) => {
            let ids = checked_ids(moving, "move")?;
            let before = request.before.as_deref();
            if before.is_some_and(|b| ids.contains(&b)) {
                return Err(ApiError::invalid("invalid_position", "before cannot be one of the items moved"));
            }
            let (playlist, moved) = write::modify(state, caller, id, if_match, Action::Edit, "move_items", |edit| {
                let present: HashSet<&str> = edit.items().iter().map(|i| i.item_id.as_str()).collect();
                let mut missing: Vec<&str> = ids.iter().copied().filter(|i| !present.contains(i)).collect();
                missing.extend(before.filter(|b| !present.contains(b)));
                if !missing.is_empty() {
                    return Err(unknown_items(&missing));
                }
                edit.move_ids_before(&ids, before);
                Ok(ids.len())
            })
            .await?;
            let result =
                BulkResult { version: playlist.meta.version, item_count: playlist.items.len(), removed: 0, moved };
            Ok((playlist, result))
        }
        _ => Err(ApiError::invalid("invalid_items", "give either remove or move (with an optional before)")),
    }
}
