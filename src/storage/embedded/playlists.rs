//! Playlists in SQLite: one row per playlist (metadata and items as JSON, indexed columns beside),
//! CAS on `version`; collaborators mirrored into `playlist_members` in the same transaction.

use async_trait::async_trait;
use deadpool_sqlite::rusqlite::{params, params_from_iter, types::Value as Sql, Connection, OptionalExtension};

use super::{json_err, sql_err, versions::Known, EmbeddedStore};
use crate::{
    playlists::{
        model::{ListCursor, ListScope, Playlist, PlaylistMeta, Visibility},
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
    public: bool,
    search_text: String,
    collaborators: Vec<String>,
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
        public: p.meta.visibility == Visibility::Public,
        search_text: p.meta.search_text.clone(),
        collaborators: p.meta.collaborators.iter().map(|c| c.user_id.clone()).collect(),
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

fn write_members(c: &Connection, row: &Row) -> StoreResult<()> {
    c.execute("DELETE FROM playlist_members WHERE playlist_id = ?1", [&row.id]).map_err(sql_err)?;
    for user in &row.collaborators {
        c.execute(
            "INSERT OR IGNORE INTO playlist_members (user_id, playlist_id) VALUES (?1, ?2)",
            params![user, row.id],
        )
        .map_err(sql_err)?;
    }
    Ok(())
}

/// Runs a keyset-paginated listing; `filter` is a SQL condition using `?1`… for `args`.
fn list(
    c: &Connection,
    filter: &str,
    args: Vec<Sql>,
    after: Option<&ListCursor>,
    limit: usize,
) -> StoreResult<Vec<PlaylistMeta>> {
    let mut sql = format!("SELECT meta FROM playlists WHERE ({filter})");
    let mut args = args;
    if let Some(cursor) = after {
        let n = args.len();
        sql.push_str(&format!(" AND (updated_us < ?{} OR (updated_us = ?{} AND id < ?{}))", n + 1, n + 1, n + 2));
        args.push(Sql::Integer(cursor.updated_us));
        args.push(Sql::Text(cursor.id.clone()));
    }
    sql.push_str(&format!(" ORDER BY updated_us DESC, id DESC LIMIT {limit}"));
    let mut stmt = c.prepare_cached(&sql).map_err(sql_err)?;
    let rows = stmt.query_map(params_from_iter(args), |r| r.get::<_, String>(0)).map_err(sql_err)?;
    rows.map(|r| serde_json::from_str(&r.map_err(sql_err)?).map_err(json_err)).collect()
}

#[async_trait]
impl PlaylistStore for EmbeddedStore {
    async fn insert_playlist(&self, playlist: &Playlist) -> StoreResult<()> {
        let row = to_row(playlist)?;
        let versions = self.versions.clone();
        versions.writing();
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            tx.execute(
                "INSERT INTO playlists (id, owner_id, updated_us, version, meta, items, pending_items, public, search_text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![row.id, row.owner_id, row.updated_us, row.version, row.meta, row.items, row.pending_items, row.public, row.search_text],
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(deadpool_sqlite::rusqlite::ErrorCode::ConstraintViolation) => StoreError::Conflict("playlist"),
                _ => sql_err(e),
            })?;
            write_members(&tx, &row)?;
            tx.commit().map_err(sql_err)?;
            versions.wrote(&row.id, Some(row.version as u64));
            Ok(())
        })
        .await
    }

    async fn playlist_version(&self, id: &str) -> StoreResult<Option<u64>> {
        let ticket = match self.versions.get(id) {
            Known::At(version) => return Ok(Some(version)),
            Known::Deleted => return Ok(None),
            Known::Unknown(ticket) => ticket,
        };
        let key = id.to_owned();
        let version = self
            .with_conn(move |c| {
                c.prepare_cached("SELECT version FROM playlists WHERE id = ?1")
                    .and_then(|mut st| st.query_row([key], |r| r.get::<_, i64>(0)).optional())
                    .map(|v| v.map(|v| v as u64))
                    .map_err(sql_err)
            })
            .await?;
        self.versions.learned(id, version, ticket);
        Ok(version)
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
        let versions = self.versions.clone();
        versions.writing();
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            let changed = tx
                .execute(
                    "UPDATE playlists SET owner_id = ?2, updated_us = ?3, version = ?4, meta = ?5, items = ?6,
                     pending_items = ?8, public = ?9, search_text = ?10 WHERE id = ?1 AND version = ?7",
                    params![
                        row.id,
                        row.owner_id,
                        row.updated_us,
                        row.version,
                        row.meta,
                        row.items,
                        expected_version as i64,
                        row.pending_items,
                        row.public,
                        row.search_text
                    ],
                )
                .map_err(sql_err)?;
            if changed != 1 {
                versions.forget(&row.id);
                return Err(lost_race(&tx, &row.id));
            }
            write_members(&tx, &row)?;
            tx.commit().map_err(sql_err)?;
            versions.wrote(&row.id, Some(row.version as u64));
            Ok(())
        })
        .await
    }

    async fn delete_playlist(&self, id: &str, expected_version: Option<u64>) -> StoreResult<()> {
        let id = id.to_owned();
        let versions = self.versions.clone();
        versions.writing();
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            let changed = match expected_version {
                Some(v) => tx.execute("DELETE FROM playlists WHERE id = ?1 AND version = ?2", params![id, v as i64]),
                None => tx.execute("DELETE FROM playlists WHERE id = ?1", params![id]),
            }
            .map_err(sql_err)?;
            if changed != 1 {
                versions.forget(&id);
                return Err(lost_race(&tx, &id));
            }
            tx.execute("DELETE FROM playlist_members WHERE playlist_id = ?1", [&id]).map_err(sql_err)?;
            tx.commit().map_err(sql_err)?;
            versions.wrote(&id, None);
            Ok(())
        })
        .await
    }

    async fn playlists_for_member(
        &self,
        user_id: &str,
        scope: ListScope,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        let user = user_id.to_owned();
        let after = after.cloned();
        self.with_conn(move |c| {
            let shared = "id IN (SELECT playlist_id FROM playlist_members WHERE user_id = ?1)";
            let filter = match scope {
                ListScope::Owned => "owner_id = ?1".to_owned(),
                ListScope::Shared => format!("{shared} AND owner_id <> ?1"),
                ListScope::All => format!("owner_id = ?1 OR {shared}"),
            };
            list(c, &filter, vec![Sql::Text(user)], after.as_ref(), limit)
        })
        .await
    }

    async fn public_playlists(
        &self,
        query: Option<&str>,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        let query = query.map(str::to_owned);
        let after = after.cloned();
        self.with_conn(move |c| match query {
            Some(q) => list(c, "public = 1 AND instr(search_text, ?1) > 0", vec![Sql::Text(q)], after.as_ref(), limit),
            None => list(c, "public = 1", vec![], after.as_ref(), limit),
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
}
