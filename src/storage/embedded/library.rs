//! Folders and placements in SQLite: one row per user's folder tree (compare-and-swap on `rev`)
//! and one row per (user, playlist) placement.

use async_trait::async_trait;
use deadpool_sqlite::rusqlite::{params, types::Value as Sql, Connection, OptionalExtension};

use super::{json_err, sql_err, EmbeddedStore};
use crate::{
    library::{
        model::{FolderTree, Placement, PlacementChange},
        store::{LibraryStore, TrackHit},
        terms::SearchTerms,
    },
    playlists::model::{ListCursor, ListScope, PlaylistMeta},
    storage::{StoreError, StoreResult},
};

/// The SQL condition "the playlist `p` is in user ?1's library in `scope`".
pub(super) fn scope_filter(scope: ListScope) -> &'static str {
    match scope {
        ListScope::Owned => "owner_id = ?1",
        ListScope::Shared => "id IN (SELECT playlist_id FROM playlist_members WHERE user_id = ?1) AND owner_id <> ?1",
        ListScope::All => "(owner_id = ?1 OR id IN (SELECT playlist_id FROM playlist_members WHERE user_id = ?1))",
    }
}

fn placement_of(user_id: &str, playlist_id: String, folder: Option<String>, tags: &str) -> StoreResult<Placement> {
    Ok(Placement {
        user_id: user_id.to_owned(),
        playlist_id,
        folder,
        tags: serde_json::from_str(tags).map_err(json_err)?,
    })
}

fn query_placements(c: &Connection, sql: &str, args: Vec<Sql>, user_id: &str) -> StoreResult<Vec<Placement>> {
    let mut st = c.prepare_cached(sql).map_err(sql_err)?;
    let rows = st
        .query_map(deadpool_sqlite::rusqlite::params_from_iter(args), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?))
        })
        .map_err(sql_err)?;
    rows.map(|r| {
        let (id, folder, tags) = r.map_err(sql_err)?;
        placement_of(user_id, id, folder, &tags)
    })
    .collect()
}

fn ids_json(ids: &[String]) -> StoreResult<String> {
    serde_json::to_string(ids).map_err(json_err)
}

#[async_trait]
impl LibraryStore for EmbeddedStore {
    async fn folder_tree(&self, user_id: &str) -> StoreResult<FolderTree> {
        let user = user_id.to_owned();
        self.with_conn(move |c| {
            let doc: Option<String> = c
                .query_row("SELECT doc FROM folder_trees WHERE user_id = ?1", [&user], |r| r.get(0))
                .optional()
                .map_err(sql_err)?;
            match doc {
                Some(d) => serde_json::from_str(&d).map_err(json_err),
                None => Ok(FolderTree::empty(&user)),
            }
        })
        .await
    }

    async fn save_folder_tree(&self, tree: &FolderTree, expected_rev: u64) -> StoreResult<()> {
        let doc = serde_json::to_string(tree).map_err(json_err)?;
        let (user, rev) = (tree.user_id.clone(), tree.rev as i64);
        self.with_conn(move |c| {
            let changed = if expected_rev == 0 {
                c.execute(
                    "INSERT INTO folder_trees (user_id, rev, doc) VALUES (?1, ?2, ?3) ON CONFLICT (user_id) DO NOTHING",
                    params![user, rev, doc],
                )
            } else {
                c.execute(
                    "UPDATE folder_trees SET rev = ?2, doc = ?3 WHERE user_id = ?1 AND rev = ?4",
                    params![user, rev, doc, expected_rev as i64],
                )
            }
            .map_err(sql_err)?;
            if changed == 1 {
                return Ok(());
            }
            let current: Option<i64> = c
                .query_row("SELECT rev FROM folder_trees WHERE user_id = ?1", [&user], |r| r.get(0))
                .optional()
                .map_err(sql_err)?;
            Err(StoreError::VersionMismatch { current: current.unwrap_or(0) as u64 })
        })
        .await
    }

    async fn placements(&self, user_id: &str, playlist_ids: &[String]) -> StoreResult<Vec<Placement>> {
        let (user, ids) = (user_id.to_owned(), ids_json(playlist_ids)?);
        self.with_conn(move |c| {
            query_placements(
                c,
                "SELECT playlist_id, folder_id, tags FROM placements
                 WHERE user_id = ?1 AND playlist_id IN (SELECT value FROM json_each(?2))",
                vec![Sql::Text(user.clone()), Sql::Text(ids)],
                &user,
            )
        })
        .await
    }

    async fn all_placements(&self, user_id: &str) -> StoreResult<Vec<Placement>> {
        let user = user_id.to_owned();
        self.with_conn(move |c| {
            query_placements(
                c,
                "SELECT playlist_id, folder_id, tags FROM placements WHERE user_id = ?1",
                vec![Sql::Text(user.clone())],
                &user,
            )
        })
        .await
    }

