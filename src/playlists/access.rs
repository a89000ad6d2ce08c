//! Who may do what to a playlist. A caller who may not read it gets 404, whatever the action;
//! one who may read but not act gets 403.

use super::model::{PlaylistMeta, Visibility};
use crate::{error::ApiError, users::model::User};

/// What the caller wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the playlist and its items.
    Read,
    /// Add, remove or move items; edit name and description.
    Edit,
    /// Change visibility, delete.
    Manage,
}

/// True when the caller may read the playlist.
pub fn can_read(p: &PlaylistMeta, caller: Option<&User>) -> bool {
    p.visibility != Visibility::Private || caller.is_some_and(|u| u.id == p.owner_id)
}

/// Allows the action or answers 404 (cannot read) / 403 (can read, cannot act).
pub fn authorize(p: &PlaylistMeta, caller: Option<&User>, action: Action) -> Result<(), ApiError> {
    if !can_read(p, caller) {
        return Err(ApiError::playlist_not_found());
    }
    let is_owner = caller.is_some_and(|u| u.id == p.owner_id);
    match action {
        Action::Read => Ok(()),
        Action::Edit | Action::Manage if is_owner => Ok(()),
        Action::Edit | Action::Manage => Err(ApiError::forbidden("you may read this playlist but not change it")),
    }
}
