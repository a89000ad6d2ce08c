//! Playlists in SQLite: one row per playlist (metadata as JSON, indexed columns beside) and one
//! row per item, ordered by a sparse position. A change touches only the rows its operations
//! name, in one transaction with the version bump and its history entry; collaborators are
//! mirrored into `playlist_members` in the same transaction.

use std::sync::Arc;

use async_trait::async_trait;
use deadpool_sqlite::rusqlite::{params, params_from_iter, types::Value as Sql, Connection, OptionalExtension};

use super::{
    json_err,
    playlist_rows::{apply_ops, insert_history, insert_items, lost_race, read_items, revision, write_members, MetaRow},
    sql_err,
    versions::Known,
    EmbeddedStore,
};
use crate::{
    playlists::{
        history::HistoryEntry,
        model::{CopyLink, Item, ListCursor, ListScope, Playlist, PlaylistMeta, Revision},
        store::{Commit, LinkUpdate, PlaylistStore},
    },
    storage::{StoreError, StoreResult},
};

/// Runs a keyset-paginated listing; `filter` is a SQL condition using `?1`… for `args`.
pub(super) fn list(
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

/// Moves the enrichment generation by `changed` items and the pending count down by the
/// `resolved` among them (an item may change while still pending: why it waits); returns the
/// revision after.
fn bump_enrichment(c: &Connection, id: &str, changed: usize, resolved: usize) -> StoreResult<Revision> {
    if changed > 0 {
        c.execute(
            "UPDATE playlists SET enrichment_gen = enrichment_gen + ?2, pending_items = max(pending_items - ?3, 0),
             meta = json_set(meta, '$.enrichment_gen', enrichment_gen + ?2, '$.pending_items', max(pending_items - ?3, 0))
             WHERE id = ?1",
            params![id, changed as i64, resolved as i64],
        )
        .map_err(sql_err)?;
    }
    revision(c, id)?.ok_or(StoreError::NotFound)
}

#[async_trait]
impl PlaylistStore for EmbeddedStore {
    async fn insert_playlist(&self, playlist: &Playlist, history: &HistoryEntry) -> StoreResult<()> {
        let mut playlist = playlist.clone();
        playlist.sync_derived();
        let row = MetaRow::of(&playlist.meta)?;
        let history = history.clone();
        let versions = self.versions.clone();
        versions.writing();
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            tx.execute(
                "INSERT INTO playlists (id, owner_id, updated_us, version, meta, items, pending_items, public, search_text, enrichment_gen)
                 VALUES (?1, ?2, ?3, ?4, ?5, '[]', ?6, ?7, ?8, ?9)",
                params![row.id, row.owner_id, row.updated_us, row.version, row.meta, row.pending_items, row.public, row.search_text, row.enrichment_gen],
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(deadpool_sqlite::rusqlite::ErrorCode::ConstraintViolation) => StoreError::Conflict("playlist"),
                _ => sql_err(e),
            })?;
            insert_items(&tx, &row.id, &playlist.items)?;
            write_members(&tx, &row)?;
            insert_history(&tx, &history, u64::MAX)?;
            tx.commit().map_err(sql_err)?;
            versions.wrote(&row.id, Some(playlist.meta.revision()));
            Ok(())
        })
        .await
    }

    async fn playlist_revision(&self, id: &str) -> StoreResult<Option<Revision>> {
        let ticket = match self.versions.get(id) {
            Known::At(revision) => return Ok(Some(revision)),
            Known::Deleted => return Ok(None),
            Known::Unknown(ticket) => ticket,
        };
        let key = id.to_owned();
        let found = self.with_conn(move |c| revision(c, &key)).await?;
        self.versions.learned(id, found, ticket);
        Ok(found)
    }

    async fn playlist(&self, id: &str) -> StoreResult<Option<Playlist>> {
        let id = id.to_owned();
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            let meta: Option<String> = tx
                .prepare_cached("SELECT meta FROM playlists WHERE id = ?1")
                .and_then(|mut st| st.query_row([&id], |r| r.get(0)).optional())
                .map_err(sql_err)?;
            let Some(meta) = meta else { return Ok(None) };
            let meta: PlaylistMeta = serde_json::from_str(&meta).map_err(json_err)?;
            let items = read_items(&tx, &id)?;
            Ok(Some(Playlist { meta, items }))
        })
        .await
    }

    async fn commit(&self, commit: Commit<'_>) -> StoreResult<()> {
        let row = MetaRow::of(commit.meta)?;
        let ops = commit.ops.to_vec();
        let history = commit.history.clone();
        let budget = commit.history_budget;
        let expected = commit.expected;
        let after = commit.meta.revision();
        let versions = self.versions.clone();
        versions.writing();
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            let changed = tx
                .prepare_cached(
                    "UPDATE playlists SET owner_id = ?2, updated_us = ?3, version = ?4, meta = ?5, pending_items = ?6,
                     public = ?7, search_text = ?8 WHERE id = ?1 AND version = ?9 AND enrichment_gen = ?10",
                )
                .and_then(|mut st| {
                    st.execute(params![
                        row.id,
                        row.owner_id,
                        row.updated_us,
                        row.version,
                        row.meta,
                        row.pending_items,
                        row.public,
                        row.search_text,
                        expected.version as i64,
                        expected.enrichment_gen as i64
                    ])
                })
                .map_err(sql_err)?;
            if changed != 1 {
                versions.forget(&row.id);
                return Err(lost_race(&tx, &row.id, Some(expected)));
            }
            apply_ops(&tx, &row.id, &ops)?;
            write_members(&tx, &row)?;
            insert_history(&tx, &history, budget)?;
            tx.commit().map_err(sql_err)?;
            versions.wrote(&row.id, Some(after));
            Ok(())
        })
        .await
    }

    async fn apply_enrichment(&self, id: &str, items: &[Arc<Item>]) -> StoreResult<(Revision, usize)> {
        let id = id.to_owned();
        let docs: Vec<(String, String, bool)> = items
            .iter()
            .map(|i| {
                let resolves = i.enrichment != crate::tracks::model::Enrichment::Pending;
                Ok((i.item_id.clone(), serde_json::to_string(i).map_err(json_err)?, resolves))
            })
            .collect::<StoreResult<_>>()?;
        let versions = self.versions.clone();
        versions.writing();
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            let (mut changed, mut resolved) = (0usize, 0usize);
            {
                let mut update = tx
                    .prepare_cached(
                        "UPDATE playlist_items SET doc = ?3 WHERE playlist_id = ?1 AND item_id = ?2
                         AND json_extract(doc, '$.enrichment') = 'pending'",
                    )
                    .map_err(sql_err)?;
                for (item_id, doc, resolves) in &docs {
                    let n = update.execute(params![id, item_id, doc]).map_err(sql_err)?;
                    changed += n;
                    resolved += if *resolves { n } else { 0 };
                }
            }
            let now = bump_enrichment(&tx, &id, changed, resolved)?;
            tx.commit().map_err(sql_err)?;
            versions.wrote(&id, Some(now));
            Ok((now, changed))
        })
        .await
    }

    async fn add_item_links(&self, id: &str, updates: &[LinkUpdate]) -> StoreResult<(Revision, usize)> {
        self.add_links(id, updates).await
    }

    async fn set_copies(&self, id: &str, copies: &[CopyLink]) -> StoreResult<Revision> {
        self.put_copies(id, copies).await
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
                return Err(lost_race(&tx, &id, None));
            }
            for table in ["playlist_members", "playlist_items", "playlist_history"] {
                tx.execute(&format!("DELETE FROM {table} WHERE playlist_id = ?1"), [&id]).map_err(sql_err)?;
            }
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
