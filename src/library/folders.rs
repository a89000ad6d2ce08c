//! Folder operations: create, list, rename, move (no cycles, at most [`MAX_DEPTH`] deep) and
//! delete (contents go to the parent). Every change is one compare-and-swap of the user's tree.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{Folder, FolderTree, MAX_DEPTH, MAX_FOLDERS};
use crate::{
    error::ApiError, ids, playlists::deps::PlaylistDeps, playlists::normalize::normalize_field,
    store_error::StoreError, users::model::User,
};

pub use crate::http::extract::present_or_null;

/// Create-folder request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFolder {
    /// 1–100 characters, unique among its siblings (ignoring case).
    pub name: String,
    /// The folder to create it in (absent or null: top level).
    #[serde(default)]
    pub parent: Option<String>,
}

/// Folder change: only the given fields change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FolderPatch {
    /// New name.
    pub name: Option<String>,
    /// New parent (null: top level).
    #[serde(default, deserialize_with = "present_or_null")]
    #[schema(value_type = Option<String>, nullable)]
    pub parent: Option<Option<String>>,
}

/// A folder as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FolderDto {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Parent folder (null: top level).
    pub parent: Option<String>,
    /// Names from the top level down to this folder.
    pub path: Vec<String>,
    /// 1 for a top-level folder.
    pub depth: usize,
    /// Creation time.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last change.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// All of your folders, parents before their children, siblings by name.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FolderList {
    /// The folders.
    pub folders: Vec<FolderDto>,
}

impl FolderDto {
    /// The folder `f` of `tree`.
    pub fn of(tree: &FolderTree, f: &Folder) -> Self {
        let chain = tree.ancestors(&f.id);
        Self {
            id: f.id.clone(),
            name: f.name.clone(),
            parent: f.parent.clone(),
            path: chain.iter().rev().map(|a| a.name.clone()).collect(),
            depth: chain.len(),
            created_at: f.created_at,
            updated_at: f.updated_at,
        }
    }
}

fn not_found() -> ApiError {
    ApiError::not_found("folder_not_found", "no such folder of yours")
}

fn parse_name(raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    if !(1..=100).contains(&name.chars().count()) || name.chars().any(char::is_control) {
        return Err(ApiError::invalid("invalid_name", "a folder name is 1-100 printable characters"));
    }
    Ok(name.to_owned())
}

/// 409 when `parent` already holds another folder called `name`.
fn check_unique(tree: &FolderTree, name: &str, parent: Option<&str>, except: Option<&str>) -> Result<(), ApiError> {
    let key = normalize_field(name);
    let clash = tree
        .folders
        .iter()
        .any(|f| f.parent.as_deref() == parent && Some(f.id.as_str()) != except && normalize_field(&f.name) == key);
    if clash {
        return Err(ApiError::conflict("folder_exists", format!("this place already holds a folder named {name:?}")));
    }
    Ok(())
}

/// The parent named by a request: it must be one of the user's folders.
fn existing_parent(tree: &FolderTree, parent: Option<&str>) -> Result<(), ApiError> {
    match parent {
        Some(p) if tree.get(p).is_none() => {
            Err(ApiError::not_found("folder_not_found", "the parent folder is not one of yours"))
        }
        _ => Ok(()),
    }
}

fn too_deep() -> ApiError {
    ApiError::invalid("folder_too_deep", format!("folders nest at most {MAX_DEPTH} deep"))
}

