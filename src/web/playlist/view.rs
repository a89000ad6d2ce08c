//! What the playlist page shows, built from the playlist the services return.

use crate::{
    matching::model::MatchStatus,
    playlists::{
        access::{access, allows, Action},
        model::{Item, Playlist, Visibility},
    },
    sharing::page_view::{clock, total},
    users::model::User,
};

/// One track row.
pub struct ItemRow {
    /// Its id (forms name it).
    pub item_id: String,
    /// 1-based position.
    pub number: usize,
    /// 0-based position (the move forms' target is relative to it).
    pub index: usize,
    /// The title.
    pub title: String,
    /// The whole artist credit.
    pub artist: String,
    /// The album, if known.
    pub album: String,
    /// Cover art, if known.
    pub image: Option<String>,
    /// `m:ss`, if known.
    pub duration: String,
    /// The match state in words.
    pub state: &'static str,
    /// Why it is not matched, if it is not.
    pub why: String,
    /// Whether the caller may remove it.
    pub removable: bool,
}

/// What the caller typed into a form that was not applied (kept, never lost).
#[derive(Default)]
pub struct Draft {
    /// A name the rename form sent.
    pub name: Option<String>,
    /// The artist the add form sent.
    pub artist: String,
    /// The title the add form sent.
    pub title: String,
}

/// Tracks one page shows (a 10,000-track playlist is 50 pages, not one 18 MB page).
pub const ROWS_PER_PAGE: usize = 200;

/// The playlist page's data.
pub struct PlaylistView {
    /// Its id.
    pub id: String,
    /// Its name (or the caller's draft of it).
    pub name: String,
    /// Its owner's username.
    pub owner: String,
    /// Its cover, if any.
    pub cover: Option<String>,
    /// Its version (every form sends it back).
    pub version: u64,
    /// `private`, `unlisted` or `public`.
    pub visibility: &'static str,
    /// The public page's address, when it has one.
    pub public_page: Option<String>,
    /// Track count and total time.
    pub summary: String,
    /// The rows.
    pub rows: Vec<ItemRow>,
    /// Whether the caller may add tracks, edit, manage.
    pub can_add: bool,
    /// Whether the caller may rename and reorder.
    pub can_edit: bool,
    /// Whether the caller owns it.
    pub can_manage: bool,
    /// What the caller typed and was not applied.
    pub draft: Draft,
    /// Why tracks here are not checked at all (said once, not on every row).
    pub unchecked_because: String,
    /// Where the previous page of tracks starts, if there is one.
    pub earlier: Option<usize>,
    /// Where the next page of tracks starts, if there is one.
    pub later: Option<usize>,
    /// The number of the last track in the playlist (the last row's Down button hides there).
    pub last_number: usize,
    /// How many tracks wait in the review queue.
    pub to_review: usize,
    /// How many tracks are still being looked up on Last.fm.
    pub pending: usize,
    /// The person's folders, the one they filed this playlist in selected.
    pub folders: Vec<crate::web::library::view::FolderRow>,
    /// The person's tags on it, as they type them.
    pub tags: String,
}

fn state_words(item: &Item) -> (&'static str, String) {
    let Some(m) = &item.matching else { return ("Not checked", String::new()) };
    // The reasons are the API's; on a page, the review queue is a page, not a route.
    let why = m
        .reason
        .as_ref()
        .map(|r| r.message.replace(" (GET /v1/playlists/{id}/review)", " on the review page"))
        .unwrap_or_default();
    let words = match m.status {
        MatchStatus::Matched => "Matched",
        MatchStatus::Review => "Needs review",
        MatchStatus::Unmatched => "Not found",
        MatchStatus::Pending => "Looking up",
        MatchStatus::Off => return ("Not checked", String::new()),
    };
    (words, why)
}

