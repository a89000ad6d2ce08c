//! Who may do what to a playlist. A caller who may not read it gets 404, whatever the action;
//! one who may read but lacks the permission gets 403.

use super::model::{Access, PlaylistMeta, Role, Visibility};
use crate::{error::ApiError, users::model::User};

/// What the caller wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the playlist, its items, collaborators and history.
    Read,
    /// Add items (contributors and up).
    AddItems,
    /// Remove an item someone else added, move items, edit name and description, restore (editors and up).
    Edit,
    /// Change visibility, collaborators, share links; delete; transfer (the owner only).
    Manage,
}

/// The caller's relationship to the playlist.
pub fn access(p: &PlaylistMeta, caller: Option<&User>) -> Access {
    p.access_of(caller.map(|u| u.id.as_str()))
}

/// True when the caller may read the playlist.
pub fn can_read(p: &PlaylistMeta, caller: Option<&User>) -> bool {
    p.visibility != Visibility::Private || access(p, caller) != Access::Stranger
}

/// True when `access` allows `action` (reading aside).
pub fn allows(access: Access, action: Action) -> bool {
    match (access, action) {
        (_, Action::Read) | (Access::Owner, _) => true,
        (Access::Collaborator(role), Action::AddItems) => role >= Role::Contributor,
        (Access::Collaborator(role), Action::Edit) => role >= Role::Editor,
        _ => false,
    }
}

/// Allows the action or answers 404 (cannot read) / 403 (can read, cannot act).
pub fn authorize(p: &PlaylistMeta, caller: Option<&User>, action: Action) -> Result<(), ApiError> {
    if !can_read(p, caller) {
        return Err(ApiError::playlist_not_found());
    }
    if allows(access(p, caller), action) {
        Ok(())
    } else {
        Err(ApiError::forbidden("your role on this playlist does not allow this"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_grow_in_permissions() {
        let c = |r| Access::Collaborator(r);
        assert!(allows(c(Role::Viewer), Action::Read) && !allows(c(Role::Viewer), Action::AddItems));
        assert!(allows(c(Role::Contributor), Action::AddItems) && !allows(c(Role::Contributor), Action::Edit));
        assert!(allows(c(Role::Editor), Action::Edit) && !allows(c(Role::Editor), Action::Manage));
        assert!(allows(Access::Owner, Action::Manage) && !allows(Access::Stranger, Action::AddItems));
    }
}
