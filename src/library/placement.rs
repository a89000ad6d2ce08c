//! Filing playlists: the caller's folder and tags for a playlist in their library, and the
//! listings that filter by them.

use std::collections::HashMap;

use super::{
    model::{PlacementChange, PlacementDto},
    tags::{normalize_tag, normalize_tags},
};
use crate::{
    error::ApiError,
    playlists::deps::PlaylistDeps,
    playlists::{
        access::{access, Action},
        model::{Access, ListScope, PlaylistMeta},
        service::{decode_list_cursor, paginate},
        write::load,
    },
    users::model::User,
};

/// Checks a placement change before anything is written: tags normalised, the folder one of
/// the caller's.
pub async fn prepare(
    state: &dyn PlaylistDeps,
    user: &User,
    folder: Option<Option<String>>,
    tags: Option<Vec<String>>,
) -> Result<PlacementChange, ApiError> {
    let tags = tags.as_deref().map(normalize_tags).transpose()?;
    if let Some(Some(f)) = &folder {
        if state.store().folder_tree(&user.id).await?.get(f).is_none() {
            return Err(ApiError::not_found("folder_not_found", "no such folder of yours"));
        }
    }
    Ok(PlacementChange { folder, tags })
}

/// Applies a checked placement change to a playlist in the caller's library (owned or shared
/// with them). Needs only read access: the placement is theirs, not the playlist's.
pub async fn place(
    state: &dyn PlaylistDeps,
    user: &User,
    playlist_id: &str,
    change: &PlacementChange,
) -> Result<PlacementDto, ApiError> {
    let playlist = load(state, Some(user), playlist_id, Action::Read).await?;
    if access(&playlist.meta, Some(user)) == Access::Stranger {
        return Err(ApiError::forbidden(
            "only playlists you own or that are shared with you go in your folders and tags; fork it to keep a copy",
        ));
    }
    let placement = state.store().update_placement(&user.id, playlist_id, change).await?;
    let tree = state.store().folder_tree(&user.id).await?;
    let folder = placement.folder.as_deref().and_then(|f| tree.resolve(f));
    Ok(PlacementDto { folder, tags: placement.tags })
}

/// The caller's placements of `ids` (resolved through deleted folders), by playlist id.
pub async fn placements_of(
    state: &dyn PlaylistDeps,
    user: &User,
    ids: &[String],
) -> Result<HashMap<String, PlacementDto>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let placements = state.store().placements(&user.id, ids).await?;
    let tree = if placements.iter().any(|p| p.folder.is_some()) {
        state.store().folder_tree(&user.id).await?
    } else {
        super::model::FolderTree::empty(&user.id)
    };
    Ok(placements
        .into_iter()
        .map(|p| {
            let folder = p.folder.as_deref().and_then(|f| tree.resolve(f));
            (p.playlist_id, PlacementDto { folder, tags: p.tags })
        })
        .collect())
}

/// One page of the caller's playlists in `scope` that they filed in `folder` and/or tagged `tag`.
pub async fn list_filed(
    state: &dyn PlaylistDeps,
    user: &User,
    scope: ListScope,
    folder: Option<&str>,
    tag: Option<&str>,
    cursor: Option<&str>,
    limit: usize,
) -> Result<(Vec<PlaylistMeta>, Option<String>), ApiError> {
    let after = cursor.map(decode_list_cursor).transpose()?;
    let mut ids: Option<Vec<String>> = None;
    if let Some(folder) = folder {
        let tree = state.store().folder_tree(&user.id).await?;
        if tree.get(folder).is_none() {
            return Err(ApiError::not_found("folder_not_found", "no such folder of yours"));
        }
        ids = Some(state.store().filed_in(&user.id, &tree.resolving_to(folder)).await?);
    }
    if let Some(tag) = tag {
        let tag = normalize_tag(tag).map_err(|e| ApiError::bad_request("invalid_tag", e.message))?;
        let tagged = state.store().tagged(&user.id, &tag).await?;
        ids = Some(match ids {
            Some(filed) => filed.into_iter().filter(|id| tagged.contains(id)).collect(),
            None => tagged,
        });
    }
    let ids = ids.unwrap_or_default();
    let rows = state.store().member_playlists_among(&user.id, scope, &ids, after.as_ref(), limit + 1).await?;
    Ok(paginate(rows, limit))
}

/// Summaries of `rows` with the caller's placement of each.
pub async fn with_placements(
    state: &dyn PlaylistDeps,
    user: &User,
    rows: &[PlaylistMeta],
) -> Result<Vec<crate::playlists::dto::PlaylistSummaryDto>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|m| m.id.clone()).collect();
    let mut placements = placements_of(state, user, &ids).await?;
    Ok(rows
        .iter()
        .map(|m| {
            let mut dto = crate::playlists::dto::PlaylistSummaryDto::from(m);
            dto.placement = Some(placements.remove(&m.id).unwrap_or_default());
            dto
        })
        .collect())
}
