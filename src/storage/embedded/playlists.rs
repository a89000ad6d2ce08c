//! Playlists in SQLite: one row per playlist, metadata and items as JSON, CAS on `version`.

use async_trait::async_trait;
use deadpool_sqlite::rusqlite::{params, Connection, OptionalExtension};

use super::{json_err, sql_err, EmbeddedStore};
use crate::{
    playlists::{
        model::{ListCursor, Playlist, PlaylistMeta},
        store::PlaylistStore,
    },
    storage::{StoreError, StoreResult},
};

/// The row values of a playlist.
struct Row {
    id: String,
    owner_id: String,
    updated_us: i64,
    version: i64,
    meta: String,
    items: String,
    pending_items: i64,
}

fn to_row(p: &Playlist) -> StoreResult<Row> {
    let mut p = p.clone();
    p.sync_derived();
    Ok(Row {
        id: p.meta.id.clone(),
        owner_id: p.meta.owner_id.clone(),
        updated_us: p.meta.updated_at.timestamp_micros(),
        version: p.meta.version as i64,
        meta: serde_json::to_string(&p.meta).map_err(json_err)?,
        items: serde_json::to_string(&p.items).map_err(json_err)?,
        pending_items: p.meta.pending_items as i64,
    })
}

fn current_version(c: &Connection, id: &str) -> StoreResult<Option<u64>> {
    c.query_row("SELECT version FROM playlists WHERE id = ?1", [id], |r| r.get::<_, i64>(0))
        .optional()
        .map(|v| v.map(|v| v as u64))
        .map_err(sql_err)
}

fn lost_race(c: &Connection, id: &str) -> StoreError {
    match current_version(c, id) {
        Ok(Some(current)) => StoreError::VersionMismatch { current },
        Ok(None) => StoreError::NotFound,
        Err(e) => e,
    }
}

#[async_trait]
impl PlaylistStore for EmbeddedStore {
    async fn insert_playlist(&self, playlist: &Playlist) -> StoreResult<()> {
        let row = to_row(playlist)?;
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO playlists (id, owner_id, updated_us, version, meta, items, pending_items)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![row.id, row.owner_id, row.updated_us, row.version, row.meta, row.items, row.pending_items],
            )
            .map(|_| ())
            .map_err(|e| match e.sqlite_error_code() {
                Some(deadpool_sqlite::rusqlite::ErrorCode::ConstraintViolation) => StoreError::Conflict("playlist"),
                _ => sql_err(e),
            })
        })
        .await
    }

    async fn playlist(&self, id: &str) -> StoreResult<Option<Playlist>> {
        let id = id.to_owned();
        self.with_conn(move |c| {
            let row: Option<(String, String)> = c
                .query_row("SELECT meta, items FROM playlists WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(sql_err)?;
            row.map(|(meta, items)| {
                Ok(Playlist {
                    meta: serde_json::from_str(&meta).map_err(json_err)?,
                    items: serde_json::from_str(&items).map_err(json_err)?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn replace_playlist(&self, playlist: &Playlist, expected_version: u64) -> StoreResult<()> {
        let row = to_row(playlist)?;
        self.with_conn(move |c| {
            let changed = c
                .execute(
                    "UPDATE playlists SET owner_id = ?2, updated_us = ?3, version = ?4, meta = ?5, items = ?6,
                     pending_items = ?8 WHERE id = ?1 AND version = ?7",
                    params![
                        row.id,
                        row.owner_id,
                        row.updated_us,
                        row.version,
                        row.meta,
                        row.items,
                        expected_version as i64,
                        row.pending_items
                    ],
                )
                .map_err(sql_err)?;
            if changed == 1 {
                Ok(())
            } else {
                Err(lost_race(c, &row.id))
            }
        })
        .await
    }

    async fn delete_playlist(&self, id: &str, expected_version: Option<u64>) -> StoreResult<()> {
        let id = id.to_owned();
        self.with_conn(move |c| {
            let changed = match expected_version {
                Some(v) => c.execute("DELETE FROM playlists WHERE id = ?1 AND version = ?2", params![id, v as i64]),
                None => c.execute("DELETE FROM playlists WHERE id = ?1", params![id]),
            }
            .map_err(sql_err)?;
            if changed == 1 {
                Ok(())
            } else {
                Err(lost_race(c, &id))
            }
        })
        .await
    }

    async fn playlists_by_owner(
        &self,
        owner_id: &str,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        let owner = owner_id.to_owned();
        let (after_us, after_id) = after.map_or((i64::MAX, String::new()), |c| (c.updated_us, c.id.clone()));
        let first_page = after.is_none();
        self.with_conn(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT meta FROM playlists WHERE owner_id = ?1
                     AND (?4 OR updated_us < ?2 OR (updated_us = ?2 AND id < ?3))
                     ORDER BY updated_us DESC, id DESC LIMIT ?5",
                )
                .map_err(sql_err)?;
            let rows = stmt
                .query_map(params![owner, after_us, after_id, first_page, limit as i64], |r| r.get::<_, String>(0))
                .map_err(sql_err)?;
            rows.map(|r| serde_json::from_str(&r.map_err(sql_err)?).map_err(json_err)).collect()
        })
        .await
    }

    async fn playlists_with_pending(&self, limit: usize) -> StoreResult<Vec<String>> {
        self.with_conn(move |c| {
            let mut stmt = c
                .prepare_cached("SELECT id FROM playlists WHERE pending_items > 0 ORDER BY updated_us LIMIT ?1")
                .map_err(sql_err)?;
            let rows = stmt.query_map([limit as i64], |r| r.get::<_, String>(0)).map_err(sql_err)?;
            rows.map(|r| r.map_err(sql_err)).collect()
        })
        .await
    }

    async fn playlist_ids_named(&self, owner_id: &str, name: &str) -> StoreResult<Vec<String>> {
        let (owner, name) = (owner_id.to_owned(), name.to_owned());
        self.with_conn(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT id FROM playlists WHERE owner_id = ?1 AND json_extract(meta, '$.name') = ?2 ORDER BY id",
                )
                .map_err(sql_err)?;
            let rows = stmt.query_map(params![owner, name], |r| r.get::<_, String>(0)).map_err(sql_err)?;
            rows.map(|r| r.map_err(sql_err)).collect()
        })
        .await
    }
}
