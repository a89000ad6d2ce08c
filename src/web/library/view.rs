//! What the library page shows: the folder tree, the tags in use, and each playlist with where
//! the person filed it.

use std::collections::{BTreeSet, HashMap};

use crate::{
    library::{folders::FolderDto, model::PlacementDto},
    playlists::model::PlaylistMeta,
};

/// One folder, as a link and as an option of the folder selects.
pub struct FolderRow {
    /// Its id.
    pub id: String,
    /// Its whole path ("Trips / Summer").
    pub label: String,
    /// Whether it is the one shown (or the one a playlist is in).
    pub selected: bool,
}

/// The folder rows of `folders`, `selected` marked.
pub fn folder_rows(folders: &[FolderDto], selected: Option<&str>) -> Vec<FolderRow> {
    folders
        .iter()
        .map(|f| FolderRow { id: f.id.clone(), label: f.path.join(" / "), selected: selected == Some(f.id.as_str()) })
        .collect()
}

/// One playlist in a list.
pub struct PlaylistRow {
    /// Its page.
    pub href: String,
    /// Its name.
    pub name: String,
    /// How many tracks.
    pub count: usize,
    /// `private`, `unlisted` or `public`.
    pub visibility: String,
    /// Its owner.
    pub owner: String,
    /// Whether the person owns it.
    pub mine: bool,
    /// The folder the person filed it in.
    pub folder: String,
    /// The person's tags on it.
    pub tags: Vec<String>,
}

impl PlaylistRow {
    /// The row of `meta` for `user_id`, with their placement of it.
    pub fn of(meta: &PlaylistMeta, user_id: &str, place: Option<&PlacementDto>, folders: &[FolderDto]) -> Self {
        let folder = place
            .and_then(|p| p.folder.as_deref())
            .and_then(|id| folders.iter().find(|f| f.id == id))
            .map(|f| f.path.join(" / "))
            .unwrap_or_default();
        Self {
            href: format!("/app/playlists/{}", meta.id),
            name: meta.name.clone(),
            count: meta.item_count,
            visibility: format!("{:?}", meta.visibility).to_lowercase(),
            owner: meta.owner_username.clone(),
            mine: meta.owner_id == user_id,
            folder,
            tags: place.map(|p| p.tags.clone()).unwrap_or_default(),
        }
    }
}

/// The tags used on `places`, sorted.
pub fn tags_in(places: &HashMap<String, PlacementDto>) -> Vec<String> {
    places.values().flat_map(|p| p.tags.iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect()
}
