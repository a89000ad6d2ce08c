//! A user's own way of organising their library: folders (a tree, one document per user) and
//! each playlist's placement (its folder and tags). Both are the user's alone: a collaborator
//! files a shared playlist in their own folders, with their own tags.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Deepest a folder may sit (a top-level folder has depth 1).
pub const MAX_DEPTH: usize = 5;
/// Most folders a user may have.
pub const MAX_FOLDERS: usize = 200;
/// Most tags on one playlist (per user).
pub const MAX_TAGS: usize = 20;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 50;
/// How many removed folders the tree remembers (to file late placements into their parent).
const REMEMBERED_REMOVALS: usize = 100;

/// One folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Folder {
    /// Stable id.
    pub id: String,
    /// Name (unique among its siblings, ignoring case).
    pub name: String,
    /// The folder it sits in (`None`: top level).
    pub parent: Option<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A folder that was deleted, and where its contents went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemovedFolder {
    /// Its id.
    pub id: String,
    /// Its parent when it was deleted.
    pub parent: Option<String>,
}

/// All of a user's folders: one document, changed only by compare-and-swap on `rev`, so two
/// concurrent moves (on any replicas) can never make a cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FolderTree {
    /// The user.
    pub user_id: String,
    /// Bumped by every change (0: never stored).
    pub rev: u64,
    /// The folders.
    pub folders: Vec<Folder>,
    /// Recently deleted folders (a placement naming one belongs to its nearest live ancestor).
    #[serde(default)]
    pub removed: Vec<RemovedFolder>,
}

impl FolderTree {
    /// An empty tree for `user_id`.
    pub fn empty(user_id: &str) -> Self {
        Self { user_id: user_id.to_owned(), ..Self::default() }
    }

    /// The folder `id`, if it exists.
    pub fn get(&self, id: &str) -> Option<&Folder> {
        self.folders.iter().find(|f| f.id == id)
    }

    /// The chain from `id` up to the top (itself first); stops at a repeated id.
    pub fn ancestors(&self, id: &str) -> Vec<&Folder> {
        let mut chain: Vec<&Folder> = Vec::new();
        let mut next = self.get(id);
        while let Some(folder) = next {
            if chain.iter().any(|f| f.id == folder.id) {
                break;
            }
            chain.push(folder);
            next = folder.parent.as_deref().and_then(|p| self.get(p));
        }
        chain
    }

    /// How deep `id` sits (1 for a top-level folder).
    pub fn depth(&self, id: &str) -> usize {
        self.ancestors(id).len()
    }

    /// How many levels the subtree under `id` spans (1 for a folder without subfolders).
    pub fn height(&self, id: &str) -> usize {
        1 + self.children(id).map(|c| self.height(&c.id)).max().unwrap_or(0)
    }

    /// The folders directly inside `id`.
    pub fn children<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Folder> + 'a {
        self.folders.iter().filter(move |f| f.parent.as_deref() == Some(id))
    }

    /// Whether `candidate` is `id` or inside it.
    pub fn is_within(&self, candidate: &str, id: &str) -> bool {
        self.ancestors(candidate).iter().any(|f| f.id == id)
    }

    /// Where a placement naming `folder` belongs now: the folder itself while it exists, else
    /// the nearest live ancestor it was deleted into (`None`: the top level).
    pub fn resolve(&self, folder: &str) -> Option<String> {
        let mut at = folder.to_owned();
        for _ in 0..=REMEMBERED_REMOVALS {
            if self.get(&at).is_some() {
                return Some(at);
            }
            at = self.removed.iter().find(|r| r.id == at)?.parent.clone()?;
        }
        None
    }

    /// Every id that resolves to `folder` (itself and the deleted folders that went into it).
    pub fn resolving_to(&self, folder: &str) -> Vec<String> {
        let mut ids = vec![folder.to_owned()];
        ids.extend(
            self.removed.iter().filter(|r| self.resolve(&r.id).as_deref() == Some(folder)).map(|r| r.id.clone()),
        );
        ids
    }

    /// Deletes `id`: its subfolders move to its parent, and it is remembered as removed.
    pub fn remove(&mut self, id: &str) -> Option<Folder> {
        let at = self.folders.iter().position(|f| f.id == id)?;
        let gone = self.folders.remove(at);
        let now = crate::ids::now();
        for child in self.folders.iter_mut().filter(|f| f.parent.as_deref() == Some(id)) {
            child.parent.clone_from(&gone.parent);
            child.updated_at = now;
        }
        self.removed.push(RemovedFolder { id: gone.id.clone(), parent: gone.parent.clone() });
        let excess = self.removed.len().saturating_sub(REMEMBERED_REMOVALS);
        self.removed.drain(..excess);
        Some(gone)
    }
}

/// Where one user keeps one playlist: its folder and tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// The user.
    pub user_id: String,
    /// The playlist.
    pub playlist_id: String,
    /// The folder (`None`: not filed).
    pub folder: Option<String>,
    /// Normalised tags, in the order given.
    pub tags: Vec<String>,
}

impl Placement {
    /// Nothing filed and no tags: not worth storing.
    pub fn is_empty(&self) -> bool {
        self.folder.is_none() && self.tags.is_empty()
    }
}

/// A change to a placement: the fields to set (absent: left as they are).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlacementChange {
    /// The new folder (`Some(None)`: out of any folder).
    pub folder: Option<Option<String>>,
    /// The new tags, normalised.
    pub tags: Option<Vec<String>>,
}

/// The caller's placement of a playlist, as listings show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
pub struct PlacementDto {
    /// Your folder for it (`null`: not filed).
    pub folder: Option<String>,
    /// Your tags on it.
    pub tags: Vec<String>,
}
