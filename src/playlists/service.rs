//! Playlist CRUD: create, read, list, patch, delete.

use std::sync::Arc;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};

use super::{
    access::{authorize, Action},
    bodies::PlaylistBody,
    dto::{NewPlaylist, PlaylistPatch},
    history,
    model::{ListCursor, ListScope, Playlist, PlaylistMeta},
    normalize::normalize_field,
    write::{self, load},
};
use crate::{
    error::ApiError,
    ids,
    library::{model::PlacementDto, placement},
    limits,
    playlists::deps::PlaylistDeps,
    store_error::StoreError,
    users::model::User,
};

/// Validates a playlist name: trimmed, 1–200 characters, no control characters.
pub fn parse_name(raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    if !limits::PLAYLIST_NAME_CHARS.contains(&name.chars().count()) || name.chars().any(char::is_control) {
        return Err(ApiError::invalid("invalid_name", "name must be 1-200 printable characters"));
    }
    Ok(name.to_owned())
}

/// Validates a description: at most 2,000 characters.
pub fn parse_description(raw: &str) -> Result<String, ApiError> {
    if raw.chars().count() > limits::PLAYLIST_DESCRIPTION_MAX_CHARS {
        return Err(ApiError::invalid("invalid_description", "description must be at most 2000 characters"));
    }
    Ok(raw.to_owned())
}

/// Creates a playlist owned by `owner`.
pub async fn create(state: &dyn PlaylistDeps, owner: &User, input: NewPlaylist) -> Result<Playlist, ApiError> {
    create_with_id(state, owner, input, ids::new_id()).await
}

/// Creates a playlist owned by `owner` under an id chosen beforehand (a job that must create it
/// once even when run twice); 409 when that id exists.
pub async fn create_with_id(
    state: &dyn PlaylistDeps,
    owner: &User,
    input: NewPlaylist,
    id: String,
) -> Result<Playlist, ApiError> {
    let name = parse_name(&input.name)?;
    let description = parse_description(&input.description)?;
    let playlist = Playlist::new(id, owner, name, description, input.visibility);
    let entry = history::entry(None, &playlist.meta, &[], &playlist.items, Some(owner), "create");
    state.store().insert_playlist(&playlist, &entry).await?;
    Ok(playlist)
}

/// Reads a playlist the caller may see.
pub async fn get(state: &dyn PlaylistDeps, caller: Option<&User>, id: &str) -> Result<Arc<Playlist>, ApiError> {
    load(state, caller, id, Action::Read).await
}

/// The serialised body of a playlist the caller may read. On the hot path this costs one
/// version read: the body prebuilt for the current version is reused, and only a new version is
/// read in full and serialised (once, for every later reader).
pub async fn get_body(
    state: &dyn PlaylistDeps,
    caller: Option<&User>,
    id: &str,
    items: usize,
) -> Result<Arc<PlaylistBody>, ApiError> {
    if !ids::looks_like_id(id) {
        return Err(ApiError::playlist_not_found());
    }
    let revision = state.store().playlist_revision(id).await?.ok_or_else(ApiError::playlist_not_found)?;
    if let Some(body) = state.playlist_bodies().get(id, items, revision) {
        authorize(&body.meta, caller, Action::Read)?;
        return Ok(body);
    }
    let playlist = load(state, caller, id, Action::Read).await?;
    state.playlist_bodies().build(&playlist, items).map_err(ApiError::internal)
}

/// Applies a patch; visibility changes need the manage permission, name and description the
/// edit permission, and the caller's own folder and tags only read access. Everything is
/// checked before anything is written. Returns the playlist and, when it changed, the caller's
/// placement.
pub async fn patch(
    state: &dyn PlaylistDeps,
    caller: &User,
    id: &str,
    if_match: Option<u64>,
    patch: PlaylistPatch,
) -> Result<(Arc<Playlist>, Option<PlacementDto>), ApiError> {
    let name = patch.name.as_deref().map(parse_name).transpose()?;
    let description = patch.description.as_deref().map(parse_description).transpose()?;
    let image = patch.image.map(|i| i.map(|i| parse_image(&i)).transpose()).transpose()?;
    let files = patch.folder.is_some() || patch.tags.is_some();
    let placement = if files { Some(placement::prepare(state, caller, patch.folder, patch.tags).await?) } else { None };
    let playlist = if name.is_some() || description.is_some() || image.is_some() || patch.visibility.is_some() || !files
    {
        let action = if patch.visibility.is_some() { Action::Manage } else { Action::Edit };
        let (playlist, ()) = write::modify(state, caller, id, if_match, action, "update", |p| {
            if let Some(name) = &name {
                p.meta.name.clone_from(name);
            }
            if let Some(description) = &description {
                p.meta.description.clone_from(description);
            }
            if let Some(visibility) = patch.visibility {
                p.meta.visibility = visibility;
            }
            if let Some(image) = &image {
                p.meta.image.clone_from(image);
            }
            Ok(())
        })
        .await?;
        playlist
    } else {
        let playlist = load(state, Some(caller), id, Action::Read).await?;
        match if_match {
            Some(expected) if playlist.meta.version != expected => {
                return Err(ApiError::version_mismatch(playlist.meta.version))
            }
            _ => playlist,
        }
    };
    let placed = match placement {
        Some(change) => Some(placement::place(state, caller, id, &change).await?),
        None => None,
    };
    Ok((playlist, placed))
}

