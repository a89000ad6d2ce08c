//! Playlist history in SQLite.

use async_trait::async_trait;
use deadpool_sqlite::rusqlite::{params, OptionalExtension};

use super::{json_err, sql_err, EmbeddedStore};
use crate::{
    playlists::history::{HistoryEntry, HistoryStore, Snapshot},
    storage::StoreResult,
};

#[async_trait]
impl HistoryStore for EmbeddedStore {
    async fn record_version(&self, entry: &HistoryEntry) -> StoreResult<()> {
        let snapshot = entry.snapshot.as_ref().map(serde_json::to_string).transpose().map_err(json_err)?;
        let doc = serde_json::to_string(&HistoryEntry { snapshot: None, ..entry.clone() }).map_err(json_err)?;
        let (id, version) = (entry.playlist_id.clone(), entry.version as i64);
        self.with_conn(move |c| {
            c.execute(
                "INSERT OR IGNORE INTO playlist_history (playlist_id, version, doc, snapshot) VALUES (?1, ?2, ?3, ?4)",
                params![id, version, doc, snapshot],
            )
            .map(|_| ())
            .map_err(sql_err)
        })
        .await
    }

    async fn history(&self, playlist_id: &str, before: Option<u64>, limit: usize) -> StoreResult<Vec<HistoryEntry>> {
        let id = playlist_id.to_owned();
        let before = before.map_or(i64::MAX, |v| v as i64);
        self.with_conn(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT doc FROM playlist_history WHERE playlist_id = ?1 AND version < ?2 ORDER BY version DESC LIMIT ?3",
                )
                .map_err(sql_err)?;
            let rows = stmt.query_map(params![id, before, limit as i64], |r| r.get::<_, String>(0)).map_err(sql_err)?;
            rows.map(|r| serde_json::from_str(&r.map_err(sql_err)?).map_err(json_err)).collect()
        })
        .await
    }

    async fn snapshot(&self, playlist_id: &str, version: u64) -> StoreResult<Option<Snapshot>> {
        let id = playlist_id.to_owned();
        self.with_conn(move |c| {
            let snapshot: Option<Option<String>> = c
                .query_row(
                    "SELECT snapshot FROM playlist_history WHERE playlist_id = ?1 AND version = ?2",
                    params![id, version as i64],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql_err)?;
            snapshot.flatten().map(|s| serde_json::from_str(&s).map_err(json_err)).transpose()
        })
        .await
    }

    async fn prune_snapshots(&self, playlist_id: &str, version: u64) -> StoreResult<()> {
        let id = playlist_id.to_owned();
        self.with_conn(move |c| {
            c.execute(
                "UPDATE playlist_history SET snapshot = NULL WHERE playlist_id = ?1 AND version <= ?2 AND snapshot IS NOT NULL",
                params![id, version as i64],
            )
            .map(|_| ())
            .map_err(sql_err)
        })
        .await
    }

    async fn delete_history(&self, playlist_id: &str) -> StoreResult<()> {
        let id = playlist_id.to_owned();
        self.with_conn(move |c| {
            c.execute("DELETE FROM playlist_history WHERE playlist_id = ?1", [id]).map(|_| ()).map_err(sql_err)
        })
        .await
    }
}
