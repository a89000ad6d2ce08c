//! The change feed: what changed after a version, in order, from history kept as changes.
//! Anyone who may read the playlist reads it; access-related events (collaborators, visibility,
//! ownership) only its owner and editors. The feed goes back as far as changes are kept (at least
//! the last 100 versions); older `since` values get 410 with the oldest version still there.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::ApiError,
    playlists::deps::PlaylistDeps,
    playlists::{
        access::{self, Action},
        edit::ItemOp,
        history::HistoryEntry,
        write,
    },
    users::model::User,
};

/// Most changes a page holds.
pub const PAGE_MAX: usize = 100;

/// One event of a change.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ChangeEvent {
    /// `playlist.created`, `items.added`, `items.removed`, `items.moved`, `items.matched`,
    /// `items.updated`, `items.replaced`, `playlist.updated`, `playlist.restored`,
    /// `collaborators.changed`, `visibility.changed` or `owner.changed`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The items concerned (added, removed, moved, matched or updated).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item_ids: Vec<String>,
    /// The fields that changed (`playlist.updated`: `name`, `description`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// How many items came and went when the whole list was replaced (a restore, a mirror).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added: Option<usize>,
    /// See `added`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<usize>,
}

impl ChangeEvent {
    fn new(kind: &str) -> Self {
        Self { kind: kind.to_owned(), item_ids: Vec::new(), fields: Vec::new(), added: None, removed: None }
    }
    fn items(kind: &str, item_ids: Vec<String>) -> Self {
        Self { item_ids, ..Self::new(kind) }
    }
    /// Whether only owners and editors see it.
    fn is_access(&self) -> bool {
        matches!(self.kind.as_str(), "collaborators.changed" | "visibility.changed" | "owner.changed")
    }
}

/// One version's change.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Change {
    /// The version it produced.
    pub version: u64,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who (username; `sharify` for the service's own work).
    pub actor: String,
    /// The operation (`add_items`, `move_item`, `sync`, `restore`, …).
    pub op: String,
    /// What it did, in order (empty when all of it is hidden from you).
    pub events: Vec<ChangeEvent>,
}

/// A page of changes.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ChangesPage {
    /// Changes after `since`, oldest first.
    pub changes: Vec<Change>,
    /// The playlist's version now.
    pub version: u64,
    /// Pass as `since` for the next page; null when this page reaches `version`.
    pub next_since: Option<u64>,
}

/// The events of one history entry.
pub fn events_of(entry: &HistoryEntry) -> Vec<ChangeEvent> {
    let mut events = Vec::new();
    if entry.version == 1 {
        events.push(ChangeEvent::new("playlist.created"));
    }
    let delta = entry.delta.clone().unwrap_or_default();
    let restore = entry.op == "restore";
    for op in &delta.items {
        let ids =
            |items: &[std::sync::Arc<crate::playlists::model::Item>]| items.iter().map(|i| i.item_id.clone()).collect();
        events.push(match op {
            ItemOp::Insert { items } => ChangeEvent::items("items.added", ids(items)),
            ItemOp::Remove { item_ids } => ChangeEvent::items("items.removed", item_ids.clone()),
            ItemOp::Reposition { item_id, .. } => ChangeEvent::items("items.moved", vec![item_id.clone()]),
            ItemOp::Reorder { positions } => {
                ChangeEvent::items("items.moved", positions.iter().map(|p| p.item_id.clone()).collect())
            }
            ItemOp::Update { items } if entry.op == "match" => ChangeEvent::items("items.matched", ids(items)),
            ItemOp::Update { items } => ChangeEvent::items("items.updated", ids(items)),
            ItemOp::ReplaceAll { .. } if restore => continue,
            ItemOp::ReplaceAll { .. } if entry.version == 1 => continue,
            ItemOp::ReplaceAll { .. } => ChangeEvent {
                added: Some(entry.summary.added),
                removed: Some(entry.summary.removed),
                ..ChangeEvent::new("items.replaced")
            },
        });
    }
    // A whole-list replacement is kept as a snapshot, not as an operation: its counts say it.
    let items_changed = entry.summary.added > 0 || entry.summary.removed > 0 || entry.summary.reordered;
    if !restore && entry.version > 1 && delta.items.is_empty() && items_changed {
        events.push(ChangeEvent {
            added: Some(entry.summary.added),
            removed: Some(entry.summary.removed),
            ..ChangeEvent::new("items.replaced")
        });
    }
    if restore {
        events.push(ChangeEvent {
            added: Some(entry.summary.added),
            removed: Some(entry.summary.removed),
            ..ChangeEvent::new("playlist.restored")
        });
    }
    let fields: Vec<String> =
        entry.summary.fields.iter().filter(|f| matches!(f.as_str(), "name" | "description")).cloned().collect();
    if !fields.is_empty() && entry.version > 1 {
        events.push(ChangeEvent { fields, ..ChangeEvent::new("playlist.updated") });
    }
    for (field, kind) in
        [("collaborators", "collaborators.changed"), ("visibility", "visibility.changed"), ("owner", "owner.changed")]
    {
        if entry.summary.fields.iter().any(|f| f == field) {
            events.push(ChangeEvent::new(kind));
        }
    }
    events
}

/// The changes of playlist `id` after version `since`, as `caller` may see them.
pub async fn after(
    state: &dyn PlaylistDeps,
    caller: Option<&User>,
    id: &str,
    since: u64,
    limit: usize,
) -> Result<ChangesPage, ApiError> {
    let playlist = write::load(state, caller, id, Action::Read).await?;
    let version = playlist.meta.version;
    let sees_access = access::allows(access::access(&playlist.meta, caller), Action::Edit);
    if since >= version {
        return Ok(ChangesPage { changes: Vec::new(), version, next_since: None });
    }
    let entries = state.store().changes_after(id, since, limit).await?;
    let oldest = state.store().oldest_change(id).await?;
    let complete = entries.first().is_some_and(|e| e.version == since + 1) && since + 1 >= oldest;
    if !complete {
        return Err(ApiError {
            oldest_version: Some(oldest.saturating_sub(1)),
            ..ApiError::new(
                axum::http::StatusCode::GONE,
                "changes_expired",
                format!(
                    "changes after version {since} are no longer kept; reload the playlist, then follow its changes \
                     from its version (the oldest `since` accepted now is {})",
                    oldest.saturating_sub(1)
                ),
            )
        });
    }
    let changes: Vec<Change> = entries
        .iter()
        .map(|e| Change {
            version: e.version,
            at: e.at,
            actor: e.actor.clone(),
            op: e.op.clone(),
            events: events_of(e).into_iter().filter(|ev| sees_access || !ev.is_access()).collect(),
        })
        .collect();
    let last = changes.last().map_or(since, |c| c.version);
    Ok(ChangesPage { changes, version, next_since: (last < version).then_some(last) })
}
