//! Version history: every write records who did what and when, with the resulting version and a
//! snapshot of the content (name, description, items) so recent versions can be restored.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{Item, Playlist};
use crate::{app::AppState, storage::StoreResult};

/// How many most recent versions keep a restorable snapshot (at least).
pub const RESTORABLE_VERSIONS: u64 = 100;

/// What a write changed, derived from the playlist before and after.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChangeSummary {
    /// Items that appeared.
    pub added: usize,
    /// Items that disappeared.
    pub removed: usize,
    /// True when the remaining items changed order.
    pub reordered: bool,
    /// Other fields that changed (`name`, `description`, `visibility`, `collaborators`, `owner`, `enrichment`).
    pub fields: Vec<String>,
}

/// The content a version can be restored to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Name at that version.
    pub name: String,
    /// Description at that version.
    pub description: String,
    /// Items at that version.
    pub items: Vec<Item>,
}

/// One history entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The playlist.
    pub playlist_id: String,
    /// The version this write produced.
    pub version: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (user id), `None` for the service's own work.
    pub actor_id: Option<String>,
    /// Who, by username (`sharify` for the service's own work).
    pub actor: String,
    /// The operation, e.g. `add_items`.
    pub op: String,
    /// What changed.
    pub summary: ChangeSummary,
    /// The content after the write, while the version is restorable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Snapshot>,
}

/// Stores history entries (one document per playlist version).
#[async_trait]
pub trait HistoryStore: Send + Sync {
    /// Saves an entry (idempotent per playlist and version).
    async fn record_version(&self, entry: &HistoryEntry) -> StoreResult<()>;
    /// Entries newest first, older than `before` when given, without snapshots.
    async fn history(&self, playlist_id: &str, before: Option<u64>, limit: usize) -> StoreResult<Vec<HistoryEntry>>;
    /// The snapshot of one version, if still kept.
    async fn snapshot(&self, playlist_id: &str, version: u64) -> StoreResult<Option<Snapshot>>;
    /// Drops the snapshots of versions up to `version` (the entries stay).
    async fn prune_snapshots(&self, playlist_id: &str, version: u64) -> StoreResult<()>;
    /// Deletes a playlist's whole history.
    async fn delete_history(&self, playlist_id: &str) -> StoreResult<()>;
}

/// Compares two states of a playlist.
pub fn summarize(before: Option<&Playlist>, after: &Playlist) -> ChangeSummary {
    let Some(before) = before else {
        return ChangeSummary { added: after.items.len(), ..ChangeSummary::default() };
    };
    let old: std::collections::HashSet<&str> = before.items.iter().map(|i| i.item_id.as_str()).collect();
    let new: std::collections::HashSet<&str> = after.items.iter().map(|i| i.item_id.as_str()).collect();
    let kept_before: Vec<&str> = before.items.iter().map(|i| i.item_id.as_str()).filter(|i| new.contains(i)).collect();
    let kept_after: Vec<&str> = after.items.iter().map(|i| i.item_id.as_str()).filter(|i| old.contains(i)).collect();
    let (b, a) = (&before.meta, &after.meta);
    let mut fields = Vec::new();
    let mut changed = |name: &str, differs: bool| {
        if differs {
            fields.push(name.to_owned());
        }
    };
    changed("name", b.name != a.name);
    changed("description", b.description != a.description);
    changed("visibility", b.visibility != a.visibility);
    changed("collaborators", b.collaborators != a.collaborators);
    changed("owner", b.owner_id != a.owner_id);
    let states: std::collections::HashMap<&str, _> =
        after.items.iter().map(|i| (i.item_id.as_str(), i.enrichment)).collect();
    changed(
        "enrichment",
        before.items.iter().any(|i| states.get(i.item_id.as_str()).is_some_and(|e| *e != i.enrichment)),
    );
    ChangeSummary {
        added: new.difference(&old).count(),
        removed: old.difference(&new).count(),
        reordered: kept_before != kept_after,
        fields,
    }
}

/// Records a write in the history (after it succeeded); failures are logged, not returned,
/// because the write itself already happened.
pub async fn record(
    state: &AppState,
    before: Option<&Playlist>,
    after: &Playlist,
    actor: Option<&crate::users::model::User>,
    op: &str,
) {
    let entry = HistoryEntry {
        playlist_id: after.meta.id.clone(),
        version: after.meta.version,
        at: after.meta.updated_at,
        actor_id: actor.map(|u| u.id.clone()),
        actor: actor.map_or_else(|| "sharify".to_owned(), |u| u.username.clone()),
        op: op.to_owned(),
        summary: summarize(before, after),
        snapshot: Some(Snapshot {
            name: after.meta.name.clone(),
            description: after.meta.description.clone(),
            items: after.items.clone(),
        }),
    };
    if let Err(e) = state.store.record_version(&entry).await {
        tracing::warn!(error = %e, playlist = %entry.playlist_id, version = entry.version, "history not recorded");
    }
    let version = after.meta.version;
    if version > RESTORABLE_VERSIONS && version.is_multiple_of(10) {
        if let Err(e) = state.store.prune_snapshots(&entry.playlist_id, version - RESTORABLE_VERSIONS).await {
            tracing::warn!(error = %e, "history snapshots not pruned");
        }
    }
}
