//! The rows behind a playlist in SQLite and the statements that change them: the playlist row
//! (metadata as JSON, indexed columns beside), one row per item, members, history entries.
//! Every function here runs inside the caller's transaction.

use std::sync::Arc;

use deadpool_sqlite::rusqlite::{params, Connection, OptionalExtension};

use super::{json_err, sql_err};
use crate::{
    playlists::{
        edit::ItemOp,
        history::{keep_from, HistoryEntry},
        model::{Item, PlaylistMeta, Revision, Visibility},
    },
    storage::{StoreError, StoreResult},
};

/// The columns of a playlist row.
pub(super) struct MetaRow {
    pub id: String,
    pub owner_id: String,
    pub updated_us: i64,
    pub version: i64,
    pub enrichment_gen: i64,
    pub meta: String,
    pub pending_items: i64,
    pub public: bool,
    pub search_text: String,
    pub collaborators: Vec<String>,
}

impl MetaRow {
    /// The row of `meta` (whose derived fields are already in sync).
    pub fn of(meta: &PlaylistMeta) -> StoreResult<Self> {
        Ok(Self {
            id: meta.id.clone(),
            owner_id: meta.owner_id.clone(),
            updated_us: meta.updated_at.timestamp_micros(),
            version: meta.version as i64,
            enrichment_gen: meta.enrichment_gen as i64,
            meta: serde_json::to_string(meta).map_err(json_err)?,
            pending_items: meta.pending_items as i64,
            public: meta.visibility == Visibility::Public,
            search_text: meta.search_text.clone(),
            collaborators: meta.collaborators.iter().map(|c| c.user_id.clone()).collect(),
        })
    }
}

/// The stored revision of a playlist, if it exists.
pub(super) fn revision(c: &Connection, id: &str) -> StoreResult<Option<Revision>> {
    c.prepare_cached("SELECT version, enrichment_gen FROM playlists WHERE id = ?1")
        .and_then(|mut st| {
            st.query_row([id], |r| {
                Ok(Revision { version: r.get::<_, i64>(0)? as u64, enrichment_gen: r.get::<_, i64>(1)? as u64 })
            })
            .optional()
        })
        .map_err(sql_err)
}

/// Why a conditional write matched no row.
pub(super) fn lost_race(c: &Connection, id: &str, expected: Option<Revision>) -> StoreError {
    match revision(c, id) {
        Ok(Some(now)) if expected.is_some_and(|e| e.version == now.version) => StoreError::Stale,
        Ok(Some(now)) => StoreError::VersionMismatch { current: now.version },
        Ok(None) => StoreError::NotFound,
        Err(e) => e,
    }
}

/// Replaces the playlist's member rows with its collaborators.
pub(super) fn write_members(c: &Connection, row: &MetaRow) -> StoreResult<()> {
    c.execute("DELETE FROM playlist_members WHERE playlist_id = ?1", [&row.id]).map_err(sql_err)?;
    let mut insert = c
        .prepare_cached("INSERT OR IGNORE INTO playlist_members (user_id, playlist_id) VALUES (?1, ?2)")
        .map_err(sql_err)?;
    for user in &row.collaborators {
        insert.execute(params![user, row.id]).map_err(sql_err)?;
    }
    Ok(())
}

/// Inserts item rows.
pub(super) fn insert_items(c: &Connection, playlist_id: &str, items: &[Arc<Item>]) -> StoreResult<()> {
    let mut insert = c
        .prepare_cached("INSERT INTO playlist_items (playlist_id, item_id, pos, doc) VALUES (?1, ?2, ?3, ?4)")
        .map_err(sql_err)?;
    for item in items {
        let doc = serde_json::to_string(item).map_err(json_err)?;
        insert.execute(params![playlist_id, item.item_id, item.pos, doc]).map_err(sql_err)?;
    }
    Ok(())
}

/// Applies item operations to the item rows.
pub(super) fn apply_ops(c: &Connection, playlist_id: &str, ops: &[ItemOp]) -> StoreResult<()> {
    park_moved_items(c, playlist_id, ops)?;
    for op in ops {
        match op {
            ItemOp::Insert { items } => insert_items(c, playlist_id, items)?,
            ItemOp::Remove { item_ids } => {
                let mut delete = c
                    .prepare_cached("DELETE FROM playlist_items WHERE playlist_id = ?1 AND item_id = ?2")
                    .map_err(sql_err)?;
                for id in item_ids {
                    delete.execute(params![playlist_id, id]).map_err(sql_err)?;
                }
            }
            ItemOp::Reposition { item_id, pos } => {
                c.prepare_cached("UPDATE playlist_items SET pos = ?3 WHERE playlist_id = ?1 AND item_id = ?2")
                    .and_then(|mut st| st.execute(params![playlist_id, item_id, pos]))
                    .map_err(sql_err)?;
            }
            ItemOp::Update { items } => {
                let mut update = c
                    .prepare_cached("UPDATE playlist_items SET doc = ?3 WHERE playlist_id = ?1 AND item_id = ?2")
                    .map_err(sql_err)?;
                for item in items {
                    let doc = serde_json::to_string(item).map_err(json_err)?;
                    update.execute(params![playlist_id, item.item_id, doc]).map_err(sql_err)?;
                }
            }
            ItemOp::Reorder { positions } => {
                // New positions never collide with old ones (see `ItemOp::Reorder`).
                let mut update = c
                    .prepare_cached("UPDATE playlist_items SET pos = ?3 WHERE playlist_id = ?1 AND item_id = ?2")
                    .map_err(sql_err)?;
                for p in positions {
                    update.execute(params![playlist_id, p.item_id, p.pos]).map_err(sql_err)?;
                }
            }
            ItemOp::ReplaceAll { items } => {
                c.execute("DELETE FROM playlist_items WHERE playlist_id = ?1", [playlist_id]).map_err(sql_err)?;
                insert_items(c, playlist_id, items)?;
            }
        }
    }
    Ok(())
}