    async fn update_placement(
        &self,
        user_id: &str,
        playlist_id: &str,
        change: &PlacementChange,
    ) -> StoreResult<Placement> {
        let (user, playlist) = (user_id.to_owned(), playlist_id.to_owned());
        let folder = change.folder.clone();
        let tags = change.tags.as_ref().map(serde_json::to_string).transpose().map_err(json_err)?;
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            tx.execute(
                "INSERT INTO placements (user_id, playlist_id, folder_id, tags) VALUES (?1, ?2, ?4, ifnull(?5, '[]'))
                 ON CONFLICT (user_id, playlist_id) DO UPDATE SET
                   folder_id = CASE WHEN ?3 THEN excluded.folder_id ELSE folder_id END,
                   tags = ifnull(?5, tags)",
                params![user, playlist, folder.is_some(), folder.clone().flatten(), tags],
            )
            .map_err(sql_err)?;
            let (folder, tags): (Option<String>, String) = tx
                .query_row(
                    "SELECT folder_id, tags FROM placements WHERE user_id = ?1 AND playlist_id = ?2",
                    params![user, playlist],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(sql_err)?;
            if folder.is_none() && tags == "[]" {
                tx.execute("DELETE FROM placements WHERE user_id = ?1 AND playlist_id = ?2", params![user, playlist])
                    .map_err(sql_err)?;
            }
            tx.commit().map_err(sql_err)?;
            placement_of(&user, playlist, folder, &tags)
        })
        .await
    }

    async fn filed_in(&self, user_id: &str, folders: &[String]) -> StoreResult<Vec<String>> {
        let (user, folders) = (user_id.to_owned(), ids_json(folders)?);
        self.with_conn(move |c| {
            let mut st = c
                .prepare_cached(
                    "SELECT playlist_id FROM placements WHERE user_id = ?1 AND folder_id IN (SELECT value FROM json_each(?2))",
                )
                .map_err(sql_err)?;
            let rows = st.query_map(params![user, folders], |r| r.get(0)).map_err(sql_err)?;
            rows.collect::<Result<_, _>>().map_err(sql_err)
        })
        .await
    }

    async fn tagged(&self, user_id: &str, tag: &str) -> StoreResult<Vec<String>> {
        let (user, tag) = (user_id.to_owned(), tag.to_owned());
        self.with_conn(move |c| {
            let mut st = c
                .prepare_cached(
                    "SELECT p.playlist_id FROM placements p, json_each(p.tags) t WHERE p.user_id = ?1 AND t.value = ?2",
                )
                .map_err(sql_err)?;
            let rows = st.query_map(params![user, tag], |r| r.get(0)).map_err(sql_err)?;
            rows.collect::<Result<_, _>>().map_err(sql_err)
        })
        .await
    }

    async fn refile(&self, user_id: &str, from: &str, to: Option<&str>) -> StoreResult<u64> {
        let (user, from, to) = (user_id.to_owned(), from.to_owned(), to.map(str::to_owned));
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            let moved = tx
                .execute(
                    "UPDATE placements SET folder_id = ?3 WHERE user_id = ?1 AND folder_id = ?2",
                    params![user, from, to],
                )
                .map_err(sql_err)?;
            tx.execute("DELETE FROM placements WHERE user_id = ?1 AND folder_id IS NULL AND tags = '[]'", [&user])
                .map_err(sql_err)?;
            tx.commit().map_err(sql_err)?;
            Ok(moved as u64)
        })
        .await
    }

    async fn delete_placements_of_playlist(&self, playlist_id: &str) -> StoreResult<()> {
        let id = playlist_id.to_owned();
        self.with_conn(move |c| {
            c.execute("DELETE FROM placements WHERE playlist_id = ?1", [id]).map(|_| ()).map_err(sql_err)
        })
        .await
    }

    async fn delete_library_of(&self, user_id: &str) -> StoreResult<()> {
        let user = user_id.to_owned();
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            tx.execute("DELETE FROM placements WHERE user_id = ?1", [&user]).map_err(sql_err)?;
            tx.execute("DELETE FROM folder_trees WHERE user_id = ?1", [&user]).map_err(sql_err)?;
            tx.commit().map_err(sql_err)
        })
        .await
    }

    async fn member_playlists_among(
        &self,
        user_id: &str,
        scope: ListScope,
        ids: &[String],
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        let args = vec![Sql::Text(user_id.to_owned()), Sql::Text(ids_json(ids)?)];
        let after = after.cloned();
        self.with_conn(move |c| {
            let filter = format!("{} AND id IN (SELECT value FROM json_each(?2))", scope_filter(scope));
            super::playlists::list(c, &filter, args, after.as_ref(), limit)
        })
        .await
    }

    async fn search_playlists(
        &self,
        user_id: &str,
        terms: &SearchTerms,
        also: &[String],
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        let args = vec![Sql::Text(user_id.to_owned()), Sql::Text(terms.fts_query()), Sql::Text(ids_json(also)?)];
        let after = after.cloned();
        self.with_conn(move |c| {
            let filter = format!(
                "{} AND (rowid IN (SELECT rowid FROM playlist_search WHERE playlist_search MATCH ?2)
                         OR id IN (SELECT value FROM json_each(?3)))",
                scope_filter(ListScope::All)
            );
            super::playlists::list(c, &filter, args, after.as_ref(), limit)
        })
        .await
    }

    async fn search_tracks(
        &self,
        user_id: &str,
        terms: &SearchTerms,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<TrackHit>> {
        let (user, terms, after) = (user_id.to_owned(), terms.clone(), after.unwrap_or("").to_owned());
        self.with_conn(move |c| super::library_search::track_hits(c, &user, &terms, &after, limit)).await
    }

    async fn compact_search_index(&self, limit: usize) -> StoreResult<usize> {
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            let ids: Vec<i64> = {
                let mut st = tx.prepare_cached("SELECT id FROM item_search_garbage LIMIT ?1").map_err(sql_err)?;
                let rows = st.query_map([limit as i64], |r| r.get(0)).map_err(sql_err)?;
                rows.collect::<Result<_, _>>().map_err(sql_err)?
            };
            for id in &ids {
                tx.execute("DELETE FROM item_search WHERE rowid = ?1", [id]).map_err(sql_err)?;
                tx.execute("DELETE FROM item_search_garbage WHERE id = ?1", [id]).map_err(sql_err)?;
            }
            tx.commit().map_err(sql_err)?;
            Ok(ids.len())
        })
        .await
    }
}
