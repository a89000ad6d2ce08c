//! Collaborators: the owner grants roles; a collaborator may leave; ownership can be transferred.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::ApiError,
    ids,
    playlists::deps::PlaylistDeps,
    playlists::{
        access::{access, Action},
        model::{Access, Collaborator, Playlist, PlaylistMeta, Role},
        write::{self, load},
    },
    users::model::User,
};

/// A collaborator as shown to readers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CollaboratorDto {
    /// Username.
    pub username: String,
    /// Role.
    pub role: Role,
    /// When they were added.
    pub added_at: DateTime<Utc>,
}

/// The owner and the collaborators.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Members {
    /// The owner's username.
    pub owner: String,
    /// Collaborators, in the order they were added.
    pub collaborators: Vec<CollaboratorDto>,
}

/// Request to grant a role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRequest {
    /// `viewer`, `contributor` or `editor`.
    pub role: Role,
}

/// Request to transfer ownership.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// The new owner; the previous owner stays on as an editor.
    pub username: String,
}

fn members(p: &Playlist) -> Members {
    Members {
        owner: p.meta.owner_username.clone(),
        collaborators: p
            .meta
            .collaborators
            .iter()
            .map(|c| CollaboratorDto { username: c.username.clone(), role: c.role, added_at: c.added_at })
            .collect(),
    }
}

async fn user_named(state: &dyn PlaylistDeps, username: &str) -> Result<User, ApiError> {
    let user = if username.len() <= 64 { state.store().user_by_username(username).await? } else { None };
    let user = user.filter(|u| !u.is_deleted());
    user.ok_or_else(|| ApiError::not_found("user_not_found", "no such user"))
}

/// Lists the owner and collaborators (any reader).
pub async fn list(state: &dyn PlaylistDeps, caller: Option<&User>, id: &str) -> Result<Members, ApiError> {
    Ok(members(&*load(state, caller, id, Action::Read).await?))
}

/// Grants `username` a role (owner only); changes the role of an existing collaborator.
pub async fn set_role(
    state: &dyn PlaylistDeps,
    caller: &User,
    id: &str,
    username: &str,
    role: Role,
    if_match: Option<u64>,
) -> Result<Members, ApiError> {
    load(state, Some(caller), id, Action::Manage).await?;
    let user = user_named(state, username).await?;
    let (playlist, ()) = write::modify(state, caller, id, if_match, Action::Manage, "set_collaborator", |p| {
        if user.id == p.meta.owner_id {
            return Err(ApiError::conflict("owner_is_not_a_collaborator", "the owner already has every permission"));
        }
        grant_within(&mut p.meta, &user, role, state.config().sharing.max_collaborators)?;
        Ok(())
    })
    .await?;
    Ok(members(&playlist))
}

/// Adds `user` with `role` (409 `too_many_collaborators` when the playlist already has `max`),
/// or changes their role; true when something changed.
pub fn grant_within(p: &mut PlaylistMeta, user: &User, role: Role, max: usize) -> Result<bool, ApiError> {
    let is_new = !p.collaborators.iter().any(|c| c.user_id == user.id);
    if is_new && p.collaborators.len() >= max {
        return Err(ApiError::conflict(
            "too_many_collaborators",
            format!("a playlist has at most {max} collaborators; remove one first"),
        ));
    }
    Ok(grant(p, user, role))
}

/// Adds `user` with `role`, or changes their role; true when something changed.
pub fn grant(p: &mut PlaylistMeta, user: &User, role: Role) -> bool {
    match p.collaborators.iter_mut().find(|c| c.user_id == user.id) {
        Some(c) if c.role == role => false,
        Some(c) => {
            c.role = role;
            true
        }
        None => {
            let added_at = ids::now();
            p.collaborators.push(Collaborator {
                user_id: user.id.clone(),
                username: user.username.clone(),
                role,
                added_at,
            });
            true
        }
    }
}

/// Removes a collaborator: the owner removes anyone; a collaborator may remove themselves.
pub async fn remove(
    state: &dyn PlaylistDeps,
    caller: &User,
    id: &str,
    username: &str,
    if_match: Option<u64>,
) -> Result<(), ApiError> {
    write::modify(state, caller, id, if_match, Action::Read, "remove_collaborator", |p| {
        let is_self = caller.username.eq_ignore_ascii_case(username);
        if access(&p.meta, Some(caller)) != Access::Owner && !is_self {
            return Err(ApiError::forbidden("only the owner can remove other collaborators"));
        }
        let before = p.meta.collaborators.len();
        p.meta.collaborators.retain(|c| !c.username.eq_ignore_ascii_case(username));
        if p.meta.collaborators.len() == before {
            return Err(ApiError::not_found("collaborator_not_found", "no such collaborator"));
        }
        Ok(())
    })
    .await?;
    Ok(())
}

/// Makes `username` the owner (owner only); the previous owner becomes an editor.
pub async fn transfer(
    state: &dyn PlaylistDeps,
    caller: &User,
    id: &str,
    username: &str,
    if_match: Option<u64>,
) -> Result<std::sync::Arc<Playlist>, ApiError> {
    load(state, Some(caller), id, Action::Manage).await?;
    let new_owner = user_named(state, username).await?;
    let (playlist, ()) = write::modify(state, caller, id, if_match, Action::Manage, "transfer", |p| {
        if new_owner.id == p.meta.owner_id {
            return Ok(());
        }
        let previous = User { id: p.meta.owner_id.clone(), username: p.meta.owner_username.clone(), ..caller.clone() };
        p.meta.collaborators.retain(|c| c.user_id != new_owner.id);
        p.meta.owner_id.clone_from(&new_owner.id);
        p.meta.owner_username.clone_from(&new_owner.username);
        grant(&mut p.meta, &previous, Role::Editor);
        Ok(())
    })
    .await?;
    Ok(playlist)
}