/// A cover address a `PATCH` may set (422 `invalid_image` otherwise).
fn parse_image(raw: &str) -> Result<String, ApiError> {
    let raw = raw.trim();
    if crate::playlists::track_input::is_image_address(raw) {
        Ok(raw.to_owned())
    } else {
        Err(ApiError::invalid(
            "invalid_image",
            "image must be an https:// address of at most 1,000 characters without spaces (pages load images over HTTPS only)",
        ))
    }
}

/// Deletes a playlist (owner only), honouring `If-Match`.
pub async fn delete(state: &dyn PlaylistDeps, caller: &User, id: &str, if_match: Option<u64>) -> Result<(), ApiError> {
    let _guard = state.write_locks().lock(id).await;
    let playlist = load(state, Some(caller), id, Action::Manage).await?;
    if let Some(expected) = if_match {
        if playlist.meta.version != expected {
            return Err(ApiError::version_mismatch(playlist.meta.version));
        }
    }
    let deleted = state.store().delete_playlist(id, if_match).await;
    state.live().forget(id);
    match deleted {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    if let Err(e) = state.store().delete_placements_of_playlist(id).await {
        tracing::warn!(error = %e, playlist = id, "folders and tags of a deleted playlist not removed");
    }
    if let Err(e) = state.store().delete_links_for(id).await {
        tracing::warn!(error = %e, playlist = id, "share links of a deleted playlist not removed");
    }
    match crate::webhooks::of_playlist(state, id).await {
        Ok(hooks) => {
            for hook in hooks {
                crate::webhooks::delete(state, &hook).await?;
            }
        }
        Err(e) => tracing::warn!(error = %e, playlist = id, "webhooks of a deleted playlist not removed"),
    }
    Ok(())
}

/// One page of the caller's playlists in `scope`, most recently updated first.
pub async fn list_for(
    state: &dyn PlaylistDeps,
    user: &User,
    scope: ListScope,
    cursor: Option<&str>,
    limit: usize,
) -> Result<(Vec<PlaylistMeta>, Option<String>), ApiError> {
    let after = cursor.map(decode_list_cursor).transpose()?;
    let rows = state.store().playlists_for_member(&user.id, scope, after.as_ref(), limit + 1).await?;
    Ok(paginate(rows, limit))
}

/// One page of public playlists whose name or description contains `query` (any case).
pub async fn list_public(
    state: &dyn PlaylistDeps,
    query: Option<&str>,
    cursor: Option<&str>,
    limit: usize,
) -> Result<(Vec<PlaylistMeta>, Option<String>), ApiError> {
    let after = cursor.map(decode_list_cursor).transpose()?;
    let query = query.map(normalize_field).filter(|q| !q.is_empty());
    if query.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(ApiError::bad_request("invalid_query", "q must be at most 200 characters"));
    }
    // No name or description holds one, and MongoDB refuses a NUL in a pattern.
    if query.as_ref().is_some_and(|q| q.chars().any(char::is_control)) {
        return Err(ApiError::bad_request("invalid_query", "q must not contain control characters"));
    }
    let rows = state.store().public_playlists(query.as_deref(), after.as_ref(), limit + 1).await?;
    Ok(paginate(rows, limit))
}

/// Cuts a `limit + 1` fetch to `limit` rows and the cursor of the next page.
pub fn paginate(mut rows: Vec<PlaylistMeta>, limit: usize) -> (Vec<PlaylistMeta>, Option<String>) {
    if rows.len() <= limit {
        return (rows, None);
    }
    rows.truncate(limit);
    let next = rows
        .last()
        .map(|m| encode_list_cursor(&ListCursor { updated_us: m.updated_at.timestamp_micros(), id: m.id.clone() }));
    (rows, next)
}

pub fn encode_list_cursor(c: &ListCursor) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}", c.updated_us, c.id))
}

pub fn decode_list_cursor(raw: &str) -> Result<ListCursor, ApiError> {
    let invalid = || ApiError::bad_request("invalid_cursor", "cursor is not one this service issued");
    let text = URL_SAFE_NO_PAD.decode(raw).ok().and_then(|b| String::from_utf8(b).ok()).ok_or_else(invalid)?;
    let (us, id) = text.split_once(':').ok_or_else(invalid)?;
    let updated_us = us.parse().map_err(|_| invalid())?;
    if !ids::looks_like_id(id) {
        return Err(invalid());
    }
    Ok(ListCursor { updated_us, id: id.to_owned() })
}

/// Checks a page size: 1–100, default 50.
pub fn page_limit(limit: Option<u32>) -> Result<usize, ApiError> {
    bounded_limit("limit", limit, limits::PAGE_LIMIT_DEFAULT, limits::PAGE_LIMIT_MAX)
}

pub use crate::http::extract::bounded_limit;
