//! Version history kept as changes: every user write records who did what and when with the
//! operations it applied (a [`Delta`]); some versions also keep the whole content (a checkpoint).
//! A version is restored by replaying the deltas after the nearest checkpoint at or before it.
//!
//! The entry is written by the store in the same atomic step as the playlist change, so a
//! restore point can never be lost between the two. Enrichment results are not user changes and
//! record nothing.

use std::{collections::HashSet, sync::Arc};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    edit::{replay, ItemOp},
    model::{Item, Playlist, PlaylistMeta},
};
use crate::store_error::StoreResult;

/// How many most recent versions stay restorable (at least).
pub const RESTORABLE_VERSIONS: u64 = 100;

/// A checkpoint (the whole content) is kept at least every this many versions.
pub const CHECKPOINT_EVERY: u64 = 50;

/// What a write changed.
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

/// The content of one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Name at that version.
    pub name: String,
    /// Description at that version.
    pub description: String,
    /// Items at that version, in order.
    pub items: Vec<Arc<Item>>,
}

/// What one write changed in the content, enough to replay it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    /// The new name, when it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The new description, when it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The item operations, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ItemOp>,
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
    /// The change, while the version is restorable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta: Option<Delta>,
    /// The whole content after the write, on checkpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Snapshot>,
}

impl HistoryEntry {
    /// Approximate stored size of the payload (for budgets and logs).
    pub fn payload_bytes(&self) -> usize {
        serde_json::to_vec(&(&self.delta, &self.snapshot)).map_or(0, |v| v.len())
    }
}

/// Reads history. Entries are written by the playlist store's `insert_playlist` and `commit`.
#[async_trait]
pub trait HistoryStore: Send + Sync {
    /// Entries newest first, older than `before` when given, without payloads.
    async fn history(&self, playlist_id: &str, before: Option<u64>, limit: usize) -> StoreResult<Vec<HistoryEntry>>;
    /// The entries needed to rebuild `version`: from the newest checkpoint at or before it up to
    /// it, oldest first, with payloads (empty when none is kept).
    async fn restore_chain(&self, playlist_id: &str, version: u64) -> StoreResult<Vec<HistoryEntry>>;
    /// Entries after version `since`, oldest first, with their deltas (the change feed), at
    /// most `limit`.
    async fn changes_after(&self, playlist_id: &str, since: u64, limit: usize) -> StoreResult<Vec<HistoryEntry>>;
    /// The oldest version from which every later entry still has its change: the change feed
    /// answers from `since` = this minus one (1 when nothing was dropped).
    async fn oldest_change(&self, playlist_id: &str) -> StoreResult<u64>;
    /// Deletes a playlist's whole history.
    async fn delete_history(&self, playlist_id: &str) -> StoreResult<()>;
}

/// Whether the write producing `version` keeps a checkpoint.
pub fn is_checkpoint(version: u64, ops: &[ItemOp]) -> bool {
    version == 1
        || version.is_multiple_of(CHECKPOINT_EVERY)
        || ops.iter().any(|op| matches!(op, ItemOp::ReplaceAll { .. }))
}

/// The oldest version whose payload must be kept once `version` is written: older payloads (all
/// but the newest checkpoint at or before this) may be dropped.
pub fn keep_from(version: u64) -> u64 {
    version.saturating_sub(RESTORABLE_VERSIONS).max(1)
}

/// Builds the entry of a write from the metadata before (none on creation) and after, the
/// operations and the items after.
pub fn entry(
    before: Option<&Playlist>,
    after: &PlaylistMeta,
    ops: &[ItemOp],
    items_after: &[Arc<Item>],
    actor: Option<&crate::users::model::User>,
    op: &str,
) -> HistoryEntry {
    let checkpoint = is_checkpoint(after.version, ops);
    let summary = summarize(before, after, ops, items_after);
    let before = before.map(|b| &b.meta);
    // Checkpoints keep their delta too (the change feed reads it; restores read the snapshot),
    // without a whole-list replacement, which the snapshot already holds.
    let delta = Some(Delta {
        name: before.filter(|b| b.name != after.name).map(|_| after.name.clone()),
        description: before.filter(|b| b.description != after.description).map(|_| after.description.clone()),
        items: ops.iter().filter(|op| !(checkpoint && matches!(op, ItemOp::ReplaceAll { .. }))).cloned().collect(),
    });
    HistoryEntry {
        playlist_id: after.id.clone(),
        version: after.version,
        at: after.updated_at,
        actor_id: actor.map(|u| u.id.clone()),
        actor: actor.map_or_else(|| "sharify".to_owned(), |u| u.username.clone()),
        op: op.to_owned(),
        summary,
        delta,
        snapshot: checkpoint.then(|| Snapshot {
            name: after.name.clone(),
            description: after.description.clone(),
            items: items_after.to_vec(),
        }),
    }
}