/// Applies `change` to the user's tree with compare-and-swap, retrying when another change
/// (from any replica) landed first. Returns the tree after and `change`'s result.
pub async fn change_tree<R>(
    state: &dyn PlaylistDeps,
    user: &User,
    mut change: impl FnMut(&mut FolderTree) -> Result<R, ApiError>,
) -> Result<(FolderTree, R), ApiError> {
    let _guard = state.write_locks().lock(&format!("folders:{}", user.id)).await;
    for _ in 0..16 {
        let mut tree = state.store().folder_tree(&user.id).await?;
        let expected = tree.rev;
        let result = change(&mut tree)?;
        tree.rev = expected + 1;
        match state.store().save_folder_tree(&tree, expected).await {
            Ok(()) => return Ok((tree, result)),
            Err(StoreError::VersionMismatch { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::unavailable("your folders are changing too fast; try again"))
}

/// Creates a folder.
pub async fn create(state: &dyn PlaylistDeps, user: &User, input: NewFolder) -> Result<FolderDto, ApiError> {
    let name = parse_name(&input.name)?;
    let (tree, id) = change_tree(state, user, |tree| {
        existing_parent(tree, input.parent.as_deref())?;
        if tree.folders.len() >= MAX_FOLDERS {
            return Err(ApiError::invalid("too_many_folders", format!("you may have at most {MAX_FOLDERS} folders")));
        }
        if input.parent.as_deref().map_or(0, |p| tree.depth(p)) + 1 > MAX_DEPTH {
            return Err(too_deep());
        }
        check_unique(tree, &name, input.parent.as_deref(), None)?;
        let now = ids::now();
        let id = ids::new_id();
        tree.folders.push(Folder {
            id: id.clone(),
            name: name.clone(),
            parent: input.parent.clone(),
            created_at: now,
            updated_at: now,
        });
        Ok(id)
    })
    .await?;
    Ok(FolderDto::of(&tree, tree.get(&id).ok_or_else(not_found)?))
}

/// All of the user's folders.
pub async fn list(state: &dyn PlaylistDeps, user: &User) -> Result<FolderList, ApiError> {
    let tree = state.store().folder_tree(&user.id).await?;
    let mut folders: Vec<FolderDto> = tree.folders.iter().map(|f| FolderDto::of(&tree, f)).collect();
    folders.sort_by_cached_key(|f| f.path.iter().map(|n| normalize_field(n)).collect::<Vec<_>>());
    Ok(FolderList { folders })
}

/// One folder.
pub async fn get(state: &dyn PlaylistDeps, user: &User, id: &str) -> Result<FolderDto, ApiError> {
    let tree = state.store().folder_tree(&user.id).await?;
    let folder = tree.get(id).ok_or_else(not_found)?;
    Ok(FolderDto::of(&tree, folder))
}

/// Renames and/or moves a folder.
pub async fn patch(state: &dyn PlaylistDeps, user: &User, id: &str, patch: FolderPatch) -> Result<FolderDto, ApiError> {
    let name = patch.name.as_deref().map(parse_name).transpose()?;
    let (tree, ()) = change_tree(state, user, |tree| {
        let current = tree.get(id).ok_or_else(not_found)?.clone();
        let parent = patch.parent.clone().unwrap_or(current.parent.clone());
        existing_parent(tree, parent.as_deref())?;
        if let Some(p) = parent.as_deref() {
            if tree.is_within(p, id) {
                return Err(ApiError::invalid(
                    "folder_cycle",
                    "a folder cannot move into itself or into one of its own subfolders",
                ));
            }
        }
        if parent.as_deref().map_or(0, |p| tree.depth(p)) + tree.height(id) > MAX_DEPTH {
            return Err(too_deep());
        }
        let name = name.clone().unwrap_or(current.name.clone());
        check_unique(tree, &name, parent.as_deref(), Some(id))?;
        if let Some(f) = tree.folders.iter_mut().find(|f| f.id == id) {
            if f.name != name || f.parent != parent {
                f.name = name;
                f.parent = parent;
                f.updated_at = ids::now();
            }
        }
        Ok(())
    })
    .await?;
    Ok(FolderDto::of(&tree, tree.get(id).ok_or_else(not_found)?))
}

/// Deletes a folder: its subfolders and its playlists move to its parent; no playlist is deleted.
pub async fn delete(state: &dyn PlaylistDeps, user: &User, id: &str) -> Result<(), ApiError> {
    let tree = state.store().folder_tree(&user.id).await?;
    let parent = tree.get(id).ok_or_else(not_found)?.parent.clone();
    // Placements first: a placement written meanwhile still resolves through the removal record.
    state.store().refile(&user.id, id, parent.as_deref()).await?;
    change_tree(state, user, |tree| tree.remove(id).map(|_| ()).ok_or_else(not_found)).await?;
    Ok(())
}