/// When a change moves several items one by one, a new position may be one another moved item
/// still holds: first park every moved item on its own position far below any real one.
fn park_moved_items(c: &Connection, playlist_id: &str, ops: &[ItemOp]) -> StoreResult<()> {
    let moved: Vec<&str> = ops
        .iter()
        .filter_map(|op| match op {
            ItemOp::Reposition { item_id, .. } => Some(item_id.as_str()),
            _ => None,
        })
        .collect();
    if moved.len() < 2 {
        return Ok(());
    }
    let mut park = c
        .prepare_cached("UPDATE playlist_items SET pos = ?3 WHERE playlist_id = ?1 AND item_id = ?2")
        .map_err(sql_err)?;
    for (k, item_id) in moved.into_iter().enumerate() {
        park.execute(params![playlist_id, item_id, i64::MIN + k as i64]).map_err(sql_err)?;
    }
    Ok(())
}

/// Saves a history entry and drops payloads no longer needed to restore the last versions.
pub(super) fn insert_history(c: &Connection, entry: &HistoryEntry, budget: u64) -> StoreResult<()> {
    let snapshot = entry.snapshot.as_ref().map(serde_json::to_string).transpose().map_err(json_err)?;
    let delta = entry.delta.as_ref().map(serde_json::to_string).transpose().map_err(json_err)?;
    let doc =
        serde_json::to_string(&HistoryEntry { snapshot: None, delta: None, ..entry.clone() }).map_err(json_err)?;
    c.prepare_cached(
        "INSERT OR REPLACE INTO playlist_history (playlist_id, version, doc, snapshot, delta) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut st| st.execute(params![entry.playlist_id, entry.version as i64, doc, snapshot, delta]))
    .map_err(sql_err)?;
    if entry.version.is_multiple_of(10) {
        if let Some(checkpoint) = prune_history(c, &entry.playlist_id, keep_from(entry.version))? {
            trim_to_budget(c, &entry.playlist_id, checkpoint as u64, budget)?;
        }
    }
    Ok(())
}

/// Deletes the oldest entries before `keep_from` (the checkpoint the kept versions start from) while the playlist's history is over `budget`
/// bytes (counting newest first, so the entries that must stay are counted first).
fn trim_to_budget(c: &Connection, playlist_id: &str, keep_from: u64, budget: u64) -> StoreResult<()> {
    c.execute(
        "DELETE FROM playlist_history WHERE playlist_id = ?1 AND version < ?2 AND version <= (
           SELECT max(version) FROM (
             SELECT version, sum(length(doc) + ifnull(length(delta), 0) + ifnull(length(snapshot), 0))
               OVER (ORDER BY version DESC) AS total
             FROM playlist_history WHERE playlist_id = ?1)
           WHERE total > ?3)",
        params![playlist_id, keep_from as i64, i64::try_from(budget).unwrap_or(i64::MAX)],
    )
    .map(|_| ())
    .map_err(sql_err)
}

/// Drops the payloads older than the newest checkpoint at or before `keep_from`; returns that
/// checkpoint (what restoring the oldest kept version starts from).
fn prune_history(c: &Connection, playlist_id: &str, keep_from: u64) -> StoreResult<Option<i64>> {
    let checkpoint: Option<i64> = c
        .query_row(
            "SELECT max(version) FROM playlist_history WHERE playlist_id = ?1 AND version <= ?2 AND snapshot IS NOT NULL",
            params![playlist_id, keep_from as i64],
            |r| r.get(0),
        )
        .map_err(sql_err)?;
    if let Some(checkpoint) = checkpoint {
        c.execute(
            "UPDATE playlist_history SET snapshot = NULL, delta = NULL
             WHERE playlist_id = ?1 AND version < ?2 AND (snapshot IS NOT NULL OR delta IS NOT NULL)",
            params![playlist_id, checkpoint],
        )
        .map_err(sql_err)?;
    }
    Ok(checkpoint)
}

/// Reads a playlist's items in order.
pub(super) fn read_items(c: &Connection, playlist_id: &str) -> StoreResult<Vec<Arc<Item>>> {
    let mut st =
        c.prepare_cached("SELECT pos, doc FROM playlist_items WHERE playlist_id = ?1 ORDER BY pos").map_err(sql_err)?;
    let rows = st.query_map([playlist_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))).map_err(sql_err)?;
    rows.map(|row| {
        let (pos, doc) = row.map_err(sql_err)?;
        let item: Item = serde_json::from_str(&doc).map_err(json_err)?;
        Ok(Arc::new(Item { pos, ..item }))
    })
    .collect()
}
