//! Playlist history in SQLite: entries are written with each change (see `playlist_rows`);
//! this reads them.

use async_trait::async_trait;
use deadpool_sqlite::rusqlite::params;

use super::{json_err, sql_err, EmbeddedStore};
use crate::{
    playlists::history::{HistoryEntry, HistoryStore},
    storage::StoreResult,
};

#[async_trait]
impl HistoryStore for EmbeddedStore {
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

    async fn restore_chain(&self, playlist_id: &str, version: u64) -> StoreResult<Vec<HistoryEntry>> {
        let id = playlist_id.to_owned();
        self.with_conn(move |c| {
            let checkpoint: Option<i64> = c
                .query_row(
                    "SELECT max(version) FROM playlist_history WHERE playlist_id = ?1 AND version <= ?2 AND snapshot IS NOT NULL",
                    params![id, version as i64],
                    |r| r.get(0),
                )
                .map_err(sql_err)?;
            let Some(checkpoint) = checkpoint else { return Ok(Vec::new()) };
            let mut stmt = c
                .prepare_cached(
                    "SELECT doc, snapshot, delta FROM playlist_history
                     WHERE playlist_id = ?1 AND version BETWEEN ?2 AND ?3 ORDER BY version",
                )
                .map_err(sql_err)?;
            let rows = stmt
                .query_map(params![id, checkpoint, version as i64], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
                })
                .map_err(sql_err)?;
            rows.map(|row| {
                let (doc, snapshot, delta) = row.map_err(sql_err)?;
                let mut entry: HistoryEntry = serde_json::from_str(&doc).map_err(json_err)?;
                entry.snapshot = snapshot.map(|s| serde_json::from_str(&s)).transpose().map_err(json_err)?;
                entry.delta = delta.map(|d| serde_json::from_str(&d)).transpose().map_err(json_err)?;
                Ok(entry)
            })
            .collect()
        })
        .await
    }

    async fn changes_after(&self, playlist_id: &str, since: u64, limit: usize) -> StoreResult<Vec<HistoryEntry>> {
        let id = playlist_id.to_owned();
        self.with_conn(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT doc, delta FROM playlist_history WHERE playlist_id = ?1 AND version > ?2
                     ORDER BY version LIMIT ?3",
                )
                .map_err(sql_err)?;
            let rows = stmt
                .query_map(params![id, since as i64, limit as i64], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
                })
                .map_err(sql_err)?;
            rows.map(|row| {
                let (doc, delta) = row.map_err(sql_err)?;
                let mut entry: HistoryEntry = serde_json::from_str(&doc).map_err(json_err)?;
                entry.delta = delta.map(|d| serde_json::from_str(&d)).transpose().map_err(json_err)?;
                Ok(entry)
            })
            .collect()
        })
        .await
    }

    async fn oldest_change(&self, playlist_id: &str) -> StoreResult<u64> {
        let id = playlist_id.to_owned();
        self.with_conn(move |c| {
            // After the newest entry whose change was dropped, and no older than the oldest entry
            // left (a history over its byte budget loses whole entries).
            let (dropped, first): (Option<i64>, Option<i64>) = c
                .query_row(
                    "SELECT (SELECT max(version) FROM playlist_history
                              WHERE playlist_id = ?1 AND version > 1 AND delta IS NULL),
                            (SELECT min(version) FROM playlist_history WHERE playlist_id = ?1)",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(sql_err)?;
            Ok(dropped.map_or(1, |v| v as u64 + 1).max(first.map_or(1, |v| v as u64)))
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