impl PlaylistView {
    /// The page's data for `caller` from track `from` (0-based), with their unapplied `draft`.
    pub fn of(playlist: &Playlist, caller: &User, from: usize, draft: Draft) -> Self {
        let from = from.min(playlist.items.len().saturating_sub(1) / ROWS_PER_PAGE * ROWS_PER_PAGE);
        let role = access(&playlist.meta, Some(caller));
        let can_edit = allows(role, Action::Edit);
        let rows = playlist
            .items
            .iter()
            .enumerate()
            .skip(from)
            .take(ROWS_PER_PAGE)
            .map(|(index, item)| {
                let meta = item.trusted_meta();
                let (state, why) = state_words(item);
                ItemRow {
                    item_id: item.item_id.clone(),
                    number: index + 1,
                    index,
                    title: meta.map_or(&item.title, |m| &m.title).clone(),
                    artist: crate::formats::artists::credit(
                        meta.map_or(&item.artist, |m| &m.artist),
                        &item.featured_artists,
                    ),
                    album: meta.and_then(|m| m.album.clone()).or_else(|| item.album.clone()).unwrap_or_default(),
                    image: meta.and_then(|m| m.image.clone()).or_else(|| item.image.clone()),
                    duration: meta.and_then(|m| m.duration_ms).or(item.duration_ms).map(clock).unwrap_or_default(),
                    state,
                    why,
                    removable: can_edit || item.added_by == caller.id,
                }
            })
            .collect();
        let total_ms: u64 =
            playlist.items.iter().filter_map(|i| i.trusted_meta().and_then(|m| m.duration_ms).or(i.duration_ms)).sum();
        let count = playlist.items.len();
        let (visibility, public_page) = match playlist.meta.visibility {
            Visibility::Private => ("private", None),
            Visibility::Unlisted => ("unlisted", Some(format!("/p/{}", playlist.meta.id))),
            Visibility::Public => ("public", Some(format!("/p/{}", playlist.meta.id))),
        };
        Self {
            id: playlist.meta.id.clone(),
            name: draft.name.clone().unwrap_or_else(|| playlist.meta.name.clone()),
            owner: playlist.meta.owner_username.clone(),
            cover: playlist.meta.image.clone(),
            version: playlist.meta.version,
            visibility,
            public_page,
            summary: match total_ms {
                0 => format!("{count} {}", if count == 1 { "track" } else { "tracks" }),
                ms => format!("{count} {} · {}", if count == 1 { "track" } else { "tracks" }, total(ms)),
            },
            unchecked_because: playlist
                .items
                .iter()
                .filter_map(|i| i.matching.as_ref().filter(|m| m.status == MatchStatus::Off))
                .find_map(|m| m.reason.as_ref().map(|r| r.message.clone()))
                .unwrap_or_default(),
            rows,
            can_add: allows(role, Action::AddItems),
            can_edit,
            can_manage: allows(role, Action::Manage),
            draft,
            earlier: (from > 0).then(|| from.saturating_sub(ROWS_PER_PAGE)),
            later: (from + ROWS_PER_PAGE < count).then_some(from + ROWS_PER_PAGE),
            last_number: count,
            to_review: playlist
                .items
                .iter()
                .filter(|i| i.matching.as_ref().is_some_and(|m| m.status == MatchStatus::Review))
                .count(),
            pending: playlist
                .items
                .iter()
                .filter(|i| i.matching.as_ref().is_some_and(|m| m.status == MatchStatus::Pending))
                .count(),
            folders: Vec::new(),
            tags: String::new(),
        }
    }

    /// The same view with where the person filed the playlist: `folders` and their `place` of it.
    pub fn with_filing(
        mut self,
        folders: &[crate::library::folders::FolderDto],
        place: Option<&crate::library::model::PlacementDto>,
    ) -> Self {
        self.folders = crate::web::library::view::folder_rows(folders, place.and_then(|p| p.folder.as_deref()));
        self.tags = place.map(|p| p.tags.join(", ")).unwrap_or_default();
        self
    }
}