fn summarize(before: Option<&Playlist>, after: &PlaylistMeta, ops: &[ItemOp], items: &[Arc<Item>]) -> ChangeSummary {
    let Some(before) = before else {
        return ChangeSummary { added: items.len(), ..ChangeSummary::default() };
    };
    let b = &before.meta;
    let mut summary = ChangeSummary::default();
    for op in ops {
        match op {
            ItemOp::Insert { items } => summary.added += items.len(),
            ItemOp::Remove { item_ids } => summary.removed += item_ids.len(),
            ItemOp::Reposition { .. } | ItemOp::Reorder { .. } => summary.reordered = true,
            ItemOp::Update { .. } => {}
            ItemOp::ReplaceAll { .. } => {}
        }
    }
    if ops.iter().any(|op| matches!(op, ItemOp::ReplaceAll { .. })) {
        let old: HashSet<&str> = before.items.iter().map(|i| i.item_id.as_str()).collect();
        let new: HashSet<&str> = items.iter().map(|i| i.item_id.as_str()).collect();
        let kept = |list: &[Arc<Item>], other: &HashSet<&str>| -> Vec<String> {
            list.iter().filter(|i| other.contains(i.item_id.as_str())).map(|i| i.item_id.clone()).collect()
        };
        summary.added = new.difference(&old).count();
        summary.removed = old.difference(&new).count();
        summary.reordered = kept(&before.items, &new) != kept(items, &old);
    }
    let mut changed = |name: &str, differs: bool| {
        if differs {
            summary.fields.push(name.to_owned());
        }
    };
    changed("name", b.name != after.name);
    changed("description", b.description != after.description);
    changed("visibility", b.visibility != after.visibility);
    changed("collaborators", b.collaborators != after.collaborators);
    changed("owner", b.owner_id != after.owner_id);
    changed("enrichment", ops.iter().any(|op| matches!(op, ItemOp::Update { .. })));
    summary
}

/// Rebuilds the content of `version` from a chain of entries (see
/// [`HistoryStore::restore_chain`]); `None` when the chain does not reach it unbroken.
pub fn rebuild(chain: &[HistoryEntry], version: u64) -> Option<Snapshot> {
    let (first, rest) = chain.split_first()?;
    let mut content = first.snapshot.clone()?;
    number_if_unordered(&mut content.items);
    let mut at = first.version;
    for entry in rest {
        if entry.version != at + 1 {
            return None;
        }
        match (&entry.snapshot, &entry.delta) {
            (Some(snapshot), _) => {
                content = snapshot.clone();
                number_if_unordered(&mut content.items);
            }
            (None, Some(delta)) => {
                if let Some(name) = &delta.name {
                    content.name.clone_from(name);
                }
                if let Some(description) = &delta.description {
                    content.description.clone_from(description);
                }
                delta.items.iter().for_each(|op| replay(&mut content.items, op));
            }
            (None, None) => return None,
        }
        at = entry.version;
    }
    (at == version).then_some(content)
}

/// Gives positions to items of a checkpoint stored before items had them (in list order, the
/// same numbering the storage migration gave the items then current).
fn number_if_unordered(items: &mut [Arc<Item>]) {
    if items.windows(2).any(|w| w[0].pos >= w[1].pos) {
        for (item, n) in items.iter_mut().zip(1..) {
            *item = Arc::new(Item { pos: n * super::model::POSITION_GAP, ..Item::clone(item) });
        }
    }
}
